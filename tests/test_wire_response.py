"""Source-drain wire beyond the main text: the third-order truncation (B35)-(B36), Joule
heating (B52)-(B54), finite temperature, and the appendix figures 5-7."""

import json

import numpy as np
import pytest
from scipy.integrate import quad

from manybody import wire
from manybody.experiments import FIGURES
from manybody.models import QuantumWire
from manybody.wire import analytic

DMU = 0.1
IO = DMU / (2 * np.pi)


# ------------------------------------------------------------ third-order truncation (App. B 3)

def test_short_wire_transmissions_and_their_derivatives():
    om = np.array([-1.3, 0.3, 1.52])
    T, _ = wire.transmissions(QuantumWire(4, 0.7, 1.0, DMU, 0.0), om)
    off = ~np.eye(4, dtype=bool)
    np.testing.assert_allclose(analytic.short_wire_transmissions(0.7, om)[:, off], T[:, off],
                               rtol=1e-12)
    h = 1e-5
    for m in (1, 2):
        fd = (analytic.short_wire_transmissions(0.7, om + h, m - 1)
              - analytic.short_wire_transmissions(0.7, om - h, m - 1)) / (2 * h)
        np.testing.assert_allclose(analytic.short_wire_transmissions(0.7, om, m), fd,
                                   rtol=1e-7, atol=1e-9)
    with pytest.raises(ValueError, match="derivative"):
        analytic.short_wire_transmissions(0.7, 1.0, 3)


@pytest.mark.parametrize(("gamma", "mu_bar", "ig"), [(0.5, 1.52, 0.3), (1.0, 1.0, 1.0),
                                                     (0.3, -0.5, 0.1)])
def test_third_order_roots_solve_b26_truncated(gamma, mu_bar, ig):
    """(B35)-(B36) are Eq. (B26) at n <= 3 with I_2 = I_g, I_3 = -I_g: every returned real root
    gives those currents, and there are at most 9 (Bézout)."""
    for dmu in (DMU, -DMU):
        a = analytic.short_wire_third_order(gamma, mu_bar, dmu, ig * IO)
        assert 1 <= len(a["roots"]) <= 9 and a["residual"] < 1e-13
        for x, y in a["roots"]:
            cur = analytic.truncated_currents(gamma, mu_bar, np.array([dmu / 2, x, y, -dmu / 2]))
            np.testing.assert_allclose(cur[1:3], [ig * IO, -ig * IO], rtol=1e-10, atol=1e-15)
        # first order: (B31)
        b31 = analytic.short_wire(gamma, mu_bar, dmu, ig * IO)["delta_mu_sd"]
        np.testing.assert_allclose(a["linear"], [b31, -b31], rtol=1e-12)


def test_third_order_truncation_against_the_exact_solution_at_small_bias():
    """At T = 0, Eq. (B26) is the Taylor series of the exact Landauer integral: with
    (delta mu, I_g) scaled by eps, the truncated root is off by O(eps^4), linear response by
    O(eps^2)."""
    g, mu_bar = 0.5, 1.52
    err3, err1 = [], []
    for eps in (0.5, 0.25, 0.125):
        a = analytic.short_wire_third_order(g, mu_bar, eps * DMU, eps * IO)
        ex = wire.quantum_steady_state(QuantumWire(4, g, mu_bar, eps * DMU, eps * IO),
                                       nodes=64).mu[1:3] - mu_bar
        err3.append(np.abs(a["physical"] - ex).max())
        err1.append(np.abs(a["linear"] - ex).max())
    assert err3[-1] < 2e-7
    np.testing.assert_allclose(np.array(err3[:-1]) / err3[1:], 16, rtol=0.25)
    np.testing.assert_allclose(np.array(err1[:-1]) / err1[1:], 4, rtol=0.1)


# ------------------------------------------------------------------- Joule heating (App. B 4)

def test_ballistic_heat_is_dmu_squared_over_4pi():
    """No sources or drains, reflectionless ends: h_1 = mu_L I_1 - E_1 with I_1 = dmu/2pi,
    E_1 = (mu_L^2 - mu_R^2)/4pi, so h_1 = h_N = dmu^2/4pi (exact at T = 0)."""
    w = QuantumWire(6, 0.3, 0.5, 0.4, 0.0, sources=(), drains=())
    for linear in (False, True):
        r = wire.quantum_steady_state(w, linear_response=linear)
        assert r.heat[0] == pytest.approx(0.4**2 / (4 * np.pi), rel=1e-12)
        assert r.heat[-1] == pytest.approx(0.4**2 / (4 * np.pi), rel=1e-12)


@pytest.mark.parametrize(("linear", "T"), [(True, 0.0), (False, 0.0), (False, 0.1),
                                           (True, 0.1)])
