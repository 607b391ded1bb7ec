r"""The zero momentum-difference block of the Liouvillian (translation symmetry).

Every Hamiltonian term and jump of the rings conserves or shifts the total momentum
:math:`K(s) = \sum_a s_a m_a \bmod L` of a Fock state (mode a has momentum index
:math:`m_a`), and the ket and bra of :math:`L\rho L^\dagger` shift alike. So the Liouvillian
is block diagonal in the momentum difference of ket and bra; the steady state lives in the
block of :math:`\rho_{ss'}` with :math:`K(s) = K(s')`, about 1/L of the full space.
In that block, with :math:`\rho = \oplus_K \rho_K` and column stacking,

.. math::
   \mathcal L = \sum_K [\,1\otimes(-iH^{eff}_K) + (i\bar H^{eff}_K)\otimes 1\,]
   + \sum_m \sum_K \overline{L_{m,K'K}} \otimes L_{m,K'K},

with :math:`H^{eff} = H - \tfrac i2\sum_m L_m^\dagger L_m` and :math:`L_{m,K'K}` the
:math:`K\to K'` part of jump m.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import LinearOperator, bicgstab, gmres

from .._validate import available_memory
from ..errors import ConvergenceError
from .checks import degenerate, lu_solve
from .fock import FockSector

DIRECT_MAX = 40_000  # unknowns: up to this a stalled Krylov solve falls back to a sparse LU
# (the open XXZ chain of 8 spins driven at full strength, 32768 unknowns: 85 s, 3.1 GB)
LU_BYTES = 16.0  # per entry of an n x n complex factor: the fill-in bound 16 n^2 of the LU


def trace_constrained(A: sparse.spmatrix, trace_row: np.ndarray):
    """``(A', b)``: A with its first row that carries the trace replaced by Tr = 1.

    The trace functional is a left null vector of a Liouvillian (or a master-equation
    generator), so that row is implied by the others; ``A' x = b`` fixes the normalization.
    """
    A = sparse.csr_matrix(A)
    n = A.shape[0]
    r0 = int(np.flatnonzero(trace_row)[0])
    keep = np.ones(n)
    keep[r0] = 0.0
    cols = np.flatnonzero(trace_row)
    row = sparse.csr_matrix((trace_row[cols], (np.full(cols.size, r0), cols)), shape=A.shape)
    b = np.zeros(n, dtype=A.dtype)
    b[r0] = 1.0
    return (sparse.diags(keep) @ A + row).tocsr(), b


class MomentumBlock:
    """Index bookkeeping of the zero momentum-difference block of a Fock sector.

    Parameters
    ----------
    sector : FockSector
        The fixed-N sector.
    mode_momentum : ndarray of int
        Momentum index m_a of every mode (mod ``L``).
    L : int
        Number of momenta.
    """

    def __init__(self, sector: FockSector, mode_momentum: np.ndarray, L: int) -> None:
        occ = sector.occupations()
        self.K = np.rint(occ @ mode_momentum).astype(int) % L
        self.groups = [np.flatnonzero(self.K == K) for K in range(L)]
        sizes = np.array([g.size for g in self.groups])
        self.offsets = np.concatenate([[0], np.cumsum(sizes**2)])
        self.dim = int(self.offsets[-1])
        self.L = L

    def _kron_factors(self, H: sparse.spmatrix, c_ops: list):
        """``(K', K, A, B)``: the Liouvillian restricted to the block is the sum of
        ``kron(A, B)`` placed at block rows K' and columns K (module docstring)."""
        Heff = (H - 0.5j * sum((c.conj().T @ c for c in c_ops), sparse.csr_matrix(H.shape)))
        Heff = sparse.csr_matrix(Heff)
        for K, g in enumerate(self.groups):
            if g.size == 0:
                continue
            h = Heff[g][:, g]
            eye = sparse.identity(g.size, format="csr")
            yield K, K, eye, -1j * h
            yield K, K, 1j * h.conj(), eye
        for c in c_ops:
            c = sparse.csr_matrix(c)
            for K, g in enumerate(self.groups):
                if g.size == 0:
                    continue
                sub_all = c[:, g]
                for Kp in np.unique(self.K[sub_all.nonzero()[0]]):
                    sub = sub_all[self.groups[Kp]]
                    if sub.nnz:
                        yield Kp, K, sub.conj(), sub

    def superoperator_entries(self, H: sparse.spmatrix, c_ops: list) -> int:
        """Entries :meth:`superoperator` stores before summing duplicates (no allocation)."""
        return sum(A.nnz * B.nnz for _, _, A, B in self._kron_factors(H, c_ops))

    def superoperator(self, H: sparse.spmatrix, c_ops: list) -> sparse.csr_matrix:
        """The Liouvillian restricted to the block (formula in the module docstring)."""
        rows, cols, vals = [], [], []
        for Kp, K, A, B in self._kron_factors(H, c_ops):
            b = sparse.kron(A, B, format="coo")
            rows.append(b.row + self.offsets[Kp])
            cols.append(b.col + self.offsets[K])
            vals.append(b.data)
        return sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(self.dim, self.dim),
        )

    def restricted(self, H: sparse.spmatrix, c_ops: list, keep: np.ndarray) -> sparse.csr_matrix:
        r"""The superoperator's rows and columns ``keep`` (increasing block positions) only.

        Built factor by factor without the whole superoperator: a kept row (s, s') of a
        factor :math:`A\otimes B` is the row-wise Kronecker product of row s' of A and row s
        of B, of which only the kept columns are stored. Its cost grows with the kept rows
        (the secular limit keeps about 4-10 per sector state), not with the block.
        """
        keep = np.asarray(keep, dtype=np.int64)
        if keep.ndim != 1 or np.any(np.diff(keep) <= 0) or (keep.size and (
                keep[0] < 0 or keep[-1] >= self.dim)):
            raise ValueError(f"keep must hold increasing block positions in [0, {self.dim}), "
                             f"each once")
        where = np.full(self.dim, -1, dtype=np.int64)
        where[keep] = np.arange(keep.size)
        sizes = np.array([g.size for g in self.groups])
        rows, cols, vals = [], [], []
        for Kp, K, A, B in self._kron_factors(H, c_ops):
            lo, hi = np.searchsorted(keep, self.offsets[Kp:Kp + 2])
            if lo == hi:
                continue
            q = keep[lo:hi] - self.offsets[Kp]
            Ar = sparse.csr_matrix(A)[q // sizes[Kp]]
            Br = sparse.csr_matrix(B)[q % sizes[Kp]]
            row_a = np.repeat(np.arange(q.size), np.diff(Ar.indptr))  # row of each A entry
            reps = np.diff(Br.indptr)[row_a]  # B entries paired with each A entry
            e_a = np.repeat(np.arange(Ar.nnz), reps)
            e_b = (np.repeat(Br.indptr[row_a], reps) + np.arange(e_a.size)
                   - np.repeat(np.cumsum(reps) - reps, reps))
            col = where[self.offsets[K] + Ar.indices[e_a] * sizes[K] + Br.indices[e_b]]
            ok = col >= 0
            rows.append(lo + row_a[e_a][ok])
            cols.append(col[ok])
            vals.append((Ar.data[e_a] * Br.data[e_b])[ok])
        if not rows:
            return sparse.csr_matrix((keep.size, keep.size), dtype=complex)
        return sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(keep.size, keep.size))

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Sector indices (s, s') of every block entry rho_{s s'} (column stacking)."""
        rows, cols = [], []
        for g in self.groups:
            d = g.size
            rows.append(np.tile(g, d))
            cols.append(np.repeat(g, d))
        return np.concatenate(rows), np.concatenate(cols)

    def trace_row(self) -> np.ndarray:
        """Coefficients of Tr(rho) on the block vector."""
        row = np.zeros(self.dim)
        for K, g in enumerate(self.groups):
            d = g.size
            row[self.offsets[K] + np.arange(d) * (d + 1)] = 1.0
        return row

    def unpack(self, x: np.ndarray, dim: int) -> np.ndarray:
        """The full density matrix (zero outside the block) from the block vector."""
        rho = np.zeros((dim, dim), dtype=complex)
        for K, g in enumerate(self.groups):
            d = g.size
            rho[np.ix_(g, g)] = x[self.offsets[K]:self.offsets[K + 1]].reshape(d, d, order="F")
        return rho

    @property
    def local(self) -> np.ndarray:
        """Index of every sector state inside its momentum group."""
        if not hasattr(self, "_local"):
            self._local = np.empty(self.K.size, dtype=np.int64)
            for g in self.groups:
                self._local[g] = np.arange(g.size)
        return self._local

    def index(self, s: np.ndarray, sp: np.ndarray) -> np.ndarray:
        r"""Block-vector positions of :math:`\rho_{ss'}` (sector indices s, s' of equal K)."""
        K = self.K[s]
        sizes = np.array([g.size for g in self.groups])
        return self.offsets[K] + self.local[s] + self.local[sp] * sizes[K]

    def blocks(self, x: np.ndarray) -> list[np.ndarray]:
        r"""The blocks :math:`\rho_K` of a block vector (views, column stacking)."""
        return [x[self.offsets[K]:self.offsets[K + 1]].reshape(g.size, g.size, order="F")
                for K, g in enumerate(self.groups)]

    def expectation(self, op: sparse.spmatrix, x: np.ndarray) -> complex:
        r""":math:`\mathrm{Tr}(O\rho) = \sum_{ss'} O_{ss'}\rho_{s's}` for a sector matrix O
        and a block vector (entries of O between different K meet zeros of rho)."""
        o = sparse.coo_matrix(op)
        same = self.K[o.row] == self.K[o.col]
        return complex(np.sum(o.data[same] * x[self.index(o.col[same], o.row[same])]))

    def steady_state(self, Lsuper: sparse.csr_matrix, tol: float = 1e-12,
                     what: str = "the block") -> np.ndarray:
        r"""Solve :math:`\mathcal L x = 0`, Tr = 1, in the block (:func:`stationary_solve`).

        In the quasiparticle Fock basis :math:`H_0` is diagonal, so the superoperator's
        diagonal holds the large :math:`-i(E_s - E_{s'})` and the Jacobi-preconditioned
        system is close to the identity up to O(epsilon / J) (about 25 iterations here).
        """
        return stationary_solve(Lsuper, self.trace_row(), tol, what=what)


def stationary_solve(A: sparse.spmatrix, trace_row: np.ndarray, tol: float = 1e-12,
                     krylov: str = "gmres", what: str = "the system") -> np.ndarray:
    """The unique kernel vector with Tr = 1 of a Liouvillian or master-equation generator.

    A Jacobi-preconditioned Krylov solver on :func:`trace_constrained`: "gmres" (restart 200),
    or "bicgstab", cheaper per iteration and 8x faster on the spin rings' reduced
    Liouvillians (ring of 8: 0.027 s against 0.25 s); a BiCGSTAB breakdown falls back to
    GMRES. Systems of at most ``DIRECT_MAX`` unknowns on which both Krylov solvers stall (seen
    on open chains with weak dissipation, dimension 512, and on open chains driven at full
    strength at their ends, dimension 32768) are solved by a sparse LU
    (:func:`~manybody.ed.checks.lu_solve`) if its fill-in bound ``LU_BYTES`` n² fits in 80 %
    of the free memory (:func:`~manybody._validate.available_memory`).

    Uniqueness: the Krylov solve is repeated from the solution plus a random kick of 1e-3 of
    its largest entry (30-80 % more time); on a singular system (several steady states) the
    kick's component along the kernel survives and the two solutions differ. ``what`` names the
    system in the error message.

    Raises
    ------
    DegenerateSteadyStateError
        If the two solutions differ by more than 1e-8 of the largest entry, or the sparse LU
        finds the system singular.
    ConvergenceError
        If GMRES does not converge within 5000 iterations and the sparse LU fails or is not
        tried (the message says which bound it exceeds).
    """
    A, b = trace_constrained(A, trace_row)
    x, exact = _krylov_solve(A, b, tol, None, krylov, what)
    if exact:
        return x
    # start near x: a kernel component of the kick survives, the rest is cheap to remove
    x0 = x + 1e-3 * np.abs(x).max() * np.random.default_rng(0).normal(size=x.size)
    x2, exact = _krylov_solve(A, b, tol, x0.astype(A.dtype), krylov, what)
    if exact:
        return x2
    gap = np.abs(x - x2).max()
    if gap > 1e-8 * np.abs(x).max():
        raise degenerate(what, f"two solves from different starts differ by {gap:.1e}, "
                               f"{gap / np.abs(x).max():.1e} of the largest entry")
    return x


def _krylov_solve(A: sparse.csr_matrix, b: np.ndarray, tol: float, x0: np.ndarray | None,
                  krylov: str, what: str) -> tuple[np.ndarray, bool]:
    """``(x, exact)``: the Krylov solution of ``A x = b``, or the checked sparse LU one
    (``exact=True``) where both Krylov solvers stall on a small system."""
    d = A.diagonal()
    d[d == 0] = 1.0
    precond = LinearOperator(A.shape, matvec=lambda v: v / d, dtype=A.dtype)
    if krylov == "bicgstab":
        x, info = bicgstab(A, b, x0=x0, M=precond, rtol=tol, maxiter=20_000)
        if info == 0 and np.all(np.isfinite(x)):
            return x, False
    x, info = gmres(A, b, x0=x0, M=precond, rtol=tol, restart=200, maxiter=25)
    if info == 0:
        return x, False
    n = A.shape[0]
    bound, limit = LU_BYTES * n**2, 0.8 * available_memory()
    if n <= DIRECT_MAX and bound <= limit:  # a sparse LU does not stall
        x = lu_solve(A, b, what)
        if np.linalg.norm(A @ x - b) <= max(tol, 1e-10) * np.linalg.norm(b):
            return x, True
        why = " and a sparse LU failed"
    elif n > DIRECT_MAX:
        why = f"; the sparse-LU fallback is for at most DIRECT_MAX={DIRECT_MAX} unknowns"
    else:
        why = (f"; the sparse-LU fallback may need up to {bound:.1e} B (complete fill-in), more "
               f"than the {limit:.1e} B available (80 % of free memory; MANYBODY_MEMORY_LIMIT "
               f"overrides it)")
    raise ConvergenceError(f"{krylov.upper()} and GMRES did not converge (info={info}) on "
                           f"{what}, a system of dimension {n}{why}")
