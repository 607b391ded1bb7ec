r"""Exact Lindblad steady states of the fermion rings in one particle-number sector.

Every jump of the rectification models conserves N, so the Liouvillian
:math:`\mathcal L\rho = -i[H_0,\rho] + \sum_m (L_m\rho L_m^\dagger - \tfrac12\{L_m^\dagger L_m,
\rho\})` (Eqs. 1-3, prefactors :math:`\epsilon\gamma` inside the :math:`L_m`) is built in the
fixed-N Fock space of the quasiparticle modes, where :math:`H_0 = \sum_a \epsilon_a n_a` is
diagonal and the thermal jumps :math:`\eta^\dagger_a\eta_b` are single hops. The jumps come
from :meth:`manybody.models.FreeFermionRing.jumps`, the same bath that gives the tGGE rates.
The steady state is found in the zero momentum-difference block
(:mod:`manybody.ed.momentum`, method "block", the default) or, as the reference for small
sizes, by ``qutip.steadystate`` on the whole sector (method "direct").
"""

from __future__ import annotations

import time

import numpy as np
import qutip
from scipy import sparse
from scipy.sparse.linalg import expm_multiply

from .. import observables
from .._validate import output_times, real
from ..models.base import FreeFermionRing
from ..models.spin import SpinChain
from ..result import Result
from . import spin
from .fock import FockSector
from .momentum import MomentumBlock

MAX_SECTOR_DIM = 1000  # Fock sector: model 1 up to L = 12, model 2 up to L = 6 at half filling
MAX_BLOCK_DIM = 200_000  # zero momentum-difference block (model 2, L = 6: 142 376; 3.6 GB)
MAX_DIRECT_DIM = 300  # "direct": the full sector Liouvillian, MAX_DIRECT_DIM^2 rows


def particle_number(model: FreeFermionRing, filling: float) -> int:
    """N = filling * M, which must be an integer for an exact computation."""
    filling = real("filling", filling, 0.0, 1.0)
    N = filling * model.n_modes
    if abs(N - round(N)) > 1e-9:
        raise ValueError(
            f"filling={filling} gives N={N:g} particles in {model.n_modes} modes, not an "
            "integer; choose filling = N / M"
        )
    return int(round(N))


def lindblad_operators(model: FreeFermionRing, sector: FockSector):
    """``(H, c_ops)`` as sparse matrices of the sector (jumps that vanish there are dropped)."""
    H = sparse.diags(sector.occupations() @ model.modes.flat_energies).astype(complex)
    c_ops = [c for c in (sector.quadratic(Mm) for Mm in model.jumps()) if c.nnz]
    return H.tocsr(), c_ops


def dissipative_current_operators(model: FreeFermionRing,
                                  sector: FockSector) -> dict[str, sparse.csr_matrix]:
    r"""Per bath, the operator of the dissipative part of the ring-averaged particle current.

    The continuity equation for the position X on the ring (minimal image, see
    :meth:`~manybody.models.FreeFermionRing.position_commutator`) gives the total current
    :math:`L^{-1}\,d\langle X\rangle/dt = I_H + I_D` with the Hamiltonian current
    :math:`I_H` of Eq. (13)/(23) and, from the jumps of one bath,

    .. math:: I_D = \frac{1}{L}\sum_m \mathrm{Re}\,\langle L_m^\dagger [X, L_m]\rangle,

    of order :math:`\epsilon` (the jumps carry :math:`\sqrt\epsilon`). Positive = towards
    increasing site index j, as :math:`I_H`. Returned as the Hermitian sector matrices
    :math:`(2L)^{-1}\sum_m (L_m^\dagger [X, L_m] + \mathrm{h.c.})`; it is independent of
    the choice of jumps representing a dissipator (a unitary mixing leaves it unchanged).
    """
    out = {}
    for bath, jumps in model.jumps_by_bath().items():
        op = sparse.csr_matrix((sector.dim, sector.dim), dtype=complex)
        for Mm in jumps:
            A = sector.quadratic(Mm)
            if A.nnz:
                XL = sector.quadratic(_sparse_modes(model.position_commutator(Mm)))
                op = op + A.conj().T @ XL
        out[bath] = ((op + op.conj().T) / (2 * model.L)).tocsr()
    return out


def _sparse_modes(matrix: np.ndarray) -> sparse.coo_matrix:
    """Drop the round-off entries (below 1e-14 of the largest) of a dense mode matrix."""
    scale = np.abs(matrix).max()
    return sparse.coo_matrix(np.where(np.abs(matrix) > 1e-14 * scale, matrix, 0.0))


