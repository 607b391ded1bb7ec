r"""Translation-invariant free-fermion rings coupled weakly to Markovian baths.

**Conventions** (used by every method in the package):

* Sites :math:`j = 0, \dots, L-1` on a periodic ring; orbitals (spin) :math:`s`.
* Fourier convention :math:`c_{j s} = L^{-1/2} \sum_k e^{ikj} c_{k s}` with momenta
  :math:`k_m = -\pi + 2\pi m / L`, :math:`m = 0, \dots, L-1`, the paper's grid, for any L.
  Since :math:`e^{ik_mL} = (-1)^L`, for odd L this is the grid of the ring closed with
  :math:`c_{L} = -c_0` (flux :math:`\pi`); for even L the ring is periodic. See
  :attr:`FreeFermionRing.boundary_sign`.
* :math:`H_0 = \sum_j [c^\dagger_{j+1} T c_j + \mathrm{h.c.}] + \sum_j c^\dagger_j E c_j`,
  so the Bloch matrix is :math:`h(k) = e^{-ik} T + e^{ik} T^\dagger + E` and
  :math:`h(k) U(k) = U(k)\,\mathrm{diag}(\epsilon_{k\nu})`, with quasiparticles
  :math:`c_{k s} = \sum_\nu U_{s\nu}(k) \eta_{k\nu}`. Bands are ordered from the top
  (:math:`\nu = 0` is the paper's "+").
* Modes are flattened as :math:`a = m \cdot n_\mathrm{bands} + \nu`; ``M = L n_bands``.
* The particle current across bond (j, j+1) is positive towards increasing j:
  :math:`I_j = -i(c^\dagger_{j+1} T c_j - \mathrm{h.c.})`. Its ring average in a state
  diagonal in the modes is :math:`I = \sum_a w_a n_a` with
  :math:`w_{k\nu} = L^{-1} [U^\dagger \partial_k h\, U]_{\nu\nu}`; the orbital-resolved
  parts use :math:`-i(e^{-ik} P_s T - e^{ik} T^\dagger P_s)` in place of
  :math:`\partial_k h` (Eq. 24 of the rectification paper).
* Rates: :math:`W_{b\to a}` is the rate at which a particle in mode b is moved to an empty
  mode a; the tGGE rate equation is
  :math:`\dot n_a = \sum_b [W_{b\to a} n_b (1-n_a) - W_{a\to b} n_a (1-n_b)]`.
  Units: :math:`\hbar = 1`, energies and rates in the units of J as given.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse

from .. import _validate
from ..errors import SizeError
from ..states import FERMION_OPS, check_terms

MAX_EXPONENT = 700.0
"""Largest exponent of a Boltzmann factor e^x the rates may hold (e^709 is the float limit)."""
MAX_MODE_TERMS = 10**5
"""Most mode terms :meth:`FreeFermionRing.mode_terms` expands a site operator into."""


@dataclass(frozen=True)
class Rates:
    r"""Transition rates between single-particle modes, ``W[a, b] = W_{b -> a}``.

    Either factorized, :math:`W_{b\to a} = \sum_r f_r(a)\, g_r(b)` (arrays ``f``, ``g`` of
    shape ``(R, M)``, all entries >= 0), or a dense non-negative ``(M, M)`` matrix.
    """

    f: np.ndarray | None = None
    g: np.ndarray | None = None
    matrix: np.ndarray | None = None

    def __post_init__(self) -> None:
        if (self.matrix is None) == (self.f is None or self.g is None):
            raise ValueError("Rates needs either f and g (factorized) or matrix (dense)")
        for name in ("f", "g", "matrix"):
            arr = getattr(self, name)
            if arr is not None:
                arr = _validate.real_array(f"rates {name}", arr)
                if np.any(arr < 0):
                    raise ValueError(f"rates {name} must be finite and non-negative")
                if arr.ndim != 2:
                    raise ValueError(f"rates {name} must be a 2-d array, got shape {arr.shape}")
                object.__setattr__(self, name, arr)
        if self.matrix is not None and self.matrix.shape[0] != self.matrix.shape[1]:
            raise ValueError(f"rates matrix must be square, got shape {self.matrix.shape}")
        if self.matrix is None and self.f.shape != self.g.shape:
            raise ValueError(f"rates f and g must have the same shape (R, M), got "
                             f"{self.f.shape} and {self.g.shape}")

    @property
    def factorized(self) -> bool:
        return self.matrix is None

    @property
    def size(self) -> int:
        return self.matrix.shape[0] if self.matrix is not None else self.f.shape[1]

    @property
    def rank(self) -> int | None:
        return None if self.f is None else self.f.shape[0]

    def dense(self) -> np.ndarray:
        """The full ``(M, M)`` matrix ``W[a, b] = W_{b -> a}``."""
        if self.matrix is not None:
            return self.matrix
        return np.ascontiguousarray(self.f.T @ self.g)

    def __add__(self, other: Rates) -> Rates:
        if self.size != other.size:
            raise ValueError("cannot add rates over different numbers of modes")
        if self.factorized and other.factorized:
            return Rates(f=np.vstack([self.f, other.f]), g=np.vstack([self.g, other.g]))
        return Rates(matrix=self.dense() + other.dense())

    @classmethod
    def from_jumps(cls, jumps: list) -> Rates:
        r"""Dense rates :math:`W_{b\to a} = \sum_m |M^m_{ab}|^2` of quadratic jumps.

        ``jumps`` are the mode-basis matrices of :math:`L_m = \sum_{ab} M^m_{ab}\eta^\dagger_a
        \eta_b` (the tGGE rate of Eq. 5 for such jumps).
        """
        W = sum(abs(sparse.csr_matrix(Mm)).power(2) for Mm in jumps)
        return cls(matrix=np.asarray(W.todense()))

    def scaled(self, c: float) -> Rates:
        """Rates multiplied by ``c >= 0`` (terms with c = 0 are dropped from a factorization)."""
        if self.factorized:
            if c == 0:
                return Rates(f=np.zeros((0, self.size)), g=np.zeros((0, self.size)))
            return Rates(f=c * self.f, g=self.g)
        return Rates(matrix=c * self.matrix)


@dataclass(frozen=True)
class Modes:
    """Quasiparticle modes: ``energies[m, nu]``, ``vectors[m, s, nu]`` = U_{s nu}(k_m)."""

    momenta: np.ndarray
    energies: np.ndarray
    vectors: np.ndarray

    @property
    def flat_energies(self) -> np.ndarray:
        return self.energies.reshape(-1)


class FreeFermionRing(ABC):
    r"""Base class: quadratic :math:`H_0` on a ring, thermal bath Eq. (8)/(18), a second bath.

    The Lindblad equation is Eq. (1)-(3) of the rectification paper,
    :math:`\mathcal L_1 = \epsilon(\gamma_{eq} \mathcal D^{eq} + \gamma_{neq} \mathcal D^{neq})`
    with :math:`\gamma_{eq} = 1 - \gamma_{neq}`. Subclasses give the hopping matrix ``T``,
    the on-site matrix ``E``, the orbital labels and the nonequilibrium rates.
    """

    orbitals: tuple[str, ...] = ("c",)

    def __init__(self, L: int, J: float, beta: float, eps: float, gamma_neq: float) -> None:
        self.L = _validate.integer("L", L, 2)
        self.J = _validate.real("J", J, 0.0, open_lo=True)
        self.beta = _validate.real("beta", beta, 0.0)
        self.eps = _validate.real("eps", eps, 0.0, open_lo=True)
        self.gamma_neq = _validate.real("gamma_neq", gamma_neq, 0.0, 1.0)

    # -- description --------------------------------------------------------------------
    @property
    def gamma_eq(self) -> float:
        """Relative weight of the thermal bath, :math:`\\gamma_{eq} = 1 - \\gamma_{neq}` (Eq. 2)."""
        return 1.0 - self.gamma_neq

    @property
    @abstractmethod
    def hopping(self) -> np.ndarray:
        """Hopping matrix T of :math:`c^\\dagger_{j+1} T c_j` (orbital x orbital)."""

    @property
    def onsite(self) -> np.ndarray:
        """On-site matrix E of :math:`c^\\dagger_j E c_j`."""
        return np.zeros((len(self.orbitals),) * 2)

    name: str = ""

    def params(self) -> dict:
        """Constructor parameters, JSON-ready (complex numbers as [re, im])."""
        common = {"model": self.name, "L": self.L, "J": self.J, "beta": self.beta,
                  "eps": self.eps, "gamma_neq": self.gamma_neq}
        return common | self._model_params()

    @abstractmethod
    def _model_params(self) -> dict:
        """The parameters specific to the subclass."""

    @abstractmethod
    def nonequilibrium_rates(self) -> Rates:
        r"""Rates of :math:`\mathcal D^{neq}` without the prefactor :math:`\epsilon\gamma_{neq}`."""

    @abstractmethod
    def nonequilibrium_jumps(self) -> list[sparse.coo_matrix]:
        r"""Jumps of :math:`\mathcal D^{neq}` in the mode basis, without the prefactor.

        The prefactor :math:`\sqrt{\epsilon\gamma_{neq}}` is added by :meth:`jumps`.

        Each is the ``(M, M)`` matrix :math:`M^m` of :math:`L_m = \sum_{ab} M^m_{ab}
        \eta^\dagger_a \eta_b`, in the momentum-transfer form (one jump per transfer), which
        gives the same dissipator as the real-space jumps of the paper.
        """

    def crossing_matrix(self, m: int) -> np.ndarray:
        """Hermitian matrix whose eigenbasis fixes the bands where they are degenerate at k_m."""
        return np.eye(len(self.orbitals))

    # -- derived representations --------------------------------------------------------
    @property
    def n_bands(self) -> int:
        return len(self.orbitals)

    @property
    def n_modes(self) -> int:
        return self.L * self.n_bands

    @property
    def boundary_sign(self) -> int:
        """:math:`c_{j+L} = (-1)^L c_j`: +1 (periodic) for even L, -1 (flux pi) for odd L."""
        return -1 if self.L % 2 else 1

    @cached_property
    def momenta(self) -> np.ndarray:
        """:math:`k_m = -\\pi + 2\\pi m / L`."""
        return -np.pi + 2.0 * np.pi * np.arange(self.L) / self.L

    def bloch_hamiltonian(self) -> np.ndarray:
        """:math:`h(k_m) = e^{-ik} T + e^{ik} T^\\dagger + E`, shape ``(L, n, n)``."""
        ph = np.exp(-1j * self.momenta)[:, None, None]
        T = self.hopping
        return ph * T + ph.conj() * T.conj().T + self.onsite

    def velocity_matrices(self) -> dict[str, np.ndarray]:
        r"""Orbital-resolved current matrices :math:`-i(e^{-ik}P_sT - e^{ik}T^\dagger P_s)`.

        They sum to :math:`\partial_k h(k)`; shape ``(L, n, n)`` each.
        """
        ph = np.exp(-1j * self.momenta)[:, None, None]
        T = self.hopping
        out = {}
        for s, name in enumerate(self.orbitals):
            P = np.zeros_like(T, dtype=complex)
            P[s, s] = 1.0
            out[name] = -1j * (ph * (P @ T) - ph.conj() * (T.conj().T @ P))
        return out

    @cached_property
    def modes(self) -> Modes:
        """Eigenmodes of the Bloch matrix; degenerate bands fixed by :meth:`crossing_matrix`."""
        h = self.bloch_hamiltonian()
        w, U = np.linalg.eigh(h)
        w, U = w[:, ::-1].copy(), U[:, :, ::-1].copy()
        if self.n_bands > 1:
            scale = 1.0 + np.abs(h).max()
            for m in np.flatnonzero(np.ptp(w, axis=1) <= 1e-12 * scale):
                G = self.crossing_matrix(m)
                if np.allclose(G, np.diag(np.diag(G))):
                    U[m] = np.eye(self.n_bands)
                else:
                    U[m] = np.linalg.eigh(G)[1][:, ::-1]
                w[m] = np.real(np.diag(U[m].conj().T @ h[m] @ U[m]))
        return Modes(self.momenta, w, U)

    def thermal_rates(self) -> Rates:
        r"""Eq. (8)/(18) without prefactor.

        :math:`W_{b\to a} = (J/L) e^{\beta(\epsilon_b - \epsilon_a)/2}`, rank one,
        :math:`f(a) = e^{-\beta(\epsilon_a-\bar\epsilon)/2}`,
        :math:`g(b) = (J/L) e^{\beta(\epsilon_b-\bar\epsilon)/2}` (the shift cancels).
        """
        e = self.modes.flat_energies
        e0 = 0.5 * (e.max() + e.min())
        if 0.25 * self.beta * (e.max() - e.min()) > MAX_EXPONENT:
            raise ValueError(
                f"beta={self.beta}: the thermal rates e^(beta (e_b - e_a)/2) overflow a float "
                f"for this bandwidth {e.max() - e.min():.3g}; beta must be <= "
                f"{4 * MAX_EXPONENT / (e.max() - e.min()):.4g}")
        f = np.exp(-0.5 * self.beta * (e - e0))[None, :]
        g = (self.J / self.L) * np.exp(0.5 * self.beta * (e - e0))[None, :]
        return Rates(f=f, g=g)

    def jumps_by_bath(self, baths: tuple[str, ...] = ("thermal", "nonequilibrium"),
                      ) -> dict[str, list[sparse.coo_matrix]]:
        r"""The jumps with their prefactors, by bath: ``"thermal"``, the M^2 of Eq. (8)/(18),
        :math:`\sqrt{\epsilon\gamma_{eq} J/L}\, e^{\beta(\epsilon_b-\epsilon_a)/4}
        \eta^\dagger_a\eta_b`, and ``"nonequilibrium"``, :math:`\sqrt{\epsilon\gamma_{neq}}`
        times :meth:`nonequilibrium_jumps`. A bath of zero weight has no jumps.
        """
        out: dict[str, list[sparse.coo_matrix]] = {}
        if "thermal" in baths:
            M, e = self.n_modes, self.modes.flat_energies
            amp = np.sqrt(self.eps * self.gamma_eq * self.J / self.L)
            out["thermal"] = [
                sparse.coo_matrix(([amp * np.exp(self.beta * (e[b] - e[a]) / 4)], ([a], [b])),
                                  shape=(M, M))
                for a in range(M) for b in range(M)] if self.gamma_eq > 0 else []
        if "nonequilibrium" in baths:
            c = np.sqrt(self.eps * self.gamma_neq)
            out["nonequilibrium"] = ([c * Mm for Mm in self.nonequilibrium_jumps()]
                                     if self.gamma_neq > 0 else [])
        return out

    def jumps(self) -> list[sparse.coo_matrix]:
        """All jumps of :meth:`jumps_by_bath` in one list (thermal first)."""
        return [m for ops in self.jumps_by_bath().values() for m in ops]

    def to_real_space(self, matrix) -> np.ndarray:
        r"""Real-space matrix :math:`R = W O W^\dagger` of :math:`\sum_{ab} O_{ab}
        \eta^\dagger_a\eta_b = \sum R_{(js),(ls')} c^\dagger_{js}c_{ls'}`, by FFT.

        W is the unitary of :math:`c_{js} = \sum_a W_{(js),a}\eta_a`,
        :math:`W_{(js),(k\nu)} = L^{-1/2} e^{ikj} U_{s\nu}(k)` (Fourier convention
        :math:`c_j = L^{-1/2}\sum_k e^{ikj}c_k`); sites j = 0..L-1, index j * n_bands + s.
        """
        L, nb, U = self.L, self.n_bands, self.modes.vectors
        op = np.asarray(sparse.coo_matrix(matrix).todense()).reshape(L, nb, L, nb)
        op = np.einsum("msn,mnpq,prq->mspr", U, op, U.conj(), optimize=True)
        sign = (1.0 - 2.0 * (np.arange(L) % 2))[:, None, None, None]
        R = np.fft.ifft(np.fft.fft(op, axis=2), axis=0) * sign * np.swapaxes(sign, 0, 2)
        return R.reshape(L * nb, L * nb)

    @cached_property
    def site_to_mode(self) -> np.ndarray:
        r"""The unitary W of :math:`c_{js} = \sum_a W_{(js),a}\eta_a`, ``(M, M)``:
        :math:`W_{(js),(m\nu)} = L^{-1/2} e^{ik_mj} U_{s\nu}(k_m)`, rows in the real-space
        order j n_b + s, columns in the mode order; :meth:`to_real_space` is W O W^†."""
        phase = np.exp(1j * np.outer(np.arange(self.L), self.momenta)) / np.sqrt(self.L)
        U = np.transpose(self.modes.vectors, (1, 0, 2))  # (s, m, nu)
        return (phase[:, None, :, None] * U[None]).reshape(self.n_modes, self.n_modes)

    def mode_terms(self, operator: list) -> list:
        r"""A fermion operator on the sites as the same operator on the band modes, the form
        the states' ``expect`` takes (:mod:`manybody.states`).

        ``operator`` is a list of terms ``(coefficient, (("cdag" or "c", x), ...))``, x = j n_b
        + s the real-space index of :math:`c_{js}`, the leftmost factor acting last. Each
        factor becomes :math:`c_x = \sum_a W_{xa}\eta_a` or :math:`c^\dagger_x = \sum_a
        \overline{W_{xa}}\eta^\dagger_a` (:attr:`site_to_mode`), so a product of n factors
        becomes M^n mode terms; those whose coefficient is below 1e-14 of the term's (zeros of
        U) are left out. E.g. the bond current :math:`I_0 = -i(c^\dagger_1 c_0 - c^\dagger_0
        c_1)` of a one-band ring is ``[(-1j, (("cdag", 1), ("c", 0))), (1j, (("cdag", 0),
        ("c", 1)))]``.

        Raises
        ------
        SizeError
            Above :data:`MAX_MODE_TERMS` mode terms, before the expansion.
        """
        M = self.n_modes
        terms = check_terms(operator, FERMION_OPS, M, "operator (site terms)")
        count = sum(M ** len(factors) for _, factors in terms)
        if count > MAX_MODE_TERMS:
            raise SizeError(f"operator: {count} mode terms (M={M} modes to the power of the "
                            f"number of factors) > MAX_MODE_TERMS={MAX_MODE_TERMS}")
        W, out = self.site_to_mode, []
        for coef, factors in terms:
            if not factors:  # a multiple of the identity
                out.append((coef, ()))
                continue
            amp = np.array(coef)
            for name, x in factors:
                amp = np.multiply.outer(amp, W[x].conj() if name == "cdag" else W[x])
            for index in zip(*np.nonzero(np.abs(amp) > 1e-14 * abs(coef)), strict=True):
                out.append((complex(amp[index]), tuple((name, int(a)) for (name, _), a
                                                       in zip(factors, index, strict=True))))
        return out

    def from_real_space(self, R: np.ndarray) -> np.ndarray:
        r"""Inverse of :meth:`to_real_space`: the mode-basis matrix :math:`W^\dagger R W`."""
        L, nb, U = self.L, self.n_bands, self.modes.vectors
        sign = (1.0 - 2.0 * (np.arange(L) % 2))[:, None, None, None]
        R = np.asarray(R).reshape(L, nb, L, nb) * sign * np.swapaxes(sign, 0, 2)
        op = np.fft.fft(np.fft.ifft(R, axis=2), axis=0)
        out = np.einsum("msn,mspr,prq->mnpq", U.conj(), op, U, optimize=True)
        return out.reshape(L * nb, L * nb)

    @cached_property
    def displacements(self) -> np.ndarray:
        r"""Minimal-image displacement :math:`d(j - l) \in (-L/2, L/2)` between the orbitals
        of the real-space index, ``(M, M)``; :math:`d = 0` for the two-way ambiguous
        :math:`|j - l| = L/2`."""
        L = self.L
        r = np.subtract.outer(np.arange(L), np.arange(L)) % L
        d = np.where(2 * r < L, r, r - L).astype(float)
        d[2 * r == L] = 0.0
        return np.kron(d, np.ones((self.n_bands, self.n_bands)))

    def position_commutator(self, matrix) -> np.ndarray:
        r"""Mode-basis matrix of :math:`[X, O]`, :math:`O = \sum_{ab} O_{ab}\eta^\dagger_a\eta_b`.

        :math:`X = \sum_j x_j n_j` is the position on the ring with the minimal-image rule
        (:attr:`displacements`): :math:`[X, c^\dagger_{js}c_{ls'}] = d(j-l)\,
        c^\dagger_{js}c_{ls'}`. Exact for local operators (the Hamiltonian, Eq. 15, Eq. 19);
        a convention for the thermal jumps of Eq. (8), which are spread over the ring.
        """
        return self.from_real_space(self.displacements * self.to_real_space(matrix))

    def rates(self) -> Rates:
        r"""All rates, :math:`\epsilon(\gamma_{eq} W^{eq} + \gamma_{neq} W^{neq})`."""
        eq = self.thermal_rates().scaled(self.eps * self.gamma_eq)
        neq = self.nonequilibrium_rates().scaled(self.eps * self.gamma_neq)
        return eq + neq

    def current_matrices(self) -> dict[str, np.ndarray]:
        r"""Per-orbital current in the mode basis, ``(L, n_bands, n_bands)`` blocks per k.

        :math:`I_s = L^{-1}\sum_k \sum_{\nu\mu} [U^\dagger V_s U]_{\nu\mu}(k)
        \langle\eta^\dagger_{k\nu}\eta_{k\mu}\rangle` with :meth:`velocity_matrices`.
        """
        U = self.modes.vectors
        Ud = np.conj(np.swapaxes(U, 1, 2))
        return {s: Ud @ V @ U / self.L for s, V in self.velocity_matrices().items()}

    def current_weights(self) -> dict[str, np.ndarray]:
        r"""Per-orbital current weights, :math:`I_s = \sum_{k\nu} w^s_{k\nu} n_{k\nu}`.

        :math:`w^s_{k\nu} = L^{-1}\,\mathrm{Re}[U^\dagger V_s U]_{\nu\nu}` with the matrices of
        :meth:`velocity_matrices`; shape ``(L, n_bands)`` each.
        """
        return {s: np.real(np.diagonal(V, axis1=1, axis2=2))
                for s, V in self.current_matrices().items()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


def drop_roundoff(w: np.ndarray) -> np.ndarray:
    r"""Set entries below 1e-24 of the largest to exactly zero.

    Squared amplitudes that vanish analytically (a spin-down band at sin k = 0, a zero of
    :math:`|1+\delta e^{-iq}|^2`) come out of floating point as ~1e-32; exact zeros let the
    solvers see which modes a process cannot reach.
    """
    w = np.array(w, dtype=float)
    w[w < 1e-24 * w.max(initial=0.0)] = 0.0
    return w


def complex_param(z: complex) -> list[float]:
    """A complex parameter as ``[re, im]`` for JSON (-0.0 written as 0.0, so that a conjugated
    real parameter compares equal to the real parameter)."""
    return [float(np.real(z)) + 0.0, float(np.imag(z)) + 0.0]
