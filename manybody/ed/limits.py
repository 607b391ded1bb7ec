r"""The two epsilon -> 0 limits that separate finite-epsilon from finite-size errors.

* :func:`secular_steady_state`: at fixed L, the NESS as :math:`\epsilon\to 0` lies in the
  commutant of :math:`H_0` (entries :math:`\rho_{ss'}` with :math:`E_s = E_{s'}`) and is the
  kernel of the dissipator projected there, :math:`P\mathcal D P\rho_0 = 0`.
* :func:`exclusion_steady_state`: the diagonal part of that limit, a classical exclusion
  process of particles hopping between modes with the tGGE rates,
  :math:`s \to s - e_b + e_a` at rate :math:`W_{b\to a}` (a Pauli master equation on Fock
  states). The tGGE is its product-measure closure. It drops the coherences between
  degenerate many-body states that the secular limit keeps.
"""

from __future__ import annotations

import time
from math import comb

import numpy as np
from scipy import sparse

from .. import _validate, observables
from ..errors import UnphysicalStateError
from ..models.base import FreeFermionRing
from ..result import Result
from .checks import PHYSICAL_TOL, fermion_block_checks
from .fock import FockSector
from .momentum import MomentumBlock, stationary_solve
from .solver import MAX_SECTOR_DIM, _sector, block_correlations, block_of, lindblad_operators

MAX_EXCLUSION_DIM = 200_000  # model 1 at half filling: L = 20 (184 756 states)


def secular_steady_state(model: FreeFermionRing, filling: float = 0.5, *,
                         degeneracy_tol: float = 1e-9) -> Result:
    r"""The :math:`\epsilon\to 0` NESS of the exact dynamics at fixed L (secular limit).

    Parameters
    ----------
    model : FreeFermionRing
        Its :math:`\epsilon` drops out (the projected dissipator is linear in it).
    filling : float
        N / M with integer N; the sector may hold up to ``MAX_SECTOR_DIM`` states (model 1 to
        L = 16, model 2 to L = 8 at half filling), as for :func:`manybody.ed.steady_state`.
    degeneracy_tol : float
        Many-body energies closer than this (times the bandwidth) count as degenerate.

    Returns
    -------
    Result
        As :func:`manybody.ed.steady_state`; ``diagnostics["coherences"]`` counts the kept
        off-diagonal entries (degenerate states of equal momentum), and the physical checks of
        :func:`~manybody.ed.checks.fermion_block_checks`.

    Raises
    ------
    DegenerateSteadyStateError
        If the projected dissipator has several steady states (two solves from different
        starts differ).
    SizeError, UnphysicalStateError
        As :func:`manybody.ed.steady_state`.
    """
    t0 = time.perf_counter()
    degeneracy_tol = _validate.real("degeneracy_tol", degeneracy_tol, 0.0, 1e-3, open_lo=True)
    sector = _sector(model, filling, MAX_SECTOR_DIM, "MAX_SECTOR_DIM")
    what = f"{type(model).__name__}(L={model.L}, N={sector.n_particles}) in the secular limit"
    x, block, residual, solved_dim = secular_state(model, sector, degeneracy_tol, what)
    C = block_correlations(model, sector, block, x)
    checks = fermion_block_checks(block.blocks(x), C, what)
    obs = observables.from_correlations(model, C)
    return Result(
        method="ed-secular", kind="steady_state", model=model.params(),
        options={"filling": float(filling), "degeneracy_tol": degeneracy_tol},
        momenta=model.momenta, **obs,
        diagnostics={"residual": residual, "sector_dim": sector.dim,
                     "solved_dim": solved_dim, "coherences": solved_dim - sector.dim,
                     **checks, "wall_time": time.perf_counter() - t0},
    )


