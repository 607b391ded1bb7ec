r"""The two fermion chains of the rectification paper (Secs. IV A and IV B).

Both are periodic rings of L sites with the thermal bath of Eq. (8)/(18) and a second,
nonequilibrium bath; see :mod:`manybody.models.base` for the conventions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

from .. import _validate
from .base import FreeFermionRing, Rates, complex_param, drop_roundoff

DeltaFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]


def wrap_momentum(k: np.ndarray) -> np.ndarray:
    """Map momenta into the Brillouin zone [-pi, pi)."""
    return np.mod(np.asarray(k) + np.pi, 2.0 * np.pi) - np.pi


class NonreciprocalChain(FreeFermionRing):
    r"""Tight-binding ring with a nonreciprocal (Raman) dissipator, Sec. IV A.

    * :math:`H_0 = -J \sum_j (c^\dagger_{j+1} c_j + \mathrm{h.c.})`, :math:`\epsilon_k = -2J\cos k`
      (Eq. 7).
    * Thermal bath, Eq. (8): :math:`L^{eq}_{lk} = \sqrt{J/L}\, c^\dagger_l c_k\,
      e^{\beta(\epsilon_k - \epsilon_l)/4}`.
    * Nonequilibrium bath, Eq. (9): :math:`L_p = \sqrt{J/L} \sum_k \Delta_{k p}
      c^\dagger_{k-p} c_k`, by default the Raman dissipator Eq. (15)/(16),
      :math:`L_j = \sqrt J (c^\dagger_j + \delta c^\dagger_{j+1})(c_j - \delta' c_{j+1})`, i.e.
      :math:`\Delta_{kp} = (1 + \delta e^{-i(k-p)})(1 - \delta' e^{ik})`.

    The rate from k to q is :math:`W_{k\to q} = (J/L)|\Delta_{k,k-q}|^2` (Eq. 12); for the
    Raman dissipator it factorizes, :math:`|1+\delta e^{-iq}|^2 |1-\delta' e^{ik}|^2`.

    Parameters
    ----------
    L : int
        Number of sites (>= 2), the ring's period.
    gamma_neq : float
        :math:`\gamma_{neq} \in [0, 1]`; :math:`\gamma_{eq} = 1 - \gamma_{neq}` (Eq. 2).
    J : float
        Hopping J > 0, also the unit of all rates.
    beta : float
        Inverse temperature :math:`\beta \ge 0` of the thermal bath.
    eps : float
        System-bath coupling :math:`\epsilon > 0` (Eq. 2).
    delta, delta_prime : complex
        :math:`\delta, \delta'` of Eq. (15); defaults 1+1j and 1+0.5j (Fig. 3).
    Delta : callable, optional
        A general :math:`\Delta_{k p}` of Eq. (9), ``Delta(k, p) -> complex array``,
        vectorized over arrays; replaces the Raman form (then give no delta/delta_prime).
        Its rates are a dense matrix.
    """

    name = "nonreciprocal"
    orbitals = ("c",)

    def __init__(
        self,
        L: int,
        *,
        gamma_neq: float,
        J: float = 1.0,
        beta: float = 2.0,
        eps: float = 0.05,
        delta: complex | None = None,
        delta_prime: complex | None = None,
        Delta: DeltaFunction | None = None,
    ) -> None:
        super().__init__(L, J, beta, eps, gamma_neq)
        if Delta is not None:
            if delta is not None or delta_prime is not None:
                raise ValueError("give either Delta or delta/delta_prime, not both")
            if not callable(Delta):
                raise ValueError(f"Delta must be callable Delta(k, p), got {Delta!r}")
            self.delta = self.delta_prime = None
        else:
            self.delta = _validate.complex_number("delta", 1 + 1j if delta is None else delta)
            self.delta_prime = _validate.complex_number(
                "delta_prime", 1 + 0.5j if delta_prime is None else delta_prime
            )
        self.Delta = Delta

    @property
    def hopping(self) -> np.ndarray:
        return np.array([[-self.J]], dtype=complex)

    def _model_params(self) -> dict:
        return {
            "delta": None if self.delta is None else complex_param(self.delta),
            "delta_prime": None if self.delta_prime is None else complex_param(self.delta_prime),
            "Delta": None if self.Delta is None else getattr(self.Delta, "__name__", "custom"),
        }

    def _delta(self, k: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Delta_{k p} of Eq. (9): the callable, or the Raman form of Eq. (16)."""
        if self.Delta is not None:
            return np.asarray(self.Delta(k, p), dtype=complex)
        return (1 + self.delta * np.exp(-1j * (k - p))) * (1 - self.delta_prime * np.exp(1j * k))

    def nonequilibrium_jumps(self) -> list[sparse.coo_matrix]:
        r"""Eq. (9)/(16): :math:`L_p = \sqrt{J/L}\sum_k \Delta_{kp} c^\dagger_{k-p} c_k` for the
        L transfers :math:`p = 2\pi t/L`;
        :math:`\sum_j \mathcal D[L_j] = \sum_p \mathcal D[L_p]`."""
        L, k = self.L, self.momenta
        i = np.arange(L)
        out = []
        for t in range(L):
            p = wrap_momentum(np.full(L, 2 * np.pi * t / L))
            vals = np.sqrt(self.J / L) * self._delta(k, p)
            out.append(sparse.coo_matrix((vals, ((i - t) % L, i)), shape=(L, L)))
        return out

    def nonequilibrium_rates(self) -> Rates:
        k = self.momenta
        pref = self.J / self.L
        if self.Delta is None:
            f = drop_roundoff(np.abs(1.0 + self.delta * np.exp(-1j * k)) ** 2)
            g = pref * drop_roundoff(np.abs(1.0 - self.delta_prime * np.exp(1j * k)) ** 2)
            return Rates(f=f[None, :], g=g[None, :])
        # meshgrids, the complex amplitudes and their squares: ~ 64 bytes per pair of modes
        _validate.memory_guard("the dense rates of Delta(k, p)", "L", self.L,
                               lambda n: 64.0 * n * n, minimum=2)
        q_to, k_from = np.meshgrid(k, k, indexing="ij")
        amp = self._delta(k_from, wrap_momentum(k_from - q_to))
        if amp.shape != (self.L, self.L) or not np.all(np.isfinite(amp)):
            raise ValueError("Delta(k, p) must return finite values of the shape of its inputs")
        return Rates(matrix=pref * drop_roundoff(np.abs(amp) ** 2))


