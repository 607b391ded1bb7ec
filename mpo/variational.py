r"""Steady states by minimizing :math:`\langle\rho|\mathcal L^\dagger\mathcal L|\rho\rangle` (DMRG).

The steady state is the null vector of the Liouvillian, so it is the ground state, of energy
zero, of the positive semidefinite operator :math:`\mathcal L^\dagger\mathcal L`. This module
builds :math:`\mathcal L` as an MPO from the model's own bond pieces
(:func:`mpo.superop.bond_generators`), squares it, and finds the ground state with quimb's
two-site DMRG.

Basis: every site (local dimension d) is written in the orthonormal Hermitian basis of
:func:`mpo.state.hermitian_basis` (for spins :math:`(1, \sigma^x, \sigma^y, \sigma^z)/\sqrt2`,
for d > 2 the generalized Gell-Mann matrices), i.e. :math:`\mathrm{vec}(\rho) =
(U\otimes\cdots\otimes U)\,r` with U of columns :math:`\mathrm{vec}(P_a)` in the row-major
local index ds + s' of :mod:`mpo.state`. A Hermiticity-preserving :math:`\mathcal L` is real
there, so :math:`\mathcal L^T\mathcal L` is real symmetric, and Hermitian ρ have real
coefficients r. U is unitary, so :math:`\|r\|` is the Hilbert-Schmidt norm of ρ. The DMRG state
(unit norm, arbitrary sign) is transformed back to the standard basis and divided by its trace,
the overlap with :func:`mpo.state.identity`.

MPO of :math:`\mathcal L = \sum_b\mathcal L_b`: each :math:`d^4\times d^4` piece is split by an
SVD into :math:`\sum_k A^b_k\otimes B^b_k` (operator Schmidt rank :math:`K_b\le d^4`) and the
finite automaton "not started / inside term k of bond j / done" gives site tensors of bond
dimension :math:`K_b + 2`. The product :math:`\mathcal L^T\mathcal L` (bond dimension
:math:`(K+2)^2`) is compressed by SVDs with a relative cutoff at round-off.

Cost and conditioning: the local eigenproblems are solved by LOBPCG warm-started from the
previous local vector. The energy is :math:`\|\mathcal L\rho\|^2`, so the condition number is
that of :math:`\mathcal L` squared. Measured on open chains (same-run ratios): it wins where
relaxation is slow (weak dissipation alpha = 0.3, delta = 0.2: exact to 1e-9 at L = 6, 8 in
half TEBD's time, where TEBD with Richardson (tol 1e-6, stopping rule on the current and
sigma^z) is off by 7e-7 (1.6 %) in the current and 1e-5 in sigma^z at L = 6, within its error
bar of 4e-5, in 4.2 s against 0.9 s), and where the exact state has a small bond dimension (XX
chain L = 20: 1.6e-10 at chi = 4, 361 sweep pairs); it loses by ~18x in time against TEBD with
Richardson on the strongly dissipative chain (alpha = 2, delta = 1, L = 10, chi = 16), where
each two-site eigenproblem is large and ill-conditioned.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import quimb.tensor as qtn
from tqdm.auto import tqdm

from manybody import _validate
from manybody.models.spin import ProductChain
from manybody.result import Result

from . import state, superop
from .mps_state import MPSState

__all__ = ["liouvillian_mpo", "squared_mpo", "steady_state"]

def _real_piece(g: np.ndarray) -> np.ndarray:
    """A bond piece in the Hermitian basis, as a real array."""
    out = state.hermitian_piece(g)
    if np.abs(out.imag).max() > 1e-12 * max(np.abs(out).max(), 1.0):
        raise ValueError("the Liouvillian does not preserve Hermiticity (complex in the "
                         "Hermitian basis); the variational route needs a Lindblad generator")
    return out.real


def liouvillian_mpo(model: ProductChain) -> list[np.ndarray]:
    r"""Site tensors ``W[j]`` of shape (left, right, out, in) of :math:`\mathcal L` in the
    Hermitian basis (real), with end bonds of dimension one.

    Bond states: 0 = every term done, 1..K = inside term k of the bond's Schmidt sum,
    K + 1 = no term started.
    """
    p = model.local_dim**2
    A, B = [], []
    for g in superop.bond_generators(model):
        t = _real_piece(g).reshape(p, p, p, p).transpose(0, 2, 1, 3).reshape(p * p, p * p)
        u, s, vh = np.linalg.svd(t)  # rows (out_a, in_a), columns (out_b, in_b)
        k = max(1, int(np.sum(s > 1e-14 * s[0])))
        A.append((u[:, :k] * s[:k]).T.reshape(k, p, p))
        B.append(vh[:k].reshape(k, p, p))
    L = model.L
    W = []
    for j in range(L):
        kl = A[j - 1].shape[0] if j > 0 else 0
        kr = A[j].shape[0] if j < L - 1 else 0
        w = np.zeros((kl + 2, kr + 2, p, p))
        w[0, 0] = w[-1, -1] = np.eye(p)
        if kr:
            w[-1, 1:kr + 1] = A[j]  # site j opens the terms of bond j
        if kl:
            w[1:kl + 1, 0] = B[j - 1]  # and closes those of bond j - 1
        W.append(w[-1:] if j == 0 else w[:, :1] if j == L - 1 else w)
    return W


def squared_mpo(model: ProductChain, cutoff: float = 1e-15) -> qtn.MatrixProductOperator:
    r""":math:`\mathcal L^T\mathcal L` in the Hermitian basis as a quimb MPO, compressed with
    relative singular-value ``cutoff``:
    :math:`W^{(2)}_{(l l'),(r r')} = \sum_m W_{l r}[m, o]\,W_{l' r'}[m, i]`."""
    arrays = []
    for w in liouvillian_mpo(model):
        w2 = np.einsum("lrmo,LRmi->lLrRoi", w, w)
        nl, nr = w.shape[0] ** 2, w.shape[1] ** 2
        arrays.append(w2.reshape(nl, nr, *w.shape[2:]))
    arrays = [arrays[0][0]] + arrays[1:-1] + [arrays[-1][:, 0]]
    M = qtn.MatrixProductOperator(arrays, shape="lrud")
    M.compress(cutoff=cutoff, cutoff_mode="rel")
    return M


def _standard_arrays(psi: qtn.MatrixProductState) -> list[np.ndarray]:
    """MPS arrays (left, d^2, right) in the standard basis, normalized to unit trace."""
    arrays = state.from_hermitian(state.to_arrays(psi))
    phase, log = state.log_trace(arrays)
    scale = (phase * np.exp(log)) ** (1.0 / len(arrays))
    return [a / scale for a in arrays]


def _initial(model: ProductChain, initial) -> qtn.MatrixProductState:
    arrays = state.initial_arrays(model, initial)
    return state.from_arrays([np.real(a) for a in state.to_hermitian(arrays)])


def steady_state(model: ProductChain, max_bond: int = 32, tol: float = 1e-8, *,
                 max_sweeps: int = 40, cutoff: float = 1e-14, local_tol: float = 1e-9,
                 initial: str | list[np.ndarray] = "mixed", max_residual: float = 1e-4,
                 progress: bool = True) -> Result:
    r"""Steady state of an open chain as the ground state of :math:`\mathcal L^T\mathcal L`.

    Parameters
    ----------
    model : ProductChain
        An open chain of L >= 3 sites of any local dimension with nearest-neighbour terms (as
        :func:`mpo.steady_state`; rings and L = 2 are refused, ValueError; other model
        classes, TypeError).
    max_bond : int
        Largest MPS bond dimension.
    tol : float
        Convergence: the current profile and the site observables (``SITE_OBSERVABLES``,
        :math:`\langle\sigma^z_j\rangle` for spins) change by less than ``tol`` (max over
        bonds and sites) over one right-left sweep pair.
    max_sweeps : int
        Most sweep pairs; RuntimeError if not converged by then.
    cutoff : float
        DMRG truncation (relative squared singular-value weight dropped per bond).
    local_tol : float
        Tolerance of the local LOBPCG eigensolves.
    initial : {"mixed", "down", "up"} or state
        Product start, or a state to warm-start from (:func:`mpo.state.initial_arrays`: a
        result's ``state``, a quimb MPS of vec ρ, a dense ρ, MPS arrays in the standard basis).
    max_residual : float
        A RuntimeWarning is raised if the final residual exceeds it: the sweeps settled on a
        state that is not stationary at this bond dimension (see Returns), so its current
        is not trustworthy; raise ``max_bond``.
    progress : bool
        Show a tqdm progress bar over sweep pairs.

    Returns
    -------
    Result
        ``method="mpo-variational"``; ``current`` and ``observables`` as
        :func:`mpo.steady_state` (:func:`mpo.state.observables`); ``diagnostics``
        ``residual`` (:math:`\|\mathcal L\rho\|/\|\rho\|`, Hilbert-Schmidt norms, from the
        final energy), ``change`` (last sweep-pair change), ``sweeps`` (pairs),
        ``bond_dimension``, ``mpo_bond_dimension`` (of :math:`\mathcal L^T\mathcal L`) and
        ``wall_time``. The residual is no error bar for the current, but a starved bond
        dimension shows in it: minimal chain L = 5 (α = 2, δ = 1.5), largest per-bond error
        of the current against ED / residual: χ = 1: 0.29 / 0.46, χ = 2: 3.0e-2 / 0.29,
        χ = 4: 7.2e-4 / 6.5e-3, χ = 16: 3.3e-10 / 8.5e-7; XX chain L = 6 at χ = 1: 0.80 /
        0.95 (χ = 2 and 4 raise: not converged in 40 sweep pairs at tol 1e-8).
    """
    t0 = time.perf_counter()
    _validate.instance("model", model, ProductChain)
    if model.periodic:
        raise ValueError("model must be an open chain (boundary='open'): the MPO of the "
                         "Liouvillian has no closing bond (use mpo.steady_state for rings)")
    if model.L < 3:
        raise ValueError(f"model.L must be >= 3 for the variational route (quimb's DMRG2 needs "
                         f"three sites), got L={model.L}; use mpo.steady_state or ed")
    max_bond = _validate.integer("max_bond", max_bond, 1)
    tol = _validate.real("tol", tol, 0.0, open_lo=True)
    max_residual = _validate.real("max_residual", max_residual, 0.0, open_lo=True)
    max_sweeps = _validate.integer("max_sweeps", max_sweeps, 1)
    cutoff = _validate.real("cutoff", cutoff, 0.0, 1.0, open_hi=True)
    local_tol = _validate.real("local_tol", local_tol, 0.0, open_lo=True)
    _validate.boolean("progress", progress)
    p0 = _initial(model, initial)
    M = squared_mpo(model)
    dmrg = qtn.DMRG2(M, bond_dims=[max_bond], cutoffs=cutoff, p0=p0)
    dmrg.opts.update(local_eig_backend="lobpcg", local_eig_tol=local_tol,
                     local_eig_maxiter=500)
    watched = ("current_profile", *model.SITE_OBSERVABLES)
    old, sweeps = None, 0
    with tqdm(total=max_sweeps, disable=not progress, desc=f"mpo-variational L={model.L}") as bar:
        while sweeps < max_sweeps:
            dmrg.solve(tol=0.0, max_sweeps=2, sweep_sequence="RL")
            sweeps += 1
            arrays = _standard_arrays(dmrg.state)
            obs = state.observables(model, arrays)
            change = np.inf if old is None else float(max(
                np.abs(obs[k] - old[k]).max() for k in watched))
            bar.update(1)
            bar.set_postfix(energy=f"{dmrg.energy:.1e}", change=f"{change:.1e}")
            if change < tol:
                break
            old = obs
        else:
            raise RuntimeError(f"variational steady state not converged in {max_sweeps} sweep "
                               f"pairs: the observables still change by {change:.2e} (tol="
                               f"{tol}, energy {dmrg.energy:.2e}); raise max_sweeps or tol")
    state.warn_if_not_positive(obs, "variational steady state")
    residual = float(np.sqrt(max(dmrg.energy, 0.0)))
    if residual > max_residual:
        warnings.warn(f"variational steady state: residual |L rho|/|rho| = {residual:.1e} > "
                      f"max_residual={max_residual:g}: not a steady state at max_bond="
                      f"{max_bond}, the current is not trustworthy; raise max_bond",
                      RuntimeWarning, stacklevel=2)
    diagnostics = {"residual": residual, "change": change,
                   "sweeps": sweeps, "bond_dimension": dmrg.state.max_bond(),
                   "mpo_bond_dimension": M.max_bond(), "wall_time": time.perf_counter() - t0}
    options = {"max_bond": max_bond, "tol": tol, "max_sweeps": max_sweeps, "cutoff": cutoff,
               "local_tol": local_tol, "max_residual": max_residual,
               "initial": initial if isinstance(initial, str) else "state"}
    observables = {k: obs[k] for k in ("current_profile", "currents", *model.SITE_OBSERVABLES,
                                        "rdm_min_eigenvalue", "hermiticity_error")}
    return Result(method="mpo-variational", kind="steady_state", model=model.params(),
                  options=options, current=obs["current"], observables=observables,
                  diagnostics=diagnostics,
                  state=MPSState(state.from_arrays(arrays), model.local_ops, 0.0, "variational"))
