"""tGGE rate equations against the paper's equations, analytic limits and each other."""

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manybody import Result, tgge
from manybody.models import NonreciprocalChain, RashbaZeemanChain

RNG = np.random.default_rng(7)


def lambda_dot_eq_10(model, lam):
    """Eqs. (10)-(12) written out directly in the Lagrange parameters (model 1, Raman)."""
    k = model.momenta
    e = -2 * model.J * np.cos(k)
    b, d, dp = model.beta, model.delta, model.delta_prime
    x = np.exp(-lam)
    Feq = (
        np.exp(b * (e[None, :] - e[:, None]) / 2 - lam[None, :])
        - np.exp(b * (e[:, None] - e[None, :]) / 2 - lam[:, None])
    ) / (1 + x[None, :])
    D_k_kmq = np.abs(1 + d * np.exp(-1j * k[:, None])) ** 2 * np.abs(
        1 - dp * np.exp(1j * k[None, :])
    ) ** 2  # |Delta_{k,k-q}|^2 indexed [q, k]
    D_q_qmk = D_k_kmq.T  # |Delta_{q,q-k}|^2 indexed [q, k]
    Fneq = (D_k_kmq * x[None, :] - D_q_qmk * x[:, None]) / (1 + x[None, :])
    pref = -model.eps * model.J / model.L * (1 + x) / x
    return pref * (model.gamma_eq * Feq.sum(1) + model.gamma_neq * Fneq.sum(1))


def lambda_dot_eq_20(model, lam):
    """Eqs. (20)-(22) with |u_{sigma nu}(k)|^2 from the closed form Eq. (C4) (h != 0)."""
    k = model.momenta
    s = 2 * model.alpha_y * np.sin(k) + model.h
    R = np.sqrt(s**2 + 4 * model.alpha_z**2 * np.sin(k) ** 2)
    e = np.stack([-2 * model.J * np.cos(k) + R, -2 * model.J * np.cos(k) - R], 1).reshape(-1)
    up = np.stack([(1 + s / R) / 2, (1 - s / R) / 2], 1).reshape(-1)  # |u_{up,nu}|^2
    u2 = {"up": up, "down": 1 - up}
    gam = {"up": model.gamma_up, "down": model.gamma_down}
    b, x = model.beta, np.exp(-lam)
    Feq = (
        np.exp(b * (e[None, :] - e[:, None]) / 2 - lam[None, :])
        - np.exp(b * (e[:, None] - e[None, :]) / 2 - lam[:, None])
    ) / (1 + x[None, :])
    w = sum(gam[sg] * np.outer(u2[sg], u2[sg]) for sg in gam)
    Fneq = w * (x[None, :] - x[:, None]) / (1 + x[None, :])
    pref = -model.eps * model.J / model.L * (1 + x) / x
    return pref * (model.gamma_eq * Feq.sum(1) + model.gamma_neq * Fneq.sum(1))


