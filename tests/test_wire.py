"""Wire with sources and drains in the bulk: solvers against the paper's closed forms.

Classical: Eqs. (6), (8), (9), (A16)-(A22). Quantum (zero temperature): Eqs. (17)-(18) and
(B28)-(B34) for N = 4, (19)-(21) for long wires, (22)/(C13) for one source-drain dimer.
"""

import numpy as np
import pytest

from manybody import wire
from manybody.models import ClassicalWire, QuantumWire
from manybody.wire import analytic

DMU = 0.1
IO = DMU / (2 * np.pi)  # ballistic current I_o = e delta_mu / 2 pi


# ---------------------------------------------------------------- classical master equation

@pytest.mark.parametrize("N", [4, 6, 20, 202])
@pytest.mark.parametrize("p", [0.2, 0.7, 1.0])
def test_classical_currents_eq8_and_eq6(N, p):
    for drho in (0.1, -0.1):  # forward and reverse bias
        w = wire.classical_steady_state(N=N, p=p, delta_rho=drho, I_g=0.05, rho0=1.7)
        exact = analytic.classical_currents(N, p, drho, 0.05)
        # sparse LU at N = 202, p = 0.2 loses ~4e-12 (relative)
        assert w.I_in == pytest.approx(exact, rel=1e-10, abs=1e-15)
        assert w.I_out == pytest.approx(exact, rel=1e-10, abs=1e-15)
        assert w.diagnostics["conservation_error"] < 1e-13
    if N == 4:  # Eq. (6)
        assert analytic.classical_currents(4, p, 0.1, 0.05) == pytest.approx(
            (0.1 - (1 - p) * 0.05) / (3 - 2 * p), rel=1e-14)


def test_classical_interface_and_rho0_independence():
    w = wire.classical_steady_state(N=20, p=0.7, delta_rho=0.1, I_g=0.05)
    assert (w.I_in, w.I_out) == pytest.approx((-0.00546875, -0.00546875), rel=1e-12)
    w2 = wire.classical_steady_state(ClassicalWire(20, 0.7, 0.1, 0.05, rho0=5.0))
    assert w2.I_in == pytest.approx(w.I_in, rel=1e-12)
    J = w.J  # continuity: J(x) - J(x-1) = (-1)^x I_g at the bulk sites
    np.testing.assert_allclose(np.diff(J), 0.05 * (-1.0) ** np.arange(2, 20), atol=1e-15)


@pytest.mark.parametrize(("N", "p"), [(4, 0.5), (12, 0.7), (40, 0.9)])
def test_classical_densities_appendix_a(N, p):
    w = wire.classical_steady_state(N=N, p=p, delta_rho=0.1, I_g=0.05, rho0=1.3)
    plus, minus = analytic.classical_densities(N, p, 0.1, 0.05, 1.3)
    np.testing.assert_allclose(w.rho_plus[1:-1], plus, rtol=1e-12)
    np.testing.assert_allclose(w.rho_minus[1:-1], minus, rtol=1e-12)
    D = 1 + (N - 2) * (1 - p)  # (A22): intra-bond current at even x
    np.testing.assert_allclose(w.J[1::2], (0.1 + 0.025) / D + 0.025, rtol=1e-12)


def test_classical_continuum_limit_eq9():
    ratio = 2.0  # L / l_c held fixed while a -> 0, L = (N - 1) a as in the paper
    err = []
    for N in (100, 1000, 10000):
        p = 1 - ratio / (N - 1)
        w = wire.classical_steady_state(N=N, p=p, delta_rho=0.1, I_g=0.05)
        err.append(abs(w.I_in - analytic.classical_continuum(N - 1, 1 / (1 - p), 0.1, 0.05)))
    assert err[-1] < 1e-5
    assert err[0] / err[1] == pytest.approx(10, rel=0.05)  # the O(1/N) of L = (N-2)a vs (N-1)a


def test_classical_nonreciprocity():
    assert wire.classical_nonreciprocity(ClassicalWire(20, 0.7, 0.1, 0.0)) == pytest.approx(
        0, abs=1e-15)
    assert wire.classical_nonreciprocity(ClassicalWire(20, 1.0, 0.1, 0.05)) == pytest.approx(
        0, abs=1e-15)  # no conversion (l_c = infinity): reciprocal
    nr = wire.classical_nonreciprocity(ClassicalWire(20, 0.7, 0.1, 0.05))
    assert nr == pytest.approx(2 * 0.3 * 9 * 0.05 / (1 + 18 * 0.3), rel=1e-12)


