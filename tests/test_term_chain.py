"""A user's own spin chain from local terms (TermChain): equal to the package's XX chain,
exact limits, ED = MPO, CMF on a ring, symmetry detection, refusals."""

import json
import warnings

import numpy as np
import pytest

import mpo
from manybody import cmf, ed
from manybody.models import BoundaryDrivenXX, TermChain
from manybody.models.spin import local_matrix
from manybody.models.term_chain import pauli_terms
from manybody.result import Result

XX = [(1.0, (("sx", 0), ("sx", 1))), (1.0, (("sy", 0), ("sy", 1)))]


def _sp(rate):
    return [(np.sqrt(rate), (("sp", 0),))]


def _sm(rate):
    return [(np.sqrt(rate), (("sm", 0),))]


def _xx_as_terms(L, gamma, mu, dephasing):
    return TermChain(L, bond=XX, site_jumps=[[(np.sqrt(dephasing), (("sz", 0),))]],
                     left_jumps=[_sp(gamma * (1 + mu)), _sm(gamma * (1 - mu))],
                     right_jumps=[_sp(gamma * (1 - mu)), _sm(gamma * (1 + mu))])


@pytest.mark.parametrize(("mu", "dephasing"), [(0.3, 0.2), (0.0, 0.5), (-0.7, 0.0)])
def test_terms_reproduce_the_packaged_xx_chain(mu, dephasing):
    ours = _xx_as_terms(5, 1.0, mu, dephasing)
    theirs = BoundaryDrivenXX(5, gamma=1.0, mu=mu, J=1.0, dephasing=dephasing)
    a, b = ed.steady_state(ours, state=True), ed.steady_state(theirs, state=True)
    assert np.abs(a.state.to_dense() - b.state.to_dense()).max() < 1e-12
    np.testing.assert_allclose(a.current_profile, b.current_profile, atol=1e-12, rtol=0)
    assert ours.reflection_symmetric == theirs.reflection_symmetric == (mu == 0)
    # the default current i[h_01, sz_1] is the XX chain's I^J
    for bond in ours.bonds:
        np.testing.assert_allclose(local_matrix(ours.current_terms(bond)["J"], bond),
                                   local_matrix(theirs.current_terms(bond)["J"], bond),
                                   atol=1e-14)


@pytest.mark.parametrize(("L", "chi"), [(6, 32), pytest.param(8, 64, marks=pytest.mark.slow)])
def test_boundary_driven_xxz_ed_equals_mpo_and_the_current_is_uniform(L, chi):
    """L = 8 (32768 unknowns): both Krylov solvers stall and the sparse LU solves it; the MPO
    does not settle at chi = 32 (it says so) and needs 64 (about 5 min in all). At L = 6,
    chi = 32 (half the middle bond's full rank) the truncated dynamics keeps wandering by
    ~2e-6 per unit time from t ~ 80 on (measured at dt = 0.025, one- and two-centre sweeps
    alike), so the run stops at tol = 1e-5, above that floor."""
    chain = TermChain(L, bond=XX + [(0.5, (("sz", 0), ("sz", 1)))],
                      left_jumps=[_sp(1.0)], right_jumps=[_sm(1.0)], name="xxz")
    e = ed.steady_state(chain)
    # no bulk dissipation: the continuity equation makes the NESS current the same on all bonds
    assert np.ptp(e.current_profile) < 1e-12 and e.current > 0.1
    m = mpo.steady_state(chain, max_bond=chi, tol=1e-5, progress=False)
    assert abs(m.current - e.current) < m.diagnostics["error"] < 1e-3
    np.testing.assert_allclose(m.sz, e.sz, atol=1e-4)


def test_ring_with_pump_and_loss_cmf_and_ed_give_the_exact_product_state():
    """Bond h = Delta sz sz (diagonal) and on-site D[sm] (rate 0.25), D[sp] (0.09): the steady
    state is the product of <sz> = (0.09 - 0.25)/(0.09 + 0.25) on every site, which cluster
    mean field and ED must both find; no current flows."""
    ring = TermChain(6, bond=[(0.7, (("sz", 0), ("sz", 1)))], site_jumps=[_sm(0.25), _sp(0.09)],
                     currents={"J": pauli_terms(np.zeros((4, 4)) + np.diag([0, 1, -1, 0]),
                                                (0, 1))}, boundary="periodic")
    exact = (0.09 - 0.25) / (0.09 + 0.25)
    e, c = ed.steady_state(ring), cmf.steady_state(ring, n_starts=3)
    np.testing.assert_allclose(e.sz, exact, atol=1e-12)
    np.testing.assert_allclose(c.sz, exact, atol=1e-10)
    assert abs(e.current) < 1e-13 and abs(c.current) < 1e-10
    assert e.diagnostics["group_order"] == 12  # translation and reflection found


