r"""Exact Lindblad steady states of the fermion rings in one particle-number sector.

Every jump of the rectification models conserves N, so the Liouvillian
:math:`\mathcal L\rho = -i[H_0,\rho] + \sum_m (L_m\rho L_m^\dagger - \tfrac12\{L_m^\dagger L_m,
\rho\})` (Eqs. 1-3, prefactors :math:`\epsilon\gamma` inside the :math:`L_m`) is built in the
fixed-N Fock space of the quasiparticle modes, where :math:`H_0 = \sum_a \epsilon_a n_a` is
diagonal and the thermal jumps :math:`\eta^\dagger_a\eta_b` are single hops. The jumps come
from :meth:`manybody.models.FreeFermionRing.jumps`, the same bath that gives the tGGE rates.
The steady state is found in the zero momentum-difference block
(:mod:`manybody.ed.momentum`, method "block", the default) or, as the reference for small
sizes, by ``qutip.steadystate`` on the whole sector (method "direct"). The block is solved
with its sparse superoperator up to ``MATFREE_MIN_DIM`` unknowns and above that with the
matrix-free Liouvillian of :mod:`manybody.ed.matfree` (model 1 up to L = 16, model 2 up to
L = 8 at half filling); observables and checks are taken block by block, without the dense
sector density matrix.
"""

from __future__ import annotations

import time
from math import comb

import numpy as np
import qutip
from scipy import sparse
from scipy.sparse.linalg import expm_multiply
from tqdm.auto import tqdm

from .. import _validate, observables
from .._validate import real
from ..errors import ConvergenceError, SizeError
from ..models.base import FreeFermionRing
from ..models.spin import ProductChain
from ..result import Result
from . import chain, matfree
from .checks import fermion_block_checks, fermion_state_checks, worst
from .fock import FockSector
from .momentum import DIRECT_MAX, MomentumBlock, stationary_solve
from .states import FermionState

MAX_SECTOR_DIM = 12_870  # steady_state "block": model 1 up to L = 16, model 2 up to L = 8
MAX_SPARSE_SECTOR_DIM = 1000  # sparse superoperator (liouvillian; evolve below it, above it
# matrix-free): model 1 up to L = 12, model 2 up to L = 6 at half filling
MAX_BLOCK_DIM = 200_000  # zero momentum-difference block (model 2, L = 6: 142 376; 3.6 GB)
MATFREE_MIN_DIM = 5_000  # steady_state solves blocks of at least this many unknowns matrix-free
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