# ------------------------------------------------------------------------ quantum wire

def _arrangements():
    return [QuantumWire(8, 0.5, 1.0, DMU, 0.3 * IO),
            QuantumWire(7, 0.7, 0.4, DMU, 0.5 * IO, sources=(2, 5), drains=(3, 6)),
            QuantumWire(9, 0.3, -1.0, -DMU, 0.2 * IO, sources=(2,), drains=(8,))]


@pytest.mark.parametrize("linear", [True, False])
@pytest.mark.parametrize("w", _arrangements())
def test_current_conservation(w, linear):
    r = wire.quantum_steady_state(w, linear_response=linear)
    bath = np.nan_to_num(r.I)
    assert abs(bath.sum()) < 1e-15  # sources and drains balance, so I_1 = -I_N
    assert r.I_in == pytest.approx(r.I_out, rel=1e-12)
    # J is computed from G independently of the Landauer currents I_l
    assert r.diagnostics["conservation_error"] < 1e-15
    for s in w.sources:
        assert r.I[s - 1] == pytest.approx(w.I_g, rel=1e-12)
    for d in w.drains:
        assert r.I[d - 1] == pytest.approx(-w.I_g, rel=1e-12)


def test_ballistic_limit_and_surface_green():
    r = wire.quantum_steady_state(N=6, gamma=0.3, mu_bar=0.5, delta_mu=DMU, I_g=0.0,
                                  sources=(), drains=(), linear_response=False)
    assert r.I_in == pytest.approx(IO, rel=1e-13)  # gamma_1 = gamma_N = 1 is reflectionless
    om = np.linspace(-1.9, 1.9, 7)
    g = wire.surface_green(om)
    np.testing.assert_allclose(g, 1 / (om - g), rtol=1e-13)  # g = 1/(omega - g), Im g < 0
    assert np.all(g.imag < 0)


@pytest.mark.parametrize("linear", [True, False])
def test_zero_nonreciprocity_without_injection_or_with_parity(linear):
    no_injection = QuantumWire(8, 0.5, 1.0, DMU, 0.0)
    assert abs(wire.quantum_nonreciprocity(no_injection, linear_response=linear)) < 1e-16
    # Fig. 1(b) analogue: S D D S is mirror symmetric, S D S D is not
    keeps = QuantumWire(6, 0.5, 1.0, DMU, 0.5 * IO, sources=(2, 5), drains=(3, 4))
    breaks = QuantumWire(6, 0.5, 1.0, DMU, 0.5 * IO, sources=(2, 4), drains=(3, 5))
    assert abs(wire.quantum_nonreciprocity(keeps, linear_response=linear)) < 1e-16
    assert abs(wire.quantum_nonreciprocity(breaks, linear_response=linear)) > 0.01 * IO


@pytest.mark.parametrize(("gamma", "mu_bar"), [(0.5, 1.0), (0.2, 0.3), (1.3, 1.52)])
def test_short_wire_closed_forms_b28_to_b33(gamma, mu_bar):
    a = analytic.short_wire(gamma, mu_bar, DMU, 0.3 * IO)
    w = QuantumWire(4, gamma, mu_bar, DMU, 0.3 * IO)
    T, _ = wire.transmissions(w, mu_bar)
    for name, (i, j) in {"T12": (0, 1), "T13": (0, 2), "T14": (0, 3), "T23": (1, 2),
                         "T24": (1, 3), "T34": (2, 3)}.items():
        assert T[i, j] == pytest.approx(a[name], rel=1e-12)
        assert T[j, i] == pytest.approx(a[name], rel=1e-12)
    r = wire.quantum_steady_state(w, linear_response=True)
    assert r.mu[1] - mu_bar == pytest.approx(a["delta_mu_sd"], rel=1e-12)
    assert mu_bar - r.mu[2] == pytest.approx(a["delta_mu_sd"], rel=1e-12)
    r0 = wire.quantum_steady_state(QuantumWire(4, gamma, mu_bar, DMU, 0.0), linear_response=True)
    assert r0.I_in / DMU == pytest.approx(a["G4"], rel=1e-12)
    assert r0.I_in - r.I_in == pytest.approx(a["dI"], rel=1e-12)


