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

Local basis: state k of a site holds :math:`n_{max} - k` bosons (the full site first), so that
at ``n_max = 1`` state 0 is the spin's :math:`|{\uparrow}\rangle = |1\rangle` and the
many-body matrices equal the spin ring's entry by entry. The truncation makes
:math:`[d, d^\dagger] = 1 - (n_{max}+1)|n_{max}\rangle\langle n_{max}|`: results converge
as ``n_max`` grows (exact at U = 0 only in the limit; see :mod:`manybody.gaussian`).
"""

from __future__ import annotations

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

    def params(self) -> dict:
        return {"model": self.name, "L": self.L, "boundary": self.boundary,
                **self._coupling_params(), "U": self.U, "n_max": self.n_max}
