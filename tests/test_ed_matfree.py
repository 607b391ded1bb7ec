"""The matrix-free block Liouvillian (manybody.ed.matfree) against the sparse superoperator,
and the steady states it gives against the sparse solver and the Gibbs state."""

from __future__ import annotations

import time

import numba
import numpy as np
import pytest

from manybody import ed
from manybody.ed import matfree, solver
from manybody.ed.fock import FockSector
from manybody.ed.momentum import MomentumBlock
from manybody.errors import ConvergenceError, DegenerateSteadyStateError, SizeError
from manybody.models import NonreciprocalChain, RashbaZeemanChain


def _operators(model, filling=0.5):
    sector = solver._sector(model, filling, solver.MAX_SECTOR_DIM)
    H, c_ops = solver.lindblad_operators(model, sector)
    block = MomentumBlock(sector, np.arange(model.n_modes) // model.n_bands, model.L)
    return sector, block, H, c_ops


def _random(n, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n) + 1j * rng.normal(size=n)


def _gauss_delta(k, p):
    return np.exp(-(k - 0.3) ** 2) * (1 + 0.5j * np.sin(p))


FAST = [
    (NonreciprocalChain(8, gamma_neq=0.5), 0.5),
    (NonreciprocalChain(8, gamma_neq=0.0, beta=0.7), 0.5),
    (NonreciprocalChain(9, gamma_neq=0.7, eps=0.3, delta=0.3 + 2j, delta_prime=-1.2), 1 / 3),
    (NonreciprocalChain(10, gamma_neq=0.3, eps=0.2, beta=1.0, Delta=_gauss_delta), 0.5),
    (NonreciprocalChain(10, gamma_neq=1.0), 0.4),
    (RashbaZeemanChain(4, gamma_neq=0.5), 0.5),
    (RashbaZeemanChain(4, gamma_neq=0.3, h=0.0, alpha_z=0.0, gamma_up=0.3, gamma_down=0.7,
                       beta=0.5), 0.5),
    (RashbaZeemanChain(5, gamma_neq=0.8, eps=0.4, crossing="velocity"), 0.4),
]
SLOW = [(NonreciprocalChain(12, gamma_neq=0.5, beta=3.0), 0.5),
        (RashbaZeemanChain(6, gamma_neq=0.6, h=0.3, gamma_up=0.6, gamma_down=0.4), 0.5)]


def _ids(cases):
    return [f"{type(m).__name__}-L{m.L}-g{m.gamma_neq}-f{f:.2f}" for m, f in cases]


@pytest.mark.parametrize(("model", "filling"),
                         FAST + [pytest.param(*c, marks=pytest.mark.slow) for c in SLOW],
                         ids=_ids(FAST + SLOW))
def test_matvec_equals_the_sparse_superoperator(model, filling):
    _, block, H, c_ops = _operators(model, filling)
    S = block.superoperator(H, c_ops)
    op = matfree.MatrixFreeBlock(block, H, c_ops)
    for seed in (1, 2):
        x = _random(block.dim, seed)
        expect = S @ x
        assert np.abs(op.matvec(x) - expect).max() <= 1e-12 * np.abs(expect).max()
        assert np.abs(op.matvec(x, parallel=True) - expect).max() <= 1e-12 * np.abs(
            expect).max()
    d = S.diagonal()
    assert np.abs(op.diagonal() - d).max() <= 1e-12 * np.abs(d).max()


def test_matvec_does_not_depend_on_the_thread_count():
    _, block, H, c_ops = _operators(NonreciprocalChain(10, gamma_neq=0.5))
    op = matfree.MatrixFreeBlock(block, H, c_ops)
    x = _random(block.dim)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = op.matvec(x, parallel=True)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = op.matvec(x, parallel=True)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(one, two)
    assert np.array_equal(one, op.matvec(x, parallel=False))


def _both(model, monkeypatch, filling=0.5, tol=1e-14):
    monkeypatch.setattr(solver, "MATFREE_MIN_DIM", 0)
    mf = ed.steady_state(model, filling, tol=tol)
    monkeypatch.setattr(solver, "MATFREE_MIN_DIM", 10**12)
    sp = ed.steady_state(model, filling, tol=tol)
    monkeypatch.undo()
    return mf, sp


@pytest.mark.parametrize(("model", "filling"), [
    (NonreciprocalChain(8, gamma_neq=0.5), 0.5),
    (NonreciprocalChain(10, gamma_neq=0.3, eps=0.2, delta=0.3 + 2j), 0.5),
    (NonreciprocalChain(9, gamma_neq=0.7, eps=0.3), 1 / 3),
    (RashbaZeemanChain(4, gamma_neq=0.5), 0.5),
    pytest.param(NonreciprocalChain(12, gamma_neq=0.5), 0.5, marks=pytest.mark.slow),
    pytest.param(RashbaZeemanChain(5, gamma_neq=0.4, h=0.2), 0.5, marks=pytest.mark.slow),
], ids=["m1-L8", "m1-L10", "m1-L9-third", "m2-L4", "m1-L12", "m2-L5"])
def test_steady_state_equals_the_sparse_solver(model, filling, monkeypatch):
    mf, sp = _both(model, monkeypatch, filling)
    assert mf.diagnostics["solver"] == "matrix-free" and sp.diagnostics["solver"] == "sparse"
    np.testing.assert_allclose(mf.occupations, sp.occupations, rtol=0, atol=1e-12)
    assert mf.current == pytest.approx(sp.current, abs=1e-12)
    for bath, value in sp.dissipative_currents.items():
        assert mf.dissipative_currents[bath] == pytest.approx(value, abs=1e-12)
    d = mf.diagnostics
    assert d["trace_error"] < 1e-12 and d["hermiticity_error"] < 1e-12
    assert d["residual"] < 1e-12 and d["matvecs"] > 0 and d["peak_memory_estimate"] > 0
    assert {"residual", "wall_time", "sector_dim", "solved_dim", "n_jumps"} <= set(d)


def _canonical_gibbs(model, filling=0.5):
    sector = FockSector(model.n_modes, round(filling * model.n_modes), max_dim=10**5)
    occ = sector.occupations()
    E = occ @ model.modes.flat_energies
    w = np.exp(-model.beta * (E - E.min()))
    return (w / w.sum()) @ occ


@pytest.mark.parametrize("L", [10, pytest.param(14, marks=pytest.mark.slow)])
def test_thermal_bath_alone_gives_the_canonical_gibbs_state(L):
    m = NonreciprocalChain(L, gamma_neq=0.0, beta=1.3, eps=0.1)
    r = ed.steady_state(m)
    assert r.diagnostics["solver"] == "matrix-free"
    np.testing.assert_allclose(r.occupations, _canonical_gibbs(m).reshape(r.occupations.shape),
                               rtol=0, atol=1e-11)
    assert abs(r.current) < 1e-11


def test_several_steady_states_are_detected_matrix_free():
    """Only dephasing (gamma_neq = 1): every band occupation is conserved."""
    with pytest.raises(DegenerateSteadyStateError, match="more than one steady state"):
        ed.steady_state(RashbaZeemanChain(5, gamma_neq=1.0))


def test_sizes_are_refused_before_allocation(monkeypatch):
    t0 = time.perf_counter()
    with pytest.raises(SizeError, match=r"L=40, filling=0.5: the N=20 sector .* > "
                                        r"MAX_SECTOR_DIM=12870; the largest L at this filling "
                                        r"is 16"):
        ed.steady_state(NonreciprocalChain(40, gamma_neq=0.5))
    monkeypatch.setenv("MANYBODY_MEMORY_LIMIT", "100MB")
    with pytest.raises(SizeError, match=r"L=14: the momentum block \(841\d+ unknowns, "
                                        r"matrix-free .* the largest L that fits is 1[23]"):
        ed.steady_state(NonreciprocalChain(14, gamma_neq=0.5))
    assert time.perf_counter() - t0 < 5.0


def test_bicgstab_true_residual_is_checked():
    """Here BiCGSTAB's recursive residual reached 1e-12 while the true one was 1.4e-8
    (occupations off by 1.3e-9); the solve restarts until the true residual is below tol."""
    m = NonreciprocalChain(10, gamma_neq=0.2, beta=7, eps=0.05, J=1.7, delta=1.0,
                           delta_prime=1.0)
    r = ed.steady_state(m)
    assert r.diagnostics["solver"] == "matrix-free" and r.diagnostics["residual"] < 1e-12


def test_a_stalled_matrix_free_solve_of_a_small_block_is_repeated_sparse(monkeypatch):
    def stall(*args, **kwargs):
        raise ConvergenceError("stalled")

    monkeypatch.setattr(matfree, "stationary_solve", stall)
    r = ed.steady_state(NonreciprocalChain(10, gamma_neq=0.5))
    assert r.diagnostics["solver"] == "sparse" and r.diagnostics["residual"] < 1e-12


@pytest.mark.parametrize(("model", "initial"), [
    (NonreciprocalChain(10, gamma_neq=0.5, eps=0.05), "infinite_temperature"),
    (NonreciprocalChain(8, gamma_neq=0.7, eps=0.2, beta=1.0), "gibbs"),
    (RashbaZeemanChain(4, gamma_neq=0.9, eps=0.1), "gibbs"),
])
def test_evolve_matrix_free_equals_the_sparse_exponential(model, initial, monkeypatch):
    """The Arnoldi exponential of the matrix-free Liouvillian (used above
    MAX_SPARSE_SECTOR_DIM) against expm_multiply on the sparse superoperator, at several
    output intervals: currents, occupations and dissipative currents to 1e-11."""
    times = [0.0, 0.7, 5.0, 30.0]
    sp = ed.evolve(model, times, initial=initial)
    monkeypatch.setattr(solver, "MAX_SPARSE_SECTOR_DIM", 0)
    mf = ed.evolve(model, times, initial=initial, tol=1e-12)
    assert (sp.diagnostics["solver"], mf.diagnostics["solver"]) == ("sparse", "matrix-free")
    assert mf.diagnostics["matvecs"] > 0 and mf.diagnostics["trace_drift"] < 1e-12
    np.testing.assert_allclose(mf.current, sp.current, atol=1e-11)
    np.testing.assert_allclose(mf.occupations, sp.occupations, atol=1e-11)
    for bath in sp.dissipative_currents:
        np.testing.assert_allclose(mf.dissipative_currents[bath], sp.dissipative_currents[bath],
                                   atol=1e-11)


def test_krylov_exponential_refuses_an_impossible_tolerance():
    """A step below 1e-12 dt raises instead of looping (tol 1e-30 is below round-off)."""
    model = NonreciprocalChain(6, gamma_neq=0.5, eps=0.05)
    sector = solver._sector(model, 0.5)
    H, c_ops = solver.lindblad_operators(model, sector)
    block = solver.momentum_block(model, sector, H, c_ops)
    op = matfree.MatrixFreeBlock(block, H, c_ops)
    x = np.random.default_rng(0).normal(size=block.dim).astype(complex)
    with pytest.raises(ConvergenceError, match="Krylov exponential"):
        matfree.expm_multiply(op, x, 100.0, tol=1e-30, m=4)
    for kwargs, name in (({"dt": -1.0}, "dt"), ({"dt": np.nan}, "dt"), ({"tol": 0.0}, "tol"),
                         ({"m": 1}, "m")):
        with pytest.raises(ValueError, match=name):
            matfree.expm_multiply(op, x, **({"dt": 1.0} | kwargs))
    with pytest.raises(ValueError, match="block vector of shape"):
        matfree.expm_multiply(op, x[:-1], 1.0)
