"""Fuzz the spin-chain solvers (exact, cluster mean field, MPO) on tiny chains: invalid
options are refused naming the option; answers are physical density matrices (trace 1,
Hermitian, positive reduced states, purity <= 1, |<sigma^z>| <= 1) whose bond currents obey
the operator-norm bound, and MPO currents agree with exact diagonalization within their
error bars (see ``fuzz_strategies``)."""

from __future__ import annotations

import numpy as np
from fuzz_strategies import (
    bad_bool,
    bad_choice,
    bad_int,
    bad_real,
    bad_times,
    bounded,
    density_matrix,
    fuzz_case,
    fuzz_settings,
    in_unit_interval,
    round_trip,
    run_case,
)
from hypothesis import example, given
from hypothesis import strategies as st

import mpo
from manybody import cmf, ed
from manybody.models import (
    BoundaryDrivenXX,
    MetelmannClerkRing,
    NonreciprocalChain,
    TripleDot,
)
from manybody.models.spin import local_matrix

FAST = fuzz_settings(12)
TINY = fuzz_settings(5)

amplitude = st.floats(-2, 2) | st.sampled_from([0.0, 1.0, 2.0])
complexes = st.builds(complex, amplitude, st.floats(-1, 1) | st.just(0.0))
NOT_A_SPIN_CHAIN = st.sampled_from([NonreciprocalChain(4, gamma_neq=0.5),
                                    TripleDot((1, 1, 2), (1, 0, -1), beta=1.0), "ring", None])
NOT_A_MODEL = st.sampled_from([TripleDot((1, 1, 2), (1, 0, -1), beta=1.0), "ring", None])
SPIN_WORDS = ("model", "SpinChain", "MetelmannClerkRing", "BoundaryDrivenXX")


def spin_chains(max_l: int, boundary=("periodic", "open"), general: bool = True,
                min_l: int = 2):
    """Minimal and general Metelmann-Clerk rings/chains and boundary-driven XX chains."""
    b = st.sampled_from(boundary)
    minimal = st.builds(MetelmannClerkRing.minimal, st.integers(3, max_l), amplitude, amplitude,
                        st.floats(-2, 2), boundary=b, kappa=st.floats(0, 1) | st.just(0.0))
    out = minimal
    if general:
        out |= st.builds(MetelmannClerkRing, st.integers(3, max_l), alpha=complexes,
                         beta=complexes, gamma=complexes, delta=complexes, mu=st.floats(-2, 2),
                         J=st.floats(0, 2), lam=complexes, kappa=st.floats(0, 1),
                         flux=st.floats(-4, 4), boundary=b, hx=st.floats(-1, 1),
                         jzz=st.floats(-1, 1), dissipation_range=st.sampled_from([1, 2]))
    if "open" in boundary:
        out |= st.builds(BoundaryDrivenXX, st.integers(min_l, max_l), gamma=st.floats(0.1, 2),
                         mu=st.floats(-1, 1), J=st.floats(-2, 2), dephasing=st.floats(0, 1))
    return out


def bond_bounds(model) -> np.ndarray:
    """|current_profile_b| <= ||sum of the profile's current operators on bond b|| (spectral
    norm of the two-site matrix), e.g. 2|J| + |eta| on the Metelmann-Clerk ring."""
    out = []
    for bond in model.bonds:
        terms = model.current_terms(bond)
        op = sum(local_matrix(terms[k], bond) for k in model.PROFILE_PARTS)
        out.append(np.linalg.norm(op, 2))
    return np.array(out)


def check_profile(model, profile, tol: float = 1e-8) -> None:
    p = np.atleast_2d(profile)
    bound = bond_bounds(model)
    for row in p:
        bounded("current_profile", row / np.maximum(bound, 1e-300), 1.0, tol)


def check_spin_ed(r, kwargs, caught, tol: float = 1e-8) -> None:
    model, d = kwargs["model"], r.diagnostics
    for key in ("trace_error", "hermiticity_error"):
        if key in d:
            assert d[key] < tol, f"{key} = {d[key]}"
    check_profile(model, r.current_profile)
    bounded("sz", r.sz, 1.0)
    purity = np.asarray(r.purity)
    assert np.all(purity <= 1 + tol) and np.all(purity >= 2.0**-model.L - tol), \
        f"purity {purity} outside [2^-L, 1]"
    if r.kind == "steady_state":
        density_matrix("rdm01", r.rdm01, tol)
        in_unit_interval("negativity", 2 * np.asarray(r.negativity))
        round_trip(r)


@FAST
@given(fuzz_case(st.fixed_dictionaries({"model": spin_chains(4),
                                        "method": st.sampled_from(["block", "direct"])}),
                 {"model": NOT_A_MODEL, "method": bad_choice(("block", "direct"))}))
@example(({"model": MetelmannClerkRing.minimal(6, 2.0, 0.0), "method": "direct"}, None))
def test_ed_spin_steady_state(case):
    kwargs, broken = case
    run_case("ed.steady_state (spins)", ed.steady_state, kwargs, broken, check_spin_ed,
             SPIN_WORDS)


times = st.lists(st.floats(0, 10), min_size=2, max_size=4, unique=True).map(sorted)


@FAST
@given(fuzz_case(st.fixed_dictionaries({"model": spin_chains(5), "times": times,
                                        "initial": st.sampled_from(["down", "up",
                                                                    "infinite_temperature"])}),
                 {"model": NOT_A_MODEL, "times": bad_times(),
                  "initial": bad_choice(("down", "up", "infinite_temperature"))}))
