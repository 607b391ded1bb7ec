r"""Matrix-free Liouvillian of the zero momentum-difference block (large fermion rings).

The block vector of :class:`~manybody.ed.momentum.MomentumBlock` holds the density matrix
:math:`\rho = \oplus_K \rho_K` as the column-stacked :math:`d_K\times d_K` blocks of equal
total momentum K. :class:`MatrixFreeBlock` applies

.. math::
   \mathcal L\rho = -i(H_{eff}\rho - \rho H_{eff}^\dagger) + \sum_m L_m\rho L_m^\dagger,
   \qquad H_{eff} = H - \tfrac i2 \sum_m L_m^\dagger L_m,

block by block without storing the superoperator (whose entries, about 100 per unknown,
need 165 GB at L = 16). It keeps sector-level sparse matrices only: :math:`H_{eff}`, which
conserves K (its K-blocks, O(d N^2) entries), and every jump cut into its pieces
:math:`L_{m,K'K}` from block K to block K' (each jump shifts the momentum by a fixed
transfer, so a jump has at most L pieces). Then

.. math::
   (\mathcal L\rho)_{K'} = -iH^{eff}_{K'}\rho_{K'} + i\rho_{K'}H^{eff\dagger}_{K'}
   + \sum_{m,K} L_{m,K'K}\,\rho_K\,L_{m,K'K}^\dagger .

A piece with at most one entry per row (every thermal hop :math:`\eta^\dagger_a\eta_b`, the
diagonal jumps) is applied entrywise,
:math:`(L\rho L^\dagger)_{rr'} = v_r\bar v_{r'}\rho_{c(r)c(r')}` over its nonzero rows only;
any other piece (the Raman and dephasing jumps) as two sparse-times-dense products,
:math:`T = L\rho_K` on its nonzero rows, then :math:`T L^\dagger`. The Numba kernel runs the
target blocks K' in parallel (``prange``); each output entry is summed by one thread in a
fixed order, so the result does not depend on the number of threads (bitwise).

:func:`stationary_solve` is the trace-constrained, Jacobi-preconditioned Krylov solve of
:func:`manybody.ed.momentum.stationary_solve` on this operator (BiCGSTAB, GMRES with a
restart that fits the memory as fallback), with the same uniqueness check: a second solve
from a kicked start.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from scipy import sparse
from scipy.linalg import expm
from scipy.sparse.linalg import LinearOperator, bicgstab, gmres

from .._validate import integer, real
from ..errors import ConvergenceError
from .checks import degenerate
from .momentum import MomentumBlock

KRYLOV_VECTORS = 16  # block vectors alive during a solve: BiCGSTAB's 9, x, x0, b, diag, kick
GMRES_RESTART = 200  # at most; reduced so that the Krylov basis fits the memory
PARALLEL_MIN_DIM = 200_000  # unknowns from which the kernel runs the blocks in parallel
KRYLOV_DIM = 30  # Arnoldi vectors of a time step of :func:`expm_multiply`


@njit(cache=True)
def _hop_piece(x, out, o, dp, oi, d, rows, ptr0, cols, vals):  # pragma: no cover - compiled
    """``out_K' += L rho_K L^dagger`` for a piece with one entry in each listed row."""
    n = rows.size
    for b in range(n):
        vb = np.conj(vals[ptr0[b]])
        col_b = oi + cols[ptr0[b]] * d
        ob = o + rows[b] * dp
        for a in range(n):
            out[ob + rows[a]] += vals[ptr0[a]] * vb * x[col_b + cols[ptr0[a]]]


@njit(cache=True)
def _general_piece(x, out, o, dp, oi, d, rows, ptr, cols, vals, T):  # pragma: no cover
    """``out_K' += (L rho_K) L^dagger`` for any piece (``ptr`` has the rows' entry bounds)."""
    n = rows.size
    for j in range(d):  # T = L rho_K on the piece's nonzero rows
        xj = oi + j * d
        for a in range(n):
            acc = 0j
            for e in range(ptr[a], ptr[a + 1]):
                acc += vals[e] * x[xj + cols[e]]
            T[a + j * n] = acc
    for b in range(n):  # out += T L^dagger
        ob = o + rows[b] * dp
        for e in range(ptr[b], ptr[b + 1]):
            w = np.conj(vals[e])
            tj = cols[e] * n
            for a in range(n):
                out[ob + rows[a]] += w * T[a + tj]


