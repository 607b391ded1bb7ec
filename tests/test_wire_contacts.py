"""Imperfect end contacts and coherence control of the quantum wire (App. B 5, App. C 1,
Figs. 8-10), and the classical contrast (Fig. 1, App. C 2, App. D), against closed forms."""

import json

import numpy as np
import pytest

from manybody import wire
from manybody.experiments import FIGURES
from manybody.models import ClassicalWire, QuantumWire, ResistiveWire
from manybody.wire import analytic, classical_analytic, contacts
from manybody.wire.classical import circuit_steady_state

DMU = 0.1
IO = DMU / (2 * np.pi)


# ------------------------------------------------------- quantum: imperfect end contacts

@pytest.mark.parametrize(("N", "gamma", "mu_bar"), [(4, 0.3, 1.0), (5, 0.5, 1.52), (9, 1.0, -0.4),
                                                    (12, 0.7, 0.3)])
@pytest.mark.parametrize("gamma_end", [0.4, 1.0, 1.7])
def test_single_dimer_with_detuned_contacts_eq_c4(N, gamma, mu_bar, gamma_end):
    w = QuantumWire(N, gamma, mu_bar, DMU, IO, gamma_end=gamma_end, sources=(2,),
                    drains=(N - 1,))
    nr = wire.quantum_nonreciprocity(w, linear_response=True)
    c4 = contacts.single_dimer_nonreciprocity(N, gamma, gamma_end, mu_bar, IO)
    assert nr == pytest.approx(c4, rel=1e-11, abs=1e-14 * IO)
    if gamma_end == 1.0:  # reduces to Eq. (C13) / (22)
        assert c4 == pytest.approx(analytic.single_dimer_nonreciprocity(N, gamma, mu_bar, IO),
                                   rel=1e-12, abs=1e-15 * IO)


@pytest.mark.parametrize("gamma_end", [0.3, 0.8, 1.5, 2.5])
def test_coherence_zero_survives_contact_detuning(gamma_end):
    """N - 3 = lambda_F/2 (mu_bar = 1) and = 2 lambda_F/2 (mu_bar = sqrt 2, lambda_F/2 = 4)."""
    for N, mu_bar in ((6, 1.0), (9, 1.0), (11, np.sqrt(2))):
        w = QuantumWire(N, 0.4, mu_bar, DMU, IO, gamma_end=gamma_end, sources=(2,),
                        drains=(N - 1,))
        assert abs(wire.quantum_nonreciprocity(w, linear_response=True)) < 1e-13 * IO
        assert abs(abs(contacts.phi3_over_ze(N, 0.4, gamma_end, mu_bar)) - 1) < 1e-13


def test_fig8_sign_change_at_the_closed_form_zero():
    """Delta I(delta_gamma) of N = 4 changes sign where |phi_3| = |z_e| (gamma_1 < gamma_o)."""
    from scipy.optimize import brentq

    root = brentq(lambda d: abs(contacts.phi3_over_ze(4, 0.3, 1 + d, 1.0)) - 1, -0.5, 0)
    assert root == pytest.approx(-0.0495024337, abs=1e-9)
    for d, sign in ((root - 1e-4, -1), (root + 1e-4, 1)):
        w = QuantumWire(4, 0.3, 1.0, DMU, 0.3 * IO, gamma_end=1 + d)
        assert np.sign(wire.quantum_nonreciprocity(w, linear_response=True)) == sign


def test_long_wire_with_detuned_contacts_tends_to_I_g():
    """Fig. 9: Delta I/I_g = 1 - A/(N + B) at N >> l_c (l_c = 8.3 at gamma = 0.5); the limit is
    1 for any gamma_1, and A (l_eff) grows as gamma_1 falls below gamma_o."""
    from manybody.experiments.wire_contacts import _tail_fit

    Ig, Ns = 0.05 * IO, np.array([100, 140, 200])
    l_eff = []
    for gamma_end in (1.0, 0.8, 0.6):
        y = np.array([wire.quantum_nonreciprocity(QuantumWire(int(n), 0.5, 1.0, DMU, Ig,
                                                              gamma_end=gamma_end),
                                                  linear_response=True) for n in Ns]) / Ig
        y_inf, A, _ = _tail_fit(Ns, y)
        assert y_inf == pytest.approx(1.0, abs=1e-8)
        l_eff.append(A)
    assert l_eff[0] == pytest.approx(analytic.long_wire(4, 0.5, 1.0, DMU, Ig)["l_c"], rel=0.05)
    assert l_eff[0] < l_eff[1] < l_eff[2]