def _observe(model: FreeFermionRing, sector: FockSector, rho: np.ndarray,
             dissipative: dict[str, sparse.csr_matrix]) -> dict:
    """The Result fields of a sector density matrix, dissipative currents included."""
    obs = observables.from_correlations(model, correlations(model, sector, rho))
    obs["dissipative_currents"] = {
        bath: float(np.real(op.multiply(rho.T).sum())) for bath, op in dissipative.items()}
    return obs


def liouvillian(model: FreeFermionRing, filling: float = 0.5) -> qutip.Qobj:
    """The Liouvillian superoperator of the N = filling * M sector (QuTiP, column stacking)."""
    sector = _sector(model, filling)
    H, c_ops = lindblad_operators(model, sector)
    return qutip.liouvillian(qutip.Qobj(H), [qutip.Qobj(c) for c in c_ops])


def momentum_block(model: FreeFermionRing, sector: FockSector) -> MomentumBlock:
    """The zero momentum-difference block of ``sector``, refused above ``MAX_BLOCK_DIM``."""
    block = MomentumBlock(sector, np.arange(model.n_modes) // model.n_bands, model.L)
    if block.dim > MAX_BLOCK_DIM:
        raise ValueError(f"the momentum block has {block.dim} > {MAX_BLOCK_DIM} entries; "
                         "use a smaller L")
    return block


def _sector(model: FreeFermionRing, filling: float) -> FockSector:
    return FockSector(model.n_modes, particle_number(model, filling), max_dim=MAX_SECTOR_DIM)


def correlations(model: FreeFermionRing, sector: FockSector, rho: np.ndarray) -> np.ndarray:
    r"""Same-momentum block of :math:`C_{ab} = \mathrm{Tr}(\rho\,\eta^\dagger_a\eta_b)`.

    Returns ``(L, n_bands, n_bands)``: :math:`\langle\eta^\dagger_{k\nu}\eta_{k\mu}\rangle`
    (translation invariance makes the other entries vanish in the steady state).
    """
    nb = model.n_bands
    C = np.zeros((model.L, nb, nb), dtype=complex)
    for m in range(model.L):
        for nu in range(nb):
            for mu in range(nb):
                C[m, nu, mu] = sector.expectation(m * nb + nu, m * nb + mu, rho)
    return C


def steady_state(model: FreeFermionRing, filling: float = 0.5, *, method: str = "block",
                 tol: float = 1e-12) -> Result:
    r"""Exact NESS of the full Lindblad equation at the model's :math:`\epsilon`.

    A spin chain (:class:`~manybody.models.SpinChain`) goes to
    :func:`manybody.ed.spin.steady_state` ("block" meaning its symmetric reduction).

    Parameters
    ----------
    model : FreeFermionRing
        :class:`~manybody.models.NonreciprocalChain` or
        :class:`~manybody.models.RashbaZeemanChain`; at half filling model 1 reaches L = 12
        and model 2 L = 6 (sector dimension 924).
    filling : float
        N / M; N must be an integer.
    method : {"block", "direct"}
        "block": the zero momentum-difference block, GMRES (the default);
        "direct": ``qutip.steadystate`` on the whole sector (small sizes, reference).
    tol : float
        GMRES relative tolerance.

    Returns
    -------
    Result
        ``occupations`` :math:`\langle\eta^\dagger_a\eta_a\rangle` (shapes as in tGGE),
        ``current`` the Hamiltonian current of Eq. (13) / (23), ``dissipative_currents`` the
        order-epsilon part of each bath (:func:`dissipative_current_operators`; ``total_current``
        adds them), ``spin_currents`` Eq. (24), ``diagnostics`` with the residual
        :math:`\max|\mathcal L\rho|`, the trace and hermiticity errors, the dimensions and
        the wall time.
    """
    if isinstance(model, SpinChain):
        return spin.steady_state(model, "symmetric" if method == "block" else method)
    t0 = time.perf_counter()
    if method not in ("block", "direct"):
        raise ValueError(f"method must be 'block' or 'direct', got {method!r}")
    sector = _sector(model, filling)
    if method == "direct" and sector.dim > MAX_DIRECT_DIM:
        raise ValueError(f"method='direct' needs a sector of at most {MAX_DIRECT_DIM} states, "
                         f"this one has {sector.dim}; use method='block'")
    H, c_ops = lindblad_operators(model, sector)
    if method == "direct":
        Hq, cq = qutip.Qobj(H), [qutip.Qobj(c) for c in c_ops]
        rho_q = qutip.steadystate(Hq, cq, method="direct")
        rho = rho_q.full()
        Lq = qutip.liouvillian(Hq, cq)
        residual = float(np.abs((Lq * qutip.operator_to_vector(rho_q)).full()).max())
        solved_dim = sector.dim**2
    else:
        block = momentum_block(model, sector)
        S = block.superoperator(H, c_ops)
        x = block.steady_state(S, tol)
        residual = float(np.abs(S @ x).max())
        rho = block.unpack(x, sector.dim)
        solved_dim = block.dim
    obs = _observe(model, sector, rho, dissipative_current_operators(model, sector))
    return Result(
        method="ed",
        kind="steady_state",
        model=model.params(),
        options={"filling": float(filling), "method": method, "tol": tol},
        momenta=model.momenta,
        **obs,
        diagnostics={
            "residual": residual,
            "trace_error": float(abs(np.trace(rho) - 1)),
            "hermiticity_error": float(np.abs(rho - rho.conj().T).max()),
            "sector_dim": sector.dim,
            "solved_dim": solved_dim,
            "n_jumps": len(c_ops),
            "wall_time": time.perf_counter() - t0,
        },
    )


def evolve(model: FreeFermionRing, times, filling: float = 0.5,
           initial: str = "infinite_temperature") -> Result:
    r"""Exact Lindblad dynamics :math:`\rho(t) = e^{\mathcal L t}\rho(0)` in the momentum block.

    A spin chain goes to :func:`manybody.ed.spin.evolve` (``initial`` "down", "up", or
    "infinite_temperature" for the maximally mixed state).

    Parameters
    ----------
    model : FreeFermionRing
        As for :func:`steady_state`.
    times : array
        Increasing output times (units of 1/J), starting at the initial time.
    filling : float
        N / M with integer N.
    initial : {"infinite_temperature", "gibbs"}
        :math:`\rho(0) \propto 1` or the canonical :math:`e^{-\beta H_0}` of the sector; both
        are translation invariant, so the dynamics stays in the zero momentum-difference block.

    Returns
    -------
    Result
        A trajectory: ``occupations`` with a leading time axis, ``current`` per time,
        ``diagnostics["trace_drift"]``.
    """
    if isinstance(model, SpinChain):
        return spin.evolve(model, times, "mixed" if initial == "infinite_temperature"
                           else initial)
    t0 = time.perf_counter()
    times = output_times(times)
    if initial not in ("infinite_temperature", "gibbs"):
        raise ValueError(f"initial must be 'infinite_temperature' or 'gibbs', got {initial!r}")
    sector = _sector(model, filling)
    H, c_ops = lindblad_operators(model, sector)
    block = momentum_block(model, sector)
    S = block.superoperator(H, c_ops)
    E = H.diagonal().real
    weights = np.ones(sector.dim) if initial == "infinite_temperature" else np.exp(
        -model.beta * (E - E.min()))
    s, sp = block.pairs()
    x = np.where(s == sp, weights[s] / weights.sum(), 0.0).astype(complex)
    tr = block.trace_row()
    dissipative = dissipative_current_operators(model, sector)
    rows, drift = [], 0.0
    for i in range(times.size):
        if i:
            x = expm_multiply(S * (times[i] - times[i - 1]), x)
        drift = max(drift, abs(tr @ x - 1))
        rows.append(_observe(model, sector, block.unpack(x, sector.dim), dissipative))
    if drift > 1e-8:
        raise RuntimeError(f"trace drifted by {drift:.1e} during the exact evolution")
    return Result(
        method="ed", kind="trajectory", model=model.params(),
        options={"filling": float(filling), "initial": initial},
        momenta=model.momenta, energies=rows[0]["energies"],
        occupations=np.array([r["occupations"] for r in rows]),
        current=np.array([r["current"] for r in rows]),
        spin_currents={k: np.array([r["spin_currents"][k] for r in rows])
                       for k in rows[0]["spin_currents"]},
        dissipative_currents={k: np.array([r["dissipative_currents"][k] for r in rows])
                              for k in rows[0]["dissipative_currents"]},
        times=times,
        diagnostics={"trace_drift": drift, "solved_dim": block.dim,
                     "wall_time": time.perf_counter() - t0},
    )
