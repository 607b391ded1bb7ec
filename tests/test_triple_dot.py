"""Triple quantum dot in the low-density limit (Alicki et al., PRL 131, 040401).

Checked against properties the paper proves or states, not against the code's own output:
the Gibbs state is stationary for every V (property 2), detailed balance returns with two
equal V or in the Born limit, Eq. (30), closed probability loops, Eqs. (25)-(27), (32).
"""

import warnings

import numpy as np
import pytest

from manybody import ldl
from manybody.models import TripleDot

FIG1 = {"V": (1.0, 0.7, 1.5), "levels": (0.5, 0.0, -0.5)}
P, Z, M = 0, 1, 2  # indices of the levels +, 0, -


def test_eq28_spectrum_and_eigenstates():
    tau, phi = 0.3, 0.2
    z = np.exp(2j * np.pi * phi / 3)
    H = tau * np.array([[0, 1 / z, z], [z, 0, 1 / z], [1 / z, z, 0]])  # Eq. (28)
    dot = TripleDot(V=(1, 1, 1), tau=tau, phi=phi, beta=1.0)
    np.testing.assert_allclose(dot.hamiltonian(), H, atol=1e-15)
    np.testing.assert_allclose(np.sort(dot.levels), np.linalg.eigvalsh(H), atol=1e-14)
    # Fig. 1's levels are Eq. (28) at phi = 3/4, tau = 0.5/sqrt(3)
    fig1 = TripleDot(V=(1, 1, 1), tau=0.5 / np.sqrt(3), phi=0.75, beta=1.0)
    np.testing.assert_allclose(fig1.levels, FIG1["levels"], atol=1e-15)


