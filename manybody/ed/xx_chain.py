r"""Exact steady state of the boundary-driven XX chain from its closed two-point equation.

Jordan–Wigner with spin up = occupied (:math:`\sigma^+_j = c^\dagger_j\prod_{k<j}(1-2n_k)`)
turns :math:`H = 2J\sum_j(\sigma^+_j\sigma^-_{j+1} + \mathrm{h.c.})` into
:math:`\sum_{ij}h_{ij}c^\dagger_ic_j` with :math:`h_{j,j+1} = h_{j+1,j} = 2J`, and the
boundary jumps into :math:`c^\dagger`, :math:`c` at sites 0 and L-1 (the string of
:math:`\sigma^\pm_{L-1}` is the total parity times a sign that cancels, and the steady state
is parity even). The correlation matrix :math:`C_{ij} = \langle c^\dagger_i c_j\rangle` then
obeys the closed linear equation

.. math::
   \dot C = -(AC + CA^\dagger) + P - 4\gamma_d\,(C - \mathrm{diag}\,C),\qquad
   A = \tfrac12 G - ih,

with :math:`G = \mathrm{diag}(g^+ + g^-)`, :math:`P = \mathrm{diag}(g^+)` (:math:`g^\pm_j` the
rates of :math:`\sigma^\pm_j`) and the dephasing term from
:math:`D^\dagger[\sigma^z_k](c^\dagger_ic_j) = -2c^\dagger_ic_j` for k = i or j, i ≠ j. The
dephasing breaks Gaussianity but not the closure of this equation. Without dephasing the
steady state solves the Lyapunov equation :math:`AC + CA^\dagger = P` (Bartels–Stewart,
O(L^3)); with it, the :math:`L^2` linear equations are solved as a sparse system.

Observables: :math:`\langle\sigma^z_j\rangle = 2C_{jj} - 1` and the bond current
:math:`\langle I^J_j\rangle = 4iJ(C_{j,j+1} - C_{j+1,j}) = -8J\,\mathrm{Im}\,C_{j,j+1}`
(positive from j to j+1; nearest-neighbour strings cancel).

The solution has the closed form (:func:`closed_form`; found from this solver and checked
against it and exact diagonalization, tests in ``tests/test_xx_chain.py``)

.. math::
   I = \mu\Big/\Big(\frac{4J^2 + \Gamma^2}{8\Gamma J^2}
       + \frac{\gamma_d(L-1)}{4J^2}\Big),\qquad
   \langle\sigma^z_0\rangle = -\langle\sigma^z_{L-1}\rangle = \mu - \frac{I}{2\Gamma},\qquad
   \langle\sigma^z_j\rangle = \frac{(L-1-2j)\gamma_d I}{4J^2}\ (0 < j < L-1),

the same on every bond: ballistic (independent of L, flat bulk magnetization) without
dephasing, diffusive (Fick's law with :math:`D = 2J^2/\gamma_d`) with it, as in Žnidarič's
papers (whose normalization of the rates we could not check against the text).
"""

from __future__ import annotations

import time

import numpy as np
from scipy import linalg, sparse
from scipy.sparse.linalg import spsolve

from .. import _validate
from ..errors import SizeError
from ..models.xx_chain import BoundaryDrivenXX
from ..result import Result

MAX_DEPHASED_SITES = 200  # L^2 = 40 000 sparse unknowns


def _drift(model: BoundaryDrivenXX) -> tuple[np.ndarray, np.ndarray]:
    """``(A, P)`` of the module docstring."""
    L, r = model.L, model.rates
    gain, loss = np.zeros(L), np.zeros(L)
    gain[0], loss[0] = r["in_left"], r["out_left"]
    gain[-1] += r["in_right"]
    loss[-1] += r["out_right"]
    h = np.diag(np.full(L - 1, 2 * model.J), 1)
    return 0.5 * np.diag(gain + loss) - 1j * (h + h.T), np.diag(gain).astype(complex)


def time_derivative(model: BoundaryDrivenXX, C: np.ndarray) -> np.ndarray:
    r""":math:`\dot C` of the module docstring at ``C``."""
    A, P = _drift(model)
    return -(A @ C + C @ A.conj().T) + P - 4 * model.dephasing * (C - np.diag(np.diagonal(C)))


def correlations(model: BoundaryDrivenXX) -> np.ndarray:
    r"""Steady-state :math:`C_{ij} = \langle c^\dagger_i c_j\rangle`, shape (L, L).

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`~manybody.models.BoundaryDrivenXX`.
    SizeError
        For dephasing at L > :data:`MAX_DEPHASED_SITES`, or without it when the dense
        Lyapunov solve (about 20 complex L x L matrices) exceeds the available memory; before
        allocating.
    """
    _validate.instance("model", model, BoundaryDrivenXX)
    L = model.L
    if model.dephasing == 0:
        _validate.memory_guard("the Lyapunov solve of the XX chain", "L", L,
                               lambda n: 320.0 * n * n, minimum=2)
        A, P = _drift(model)
        return linalg.solve_continuous_lyapunov(A, P)
    if L > MAX_DEPHASED_SITES:
        raise SizeError(f"L={L}: with dephasing L must be at most MAX_DEPHASED_SITES="
                        f"{MAX_DEPHASED_SITES}")
    A, P = _drift(model)
    one = sparse.identity(L, format="csr")
    offdiag = 1.0 - np.eye(L).reshape(-1)
    # row-major vec: vec(AC) = (A kron 1) vec C, vec(C A^dagger) = (1 kron A^*) vec C
    M = (sparse.kron(sparse.csr_matrix(A), one) + sparse.kron(one, sparse.csr_matrix(A.conj()))
         + sparse.diags(4 * model.dephasing * offdiag))
    return spsolve(M.tocsc(), P.reshape(-1)).reshape(L, L)


def closed_form(model: BoundaryDrivenXX) -> dict:
    """``current`` (every bond) and ``sz`` (per site) of the module docstring's closed form."""
    J2, G, L = model.J**2, model.gamma, model.L
    current = model.mu / ((4 * J2 + G**2) / (8 * G * J2) + model.dephasing * (L - 1) / (4 * J2))
    sz = (L - 1 - 2 * np.arange(L)) * model.dephasing * current / (4 * J2)
    sz[0], sz[-1] = model.mu - current / (2 * G), current / (2 * G) - model.mu
    return {"current": current, "sz": sz}


def steady_state(model: BoundaryDrivenXX) -> Result:
    r"""Exact steady state of :class:`~manybody.models.BoundaryDrivenXX` (any L without
    dephasing; L <= 200 with it).

    Returns
    -------
    Result
        ``method="correlation-matrix"``; ``current`` the bond average of :math:`I^J`;
        ``observables`` ``current_profile``, ``currents`` (``{"J": profile}``), ``sz`` per
        site and ``correlations`` (the matrix C); ``diagnostics`` ``residual`` (largest entry
        of :math:`\dot C` at the solution) and ``wall_time``.
    """
    t0 = time.perf_counter()
    C = correlations(model)
    profile = -8 * model.J * np.imag(np.diagonal(C, 1))
    return Result(method="correlation-matrix", kind="steady_state", model=model.params(),
                  options={}, current=float(profile.mean()),
                  observables={"current_profile": profile, "currents": {"J": profile},
                               "sz": 2 * np.real(np.diagonal(C)) - 1, "correlations": C},
                  diagnostics={"residual": float(np.abs(time_derivative(model, C)).max()),
                               "wall_time": time.perf_counter() - t0})