def block_of(model: FreeFermionRing, sector: FockSector) -> MomentumBlock:
    """The zero momentum-difference block of ``sector`` (bookkeeping only; mode a has
    momentum index a // n_bands)."""
    return MomentumBlock(sector, np.arange(model.n_modes) // model.n_bands, model.L)


def momentum_block(model: FreeFermionRing, sector: FockSector, H: sparse.spmatrix,
                   c_ops: list) -> MomentumBlock:
    """The zero momentum-difference block of ``sector``, refused above ``MAX_BLOCK_DIM``
    unknowns or when the peak memory of building and solving it exceeds the available memory.

    Peak memory: about 110 bytes per stored superoperator entry (COO pieces, their
    concatenation and the CSR matrix; counted by
    :meth:`~manybody.ed.momentum.MomentumBlock.superoperator_entries` without building it),
    plus 3300 bytes per unknown (200 GMRES Krylov vectors). Other L are extrapolated with
    the same entries per unknown and about C(M, N)^2 / L unknowns.
    """
    block = block_of(model, sector)
    name = f"L={model.L}, N={sector.n_particles}"
    if block.dim > MAX_BLOCK_DIM:
        raise SizeError(f"{name}: the momentum block has {block.dim} unknowns > MAX_BLOCK_DIM="
                        f"{MAX_BLOCK_DIM}; use a smaller L (or filling closer to 0 or 1)")
    per_row = block.superoperator_entries(H, c_ops) / block.dim
    f, nb = sector.n_particles / model.n_modes, model.n_bands

    def dim(L: int) -> float:  # the exact block at this L, about C(M, N)^2 / L at others
        return block.dim if L == model.L else comb(nb * L, round(f * nb * L)) ** 2 / L

    _validate.memory_guard(f"the momentum block ({block.dim} unknowns, {per_row:.0f} "
                           f"entries per row)", "L", model.L,
                           lambda L: (110 * per_row + 3300) * dim(L), minimum=2)
    return block


def _sector(model: FreeFermionRing, filling: float, max_dim: int = MAX_SPARSE_SECTOR_DIM,
            limit: str = "MAX_SPARSE_SECTOR_DIM") -> FockSector:
    """The N = filling * M sector, refused (naming L and filling) above ``max_dim`` states."""
    _validate.instance("model", model, FreeFermionRing)
    N, M = particle_number(model, filling), model.n_modes
    if comb(M, N) > max_dim:
        nb = model.n_bands
        fits = [n for n in range(1, model.L) if float(filling * n * nb).is_integer()
                and comb(n * nb, int(filling * n * nb)) <= max_dim]
        raise SizeError(f"L={model.L}, filling={filling:g}: the N={N} sector of {M} modes has "
                        f"{comb(M, N)} states > {limit}={max_dim}; the largest L at this "
                        f"filling is {max(fits, default='none')}")
    return FockSector(M, N, max_dim=max_dim)


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


def _dispatch_chain(model: object, filling: float) -> bool:
    """Whether ``model`` is a product chain (spins, bosons; fermion-only options refused), else
    check that it is a fermion ring."""
    if isinstance(model, ProductChain):
        if filling != 0.5:
            raise ValueError(f"filling applies to the fermion rings only; the model "
                             f"{type(model).__name__} is a product chain (got filling={filling!r})")
        return True
    _validate.instance("model", model, (FreeFermionRing, ProductChain))
    return False


def _what(model: FreeFermionRing, sector: FockSector, method: str) -> str:
    return f"{type(model).__name__}(L={model.L}, N={sector.n_particles}, method={method!r})"


def steady_state(model: FreeFermionRing | ProductChain, filling: float = 0.5, *,
                 method: str = "block", tol: float = 1e-12, truncation: bool = True,
                 state: bool = False) -> Result:
    r"""Exact NESS of the full Lindblad equation at the model's :math:`\epsilon`.

    A product chain (:class:`~manybody.models.SpinChain`,
    :class:`~manybody.models.BoseHubbardRing`) goes to :func:`manybody.ed.chain.steady_state`
    ("block" meaning its symmetric reduction; ``filling`` and ``tol`` do not apply;
    ``truncation`` applies to truncated bosons only: also solve n_max + 1 and report the
    change as ``diagnostics["truncation_change"]``).

    Parameters
    ----------
    model : FreeFermionRing or ProductChain
        :class:`~manybody.models.NonreciprocalChain` or
        :class:`~manybody.models.RashbaZeemanChain`; at half filling model 1 reaches L = 16
        and model 2 L = 8 (sector dimension 12870, ``MAX_SECTOR_DIM``; "direct" and
        :func:`evolve` stop at ``MAX_DIRECT_DIM`` and ``MAX_SPARSE_SECTOR_DIM``). Measured on
        two busy cores: model 1 at L = 12 in 2.6 s, L = 14 in 51 s (0.5 GB).
    filling : float
        N / M; N must be an integer.
    method : {"block", "direct"}
        "block": the zero momentum-difference block (the default), by its sparse
        superoperator and GMRES below ``MATFREE_MIN_DIM`` unknowns, above by the matrix-free
        Liouvillian of :mod:`manybody.ed.matfree` and BiCGSTAB (3-4 times faster from model 1
        at L = 8 on: 2.6 s against 8.5 s at L = 12, 25 MB against 1.5 GB);
        "direct": ``qutip.steadystate`` on the whole sector (small sizes, reference).
    tol : float
        Krylov relative tolerance, in (0, 1e-6]; the physical checks use max(1e-8, 100 tol).
    state : bool
        Also return the state (default False): ``Result.state`` a
        :class:`~manybody.ed.states.FermionState` (the block vector; ``expect`` of fermion
        terms on the band modes, ``to_qobj`` in the :math:`2^M` Fock space) or, for a product
        chain, a :class:`~manybody.ed.states.ChainState`.

    Returns
    -------
    Result
        ``occupations`` :math:`\langle\eta^\dagger_a\eta_a\rangle` (shapes as in tGGE),
        ``current`` the Hamiltonian current of Eq. (13) / (23), ``dissipative_currents`` the
        order-epsilon part of each bath (:func:`dissipative_current_operators`; ``total_current``
        adds them), ``spin_currents`` Eq. (24), ``diagnostics`` with the residual
        :math:`\max|\mathcal L\rho|`, the physical checks of
        :func:`~manybody.ed.checks.fermion_state_checks` (trace and hermiticity errors,
        smallest eigenvalues of the correlation blocks, of 1 minus them and of rho, taken
        block by block for "block"), the dimensions, ``solver`` ("sparse", "matrix-free" or
        "direct"), ``peak_memory_estimate`` (bytes; "block" only), for "matrix-free" the
        operator applications ``matvecs`` and ``check_matvecs`` (the uniqueness solve) and
        ``krylov``, and the wall time.

    Raises
    ------
    DegenerateSteadyStateError
        If the Liouvillian has several steady states (both methods solve twice from different
        starts), e.g. ``gamma_neq = 1`` where no thermal bath connects the conserved sectors.
    SizeError
        Above ``MAX_SECTOR_DIM`` / ``MAX_BLOCK_DIM`` / ``MAX_DIRECT_DIM`` or the available
        memory, before the superoperator is built; the message names L and the filling.
    UnphysicalStateError
        If the state fails a physical check.
    """
    if _dispatch_chain(model, filling):
        if tol != 1e-12:
            raise ValueError("tol applies to the fermion rings only; the product-chain ED "
                             "solves to 1e-13")
        return chain.steady_state(model, "symmetric" if method == "block" else method,
                                  truncation, state)
    t0 = time.perf_counter()
    _validate.choice("method", method, ("block", "direct"))
    tol = real("tol", tol, 0.0, 1e-6, open_lo=True)
    _validate.boolean("state", state)
    sector = _sector(model, filling, MAX_SECTOR_DIM, "MAX_SECTOR_DIM")
    what = _what(model, sector, method)
    if method == "direct" and sector.dim > MAX_DIRECT_DIM:
        raise SizeError(f"L={model.L}, filling={filling:g}: method='direct' needs a sector of "
                        f"at most MAX_DIRECT_DIM={MAX_DIRECT_DIM} states, this one has "
                        f"{sector.dim}; use method='block'")
    H, c_ops = lindblad_operators(model, sector)
    if method == "direct" and sector.dim == 1:  # an empty or full ring: one Fock state, which
        rho, residual, solved_dim = np.ones((1, 1)), 0.0, 1  # qutip cannot take as 1 x 1
    elif method == "direct":
        Hq, cq = qutip.Qobj(H), [qutip.Qobj(c) for c in c_ops]
        Lq = qutip.liouvillian(Hq, cq)
        trace = np.zeros(sector.dim**2)
        trace[np.arange(sector.dim) * (sector.dim + 1)] = 1.0
        stationary_solve(Lq.data_as("csr_matrix"), trace, tol, what=what)  # raises if not unique
        rho_q = qutip.steadystate(Hq, cq, method="direct")
        rho = rho_q.full()
        residual = float(np.abs((Lq * qutip.operator_to_vector(rho_q)).full()).max())
        solved_dim = sector.dim**2
    if method == "direct":
        extra = {"solver": "direct"}
        checks = fermion_state_checks(rho, correlations(model, sector, rho), what,
                                      tol=max(1e-8, 100 * tol))
        obs = _observe(model, sector, rho, dissipative_current_operators(model, sector))
        held = FermionState.from_sector_matrix(model, sector, rho)
    else:
        x, block, residual, extra = _solve_block(model, sector, H, c_ops, tol, what)
        solved_dim = block.dim
        C = block_correlations(model, sector, block, x)
        checks = fermion_block_checks(block.blocks(x), C, what, tol=max(1e-8, 100 * tol))
        obs = observables.from_correlations(model, C)
        obs["dissipative_currents"] = {
            bath: float(np.real(block.expectation(op, x)))
            for bath, op in dissipative_current_operators(model, sector).items()}
        held = FermionState(model.n_modes, sector.n_particles, model.L, x)
    return Result(
        method="ed",
        kind="steady_state",
        model=model.params(),
        options={"filling": float(filling), "method": method, "tol": tol},
        momenta=model.momenta,
        **obs,
        diagnostics={
            "residual": residual,
            **checks,
            "sector_dim": sector.dim,
            "solved_dim": solved_dim,
            "n_jumps": len(c_ops),
            **extra,
            "wall_time": time.perf_counter() - t0,
        },
        state=held if state else None,
    )


def _solve_block(model: FreeFermionRing, sector: FockSector, H: sparse.spmatrix, c_ops: list,
                 tol: float, what: str) -> tuple[np.ndarray, MomentumBlock, float, dict]:
    """``(x, block, residual, diagnostics)``: the steady state in the zero momentum-difference
    block, by the sparse superoperator below ``MATFREE_MIN_DIM`` unknowns (with the sparse-LU
    fallback of :func:`~manybody.ed.momentum.stationary_solve`), else matrix-free
    (:mod:`manybody.ed.matfree`, BiCGSTAB); a matrix-free solve that does not converge on
    a block of at most ``DIRECT_MAX`` unknowns is repeated sparse (sparse-LU fallback)."""
    block = block_of(model, sector)
    if block.dim >= MATFREE_MIN_DIM:
        peak, spare = matfree_memory(model, sector, block, c_ops)
        op = matfree.MatrixFreeBlock(block, H, c_ops)
        try:
            x, info = matfree.stationary_solve(op, tol, what=what, memory=spare)
        except ConvergenceError:
            if block.dim > DIRECT_MAX:
                raise
            # small enough for the sparse solver, whose LU fallback does not stall
        else:
            residual = float(np.abs(op.matvec(x)).max())
            return x, block, residual, {"solver": "matrix-free", "peak_memory_estimate": peak,
                                        **info}
    block = momentum_block(model, sector, H, c_ops)
    S = block.superoperator(H, c_ops)
    peak = 110.0 * S.nnz + 3300.0 * block.dim
    x = block.steady_state(S, tol, what=what)
    return x, block, float(np.abs(S @ x).max()), {"solver": "sparse",
                                                      "peak_memory_estimate": peak}


def matfree_memory(model: FreeFermionRing, sector: FockSector, block: MomentumBlock,
                   c_ops: list, vectors: int = matfree.KRYLOV_VECTORS) -> tuple[float, float]:
    """``(peak, spare)`` bytes of the matrix-free solve, refused (``SizeError`` naming L)
    above the available memory before anything of the block's size is allocated.

    Peak: ``vectors`` complex block vectors (steady state:
    :data:`~manybody.ed.matfree.KRYLOV_VECTORS`, BiCGSTAB's work space, the solution, the
    kicked start and the second solution, the preconditioner; dynamics: the Arnoldi basis
    and five more) plus the sector-level operators, about 100 bytes per entry of the jumps.
    Other L are extrapolated with about C(M, N)^2 / L unknowns. ``spare`` is the memory left
    for a GMRES basis should BiCGSTAB break down.
    """
    f, nb = sector.n_particles / model.n_modes, model.n_bands
    ops = 100.0 * sum(c.nnz for c in c_ops)

    def need(L: int) -> float:
        n = block.dim if L == model.L else comb(nb * L, round(f * nb * L)) ** 2 / L
        return 16.0 * vectors * n + ops * n / block.dim

    _validate.memory_guard(f"the momentum block ({block.dim} unknowns, matrix-free with "
                           f"{vectors} Krylov vectors)", "L", model.L, need,
                           minimum=2)
    return need(model.L), max(0.0, 0.8 * _validate.available_memory() - need(model.L))


def block_correlations(model: FreeFermionRing, sector: FockSector, block: MomentumBlock,
                       x: np.ndarray) -> np.ndarray:
    r""":func:`correlations` from a block vector: :math:`\langle\eta^\dagger_a\eta_b\rangle`
    of equal momentum, :math:`\sum \pm\rho_{cr}` over the entries (r, c) of the hop."""
    nb = model.n_bands
    C = np.zeros((model.L, nb, nb), dtype=complex)
    for m in range(model.L):
        for nu in range(nb):
            for mu in range(nb):
                rows, cols, signs = sector._hop(m * nb + nu, m * nb + mu)
                C[m, nu, mu] = np.sum(signs * x[block.index(cols, rows)])
    return C


def evolve(model: FreeFermionRing | ProductChain, times, filling: float = 0.5,
           initial: str = "infinite_temperature", *, tol: float = 1e-10,
           progress: bool = False) -> Result:
    r"""Exact Lindblad dynamics :math:`\rho(t) = e^{\mathcal L t}\rho(0)` in the momentum block.

    A product chain goes to :func:`manybody.ed.chain.evolve` (``initial`` "down", "up", or
    "infinite_temperature" for the maximally mixed state).

    Up to ``MAX_SPARSE_SECTOR_DIM`` sector states (model 1 to L = 12, model 2 to L = 6) by
    ``scipy.sparse.linalg.expm_multiply`` on the sparse superoperator; above, up to
    ``MAX_SECTOR_DIM``, by the Arnoldi exponential of the matrix-free Liouvillian
    (:func:`manybody.ed.matfree.expm_multiply`, relative error ``tol`` per output interval;
    it equals the sparse path to 1e-12 at L = 10). Its cost is about 33 Liouvillian
    applications per unit time at eps = 0.05 (measured at L = 14, t = 0-10: 330): model 1 at
    L = 14 about 15-20 s per unit time on one core (t = 200: an hour), L = 16 twelve times
    that.

    With several steady states (e.g. ``RashbaZeemanChain(4, gamma_neq=1)``, where
    :func:`steady_state` refuses) the long-time limit is the projection of the initial state
    onto them: from the Gibbs state that model's current tends to -0.539, from the infinite
    temperature state (itself stationary there) it stays 0. Both are correct for their
    initial state; neither is "the" steady state.

    Parameters
    ----------
    model : FreeFermionRing or ProductChain
        As for :func:`steady_state`.
    times : array
        Increasing output times (units of 1/J), starting at the initial time.
    filling : float
        N / M with integer N.
    initial : {"infinite_temperature", "gibbs"}
        :math:`\rho(0) \propto 1` or the canonical :math:`e^{-\beta H_0}` of the sector; both
        are translation invariant, so the dynamics stays in the zero momentum-difference block.
    tol : float
        Matrix-free sizes: relative error of each output interval's exponential, in
        (0, 1e-6].
    progress : bool
        A progress bar over the output times.

    Returns
    -------
    Result
        A trajectory: ``occupations`` with a leading time axis, ``current`` per time,
        ``diagnostics["trace_drift"]`` and the worst physical checks over the times (taken
        block by block), ``solver`` ("sparse" or "matrix-free", then ``matvecs``).

    Raises
    ------
    UnphysicalStateError
        If a state fails a physical check (a trace drift above 1e-8 included).
    SizeError
        Above ``MAX_SECTOR_DIM`` states or the available memory, before the block is built.
    """
    if _dispatch_chain(model, filling):
        if initial == "gibbs":
            raise ValueError("initial must be one of 'infinite_temperature', 'mixed', 'down', "
                             f"'up' for the model {type(model).__name__}, a product chain; got "
                             "'gibbs' (the Gibbs state of a fermion chain)")
        _validate.choice("initial", initial, ("infinite_temperature", "mixed", "down", "up"))
        return chain.evolve(model, times, "mixed" if initial == "infinite_temperature"
                           else initial)
    t0 = time.perf_counter()
    times = _validate.output_times(times)
    _validate.choice("initial", initial, ("infinite_temperature", "gibbs"))
    tol = real("tol", tol, 0.0, 1e-6, open_lo=True)
    sector = _sector(model, filling, MAX_SECTOR_DIM, "MAX_SECTOR_DIM")
    H, c_ops = lindblad_operators(model, sector)
    extra = {}
    if sector.dim <= MAX_SPARSE_SECTOR_DIM:
        block = momentum_block(model, sector, H, c_ops)
        S = block.superoperator(H, c_ops)
        extra["solver"] = "sparse"

        def step(x, dt):
            return expm_multiply(S * dt, x)
    else:
        block = block_of(model, sector)
        matfree_memory(model, sector, block, c_ops, vectors=matfree.KRYLOV_DIM + 6)
        op = matfree.MatrixFreeBlock(block, H, c_ops)
        extra = {"solver": "matrix-free", "matvecs": 0}

        def step(x, dt):
            y, info = matfree.expm_multiply(op, x, dt, tol)
            extra["matvecs"] += info["matvecs"]
            return y
    E = H.diagonal().real
    weights = np.ones(sector.dim) if initial == "infinite_temperature" else np.exp(
        -model.beta * (E - E.min()))
    x = np.zeros(block.dim, dtype=complex)
    x[block.index(np.arange(sector.dim), np.arange(sector.dim))] = weights / weights.sum()
    dissipative = dissipative_current_operators(model, sector)
    rows, checks = [], []
    for i in tqdm(range(times.size), desc="ed.evolve", disable=not progress):
        if i:
            x = step(x, times[i] - times[i - 1])
        C = block_correlations(model, sector, block, x)
        checks.append(fermion_block_checks(
            block.blocks(x), C, f"{_what(model, sector, 'evolve')} at t={times[i]:g}"))
        obs = observables.from_correlations(model, C)
        obs["dissipative_currents"] = {bath: float(np.real(block.expectation(op_b, x)))
                                       for bath, op_b in dissipative.items()}
        rows.append(obs)
    return Result(
        method="ed", kind="trajectory", model=model.params(),
        options={"filling": float(filling), "initial": initial, "tol": tol},
        momenta=model.momenta, energies=rows[0]["energies"],
        occupations=np.array([r["occupations"] for r in rows]),
        current=np.array([r["current"] for r in rows]),
        spin_currents={k: np.array([r["spin_currents"][k] for r in rows])
                       for k in rows[0]["spin_currents"]},
        dissipative_currents={k: np.array([r["dissipative_currents"][k] for r in rows])
                              for k in rows[0]["dissipative_currents"]},
        times=times,
        diagnostics={"trace_drift": max(c["trace_error"] for c in checks), **worst(checks),
                     "solved_dim": block.dim, **extra, "wall_time": time.perf_counter() - t0},
    )