def test_xxz_ring_runs_on_every_solver_and_reflection_gives_no_current():
    """On-site loss sqrt(0.5) sm + 0.3 sz (a jump with a coherent part) and pump D[sp] (0.18):
    the single-site steady state has coherences, so the XXZ bonds correlate the sites (not the
    product state that pump and loss alone give). Reflection forces zero current on ED, CMF
    and the MPO; at chi = 64 the folded MPS of six sites is untruncated, so the MPO is exact up
    to Trotter (Richardson) and keeps the reflection to round-off."""
    loss = [(np.sqrt(0.5), (("sm", 0),)), (0.3, (("sz", 0),))]
    ring = TermChain(6, bond=XX + [(0.5, (("sz", 0), ("sz", 1)))],
                     site_jumps=[loss, _sp(0.18)], boundary="periodic")
    assert ring.reflection_symmetric and ring.translation_symmetric
    e, c = ed.steady_state(ring), cmf.steady_state(ring, n_starts=3)  # 12 starts: same, 4x time
    assert abs(e.current) < 1e-13 and abs(c.current) < 1e-10  # reflection: no current
    assert abs(c.sz[0] - e.sz[0]) > 1e-2  # correlated: mean field is not exact here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        m = mpo.steady_state(ring, max_bond=64, progress=False, tol=1e-6, dt=0.1)
    assert abs(m.current) < 1e-12
    np.testing.assert_allclose(m.sz, e.sz, atol=1e-6)  # measured 5e-9


@pytest.mark.parametrize("dm", [0.0, 0.6])
def test_detected_symmetries_give_the_unreduced_state(dm):
    """A Dzyaloshinskii-Moriya bond (dm != 0) breaks the reflection; the symmetric ED with the
    detected group must equal the solve on the whole space."""
    ring = TermChain(6, bond=XX + [(dm, (("sx", 0), ("sy", 1))), (-dm, (("sy", 0), ("sx", 1)))],
                     bond_jumps=[[(0.5, (("sm", 0), ("sp", 1)))], [(0.5, (("sp", 0), ("sm", 1)))]],
                     site_jumps=[_sp(0.2), _sm(0.3)], boundary="periodic")
    assert ring.reflection_symmetric == (dm == 0)  # the two bond jumps swap into each other
    a = ed.steady_state(ring, state=True)
    b = ed.steady_state(ring, method="direct", state=True)
    assert a.diagnostics["group_order"] == (12 if dm == 0 else 6)
    assert np.abs(a.state.to_dense() - b.state.to_dense()).max() < 1e-10


def test_params_are_json_and_results_save(tmp_path):
    chain = _xx_as_terms(4, 1.0, 0.3, 0.2)
    r = ed.steady_state(chain, state=True)
    json.dumps(r.to_dict())
    assert Result.load(r.save(tmp_path / "r.h5")) == r


def test_bad_terms_are_refused_with_the_piece_named():
    with pytest.raises(ValueError, match=r"bond: factor\(s\) \[\('sx', 2\)\]"):
        TermChain(4, bond=[(1.0, (("sx", 0), ("sx", 2)))])
    with pytest.raises(ValueError, match=r"left_jumps: factor\(s\) \[\('cdag', 0\)\]"):
        TermChain(4, bond=XX, left_jumps=[[(1.0, (("cdag", 0),))]])
    with pytest.raises(ValueError, match="need an open chain"):
        TermChain(4, bond=XX, left_jumps=[_sp(1.0)], boundary="periodic")
    with pytest.raises(ValueError, match="does not conserve sz_0 \\+ sz_1.*pass currents"):
        TermChain(4, bond=[(1.0, (("sx", 0), ("sz", 1)))])
    with pytest.raises(ValueError, match="needs a Hamiltonian"):
        TermChain(4, site_jumps=[_sm(1.0)])
    with pytest.raises(ValueError, match="profile names"):
        TermChain(4, bond=XX, profile=("K",))
    with pytest.raises(ValueError, match="must be 4 x 4"):
        pauli_terms(np.eye(2), (0, 1))


def test_pauli_terms_expand_any_matrix():
    rng = np.random.default_rng(5)
    M = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    assert np.abs(local_matrix(pauli_terms(M, (0, 1)), (0, 1)) - M).max() < 1e-14
