r"""Exact steady state of the bosonic cavities at U = 0, any L: a closed Lyapunov equation.

At U = 0 the Hamiltonian of :class:`~manybody.models.BoseHubbardRing` (Eq. 1) is quadratic
and every jump (Eq. 4 and :math:`\sqrt\kappa d_j`) is linear,

.. math:: H = \sum_{ab} h_{ab} d^\dagger_a d_b + \sum_{ab}(P_{ab} d^\dagger_a d^\dagger_b
          + \mathrm{h.c.}),\qquad f_m = \sum_j (u_{mj} d_j + v_{mj} d^\dagger_j),

so with :math:`a = (d_0, \dots, d_{L-1}, d^\dagger_0, \dots, d^\dagger_{L-1})` the adjoint
Lindbladian :math:`\mathcal L^\dagger X = i[H, X] + \sum_m \tfrac12(f_m^\dagger[X, f_m] +
[f_m^\dagger, X]f_m)` maps :math:`a_i` to :math:`\sum_k A_{ik} a_k` with the drift matrix

.. math:: A = \begin{pmatrix} X & Y\\ Y^* & X^*\end{pmatrix},\quad
          X = -ih + \tfrac12\sum_m (v_m v_m^\dagger - u_m^* u_m^T),\quad
          Y = -i(P + P^T) + \tfrac12\sum_m (v_m u_m^\dagger - u_m^* v_m^T)

(:math:`u_m, v_m` column vectors). The single-site check: :math:`f = \sqrt{\Gamma_-}d` gives
:math:`\dot d = -\tfrac{\Gamma_-}2 d`, :math:`f = \sqrt{\Gamma_+}d^\dagger` gives
:math:`+\tfrac{\Gamma_+}2 d`. Since :math:`\mathcal L^\dagger(XY) = \mathcal L^\dagger(X)Y +
X\mathcal L^\dagger(Y) + \sum_m [f_m^\dagger, X][Y, f_m]`, the ordered second moments
:math:`C_{ij} = \langle a_i a_j\rangle` obey

.. math:: \dot C = AC + CA^T + D,\qquad D_{ij} = \sum_m p_{mi}q_{mj},\quad
          p_m = (-u_m^*, v_m^*),\ q_m = (v_m, -u_m),

and the steady state solves the Sylvester (Lyapunov) equation :math:`AC + CA^T = -D`. It
exists and is unique iff every eigenvalue of A has a negative real part; the means
:math:`\langle a\rangle` then decay to 0. Observables are read off C:
:math:`\langle n_j\rangle = C_{L+j,\,j}`, and each bond current of the model
(:meth:`~manybody.models.BoseHubbardRing.current_terms`, e.g. :math:`I^\eta = -\eta
d^\dagger_{a+1}d_a + \mathrm{h.c.}`) term by term. h, P, u, v are read from the model's own
terms, so this is the same model as the truncated ED's, without truncation. A
translation-invariant ring is solved in momentum space (:func:`momentum_blocks`: 2 x 2 blocks,
L = 1000 in about a second); an open chain by the dense Sylvester solve (O(L^3), L = 200 in
about a second).
"""

from __future__ import annotations

import time

import numpy as np
from scipy import linalg, sparse

from . import _validate
from .errors import UnstableDynamicsError
from .models.bose_ring import BoseHubbardRing
from .models.spin import Operator
from .result import Result

STABILITY_TOL = 1e-12  # relative to the largest |eigenvalue| of A


def _index(L: int, name: str, site: int) -> int:
    """Position of :math:`d_j` (``"d"``) or :math:`d^\\dagger_j` (``"d+"``) in a."""
    return site + (L if name == "d+" else 0)


