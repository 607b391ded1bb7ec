r"""One electron on three quantum dots in a magnetic field, coupled to a dilute 1D gas.

The toy model of the detailed-balance paper (Alicki, Šindelka, Gelbwaser-Klimovsky,
PRL 131, 040401 (2023), Sec. V):

* Eq. (28): :math:`H_{el} = \tau \sum_\iota (e^{-i2\pi\phi/3}|\iota\rangle\langle\iota+1|
  + \mathrm{h.c.})` on the dots :math:`\iota = 1, 2, 3` (a circulant matrix). Its
  eigenstates are the plane waves :math:`|m\rangle = 3^{-1/2}\sum_\iota e^{2\pi i m\iota/3}
  |\iota\rangle`, m = +1, 0, -1, whatever :math:`\tau, \phi`; the energies are
  :math:`\mathcal E_m = 2\tau\cos[2\pi(m - \phi)/3]`. The paper prints
  :math:`-2|\tau|\cos[2\pi(\phi + m)/3]`, which is not the spectrum of Eq. (28) in general
  but coincides with it at :math:`\phi = 3/4`, :math:`\tau > 0`, the point of Fig. 1
  (:math:`\mathcal E_\pm = \pm\sqrt3\tau`, :math:`\mathcal E_0 = 0`); we use the spectrum of
  the matrix.
* Instead of :math:`(\tau, \phi)` the three levels may be given directly (Fig. 1:
  :math:`\mathcal E_+ = 0.5, \mathcal E_0 = 0, \mathcal E_- = -0.5`); the eigenstates stay
  the plane waves, so ``levels = (E_+, E_0, E_-)`` is Eq. (28) whenever such a
  :math:`(\tau, \phi)` exists.
* Eq. (29) in the point-scatterer limit the paper takes: a gas particle at position q feels
  :math:`\delta(q)\,\hat V`, :math:`\hat V = \sum_\iota V_\iota |\iota\rangle\langle\iota|`.

Units (the paper leaves them to its supplement): :math:`\hbar = k_B = 1`, gas particles of
mass ``mass`` (default 1) with :math:`E_p = p^2/2m`, gas density ``density`` (default 1,
it only scales all rates). :math:`V_\iota` is an energy times a length; the Born parameter
is :math:`V\sqrt{m\beta}/\hbar`.
"""

from __future__ import annotations

import numpy as np

from .. import _validate

LABELS = ("+", "0", "-")
"""Names of the eigenstates m = +1, 0, -1, in the order used by every array."""


class TripleDot:
    r"""Three dots in a ring threaded by flux :math:`\phi`, in a dilute thermal 1D gas.

    Parameters
    ----------
    V : sequence of 3 floats
        Contact strengths :math:`V_1, V_2, V_3 \ge 0` of the dots (repulsive, Eq. 29), not
        all zero.
    levels : sequence of 3 floats, optional
        :math:`(\mathcal E_+, \mathcal E_0, \mathcal E_-)`, pairwise different. Give either
        ``levels`` or both ``tau`` and ``phi``.
    beta : float
        Inverse temperature :math:`\beta > 0` of the gas.
    tau, phi : float, optional
        Tunnelling :math:`\tau \ne 0` and flux :math:`\phi` of Eq. (28).
    mass : float
        Mass m > 0 of a gas particle.
    density : float
        Gas density :math:`\nu > 0` (prefactor of Eq. 20).

    Attributes
    ----------
    levels : ndarray, shape (3,)
        Energies of the eigenstates in the order ``LABELS`` = (+, 0, -).
    eigenvectors : ndarray, shape (3, 3)
        Column m is eigenstate m in the dot basis.
    """

    name = "triple-dot"

    def __init__(self, V, levels=None, *, beta, tau=None, phi=None, mass=1.0, density=1.0):
        V = _validate.real_array("V (three contact strengths V_1, V_2, V_3 >= 0)", V, 0.0,
                                 shape=(3,))
        if not np.any(V > 0):
            raise ValueError(f"V must be >= 0 (repulsive, Eq. 29) and not all zero, got {V}")
        self.V = V
        self.beta = _validate.real("beta", beta, 0.0, open_lo=True)
        self.mass = _validate.real("mass", mass, 0.0, open_lo=True)
        self.density = _validate.real("density", density, 0.0, open_lo=True)
        if (tau is None) != (phi is None):
            raise ValueError("tau and phi must be given together")
        if (levels is None) == (tau is None):
            raise ValueError("give either levels or (tau, phi), not both or neither")
        self.tau = self.phi = None
        if tau is not None:
            self.tau = _validate.real("tau", tau)
            if self.tau == 0:
                raise ValueError("tau must be nonzero (tau = 0 makes all levels degenerate)")
            self.phi = _validate.real("phi", phi)
            m = np.array([1, 0, -1])
            levels = 2 * self.tau * np.cos(2 * np.pi * (m - self.phi) / 3)
            if not np.all(np.isfinite(levels)):  # e.g. |tau| near the largest float
                raise ValueError(f"tau: the levels 2 tau cos(...) overflow, got tau={tau}")
        levels = _validate.real_array("levels (three energies E_+, E_0, E_-)", levels,
                                      shape=(3,))
        gaps = np.abs(levels[:, None] - levels[None, :])[np.triu_indices(3, 1)]
        if gaps.min() <= 1e-9 * max(1.0, np.abs(levels).max()):
            what = "levels" if self.tau is None else "phi"
            raise ValueError(f"{what}: the spectrum {levels} is degenerate; the Pauli master "
                             "equation (19) needs three different levels")
        self.levels = levels
        dots = np.arange(1, 4)
        self.eigenvectors = np.exp(2j * np.pi * np.outer(dots, [1, 0, -1]) / 3) / np.sqrt(3)

    def hamiltonian(self) -> np.ndarray:
        r""":math:`H_{el}` in the dot basis (Eq. 28 when built from :math:`\tau, \phi`)."""
        U = self.eigenvectors
        return U @ np.diag(self.levels) @ U.conj().T

    def coupling(self) -> np.ndarray:
        r""":math:`\langle k|\hat V|\ell\rangle` in the eigenbasis (Hermitian, not real)."""
        U = self.eigenvectors
        return U.conj().T @ np.diag(self.V) @ U

    def log_gibbs(self) -> np.ndarray:
        r""":math:`\ln p^{eq}_k = -\beta\mathcal E_k - \ln Z`, finite at any :math:`\beta`
        (where :math:`p^{eq}_k` itself underflows to 0)."""
        x = -self.beta * (self.levels - self.levels.min())
        return x - np.log(np.exp(x).sum())  # the largest term is exp(0) = 1: no overflow

    def gibbs(self) -> np.ndarray:
        r"""Gibbs populations :math:`p^{eq}_k = e^{-\beta\mathcal E_k}/Z` (Eq. 12)."""
        w = np.exp(-self.beta * (self.levels - self.levels.min()))  # largest term 1
        return w / w.sum()

    def params(self) -> dict:
        """Constructor parameters, JSON-ready, with the model name."""
        return {"model": self.name, "V": self.V.tolist(), "levels": self.levels.tolist(),
                "beta": self.beta, "tau": self.tau, "phi": self.phi, "mass": self.mass,
                "density": self.density, "hbar": 1.0}

    def __repr__(self) -> str:
        return (f"TripleDot(V={self.V.tolist()}, levels={self.levels.tolist()}, "
                f"beta={self.beta})")