@pytest.mark.parametrize(
    ("model", "reference"),
    [
        (NonreciprocalChain(24, gamma_neq=0.4, delta=1 + 1j, delta_prime=0.3 - 0.8j),
         lambda_dot_eq_10),
        (RashbaZeemanChain(16, gamma_neq=0.6, gamma_up=0.8, gamma_down=0.2), lambda_dot_eq_20),
    ],
)
def test_occupation_form_equals_lambda_form(model, reference):
    n = RNG.uniform(0.05, 0.95, model.n_modes)
    lam = np.log((1 - n) / n)
    lam_dot = -tgge.RateEquation(model.rates())(n) / (n * (1 - n))
    np.testing.assert_allclose(lam_dot, reference(model, lam), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize(
    "model",
    [NonreciprocalChain(4096, gamma_neq=0.5), RashbaZeemanChain(300, gamma_neq=0.7, h=0.0)],
)
def test_dense_and_factorized_kernels_agree(model):
    rates = model.rates()
    n = RNG.uniform(0, 1, model.n_modes)
    fact = tgge.RateEquation(rates, "factorized")(n)
    dense = tgge.RateEquation(rates, "dense")(n)
    numpy = tgge.rhs_numpy(rates.dense(), n)
    scale = np.abs(fact).max()
    assert np.abs(fact - dense).max() <= 1e-12 * scale
    assert np.abs(numpy - dense).max() <= 1e-12 * scale


def test_kernel_option_is_checked():
    with pytest.raises(ValueError, match="kernel"):
        tgge.RateEquation(NonreciprocalChain(8, gamma_neq=0.5).rates(), "fast")
    dense_model = NonreciprocalChain(8, gamma_neq=0.5, Delta=lambda k, p: np.ones_like(k) + 0j)
    with pytest.raises(ValueError, match="factorized"):
        tgge.RateEquation(dense_model.rates(), "factorized")


@pytest.mark.parametrize(
    "model",
    [NonreciprocalChain(30, gamma_neq=0.0, beta=2.0), RashbaZeemanChain(20, gamma_neq=0.0)],
)
def test_relaxes_to_gibbs_from_any_start(model):
    n0 = RNG.uniform(0.1, 0.9, model.n_modes)
    r = tgge.evolve(model, [0.0, 1500.0, 3000.0], initial=n0)
    n_gibbs, mu = tgge.gibbs_occupations(model.modes.flat_energies, model.beta, n0.sum())
    lam_gibbs = model.beta * (model.modes.flat_energies - mu)
    np.testing.assert_allclose(r.lambdas[-1].reshape(-1), lam_gibbs, atol=1e-7)
    assert r.diagnostics["particle_number_drift"] < 1e-9
    ness = tgge.steady_state(model, filling=n0.mean())
    np.testing.assert_allclose(ness.occupations.reshape(-1), n_gibbs, atol=1e-12)


@pytest.mark.parametrize(
    "model", [NonreciprocalChain(40, gamma_neq=0.7), RashbaZeemanChain(30, gamma_neq=0.9)]
)
def test_particle_number_conserved_and_evolution_reaches_ness(model):
    times = np.linspace(0, 4000, 5)
    r = tgge.evolve(model, times, filling=0.4)
    np.testing.assert_allclose(r.particle_number, 0.4 * model.n_modes, atol=1e-9)
    ness = tgge.steady_state(model, filling=0.4)
    np.testing.assert_allclose(r.occupations[-1], ness.occupations, atol=1e-8)
    assert abs(r.current[-1] - ness.current) < 1e-9
    assert r.current[0] == pytest.approx(0.0, abs=1e-15)  # infinite temperature: no current


@pytest.mark.parametrize(
    "model",
    [
        NonreciprocalChain(400, gamma_neq=0.0),
        NonreciprocalChain(400, gamma_neq=0.6, delta=1.3, delta_prime=-0.4),  # real: Eq. (14)
        NonreciprocalChain(401, gamma_neq=1.0, delta=2.0, delta_prime=0.5),
        RashbaZeemanChain(400, gamma_neq=0.0),
        RashbaZeemanChain(400, gamma_neq=0.5, alpha_y=0.0),
        RashbaZeemanChain(400, gamma_neq=0.5, alpha_z=0.0),
        RashbaZeemanChain(400, gamma_neq=0.5, gamma_up=0.5, gamma_down=0.5),
        RashbaZeemanChain(400, gamma_neq=0.9, gamma_up=0.5, gamma_down=0.5, h=0.3),
        RashbaZeemanChain(400, gamma_neq=1.0),
    ],
    ids=["eq", "real-delta", "real-delta-gneq1", "rz-eq", "alpha_y=0", "alpha_z=0",
         "equal-dephasing", "equal-dephasing-h0.3", "rz-gneq1"],
)
def test_current_vanishes_where_symmetry_forbids_it(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tgge.DegenerateSteadyStateWarning)
        r = tgge.steady_state(model)
    assert abs(r.current) < 1e-14
    assert r.diagnostics["residual"] < 1e-10


def test_nonzero_current_for_complex_delta_matches_reference():
    r = tgge.steady_state(NonreciprocalChain(400, gamma_neq=0.5))
    # value of this implementation, converged in L to 1e-15 (see test_current_converges_in_L)
    assert r.current == pytest.approx(0.035193662447200, abs=1e-13)


def test_closed_form_ness_with_only_raman_rates():
    m = NonreciprocalChain(200, gamma_neq=1.0, delta=1 + 1j, delta_prime=1 + 0.5j)
    n = tgge.steady_state(m, filling=0.3).occupations
    q = m.momenta
    ratio = (n / (1 - n)) / (
        np.abs(1 + m.delta * np.exp(-1j * q)) ** 2 / np.abs(1 - m.delta_prime * np.exp(1j * q)) ** 2
    )
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-12)


