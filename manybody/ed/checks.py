r"""Checks shared by the exact solvers: is the steady state unique, is a returned state physical.

Uniqueness. A steady state solves :math:`\mathcal L x = 0` with one row replaced by the trace
(:func:`~manybody.ed.momentum.trace_constrained`). With several steady states the kernel holds
a traceless combination of them, so that system is singular: a sparse LU meets a zero or tiny
pivot (:func:`lu_solve` estimates the condition number from the factors, a few triangular
solves), and a Krylov solver lands on a solution that depends on its start
(:func:`~manybody.ed.momentum.stationary_solve` solves twice). Either raises
:class:`~manybody.errors.DegenerateSteadyStateError`: an exact steady-state method has no initial
state to choose among the steady states. ``evolve`` follows a given initial state, so its
long-time limit is well defined even then and it does not check.

Physical checks (:func:`chain_state_checks`, :func:`fermion_state_checks`) on every returned
density matrix: trace 1, hermiticity, and positivity of the reduced states (spins, bosons: the
one-site and nearest-neighbour two-site reduced density matrices; fermions: the eigenvalues of the
correlation matrix in [0, 1] and of the sector density matrix itself). A violation beyond the
tolerance raises :class:`~manybody.errors.UnphysicalStateError` with the numbers; the values go
to the diagnostics of the result.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import LinearOperator, onenormest, splu

from ..errors import DegenerateSteadyStateError, UnphysicalStateError
from ..observables import reduced_density_matrix

PHYSICAL_TOL = 1e-8  # trace, hermiticity and negativity of reduced states
SINGULAR_COND = 1e12  # condition number of the trace-constrained system above which it is singular
REMEDY = ("change the parameters so that a single steady state exists (e.g. a decay rate "
          "kappa > 0 for the spin rings, gamma_neq < 1 for the fermion rings), or follow a "
          "chosen initial state with evolve")


def degenerate(what: str, why: str) -> DegenerateSteadyStateError:
    """The error of a system ``what`` with several steady states, detected as ``why``."""
    return DegenerateSteadyStateError(
        f"{what} has more than one steady state ({why}), so the steady state depends on the "
        f"initial state and none is returned; {REMEDY}")


def lu_solve(A: sparse.spmatrix, b: np.ndarray, what: str) -> np.ndarray:
    """Solve the trace-constrained system ``A x = b`` by a sparse LU and check it is regular.

    The 1-norm condition number is estimated from the factors (``onenormest``, a few solves);
    above :data:`SINGULAR_COND`, or for an exactly singular factor, the steady state is not
    unique and :func:`degenerate` is raised.
    """
    A = sparse.csc_matrix(A)
    try:
        lu = splu(A)
    except RuntimeError as err:  # "Factor is exactly singular"
        raise degenerate(what, "the normalized Liouvillian is exactly singular") from err
    x = lu.solve(np.asarray(b, dtype=A.dtype))
    inverse = LinearOperator(A.shape, matvec=lu.solve, rmatvec=lambda v: lu.solve(v, trans="H"),
                             dtype=A.dtype)
    cond = abs(onenormest(inverse)) * abs(sparse.linalg.norm(A, 1))
    if not np.all(np.isfinite(x)) or not cond < SINGULAR_COND:
        raise degenerate(what, f"the normalized Liouvillian has condition number {cond:.1e} > "
                               f"{SINGULAR_COND:.0e}")
    return x


def _check(what: str, values: dict[str, float], tol: float) -> dict[str, float]:
    """Raise if a check of ``values`` fails; return them for the diagnostics."""
    bad = [f"{k} = {v:.2e}" for k, v in values.items()
           if not (abs(v) <= tol if k.endswith("_error") else v >= -tol)]
    if bad:
        raise UnphysicalStateError(f"{what}: the returned density matrix is not physical: "
                                   f"{', '.join(bad)} (tolerance {tol:.0e})")
    return values


def _basic(rho: np.ndarray) -> dict[str, float]:
    return {"trace_error": float(abs(np.trace(rho) - 1)),
            "hermiticity_error": float(np.abs(rho - rho.conj().T).max())}


def chain_state_checks(model, rho: np.ndarray, what: str, tol: float = PHYSICAL_TOL) -> dict:
    """Trace, hermiticity and the smallest eigenvalue of every one-site and nearest-neighbour
    two-site reduced density matrix of a product-chain state (spins, truncated bosons:
    ``min_rdm1_eigenvalue``, ``min_rdm2_eigenvalue``); raises
    :class:`~manybody.errors.UnphysicalStateError`."""
    L, d = model.L, model.local_dim
    rdm1 = [reduced_density_matrix(rho, L, (j,), d) for j in range(L)]
    pairs = [(j, j + 1) for j in range(L - 1)] + ([(L - 1, 0)] if model.periodic and L > 2
                                                  else [])
    rdm2 = [reduced_density_matrix(rho, L, b, d) for b in pairs]
    low = lambda ms: float(min(np.linalg.eigvalsh(0.5 * (m + m.conj().T))[0]  # noqa: E731
                               for m in ms))
    return _check(what, {**_basic(rho), "min_rdm1_eigenvalue": low(rdm1),
                         "min_rdm2_eigenvalue": low(rdm2)}, tol)


def fermion_state_checks(rho: np.ndarray, C: np.ndarray, what: str,
                         tol: float = PHYSICAL_TOL) -> dict:
    """Trace, hermiticity, the eigenvalues of the same-momentum correlation blocks ``C``
    (``(L, n_bands, n_bands)``, which must lie in [0, 1]) and the smallest eigenvalue of the
    sector density matrix ``rho``; raises :class:`~manybody.errors.UnphysicalStateError`."""
    occ = np.linalg.eigvalsh(0.5 * (C + np.conj(np.swapaxes(C, 1, 2))))
    return _check(what, {**_basic(rho),
                         "min_correlation_eigenvalue": float(occ.min()),
                         "min_hole_eigenvalue": float(1 - occ.max()),
                         "min_rho_eigenvalue": float(np.linalg.eigvalsh(
                             0.5 * (rho + rho.conj().T))[0])}, tol)


def fermion_block_checks(blocks: list[np.ndarray], C: np.ndarray, what: str,
                         tol: float = PHYSICAL_TOL) -> dict:
    """:func:`fermion_state_checks` of a density matrix given by its momentum blocks
    :math:`\rho_K` (zero between different K): the same numbers without the dense matrix."""
    occ = np.linalg.eigvalsh(0.5 * (C + np.conj(np.swapaxes(C, 1, 2))))
    nonempty = [b for b in blocks if b.size]
    return _check(what, {
        "trace_error": float(abs(sum(np.trace(b) for b in nonempty) - 1)),
        "hermiticity_error": float(max(np.abs(b - b.conj().T).max() for b in nonempty)),
        "min_correlation_eigenvalue": float(occ.min()),
        "min_hole_eigenvalue": float(1 - occ.max()),
        "min_rho_eigenvalue": float(min(np.linalg.eigvalsh(0.5 * (b + b.conj().T))[0]
                                        for b in nonempty))}, tol)


def worst(checks: list[dict[str, float]]) -> dict[str, float]:
    """The worst value of each check over a trajectory (largest error, smallest eigenvalue)."""
    return {k: (max if k.endswith("_error") else min)(c[k] for c in checks) for k in checks[0]}
