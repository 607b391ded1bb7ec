"""The text claims of the persistent-current paper (Sec. IV C, App. B) and their figures."""

import numpy as np
import pytest

from manybody import ed
from manybody.ed.chain import SymmetricLiouvillian
from manybody.errors import DegenerateSteadyStateError
from manybody.experiments import spin_ring_claims
from manybody.models import MetelmannClerkRing
from manybody.observables import chain_observables


def _xx_ring(L, flux, mu=0.0):
    return MetelmannClerkRing(L, alpha=0, beta=0, gamma=0, delta=0, mu=mu, J=1.0, flux=flux)


@pytest.mark.parametrize("L", range(3, 9))
@pytest.mark.parametrize("flux", [-2.5, -0.3, 1.1, 2.9])
def test_jordan_wigner_ground_state_equals_exact_diagonalization(L, flux):
    """Energy and current of the closed form against dense ED of the same model object; on
    odd rings the ground state is doubly degenerate (N and L - N), and the closed form's
    current equals the current of the degenerate manifold's mixture."""
    ring = _xx_ring(L, flux)
    jw = ring.ground_state_jordan_wigner()
    w, v = np.linalg.eigh(ring.hamiltonian().toarray())
    d = int(np.sum(w < w[0] + 1e-9))
    assert d == (2 if L % 2 else 1)
    rho = v[:, :d] @ v[:, :d].conj().T / d
    assert jw["energy"] == pytest.approx(w[0], abs=1e-10)
    assert jw["current"] == pytest.approx(chain_observables(ring, rho)["currents"]["J"].mean(),
                                          abs=1e-10)


def test_jordan_wigner_with_a_chemical_potential():
    """mu shifts every level: the ground state leaves half filling, still equal to ED."""
    ring = _xx_ring(6, 0.7, mu=1.3)
    jw = ring.ground_state_jordan_wigner()
    w, v = np.linalg.eigh(ring.hamiltonian().toarray())
    assert jw["particles"] < 3 and jw["energy"] == pytest.approx(w[0], abs=1e-10)
    rho = np.outer(v[:, 0], v[:, 0].conj())
    assert jw["current"] == pytest.approx(chain_observables(ring, rho)["currents"]["J"].mean(),
                                          abs=1e-10)


@pytest.mark.parametrize("flux", [-2.0, 0.4, 1.5, 3.0])
def test_ground_state_current_vanishes_like_one_over_L(flux):
    """L <I^J> -> 4 J0 phi / pi on even rings, and the same sawtooth shifted by pi on odd."""
    for L, limit in ((2000, flux), (2001, flux - np.pi * np.sign(flux))):
        current = _xx_ring(L, flux).ground_state_jordan_wigner()["current"]
        assert L * current == pytest.approx(4 * limit / np.pi, abs=1e-5)


@pytest.mark.parametrize(("L", "flux", "kwargs"), [
    (4, np.pi, {}), (5, 0.0, {}), (4, 0.3, {"lam": 0.2}), (4, 0.3, {"boundary": "open"})])
def test_jordan_wigner_refuses_what_it_cannot_answer(L, flux, kwargs):
    """A level crossing (different currents), pairing, or an open chain."""
    ring = MetelmannClerkRing(L, alpha=0, beta=0, gamma=0, delta=0, mu=0.0, J=1.0, flux=flux,
                              **kwargs)
    with pytest.raises(ValueError, match="flux=|lam = 0"):
        ring.ground_state_jordan_wigner()


def test_local_decay_at_delta_zero_leaves_the_all_down_dark_state():
    """Every jump lowers a spin at delta = 0: no current however large kappa (Eqs. 11-12)."""
    for L in (4, 5):
        r = ed.steady_state(MetelmannClerkRing.minimal(L, 1.0, 0.0, kappa=0.3))
        assert abs(r.current) < 1e-12 and np.allclose(r.sz, -1.0, atol=1e-12)


def test_local_decay_gives_a_current_at_alpha_zero():
    """delta raises, kappa lowers: a finite current, the same in the full space (QuTiP)."""
    model = MetelmannClerkRing.minimal(5, 0.0, 1.0, kappa=0.3)
    symmetric, direct = ed.steady_state(model), ed.steady_state(model, method="direct")
    assert symmetric.current < -0.1
    assert symmetric.current == pytest.approx(direct.current, abs=1e-9)


@pytest.mark.parametrize(("delta", "kappa", "mu"), [(1.0, 0.3, 1.0), (0.5, 0.8, 0.0),
                                                     (1.5, 0.1, 2.0), (0.0, 0.4, 1.0)])