def test_mode_that_cannot_empty_fills_completely():
    # delta' = 1 makes g(k=0) = |1 - e^{i0}|^2 = 0: the k = 0 mode only receives particles
    m = NonreciprocalChain(40, gamma_neq=1.0, delta=0.5j, delta_prime=1.0)
    r = tgge.steady_state(m, filling=0.5)
    k0 = np.argmin(np.abs(m.momenta))
    assert r.occupations[k0] == pytest.approx(1.0, abs=1e-12)
    assert r.lambdas[k0] < -25
    assert not r.diagnostics["degenerate"]


def test_down_spin_dephasing_reverses_up_spin_current():
    for g in (0.3, 0.9, 0.99):
        up = tgge.steady_state(RashbaZeemanChain(400, gamma_neq=g))
        down = tgge.steady_state(RashbaZeemanChain(400, gamma_neq=g, gamma_up=0, gamma_down=1))
        assert abs(up.current) > 1e-3
        assert down.current == pytest.approx(-up.current, abs=1e-13)
        assert down.spin_currents["up"] == pytest.approx(-up.spin_currents["down"], abs=1e-13)


def test_spin_currents_sum_to_total_and_follow_eqs_C5_C6():
    m = RashbaZeemanChain(200, gamma_neq=0.8, alpha_y=1.1, alpha_z=0.9, h=1.0)
    r = tgge.steady_state(m)
    assert r.spin_currents["up"] + r.spin_currents["down"] == pytest.approx(r.current, abs=1e-15)
    q, n = m.momenta, r.occupations
    s = 2 * m.alpha_y * np.sin(q) + m.h
    R = np.sqrt(s**2 + 4 * m.alpha_z**2 * np.sin(q) ** 2)
    cross = 2 * m.alpha_z**2 * np.cos(q) * np.sin(q) * (n[:, 0] - n[:, 1]) / R
    I_up = ((m.J * np.sin(q) + m.alpha_y * np.cos(q))
            * ((1 + s / R) * n[:, 0] + (1 - s / R) * n[:, 1]) + cross).sum() / m.L
    I_dn = ((m.J * np.sin(q) - m.alpha_y * np.cos(q))
            * ((1 - s / R) * n[:, 0] + (1 + s / R) * n[:, 1]) + cross).sum() / m.L
    assert r.spin_currents["up"] == pytest.approx(I_up, abs=1e-14)
    assert r.spin_currents["down"] == pytest.approx(I_dn, abs=1e-14)
    # total current = (1/L) sum n d(eps)/dk (Hellmann-Feynman), Eq. (23), with Eq. (C2)
    dR = (2 * m.alpha_y * np.cos(q) * s + 4 * m.alpha_z**2 * np.sin(q) * np.cos(q)) / R
    v = 2 * m.J * np.sin(q)[:, None] + np.stack([dR, -dR], 1)
    assert r.current == pytest.approx((v * n).sum() / m.L, abs=1e-14)


