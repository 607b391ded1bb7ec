"""Exact methods never return a silently wrong answer (issue 12): several steady states are
refused, every returned state passes the physical checks, sizes are refused before allocation,
bad input names the parameter, and the KMC error bar covers the exact answer."""

import time
import warnings

import numpy as np
import pytest

from manybody import ed, observables
from manybody.ed import checks, momentum
from manybody.ed import xx_chain as xx
from manybody.errors import (
    ConvergenceError,
    DegenerateSteadyStateError,
    SizeError,
    UnphysicalStateError,
)
from manybody.models import (
    BoundaryDrivenXX,
    MetelmannClerkRing,
    NonreciprocalChain,
    RashbaZeemanChain,
)

DARK = MetelmannClerkRing.minimal(L=4, alpha=2, delta=0)  # dark states: several steady states
GAMMA1 = RashbaZeemanChain(4, gamma_neq=1.0)  # no thermal bath: four steady states


# -- several steady states -----------------------------------------------------------------
@pytest.mark.parametrize("L", [4, 6])
def test_direct_spin_method_refuses_several_steady_states(L):
    """Base 76c588c: L = 4 returned the all-down state (purity 1), L = 6 after 20-30 s
    I = 180.6, <sz> = 44, purity 36415 with residual 2e-13; now both refused within 2 s."""
    t0 = time.perf_counter()
    with pytest.raises(DegenerateSteadyStateError, match=r"method='direct'.*more than one "
                                                         r"steady state.*kappa > 0"):
        ed.steady_state(MetelmannClerkRing.minimal(L=L, alpha=2, delta=0), method="direct")
    assert time.perf_counter() - t0 < 2.0


def test_symmetric_spin_method_refuses_several_steady_states():
    with pytest.raises(DegenerateSteadyStateError, match="more than one steady state"):
        ed.steady_state(DARK)


@pytest.mark.parametrize("solve", [
    lambda m: ed.steady_state(m),
    lambda m: ed.steady_state(m, method="direct"),
    ed.secular_steady_state,
    ed.exclusion_steady_state,
    lambda m: ed.kmc_steady_state(m, sweeps=100),
], ids=["block", "direct", "secular", "exclusion", "kmc"])
def test_fermion_methods_refuse_gamma_neq_one(solve):
    """Base: block returned I = 0, direct I = 0.55, secular/exclusion/KMC one of the states."""
    with pytest.raises(DegenerateSteadyStateError, match="RashbaZeemanChain.*more than one"):
        solve(GAMMA1)


def test_evolve_follows_its_initial_state_when_steady_states_are_several():
    """The right statement for gamma_neq = 1: the limit depends on the initial state. The
    infinite-temperature state is stationary (I = 0 at every time), the Gibbs state flows to
    another steady state (I -> -0.539 at t = 1e4, -0.27 at t = 100). Both are exact."""
    hot = ed.evolve(GAMMA1, [0.0, 100.0], initial="infinite_temperature")
    gibbs = ed.evolve(GAMMA1, [0.0, 100.0], initial="gibbs")
    assert np.abs(hot.current).max() < 1e-12
    assert gibbs.current[-1] == pytest.approx(-0.2708, abs=1e-3)
    assert gibbs.diagnostics["trace_drift"] < 1e-10
    assert gibbs.diagnostics["min_rho_eigenvalue"] > -1e-10


def test_unique_cases_still_agree_between_methods():
    """The uniqueness checks do not refuse a unique steady state; block = direct."""
    m = NonreciprocalChain(6, gamma_neq=0.5)
    block, direct = ed.steady_state(m), ed.steady_state(m, method="direct")
    assert block.current == pytest.approx(direct.current, abs=1e-12)
    for key in ("min_correlation_eigenvalue", "min_hole_eigenvalue", "min_rho_eigenvalue"):
        assert block.diagnostics[key] > 0
    spin = ed.steady_state(MetelmannClerkRing.minimal(L=5, alpha=1, delta=0.5))
    assert spin.diagnostics["min_rdm2_eigenvalue"] > 0.04
    assert spin.diagnostics["trace_error"] < 1e-12


@pytest.mark.parametrize("filling", [0.0, 1.0])
def test_empty_and_full_rings_have_the_trivial_steady_state(filling):
    """One Fock state: every exact method returns n = filling and no current (sum_q sin q = 0)
    (found by the fuzz suite: qutip failed on the 1 x 1 sector, KMC reported an empty ring)."""
    m = RashbaZeemanChain(3, gamma_neq=0.5)
    for r in (ed.steady_state(m, filling, method="direct"), ed.steady_state(m, filling),
              ed.kmc_steady_state(NonreciprocalChain(4, gamma_neq=0.5), filling, sweeps=20,
                                  batches=20)):
        assert np.all(r.occupations == filling)
        assert abs(r.current) < 1e-14


