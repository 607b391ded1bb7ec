"""Fuzz the fermion-ring solvers (tGGE, exact, secular, exclusion, kinetic Monte Carlo) at
small sizes: invalid options are refused naming the option; answers have occupations in
[0, 1], the particle number asked for, a current within the model's bound, and the exact
methods flag a steady state that is not unique (see ``fuzz_strategies``)."""

from __future__ import annotations

import numpy as np
from fuzz_strategies import (
    bad_bool,
    bad_choice,
    bad_int,
    bad_real,
    bad_times,
    bounded,
    finite,
    fuzz_case,
    fuzz_settings,
    in_unit_interval,
    round_trip,
    run_case,
)
from hypothesis import example, given
from hypothesis import strategies as st

from manybody import ed, tgge
from manybody.errors import DegenerateSteadyStateWarning
from manybody.models import (
    MetelmannClerkRing,
    NonreciprocalChain,
    QuantumWire,
    RashbaZeemanChain,
    TripleDot,
)

FAST = fuzz_settings(30)

complexes = st.builds(complex, st.floats(-2, 2), st.floats(-2, 2))
NOT_A_RING = st.sampled_from([
    MetelmannClerkRing.minimal(4, 2.0, 1.5), TripleDot((1, 1, 2), (1, 0, -1), beta=1.0),
    QuantumWire(4, 0.5, 0.0, 0.1, 0.01), "nonreciprocal", None])
RING_WORDS = ("model", "FreeFermionRing", "NonreciprocalChain", "RashbaZeemanChain")
# ed.steady_state and ed.evolve take spin chains too (a spin ring is valid there)
NOT_A_MODEL = st.sampled_from([TripleDot((1, 1, 2), (1, 0, -1), beta=1.0),
                               QuantumWire(4, 0.5, 0.0, 0.1, 0.01), "nonreciprocal", None])


def rings(max_l1: int, max_l2: int, max_beta: float = 10) -> st.SearchStrategy:
    """Model 1 with L <= max_l1 or model 2 with L <= max_l2, random baths and temperature.

    The thermal rates grow as exp(2 beta J), so the time evolutions draw beta <= 3 (at
    beta = 10, ``ed.evolve`` to t = 1 runs for minutes: reported in issue 12)."""
    common = {"gamma_neq": st.floats(0, 1) | st.sampled_from([0.0, 1.0]),
              "beta": st.floats(0, max_beta), "eps": st.floats(0.01, 1), "J": st.floats(0.2, 2)}
    m1 = st.builds(NonreciprocalChain, st.integers(2, max_l1), delta=complexes,
                   delta_prime=complexes, **common)
    up = st.floats(0, 1) | st.sampled_from([0.0, 1.0])
    m2 = st.builds(lambda u, **kw: RashbaZeemanChain(gamma_up=u, gamma_down=1 - u, **kw),
                   up, L=st.integers(2, max_l2), alpha_y=st.floats(-2, 2),
                   alpha_z=st.floats(-2, 2), h=st.floats(-2, 2),
                   crossing=st.sampled_from(["dissipator", "velocity"]), **common)
    return m1 | m2


def current_bound(model) -> float:
    r"""|I| <= sum_k ||V(k)||_1 for any correlation matrix 0 <= C(k) <= 1 (Eq. 13 / 23), and
    for model 1 also |I| <= 2J (the largest group velocity)."""
    V = sum(model.current_matrices().values())
    bound = float(sum(np.linalg.norm(v, "nuc") for v in V))
    return min(bound, 2 * model.J) if isinstance(model, NonreciprocalChain) else bound


def distributions(model, N: int) -> int:
    """Number of ways to share N particles among the components of the rate graph: more
    than one means more than one steady state (no jump moves particles between them)."""
    sizes = np.bincount(tgge.rate_components(model.rates()))
    ways = np.array([1])
    for s in sizes:
        ways = np.convolve(ways, np.ones(s + 1, dtype=int))
    return int(ways[N]) if N < ways.size else 0


@st.composite
def exact_case(draw, max_l1: int = 6, max_l2: int = 3, max_beta: float = 10):
    model = draw(rings(max_l1, max_l2, max_beta))
    N = draw(st.integers(0, model.n_modes))
    return {"model": model, "filling": N / model.n_modes}


def check_fermion_state(r, kwargs, caught, *, exact: bool, tol: float = 1e-8) -> None:
    model = kwargs["model"]
    n = np.asarray(r.occupations, dtype=float)
    in_unit_interval("occupations", n)
    N = kwargs.get("filling", 0.5) * model.n_modes
    drift = np.abs(np.asarray(r.particle_number) - N).max()
    assert drift < 1e-6, f"particle number off by {drift} from {N}"
    bounded("current", r.current, current_bound(model))
    if r.kind == "steady_state":
        d = r.diagnostics
        for key in ("trace_error", "hermiticity_error"):
            if key in d:
                assert d[key] < tol, f"{key} = {d[key]}"
        if exact and distributions(model, round(N)) > 1:
            assert DegenerateSteadyStateWarning in caught, \
                "several steady states (disconnected rate graph) returned without a warning"
    round_trip(r)


EXACT_BAD = {"model": NOT_A_RING, "filling": bad_real(0, 1) | st.just(0.37)}
ED_BAD = EXACT_BAD | {"model": NOT_A_MODEL}


@FAST
@given(fuzz_case(exact_case().flatmap(lambda c: st.fixed_dictionaries(
    {**{k: st.just(v) for k, v in c.items()}, "method": st.sampled_from(["block", "direct"]),
     "tol": st.floats(1e-14, 1e-8)})),
    {**ED_BAD, "method": bad_choice(("block", "direct")),
     "tol": bad_real(0, 1e-2, open_lo=True)}))
