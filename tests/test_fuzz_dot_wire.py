"""Fuzz the triple-dot rate model (ldl) and the source-drain wire solvers: invalid options are
refused naming the option; answers conserve probability (populations sum to 1, no net flow
into a level, the Gibbs state stationary, entropy production >= 0) and charge (Kirchhoff at
every node of the wire; the classical current equals Eq. 8) (see ``fuzz_strategies``)."""

from __future__ import annotations

import numpy as np
from fuzz_strategies import (
    bad_bool,
    bad_int,
    bad_real,
    bad_times,
    dot_valid,
    finite,
    fuzz_case,
    fuzz_settings,
    in_unit_interval,
    round_trip,
    run_case,
)
from hypothesis import example, given
from hypothesis import strategies as st

from manybody import ldl, wire
from manybody.models import ClassicalWire, NonreciprocalChain, QuantumWire, TripleDot
from manybody.wire import analytic

FAST = fuzz_settings(30)


dots = dot_valid().map(lambda kw: TripleDot(**kw))


NOT_A_DOT = st.sampled_from([NonreciprocalChain(4, gamma_neq=0.5),
                             ClassicalWire(4, 0.5, 0.1, 0.01), "dot", None])
DOT_WORDS = ("dot", "TripleDot")
DOT_BAD = {"dot": NOT_A_DOT, "nodes": bad_int(4)}


def check_populations(p, tol: float = 1e-12) -> None:
    in_unit_interval("populations", p, tol)
    drift = np.abs(np.sum(p, axis=-1) - 1).max()
    assert drift < 1e-10, f"populations sum to 1 + {drift:.1e}"


def check_solve(r, kwargs, caught) -> None:
    p, K, a = r.occupations, r.observables["K"], r.observables["rates"]
    check_populations(p)
    finite("rates", a)
    assert a.min() >= 0, f"negative rate {a.min()}"
    scale = max(np.abs(a).max() * p.max(), 1e-300)
    assert np.abs(K + K.T).max() <= 1e-12 * scale, "K is not antisymmetric"
    net = K.sum(axis=1)
    assert np.abs(net).max() <= 1e-10 * scale, f"net flow into the levels {net}"
    loop = np.array([K[0, 2], K[1, 0], K[2, 1]])  # - -> + -> 0 -> -
    assert np.ptp(loop) <= 1e-10 * scale, f"loop currents differ: {loop}"
    assert r.current == K[0, 2]
    # property 2 of the paper: the Gibbs state is stationary for every V (unless the
    # quadrature warned that the rates are not converged)
    if ldl.QuadratureWarning in caught:
        return
    gibbs = r.observables["gibbs"]
    round_trip(r)
    assert np.abs(p - gibbs).max() < 1e-8, f"p - p_eq = {np.abs(p - gibbs).max():.1e}"


@FAST
@given(fuzz_case(st.fixed_dictionaries({"dot": dots, "nodes": st.integers(8, 32)}), DOT_BAD))
@example(({"dot": TripleDot((1.0, 0.7, 1.5), (0.5, 0.0, -0.5), beta=1000.0)}, None))
def test_ldl_solve(case):
    kwargs, broken = case
    run_case("ldl.solve", ldl.solve, kwargs, broken, check_solve, DOT_WORDS)


@FAST
@given(fuzz_case(st.fixed_dictionaries({"dot": dots, "nodes": st.integers(8, 32)}), DOT_BAD))
def test_ldl_steady_state(case):
    kwargs, broken = case
    run_case("ldl.steady_state", ldl.steady_state, kwargs, broken,
             lambda p, kw, c: check_populations(p), DOT_WORDS)


def check_evolve(r, kwargs, caught) -> None:
    check_populations(r.occupations, 1e-10)
    sigma = r.observables["entropy_production"]
    ok = np.isfinite(sigma)
    # Spohn: the relative entropy to the (stationary) Gibbs state never grows
    scale = np.abs(r.occupations).max() * np.abs(ldl.rates(kwargs["dot"])).max()
    assert np.all(sigma[ok] >= -1e-10 * scale), f"negative entropy production {sigma[ok].min()}"


probabilities = st.lists(st.floats(0, 1), min_size=3, max_size=3).filter(
    lambda x: sum(x) > 0.1).map(lambda x: list(np.asarray(x) / sum(x)))


@FAST
@given(fuzz_case(st.fixed_dictionaries(
    {"dot": dots, "p0": probabilities, "nodes": st.integers(8, 32),
     "times": st.lists(st.floats(0, 50), min_size=2, max_size=5, unique=True).map(sorted)}),
    {**DOT_BAD, "times": bad_times(),
     "p0": st.sampled_from([[0.5, 0.5, 0.5], [np.nan, 0.5, 0.5], [-0.1, 0.6, 0.5], "abc",
                            [0.5, 0.5], ["0.2", "0.3", "0.5"], [1.0, np.inf, -np.inf]])}))