def test_fig10_arrangement_is_reciprocal_at_mu_bar_one():
    """S-D spacing 3 = lambda_F/2 at mu_bar = 1 (2 lambda_F/2 at -1): Delta I = 0 for any gamma;
    a shorter wire (N = 24) with Fig. 10's arrangement."""
    N = 24
    src, drn = tuple(range(2, N - 3, 6)), tuple(range(5, N, 6))
    for gamma in (0.3, 1.0):
        for mu_bar in (1.0, -1.0):
            w = QuantumWire(N, gamma, mu_bar, DMU, 0.1 * IO, sources=src, drains=drn)
            assert abs(wire.quantum_nonreciprocity(w, linear_response=True)) < 1e-13 * IO
        w = QuantumWire(N, gamma, 0.8, DMU, 0.1 * IO, sources=src, drains=drn)
        assert wire.quantum_nonreciprocity(w, linear_response=True) > 0.1 * 0.1 * IO


# --------------------------------------------------------------------- classical contrast

@pytest.mark.parametrize(("N", "p"), [(4, 0.5), (12, 0.7), (30, 0.2)])
def test_explicit_placement_on_every_site_is_the_default_classical_wire(N, p):
    a = ClassicalWire(N, p, -0.1, 0.05, rho0=1.3)
    b = ClassicalWire(N, p, -0.1, 0.05, rho0=1.3, sources=np.arange(2, N - 1, 2),
                      drains=list(range(3, N, 2)))
    assert b == a and a.params()["sources"] == list(range(2, N - 1, 2))
    ra, rb = wire.classical_steady_state(a), wire.classical_steady_state(b)
    np.testing.assert_allclose(rb.J, ra.J, rtol=0, atol=1e-15)
    np.testing.assert_allclose(rb.rho_plus, ra.rho_plus, rtol=1e-14)


def test_wire_models_place_sources_and_drains_alike():
    """One placement rule: the same sites and the same injection in all three wire models,
    odd N allowed with an explicit placement, and params() rebuilds the model."""
    src, drn = (2, 6), (4, 3)
    models = [ClassicalWire(7, 0.5, 0.1, 0.2, sources=src, drains=drn),
              ResistiveWire(7, 1.0, 0.2, src, drn),
              QuantumWire(7, 0.5, 1.0, DMU, 0.2, sources=src, drains=drn)]
    for m in models:
        assert (m.sources, m.drains, m.contacts) == (src, drn, (2, 3, 4, 6))
        np.testing.assert_array_equal(m.injection, [0, 0.2, -0.2, -0.2, 0, 0.2, 0])
        kwargs = {k: v for k, v in m.params().items() if k != "model"}
        assert type(m)(**kwargs) == m
    single = ClassicalWire.single_pair(7, 0.5, 0.1, 0.2)
    assert (single.sources, single.drains) == ((2,), (6,))


@pytest.mark.parametrize("N", [5, 8, 41])
@pytest.mark.parametrize("p", [0.2, 0.6, 1.0])
def test_single_pair_app_c2(N, p):
    w = ClassicalWire.single_pair(N, p, 0.1, 0.05, rho0=1.3)
    r = wire.classical_steady_state(w)
    a = classical_analytic.single_pair(p, 0.1, 0.05, 1.3)
    assert r.I_in == pytest.approx(a["I_in"], rel=1e-12)  # (C23)
    assert r.I_out == pytest.approx(a["I_in"], rel=1e-12)
    np.testing.assert_allclose(r.J[1:-1], a["J"], rtol=1e-12)  # (C24)
    for key, value in (("rho_plus_2", r.rho_plus[1]), ("rho_minus_2", r.rho_minus[1]),
                       ("rho_plus_L", r.rho_plus[-2]), ("rho_minus_L", r.rho_minus[-2])):
        assert value == pytest.approx(a[key], rel=1e-12)  # (C19)-(C22)
    # the free sites: rho+(3) = ... = rho+(L-1) = p rho+(2), rho-(3) = ... = p rho-(L)
    np.testing.assert_allclose(r.rho_plus[2:-2], p * r.rho_plus[1], rtol=1e-12)
    np.testing.assert_allclose(r.rho_minus[2:-2], p * r.rho_minus[-2], rtol=1e-12)
    assert r.diagnostics["conservation_error"] < 1e-14
    # no oscillation, no zero: the same nonreciprocity at every N (= Eq. 6's N = 4 value)
    assert wire.classical_nonreciprocity(w) == pytest.approx(a["nonreciprocity"], rel=1e-11,
                                                             abs=1e-15)
    assert a["I_in"] == pytest.approx(analytic.classical_currents(4, p, 0.1, 0.05), rel=1e-14)


@pytest.mark.parametrize(("N", "src", "drn", "offset"), [(4, (2,), (3,), -1 / 3),
                                                         (6, (2, 5), (3, 4), 0.0),
                                                         (6, (2, 4), (3, 5), -2 / 5),
                                                         (9, (3, 7), (8, 2), None)])