def test_total_heat_is_the_work_of_the_bond_currents(linear, T):
    """sum_l h_l = sum_l mu_l I_l (energy conservation, sum_l E_l = 0) = sum_bonds J_l
    (mu_l - mu_l+1) (Kirchhoff, J from G independently of I and E)."""
    r = wire.quantum_steady_state(QuantumWire(8, 0.5, 1.0, DMU, 0.5 * IO, temperature=T),
                                  linear_response=linear)
    total = np.sum(r.heat)
    assert total > 0
    assert total == pytest.approx(np.sum(r.mu * r.I), rel=1e-12)
    assert total == pytest.approx(np.sum(r.J * (r.mu[:-1] - r.mu[1:])), rel=1e-10)


def test_bulk_heat_eq_b52_and_the_half_bond_identity():
    N = 200
    r = wire.quantum_steady_state(QuantumWire(N, 0.5, 1.0, DMU, 0.3 * IO), linear_response=True)
    a = analytic.long_wire(N, 0.5, 1.0, DMU, 0.3 * IO)
    for i in (N // 2 - 1, N // 2):  # an even and an odd site l = i + 1
        assert r.heat[i] == pytest.approx(a["heat"], rel=2e-5)
        half = (r.J[i - 1] * (r.mu[i - 1] - r.mu[i]) + r.J[i] * (r.mu[i] - r.mu[i + 1])) / 2
        assert half == pytest.approx(r.heat[i], rel=2e-5)
    assert r.J[N // 2 - 1] - r.J[N // 2] == pytest.approx(0.3 * IO, rel=1e-12)  # J_S - J_D
    assert a["J_S"] - a["J_D"] == pytest.approx(0.3 * IO, rel=1e-12)


def test_eq_b54_tends_to_b52_as_gamma_to_zero():
    dev = [abs(analytic.long_wire(2000, g, 1.0, DMU, 0.3 * IO)["heat_eq_B54"]
               / analytic.long_wire(2000, g, 1.0, DMU, 0.3 * IO)["heat"] - 1)
           for g in (0.2, 0.1, 0.05)]
    assert dev[-1] < 2e-6
    np.testing.assert_allclose(np.array(dev[:-1]) / dev[1:], 16, rtol=0.1)  # O(gamma^4)


def test_exact_heat_tends_to_linear_response_at_small_bias():
    diffs = []
    for eps in (1.0, 0.5):
        w = QuantumWire(10, 0.5, 1.0, eps * DMU, eps * 0.3 * IO)
        ex, lr = wire.quantum_steady_state(w), wire.quantum_steady_state(w, linear_response=True)
        diffs.append(np.abs(ex.heat - lr.heat).max() / np.abs(lr.heat).max())
    assert diffs[0] < 2e-2
    assert diffs[0] / diffs[1] == pytest.approx(2, rel=0.1)  # relative error O(delta mu)


# ------------------------------------------------------------------------ finite temperature

def _ballistic_current(mu_l, mu_r, T):
    """(1/2π)∫_{-2}^{2}(f_L - f_R): T_1N = 1 in the band for a reflectionless wire."""
    def filled(mu):
        return T * (np.logaddexp(0, (mu + 2) / T) - np.logaddexp(0, (mu - 2) / T))
    return (filled(mu_l) - filled(mu_r)) / (2 * np.pi)


@pytest.mark.parametrize("T", [0.05, 0.3, 5.0])
def test_ballistic_wire_at_finite_temperature(T):
    w = QuantumWire(5, 0.5, 1.2, 0.3, 0.0, sources=(), drains=(), temperature=T)
    r = wire.quantum_steady_state(w)
    assert r.I_in == pytest.approx(_ballistic_current(1.35, 1.05, T), rel=1e-11)
    lin = wire.quantum_steady_state(w, linear_response=True)
    f = lambda x: 1 / (np.exp(x / T) + 1)  # noqa: E731
    assert lin.I_in == pytest.approx(0.3 / (2 * np.pi) * (f(-3.2) - f(0.8)), rel=1e-11)
    if T == 5.0:  # high T: -f' ~ 1/4T over the band of width 4, up to O((2 + mu_bar)^2/T^2)
        assert lin.I_in * T * 2 * np.pi / 0.3 == pytest.approx(1, rel=0.05)


def test_zero_temperature_limit_is_quadratic():
    w0 = QuantumWire(4, 0.5, 1.52, DMU, 0.3 * IO)
    r0 = wire.quantum_steady_state(w0)
    d = []
    for T in (2e-3, 1e-3):
        r = wire.quantum_steady_state(QuantumWire(4, 0.5, 1.52, DMU, 0.3 * IO, temperature=T))
        d.append(np.r_[r.I_in - r0.I_in, r.mu[1:3] - r0.mu[1:3]])
    assert np.abs(d[1]).max() < 1e-6
    np.testing.assert_allclose(d[0] / d[1], 4, rtol=0.02)  # Sommerfeld: O(T^2)


@pytest.mark.parametrize("T", [0.5])  # T = 0.1 is a check of wire-temperature
def test_finite_T_linear_response_is_b31_with_thermally_averaged_transmissions(T):
    """Independent: closed-form (B28)-(B30) averaged with -f' by scipy quad, in (B31)'s
    first form, against the solver's Green's functions on its panel grid."""
    g, mu_bar, ig = 0.5, 1.52, 0.3 * IO

    def avg(i, j):
        def integrand(om):
            return (analytic.short_wire_transmissions(g, om)[i, j]
                    / (4 * T * np.cosh((om - mu_bar) / (2 * T)) ** 2))
        return quad(integrand, -2, 2, points=[mu_bar], epsabs=1e-14, epsrel=1e-12,
                    limit=200)[0]

    t13, t34, t23 = avg(0, 2), avg(2, 3), avg(1, 2)
    dmu2 = (2 * np.pi * ig + (t34 - t13) * DMU / 2) / (t13 + t34 + 2 * t23)
    r = wire.quantum_steady_state(QuantumWire(4, g, mu_bar, DMU, ig, temperature=T),
                                  linear_response=True)
    assert r.mu[1] - mu_bar == pytest.approx(dmu2, rel=1e-11)
    assert mu_bar - r.mu[2] == pytest.approx(dmu2, rel=1e-11)


def test_finite_T_exact_tends_to_linear_response_at_small_bias():
    w = QuantumWire(6, 0.6, 0.8, 1e-4, 2e-6, temperature=0.1)
    ex, lr = wire.quantum_steady_state(w), wire.quantum_steady_state(w, linear_response=True)
    np.testing.assert_allclose(ex.mu, lr.mu, atol=1e-8)
    assert ex.I_in == pytest.approx(lr.I_in, rel=1e-3)


@pytest.mark.parametrize("linear", [True, False])
def test_equilibrium_at_finite_T(linear):
    """No bias and no injection: every bath at mu_bar, no current, no heat."""
    r = wire.quantum_steady_state(QuantumWire(8, 0.5, 0.7, 0.0, 0.0, temperature=0.2),
                                  linear_response=linear)
    np.testing.assert_allclose(r.mu, 0.7, atol=1e-15)
    assert np.abs(r.J).max() < 1e-16 and np.abs(r.heat).max() < 1e-16


@pytest.mark.parametrize("linear", [True, False])
def test_current_conservation_at_finite_T(linear):
    w = QuantumWire(7, 0.7, 0.4, DMU, 0.5 * IO, sources=(2, 5), drains=(3, 6), temperature=0.07)
    r = wire.quantum_steady_state(w, linear_response=linear)
    assert abs(np.nansum(r.I)) < 1e-16
    assert r.diagnostics["conservation_error"] < 1e-15
    assert r.diagnostics["quadrature_error"] < 1e-13
    np.testing.assert_allclose(r.I[[1, 4]], 0.5 * IO, rtol=1e-11)


def test_finite_T_beyond_the_saturated_source_fails_loudly():
    """At T > 0 a source may sit above the band, but its current saturates (here below
    1.57 I_o at T = 0.05): asking for more raises."""
    ok = wire.quantum_steady_state(QuantumWire(4, 0.5, 1.52, DMU, 1.5 * IO, temperature=0.05))
    assert ok.mu[1] > 2  # above the band: impossible at T = 0
    with pytest.raises(wire.SelfConsistencyError, match="band"):
        wire.quantum_steady_state(QuantumWire(4, 0.5, 1.52, DMU, 1.6 * IO, temperature=0.05))


def test_temperature_is_validated_and_recorded():
    with pytest.raises(ValueError, match="temperature"):
        QuantumWire(4, 0.5, 1.0, DMU, 0.0, temperature=-0.1)
    r = wire.quantum_steady_state(QuantumWire(4, 0.5, 1.0, DMU, 0.0, temperature=0.3),
                                  linear_response=True)
    assert r.model["temperature"] == 0.3


# ---------------------------------------------------------------------------------- figures

@pytest.mark.parametrize("name", ["wire-fig5", "wire-fig6", "wire-fig7", "wire-joule"])
def test_figure_checks_pass(name, tmp_path):
    result = FIGURES[name](tmp_path)
    assert result["checks"] and all(c["passed"] for c in result["checks"]), result["checks"]
    record = json.loads((tmp_path / f"{name.replace('-', '_')}.json").read_text())
    assert record["claim"] and record["numbers"]


@pytest.mark.slow
def test_temperature_figure_checks_pass(tmp_path):
    result = FIGURES["wire-temperature"](tmp_path)
    assert result["checks"] and all(c["passed"] for c in result["checks"]), result["checks"]