def test_short_wire_small_gamma_eq17_eq18():
    dev = []
    for g in (0.1, 0.05):
        a = analytic.short_wire(g, 1.0, DMU, 0.3 * IO)
        w = QuantumWire(4, g, 1.0, DMU, 0.3 * IO)
        r = wire.quantum_steady_state(w, linear_response=True)
        r0 = wire.quantum_steady_state(QuantumWire(4, g, 1.0, DMU, 0.0), linear_response=True)
        dI = wire.quantum_nonreciprocity(w, linear_response=True) / 2
        dev.append([(r.mu[1] - 1.0) / a["delta_mu_sd_eq17"] - 1, r0.I_in / DMU / a["G4_eq18"] - 1,
                    dI / a["dI_eq18"] - 1])
    dev = np.abs(dev)
    assert np.all(dev[1] < [2e-5, 1e-5, 2e-3])
    np.testing.assert_allclose(dev[0] / dev[1], [16, 16, 4], rtol=0.1)  # O(g^4), O(g^4), O(g^2)


@pytest.mark.parametrize("mu_bar", [1.0, 1.5])
def test_short_wire_gamma_c_gives_two_thirds(mu_bar):
    gc = analytic.short_wire(1.0, mu_bar, DMU, IO)["gamma_c"]
    w = QuantumWire(4, gc, mu_bar, DMU, 0.2 * IO)
    assert wire.quantum_nonreciprocity(w, linear_response=True) == pytest.approx(
        2 / 3 * 0.2 * IO, rel=1e-12)


def test_long_wire_saturates_to_I_g_eq21():
    Ig = 0.05 * IO
    w = QuantumWire(200, 0.5, 1.0, DMU, Ig)
    nr = wire.quantum_nonreciprocity(w, linear_response=True)
    eq21 = 2 * analytic.long_wire(200, 0.5, 1.0, DMU, Ig)["dJ"]
    assert nr == pytest.approx(eq21, rel=2e-3)
    assert 0.95 * Ig < nr < Ig


def test_long_wire_grows_linearly_for_N_below_l_c():
    g, Ig = 0.05, 0.05 * IO  # l_c ~ 2 / g^2 = 800
    nr = {N: wire.quantum_nonreciprocity(QuantumWire(N, g, 1.0, DMU, Ig), linear_response=True)
          for N in (20, 40)}
    for N, v in nr.items():
        assert v == pytest.approx(g**2 * (N - 3) / 2 * Ig, rel=0.05)
    assert (nr[40] - nr[20]) / 20 == pytest.approx(g**2 / 2 * Ig, rel=0.08)


def test_long_wire_profile_eq19_in_the_bulk():
    N, g = 100, 0.5
    a = analytic.long_wire(N, g, 1.0, DMU, 0.3 * IO)
    r = wire.quantum_steady_state(QuantumWire(N, g, 1.0, DMU, 0.3 * IO), linear_response=True)
    site = np.arange(2, N)
    bulk = (site > 4 * a["l_c"]) & (site < N + 1 - 4 * a["l_c"])
    # Eq. (19) neglects the end layers of width ~ l_c; in the bulk it is exact to 2e-4 of the
    # profile's range (0.23), at the ends 1.4e-2
    assert np.abs(r.mu[1:-1] - a["mu"])[bulk].max() < 5e-5
    assert np.abs(r.mu[1:-1] - a["mu"]).max() < 4e-3


@pytest.mark.parametrize(("mu_bar", "half_wavelength"), [(1.0, 3), (np.sqrt(2), 4)])
def test_single_dimer_zeros_at_multiples_of_half_fermi_wavelength(mu_bar, half_wavelength):
    Ig = 0.1 * IO
    for N in range(5, 18):
        w = QuantumWire(N, 0.5, mu_bar, DMU, Ig, sources=(2,), drains=(N - 1,))
        nr = wire.quantum_nonreciprocity(w, linear_response=True)
        assert nr == pytest.approx(analytic.single_dimer_nonreciprocity(N, 0.5, mu_bar, Ig),
                                   rel=1e-10, abs=1e-15 * IO)
        if (N - 3) % half_wavelength == 0:
            assert abs(nr) < 1e-12 * Ig
        else:
            assert abs(nr) > 0.02 * Ig