@example(({"dot": TripleDot((1.0, 0.7, 1.5), (0.5, 0.0, -0.5), beta=2.0), "p0": [1, 0, 0],
           "times": [0.0, float("nan"), 1.0]}, "times"))
def test_ldl_evolve(case):
    kwargs, broken = case
    run_case("ldl.evolve", ldl.evolve, kwargs, broken, check_evolve, DOT_WORDS)


# -- wires ------------------------------------------------------------------------------------

def check_classical(r, kwargs, caught) -> None:
    J, N, I_g = r.J, kwargs["N"], kwargs["I_g"]
    finite("J", J)
    scale = max(np.abs(J).max(), abs(I_g), abs(kwargs["delta_rho"]), kwargs["rho0"])
    x = np.arange(2, N)
    kirchhoff = J[1:] - J[:-1] - (-1.0) ** x * I_g  # node x gains (-1)^x I_g: source/drain
    assert np.abs(kirchhoff).max() <= 1e-10 * scale, f"Kirchhoff violated: {kirchhoff}"
    eq8 = analytic.classical_currents(N, kwargs["p"], kwargs["delta_rho"], I_g)
    assert abs(r.I_in - eq8) <= 1e-10 * max(abs(eq8), scale), f"I_in {r.I_in} != Eq. 8 {eq8}"
    assert abs(r.I_out - eq8) <= 1e-10 * max(abs(eq8), scale), f"I_out {r.I_out} != {eq8}"
    round_trip(r)


@FAST
@given(fuzz_case(st.fixed_dictionaries(
    {"N": st.integers(2, 30).map(lambda n: 2 * n), "p": st.floats(0.01, 1),
     "delta_rho": st.floats(-2, 2), "I_g": st.floats(-0.5, 0.5), "rho0": st.floats(0.1, 3)}),
    {"N": bad_int(4) | st.sampled_from([5, 7]), "p": bad_real(0, 1, open_lo=True),
     "delta_rho": bad_real(), "I_g": bad_real(), "rho0": bad_real()}))
def test_classical_steady_state(case):
    kwargs, broken = case
    run_case("wire.classical_steady_state", wire.classical_steady_state, kwargs, broken,
             check_classical)


@st.composite
def quantum_wires(draw):
    mu_bar = draw(st.floats(-1.8, 1.8))
    room = 2 * (2 - abs(mu_bar))
    return QuantumWire(2 * draw(st.integers(2, 6)), draw(st.floats(0.05, 1.5)), mu_bar,
                       draw(st.floats(-0.5, 0.5)) * room, draw(st.floats(-0.02, 0.02)),
                       gamma_end=draw(st.floats(0.2, 2)))


def check_quantum(r, kwargs, caught) -> None:
    w = kwargs["wire"]
    J, bath = finite("J", r.J), np.nan_to_num(r.I, nan=0.0)
    inflow = np.r_[0.0, J] - np.r_[J, 0.0] + bath  # into node l: J_{l-1} - J_l + I_l
    scale = max(np.abs(J).max(), abs(w.I_g), abs(w.delta_mu), 1e-300)
    assert np.abs(inflow).max() <= 1e-9 * scale, f"Kirchhoff violated: {inflow}"
    tol = kwargs.get("tol", 1e-11) * max(abs(w.I_g), abs(w.delta_mu) / (2 * np.pi))
    for sites, sign in ((w.sources, 1), (w.drains, -1)):
        err = np.abs(bath[np.asarray(sites) - 1] - sign * w.I_g)
        assert err.max() <= tol * (1 + 1e-6) + 1e-15, f"contact currents off by {err.max()}"
    mu = r.mu[np.isfinite(r.mu)]
    assert np.all(np.abs(mu) < 2), f"a chemical potential outside the band: {mu}"
    round_trip(r)


@FAST
@given(fuzz_case(st.fixed_dictionaries(
    {"wire": quantum_wires(), "linear_response": st.booleans(), "nodes": st.integers(4, 24),
     "tol": st.floats(1e-11, 1e-7), "max_iter": st.integers(10, 50)}),
    {"wire": st.sampled_from([ClassicalWire(4, 0.5, 0.1, 0.01), "wire",
                              TripleDot((1, 1, 2), (1, 0, -1), beta=1.0)]),
     "linear_response": bad_bool(), "nodes": bad_int(1), "tol": bad_real(0, open_lo=True),
     "max_iter": bad_int(1)}))
@example(({"wire": QuantumWire(6, 0.5, 1.0, 0.1, 0.005), "linear_response": "no"},
           "linear_response"))
@example(({"wire": QuantumWire(6, 0.5, 1.0, 0.1, 0.005), "tol": float("nan")}, "tol"))
def test_quantum_steady_state(case):
    kwargs, broken = case
    run_case("wire.quantum_steady_state",
             lambda wire, **kw: wire_module.quantum_steady_state(wire, **kw),
             kwargs, broken, check_quantum, ("wire", "QuantumWire"))


wire_module = wire
