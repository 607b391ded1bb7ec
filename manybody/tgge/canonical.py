r"""Projection of the tGGE product state onto a fixed particle number.

The tGGE state :math:`\rho \propto \prod_a x_a^{\hat n_a}`, :math:`x_a = n_a/(1-n_a) =
e^{-\lambda_a}`, is grand canonical; the exact dynamics conserves N, so at small L the fair
comparison is with :math:`P_N \rho P_N`, whose occupations are

.. math::
   n_a = \frac{x_a\, e_{N-1}(x^{(a)})}{x_a\, e_{N-1}(x^{(a)}) + e_N(x^{(a)})},

with :math:`e_k` the elementary symmetric polynomials and :math:`x^{(a)}` all x but
:math:`x_a`. They are built from prefix and suffix recursions
:math:`e_k(x_0..x_i) = e_k(x_0..x_{i-1}) + x_i e_{k-1}(x_0..x_{i-1})` in logarithms: all
terms are positive, so nothing cancels even where the :math:`x_a` span many decades (the
textbook recursion in N is unstable there). Cost O(M N^2).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logsumexp

from .. import _validate


def _log_esp(lx: np.ndarray, K: int) -> np.ndarray:
    """``out[i, k] = log e_k(x_0, ..., x_{i-1})`` for i = 0..M, k = 0..K."""
    out = np.full((lx.size + 1, K + 1), -np.inf)
    out[0, 0] = 0.0
    for i, log_x in enumerate(lx):
        out[i + 1] = out[i]
        out[i + 1, 1:] = np.logaddexp(out[i, 1:], log_x + out[i, :-1])
    return out


def canonical_occupations(n: np.ndarray, particle_number: int) -> np.ndarray:
    r"""Occupations of :math:`P_N \prod_a x_a^{\hat n_a} P_N`, :math:`x_a = n_a/(1-n_a)`.

    Parameters
    ----------
    n : ndarray
        Grand-canonical occupations in [0, 1]; modes with n = 1 (0) stay full (empty).
    particle_number : int
        N, between the number of full modes and the number of not-empty modes.
    """
    n = _validate.real_array("n", n, 0.0, 1.0).reshape(-1)
    particle_number = _validate.integer("particle_number", particle_number, 0)
    full, empty = n >= 1.0, n <= 0.0
    free = ~(full | empty)
    K = particle_number - int(full.sum())
    if not 0 <= K <= int(free.sum()):
        raise ValueError(f"particle_number={particle_number} is impossible with {full.sum()} "
                         f"full and {empty.sum()} empty modes out of {n.size}")
    out = full.astype(float)
    if K == 0:
        return out
    lx = np.log(n[free]) - np.log1p(-n[free])
    pre = _log_esp(lx, K)
    suf = _log_esp(lx[::-1], K)[::-1]  # suf[i, k] = log e_k(x_i, ..., x_{M-1})
    j = np.arange(K + 1)
    nk = np.empty(lx.size)
    for a in range(lx.size):
        p, s = pre[a], suf[a + 1]
        log_eN = logsumexp(p[j] + s[K - j])
        log_eN1 = logsumexp(p[j[:-1]] + s[K - 1 - j[:-1]])
        nk[a] = expit(lx[a] + log_eN1 - log_eN)
    out[free] = nk
    return out