@pytest.mark.parametrize("V", [(1.0, 0.7, 1.5), (0.2, 3.0, 0.05), (2.0, 0.0, 0.5)])
@pytest.mark.parametrize("beta", [0.3, 2.0, 20.0])
def test_gibbs_state_is_stationary_for_any_V(V, beta):
    dot = TripleDot(V=V, levels=(0.5, 0.0, -0.5), beta=beta)
    W = ldl.generator(dot)
    peq = dot.gibbs()
    assert np.abs(W @ peq).max() < 1e-13 * np.abs(W).max()
    r = ldl.solve(dot)
    np.testing.assert_allclose(r.occupations, peq, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(ldl.steady_state(dot), r.occupations, rtol=1e-15)
    # and detailed balance is violated there (all V different): a persistent current
    if len(set(V)) == 3:
        assert abs(r.current) > 0.01 * r.rates[P, M] * peq[M]  # one-way flux - -> +


def test_detailed_balance_is_violated_in_fig1():
    R = ldl.detailed_balance_ratios(TripleDot(**FIG1, beta=2.0))
    assert np.all(np.abs(R[~np.eye(3, dtype=bool)] - 1) > 0.1)
    np.testing.assert_allclose(R * R.T, np.ones((3, 3)), rtol=1e-14)


@pytest.mark.parametrize("V", [(1.0, 1.0, 1.5), (1.0, 0.7, 0.7), (1.5, 0.7, 1.5)])
def test_two_equal_couplings_restore_detailed_balance(V):
    for beta in (0.5, 4.0):
        R = ldl.detailed_balance_ratios(TripleDot(V=V, levels=FIG1["levels"], beta=beta))
        np.testing.assert_allclose(R, 1.0, atol=1e-12)


def test_born_limit_restores_detailed_balance_linearly():
    dev = []
    for s in (0.04, 0.02, 0.01):
        dot = TripleDot(V=s * np.array(FIG1["V"]), levels=FIG1["levels"], beta=2.0)
        dev.append(np.abs(ldl.detailed_balance_ratios(dot) - 1).max())
    assert dev[-1] < 0.01
    # the violation starts at third order in V: |I - 1| = O(V)
    np.testing.assert_allclose(dev[0] / dev[1], 2.0, rtol=0.03)
    np.testing.assert_allclose(dev[1] / dev[2], 2.0, rtol=0.015)


def test_low_temperature_limit_of_I_0_minus():
    # Below E_+ the closed channel + only adds a Hermitian effective interaction, so
    # |t_0-| = |t_-0| there and I(0,-) - 1 comes from E > E_+: ~ exp(-beta (E_+ - E_0)).
    devs = [ldl.detailed_balance_ratios(TripleDot(**FIG1, beta=b))[Z, M] - 1 for b in (20, 30)]
    assert 0 < devs[1] < devs[0] < 1e-4
    assert np.log(devs[0] / devs[1]) == pytest.approx(10 * 0.5, rel=0.1)


@pytest.mark.parametrize("beta", [0.5, 2.0, 8.0])
def test_thermalization_conditions_eq30(beta):
    (la, ra), (lb, rb) = ldl.thermalization_conditions(TripleDot(**FIG1, beta=beta))
    assert abs(la) > 1e-8 and abs(lb) > 1e-8
    assert la == pytest.approx(ra, rel=1e-10)
    assert lb == pytest.approx(rb, rel=1e-10)


def test_persistent_probability_currents_form_a_closed_loop():
    dot = TripleDot(**FIG1, beta=2.0)
    a, R, peq = ldl.rates(dot), ldl.detailed_balance_ratios(dot), dot.gibbs()
    K = ldl.probability_currents(dot)
    np.testing.assert_allclose(K, -K.T, atol=1e-20)
    scale = np.abs(K).max()
    assert scale > 1e-6
    np.testing.assert_allclose(K.sum(axis=1), 0.0, atol=1e-12 * scale)  # no net flow
    loop = [K[P, M], K[Z, P], K[M, Z]]  # - -> + -> 0 -> -
    np.testing.assert_allclose(loop, loop[0], rtol=1e-10)
    # Eq. (31) with p^eq_j: K_jk = a_kj p_j [I(j,k) - 1]; the printed p^eq_k is wrong
    j, k = P, M
    assert K[j, k] == pytest.approx(a[k, j] * peq[j] * (R[j, k] - 1), rel=1e-10)
    assert abs(a[k, j] * peq[k] * (R[j, k] - 1) - K[j, k]) > 0.5 * abs(K[j, k])


def test_heat_currents_eq32():
    beta = 2.0
    dot = TripleDot(**FIG1, beta=beta)
    a, R, E = ldl.rates(dot), ldl.detailed_balance_ratios(dot), dot.levels
    J = ldl.heat_currents(dot)
    pairs = [(P, M), (Z, P), (M, Z)]  # around the loop
    assert sum(J[i, j] for i, j in pairs) == pytest.approx(0.0, abs=1e-12 * np.abs(J).max())
    zsum = 1 + np.exp(-beta * (E[M] - E[Z])) + np.exp(-beta * (E[P] - E[Z]))
    N = a[M, P] * np.exp(-beta * (E[P] - E[Z])) / zsum  # corrected: E_+ where Eq. (32) has E_-
    for i, j in pairs:
        assert J[i, j] == pytest.approx(N * (R[P, M] - 1) * (E[i] - E[j]), rel=1e-10)
    # and the definition above Eq. (32), -beta^-1 K ln(p_m/p_l), term by term
    K, peq = ldl.probability_currents(dot), dot.gibbs()
    np.testing.assert_allclose(J, -K * np.log(peq[:, None] / peq[None, :]) / beta,
                               atol=1e-12 * np.abs(J).max())


def test_entropy_production_eqs_25_to_27():
    dot = TripleDot(**FIG1, beta=2.0)
    rng = np.random.default_rng(1)
    for p in rng.dirichlet(np.ones(3), size=5):
        s = ldl.entropy_production(dot, p)
        assert s["total"] >= 0  # Spohn
        assert s["schnakenberg"] + s["detailed_balance_violation"] == pytest.approx(
            s["total"], rel=1e-10)
    s = ldl.entropy_production(dot, dot.gibbs())
    assert abs(s["total"]) < 1e-15
    assert s["equilibrium_violation_term"] < 0  # Eq. (27)
    assert s["detailed_balance_violation"] == pytest.approx(s["equilibrium_violation_term"],
                                                            rel=1e-10)
    assert s["schnakenberg"] == pytest.approx(-s["equilibrium_violation_term"], rel=1e-10)


def test_relaxation_to_gibbs():
    dot = TripleDot(**FIG1, beta=2.0)
    tr = ldl.evolve(dot, [0.9, 0.05, 0.05], [0.0, 1e3, 1e4, 1e6])
    assert tr.diagnostics["trace_drift"] < 1e-12
    np.testing.assert_allclose(tr.occupations[-1], dot.gibbs(), atol=1e-10)
    # second law; at t = 1e6 the state is Gibbs and sigma is zero to round-off (~1e-33)
    assert np.all(tr.entropy_production[1:] >= -1e-12 * tr.entropy_production[1])


def test_t_matrix_is_born_at_high_energy_and_unitary():
    dot = TripleDot(**FIG1, beta=1.0)
    np.testing.assert_allclose(ldl.t_matrix(dot, 1e8), dot.coupling(), rtol=1e-3)
    # on-shell (even-wave) S = 1 - 2i m t / sqrt(p_k p_l) is unitary when all channels are open
    E = 1.3
    p = np.sqrt(2 * dot.mass * (E - dot.levels))
    S = np.eye(3) - 2j * dot.mass * ldl.t_matrix(dot, E) / np.sqrt(np.outer(p, p))
    np.testing.assert_allclose(S @ S.conj().T, np.eye(3), atol=1e-13)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"V": (1, -0.1, 1), "levels": (1, 0, -1), "beta": 1}, "V"),
     ({"V": (1, 1), "levels": (1, 0, -1), "beta": 1}, "V"),
     ({"V": (1, 1, 1), "levels": (1, 0, 1), "beta": 1}, "levels"),
     ({"V": (1, 1, 1), "levels": (1, 0, -1), "beta": 0}, "beta"),
     ({"V": (1, 1, 1), "levels": (1, 0, -1), "beta": 1, "mass": -1}, "mass"),
     ({"V": (1, 1, 1), "tau": 1.0, "phi": 0.0, "beta": 1}, "phi"),
     ({"V": (1, 1, 1), "tau": 1.0, "beta": 1}, "tau"),
     ({"V": (1, 1, 1), "levels": (1, 0, -1), "tau": 1.0, "phi": 0.1, "beta": 1}, "levels")])