def quadratic_form(model: BoseHubbardRing) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                    np.ndarray]:
    """``(h, P, u, v)`` of the docstring, read from the model's Hamiltonian and jump terms."""
    L = model.L
    h, P = np.zeros((L, L), complex), np.zeros((L, L), complex)
    for c, factors in model.hamiltonian_terms():
        names = tuple(n for n, _ in factors)
        sites = tuple(j for _, j in factors)
        if names == ("n",):
            h[sites[0], sites[0]] += c
        elif names == ("d+", "d"):
            h[sites[0], sites[1]] += c
        elif names == ("d", "d+"):  # d_a d+_b = d+_b d_a + delta_ab (a constant)
            h[sites[1], sites[0]] += c
        elif names == ("d+", "d+"):
            P[sites] += c
        elif names != ("d", "d"):  # d d terms commute with every d_k: no part in A
            raise ValueError(f"the Hamiltonian term {names} is not quadratic")
    jumps = model.jump_operators()
    u, v = np.zeros((len(jumps), L), complex), np.zeros((len(jumps), L), complex)
    for m, jump in enumerate(jumps):
        for c, ((name, j),) in jump:
            (u if name == "d" else v)[m, j] += c
    return h, P, u, v


def drift_diffusion(model: BoseHubbardRing) -> tuple[np.ndarray, np.ndarray]:
    """The drift matrix A and the matrix D of :math:`AC + CA^T = -D` (module docstring)."""
    h, P, u, v = quadratic_form(model)
    u, v = sparse.csr_matrix(u), sparse.csr_matrix(v)  # each jump acts on a few sites
    X = -1j * h + 0.5 * (v.T @ v.conj() - u.T.conj() @ u).toarray()
    Y = -1j * (P + P.T) + 0.5 * (v.T @ u.conj() - u.T.conj() @ v).toarray()
    A = np.block([[X, Y], [Y.conj(), X.conj()]])
    p = sparse.hstack([-u.conj(), v.conj()])
    q = sparse.hstack([v, -u])
    return A, (p.T @ q).toarray()


def _expect(C: np.ndarray, L: int, terms: Operator) -> float:
    """:math:`\\langle\\sum_t c_t a_{i_t} a_{j_t}\\rangle` for quadratic ordered terms."""
    return float(np.real(sum(c * C[_index(L, *f[0]), _index(L, *f[1])] for c, f in terms)))


def _both(M: np.ndarray, L: int, f0, f1) -> np.ndarray:
    """``f0`` along the row index and ``f1`` along the column index of each L x L block."""
    M = M.reshape(2, L, 2, L)
    return f1(f0(M, axis=1, norm="ortho"), axis=3, norm="ortho").reshape(2 * L, 2 * L)


def momentum_blocks(A: np.ndarray, L: int) -> np.ndarray | None:
    r"""The 2 x 2 blocks of :math:`\tilde A = WAW^\dagger`, shape (L, 2, 2), or None.

    With F the unitary DFT and :math:`W = \mathrm{diag}(F, F)`, a translation-invariant ring
    has circulant X, Y and conjugates, so :math:`\tilde A` couples only the pair (k, L + k).
    None if :math:`\tilde A` is not block-diagonal to 1e-10 (relative to max|A|).
    """
    At = _both(A, L, np.fft.fft, np.fft.ifft).reshape(2, L, 2, L)
    k = np.arange(L)
    blocks = At[:, k, :, k].copy()  # (L, 2, 2)
    At[:, k, :, k] = 0
    if np.abs(At).max() > 1e-10 * max(np.abs(A).max(), 1e-300):
        return None
    return blocks


def _solve_by_momentum(blocks: np.ndarray, D: np.ndarray, L: int) -> tuple[np.ndarray, float]:
    r""":math:`AC + CA^T = -D` in O(L^2 log L) from :func:`momentum_blocks`:
    :math:`\tilde C = WCW^T` solves :math:`\tilde A\tilde C + \tilde C\tilde A^T =
    -WDW^T` block by block (2 x 2 Sylvester equations, only where the transformed D is
    nonzero; elsewhere the unique solution is 0), and :math:`C = W^\dagger\tilde C\bar W`.
    Returns C and the largest residual of the block equations."""
    Dt = _both(D, L, np.fft.fft, np.fft.fft).reshape(2, L, 2, L)  # W D W^T
    p, q = np.nonzero(np.abs(Dt).max(axis=(0, 2)) > 1e-14 * max(np.abs(D).max(), 1e-300))
    eye = np.eye(2)
    M = (np.einsum("nab,cd->nacbd", blocks[p], eye)
         + np.einsum("ab,ncd->nacbd", eye, blocks[q])).reshape(-1, 4, 4)
    rhs = -Dt[:, p, :, q].reshape(-1, 4, 1)  # fancy indices first: (n, a, b)
    sol = np.linalg.solve(M, rhs)
    residual = float(np.abs(M @ sol - rhs).max()) if len(p) else 0.0
    Ct = np.zeros((2, L, 2, L), complex)
    Ct[:, p, :, q] = sol.reshape(-1, 2, 2)
    return _both(Ct.reshape(2 * L, 2 * L), L, np.fft.ifft, np.fft.ifft), residual