def _block_kernel(x, out, Kp, offsets, starts, h_ptr, h_col, h_val, pc_start, p_src, p_row0,
                  p_hop, rows, rptr, cols, vals, T):  # pragma: no cover - compiled
    """Block K' of ``L x`` (module docstring)."""
    dp = starts[Kp + 1] - starts[Kp]
    o = offsets[Kp]
    h0 = starts[Kp]  # row of the block's first state in the H_eff CSR
    # -i H_eff rho + i rho H_eff^dagger, column by column (contiguous columns)
    for c in range(dp):
        for r in range(dp):
            acc = 0j
            for e in range(h_ptr[h0 + r], h_ptr[h0 + r + 1]):
                acc += h_val[e] * x[o + h_col[e] + c * dp]
            out[o + r + c * dp] = -1j * acc
        for e in range(h_ptr[h0 + c], h_ptr[h0 + c + 1]):
            w = 1j * np.conj(h_val[e])
            j = h_col[e]
            for r in range(dp):
                out[o + r + c * dp] += w * x[o + r + j * dp]
    for p in range(pc_start[Kp], pc_start[Kp + 1]):  # the jumps' pieces landing in K'
        K = p_src[p]
        g0, g1 = p_row0[p], p_row0[p + 1]
        if p_hop[p]:
            _hop_piece(x, out, o, dp, offsets[K], starts[K + 1] - starts[K], rows[g0:g1],
                       rptr[g0:g1], cols, vals)
        else:
            _general_piece(x, out, o, dp, offsets[K], starts[K + 1] - starts[K], rows[g0:g1],
                           rptr[g0:g1 + 1], cols, vals, T)


_block_serial = njit(cache=True)(_block_kernel)


@njit(parallel=True, cache=True)
def _apply_parallel(x, out, offsets, starts, h_ptr, h_col, h_val, pc_start, p_src, p_row0,
                    p_hop, rows, rptr, cols, vals, t_size):  # pragma: no cover - compiled
    """``out = L x``, the target blocks K' in parallel (each entry summed by one thread)."""
    for Kp in prange(offsets.size - 1):
        T = np.empty(t_size, dtype=np.complex128)
        _block_serial(x, out, Kp, offsets, starts, h_ptr, h_col, h_val, pc_start, p_src,
                      p_row0, p_hop, rows, rptr, cols, vals, T)


@njit(cache=True)
def _apply_serial(x, out, offsets, starts, h_ptr, h_col, h_val, pc_start, p_src, p_row0,
                  p_hop, rows, rptr, cols, vals, t_size):  # pragma: no cover - compiled
    """``out = L x`` on one thread (small blocks: no thread start-up)."""
    T = np.empty(t_size, dtype=np.complex128)
    for Kp in range(offsets.size - 1):
        _block_serial(x, out, Kp, offsets, starts, h_ptr, h_col, h_val, pc_start, p_src,
                      p_row0, p_hop, rows, rptr, cols, vals, T)