def test_current_converges_in_L():
    I1 = [tgge.steady_state(NonreciprocalChain(L, gamma_neq=0.5)).current for L in (100, 400)]
    I2 = [tgge.steady_state(RashbaZeemanChain(L, gamma_neq=0.9)).current for L in (200, 800)]
    assert abs(I1[0] - I1[1]) < 1e-14
    assert abs(I2[0] - I2[1]) < 1e-13
    assert abs(I2[0]) > 0.05


def test_band_crossing_at_h0():
    """h = 0: spin-basis crossings leave a current c/L; the velocity basis none."""
    IL = []
    for L in (100, 200, 400):
        r = tgge.steady_state(RashbaZeemanChain(L, gamma_neq=0.5, h=0.0))
        IL.append(r.current * L)
        v = tgge.steady_state(RashbaZeemanChain(L, gamma_neq=0.5, h=0.0, crossing="velocity"))
        assert abs(v.current) < 1e-14
    np.testing.assert_allclose(IL, IL[-1], rtol=2e-3)
    assert abs(IL[-1]) > 1e-4


def test_pure_dephasing_is_degenerate_and_reported():
    m = RashbaZeemanChain(40, gamma_neq=1.0)
    with pytest.warns(tgge.DegenerateSteadyStateWarning, match="not unique"):
        r = tgge.steady_state(m)
    assert r.diagnostics["degenerate"] and r.diagnostics["n_components"] == 3
    assert np.all(np.isfinite(r.occupations)) and np.all(np.isfinite(r.lambdas))
    np.testing.assert_allclose(r.occupations, 0.5, atol=1e-12)
    # from another start, the isolated modes (spin-down band "-" at k = -pi, 0) keep their n
    n0 = np.full(m.n_modes, 0.5)
    n0[[1, 2 * 20 + 1]] = [0.9, 0.1]
    with pytest.warns(tgge.DegenerateSteadyStateWarning):
        r2 = tgge.steady_state(m, initial=n0)
    assert r2.occupations[0, 1] == pytest.approx(0.9)
    assert r2.occupations[20, 1] == pytest.approx(0.1)


def test_dense_path_matches_factorized_path():
    d, dp = 1 + 1j, 1 + 0.5j

    def Delta(k, p):
        return (1 + d * np.exp(-1j * (k - p))) * (1 - dp * np.exp(1j * k))

    general = tgge.steady_state(NonreciprocalChain(60, gamma_neq=0.5, Delta=Delta))
    raman = tgge.steady_state(NonreciprocalChain(60, gamma_neq=0.5))
    assert general.options["kernel"] == "dense"
    np.testing.assert_allclose(general.occupations, raman.occupations, atol=1e-10)


def test_result_saves_and_loads(tmp_path):
    m = NonreciprocalChain(40, gamma_neq=1.0, delta=0.5j, delta_prime=1.0)
    r = tgge.steady_state(m)
    path = r.save(tmp_path / "r.json")
    d = json.loads(path.read_text())  # strict JSON: infinite lambdas are null
    assert d["lambdas"][20] is None and d["provenance"]["package_version"]
    back = Result.load(path)
    np.testing.assert_array_equal(back.occupations, r.occupations)
    assert back.current == r.current and back.model == r.model