@example(({"model": RashbaZeemanChain(4, gamma_neq=1.0), "filling": 0.5, "method": "block",
           "tol": 1e-12}, None))  # issue 12: one of four steady states, no warning
def test_ed_steady_state(case):
    kwargs, broken = case
    run_case("ed.steady_state (fermions)", ed.steady_state, kwargs, broken,
             lambda r, kw, c: check_fermion_state(r, kw, c, exact=True), RING_WORDS)


@FAST
@given(fuzz_case(exact_case().flatmap(lambda c: st.fixed_dictionaries(
    {**{k: st.just(v) for k, v in c.items()}, "degeneracy_tol": st.floats(1e-12, 1e-6)})),
    {**EXACT_BAD, "degeneracy_tol": bad_real(0)}))
def test_ed_secular_steady_state(case):
    kwargs, broken = case
    run_case("ed.secular_steady_state", ed.secular_steady_state, kwargs, broken,
             lambda r, kw, c: check_fermion_state(r, kw, c, exact=True), RING_WORDS)


@FAST
@given(fuzz_case(exact_case(8, 4), EXACT_BAD))
def test_ed_exclusion_steady_state(case):
    kwargs, broken = case
    run_case("ed.exclusion_steady_state", ed.exclusion_steady_state, kwargs, broken,
             lambda r, kw, c: check_fermion_state(r, kw, c, exact=True), RING_WORDS)


times = st.lists(st.floats(0, 20), min_size=2, max_size=4, unique=True).map(sorted)


@FAST
@given(fuzz_case(exact_case(4, 2, max_beta=3).flatmap(lambda c: st.fixed_dictionaries(
    {**{k: st.just(v) for k, v in c.items()}, "times": times,
     "initial": st.sampled_from(["infinite_temperature", "gibbs"])})),
    {**ED_BAD, "times": bad_times(),
     "initial": bad_choice(("infinite_temperature", "gibbs"))}))
def test_ed_evolve(case):
    kwargs, broken = case
    run_case("ed.evolve (fermions)", ed.evolve, kwargs, broken,
             lambda r, kw, c: check_fermion_state(r, kw, c, exact=False), RING_WORDS)


@st.composite
def kmc_valid(draw):
    c = draw(exact_case(12, 6))
    batches = draw(st.integers(2, 8))
    return {**c, "sweeps": draw(st.integers(batches, 40)), "batches": batches,
            "burn_in": draw(st.integers(0, 20)), "seed": draw(st.integers(0, 2**31))}


def check_kmc(r, kwargs, caught) -> None:
    check_fermion_state(r, kwargs, caught, exact=False)
    err = finite("current_error", r.diagnostics["current_error"])
    assert err >= 0, f"current_error {err}"


@FAST
@given(fuzz_case(kmc_valid(), {**EXACT_BAD, "sweeps": bad_int(2), "batches": bad_int(2),
                               "burn_in": bad_int(0), "seed": bad_int(0)}))
@example(({"model": NonreciprocalChain(4, gamma_neq=0.5), "filling": 1.0, "sweeps": 20,
           "batches": 2, "burn_in": 0, "seed": 0}, None))
def test_kmc_steady_state(case):
    kwargs, broken = case
    run_case("ed.kmc_steady_state", ed.kmc_steady_state, kwargs, broken, check_kmc, RING_WORDS)


# -- tGGE -------------------------------------------------------------------------------------

TGGE_BAD = {"model": NOT_A_RING, "filling": bad_real(0, 1).filter(lambda v: v is not None),
            "kernel": bad_choice(("auto", "factorized", "dense"))}


def check_tgge(r, kwargs, caught) -> None:
    check_fermion_state(r, {"filling": 0.5, **kwargs}, caught, exact=False)
    if r.kind == "steady_state":
        tol = kwargs.get("tol", 1e-8)
        assert r.diagnostics["residual"] <= tol, f"residual {r.diagnostics['residual']} > {tol}"


@FAST
@given(fuzz_case(st.fixed_dictionaries(
    {"model": rings(40, 20), "filling": st.floats(0, 1), "tol": st.floats(1e-12, 1e-4),
     "initial": st.sampled_from(["infinite_temperature", "gibbs"]),
     "kernel": st.sampled_from(["auto", "factorized", "dense"]),
     "ensemble": st.sampled_from(["grand_canonical"])}),
    {**TGGE_BAD, "tol": bad_real(0, 1e-2, open_lo=True),
     "initial": bad_choice(("infinite_temperature", "gibbs")),
     "ensemble": bad_choice(("grand_canonical", "canonical"))}))
def test_tgge_steady_state(case):
    kwargs, broken = case
    run_case("tgge.steady_state", tgge.steady_state, kwargs, broken, check_tgge, RING_WORDS)


@FAST
@given(fuzz_case(st.fixed_dictionaries(
    {"model": rings(16, 8, max_beta=3), "filling": st.floats(0, 1), "times": times,
     "initial": st.sampled_from(["infinite_temperature", "gibbs"]),
     "rtol": st.floats(1e-10, 1e-6), "atol": st.floats(1e-12, 1e-8),
     "progress": st.just(False)}),
    {**TGGE_BAD, "times": bad_times(), "rtol": bad_real(0, open_lo=True),
     "atol": bad_real(0, open_lo=True), "progress": bad_bool()}))
def test_tgge_evolve(case):
    kwargs, broken = case
    run_case("tgge.evolve", tgge.evolve, kwargs, broken, check_tgge, RING_WORDS)