def steady_state(model: BoseHubbardRing) -> Result:
    r"""Exact U = 0 steady state of the bosonic ring or chain (``n_max`` is ignored).

    Parameters
    ----------
    model : BoseHubbardRing
        With U = 0.

    Returns
    -------
    Result
        ``current`` (the bond mean of the model's ``PROFILE_PARTS``, :math:`I^J + I^\eta`;
        :math:`I^\eta` alone when J = 0 as in the minimal model), ``observables``:
        ``currents`` (each current per bond), ``current_profile``, ``n`` (:math:`\langle
        n_j\rangle` per site) and ``correlations`` C; ``diagnostics``: ``max_real_eigenvalue``
        of A, ``residual`` of the Lyapunov equation, ``wall_time``.

    Raises
    ------
    ValueError
        If the model is not a BoseHubbardRing, or U != 0 (the dynamics is then not Gaussian).
    UnstableDynamicsError
        If an eigenvalue of A has real part >= 0 (relative to its scale): gain
        :math:`\Gamma_+ = |\beta|^2 + |\delta|^2` not below the loss
        :math:`\Gamma_- + \kappa`, a dark mode (e.g. the minimal model on an even ring at
        :math:`\kappa = 0`), or a coherent amplification; no steady state exists.
    """
    t0 = time.perf_counter()
    _validate.instance("model", model, BoseHubbardRing)
    if model.U != 0:
        raise ValueError(f"gaussian.steady_state needs U = 0 (a quadratic Lindbladian), got "
                         f"U={model.U}; use the truncated ED for U != 0")
    L = model.L
    A, D = drift_diffusion(model)
    blocks = momentum_blocks(A, L) if model.translation_symmetric else None
    growth = float(np.linalg.eigvals(A if blocks is None else blocks).real.max())
    scale = max(float(np.abs(A).max()), 1e-300)
    if growth >= -STABILITY_TOL * scale:
        raise UnstableDynamicsError(
            f"no steady state: the drift matrix has an eigenvalue with real part {growth:.3g}"
            f" >= 0, i.e. gain Gamma_+ = |beta|^2 + |delta|^2 = {model.gamma_plus:.6g} is not"
            f" below loss Gamma_- + kappa = |alpha|^2 + |gamma|^2 + kappa = "
            f"{model.gamma_minus + model.kappa:.6g}, or a mode is not damped (a dark mode of"
            f" the jumps, e.g. the staggered mode of the minimal model on an even ring at "
            f"kappa = 0: add kappa > 0) or is amplified by the couplings")
    if blocks is None:
        C = linalg.solve_sylvester(A, A.T, -D)
        residual = float(np.abs(A @ C + C @ A.T + D).max())
    else:
        C, residual = _solve_by_momentum(blocks, D, L)
    terms = [model.current_terms(b) for b in model.bonds]
    currents = {k: np.array([_expect(C, L, t[k]) for t in terms]) for k in terms[0]}
    profile = sum(currents[k] for k in model.PROFILE_PARTS)
    n = np.real(np.diagonal(C[L:, :L])).copy()
    return Result(
        method="gaussian", kind="steady_state", model=model.params(), options={},
        current=float(profile.mean()),
        observables={"currents": currents, "current_profile": profile, "n": n,
                     "correlations": C},
        diagnostics={"max_real_eigenvalue": growth, "residual": residual,
                     "wall_time": time.perf_counter() - t0},
    )
