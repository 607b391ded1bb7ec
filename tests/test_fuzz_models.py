"""Fuzz the model constructors: valid draws build a model whose numbers are finite and
physical; invalid draws are refused naming the parameter (see ``fuzz_strategies``)."""

from __future__ import annotations

import numpy as np
from fuzz_strategies import (
    bad_choice,
    bad_complex,
    bad_int,
    bad_real,
    dot_valid,
    finite,
    fuzz_case,
    fuzz_settings,
    run_case,
)
from hypothesis import given
from hypothesis import strategies as st

from manybody.models import (
    BoundaryDrivenXX,
    ClassicalWire,
    MetelmannClerkRing,
    NonreciprocalChain,
    QuantumWire,
    RashbaZeemanChain,
    TripleDot,
)

FAST = fuzz_settings(40)

reals = st.floats(-3, 3)
complexes = st.builds(complex, st.floats(-2, 2), st.floats(-2, 2))

RING_COMMON = {"L": st.integers(2, 10), "gamma_neq": st.floats(0, 1), "J": st.floats(0.1, 3),
               "beta": st.floats(0, 20), "eps": st.floats(1e-3, 1)}
RING_BAD = {"L": bad_int(2), "gamma_neq": bad_real(0, 1), "J": bad_real(0, open_lo=True),
            "beta": bad_real(0), "eps": bad_real(0, open_lo=True)}


def check_fermion_ring(model, kwargs, caught) -> None:
    """Mode energies, rates (non-negative) and current weights finite."""
    finite("energies", model.modes.energies)
    W = model.rates().dense()
    finite("rates", W)
    assert W.min() >= 0, f"negative rate {W.min()}"
    for s, w in model.current_weights().items():
        finite(f"current weights {s}", w)


@FAST
@given(fuzz_case(st.fixed_dictionaries({**RING_COMMON, "delta": complexes,
                                        "delta_prime": complexes}),
                 {**RING_BAD, "delta": bad_complex(), "delta_prime": bad_complex()}))
def test_nonreciprocal_chain(case):
    kwargs, broken = case
    run_case("NonreciprocalChain", NonreciprocalChain, kwargs, broken, check_fermion_ring)


@st.composite
def rashba_valid(draw):
    up = draw(st.floats(0, 1))
    return {**draw(st.fixed_dictionaries(RING_COMMON)), "L": draw(st.integers(2, 6)),
            "alpha_y": draw(reals), "alpha_z": draw(reals), "h": draw(reals),
            "gamma_up": up, "gamma_down": 1 - up,
            "crossing": draw(st.sampled_from(["dissipator", "velocity"]))}


@FAST
@given(fuzz_case(rashba_valid(), {**RING_BAD, "alpha_y": bad_real(), "alpha_z": bad_real(),
                                  "h": bad_real(), "gamma_up": bad_real(0, 1),
                                  "gamma_down": bad_real(0, 1),
                                  "crossing": bad_choice(("dissipator", "velocity"))}))
def test_rashba_zeeman_chain(case):
    kwargs, broken = case
    run_case("RashbaZeemanChain", RashbaZeemanChain, kwargs, broken, check_fermion_ring)


def check_spin_chain(model, kwargs, caught) -> None:
    """H Hermitian and jumps finite (many-body matrices of the small chain)."""
    H = model.hamiltonian().toarray()
    finite("H", H)
    assert np.abs(H - H.conj().T).max() < 1e-12, "H is not Hermitian"
    for j in model.jumps():
        finite("jump", j.toarray())


SPIN_RING = {"L": st.integers(3, 6), "alpha": complexes, "beta": complexes, "gamma": complexes,
             "delta": complexes, "mu": reals, "J": st.floats(0, 2), "lam": complexes,
             "kappa": st.floats(0, 2), "flux": st.floats(-7, 7),
             "boundary": st.sampled_from(["periodic", "open"]), "hx": reals, "jzz": reals,
             "dissipation_range": st.sampled_from([1, 2])}
SPIN_RING_BAD = {"L": bad_int(2), "alpha": bad_complex(), "beta": bad_complex(),
                 "gamma": bad_complex(), "delta": bad_complex(), "mu": bad_real(),
                 "J": bad_real(0), "lam": bad_complex(), "kappa": bad_real(0),
                 "flux": bad_real(), "boundary": bad_choice(("periodic", "open")),
                 "hx": bad_real(), "jzz": bad_real(),
                 "dissipation_range": st.sampled_from([0, 3, 1.0, 2.0, True, "1", None])}


@FAST
@given(fuzz_case(st.fixed_dictionaries(SPIN_RING), SPIN_RING_BAD))
def test_metelmann_clerk_ring(case):
    kwargs, broken = case
    run_case("MetelmannClerkRing", MetelmannClerkRing, kwargs, broken, check_spin_chain)