# -- physical checks -------------------------------------------------------------------------
def test_physical_checks_raise_with_the_numbers():
    model = MetelmannClerkRing.minimal(L=3, alpha=1, delta=0.5)
    rho = np.diag([1.2, -0.2, 0, 0, 0, 0, 0, 0]).astype(complex)  # trace 1, not positive
    with pytest.raises(UnphysicalStateError, match=r"min_rdm1_eigenvalue = -2\.00e-01"):
        checks.chain_state_checks(model, rho, "test")
    good = np.eye(8) / 8
    assert checks.chain_state_checks(model, good, "test")["min_rdm2_eigenvalue"] == 0.25
    with pytest.raises(UnphysicalStateError, match="trace_error"):
        checks.chain_state_checks(model, 2 * good, "test")
    C = np.array([[[1.3]], [[0.2]]])  # an occupation above 1
    with pytest.raises(UnphysicalStateError, match=r"min_hole_eigenvalue = -3\.00e-01"):
        checks.fermion_state_checks(np.eye(2) / 2, C, "test")


def test_reduced_density_matrices_match_a_partial_trace():
    rng = np.random.default_rng(3)
    L = 4
    A = rng.normal(size=(16, 16)) + 1j * rng.normal(size=(16, 16))
    rho = A @ A.conj().T
    t = rho.reshape([2] * 8)
    full = {(1,): np.einsum("aibcajbc->ij", t), (1, 2): np.einsum("aijbaklb->ijkl", t)
            .reshape(4, 4), (3, 0): np.einsum("iabjkabl->ijkl", t).reshape(4, 4)}
    for sites, expect in full.items():
        np.testing.assert_allclose(observables.reduced_density_matrix(rho, L, sites), expect,
                                   atol=1e-12)


# -- size guards -----------------------------------------------------------------------------
@pytest.mark.parametrize("L", [14, 30])
def test_spin_size_is_refused_before_allocation(L):
    """Base: L = 14 took 48 s and 2.6 GB, L = 30 failed allocating 240 GiB without naming L."""
    t0 = time.perf_counter()
    with pytest.raises(SizeError, match=rf"L={L}: .*MAX_ORBITS=400000; the largest L of "
                                        r"this model is 12"):
        ed.steady_state(MetelmannClerkRing.minimal(L=L, alpha=1, delta=0.5))
    with pytest.raises(SizeError,
                       match=rf"L={L}: method=.direct. needs d\^L <= MAX_DIRECT_DIM=128"):
        ed.steady_state(MetelmannClerkRing.minimal(L=L, alpha=1, delta=0.5), method="direct")
    assert time.perf_counter() - t0 < 1.0


def test_memory_guards_name_the_parameter(monkeypatch):
    monkeypatch.setenv("MANYBODY_MEMORY_LIMIT", "2MB")
    t0 = time.perf_counter()
    with pytest.raises(SizeError, match=r"L=9: the symmetric ED needs about .* the largest "
                                        r"L that fits is [4-8]"):
        ed.steady_state(MetelmannClerkRing.minimal(L=9, alpha=1, delta=0.5, kappa=0.1))
    with pytest.raises(SizeError, match=r"L=10: the momentum block .* the largest L that fits"):
        ed.steady_state(NonreciprocalChain(10, gamma_neq=0.5))
    with pytest.raises(SizeError, match=r"L=10: the exclusion process"):
        ed.exclusion_steady_state(NonreciprocalChain(10, gamma_neq=0.5))
    with pytest.raises(SizeError, match=r"batches=100000: the KMC buffers"):
        ed.kmc_steady_state(NonreciprocalChain(8, gamma_neq=0.5), sweeps=100000,
                            batches=100000)
    with pytest.raises(SizeError, match=r"L=1000: the Lyapunov solve"):
        xx.steady_state(BoundaryDrivenXX(1000))
    assert time.perf_counter() - t0 < 5.0  # 1.3 s measured under load, 1.25 s of it the block


