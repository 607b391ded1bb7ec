r"""Numba kernels for the right-hand side of the tGGE rate equation.

.. math::
   \dot n_a = (1 - n_a) \sum_b W_{b\to a} n_b - n_a \sum_b W_{a\to b} (1 - n_b),

with ``W[a, b] = W_{b -> a}``. :func:`rhs_dense` is the O(M^2) baseline for any rate matrix;
:func:`rhs_factorized` uses :math:`W_{b\to a} = \sum_r f_r(a) g_r(b)` and costs O(rM):
:math:`\dot n_a = (1-n_a)\sum_r f_r(a) A_r - n_a \sum_r g_r(a) B_r` with
:math:`A_r = \sum_b g_r(b) n_b`, :math:`B_r = \sum_b f_r(b)(1 - n_b)`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .. import _validate
from ..models.base import Rates


@njit(parallel=True, cache=True)
def rhs_dense(W: np.ndarray, WT: np.ndarray, n: np.ndarray, out: np.ndarray) -> None:
    """Write dn/dt into ``out``; ``WT`` is ``W.T`` stored contiguously (row access for both)."""
    M = n.shape[0]
    for a in prange(M):
        gain = 0.0
        loss = 0.0
        for b in range(M):
            gain += W[a, b] * n[b]
            loss += WT[a, b] * (1.0 - n[b])
        out[a] = (1.0 - n[a]) * gain - n[a] * loss


@njit(cache=True)
def rhs_factorized(f: np.ndarray, g: np.ndarray, n: np.ndarray, out: np.ndarray) -> None:
    """Write dn/dt into ``out`` for factorized rates ``f, g`` of shape ``(R, M)``."""
    R, M = f.shape
    A = np.zeros(R)
    B = np.zeros(R)
    for r in range(R):
        for b in range(M):
            A[r] += g[r, b] * n[b]
            B[r] += f[r, b] * (1.0 - n[b])
    for a in range(M):
        gain = 0.0
        loss = 0.0
        for r in range(R):
            gain += f[r, a] * A[r]
            loss += g[r, a] * B[r]
        out[a] = (1.0 - n[a]) * gain - n[a] * loss


def rhs_numpy(W: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Plain numpy version of :func:`rhs_dense` (the benchmarks' reference)."""
    return (1.0 - n) * (W @ n) - n * (W.T @ (1.0 - n))


class RateEquation:
    """The right-hand side for given rates, with the kernel chosen once.

    Parameters
    ----------
    rates : manybody.models.Rates
        Factorized or dense rates.
    kernel : {"auto", "factorized", "dense"}
        "auto" takes the factorized kernel when the rates are factorized.
    """

    def __init__(self, rates, kernel: str = "auto") -> None:
        _validate.instance("rates", rates, Rates)
        _validate.choice("kernel", kernel, ("auto", "factorized", "dense"))
        if kernel == "factorized" and not rates.factorized:
            raise ValueError("kernel='factorized' needs factorized rates; these are dense")
        self.kernel = "factorized" if (kernel == "auto" and rates.factorized) else kernel
        if self.kernel == "auto":
            self.kernel = "dense"
        if self.kernel == "factorized":
            self._f = np.ascontiguousarray(rates.f, dtype=np.float64)
            self._g = np.ascontiguousarray(rates.g, dtype=np.float64)
        else:  # W, its contiguous transpose and the factorized product: 3 M^2 floats
            _validate.memory_guard("the dense tGGE rate matrix", "modes", rates.size,
                                   lambda m: 24.0 * m * m)
            W = rates.dense()
            self._W = np.ascontiguousarray(W, dtype=np.float64)
            self._WT = np.ascontiguousarray(W.T, dtype=np.float64)

    def __call__(self, n: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        n = np.ascontiguousarray(n, dtype=np.float64)
        out = np.empty_like(n) if out is None else out
        if self.kernel == "factorized":
            rhs_factorized(self._f, self._g, n, out)
        else:
            rhs_dense(self._W, self._WT, n, out)
        return out
