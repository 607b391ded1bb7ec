r"""Steady state of the two-species master equation, Eqs. (1)-(5) / (A1)-(A4).

Unknowns :math:`\rho^\pm(x)`, x = 1..N, solved as one sparse linear system (2N equations);
currents from the continuity equations (A5)-(A7), units e = v_F = a = tau = 1:
:math:`I_{in} = \rho^+(1) - p\rho^-(2)`, :math:`I_{out} = p\rho^+(N-1) - \rho^-(N)`, and the
bond currents :math:`J(x) = p[\rho^+(x) - \rho^-(x+1)]` from x to x+1, so that
:math:`J(1) = I_{in}`, :math:`J(N-1) = I_{out}` and :math:`J(x) - J(x-1) = (-1)^x I_g`.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve

from .. import _validate
from ..models.wire import ClassicalWire
from ..result import Result

BYTES_PER_SITE = 1200
"""Peak bytes per site of :func:`classical_steady_state` (the Python lists that assemble the
sparse system dominate): measured 1100-1120 B at N = 1e5-4e5 (ru_maxrss), rounded up."""


def _system(w: ClassicalWire) -> tuple[sparse.csr_matrix, np.ndarray]:
    N, p = w.N, w.p
    plus = lambda x: 2 * (x - 1)  # noqa: E731  column of rho+(x), x = 1..N
    minus = lambda x: 2 * (x - 1) + 1  # noqa: E731
    left, right = (w.rho0 + w.delta_rho, w.rho0) if w.delta_rho >= 0 else \
        (w.rho0, w.rho0 - w.delta_rho)
    rows, cols, vals, b = [], [], [], np.zeros(2 * N)

    def eq(r, terms, rhs=0.0):
        for c, v in terms:
            rows.append(r)
            cols.append(c)
            vals.append(v)
        b[r] = rhs

    eq(0, [(plus(1), 1.0)], left)  # (A1)
    eq(1, [(minus(1), 1.0), (minus(2), -p)])
    for x in range(2, N):  # (A2), (A3)
        src = (-1) ** x * w.I_g / 2
        eq(2 * x - 2, [(plus(x - 1), 1.0 if x == 2 else p), (plus(x), -1.0),
                       (minus(x), 1 - p)], -src)
        eq(2 * x - 1, [(minus(x + 1), 1.0 if x == N - 1 else p), (minus(x), -1.0),
                       (plus(x), 1 - p)], -src)
    eq(2 * N - 2, [(plus(N), 1.0), (plus(N - 1), -p)])  # (A4)
    eq(2 * N - 1, [(minus(N), 1.0)], right)
    A = sparse.csr_matrix((vals, (rows, cols)), shape=(2 * N, 2 * N))
    return A, b


def classical_steady_state(wire: ClassicalWire | None = None, /, **params) -> Result:
    """Steady state of Eqs. (1)-(5) by one sparse linear solve.

    Parameters
    ----------
    wire : ClassicalWire, optional
        The model; or give its parameters as keywords,
        ``classical_steady_state(N=20, p=0.7, delta_rho=0.1, I_g=0.05)``.

    Returns
    -------
    Result
        ``method="master-equation"``; ``current`` and ``observables["I_in"]``: the current
        into the wire at the left end; ``I_out`` at the right end; ``J``: the N-1 bond
        currents; ``rho_plus``, ``rho_minus``: the densities on sites 1..N.
        ``diagnostics["residual"]``: max |A rho - b|; ``conservation_error``:
        max |J(x) - J(x-1) - (-1)^x I_g|.

    Raises ``SizeError`` before assembling the system if its ~1.2 kB per site do not fit in
    memory (N = 1e7 needs 12 GB).
    """
    if wire is None:
        wire = ClassicalWire(**params)
    elif params:
        raise ValueError(f"give a ClassicalWire or its parameters, not both: {sorted(params)}")
    _validate.instance("wire", wire, ClassicalWire)
    _validate.memory_guard("the classical wire's sparse system", "N", wire.N,
                           lambda n: BYTES_PER_SITE * n, minimum=4)
    A, b = _system(wire)
    rho = spsolve(A.tocsc(), b)
    residual = float(np.abs(A @ rho - b).max())
    rp, rm = rho[0::2], rho[1::2]
    p, N = wire.p, wire.N
    J = p * (rp[:-1] - rm[1:])
    J[0] = rp[0] - p * rm[1]
    J[-1] = p * rp[-2] - rm[-1]
    x = np.arange(2, N)
    conservation = float(np.abs(J[1:] - J[:-1] - (-1.0) ** x * wire.I_g).max())
    if not np.all(np.isfinite(rho)) or residual > 1e-9 * max(1.0, np.abs(b).max()):
        raise np.linalg.LinAlgError(f"sparse solve failed: residual {residual:.1e}")
    return Result(method="master-equation", kind="steady_state", model=wire.params(),
                  options={}, current=float(J[0]),
                  observables={"I_in": float(J[0]), "I_out": float(J[-1]), "J": J,
                               "rho_plus": rp, "rho_minus": rm},
                  diagnostics={"residual": residual, "conservation_error": conservation})


def classical_nonreciprocity(wire: ClassicalWire) -> float:
    r"""Current nonreciprocity :math:`-[I_{in}(\delta\rho) + I_{in}(-\delta\rho)]`, which is
    :math:`|I_{in}(\text{reverse})| - |I_{in}(\text{forward})|` while the forward current is
    positive; Eq. (8) gives :math:`2(1-p)(N/2-1)I_g/[1 + (N-2)(1-p)]`."""
    _validate.instance("wire", wire, ClassicalWire)
    return -(classical_steady_state(wire).I_in + classical_steady_state(wire.reversed()).I_in)
