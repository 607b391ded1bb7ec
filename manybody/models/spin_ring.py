r"""The Metelmann–Clerk spin ring of the persistent-current paper, Eqs. (10)-(12) and (21).

.. math::
   \dot\rho = -i[H, \rho] + \kappa\sum_j D[\sigma^-_j]\rho + \sum_j D[f_j]\rho,\qquad
   H = \sum_{\langle j, j+1\rangle} (J\sigma^+_j\sigma^-_{j+1} + \lambda\sigma^+_j\sigma^+_{j+1}
   + \mathrm{h.c.}) + \mu\sum_j \sigma^+_j\sigma^-_j,

:math:`J = J_0 e^{i\phi/L}` (Eq. 21), :math:`f_j = \alpha\sigma^-_j + \beta\sigma^+_j +
\gamma\sigma^-_{j+r} + \delta\sigma^+_{j+r}` (Eq. 12) with r = 1, or r = 2 for the
next-nearest-neighbour dissipation of Sec. IV C, whose other perturbations are a field
:math:`h_x\sum_j\sigma^x_j` and an interaction :math:`J_{zz}\sum_j\sigma^z_j\sigma^z_{j+1}`.

Currents, Eqs. (14)-(15), on the bond b = (a, a+1) ("bond a+1" of the paper, from site a to
a+1): :math:`I^J_b = 2i(J\sigma^-_{a+1}\sigma^+_a - \mathrm{h.c.})`,
:math:`I^\eta_b = -\eta\sigma^+_{a+1}\sigma^-_a + \mathrm{h.c.}`,
:math:`I^\lambda_b = 2i(\lambda\sigma^+_{a+1}\sigma^+_a - \mathrm{h.c.})`,
:math:`I^\xi_b = \xi\sigma^-_{a+1}\sigma^-_a + \mathrm{h.c.}`, with
:math:`\eta = \alpha\gamma^* - \delta\beta^*` (Eq. 7) and
:math:`\xi = \alpha\delta^* - \gamma\beta^*` (Eq. 8 has :math:`\gamma^*\beta`). With these
operators the continuity equation holds as the operator identity

.. math::
   \dot\sigma^z_j = \nabla_j I^J_j + \nabla_j I^\xi_j + (I^\eta_j + I^\eta_{j+1})
   - (I^\lambda_j + I^\lambda_{j+1}) - (\sigma^z_j + 1)(\Gamma_- + \kappa)
   - (\sigma^z_j - 1)\Gamma_+,

:math:`\nabla_j I_j = I_j - I_{j+1}`, :math:`\Gamma_+ = |\beta|^2 + |\delta|^2`,
:math:`\Gamma_- = |\alpha|^2 + |\gamma|^2` (Eqs. 16-17). Corrections to the paper: Eq. (13)
has the opposite signs in front of the :math:`I^\eta` and :math:`I^\lambda` terms, Eq. (8)
the conjugations above, and Sec. IV swaps :math:`\Gamma_\pm` relative to Eqs. (16)-(17). A test
checks the corrected form as an operator identity.
"""

from __future__ import annotations

import numpy as np

from .. import _validate
from .base import complex_param
from .spin import Operator, SpinChain