def test_bad_input_names_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TripleDot(**kwargs)


def test_fig1_command_writes_png_and_json(tmp_path):
    import json

    from manybody.cli import main
    from manybody.experiments import FIGURES

    FIGURES["dot-fig1"](tmp_path, points=12)
    numbers = json.loads((tmp_path / "dot_fig1.json").read_text())["numbers"]
    assert numbers["max_relative_eq30_mismatch"] < 1e-9
    assert numbers["max_gibbs_residual"] < 1e-14
    assert numbers["I(0,-)"][-1] == pytest.approx(1.0, abs=1e-3)  # "tends to 1"
    assert main(["figure", "--list"]) == 0


def test_evolve_entropy_production_matches_eq25():
    dot = TripleDot(**FIG1, beta=2.0)
    tr = ldl.evolve(dot, [0.0, 0.3, 0.7], [0.0, 50.0, 500.0])
    assert np.isnan(tr.entropy_production[0])  # a population is exactly zero at t = 0
    for q, s in zip(tr.occupations[1:], tr.entropy_production[1:], strict=True):
        assert s == pytest.approx(ldl.entropy_production(dot, q)["total"], rel=1e-10)


@pytest.mark.parametrize("beta", [1e3, 1e5, 1e12])
def test_large_beta_is_finite_and_gibbs(beta):
    """beta = 1000 gave NaN after overflow warnings. The Gibbs state is stationary for every
    beta (property 2), so the stationary populations must equal Eq. (12) to rounding wherever
    they are representable, the ratios (22) must approach their beta -> infinity limit
    smoothly, and the probability currents into each level must cancel."""
    dot = TripleDot(**FIG1, beta=beta)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / invalid-value warnings
        r = ldl.solve(dot)
        ratio300 = ldl.detailed_balance_ratios(TripleDot(**FIG1, beta=300.0))
        ratio = ldl.detailed_balance_ratios(dot)
        tr = ldl.evolve(dot, [0.2, 0.3, 0.5], [0.0, 1.0, 1e3])
    peq = np.exp(-beta * (np.array(FIG1["levels"]) + 0.5))  # E_min = -0.5, Z = 1 + tiny
    np.testing.assert_allclose(r.occupations, peq, rtol=1e-12, atol=0)
    assert r.occupations[M] == 1.0 and np.all(np.isfinite(r.observables["K"]))
    np.testing.assert_allclose(ratio * ratio.T, np.ones((3, 3)), rtol=1e-12)
    np.testing.assert_allclose(ratio, ratio300, rtol=1e-3)  # O(1/beta) corrections
    inflow = r.observables["K"].sum(axis=1)  # net probability current into each level
    assert np.abs(inflow).max() <= 1e-15 * r.observables["rates"].max()
    assert tr.diagnostics["trace_drift"] < 1e-12 and np.all(np.isfinite(tr.entropy_production))
