r"""Steady states of the classical models: the two-species master equation, Eqs. (1)-(5) /
(A1)-(A4) and (C15)-(C18), and the Ohmic wire of Fig. 1 / App. D (Kirchhoff's laws).

Master equation: unknowns :math:`\rho^\pm(x)`, x = 1..N, solved as one sparse linear
system (2N equations). At a site with a source or drain the movers hop on with probability
p and convert with 1 - p; elsewhere (App. C 2) they all hop on. With :math:`c_x` = p at
those sites and 1 elsewhere, the bond current from x to x+1 is
:math:`J(x) = c_x\rho^+(x) - c_{x+1}\rho^-(x+1)` (units e = v_F = a = tau = 1), so that
:math:`I_{in} = J(1) = \rho^+(1) - p\rho^-(2)`, :math:`I_{out} = J(N-1)` (A5)-(A7) and
:math:`J(x) - J(x-1) = \pm I_g` at a source (drain).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.linalg import solve_banded
from scipy.sparse.linalg import spsolve

from .. import _validate
from ..models.wire import ClassicalWire, ResistiveWire
from ..result import Result

BYTES_PER_SITE = 1200
"""Peak bytes per site of :func:`classical_steady_state` (the Python lists that assemble the
sparse system dominate): measured 1100-1120 B at N = 1e5-4e5 (ru_maxrss), rounded up."""


def _system(w: ClassicalWire,
            inj: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    N, p = w.N, w.p
    hop = np.ones(N)  # c_x: probability to hop on from site x
    hop[np.array(w.contacts, dtype=int) - 1] = p
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
    eq(1, [(minus(1), 1.0), (minus(2), -hop[1])])
    for x in range(2, N):  # (A2), (A3), (C15)-(C18)
        src, conv = inj[x - 1] / 2, 1 - hop[x - 1]
        eq(2 * x - 2, [(plus(x - 1), hop[x - 2]), (plus(x), -1.0), (minus(x), conv)], -src)
        eq(2 * x - 1, [(minus(x + 1), hop[x]), (minus(x), -1.0), (plus(x), conv)], -src)
    eq(2 * N - 2, [(plus(N), 1.0), (plus(N - 1), -hop[N - 2])])  # (A4)
    eq(2 * N - 1, [(minus(N), 1.0)], right)
    A = sparse.csr_matrix((vals, (rows, cols)), shape=(2 * N, 2 * N))
    return A, b, hop


def classical_steady_state(wire: ClassicalWire | None = None, /, **params) -> Result:
    """Steady state of the master equation by one sparse linear solve.

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
        ``diagnostics["residual"]``: max ``|A rho - b|``; ``conservation_error``:
        max ``|J(x) - J(x-1) - I_x|`` (I_x = +-I_g at a source/drain, else 0).

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
    inj = wire.injection
    A, b, hop = _system(wire, inj)
    rho = spsolve(A.tocsc(), b)
    residual = float(np.abs(A @ rho - b).max())
    rp, rm = rho[0::2], rho[1::2]
    J = hop[:-1] * rp[:-1] - hop[1:] * rm[1:]
    conservation = float(np.abs(J[1:] - J[:-1] - inj[1:-1]).max())
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
    positive; Eq. (8) gives :math:`2(1-p)(N/2-1)I_g/[1 + (N-2)(1-p)]`, Eq. (C23) for one
    source-drain pair :math:`2(1-p)I_g/(3-2p)` at every N."""
    _validate.instance("wire", wire, ClassicalWire)
    return -(classical_steady_state(wire).I_in + classical_steady_state(wire.reversed()).I_in)


def circuit_steady_state(wire: ResistiveWire) -> Result:
    r"""Kirchhoff's laws for the Ohmic wire of Fig. 1 / App. D.

    Node voltages :math:`\phi_1 = V`, :math:`\phi_N = 0` and, at the bulk nodes,
    :math:`(\phi_{l-1} - 2\phi_l + \phi_{l+1})/r + I_l = 0` with the segment resistance
    r = R/(N-1) and :math:`I_l = \pm I_g` at a source (drain), solved as one tridiagonal
    system. Segment currents :math:`J_l = (\phi_l - \phi_{l+1})/r` (l = 1..N-1, left to
    right), Joule heat per segment :math:`h_l = rJ_l^2` (Eq. D3).

    Returns
    -------
    Result
        ``method="kirchhoff"``; ``current`` = ``I_in`` = :math:`J_1` (into the wire at node
        1); ``I_out`` = :math:`J_{N-1}`; observables ``V`` (the N node voltages), ``J``,
        ``heat`` (:math:`h_l`). ``diagnostics["conservation_error"]``:
        max :math:`|J_l - J_{l-1} - I_l|`.
    """
    w = _validate.instance("wire", wire, ResistiveWire)
    N, r, inj = w.N, w.R / (w.N - 1), w.injection
    n = N - 2  # unknowns phi_2 .. phi_{N-1}
    ab = np.zeros((3, n))
    ab[0, 1:], ab[1], ab[2, :-1] = 1.0, -2.0, 1.0
    rhs = -r * inj[1:-1]
    rhs[0] -= w.V
    phi = np.r_[w.V, solve_banded((1, 1), ab, rhs), 0.0]
    J = (phi[:-1] - phi[1:]) / r
    conservation = float(np.abs(J[1:] - J[:-1] - inj[1:-1]).max())
    return Result(method="kirchhoff", kind="steady_state", model=w.params(), options={},
                  current=float(J[0]),
                  observables={"I_in": float(J[0]), "I_out": float(J[-1]), "V": phi, "J": J,
                               "heat": r * J**2},
                  diagnostics={"conservation_error": conservation})