class CorrelatedBathRing:
    """The couplings of Eqs. (1)-(8) shared by the spin ring and the bosons of Eqs. (1)-(4):
    hopping J (Eq. 21), pairing, chemical potential, local decay and the jump f_j of Eq. (4)
    / (12), written with the local operator names :attr:`RAISE`, :attr:`LOWER`,
    :attr:`NUMBER` (:math:`\\sigma^+, \\sigma^-, n` or :math:`d^\\dagger, d, n`)."""

    RAISE = "sp"
    LOWER = "sm"
    NUMBER = "n"
    L: int
    bonds: list[tuple[int, int]]
    periodic: bool

    def _set_couplings(self, alpha: complex, beta: complex, gamma: complex, delta: complex,
                       mu: float, J: float, lam: complex, kappa: float, flux: float) -> None:
        self.alpha = _validate.complex_number("alpha", alpha)
        self.beta = _validate.complex_number("beta", beta)
        self.gamma = _validate.complex_number("gamma", gamma)
        self.delta = _validate.complex_number("delta", delta)
        self.mu = _validate.real("mu", mu)
        self.J0 = _validate.real("J", J, 0.0)
        self.lam = _validate.complex_number("lam", lam)
        self.kappa = _validate.real("kappa", kappa, 0.0)
        self.flux = _validate.real("flux", flux)

    @classmethod
    def minimal(cls, L: int, alpha: complex, delta: complex, mu: float = 1.0, **kwargs):
        """The minimal model of Sec. IV: :math:`\\gamma = \\alpha^*`, :math:`\\beta = \\delta^*`."""
        # validate here, so that a bad delta is reported as delta, not as beta = delta*
        alpha = _validate.complex_number("alpha", alpha)
        delta = _validate.complex_number("delta", delta)
        return cls(L, alpha=alpha, beta=np.conj(delta), gamma=np.conj(alpha), delta=delta,
                   mu=mu, **kwargs)

    # -- couplings --------------------------------------------------------------------------
    @property
    def J(self) -> complex:
        """:math:`J = J_0 e^{i\\phi/L}` (Eq. 21)."""
        return self.J0 * np.exp(1j * self.flux / self.L)

    @property
    def eta(self) -> complex:
        """:math:`\\eta = \\alpha\\gamma^* - \\delta\\beta^*` (Eq. 7)."""
        return self.alpha * np.conj(self.gamma) - self.delta * np.conj(self.beta)

    @property
    def xi(self) -> complex:
        """:math:`\\xi = \\alpha\\delta^* - \\gamma\\beta^*`: Eq. (8) writes
        :math:`\\gamma^*\\beta`, which breaks the continuity equation unless
        :math:`\\gamma\\beta^*` is real (e.g. the minimal model with real alpha, delta)."""
        return self.alpha * np.conj(self.delta) - self.gamma * np.conj(self.beta)

    @property
    def gamma_plus(self) -> float:
        """:math:`\\Gamma_+ = |\\beta|^2 + |\\delta|^2` (Eq. 16), the rate towards spin up."""
        return abs(self.beta) ** 2 + abs(self.delta) ** 2

    @property
    def gamma_minus(self) -> float:
        """:math:`\\Gamma_- = |\\alpha|^2 + |\\gamma|^2` (Eq. 17), towards spin down."""
        return abs(self.alpha) ** 2 + abs(self.gamma) ** 2

    # -- terms ------------------------------------------------------------------------------
    def _quadratic_terms(self) -> Operator:
        """Hopping and pairing on every bond and :math:`\\mu n_j` on every site."""
        J, lam, up, dn = self.J, self.lam, self.RAISE, self.LOWER
        terms: Operator = []
        for a, b in self.bonds:
            terms += [(J, ((up, a), (dn, b))), (np.conj(J), ((dn, a), (up, b))),
                      (lam, ((up, a), (up, b))), (np.conj(lam), ((dn, a), (dn, b)))]
        terms += [(self.mu, ((self.NUMBER, j),)) for j in range(self.L)]
        return terms

    def _jumps(self, r: int) -> list[Operator]:
        """:math:`f_j` of Eq. (4) on (j, j+r) and :math:`\\sqrt\\kappa` times the lowering."""
        n = self.L if self.periodic else self.L - r
        jumps = []
        for j in range(n):
            k = (j + r) % self.L
            f = [(self.alpha, ((self.LOWER, j),)), (self.beta, ((self.RAISE, j),)),
                 (self.gamma, ((self.LOWER, k),)), (self.delta, ((self.RAISE, k),))]
            jumps.append([t for t in f if t[0] != 0])
        if self.kappa > 0:
            jumps += [[(np.sqrt(self.kappa), ((self.LOWER, j),))] for j in range(self.L)]
        return [f for f in jumps if f]

    def current_terms(self, bond: tuple[int, int]) -> dict[str, Operator]:
        """The four bond currents of Eqs. (14)-(15) on ``bond`` = (a, a+1), as operators."""
        a, b = bond
        J, eta, lam, xi = self.J, self.eta, self.lam, self.xi
        up, dn = self.RAISE, self.LOWER
        return {
            "J": [(2j * J, ((dn, b), (up, a))), (-2j * np.conj(J), ((up, b), (dn, a)))],
            "eta": [(-eta, ((up, b), (dn, a))), (-np.conj(eta), ((dn, b), (up, a)))],
            "lambda": [(2j * lam, ((up, b), (up, a))),
                       (-2j * np.conj(lam), ((dn, b), (dn, a)))],
            "xi": [(xi, ((dn, b), (dn, a))), (np.conj(xi), ((up, b), (up, a)))],
        }

    @property
    def reflection_symmetric(self) -> bool:
        """j -> L-1-j swaps the two halves of f_j: symmetric if (gamma, delta) = ±(alpha, beta)
        and J is real (a flux breaks it)."""
        pair, other = np.array([self.alpha, self.beta]), np.array([self.gamma, self.delta])
        swap = np.array_equal(pair, other) or np.array_equal(pair, -other)
        return bool(swap and np.imag(self.J) == 0)

    def _coupling_params(self) -> dict:
        return {"alpha": complex_param(self.alpha), "beta": complex_param(self.beta),
                "gamma": complex_param(self.gamma), "delta": complex_param(self.delta),
                "mu": self.mu, "J": self.J0, "lam": complex_param(self.lam),
                "kappa": self.kappa, "flux": self.flux}


