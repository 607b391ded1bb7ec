r"""The boundary-driven XX chain (Žnidarič, J. Phys. A 43, 415004 (2010)).

.. math::
   \dot\rho = -i[H, \rho] + \sum_k D[L_k]\rho + \gamma_d\sum_j D[\sigma^z_j]\rho,\qquad
   H = J\sum_{j=0}^{L-2}(\sigma^x_j\sigma^x_{j+1} + \sigma^y_j\sigma^y_{j+1})
     = 2J\sum_j(\sigma^+_j\sigma^-_{j+1} + \mathrm{h.c.}),

with the four boundary jumps of Žnidarič's parametrization (coupling :math:`\Gamma`, driving
:math:`\mu`)

.. math::
   L_1 = \sqrt{\Gamma(1+\mu)}\,\sigma^+_0,\quad L_2 = \sqrt{\Gamma(1-\mu)}\,\sigma^-_0,\quad
   L_3 = \sqrt{\Gamma(1-\mu)}\,\sigma^+_{L-1},\quad L_4 = \sqrt{\Gamma(1+\mu)}\,\sigma^-_{L-1}.

Alone, the left bath polarizes its spin to :math:`\langle\sigma^z_0\rangle = +\mu` and the
right one to :math:`-\mu`, so for :math:`\mu > 0` magnetization flows from left to right and
the current below is positive (Žnidarič's paper may label the ends the other way round; only
the sign of :math:`\mu` differs). The optional bulk dephasing :math:`\gamma_d` (Žnidarič's
other exactly solvable case) makes transport diffusive.

Current on bond (a, a+1), positive from a to a+1:
:math:`I^J_a = 2J(\sigma^x_a\sigma^y_{a+1} - \sigma^y_a\sigma^x_{a+1})
= 4iJ(\sigma^+_a\sigma^-_{a+1} - \sigma^-_a\sigma^+_{a+1})`; in the bulk the continuity
equation :math:`\dot\sigma^z_j = I^J_{j-1} - I^J_j` holds as an operator identity (a test
checks it; dephasing commutes with :math:`\sigma^z_j`).

Without dephasing the model is quasi-free (Jordan–Wigner, spin up = occupied), and its steady
state is an MPO of bond dimension 4 for every L; :mod:`manybody.ed.xx_chain` solves it exactly
from the closed equation of the two-point function.
"""

from __future__ import annotations

import numpy as np

from .. import _validate
from .spin import Operator, SpinChain


class BoundaryDrivenXX(SpinChain):
    """Open XX chain driven by spin baths at its two ends, with optional bulk dephasing.

    Parameters
    ----------
    L : int
        Number of spins, >= 2.
    gamma : float
        Bath coupling :math:`\\Gamma > 0`.
    mu : float
        Driving :math:`\\mu \\in [-1, 1]`; the baths target :math:`\\langle\\sigma^z\\rangle
        = \\pm\\mu` at the left and right end.
    J : float
        Exchange :math:`J` of :math:`H = J\\sum(\\sigma^x\\sigma^x + \\sigma^y\\sigma^y)`
        (Žnidarič's normalization at J = 1).
    dephasing : float
        Bulk dephasing rate :math:`\\gamma_d \\ge 0` of :math:`D[\\sigma^z_j]` on every site.
    """

    name = "xx-chain"
    PROFILE_PARTS = ("J",)

    def __init__(self, L: int, *, gamma: float = 1.0, mu: float = 0.5, J: float = 1.0,
                 dephasing: float = 0.0) -> None:
        super().__init__(L, "open")
        self.gamma = _validate.real("gamma", gamma, 0.0, open_lo=True)
        self.mu = _validate.real("mu", mu, -1.0, 1.0)
        self.J = _validate.real("J", J)
        self.dephasing = _validate.real("dephasing", dephasing, 0.0)

    @property
    def rates(self) -> dict[str, float]:
        """Rates of the four boundary jumps: ``in_left`` (:math:`\\sigma^+_0`), ``out_left``,
        ``in_right`` (:math:`\\sigma^+_{L-1}`), ``out_right``."""
        g, mu = self.gamma, self.mu
        return {"in_left": g * (1 + mu), "out_left": g * (1 - mu),
                "in_right": g * (1 - mu), "out_right": g * (1 + mu)}

    def hamiltonian_terms(self) -> Operator:
        terms: Operator = []
        for a, b in self.bonds:
            terms += [(2 * self.J, (("sp", a), ("sm", b))), (2 * self.J, (("sm", a), ("sp", b)))]
        return [t for t in terms if t[0] != 0]

    def jump_operators(self) -> list[Operator]:
        r, last = self.rates, self.L - 1
        jumps = [[(np.sqrt(r["in_left"]), (("sp", 0),))], [(np.sqrt(r["out_left"]), (("sm", 0),))],
                 [(np.sqrt(r["in_right"]), (("sp", last),))],
                 [(np.sqrt(r["out_right"]), (("sm", last),))]]
        if self.dephasing > 0:
            jumps += [[(np.sqrt(self.dephasing), (("sz", j),))] for j in range(self.L)]
        return [f for f in jumps if f[0][0] != 0]

    def current_terms(self, bond: tuple[int, int]) -> dict[str, Operator]:
        """The spin current :math:`I^J = 4iJ(\\sigma^+_a\\sigma^-_b - \\mathrm{h.c.})` on
        ``bond`` = (a, b), positive from a to b."""
        a, b = bond
        return {"J": [(4j * self.J, (("sp", a), ("sm", b))),
                      (-4j * self.J, (("sm", a), ("sp", b)))]}

    @property
    def reflection_symmetric(self) -> bool:
        """j -> L-1-j swaps the baths, which differ unless mu = 0 (the symmetry of the driven
        chain, reflection combined with a spin flip, is not a site permutation)."""
        return self.mu == 0

    def params(self) -> dict:
        return {"model": self.name, "L": self.L, "boundary": self.boundary,
                "gamma": self.gamma, "mu": self.mu, "J": self.J, "dephasing": self.dephasing}
