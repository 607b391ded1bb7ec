r"""Bose–Hubbard cavities with the correlated two-site dissipation, Eqs. (1)-(4) of the
persistent-current paper, truncated to at most ``n_max`` bosons per site.

.. math::
   \dot\rho = -i[H, \rho] + \kappa\sum_j D[d_j]\rho + \sum_j D[f_j]\rho,\qquad
   H = \sum_{\langle j, j+1\rangle} (J d^\dagger_j d_{j+1} + \lambda d^\dagger_j d^\dagger_{j+1}
   + \mathrm{h.c.}) + \mu\sum_j n_j + U\sum_j n_j(n_j - 1),

:math:`f_j = \alpha d_j + \beta d^\dagger_j + \gamma d_{j+1} + \delta d^\dagger_{j+1}` (Eq. 4),
:math:`J = J_0 e^{i\phi/L}` (Eq. 21). Eq. (1) has no :math:`\mu` term; it is the spin ring's
:math:`\mu\sum_j\sigma^+_j\sigma^-_j` (Eq. 10) with :math:`\sigma\to d`, kept so that
``n_max = 1`` (where :math:`n_j(n_j-1) = 0` and U drops out) is
:class:`~manybody.models.MetelmannClerkRing` exactly: the hard-core limit U -> infinity.

The currents are the spin ring's operators (Eqs. 14-15) with :math:`\sigma^+\to d^\dagger`,
:math:`\sigma^-\to d`; on the bond (a, a+1), :math:`I^\eta = -\eta d^\dagger_{a+1}d_a +
\mathrm{h.c.}`, :math:`\eta = \alpha\gamma^* - \delta\beta^*` (Eq. 7).

Continuity equation (tested as an operator identity below the truncation): with
:math:`\Gamma_\pm` of the spin ring (:math:`\Gamma_- = |\alpha|^2 + |\gamma|^2`,
:math:`\Gamma_+ = |\beta|^2 + |\delta|^2`), "in" the bond (j-1, j) and "out" the bond (j, j+1),

.. math::
   \mathcal L^\dagger(n_j) = \tfrac12\big(I^J_{in} - I^J_{out} + I^\xi_{in} - I^\xi_{out}
   + I^\eta_{in} + I^\eta_{out} - I^\lambda_{in} - I^\lambda_{out}\big)
   - (\Gamma_- + \kappa)\,n_j + \Gamma_+(n_j + 1),

the spin ring's corrected Eq. (13) with :math:`\sigma^z = 2n - 1`, except that the gain term
is :math:`\Gamma_+(n_j + 1)` (bosons) instead of :math:`\Gamma_+(1 - n_j)` (spins). U enters
nowhere: :math:`n_j(n_j - 1)` commutes with :math:`n_j`.

Hard-core limit. The paper maps the model onto spins "in the limit of very strong repulsion"
(setting :math:`d_j\to\sigma^-_j`). That holds for the Hamiltonian but not for the jumps: the
gain parts :math:`\beta d^\dagger_j + \delta d^\dagger_{j+1}` of :math:`f_j` fill a singly
occupied site incoherently whatever U, so large U removes the coherences between different
numbers of doubly occupied sites but not their population. The spin ring is ``n_max = 1``
(jumps projected too), not :math:`U\to\infty` of Eq. (2): e.g. ring L = 3, α = 2, δ = 0.8,
κ = 0.1: spin current 0.288, boson current at U = 1e4 0.1790 (n_max = 5; 0.1816, 0.1793,
0.1791 at n_max = 2, 3, 4), occupation 0.214 against the spin's 0.167.

Local basis: state k of a site holds :math:`n_{max} - k` bosons (the full site first), so that
at ``n_max = 1`` state 0 is the spin's :math:`|{\uparrow}\rangle = |1\rangle` and the
many-body matrices equal the spin ring's entry by entry. The truncation makes
:math:`[d, d^\dagger] = 1 - (n_{max}+1)|n_{max}\rangle\langle n_{max}|`: results converge
as ``n_max`` grows (exact at U = 0 only in the limit; see :mod:`manybody.gaussian`).
"""

from __future__ import annotations

import copy

import numpy as np