def test_nonlinear_response_reduces_to_linear_and_fails_loudly():
    w = QuantumWire(4, 0.5, 1.52, 1e-4, 1e-5)
    lin = wire.quantum_steady_state(w, linear_response=True)
    full = wire.quantum_steady_state(w)
    np.testing.assert_allclose(full.mu, lin.mu, atol=1e-8)
    with pytest.raises(wire.SelfConsistencyError, match="band"):
        wire.quantum_steady_state(QuantumWire(4, 0.5, 1.52, DMU, 3.0 * IO))


@pytest.mark.parametrize(
    ("cls", "kwargs", "name"),
    [(ClassicalWire, {"N": 5, "p": 0.5, "delta_rho": 0.1, "I_g": 0.0}, "N"),
     (ClassicalWire, {"N": 6, "p": 0.0, "delta_rho": 0.1, "I_g": 0.0}, "p"),
     (ClassicalWire, {"N": 6, "p": 1.2, "delta_rho": 0.1, "I_g": 0.0}, "p"),
     (ClassicalWire, {"N": 6, "p": 0.5, "delta_rho": np.inf, "I_g": 0.0}, "delta_rho"),
     (QuantumWire, {"N": 6, "gamma": 0.5, "mu_bar": 2.5, "delta_mu": 0.1, "I_g": 0}, "mu_bar"),
     (QuantumWire, {"N": 6, "gamma": 0.5, "mu_bar": 1.9, "delta_mu": 0.4, "I_g": 0}, "delta_mu"),
     (QuantumWire, {"N": 6, "gamma": -1, "mu_bar": 1, "delta_mu": 0.1, "I_g": 0}, "gamma"),
     (QuantumWire, {"N": 7, "gamma": 0.5, "mu_bar": 1, "delta_mu": 0.1, "I_g": 0}, "N"),
     (QuantumWire, {"N": 6, "gamma": 0.5, "mu_bar": 1, "delta_mu": 0.1, "I_g": 0,
                    "sources": (2, 3), "drains": (3, 4)}, "disjoint"),
     (QuantumWire, {"N": 6, "gamma": 0.5, "mu_bar": 1, "delta_mu": 0.1, "I_g": 0,
                    "sources": (1,), "drains": (3,)}, "sources")])
def test_bad_input_names_the_parameter(cls, kwargs, name):
    with pytest.raises(ValueError, match=name):
        cls(**kwargs)


def test_fig4_command_writes_png_and_json(tmp_path):
    import json

    from manybody.cli import main

    assert main(["figure", "wire-fig4", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "wire_fig4.png").stat().st_size > 10_000
    numbers = json.loads((tmp_path / "wire_fig4.json").read_text())["numbers"]
    N, nr = np.array(numbers["mu_bar=1_N"]), np.array(numbers["mu_bar=1"])
    np.testing.assert_allclose(nr[(N - 3) % 3 == 0], 0.0, atol=1e-12)


# ---------------------------------------------------------------- honest diagnostics (issue 12)

@pytest.mark.parametrize("nodes", [2, 4])
def test_starved_quadrature_warns_and_its_estimate_bounds_the_error(nodes):
    """nodes = 2 once returned I_1 off by 7e-6 with residual 1e-15: the Newton residual says
    nothing about the integrals. Now the nodes // 2 estimate is reported and warned about."""
    from manybody.errors import QuadratureWarning

    w = QuantumWire(N=6, gamma=1.0, mu_bar=1.0, delta_mu=0.6, I_g=0.05, sources=(2,),
                    drains=(5,))
    ref = wire.quantum_steady_state(w, nodes=64)
    assert ref.diagnostics["quadrature_error"] < 1e-14
    with pytest.warns(QuadratureWarning, match="nodes"):
        r = wire.quantum_steady_state(w, nodes=nodes)
    err = max(abs(r.I_in - ref.I_in), np.abs(r.observables["J"] - ref.observables["J"]).max())
    assert 1e-12 < err <= r.diagnostics["quadrature_error"]


@pytest.mark.parametrize("tol", [1e-2, 1e-4])
def test_loose_tol_residual_bounds_the_current_error(tol):
    w = QuantumWire(N=10, gamma=0.5, mu_bar=0.3, delta_mu=0.4, I_g=0.02)
    ref = wire.quantum_steady_state(w)
    r = wire.quantum_steady_state(w, tol=tol)
    assert 0 < abs(r.I_in - ref.I_in) <= r.diagnostics["residual"]
    # Kirchhoff at every site, and no net charge enters the wire
    assert r.diagnostics["conservation_error"] < 1e-15
    assert abs(np.nansum(r.observables["I"])) < 1e-15