class MatrixFreeBlock:
    r"""The Liouvillian of a :class:`~manybody.ed.momentum.MomentumBlock`, applied on demand.

    Parameters
    ----------
    block : MomentumBlock
        Bookkeeping of the block (groups of equal momentum, offsets of the block vector).
    H : sparse matrix
        The Hamiltonian on the sector (it must conserve the momentum, as every jump's
        :math:`L^\dagger L`).
    c_ops : list of sparse matrices
        The jumps on the sector; each piece :math:`L_{m,K'K}` is stored once.
    """

    def __init__(self, block: MomentumBlock, H: sparse.spmatrix, c_ops: list) -> None:
        self.block, self.dim = block, block.dim
        sizes = np.array([g.size for g in block.groups], dtype=np.int64)
        self.offsets = np.asarray(block.offsets, dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        perm = np.concatenate(block.groups).astype(np.int64)  # permuted position -> state
        inv = np.empty_like(perm)
        inv[perm] = np.arange(perm.size)
        Kof = np.asarray(block.K, dtype=np.int64)
        self.local = inv - self.starts[Kof]  # state -> index inside its block
        G = sum((c.conj().T @ c for c in c_ops), sparse.csr_matrix(H.shape, dtype=complex))
        heff = sparse.csr_matrix(H - 0.5j * G)[perm][:, perm].tocsr()
        heff.sort_indices()
        hc = heff.tocoo()
        if np.any(Kof[perm[hc.row]] != Kof[perm[hc.col]]):
            raise ValueError("H - i/2 sum L^dagger L must conserve the total momentum")
        self.h_ptr = heff.indptr.astype(np.int64)
        # local column index: column minus the first position of its (= the row's) block
        row_of = np.repeat(np.arange(heff.shape[0]), np.diff(heff.indptr))
        self.h_col = (heff.indices - self.starts[Kof[perm[row_of]]]).astype(np.int64)
        self.h_val = heff.data.astype(np.complex128)
        self.heff_diagonal = heff.diagonal()[inv]  # by sector index
        self._pieces([sparse.csr_matrix(c) for c in c_ops], Kof)
        self._diag_jumps = [c.diagonal() for c in c_ops if np.any(c.diagonal() != 0)]

    def _pieces(self, c_ops: list, Kof: np.ndarray) -> None:
        """Cut every jump into its blocks K -> K' (compressed nonzero rows, local indices)."""
        pieces = []  # (K', K, rows, row_ptr (relative), cols, vals, hop)
        for c in c_ops:
            coo = c.tocoo()
            r, col, v = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
            keep = v != 0
            r, col, v = r[keep], col[keep], v[keep]
            Kr, Kc = Kof[r], Kof[col]
            order = np.lexsort((self.local[col], self.local[r], Kc, Kr))
            r, col, v, Kr, Kc = r[order], col[order], v[order], Kr[order], Kc[order]
            cut = np.flatnonzero(np.diff(Kr * len(self.starts) + Kc)) + 1
            for s, e in zip(np.r_[0, cut], np.r_[cut, r.size], strict=True):
                if e == s:
                    continue
                lr, lc = self.local[r[s:e]], self.local[col[s:e]]
                urows, first = np.unique(lr, return_index=True)
                ptr = np.r_[first, e - s]
                pieces.append((int(Kr[s]), int(Kc[s]), urows, ptr, lc, v[s:e],
                               urows.size == e - s))
        pieces.sort(key=lambda q: q[0])
        nK = len(self.starts) - 1
        self.n_pieces = len(pieces)
        self.pc_start = np.searchsorted([q[0] for q in pieces], np.arange(nK + 1)).astype(
            np.int64)
        self.p_src = np.array([q[1] for q in pieces], dtype=np.int64)
        self.p_hop = np.array([q[6] for q in pieces], dtype=np.bool_)
        nrows = np.array([q[2].size for q in pieces], dtype=np.int64)
        self.p_row0 = np.concatenate([[0], np.cumsum(nrows)]).astype(np.int64)
        self.rows = np.concatenate([q[2] for q in pieces] or [np.zeros(0)]).astype(np.int64)
        nnz = np.array([q[4].size for q in pieces], dtype=np.int64)
        base = np.concatenate([[0], np.cumsum(nnz)])
        self.rptr = np.concatenate([q[3][:-1] + base[i] for i, q in enumerate(pieces)]
                                   + [[base[-1]]]).astype(np.int64)
        self.cols = np.concatenate([q[4] for q in pieces] or [np.zeros(0)]).astype(np.int64)
        self.vals = np.concatenate([q[5] for q in pieces] or [np.zeros(0)]).astype(
            np.complex128)
        sizes = np.diff(self.starts)
        self.t_size = int(max([nrows[i] * sizes[q[1]] for i, q in enumerate(pieces)
                               if not q[6]], default=1))

    @property
    def nbytes(self) -> int:
        """Bytes held by the operator's arrays."""
        return int(sum(a.nbytes for a in (self.h_ptr, self.h_col, self.h_val, self.rows,
                                          self.rptr, self.cols, self.vals, self.local)))

    def matvec(self, x: np.ndarray, out: np.ndarray | None = None,
               parallel: bool | None = None) -> np.ndarray:
        r""":math:`\mathcal L x` for a block vector ``x`` (module docstring).

        ``parallel``: run the blocks on Numba's threads (default: from
        :data:`PARALLEL_MIN_DIM` unknowns on; below, the thread start-up costs more than it
        saves). The result is the same bit for bit.
        """
        x = np.ascontiguousarray(x, dtype=np.complex128)
        if out is None:
            out = np.empty(self.dim, dtype=np.complex128)
        if parallel is None:
            parallel = self.dim >= PARALLEL_MIN_DIM
        kernel = _apply_parallel if parallel else _apply_serial
        kernel(x, out, self.offsets, self.starts, self.h_ptr, self.h_col, self.h_val,
               self.pc_start, self.p_src, self.p_row0, self.p_hop, self.rows, self.rptr,
               self.cols, self.vals, self.t_size)
        return out

    def diagonal(self) -> np.ndarray:
        r"""The superoperator's diagonal (the Jacobi preconditioner) at :math:`(s, s')`:
        :math:`-iH^{eff}_{ss} + i\overline{H^{eff}_{s's'}}
        + \sum_m L_{m,ss}\overline{L_{m,s's'}}` (the first two hold :math:`-i(E_s - E_{s'})`)."""
        out = np.empty(self.dim, dtype=complex)
        D = np.array(self._diag_jumps) if self._diag_jumps else np.zeros((0, self.local.size))
        for K, g in enumerate(self.block.groups):
            h = self.heff_diagonal[g]
            dK = D[:, g]
            blk = -1j * h[:, None] + 1j * np.conj(h)[None, :] + dK.T @ np.conj(dK)
            out[self.offsets[K]:self.offsets[K + 1]] = blk.reshape(-1, order="F")
        return out


def stationary_solve(op: MatrixFreeBlock, tol: float = 1e-12, what: str = "the block",
                     memory: float | None = None) -> tuple[np.ndarray, dict]:
    """The unique Tr = 1 kernel vector of ``op`` and ``{"iterations", "krylov"}``.

    As :func:`manybody.ed.momentum.stationary_solve`: the first trace row is replaced by the
    trace, Jacobi preconditioning with :meth:`MatrixFreeBlock.diagonal`, BiCGSTAB (two
    applications per iteration, 9 vectors) and on breakdown GMRES with a restart of at most
    :data:`GMRES_RESTART` that keeps its basis within ``memory`` bytes; then the uniqueness
    check, a second solve from the solution plus a random kick of 1e-3 of its largest entry.

    Raises
    ------
    DegenerateSteadyStateError
        If the two solutions differ by more than 1e-8 of the largest entry.
    ConvergenceError
        If neither Krylov solver reaches ``tol``.
    """
    n = op.dim
    tr = np.concatenate([op.offsets[K] + np.arange(g.size) * (g.size + 1)
                         for K, g in enumerate(op.block.groups)])
    r0 = int(tr[0])
    count = [0]

    def matvec(v):
        count[0] += 1
        y = op.matvec(np.ravel(v))
        y[r0] = np.sum(np.ravel(v)[tr])
        return y

    d = op.diagonal()
    d[r0] = 1.0
    d[d == 0] = 1.0
    A = LinearOperator((n, n), matvec=matvec, dtype=complex)
    M = LinearOperator((n, n), matvec=lambda v: np.ravel(v) / d, dtype=complex)
    b = np.zeros(n, dtype=complex)
    b[r0] = 1.0
    restart = GMRES_RESTART if memory is None else int(max(20, min(GMRES_RESTART,
                                                                   memory / (16.0 * n))))

    def true_residual(x):
        return float(np.linalg.norm(b - A.matvec(x)))  # |b| = 1

    def solve(x0):
        # BiCGSTAB's recursive residual can drift from the true one (seen: 1e-8 reported as
        # 1e-12 at beta = 7, delta = delta' = 1): check it, restart from x up to twice
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            start = x0
            for _ in range(3):
                x, info = bicgstab(A, b, x0=start, M=M, rtol=tol, atol=0.0, maxiter=5000)
                if info != 0 or not np.all(np.isfinite(x)):
                    break
                if true_residual(x) <= 10 * tol:
                    return x, "bicgstab"
                start = x
            x, info = gmres(A, b, x0=x0, M=M, rtol=tol, atol=0.0, restart=restart,
                            maxiter=max(25, 5000 // restart))
        res = true_residual(x) if np.all(np.isfinite(x)) else np.inf
        if res > 10 * tol:
            raise ConvergenceError(f"BiCGSTAB and GMRES (restart {restart}) did not reach "
                                   f"tol={tol:g} on {what}, a system of dimension {n} "
                                   f"(residual {res:.1e}, GMRES info={info}); a looser tol "
                                   f"or a smaller beta / larger eps converge faster")
        return x, "gmres"

    x, krylov = solve(None)
    first = count[0]
    x0 = x + 1e-3 * np.abs(x).max() * np.random.default_rng(0).normal(size=n)
    x2, krylov2 = solve(x0)
    del x0
    gap = np.abs(x - x2).max()
    if gap > 1e-8 * np.abs(x).max():
        raise degenerate(what, f"two solves from different starts differ by {gap:.1e}, "
                               f"{gap / np.abs(x).max():.1e} of the largest entry")
    return x, {"matvecs": first, "check_matvecs": count[0] - first,
               "krylov": krylov if krylov == krylov2 else f"{krylov}+{krylov2}"}


def expm_multiply(op: MatrixFreeBlock, x: np.ndarray, dt: float, tol: float = 1e-10,
                  m: int = KRYLOV_DIM) -> tuple[np.ndarray, dict]:
    r""":math:`e^{\mathcal L\,dt}x` by Arnoldi steps of adaptive length (Krylov dimension m).

    Each step builds the orthonormal Krylov basis :math:`V_m` of :math:`\mathcal L` and x (modified
    Gram-Schmidt) and the Hessenberg matrix :math:`H_m = V_m^\dagger\mathcal L V_m`; then
    :math:`e^{\mathcal L h}x \approx \|x\| V_m e^{hH_m}e_1`, with the a-posteriori error
    :math:`\|x\|\,h_{m+1,m}\,|(e^{h\bar H}e_1)_{m}|` of Saad (1992) from the exponential of
    the Hessenberg matrix augmented by one row (the estimate of expokit, Sidje 1998). A step is
    accepted when that error is at most ``tol`` times :math:`\|x\|\,h/dt` (the errors of the
    steps add up to at most ``tol`` relative), else h shrinks; the next h grows from the
    accepted error. A breakdown (an invariant subspace) gives the exact result at once.

    Returns
    -------
    (y, info)
        The propagated vector and ``{"matvecs", "steps", "rejected"}``.

    Raises
    ------
    ValueError
        If ``dt`` is negative or not finite, ``tol`` outside (0, 1), ``m`` below 2, or ``x``
        not a vector of the block's size.
    ConvergenceError
        If the step falls below 1e-12 dt (the tolerance cannot be met).
    """
    dt = real("dt", dt, 0.0)
    tol = real("tol", tol, 0.0, 1.0, open_lo=True, open_hi=True)
    m = integer("m", m, 2)
    if np.shape(x) != (op.dim,):
        raise ValueError(f"x must be a block vector of shape ({op.dim},), got {np.shape(x)}")
    n = x.size
    V = np.empty((m + 1, n), dtype=np.complex128)
    w = np.array(x, dtype=np.complex128)
    t, h = 0.0, dt
    info = {"matvecs": 0, "steps": 0, "rejected": 0}
    while t < dt * (1 - 1e-14):
        beta = float(np.linalg.norm(w))
        if beta == 0.0:
            break
        V[0] = w / beta
        Hm = np.zeros((m + 2, m + 2), dtype=complex)
        k = m
        for j in range(m):
            p = op.matvec(V[j])
            info["matvecs"] += 1
            for i in range(j + 1):
                Hm[i, j] = np.vdot(V[i], p)
                p -= Hm[i, j] * V[i]
            s = float(np.linalg.norm(p))
            if s <= 1e-12 * beta:  # invariant subspace: exact
                k = j + 1
                break
            Hm[j + 1, j] = s
            V[j + 1] = p / s
        h = min(h, dt - t)
        while True:
            if k < m:
                F = expm(h * Hm[:k, :k])
                err = 0.0
            else:
                Hm[m + 1, m] = 1.0
                F = expm(h * Hm)
                err = beta * abs(F[m, 0])  # h_{m+1,m} sits in Hm[m, m-1]
            if err <= tol * beta * h / dt:
                break
            info["rejected"] += 1
            h *= max(0.2, 0.9 * (tol * beta * h / dt / err) ** (1.0 / m))
            if h < 1e-12 * dt:
                raise ConvergenceError(f"the Krylov exponential did not reach tol={tol:g} "
                                       f"with steps above {1e-12 * dt:.1e}")
        w = beta * (F[:k, 0] @ V[:k])
        t += h
        info["steps"] += 1
        if err > 0:
            h *= min(5.0, 0.9 * (tol * beta * h / dt / err) ** (1.0 / m))
        else:
            h = dt
    return w, info