@FAST
@given(fuzz_case(st.fixed_dictionaries({k: SPIN_RING[k] for k in ("L", "alpha", "delta", "mu",
                                                                   "boundary", "kappa")}),
                 {k: SPIN_RING_BAD[k] for k in ("L", "alpha", "delta", "mu", "boundary",
                                                "kappa")}))
def test_metelmann_clerk_minimal(case):
    kwargs, broken = case
    run_case("MetelmannClerkRing.minimal", MetelmannClerkRing.minimal, kwargs, broken,
             check_spin_chain)


@FAST
@given(fuzz_case(st.fixed_dictionaries({"L": st.integers(2, 6), "gamma": st.floats(0.01, 3),
                                        "mu": st.floats(-1, 1), "J": reals,
                                        "dephasing": st.floats(0, 2)}),
                 {"L": bad_int(2), "gamma": bad_real(0, open_lo=True), "mu": bad_real(-1, 1),
                  "J": bad_real(), "dephasing": bad_real(0)}))
def test_boundary_driven_xx(case):
    kwargs, broken = case
    run_case("BoundaryDrivenXX", BoundaryDrivenXX, kwargs, broken, check_spin_chain)


# -- triple dot and wires ---------------------------------------------------------------------

DOT_BAD = {"V": st.sampled_from([("1", "1", "1"), (True, True, True), (1.0, 2.0),
                                 (1.0, np.nan, 1.0), (-1.0, 1.0, 1.0), (0.0, 0.0, 0.0), "111",
                                 1.0, (1.0, np.inf, 1.0)]),
           "beta": bad_real(0, open_lo=True), "mass": bad_real(0, open_lo=True),
           "density": bad_real(0, open_lo=True)}


def check_dot(dot, kwargs, caught) -> None:
    finite("levels", dot.levels)
    g = dot.gibbs()
    finite("gibbs", g)
    assert abs(g.sum() - 1) < 1e-12 and g.min() >= 0, f"Gibbs populations {g}"


@FAST
@given(fuzz_case(dot_valid(), DOT_BAD))
def test_triple_dot(case):
    kwargs, broken = case
    run_case("TripleDot", TripleDot, kwargs, broken, check_dot)


@FAST
@given(fuzz_case(dot_valid().filter(lambda d: "levels" in d),
                 {"levels": st.sampled_from([("0", "1", "2"), (0.0, 0.0, 1.0), (0.0, 1.0),
                                             (0.0, np.nan, 1.0), (True, False, 0.5)])}))
def test_triple_dot_levels(case):
    kwargs, broken = case
    run_case("TripleDot", TripleDot, kwargs, broken, check_dot)


@FAST
@given(fuzz_case(dot_valid().filter(lambda d: "tau" in d),
                 {"tau": bad_real(), "phi": bad_real()}))
def test_triple_dot_tau_phi(case):
    kwargs, broken = case
    run_case("TripleDot", TripleDot, kwargs, broken, check_dot)


CLASSICAL = {"N": st.integers(2, 20).map(lambda n: 2 * n), "p": st.floats(0.01, 1),
             "delta_rho": reals, "I_g": st.floats(-0.5, 0.5), "rho0": st.floats(0.1, 3)}
CLASSICAL_BAD = {"N": bad_int(4) | st.sampled_from([5, 7, 9]), "p": bad_real(0, 1, open_lo=True),
                 "delta_rho": bad_real(), "I_g": bad_real(), "rho0": bad_real()}


@FAST
@given(fuzz_case(st.fixed_dictionaries(CLASSICAL), CLASSICAL_BAD))
def test_classical_wire(case):
    kwargs, broken = case
    run_case("ClassicalWire", ClassicalWire, kwargs, broken, lambda w, kw, caught: None)


@st.composite
def quantum_wire_valid(draw):
    mu_bar = draw(st.floats(-1.8, 1.8))
    room = 2 * (2 - abs(mu_bar))
    return {"N": 2 * draw(st.integers(2, 6)), "gamma": draw(st.floats(0.05, 1.5)),
            "mu_bar": mu_bar, "delta_mu": draw(st.floats(-0.9, 0.9)) * room,
            "I_g": draw(st.floats(-0.02, 0.02)), "gamma_end": draw(st.floats(0.2, 2))}


QUANTUM_BAD = {"N": bad_int(3) | st.sampled_from([5, 7]), "gamma": bad_real(0, open_lo=True),
               "mu_bar": bad_real(-2, 2, open_lo=True, open_hi=True), "delta_mu": bad_real(),
               "I_g": bad_real(), "gamma_end": bad_real(0, open_lo=True),
               "sources": st.sampled_from([(1,), (2, 2), ("2",), (2.0,), (True,)])}


@FAST
@given(fuzz_case(quantum_wire_valid(), QUANTUM_BAD))
def test_quantum_wire(case):
    kwargs, broken = case
    run_case("QuantumWire", QuantumWire, kwargs, broken, lambda w, kw, caught: None)