class MetelmannClerkRing(CorrelatedBathRing, SpinChain):
    """Spin-1/2 ring (or open chain) with the correlated two-site dissipation of Eq. (12).

    Parameters
    ----------
    L : int
        Number of spins, >= 2.
    mu : float
        Chemical potential :math:`\\mu` (the energy unit of the paper).
    alpha, beta, gamma, delta : complex
        Amplitudes of the jump :math:`f_j` of Eq. (12).
    J : float
        Hopping modulus :math:`J_0 \\ge 0` of Eq. (21).
    lam : complex
        Pairing :math:`\\lambda` of Eq. (10).
    kappa : float
        Local decay rate :math:`\\kappa \\ge 0` of :math:`D[\\sigma^-_j]`.
    flux : float
        :math:`\\phi` of Eq. (21), :math:`J = J_0 e^{i\\phi/L}`.
    boundary : {"periodic", "open"}
        Ring or open chain (the open chain has L - r jumps and L - 1 Hamiltonian bonds).
    hx, jzz : float
        Perturbations of Sec. IV C: :math:`h_x\\sigma^x_j` and :math:`J_{zz}\\sigma^z_j
        \\sigma^z_{j+1}`.
    dissipation_range : {1, 2}
        r of the jump, 2 for the next-nearest-neighbour dissipation of Sec. IV C.
    """

    name = "metelmann-clerk"
    PROFILE_PARTS = ("J", "eta")  # the circulating current of Eq. (14)

    def __init__(self, L: int, *, alpha: complex, beta: complex, gamma: complex,
                 delta: complex, mu: float = 1.0, J: float = 0.0, lam: complex = 0.0,
                 kappa: float = 0.0, flux: float = 0.0, boundary: str = "periodic",
                 hx: float = 0.0, jzz: float = 0.0, dissipation_range: int = 1) -> None:
        super().__init__(L, boundary)
        self._set_couplings(alpha, beta, gamma, delta, mu, J, lam, kappa, flux)
        self.hx = _validate.real("hx", hx)
        self.jzz = _validate.real("jzz", jzz)
        dissipation_range = _validate.choice(
            "dissipation_range", _validate.integer("dissipation_range", dissipation_range, 1),
            (1, 2))
        if dissipation_range >= L:
            raise ValueError(f"dissipation_range={dissipation_range} needs L > "
                             f"{dissipation_range}, got L={L}")
        self.dissipation_range = dissipation_range

    def hamiltonian_terms(self) -> Operator:
        terms = self._quadratic_terms()
        terms += [(self.jzz, (("sz", a), ("sz", b))) for a, b in self.bonds]
        terms += [(self.hx, (("sx", j),)) for j in range(self.L)]
        return [t for t in terms if t[0] != 0]

    def jump_operators(self) -> list[Operator]:
        return self._jumps(self.dissipation_range)

    def ground_state_jordan_wigner(self, degeneracy_tol: float = 1e-10) -> dict:
        r"""Ground state of H for :math:`\lambda = 0` on a ring, in closed form (App. B).

        The Jordan-Wigner map :math:`\sigma^+_j\sigma^-_{j+1} = c^\dagger_j c_{j+1}` (and
        :math:`-(-1)^N c^\dagger_{L-1}c_0` on the closing bond) turns H into free fermions
        with N particles, periodic for odd N and antiperiodic for even N:

        .. math:: H = \sum_k \big[2J_0\cos(k + \phi/L) + \mu\big]\, c^\dagger_k c_k,\qquad
                  k = \tfrac{2\pi}{L}(m + \tfrac12[N\ \mathrm{even}]),

        the dispersion of App. B (plus :math:`\mu`). The ground state fills the N lowest k of
        the sector of least energy E. Its current, the bond average of the :math:`I^J` of
        Eq. (14) (this module's operator), is by Hellmann-Feynman
        :math:`\langle I^J\rangle = 2\,\partial E/\partial\phi = -\tfrac{4J_0}{L}\sum_{occ}
        \sin(k + \phi/L)`, which vanishes like 1/L (App. B). The paper's
        :math:`\langle I\rangle = -\partial E/\partial\phi` normalizes it by -1/2.
        Dissipation (the jumps) plays no part here.

        Parameters
        ----------
        degeneracy_tol : float
            Energies closer than this count as degenerate.

        Returns
        -------
        dict
            ``energy``, ``current`` and ``particles`` (N, the smallest of tied sectors).

        Raises
        ------
        ValueError
            For an open chain or :math:`\lambda \ne 0` (a Bogoliubov rotation would be
            needed), or if degenerate ground states carry different currents (a level
            crossing, e.g. :math:`\phi = \pm\pi` at half filling), where the ground-state
            current is undefined. Degenerate sectors of equal current (N and L - N on odd rings
            at :math:`\mu = 0`, related by spin flip times reflection) are accepted.
        """
        if not self.periodic or self.lam != 0:
            raise ValueError("ground_state_jordan_wigner needs a ring (boundary='periodic') "
                             f"with lam = 0, got boundary={self.boundary!r}, lam={self.lam}")
        tol = _validate.real("degeneracy_tol", degeneracy_tol, 0.0)
        L, s = self.L, self.flux / self.L
        filled = []  # per boundary condition: energies, currents and Fermi gaps of N = 0..L
        for shift in (0.0, 0.5):  # odd N: periodic, even N: antiperiodic
            k = 2 * np.pi * (np.arange(L) + shift) / L + s
            eps = 2 * self.J0 * np.cos(k) + self.mu
            order = np.argsort(eps, kind="stable")
            e = np.concatenate([[0.0], np.cumsum(eps[order])])
            current = np.concatenate([[0.0], np.cumsum(-4 * self.J0 / L * np.sin(k[order]))])
            gap = np.concatenate([[np.inf], np.diff(eps[order]), [np.inf]])
            filled.append((e, current, gap))
        sectors = [(filled[N % 2 == 0][0][N], filled[N % 2 == 0][1][N], N,
                    filled[N % 2 == 0][2][N]) for N in range(L + 1)]
        energy = min(e for e, *_ in sectors)
        tied = [t for t in sectors if t[0] - energy <= tol]
        currents = [c for _, c, _, _ in tied]
        if any(g <= tol for *_, g in tied) or max(currents) - min(currents) > tol:
            raise ValueError(f"the ground state at flux={self.flux} is degenerate with "
                             "different currents (a level crossing): its current is undefined")
        return {"energy": float(energy), "current": float(currents[0]),
                "particles": int(tied[0][2])}

    def params(self) -> dict:
        return {"model": self.name, "L": self.L, "boundary": self.boundary,
                **self._coupling_params(), "hx": self.hx, "jzz": self.jzz,
                "dissipation_range": self.dissipation_range}
