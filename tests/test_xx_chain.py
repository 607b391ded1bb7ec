"""Boundary-driven XX chain: model, continuity equation, exact two-point solution against exact
diagonalization and the closed form, current sign, symmetry flags, TEBD steady state."""

import numpy as np
import pytest

import mpo
from manybody import ed
from manybody.ed import xx_chain
from manybody.models import BoundaryDrivenXX
from manybody.models.spin import lindblad_superoperator, to_sparse

PARAMS = [{"gamma": 1.0, "mu": 0.5}, {"gamma": 0.7, "mu": -0.3, "J": 1.3},
          {"gamma": 2.0, "mu": 1.0, "J": 0.6}, {"gamma": 1.0, "mu": 0.5, "dephasing": 0.4}]


def test_bad_input_names_the_parameter():
    for kwargs, name in [({"gamma": 0.0}, "gamma"), ({"mu": 1.5}, "mu"), ({"J": 1j}, "J"),
                         ({"dephasing": -0.1}, "dephasing")]:
        with pytest.raises(ValueError, match=name):
            BoundaryDrivenXX(4, **kwargs)
    with pytest.raises(ValueError, match="L must be"):
        BoundaryDrivenXX(1)
    with pytest.raises(ValueError, match="dephasing L"):
        xx_chain.correlations(BoundaryDrivenXX(xx_chain.MAX_DEPHASED_SITES + 1, dephasing=0.1))


def test_continuity_equation_in_the_bulk():
    """i[H, sigma^z_j] = I_{j-1} - I_j as operators, and dephasing leaves sigma^z_j alone."""
    L = 5
    m = BoundaryDrivenXX(L, gamma=0.8, mu=0.3, J=1.3, dephasing=0.5)
    H = m.hamiltonian()
    for j in range(1, L - 1):
        sz = to_sparse([(1.0, (("sz", j),))], L)
        cur = [to_sparse(m.current_terms(b)["J"], L) for b in ((j - 1, j), (j, j + 1))]
        assert abs(1j * (H @ sz - sz @ H) - (cur[0] - cur[1])).max() < 1e-12


@pytest.mark.parametrize("L", [3, 4, 5, 6])
@pytest.mark.parametrize("params", PARAMS, ids=["plain", "J", "mu=1", "dephasing"])
def test_correlation_matrix_matches_ed(L, params):
    """ED's iterative solve (BiCGSTAB to 1e-13) limits the agreement to ~1e-12."""
    m = BoundaryDrivenXX(L, **params)
    exact, ours = ed.steady_state(m), xx_chain.steady_state(m)
    assert np.abs(ours.current_profile - exact.current_profile).max() < 1e-11
    assert np.abs(ours.sz - exact.sz).max() < 1e-11
    assert ours.diagnostics["residual"] < 1e-13


@pytest.mark.slow
@pytest.mark.parametrize("L", [7, 8])
def test_correlation_matrix_matches_ed_large(L):
    """Measured: 3e-12 at L = 7, 1e-12 at L = 8 (ED ~40 s at L = 8 without dephasing)."""
    for params in PARAMS[:2] + PARAMS[3:]:
        m = BoundaryDrivenXX(L, **params)
        exact, ours = ed.steady_state(m), xx_chain.steady_state(m)
        assert np.abs(ours.current_profile - exact.current_profile).max() < 1e-11
        assert np.abs(ours.sz - exact.sz).max() < 1e-11


@pytest.mark.parametrize("L", [2, 3, 20, 200])
@pytest.mark.parametrize("params", PARAMS, ids=["plain", "J", "mu=1", "dephasing"])
def test_closed_form(L, params):
    """Flat current and magnetization without dephasing, Fick's law with it, any L (the slow
    modes cost the bulk magnetization accuracy: measured 2e-11 at L = 200)."""
    m = BoundaryDrivenXX(L, **params)
    ours, closed = xx_chain.steady_state(m), xx_chain.closed_form(m)
    assert np.abs(ours.current_profile - closed["current"]).max() < 1e-11
    assert np.abs(ours.sz - closed["sz"]).max() < 1e-10


@pytest.mark.slow
def test_closed_form_at_L1000():
    """Bartels-Stewart at L = 1000 (~15 s): the slow modes (gap ~ L^-3) cost accuracy in the
    bulk magnetization (measured 1e-10)."""
    m = BoundaryDrivenXX(1000, gamma=1.0, mu=0.5)
    ours, closed = xx_chain.steady_state(m), xx_chain.closed_form(m)
    assert np.abs(ours.current_profile - closed["current"]).max() < 1e-11
    assert np.abs(ours.sz - closed["sz"]).max() < 1e-9


def test_current_sign_follows_the_driving():
    """mu > 0: the left bath pumps spin up in, so the current (from j to j+1) is positive;
    reversing mu reverses it, and the magnetization falls from left to right."""
    plus = xx_chain.steady_state(BoundaryDrivenXX(6, gamma=1.0, mu=0.5, dephasing=0.3))
    minus = xx_chain.steady_state(BoundaryDrivenXX(6, gamma=1.0, mu=-0.5, dephasing=0.3))
    assert np.all(plus.current_profile > 0.1)
    assert np.abs(plus.current_profile + minus.current_profile).max() < 1e-13
    assert np.all(np.diff(plus.sz) < 0)
    zero = xx_chain.steady_state(BoundaryDrivenXX(6, gamma=1.0, mu=0.0))
    assert np.abs(zero.current_profile).max() < 1e-13


def _liouvillian(m):
    one = np.eye(2**m.L)
    return lindblad_superoperator(m.hamiltonian().toarray(), [j.toarray() for j in m.jumps()]), one


@pytest.mark.parametrize("mu", [0.0, 0.5])
def test_symmetry_flags(mu):
    """Parity always, reflection only at mu = 0: checked on the Liouvillian itself."""
    m = BoundaryDrivenXX(4, gamma=0.9, mu=mu, dephasing=0.2)
    Lv, one = _liouvillian(m)
    P = to_sparse([(1.0, tuple(("sz", j) for j in range(m.L)))], m.L).toarray()
    R = np.zeros((16, 16))
    for s in range(16):
        R[int(f"{s:04b}"[::-1], 2), s] = 1
    for g, flag in ((P, m.parity_symmetric), (R, m.reflection_symmetric)):
        G = np.kron(g, g.conj())  # rho -> g rho g^dagger, row-major vec
        assert (np.abs(G @ Lv - Lv @ G).max() < 1e-12) == flag
    assert m.parity_symmetric and m.reflection_symmetric == (mu == 0)
    assert not m.translation_symmetric


def test_tebd_steady_state_matches_exact():
    """dt = 0.05: Trotter bias of the plain run below 0.5 dt^2 (measured 1.2e-3 on the
    current, 7e-5 on sigma^z at L = 6); Richardson removes it to below 2e-5."""
    m = BoundaryDrivenXX(6, gamma=1.0, mu=0.5)
    closed = xx_chain.closed_form(m)
    r = mpo.steady_state(m, max_bond=16, richardson=True, initial="mixed", progress=False)
    assert np.abs(r.current_profile - closed["current"]).max() < 2e-5
    assert np.abs(r.sz - closed["sz"]).max() < 2e-5
    assert set(r.currents) == {"J"}