def test_two_site_ring_with_local_decay_has_the_rate_equation_current(delta, kappa, mu):
    """alpha = 0 at L = 2: the closed form of the rate equations, independent of mu; it
    changes sign at kappa = 2 delta^2 and vanishes at delta = 0."""
    ring = MetelmannClerkRing.minimal(2, 0.0, delta, mu=mu, kappa=kappa)
    expected = spin_ring_claims.two_site_decay_current(delta, kappa)
    assert ed.steady_state(ring).current == pytest.approx(expected, abs=1e-10)
    assert np.sign(expected) == np.sign(kappa - 2 * delta**2) or delta == 0


@pytest.mark.parametrize("L", [6, 8])
def test_next_nearest_dissipation_gives_no_current_on_even_rings(L):
    r = ed.steady_state(MetelmannClerkRing.minimal(L, 2.0, 1.5, dissipation_range=2))
    assert np.abs(r.currents["eta"]).max() < 1e-10


def test_next_nearest_dissipation_on_four_sites_has_dark_states():
    """Each two-site sub-ring has two identical jumps, which annihilate the singlet."""
    with pytest.raises(DegenerateSteadyStateError):
        ed.steady_state(MetelmannClerkRing.minimal(4, 2.0, 1.5, dissipation_range=2))


@pytest.mark.parametrize("L", [5, 7])
def test_next_nearest_odd_ring_is_the_relabelled_nearest_neighbour_ring(L):
    """p(j) = j (L+1)/2 mod L maps the jumps on (j, j+2) onto (p(j), p(j)+1): the two
    symmetric steady states are the same density matrix up to the site permutation."""

    def rho(model):
        red = SymmetricLiouvillian(model)
        return red.density_matrix(red.steady_state()[0])

    far = rho(MetelmannClerkRing.minimal(L, 2.0, 1.5, dissipation_range=2))
    near = rho(MetelmannClerkRing.minimal(L, 2.0, 1.5))
    p = np.arange(L) * (L + 1) // 2 % L
    states = np.arange(2**L)
    bits = (states[:, None] >> (L - 1 - np.arange(L))) & 1  # bits[s, j]: site j
    relabelled = bits[:, np.argsort(p)] @ (1 << (L - 1 - np.arange(L)))  # site p(j) <- j
    assert np.abs(far - near[np.ix_(relabelled, relabelled)]).max() < 1e-10
    current = spin_ring_claims._correlation_current(
        MetelmannClerkRing.minimal(L, 2.0, 1.5), (L + 1) // 2)
    r = ed.steady_state(MetelmannClerkRing.minimal(L, 2.0, 1.5, dissipation_range=2))
    assert r.current == pytest.approx(current, abs=1e-10)


def _assert_exact_checks(result, tol=1e-9):
    """The checks that hold at any size (tolerance <= tol) pass."""
    exact = [c for c in result["checks"] if c["tol"] <= tol]
    assert exact and all(c["passed"] for c in exact), exact


def test_small_figures_run_and_their_exact_checks_pass(tmp_path):
    _assert_exact_checks(spin_ring_claims.ring_decay(tmp_path, L=4, theta_L=3, points=3))
    _assert_exact_checks(spin_ring_claims.ring_nnn(tmp_path, L=6))
    _assert_exact_checks(spin_ring_claims.ring_gauge(tmp_path, L=6, large_L=20, points=8))
    for name in ("ring_decay", "ring_nnn", "ring_gauge"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"kappa": 0.0}, "kappa must be > 0"), ({"theta_L": 2}, "theta_L must be an integer"),
    ({"points": 2}, "points must be an integer")])
def test_ring_decay_refuses_bad_input(kwargs, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        spin_ring_claims.ring_decay(tmp_path, **kwargs)


@pytest.mark.parametrize("flux", [0.0, np.pi, 4.0])
def test_ring_gauge_refuses_a_flux_at_a_level_crossing(flux, tmp_path):
    with pytest.raises(ValueError, match="flux must"):
        spin_ring_claims.ring_gauge(tmp_path, flux=flux)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ring_decay", "ring_nnn", "ring_gauge"])
def test_full_size_claims_pass_every_check(name, tmp_path):
    """At the default (full) size every check of the figure passes (ring_nnn: ~6 min)."""
    result = getattr(spin_ring_claims, name)(tmp_path)
    assert all(c["passed"] for c in result["checks"]), result["checks"]