class RashbaZeemanChain(FreeFermionRing):
    r"""Spinful ring with Rashba coupling, Zeeman field and spin-dependent dephasing, Sec. IV B.

    * :math:`H_0` of Eq. (17): hopping J, Zeeman splitting h, Rashba hoppings
      :math:`\alpha_y, \alpha_z`; hopping matrix
      :math:`T = -J - \alpha_z i\sigma_y + \alpha_y i\sigma_z`, on-site :math:`h\sigma_z`, giving
      the Bloch matrix of Eq. (C1) and the bands of Eq. (C2), diagonalized numerically
      (Eq. C4 is ill-defined where sin k = 0).
    * Thermal bath, Eq. (18), on all 2L quasiparticle modes.
    * Dephasing, Eq. (19): :math:`L_{j\sigma} = \sqrt{J\gamma_\sigma} n_{j\sigma}` with
      :math:`\gamma_\uparrow + \gamma_\downarrow = 1`; rates
      :math:`W_{k\mu\to q\nu} = (J/L)\sum_\sigma \gamma_\sigma |u_{\sigma\nu}(q)|^2
      |u_{\sigma\mu}(k)|^2` (Eq. 22), rank two.

    Band crossings: where the two bands are degenerate (h = 0 at k = 0 and -pi; or
    alpha_z = 0) the quasiparticle basis, and with it the conserved :math:`I_{k\nu}`, is not
    fixed by :math:`H_0`. ``crossing="dissipator"`` (default) takes the eigenbasis of the
    dephasing matrix :math:`\mathrm{diag}(\gamma_\uparrow, \gamma_\downarrow)`, i.e. the spin
    basis: the dephasing's in- and out-rates of the degenerate pair are diagonal there, so the
    pair's steady correlation matrix is too (the exact :math:`\epsilon\to 0` limit). At h = 0 this
    leaves an O(1/L) current from the two crossing momenta, a finite-size effect that
    vanishes as L grows. ``crossing="velocity"`` diagonalizes :math:`\partial_k h` in the pair,
    continuing the smooth bands through the crossing; at h = 0 the bands then carry a
    k-independent spin and the current vanishes for every L. The exact secular
    (:math:`\epsilon\to 0`) NESS, which does not depend on this choice, is closer to the
    exclusion process of the dissipator's basis (L = 4, 6; a test checks L = 4).

    Parameters
    ----------
    L, gamma_neq, J, beta, eps :
        As for :class:`NonreciprocalChain`.
    alpha_y, alpha_z : float
        Rashba hoppings :math:`\alpha_y, \alpha_z` of Eq. (17) (defaults 1.1, 0.9: Fig. 5).
    h : float
        Zeeman splitting h (default 1.0).
    gamma_up, gamma_down : float
        Dephasing weights :math:`\gamma_\uparrow, \gamma_\downarrow \in [0, 1]`, summing to 1.
    crossing : {"dissipator", "velocity"}
        Basis at band crossings, see above.
    """

    name = "rashba-zeeman"
    orbitals = ("up", "down")

    def __init__(
        self,
        L: int,
        *,
        gamma_neq: float,
        J: float = 1.0,
        beta: float = 2.0,
        eps: float = 0.05,
        alpha_y: float = 1.1,
        alpha_z: float = 0.9,
        h: float = 1.0,
        gamma_up: float = 1.0,
        gamma_down: float = 0.0,
        crossing: str = "dissipator",
    ) -> None:
        super().__init__(L, J, beta, eps, gamma_neq)
        self.alpha_y = _validate.real("alpha_y", alpha_y)
        self.alpha_z = _validate.real("alpha_z", alpha_z)
        self.h = _validate.real("h", h)
        self.gamma_up = _validate.real("gamma_up", gamma_up, 0.0, 1.0)
        self.gamma_down = _validate.real("gamma_down", gamma_down, 0.0, 1.0)
        if abs(self.gamma_up + self.gamma_down - 1.0) > 1e-12:
            raise ValueError(
                f"gamma_up + gamma_down must equal 1, got {self.gamma_up} + {self.gamma_down}"
            )
        if crossing not in ("dissipator", "velocity"):
            raise ValueError(f"crossing must be 'dissipator' or 'velocity', got {crossing!r}")
        self.crossing = crossing

    @property
    def hopping(self) -> np.ndarray:
        i_sy = np.array([[0, 1], [-1, 0]], dtype=complex)
        i_sz = np.array([[1j, 0], [0, -1j]])
        return -self.J * np.eye(2) - self.alpha_z * i_sy + self.alpha_y * i_sz

    @property
    def onsite(self) -> np.ndarray:
        return self.h * np.diag([1.0, -1.0]).astype(complex)

    def _model_params(self) -> dict:
        return {
            "alpha_y": self.alpha_y,
            "alpha_z": self.alpha_z,
            "h": self.h,
            "gamma_up": self.gamma_up,
            "gamma_down": self.gamma_down,
            "crossing": self.crossing,
        }

    def crossing_matrix(self, m: int) -> np.ndarray:
        if self.crossing == "dissipator":
            return np.diag([self.gamma_up, self.gamma_down]).astype(complex)
        return sum(V[m] for V in self.velocity_matrices().values())

    def nonequilibrium_jumps(self) -> list[sparse.coo_matrix]:
        r"""Eq. (19) by momentum transfer: :math:`L_{p\sigma} = \sqrt{J\gamma_\sigma/L}
        \sum_k c^\dagger_{k-p,\sigma} c_{k\sigma}`, written in the band basis."""
        L, U = self.L, self.modes.vectors
        i = np.arange(L)
        out = []
        for s, gam in enumerate((self.gamma_up, self.gamma_down)):
            if gam == 0:
                continue
            for t in range(L):
                # entry [(i - t, nu), (i, mu)] = conj(U[i-t, s, nu]) U[i, s, mu]
                block = np.conj(U[(i - t) % L, s, :])[:, :, None] * U[i, s, None, :]
                rows = (2 * ((i - t) % L))[:, None, None] + np.arange(2)[None, :, None]
                cols = (2 * i)[:, None, None] + np.arange(2)[None, None, :]
                rows, cols = np.broadcast_arrays(rows, cols)
                vals = np.sqrt(self.J * gam / L) * block
                out.append(sparse.coo_matrix((vals.ravel(), (rows.ravel(), cols.ravel())),
                                             shape=(2 * L, 2 * L)))
        return out

    def nonequilibrium_rates(self) -> Rates:
        weight = drop_roundoff(np.abs(self.modes.vectors) ** 2)  # |u_{sigma nu}(k)|^2
        f, g = [], []
        for s, gam in enumerate((self.gamma_up, self.gamma_down)):
            if gam > 0:
                f.append(gam * weight[:, s, :].reshape(-1))
                g.append((self.J / self.L) * weight[:, s, :].reshape(-1))
        return Rates(f=np.array(f), g=np.array(g))