def test_resistive_circuits_of_fig1(N, src, drn, offset):
    for V in (0.7, -0.7):
        r = circuit_steady_state(ResistiveWire(N, V, 0.3, src, drn, R=2.0))
        assert r.I_in == pytest.approx(classical_analytic.circuit_inflow(N, V, 0.3, src, drn, 2.0),
                                       rel=1e-13)
        assert r.I_out == pytest.approx(r.I_in, rel=1e-13)
        assert r.diagnostics["conservation_error"] < 1e-14
        if offset is not None:  # Sec. I: V/R - I_g/3, V/R, V/R - 2 I_g/5
            assert r.I_in == pytest.approx(V / 2.0 + offset * 0.3, rel=1e-13)


@pytest.mark.parametrize("N", [4, 12, 200])
def test_resistive_wire_app_d(N):
    r = circuit_steady_state(ResistiveWire(N, 0.8, 0.05, R=1.5))
    d = classical_analytic.circuit_app_d(N, 0.8, 0.05, R=1.5)
    assert r.I_in == pytest.approx(d["I_in"], rel=1e-12)  # (D1)
    np.testing.assert_allclose(r.V[1:-1], d["V"], rtol=1e-12)  # (D2)
    np.testing.assert_allclose(r.heat, d["heat"], rtol=1e-11)  # (D3)
    np.testing.assert_allclose((r.heat[:-1] + r.heat[1:]) / 2, d["heat_mean"], rtol=1e-11)
    rev = circuit_steady_state(ResistiveWire(N, -0.8, 0.05, R=1.5))
    # the nonreciprocity I_g (1 - a/L) tends to I_g, as 2 delta J of the long quantum wire
    assert -(r.I_in + rev.I_in) == pytest.approx(0.05 * (1 - 1 / (N - 1)), rel=1e-12)


@pytest.mark.parametrize(
    ("cls", "kwargs", "name"),
    [(ResistiveWire, {"N": 5, "V": 1.0, "I_g": 0.1}, "N"),
     (ResistiveWire, {"N": 6, "V": 1.0, "I_g": 0.1, "R": 0.0}, "R"),
     (ResistiveWire, {"N": 6, "V": 1.0, "I_g": 0.1, "sources": (2,)}, "together"),
     (ResistiveWire, {"N": 6, "V": 1.0, "I_g": 0.1, "sources": (1,), "drains": (3,)},
      "sources"),
     (ClassicalWire, {"N": 6, "p": 0.5, "delta_rho": 0.1, "I_g": 0.1,
                      "sources": (2, 3), "drains": (4,)}, "as many"),
     (ClassicalWire, {"N": 6, "p": 0.0, "delta_rho": 0.1, "I_g": 0.1,
                      "sources": (2,), "drains": (4,)}, "p"),
     (ClassicalWire, {"N": 6, "p": 0.5, "delta_rho": 0.1, "I_g": 0.1,
                      "sources": (2,), "drains": (6,)}, "drains"),
     (ClassicalWire, {"N": 6, "p": 0.5, "delta_rho": 0.1, "I_g": 0.1, "drains": (3,)},
      "together"),
     (ClassicalWire, {"N": 7, "p": 0.5, "delta_rho": 0.1, "I_g": 0.1}, "N must be even"),
     (ClassicalWire, {"N": 3, "p": 0.5, "delta_rho": 0.1, "I_g": 0.1,
                      "sources": (2,), "drains": (3,)}, "N")])
def test_bad_input_names_the_parameter(cls, kwargs, name):
    with pytest.raises(ValueError, match=name):
        cls(**kwargs)


def test_circuit_solver_refuses_other_models():
    with pytest.raises(TypeError, match="ResistiveWire"):
        circuit_steady_state(ClassicalWire(4, 0.5, 0.1, 0.0))


# ------------------------------------------------------------------------------- figures

def _checks(tmp_path, name):
    FIGURES[name](tmp_path)
    record = json.loads((tmp_path / f"{name.replace('-', '_')}.json").read_text())
    assert record["claim"] and record["deviations"]
    return record["checks"]


@pytest.mark.parametrize("name", ["wire-fig8", "wire-classical"])
def test_figure_checks_pass(name, tmp_path):
    checks = _checks(tmp_path, name)
    assert len(checks) >= 9
    assert [c["claim"] for c in checks if not c["passed"]] == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["wire-fig9", "wire-fig10"])
def test_full_size_figure_checks_pass(name, tmp_path):
    checks = _checks(tmp_path, name)
    assert [c["claim"] for c in checks if not c["passed"]] == []


def test_fig4_checks_pass(tmp_path):
    checks = _checks(tmp_path, "wire-fig4")
    assert len(checks) == 8
    assert [c["claim"] for c in checks if not c["passed"]] == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["wire-fig2", "wire-fig3"])
def test_wire_fig2_fig3_checks_pass(name, tmp_path):
    checks = _checks(tmp_path, name)
    assert [c["claim"] for c in checks if not c["passed"]] == []
