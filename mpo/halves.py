r"""The two halves of a TEBD chain: the centre-moving gate sweep of one half
(:class:`Sites`), run in this process (:class:`Local`, one worker) or in a child process
(:class:`Remote`, two workers), and the LAPACK calls it makes (:func:`svd`, :func:`qr`).

**Why a process and not a thread.** LAPACK releases the GIL, but two threads calling numpy's
SVD at the sizes of a sweep scale poorly: measured on this machine (two cores, one BLAS
thread each, the same 64 x 64 / 128 x 128 matrix in a loop) 1.51x / 1.90x over one thread,
against no slowdown at all (0.75 against 0.82 ms per SVD at 64 x 64) for two processes; and
scipy's f2py LAPACK wrappers (the QR) hold the GIL. The right half therefore lives in a
worker process for the whole evolution; only the middle site, the gates of the layer and the
trace environment cross the pipe (pickle protocol 5), so one layer costs one round trip.

**The split of a gate: eigh of the Gram matrix.** A two-site matrix Θ with at least
``GRAM_MIN`` rows and columns, in a run whose cutoff is at least ``GRAM_CUTOFF`` = 1e-14, is
split by the eigen-decomposition of the Gram matrix of its
shorter side, :math:`\Theta\Theta^\dagger = U S^2 U^\dagger` (LAPACK syevd/heevd), then
:math:`V^\dagger = S^{-1}U^\dagger\Theta` for the kept values only; the kept part is
:math:`UU^\dagger\Theta`, an exact projection whatever the accuracy of the smallest
eigenvalues (which squaring the condition number limits to about 1e-8 of the largest
singular value; the cutoff keeps values down to ~1e-6 of it). Zero eigenvalues have no
vector and are never kept. Measured in the engine (open chain L = 40, α = 2, δ = 1, one
worker, quiet machine, ms per step, SVD (gesdd) path / Gram path): χ = 8: 12.1 / 9.6;
χ = 16: 26.5 / 19.8; χ = 32: 109 / 66 (cutoff 0), 108 / 61 (cutoff 1e-12); χ = 64: 618 /
308 (cutoff 0), 174 / 99 (cutoff 1e-12), i.e. 1.3-2.0x; current profiles equal to 2.5e-10
(1.3e-8 at χ = 64, cutoff 0), discarded weights to 1e-4 relative where they are above
round-off. The price is a floor: eigenvalues are resolved to about n ε λ_max (n the Gram
matrix's size, ε the machine epsilon), so weights below ~1e-14 of the total are noise and the
kept subspace can differ from the optimal one there, as a cutoff of that size would; hence
``GRAM_CUTOFF``. Untruncated and cutoff-0 runs (exact evolution, the tests against dense
splittings) keep LAPACK's SVD: measured on the bosonic chain L = 4 (d = 3) untruncated, the
Gram split moved the trace by 2.3e-10 where the SVD keeps it to 1e-15. The splits and joins
of the middle bond always use the SVD (:func:`svd`).

The worker is a plain ``python -c`` child (not :mod:`multiprocessing`, whose spawn start
re-imports the caller's ``__main__``, so a script without an ``if __name__ == "__main__"``
guard would run twice); it inherits the environment with the BLAS thread variables set to the
parent's BLAS threads, imports this package from the same place as the parent (``-P``: not
from the working directory, which may hold another ``mpo``), and reads
orders from its stdin and writes replies to a pipe of its own (so that stray prints cannot
corrupt them). One worker per parent process, started on first use (about a second) and kept;
it exits when the parent closes the pipe.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import scipy.linalg
from scipy.linalg import get_lapack_funcs

from .state import hermitian_identity, local_dim, trace_environment

GRAM_MIN = 32  # two-site matrices this large are split via the Gram matrix (docstring)
GRAM_CUTOFF = 1e-14  # ... when the run's cutoff is at least this (docstring)


def svd(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thin SVD by LAPACK's divide and conquer (gesdd), falling back to the slower but more
    robust QR iteration (gesvd) when gesdd fails to converge, which happened once in a
    ~10^7-gate run (open chain L = 1000, order 4)."""
    try:
        return np.linalg.svd(matrix, full_matrices=False)
    except np.linalg.LinAlgError:
        return scipy.linalg.svd(matrix, full_matrices=False, lapack_driver="gesvd")


def gram_eigh(matrix: np.ndarray, rows: bool) -> tuple[np.ndarray, np.ndarray]:
    r"""Eigenvalues (descending, clipped at 0) and eigenvectors of the Gram matrix of the
    rows (:math:`MM^\dagger`) or the columns (:math:`M^\dagger M`) of ``matrix``."""
    w, vecs = np.linalg.eigh(matrix @ matrix.conj().T if rows else matrix.conj().T @ matrix)
    return np.maximum(w[::-1], 0.0), vecs[:, ::-1]


_UPPER: dict[tuple[int, int], np.ndarray] = {}