def secular_state(model: FreeFermionRing, sector: FockSector, degeneracy_tol: float = 1e-9,
                  what: str = "the secular block") -> tuple[np.ndarray, MomentumBlock, float,
                                                             int]:
    r"""``(x, block, residual, solved_dim)``: the secular NESS as a vector of the zero
    momentum-difference ``block`` (zero outside the kept pairs).

    The dissipator (the Liouvillian without :math:`H_0`) restricted to the pairs
    :math:`\rho_{ss'}` of equal momentum whose energies differ by at most ``degeneracy_tol``
    times the many-body bandwidth (at least 1)
    (:meth:`~manybody.ed.momentum.MomentumBlock.restricted`, never the whole superoperator),
    solved with Tr = 1 (:func:`~manybody.ed.momentum.stationary_solve`); ``residual`` is the
    largest entry of that restricted dissipator applied to the solution, ``solved_dim`` the
    number of pairs. Refused (``SizeError`` naming L) when the block's index arrays, about
    160 bytes per unknown (measured peak at L = 16: 1.6 GB), exceed the available memory.
    """
    f, nb = sector.n_particles / model.n_modes, model.n_bands
    _validate.memory_guard("the secular limit's index arrays", "L", model.L, minimum=2,
                           estimate=lambda L: 160.0 * comb(nb * L, round(f * nb * L)) ** 2 / L)
    H, c_ops = lindblad_operators(model, sector)
    block = block_of(model, sector)
    E = H.diagonal().real
    s, sp = block.pairs()
    keep = np.flatnonzero(np.abs(E[s] - E[sp]) <= degeneracy_tol * max(np.ptp(E), 1.0))
    del s, sp
    D = block.restricted(0 * H, c_ops, keep)
    y = stationary_solve(D, block.trace_row()[keep], what=what)
    x = np.zeros(block.dim, dtype=complex)
    x[keep] = y
    return x, block, float(np.abs(D @ y).max()), int(keep.size)


def exclusion_generator(model: FreeFermionRing, sector: FockSector) -> sparse.csr_matrix:
    r"""Generator :math:`G` of :math:`\dot P = GP` for hops with the tGGE rates."""
    W = model.rates().dense()
    rows, cols, vals = [], [], []
    M = model.n_modes
    for a in range(M):
        for b in range(M):
            if a == b or W[a, b] == 0:
                continue
            r, c, _ = sector._hop(a, b)  # the exclusion process has no fermionic sign
            rows += [r, c]
            cols += [c, c]
            vals += [np.full(r.size, W[a, b]), np.full(r.size, -W[a, b])]
    if not rows:
        return sparse.csr_matrix((sector.dim, sector.dim))
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(sector.dim, sector.dim))


def exclusion_steady_state(model: FreeFermionRing, filling: float = 0.5) -> Result:
    r"""Stationary distribution of the exclusion process in momentum space.

    Solved by Jacobi-preconditioned GMRES (L = 18 of model 1, 48 620 states, in 2 s).

    Parameters
    ----------
    model : FreeFermionRing
        Its tGGE rates define the hops.
    filling : float
        N / M with integer N; the Fock sector may hold up to ``MAX_EXCLUSION_DIM`` states.

    Returns
    -------
    Result
        ``method="exclusion"``; occupations :math:`\sum_s P(s) s_a` and the current of
        Eq. (13)/(23) in that state; ``diagnostics["min_probability"]``.

    Raises
    ------
    DegenerateSteadyStateError
        If the process has several stationary distributions (two solves from different
        starts differ), e.g. when no hop connects two sets of modes.
    SizeError
        Above ``MAX_EXCLUSION_DIM`` states or the available memory (the generator, about
        200 bytes per hop, and the GMRES vectors), before it is built.
    UnphysicalStateError
        If a probability is below -1e-8.
    """
    t0 = time.perf_counter()
    sector = _sector(model, filling, MAX_EXCLUSION_DIM, "MAX_EXCLUSION_DIM")
    N, M = sector.n_particles, model.n_modes
    _validate.memory_guard(
        "the exclusion process", "L", model.L, minimum=2,
        estimate=lambda L: (200 * N * (M - N) * (L / model.L) ** 2 + 3300)
        * comb(M * L // model.L, round(N * L / model.L)))
    what = f"the exclusion process of {type(model).__name__}(L={model.L}, N={N})"
    G = exclusion_generator(model, sector)
    P = np.real(stationary_solve(G, np.ones(sector.dim), what=what))
    residual = float(np.abs(G @ P).max() / max(np.abs(G.diagonal()).max(), 1e-300))
    if P.min() < -PHYSICAL_TOL:
        raise UnphysicalStateError(f"{what}: negative probability {P.min():.2e}")
    obs = observables.from_occupations(model, P @ sector.occupations())
    return Result(
        method="exclusion", kind="steady_state", model=model.params(),
        options={"filling": float(filling)}, momenta=model.momenta,
        **obs,
        diagnostics={"residual": residual, "min_probability": float(P.min()),
                     "sector_dim": sector.dim, "wall_time": time.perf_counter() - t0},
    )