def test_ed_spin_evolve(case):
    kwargs, broken = case
    run_case("ed.evolve (spins)", ed.evolve, kwargs, broken, check_spin_ed, SPIN_WORDS)


def check_cmf(r, kwargs, caught) -> None:
    for name in ("rho_a", "rho_b"):
        density_matrix(name, r.observables[name])
    model = kwargs["model"]
    bound = bond_bounds(model).max()  # every bond of a ring has the same operator norm
    bounded("current_profile", r.current_profile, bound)
    bounded("sz", r.sz, 1.0)
    assert r.purity <= 1 + 1e-9, f"purity {r.purity}"
    if kwargs.get("solution", "stable") == "stable":
        assert r.diagnostics["stable"], "solution='stable' returned an unstable fixed point"


@fuzz_settings(4)
@given(fuzz_case(st.fixed_dictionaries(
    {"model": spin_chains(6, boundary=("periodic",)),
     "solution": st.sampled_from(["stable", "x-state"]), "n_starts": st.integers(1, 3),
     "seed": st.integers(0, 1000)}),
    {"model": NOT_A_SPIN_CHAIN | st.just(MetelmannClerkRing.minimal(4, 2.0, 1.5,
                                                                    boundary="open")),
     "solution": bad_choice(("stable", "x-state")), "n_starts": bad_int(1),
     "seed": bad_int(0)}))
@example(({"model": MetelmannClerkRing.minimal(4, 1.0, 0.5), "n_starts": 0}, "n_starts"))
def test_cmf_steady_state(case):
    kwargs, broken = case
    run_case("cmf.steady_state", cmf.steady_state, kwargs, broken, check_cmf,
             (*SPIN_WORDS, "boundary"))


# -- MPO: tiny chains, compared with exact diagonalization -----------------------------------

def check_mpo(r, kwargs, caught) -> None:
    model, obs = kwargs["model"], r.observables
    check_profile(model, r.current_profile, 1e-6)
    bounded("sz", r.sz, 1.0, 1e-6)
    for key in ("trace_error", "hermiticity_error"):
        if key in obs:
            assert obs[key] < 1e-6, f"{key} = {obs[key]}"
    assert obs["rdm_min_eigenvalue"] > -1e-6 or RuntimeWarning in caught, \
        f"negative reduced state ({obs['rdm_min_eigenvalue']}) without a warning"
    try:
        exact = ed.steady_state(model)
    except RuntimeError:  # several steady states (DegenerateSteadyStateError): no reference
        return
    error = abs(r.current - exact.current)
    bar = r.diagnostics.get("error", 10 * kwargs.get("tol", 1e-8))
    if not np.isfinite(bar) or (r.method == "mpo-variational" and RuntimeWarning in caught):
        assert RuntimeWarning in caught, "a NaN/inf error bar without a warning"
        return  # the run said its number is not trustworthy
    assert error <= bar + 1e-9, f"|I - I_exact| = {error:.2e} > error bar {bar:.2e}"


MPO_BAD = {"model": NOT_A_SPIN_CHAIN, "max_bond": bad_int(1), "tol": bad_real(0, open_lo=True),
           "cutoff": bad_real(0, 1, open_hi=True), "progress": bad_bool()}
chains = spin_chains(4, general=False)


@TINY
@given(fuzz_case(st.fixed_dictionaries(
    {"model": chains, "max_bond": st.integers(1, 16), "dt": st.floats(0.05, 0.2),
     "t_max": st.floats(10, 40), "tol": st.floats(1e-4, 1e-2), "order": st.sampled_from([2, 4]),
     "progress": st.just(False)}),
    {**MPO_BAD, "dt": bad_real(0, open_lo=True), "t_max": bad_real(0, open_lo=True),
     "order": st.sampled_from([3, "2", 2.0, True]), "warmup": bad_bool(),
     "richardson": bad_bool(), "check_interval": bad_real(0, open_lo=True)}))
@example(({"model": MetelmannClerkRing.minimal(4, 2.0, 1.5), "max_bond": 1, "dt": 0.1,
           "t_max": 20.0, "tol": 1e-3, "progress": False}, None))  # issue 12: I = 0 +- 1e-12
def test_mpo_steady_state(case):
    kwargs, broken = case
    run_case("mpo.steady_state", mpo.steady_state, kwargs, broken, check_mpo, SPIN_WORDS)


@TINY
@given(fuzz_case(st.fixed_dictionaries(
    {"model": spin_chains(4, boundary=("open",), general=False, min_l=3),
     "max_bond": st.integers(1, 8),
     "tol": st.floats(1e-6, 1e-4), "max_sweeps": st.integers(4, 20),
     "progress": st.just(False)}),
    {**MPO_BAD, "max_sweeps": bad_int(1), "local_tol": bad_real(0, open_lo=True),
     "initial": bad_choice(("mixed", "down", "up"))}))
@example(({"model": BoundaryDrivenXX(2), "progress": False}, "model"))  # quimb's DMRG2: L >= 3
@example(({"model": BoundaryDrivenXX(3, gamma=1, mu=0.42, J=0.61, dephasing=0.61),
           "max_bond": 2, "tol": 4.3e-5, "max_sweeps": 8, "progress": False}, None))  # warns
def test_mpo_variational_steady_state(case):
    kwargs, broken = case
    run_case("mpo.variational_steady_state", mpo.variational_steady_state, kwargs, broken,
             check_mpo, SPIN_WORDS)