def test_fixed_fermion_limits_name_L_and_filling():
    with pytest.raises(SizeError, match=r"L=12, filling=0.5: method='direct' .* MAX_DIRECT_DIM"
                                        r"=300 states, this one has 924"):
        ed.steady_state(NonreciprocalChain(12, gamma_neq=0.5), method="direct")
    with pytest.raises(SizeError, match=r"L=9, filling=0.5: the N=9 sector of 18 modes has "
                                        r"48620 states > MAX_SECTOR_DIM=12870; the largest L "
                                        r"at this filling is 8"):
        ed.steady_state(RashbaZeemanChain(9, gamma_neq=0.5))
    with pytest.raises(SizeError, match=r"L=9, filling=0.5: the N=9 sector of 18 modes has "
                                        r"48620 states > MAX_SECTOR_DIM=12870; the largest "
                                        r"L at this filling is 8"):
        ed.evolve(RashbaZeemanChain(9, gamma_neq=0.5), [0.0, 1.0])
    with pytest.raises(SizeError, match=r"L=300: with dephasing"):
        xx.steady_state(BoundaryDrivenXX(300, dephasing=0.1))


# -- validation at the boundary --------------------------------------------------------------
M1 = NonreciprocalChain(4, gamma_neq=0.5)
SPIN = MetelmannClerkRing.minimal(L=3, alpha=1, delta=0.5)