def qr(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Thin QR by LAPACK's geqrf and orgqr/ungqr called directly: at the sizes of a TEBD
    sweep (e.g. 48 x 12) ``np.linalg.qr`` spends more time in Python than in LAPACK."""
    (geqrf,) = get_lapack_funcs(("geqrf",), (matrix,))
    a, tau, _, info = geqrf(matrix)
    k = min(matrix.shape)
    if (k, matrix.shape[1]) not in _UPPER:
        _UPPER[k, matrix.shape[1]] = np.triu(np.ones((k, matrix.shape[1])))
    (orgqr,) = get_lapack_funcs(("orgqr" if np.isrealobj(a) else "ungqr",), (a,))
    q, _, info_q = orgqr(a[:, :k], tau)
    if info or info_q:
        raise np.linalg.LinAlgError(f"QR failed (LAPACK info {info}, {info_q})")
    return q, a[:k] * _UPPER[k, matrix.shape[1]]




class Sites:
    """Site tensors (``None`` where another process holds them), one orthogonality centre,
    and the centre-moving gate sweep: what each half of the chain runs (module docstring)."""

    def __init__(self, n_sites: int, p: int, max_bond: int, cutoff: float) -> None:
        self.A: list[np.ndarray | None] = [None] * n_sites
        self.p, self.max_bond, self.cutoff = p, max_bond, cutoff

    def move(self, center: int, target: int) -> int:
        """Move the orthogonality centre from ``center`` to ``target`` by QR; returns target."""
        A = self.A
        for j in range(center, target):
            nl, p, r = A[j].shape
            q, rr = qr(A[j].reshape(nl * p, r))
            A[j] = q.reshape(nl, p, -1)
            A[j + 1] = (rr @ A[j + 1].reshape(r, -1)).reshape(rr.shape[0], *A[j + 1].shape[1:])
        for j in range(center, target, -1):
            nl, p, r = A[j].shape
            q, rr = qr(A[j].reshape(nl, p * r).T)
            A[j] = q.T.reshape(-1, p, r)
            A[j - 1] = (A[j - 1].reshape(-1, nl) @ rr.T).reshape(*A[j - 1].shape[:2], -1)
        return target

    def two_site(self, p: int, theta: np.ndarray, gate: np.ndarray | None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """``(u, s, vh, discarded weight)``: the gate (if any) on the two-site matrix
        ``theta`` of positions (p, p+1), ``(left d^2, d^2 right)``, and its split (an SVD, or
        from ``GRAM_MIN`` rows and columns up the eigh of its Gram matrix: module docstring)
        truncated to ``max_bond`` values and relative dropped weight at most ``cutoff``."""
        d2 = self.p
        nl, r = theta.shape[0] // d2, theta.shape[1] // d2
        if gate is not None:
            theta = (gate @ theta.reshape(nl, d2 * d2, r)).reshape(nl * d2, d2 * r)  # batched
        rows = theta.shape[0] <= theta.shape[1]  # Gram matrix of the shorter side
        gram = min(theta.shape) >= GRAM_MIN and self.cutoff >= GRAM_CUTOFF
        if gram:
            w, vecs = gram_eigh(theta, rows)
        else:
            u, s, vh = svd(theta)
            w = s**2
        total = w.sum()
        if not np.isfinite(total) or total == 0:
            raise FloatingPointError(f"TEBD gate on sites {p}, {p + 1} produced a state of "
                                     f"norm {total}")
        tail = np.cumsum(w[::-1])[::-1] / total  # tail[k]: relative weight of s[k:]
        keep = max(1, min(self.max_bond, int(np.sum(tail > self.cutoff)),
                          int(np.sum(w > 0)) if gram else w.size))  # Gram: no vector for 0
        dropped = float(tail[keep]) if keep < w.size else 0.0
        if not gram:
            return u[:, :keep], s[:keep], vh[:keep], dropped
        s = np.sqrt(w[:keep])
        if rows:  # theta projected on the kept left vectors: U U^H theta = U S (S^-1 U^H theta)
            return vecs[:, :keep], s, (vecs[:, :keep].conj().T @ theta) / s[:, None], dropped
        return (theta @ vecs[:, :keep]) / s, s, vecs[:, :keep].conj().T, dropped

    def pair(self, p: int) -> np.ndarray:
        """The two-site matrix of positions (p, p+1), ``(left d^2, d^2 right)``."""
        a, b = self.A[p], self.A[p + 1]
        return a.reshape(-1, a.shape[2]) @ b.reshape(b.shape[0], -1)

    def apply(self, p: int, gate: np.ndarray, rightwards: bool, center: int
              ) -> tuple[int, float]:
        """Gate on positions (p, p+1) with the centre moved there first; returns the new
        centre (p+1 if ``rightwards``, else p) and the discarded weight."""
        self.move(center, min(max(center, p), p + 1))
        nl, r = self.A[p].shape[0], self.A[p + 1].shape[2]
        u, s, vh, dropped = self.two_site(p, self.pair(p), gate)
        keep = s.size
        if rightwards:
            self.A[p] = u.reshape(nl, self.p, keep)
            self.A[p + 1] = (s[:, None] * vh).reshape(keep, self.p, r)
            return p + 1, dropped
        self.A[p], self.A[p + 1] = (u * s).reshape(nl, self.p, keep), vh.reshape(keep, self.p, r)
        return p, dropped

    def sweep(self, ops: list[tuple[int, np.ndarray]], rightwards: bool, center: int,
              end: int | None = None) -> tuple[int, list[float]]:
        """Gates ``(position p, matrix)`` on positions (p, p+1) in the given order, then the
        centre moved to ``end`` (if given); returns the centre and the discarded weights in
        order."""
        dropped = []
        for p, gate in ops:
            center, w = self.apply(p, gate, rightwards, center)
            dropped.append(w)
        return (center if end is None else self.move(center, end)), dropped


def serve(sites: Sites, order: dict) -> dict:
    """One order to the half held by ``sites``: store ``put``, ``sweep`` (arguments of
    :meth:`Sites.sweep`, or None), hand over ``take`` (removed) and ``copy`` (copies);
    reply with the sweep's result and, if ``env``, the right trace environment of the sites
    still held (:func:`mpo.state.trace_environment`) for the trace."""
    for j, a in order.get("put", {}).items():
        sites.A[j] = a
    center, dropped = (None, []) if order.get("sweep") is None else sites.sweep(*order["sweep"])
    given = {j: sites.A[j] for j in order.get("take", ())}
    given.update({j: sites.A[j].copy() for j in order.get("copy", ())})
    for j in order.get("take", ()):
        sites.A[j] = None
    held = [a for a in sites.A if a is not None]
    env = (trace_environment(held, hermitian_identity(local_dim(held)), right=True)
           if held and order.get("env") else None)
    return {"center": center, "dropped": dropped, "arrays": given, "env": env}


class Local:
    """The right half in this process (one worker): orders run when submitted."""

    def __init__(self, sites: Sites) -> None:
        self.sites, self.reply = sites, None

    def submit(self, order: dict) -> None:
        self.reply = serve(self.sites, order)

    def result(self) -> dict:
        return self.reply


def _blas_threads() -> int:
    """BLAS threads of this process (threadpoolctl), for the worker to use the same."""
    from threadpoolctl import threadpool_info

    return max([i.get("num_threads", 1) for i in threadpool_info()
                if i.get("user_api") == "blas"] or [1])


class Remote:
    """The right half in the worker process: orders run there while this process sweeps
    the left half (module docstring). One worker per thread of this process (a thread's
    orders and replies alternate on its pipe); a failure while an order is out (an
    exception, an interrupt) stops the worker, and the next one starts afresh."""

    _local = threading.local()  # .process, .replies, .blas of this thread's worker

    def __init__(self, n_sites: int, p: int, max_bond: int, cutoff: float) -> None:
        w, blas = self._local, _blas_threads()
        if getattr(w, "process", None) is None or w.process.poll() is not None \
                or w.blas != blas:
            self._start(blas)
        self.submit({"init": (n_sites, p, max_bond, cutoff)})
        self.result()

    @classmethod
    def _start(cls, blas: int) -> None:
        cls.stop()
        read, write = os.pipe()
        package = str(Path(__file__).resolve().parents[1])
        env = os.environ | {v: str(blas) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                   "MKL_NUM_THREADS")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package, env.get("PYTHONPATH")]))
        w = cls._local
        w.process = subprocess.Popen(
            [sys.executable, "-P", "-c", "import sys; from mpo.halves import work; "
             "work(int(sys.argv[1]))", str(write)],
            stdin=subprocess.PIPE, pass_fds=(write,), env=env)
        os.close(write)
        w.replies, w.blas = os.fdopen(read, "rb"), blas

    @classmethod
    def stop(cls) -> None:
        """Stop this thread's worker (if any)."""
        w = cls._local
        if getattr(w, "process", None) is not None:
            w.process.kill()
            w.process.wait()
            w.replies.close()
        w.process = None

    def submit(self, order: dict) -> None:
        try:
            pickle.dump(order, self._local.process.stdin, protocol=5)
            self._local.process.stdin.flush()
        except BrokenPipeError:
            self._exited()
        except BaseException:
            self.stop()
            raise

    def _exited(self) -> None:
        code = self._local.process.wait(10)
        self.stop()
        raise RuntimeError(f"the TEBD worker process exited (code {code})") from None

    def result(self) -> dict:
        try:
            reply = pickle.load(self._local.replies)
        except EOFError:
            self._exited()
        except BaseException:
            self.stop()
            raise
        if isinstance(reply, Exception):
            raise reply
        return reply


def work(reply_fd: int) -> None:
    """The worker process: serve orders from stdin until it closes. It ignores SIGINT: an
    interrupt (Ctrl-C, a Jupyter kernel's shutdown) reaches the whole process group, and the
    parent, which handles it, stops the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    orders, replies = sys.stdin.buffer, os.fdopen(reply_fd, "wb")
    sites = None
    while True:
        try:
            order = pickle.load(orders)
        except EOFError:
            return
        try:
            if "init" in order:
                sites, reply = Sites(*order["init"]), None
            else:
                reply = serve(sites, order)
        except Exception as exc:  # re-raised in the parent
            reply = exc
        pickle.dump(reply, replies, protocol=5)
        replies.flush()
