r"""The entanglement barrier of the fermion rings' exact steady states in operator space.

Why a matrix product state of the vectorized density matrix (the MPO engine's
representation, :mod:`mpo`) does not carry the exact NESS of the rectification chains past
the sizes ED already reaches: the bond dimension it needs grows geometrically with L.

Vectorization
-------------
A sector density matrix :math:`\rho_{ss'}` (N particles in M modes, Jordan-Wigner order of
:mod:`manybody.ed.fock`: bit a of s = occupation of mode a) is the :math:`4^M`-component vector

.. math:: |\rho\rangle\!\rangle = \sum_{s s'} \rho_{ss'}
          \bigotimes_{a=0}^{M-1} |s_a s'_a\rangle,

mode a carrying (ket bit, bra bit). Because :math:`\rho` is parity even, the Jordan-Wigner
strings cancel in its operator-space entanglement, and the qubit picture is exact. A cut after
the first :math:`\ell` modes writes :math:`|\rho\rangle\!\rangle = \sum_i \sigma_i
|l_i\rangle\!\rangle|r_i\rangle\!\rangle` (operator Schmidt decomposition).

Two orders of the modes:

* **momentum order**: the quasiparticle modes as they are, :math:`a = m\,n_b + \nu`
  (:math:`k_m = -\pi + 2\pi m/L`, bands from the top);
* **real-space order**: the site orbitals :math:`c_{js}`, index :math:`j\,n_b + s`. With
  :math:`c_i = \sum_a W_{ia}\eta_a` (:meth:`~manybody.models.FreeFermionRing.to_real_space`),
  :math:`|r\rangle = \prod_{i\in r} c_i^\dagger|0\rangle = \sum_s \overline{\det W[r,s]}\,
  |s\rangle`, so the many-body matrix in the N sector is the matrix of N x N minors
  :math:`\mathcal W_{rs} = \det W[r, s]` (rows r, columns s: the occupied orbitals / modes in
  increasing order), unitary as the N-th exterior power of a unitary, and
  :math:`\rho^{real} = \mathcal W \rho\, \mathcal W^\dagger` (:func:`fock_unitary`).

Charges
-------
:math:`\rho` lives in one N sector for both ket and bra, so the ket number :math:`n` and the bra
number :math:`n'` of the left part are both good quantum numbers of the cut (the right part
holds :math:`N-n, N-n'`); the Liouvillian's charge :math:`n - n'` is their difference. The
reshaped vector is block diagonal in :math:`(n, n')`, and the blocks, at most
:math:`\binom{6}{3}^2 = 400` square at L = 12, are decomposed separately
(:class:`CutIndex`, :func:`schmidt_values`).

Bond dimension needed
---------------------
For a tolerance ``tol`` on the relative Frobenius error :math:`\|\rho-\rho_\chi\|_F/\|\rho\|_F`:

* ``chi_frobenius``: the actual MPS of bond dimension :math:`\chi` built by successive SVDs from
  the left, each truncated to the :math:`\chi` largest Schmidt values over all charge blocks
  (:func:`truncate`; the error is measured, not bounded). This is what a tensor-network code
  holding :math:`\rho` would store.
* ``chi_bound``: the standard sufficient value, :math:`\|\rho-\rho_\chi\|^2 \le
  \sum_\ell w_\ell(\chi)` with :math:`w_\ell(\chi) = \sum_{i>\chi}\sigma_{\ell,i}^2` the
  weight discarded at cut :math:`\ell` of the exact state;
  ``chi_lower``: the necessary value, :math:`\max_\ell w_\ell(\chi) \le
  \|\rho-\rho_\chi\|^2` for any MPS of bond :math:`\chi` (Eckart-Young at each cut).
  The optimal MPS lies between the two; ``chi_frobenius`` lies between them too.
* ``chi_current``: the smallest :math:`\chi` with :math:`|I(\rho_\chi) - I(\rho)| <`
  ``tol_current``, :math:`I(\rho_\chi) = \mathrm{Tr}(\hat I\rho_\chi)/\mathrm{Tr}\rho_\chi`
  with the Hamiltonian ring current :math:`\hat I` of ``Result.current`` (Eq. 13 / 23,
  :func:`manybody.observables.from_correlations`), evaluated in the momentum basis (a
  real-space :math:`\rho_\chi` is taken back by :math:`\mathcal W^\dagger`);
  ``chi_current_raw`` the same for :math:`\mathrm{Tr}(\hat I\rho_\chi)` without the trace
  renormalization (the truncation error of the trace then adds to the current's).

The smallest :math:`\chi` for the current is found on the grid :math:`\lceil 2^{j/2}\rceil`
(the first grid point from which every larger one passes), then refined by bisection to an
integer between it and the grid point before (assuming monotonicity there); for the Frobenius
error by bisection between ``chi_lower`` and ``chi_bound`` (which bracket it; the measured
error is assumed monotone in :math:`\chi` there).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import observables
from ..models.base import FreeFermionRing
from .fock import FockSector
from .limits import secular_state
from .solver import _sector, _solve_block, correlations, lindblad_operators

ORDERS = ("momentum", "real")
MAX_BARRIER_DIM = 3432  # model 1 up to L = 14 (dense rho and W: 190 MB each), model 2 to L = 7
RANK_CUTOFF = 1e-10
"""Schmidt values below this fraction of the largest are dropped (the GMRES solve is accurate
to about 1e-12; they carry < 1e-20 of the weight and do not move any needed chi)."""


# -- the exact states ----------------------------------------------------------------------
def sector_density_matrix(model: FreeFermionRing, filling: float = 0.5, *, secular: bool = False,
                          tol: float = 1e-12) -> tuple[FockSector, np.ndarray]:
    r"""The exact sector NESS :math:`\rho` as a dense matrix (momentum Fock basis).

    The solve of :func:`manybody.ed.steady_state` (zero momentum-difference block, sparse or
    matrix-free) or, with ``secular=True``, of :func:`manybody.ed.secular_steady_state` (the
    dissipator projected on the degenerate pairs), which return only observables; the tests
    check that the current of this matrix equals theirs. Sectors of up to
    ``MAX_BARRIER_DIM`` states (the dense matrix and the real-space transform).
    """
    sector = _sector(model, filling, MAX_BARRIER_DIM, "MAX_BARRIER_DIM")
    what = f"{type(model).__name__}(L={model.L}, N={sector.n_particles})"
    if secular:
        x, block, *_ = secular_state(model, sector, what=what + " secular")
    else:
        H, c_ops = lindblad_operators(model, sector)
        x, block, *_ = _solve_block(model, sector, H, c_ops, tol, what)
    return sector, block.unpack(x, sector.dim)


def current(model: FreeFermionRing, sector: FockSector, rho: np.ndarray,
            normalize: bool = True) -> float:
    r""":math:`\mathrm{Tr}(\hat I\rho)/\mathrm{Tr}\rho`, the Hamiltonian current of
    ``Result.current``, for a momentum-basis sector matrix (normalized by default, since a
    truncated :math:`\rho_\chi` loses its unit trace; ``normalize=False``:
    :math:`\mathrm{Tr}(\hat I\rho)`)."""
    C = correlations(model, sector, rho) / (np.trace(rho).real if normalize else 1.0)
    return float(observables.from_correlations(model, C)["current"])


def mode_unitary(model: FreeFermionRing) -> np.ndarray:
    r"""The single-particle unitary :math:`W_{(js),(k\nu)} = L^{-1/2}e^{ikj}U_{s\nu}(k)` of
    :math:`c_{js} = \sum_a W_{(js),a}\eta_a` (rows j n_b + s, columns m n_b + nu)."""
    L, nb, U = model.L, model.n_bands, model.modes.vectors
    j = np.arange(L)
    phase = np.exp(1j * np.outer(j, model.momenta)) / np.sqrt(L)  # (j, m)
    return np.einsum("jm,msn->jsmn", phase, U).reshape(L * nb, L * nb)


def fock_unitary(model: FreeFermionRing, sector: FockSector) -> np.ndarray:
    r"""The many-body matrix of W in the N sector: :math:`\mathcal W_{rs} = \det W[r, s]`.

    Rows r: real-space Fock states, columns s: momentum Fock states, both the sector's sorted
    bit patterns, occupied modes in increasing order (the Jordan-Wigner order of both bases).
    Then :math:`\rho^{real} = \mathcal W\rho\,\mathcal W^\dagger`.
    """
    W = mode_unitary(model)
    N, D = sector.n_particles, sector.dim
    if N == 0:
        return np.ones((1, 1), dtype=complex)
    occ = np.array([np.flatnonzero((s >> np.arange(sector.n_modes)) & 1) for s in sector.states])
    out = np.empty((D, D), dtype=complex)
    cols = W[:, occ]  # (M, D, N): the columns of every momentum state
    for r in range(D):
        out[r] = np.linalg.det(np.moveaxis(cols[occ[r]], 1, 0))  # (D, N, N) minors
    return out


# -- Schmidt decomposition at a cut --------------------------------------------------------
@dataclass
class CutIndex:
    r"""Sector indices of the (n, n') charge blocks of the cut after the first ``cut`` modes.

    ``groups[n]`` is the ``(|X_n|, |Y_{N-n}|)`` array of the sector index of the state
    :math:`x + 2^{\ell} y` (x: left pattern with n particles, y: right pattern), every such
    product being a sector state. The block of :math:`|\rho\rangle\!\rangle` with left charges
    (n, n') is :math:`B_{(x x'),(y y')} = \rho_{x+2^\ell y,\; x'+2^\ell y'}`.
    """

    sector: FockSector
    cut: int

    @cached_property
    def groups(self) -> dict[int, np.ndarray]:
        s, ell = self.sector.states, self.cut
        left, right = s & ((1 << ell) - 1), s >> ell
        nl = np.bitwise_count(left)
        out = {}
        for n in np.unique(nl):
            idx = np.flatnonzero(nl == n)
            xs, xi = np.unique(left[idx], return_inverse=True)
            ys, yi = np.unique(right[idx], return_inverse=True)
            g = np.full((xs.size, ys.size), -1, dtype=np.int64)
            g[xi, yi] = idx
            assert (g >= 0).all()
            out[int(n)] = g
        return out

    @cached_property
    def max_rank(self) -> int:
        """Sum over the charge blocks of min(rows, columns): the largest possible Schmidt rank."""
        sizes = [g.shape for g in self.groups.values()]
        return sum(min(a * c, b * d) for a, b in sizes for c, d in sizes)

    def blocks(self, rho: np.ndarray):
        """Yield ``(n, n', B)`` for every charge block (B a new array)."""
        for n, g in self.groups.items():
            for n2, g2 in self.groups.items():
                a, b = g.shape
                c, d = g2.shape
                B = rho[np.ix_(g.ravel(), g2.ravel())].reshape(a, b, c, d)
                yield n, n2, B.transpose(0, 2, 1, 3).reshape(a * c, b * d)

    def put(self, rho: np.ndarray, n: int, n2: int, B: np.ndarray) -> None:
        """Write block ``B`` of charges (n, n') back into ``rho`` (inverse of :meth:`blocks`)."""
        g, g2 = self.groups[n], self.groups[n2]
        a, b = g.shape
        c, d = g2.shape
        rho[np.ix_(g.ravel(), g2.ravel())] = B.reshape(a, c, b, d).transpose(0, 2, 1, 3).reshape(
            a * b, c * d)


def cut_indices(sector: FockSector) -> list[CutIndex]:
    """One :class:`CutIndex` per cut ell = 1, ..., M - 1."""
    return [CutIndex(sector, ell) for ell in range(1, sector.n_modes)]


def schmidt_values(rho: np.ndarray, index: CutIndex) -> np.ndarray:
    r"""All operator Schmidt values :math:`\sigma_i` of :math:`|\rho\rangle\!\rangle` at one cut,
    decreasing (unnormalized: :math:`\sum_i\sigma_i^2 = \|\rho\|_F^2`), from the charge blocks."""
    vals = [np.linalg.svd(B, compute_uv=False) for _, _, B in index.blocks(rho)]
    return np.sort(np.concatenate(vals))[::-1]


def osee(sigma: np.ndarray) -> float:
    r"""Operator-space entanglement entropy :math:`-\sum_i p_i\ln p_i`,
    :math:`p_i = \sigma_i^2/\sum_j\sigma_j^2` (of the normalized vector)."""
    p = sigma**2 / np.sum(sigma**2)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def truncate(rho: np.ndarray, indices: list[CutIndex], chi: int) -> np.ndarray:
    r"""The MPS of bond dimension :math:`\chi` by successive truncated SVDs, contracted back.

    Left to right, the current state is reshaped at cut :math:`\ell` and replaced by its best
    rank-:math:`\chi` approximation (the :math:`\chi` largest Schmidt values over all charge
    blocks). The kept left space at cut :math:`\ell` lies inside the kept space at
    :math:`\ell-1` times one mode, so this is exactly the left-canonical MPS
    :math:`A^{[1]}\cdots A^{[M]}` of the sequential SVD algorithm, stored in the sector.
    """
    out = np.array(rho, dtype=complex, copy=True)
    for index in indices:
        if index.max_rank <= chi:
            continue
        parts = [(n, n2, *np.linalg.svd(B, full_matrices=False))
                 for n, n2, B in index.blocks(out)]
        s_all = np.concatenate([p[3] for p in parts])
        if s_all.size <= chi:
            continue
        order = np.argsort(-s_all, kind="stable")
        kept = np.zeros(s_all.size, dtype=bool)
        kept[order[:chi]] = True
        start = 0
        for n, n2, u, s, vh in parts:
            k = kept[start:start + s.size]
            start += s.size
            index.put(out, n, n2, (u[:, k] * s[k]) @ vh[k])
    return out


# -- the search for chi --------------------------------------------------------------------
def smallest_chi(passes, chi_max: int, lo: int | None = None, hi: int | None = None) -> int:
    r"""Smallest integer :math:`\chi \le` ``chi_max`` with ``passes(chi)``.

    Without ``lo``/``hi``: on the grid :math:`\lceil 2^{j/2}\rceil` the first point from which
    all larger ones pass, then bisection between it and the grid point below
    (``passes(chi_max)`` must hold: the exact state). With them: bisection in (lo, hi], where
    ``lo`` is known to fail (or 0) and ``hi`` to pass.
    """
    if lo is None or hi is None:
        grid = sorted({int(np.ceil(2 ** (j / 2))) for j in range(64) if 2 ** (j / 2) < chi_max}
                      | {chi_max})
        if not passes(grid[-1]):
            raise RuntimeError(f"the untruncated state (chi = {chi_max}) fails the tolerance")
        j = len(grid) - 1  # scan down from the exact state to the first failing grid point
        while j > 0 and passes(grid[j - 1]):
            j -= 1
        lo, hi = (grid[j - 1] if j else 0), grid[j]  # lo fails (or 0), hi passes
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if passes(mid) else (mid, hi)
    return hi


def bound_chis(spectra: list[np.ndarray], tol: float) -> tuple[int, int]:
    r"""``(chi_lower, chi_bound)``: smallest :math:`\chi` with
    :math:`\max_\ell w_\ell(\chi) \le \mathrm{tol}^2\|\rho\|^2` (necessary for any MPS) and with
    :math:`\sum_\ell w_\ell(\chi) \le \mathrm{tol}^2\|\rho\|^2` (sufficient, the sequential SVD)."""
    norm2 = np.sum(spectra[0] ** 2)
    chi_max = max(s.size for s in spectra)
    tails = np.zeros((len(spectra), chi_max + 1))
    for i, s in enumerate(spectra):
        t = np.concatenate([np.cumsum((s**2)[::-1])[::-1], [0.0]])  # t[chi] = sum_{i>=chi}
        tails[i, :t.size] = t
    target = tol**2 * norm2
    lower = int(np.argmax(tails.max(axis=0) <= target))
    bound = int(np.argmax(tails.sum(axis=0) <= target))
    return lower, bound


@dataclass
class Barrier:
    """The entanglement and the bond dimensions of one state in one mode order."""

    order: str
    schmidt: list[np.ndarray]  # per cut ell = 1..M-1, decreasing
    osee: np.ndarray  # per cut
    rank: np.ndarray  # exact Schmidt rank per cut
    chi_frobenius: int
    chi_lower: int
    chi_bound: int
    chi_current: int
    chi_current_raw: int  # the same without dividing by Tr rho_chi
    current: float  # of the exact state

    def summary(self) -> dict:
        return {"order": self.order, "osee": self.osee.tolist(), "rank": self.rank.tolist(),
                "chi_frobenius": self.chi_frobenius, "chi_lower": self.chi_lower,
                "chi_bound": self.chi_bound, "chi_current": self.chi_current,
                "chi_current_raw": self.chi_current_raw,
                "current": self.current, "max_osee": float(self.osee.max())}


def analyse(model: FreeFermionRing, sector: FockSector, rho: np.ndarray, order: str = "momentum",
            *, tol: float = 1e-4, tol_current: float = 1e-4,
            fock_w: np.ndarray | None = None) -> Barrier:
    r"""Schmidt values, OSEE and needed bond dimensions of the momentum-basis ``rho`` in
    ``order`` ("momentum" or "real"; ``fock_w`` = :func:`fock_unitary`, computed if None)."""
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, got {order!r}")
    if order == "real":
        fock_w = fock_unitary(model, sector) if fock_w is None else fock_w
        vec = fock_w @ rho @ fock_w.conj().T
        back = lambda r: fock_w.conj().T @ r @ fock_w  # noqa: E731
    else:
        vec, back = rho, (lambda r: r)
    indices = cut_indices(sector)
    spectra = [schmidt_values(vec, ix) for ix in indices]
    spectra = [s[s > RANK_CUTOFF * s[0]] for s in spectra]  # numerical rank
    norm = np.linalg.norm(vec)
    I0 = current(model, sector, rho)
    chi_max = max(s.size for s in spectra)

    cache: dict[int, tuple[float, float, float]] = {}

    def errors(chi):  # relative Frobenius error, |current error| (normalized, raw), memoized
        if chi not in cache:
            r = back(truncate(vec, indices, chi))
            cache[chi] = (np.linalg.norm(r - rho) / norm, abs(current(model, sector, r) - I0),
                          abs(current(model, sector, r, normalize=False) - I0))
        return cache[chi]

    lower, bound = bound_chis(spectra, tol)
    # lower - 1 fails for any MPS, bound passes for the sequential one: bisect in between
    chi_f = smallest_chi(lambda c: errors(c)[0] <= tol, chi_max, lo=lower - 1, hi=bound)
    chi_i = smallest_chi(lambda c: errors(c)[1] < tol_current, chi_max)
    chi_raw = smallest_chi(lambda c: errors(c)[2] < tol_current, chi_max)
    return Barrier(order=order, schmidt=spectra, osee=np.array([osee(s) for s in spectra]),
                   rank=np.array([s.size for s in spectra]), chi_frobenius=chi_f,
                   chi_lower=lower, chi_bound=bound, chi_current=chi_i,
                   chi_current_raw=chi_raw, current=I0)


def barrier(model: FreeFermionRing, filling: float = 0.5, *, secular: bool = False,
            orders=ORDERS, populations: bool = False, tol: float = 1e-4,
            tol_current: float = 1e-4) -> dict[str, Barrier]:
    """:func:`analyse` of the exact NESS (``secular``: its epsilon -> 0 limit) in each order;
    ``populations``: also, under the key "populations", its diagonal in the momentum Fock basis
    (the classical part, every coherence dropped) in momentum order."""
    sector, rho = sector_density_matrix(model, filling, secular=secular)
    fock_w = fock_unitary(model, sector) if "real" in orders else None
    out = {o: analyse(model, sector, rho, o, tol=tol, tol_current=tol_current, fock_w=fock_w)
           for o in orders}
    if populations:
        out["populations"] = analyse(model, sector, np.diag(np.diag(rho)), "momentum", tol=tol,
                                     tol_current=tol_current)
        out["populations"].order = "populations"
    return out