@pytest.mark.parametrize("call, match", [
    (lambda: ed.steady_state(M1, filling="0.5"), "filling"),
    (lambda: ed.steady_state(M1, filling=float("nan")), "filling"),
    (lambda: ed.steady_state(M1, filling=float("inf")), "filling"),
    (lambda: ed.steady_state(M1, filling=1.5), "filling"),
    (lambda: ed.steady_state(M1, filling=True), "filling"),
    (lambda: ed.steady_state(M1, tol="1e-12"), "tol"),
    (lambda: ed.steady_state(M1, tol=float("nan")), "tol"),
    (lambda: ed.steady_state(M1, tol=0.0), "tol"),
    (lambda: ed.steady_state(M1, tol=0.1), "tol"),
    (lambda: ed.steady_state(M1, method="exact"), "method must be one of 'block', 'direct'"),
    (lambda: ed.steady_state(SPIN, method="block2"), "method must be one of 'symmetric'"),
    (lambda: ed.steady_state(SPIN, filling=0.25), "filling applies to the fermion rings"),
    (lambda: ed.steady_state(SPIN, tol=1e-6), "tol applies to the fermion rings"),
    (lambda: ed.evolve(M1, [1.0, 0.0]), "times"),
    (lambda: ed.evolve(M1, [0.0, float("nan")]), "times"),
    (lambda: ed.evolve(M1, [0.0, 1.0], initial="hot"), "initial must be one of"),
    (lambda: ed.evolve(SPIN, [0.0, 1.0], initial="gibbs"), "initial must be one of"),
    (lambda: ed.secular_steady_state(M1, degeneracy_tol=float("nan")), "degeneracy_tol"),
    (lambda: ed.exclusion_steady_state(M1, filling="half"), "filling"),
    (lambda: ed.kmc_steady_state(M1, sweeps="100"), "sweeps"),
    (lambda: ed.kmc_steady_state(M1, sweeps=1.5), "sweeps"),
    (lambda: ed.kmc_steady_state(M1, burn_in=-1), "burn_in"),
    (lambda: ed.kmc_steady_state(M1, seed=True), "seed"),
    (lambda: ed.kmc_steady_state(M1, batches=1), "batches"),
    (lambda: ed.kmc_steady_state(M1, sweeps=10, batches=20), "sweeps must be >= batches"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, accepted", [
    (lambda m: ed.steady_state(m), "FreeFermionRing or ProductChain"),
    (lambda m: ed.evolve(m, [0.0, 1.0]), "FreeFermionRing or ProductChain"),
    (lambda m: ed.liouvillian(m), "FreeFermionRing"),
    (lambda m: ed.secular_steady_state(m), "FreeFermionRing"),
    (lambda m: ed.exclusion_steady_state(m), "FreeFermionRing"),
    (lambda m: ed.kmc_steady_state(m), "FreeFermionRing"),
    (lambda m: xx.steady_state(m), "BoundaryDrivenXX"),
])
def test_wrong_model_types_are_refused(call, accepted):
    with pytest.raises(TypeError, match=f"model must be a {accepted}, got str"):
        call("ring")
    if accepted == "FreeFermionRing":  # a spin chain where only fermion rings are handled
        with pytest.raises(TypeError, match=f"model must be a {accepted}, got MetelmannClerk"):
            call(SPIN)


# -- KMC error bars against the exact exclusion process --------------------------------------
@pytest.mark.parametrize("model", [NonreciprocalChain(8, gamma_neq=0.5),
                                   RashbaZeemanChain(4, gamma_neq=0.5)])
def test_kmc_error_bar_covers_the_exact_error_even_when_starved(model):
    """Starved runs (one hop per mode per batch, no burn-in): |error| / bar stays below 3 on
    every seed (measured over 30 seeds: rms 0.86-0.97, max 2.3); with fewer than 10 batches the
    bar is unreliable (max ratio 29 with 2 batches), which warns."""
    exact = ed.exclusion_steady_state(model).current
    ratios = []
    for seed in range(5):
        r = ed.kmc_steady_state(model, sweeps=20, batches=20, burn_in=0, seed=seed)
        ratios.append(abs(r.current - exact) / r.diagnostics["current_error"])
    assert max(ratios) < 3.0, ratios
    with pytest.warns(UserWarning, match="batches=4 < 10"):
        ed.kmc_steady_state(model, sweeps=40, batches=4, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ed.kmc_steady_state(model, sweeps=20, batches=10, seed=0)


@pytest.mark.slow
def test_evolve_limit_is_the_projection_onto_the_four_steady_states():
    """RashbaZeemanChain(4, gamma_neq=1): the block Liouvillian has a 4-dimensional kernel;
    the t -> infinity limit of the Gibbs state (its biorthogonal projection onto the kernel)
    carries I = -0.53876, which evolve reaches at t = 1e4 (about 100 s)."""
    from scipy import linalg

    from manybody.ed import solver

    sector = solver._sector(GAMMA1, 0.5)
    H, c_ops = solver.lindblad_operators(GAMMA1, sector)
    block = solver.momentum_block(GAMMA1, sector, H, c_ops)
    w, left, right = linalg.eig(block.superoperator(H, c_ops).toarray(), left=True)
    kernel = np.abs(w) < 1e-9
    assert kernel.sum() == 4
    R, Lh = right[:, kernel], left[:, kernel].conj().T
    E = H.diagonal().real
    s, sp = block.pairs()
    weights = np.exp(-GAMMA1.beta * (E - E.min()))
    x0 = np.where(s == sp, weights[s] / weights.sum(), 0.0)
    rho = block.unpack(R @ np.linalg.solve(Lh @ R, Lh @ x0), sector.dim)
    limit = solver._observe(GAMMA1, sector, rho, {})["current"]
    assert limit == pytest.approx(-0.53876, abs=1e-5)
    gibbs = ed.evolve(GAMMA1, [0.0, 1e4], initial="gibbs")
    assert gibbs.current[-1] == pytest.approx(limit, abs=1e-6)


def test_a_spin_chain_refuses_the_fermion_gibbs_start_naming_the_model():
    """Fuzz find: ed.evolve(spin ring, initial="gibbs") named only `initial`."""
    from manybody.models import MetelmannClerkRing

    with pytest.raises(ValueError, match="for the model MetelmannClerkRing, a product chain"):
        ed.evolve(MetelmannClerkRing.minimal(4, 2.0, 1.5), [0.0, 1.0], initial="gibbs")


# -- a stalled Krylov solve --------------------------------------------------------------
def _stalled(monkeypatch):
    """Both Krylov solvers of the reduced spin system report no convergence."""
    def fail(A, b, x0=None, **kwargs):
        return np.zeros(A.shape[0], dtype=A.dtype), 7
    monkeypatch.setattr(momentum, "bicgstab", fail)
    monkeypatch.setattr(momentum, "gmres", fail)


def test_a_stalled_krylov_solve_falls_back_to_the_checked_sparse_lu(monkeypatch):
    model = BoundaryDrivenXX(5, gamma=1.0, mu=0.4, dephasing=0.2)
    reference = ed.steady_state(model, state=True)
    _stalled(monkeypatch)
    lu = ed.steady_state(model, state=True)
    assert np.abs(lu.state.to_dense() - reference.state.to_dense()).max() < 1e-12
    assert lu.diagnostics["residual"] < 1e-13


def test_the_sparse_lu_fallback_is_refused_above_its_bounds(monkeypatch):
    model = BoundaryDrivenXX(5, gamma=1.0, mu=0.4, dephasing=0.2)  # 512 unknowns
    _stalled(monkeypatch)
    monkeypatch.setenv("MANYBODY_MEMORY_LIMIT", "4MB")  # 16 n^2 = 4.2 MB > 80 % of 4 MB
    with pytest.raises(ConvergenceError, match=r"dimension 512; the sparse-LU fallback may "
                                               r"need up to 4.2e\+06 B \(complete fill-in\)"):
        ed.steady_state(model)
    monkeypatch.delenv("MANYBODY_MEMORY_LIMIT")
    monkeypatch.setattr(momentum, "DIRECT_MAX", 511)
    with pytest.raises(ConvergenceError, match="at most DIRECT_MAX=511 unknowns"):
        ed.steady_state(model)