def test_bad_solver_input_is_rejected():
    m = NonreciprocalChain(10, gamma_neq=0.5)
    with pytest.raises(ValueError, match="filling"):
        tgge.steady_state(m, filling=1.5)
    with pytest.raises(ValueError, match="times"):
        tgge.evolve(m, [0.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="initial"):
        tgge.evolve(m, [0.0, 1.0], initial=np.ones(3))
    with pytest.raises(ValueError, match="initial"):
        tgge.evolve(m, [0.0, 1.0], initial="hot")
    with pytest.raises(ValueError, match="tol"):
        tgge.steady_state(m, tol=0.0)
    with pytest.raises(ValueError, match="particle_number"):
        tgge.gibbs_occupations(np.zeros(4), 1.0, 5.0)


@settings(max_examples=25, deadline=None)
@given(
    gamma_neq=st.floats(0.0, 1.0),
    beta=st.floats(0.0, 8.0),
    d=st.complex_numbers(max_magnitude=3.0),
    dp=st.complex_numbers(max_magnitude=3.0),
    filling=st.floats(0.05, 0.95),
)
def test_steady_state_is_stationary_for_random_parameters(gamma_neq, beta, d, dp, filling):
    m = NonreciprocalChain(31, gamma_neq=gamma_neq, beta=beta, delta=d, delta_prime=dp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tgge.DegenerateSteadyStateWarning)
        r = tgge.steady_state(m, filling=filling)
    assert r.diagnostics["residual"] <= 1e-10
    assert r.particle_number == pytest.approx(filling * 31, abs=1e-9)
    assert np.all((r.occupations >= 0) & (r.occupations <= 1))


@settings(max_examples=300, deadline=None)
@given(
    gamma_neq=st.floats(0.0, 0.999),
    alpha_y=st.floats(-2.0, 2.0),
    alpha_z=st.floats(-2.0, 2.0),
    h=st.floats(-2.0, 2.0),
    gamma_up=st.floats(0.0, 1.0),
)
def test_rashba_steady_state_for_random_parameters(gamma_neq, alpha_y, alpha_z, h, gamma_up):
    m = RashbaZeemanChain(24, gamma_neq=gamma_neq, alpha_y=alpha_y, alpha_z=alpha_z, h=h,
                          gamma_up=gamma_up, gamma_down=1 - gamma_up)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tgge.DegenerateSteadyStateWarning)
        r = tgge.steady_state(m)
    assert r.diagnostics["residual"] <= 1e-10
    assert sum(r.spin_currents.values()) == pytest.approx(r.current, abs=1e-14)


@pytest.mark.parametrize(
    "kwargs",
    [  # found by random sweeps: a nearly singular 2R system; before the fixes a 2.7e-9
        # residual (stalled Newton) and a fallback relaxation that grew to 14 GB
        {"L": 24, "gamma_neq": 1e-6, "alpha_y": 0.0, "alpha_z": 0.0, "h": -1.3125,
         "gamma_up": 0.9921875, "gamma_down": 0.0078125, "filling": 0.5},
        {"L": 16, "beta": 9.874678, "gamma_neq": 0.6398543, "alpha_y": 0.0, "alpha_z": 0.0,
         "h": -1.3774342, "gamma_up": 0.2561287, "gamma_down": 0.7438713, "filling": 0.1902334},
    ],
)
def test_decoupled_spin_bands_reach_round_off(kwargs):
    kwargs = dict(kwargs)
    filling = kwargs.pop("filling")
    r = tgge.steady_state(RashbaZeemanChain(**kwargs), filling=filling)
    assert r.diagnostics["residual"] < 1e-13
    assert r.particle_number == pytest.approx(filling * 2 * kwargs["L"], abs=1e-10)


def test_result_carries_model_specific_observables(tmp_path):
    r = Result(method="ed", kind="steady_state", model={"model": "x"}, options={},
               current=0.25, observables={"purity": 0.5, "sz": np.array([0.1, -0.2]),
                                          "coherence": 1 + 2j})
    assert r.purity == 0.5 and r.lambdas is None
    with pytest.raises(AttributeError, match="negativity"):
        _ = r.negativity
    back = Result.load(r.save(tmp_path / "r.json"))
    np.testing.assert_allclose(back.sz, [0.1, -0.2])
    np.testing.assert_allclose(back.coherence, [1.0, 2.0])  # complex saved as [re, im]
    assert back.current == 0.25 and back.momenta is None