from .. import _validate
from .spin import LocalOps, Operator, ProductChain
from .spin_ring import CorrelatedBathRing


def boson_ops(n_max: int) -> LocalOps:
    r"""Local operators of a boson truncated to :math:`n \le n_{max}`, in the basis
    :math:`k = n_{max} - n`: ``"d"`` (annihilation), ``"d+"`` (creation), ``"n"`` and
    ``"n(n-1)"``, each a monomial (one entry per column), and ``"id"``."""
    n_max = _validate.integer("n_max", n_max, 1)
    n = n_max - np.arange(n_max + 1)  # occupation of local state k
    d = np.zeros((n_max + 1, n_max + 1), dtype=complex)
    for k in range(1, n_max + 1):  # d|n> = sqrt(n)|n-1>: state k-1 (n+1 bosons) -> state k
        d[k, k - 1] = np.sqrt(n[k - 1])
    return {"id": np.eye(n_max + 1, dtype=complex), "d": d, "d+": d.conj().T.copy(),
            "n": np.diag(n).astype(complex), "n(n-1)": np.diag(n * (n - 1)).astype(complex)}


class BoseHubbardRing(CorrelatedBathRing, ProductChain):
    """Bosonic cavities on a ring (or open chain), Eqs. (1)-(4), at most ``n_max`` per site.

    Parameters
    ----------
    L : int
        Number of sites, >= 2.
    alpha, beta, gamma, delta : complex
        Amplitudes of the jump :math:`f_j` of Eq. (4).
    mu : float
        On-site energy :math:`\\mu` of :math:`\\mu\\sum_j n_j`.
    U : float
        On-site repulsion of :math:`U\\sum_j n_j(n_j - 1)` (Eq. 1), >= 0.
    n_max : int
        Truncation: at most ``n_max`` >= 1 bosons per site (local dimension n_max + 1).
    J : float
        Hopping modulus :math:`J_0 \\ge 0`, :math:`J = J_0 e^{i\\phi/L}` (Eq. 21).
    lam : complex
        Pairing :math:`\\lambda` of Eq. (1).
    kappa : float
        Local decay rate :math:`\\kappa \\ge 0` of :math:`D[d_j]`.
    flux : float
        :math:`\\phi` of Eq. (21).
    boundary : {"periodic", "open"}
        Ring, or open chain with L - 1 bonds and L - 1 jumps :math:`f_j`.
    """

    name = "bose-hubbard-ring"
    PROFILE_PARTS = ("J", "eta")  # the circulating current, as for the spin ring
    RAISE = "d+"
    LOWER = "d"
    NUMBER = "n"
    SITE_OBSERVABLES = {"n": "n"}  # occupation per site
    odd_ops = {"d", "d+"}  # odd under (-1)^N

    def __init__(self, L: int, *, alpha: complex, beta: complex, gamma: complex,
                 delta: complex, mu: float = 1.0, U: float = 0.0, n_max: int = 2,
                 J: float = 0.0, lam: complex = 0.0, kappa: float = 0.0, flux: float = 0.0,
                 boundary: str = "periodic") -> None:
        super().__init__(L, boundary)
        self._set_couplings(alpha, beta, gamma, delta, mu, J, lam, kappa, flux)
        self.U = _validate.real("U", U, 0.0)
        self.n_max = _validate.integer("n_max", n_max, 1)
        self._ops = boson_ops(self.n_max)

    @property
    def local_ops(self) -> LocalOps:
        return self._ops

    def hamiltonian_terms(self) -> Operator:
        terms = self._quadratic_terms()
        terms += [(self.U, (("n(n-1)", j),)) for j in range(self.L)]
        return [t for t in terms if t[0] != 0]

    def jump_operators(self) -> list[Operator]:
        return self._jumps(1)

    def refined(self) -> BoseHubbardRing:
        """The same ring with ``n_max + 1``."""
        finer = copy.copy(self)
        finer.n_max = self.n_max + 1
        finer._ops = boson_ops(finer.n_max)
        return finer

    def params(self) -> dict:
        return {"model": self.name, "L": self.L, "boundary": self.boundary,
                **self._coupling_params(), "U": self.U, "n_max": self.n_max}
