"""States held by results (manybody.states): Qobj = qutip.steadystate, expect = Tr(rho O) of
the dense matrix, MPS observables = reported ones, HDF5 round trips, refusals."""

import warnings

import numpy as np
import pytest
import qutip

import mpo
from manybody import ed, tgge
from manybody.ed.fock import FockSector
from manybody.errors import SizeError
from manybody.models import (
    BoseHubbardRing,
    BoundaryDrivenXX,
    MetelmannClerkRing,
    NonreciprocalChain,
    RashbaZeemanChain,
)
from manybody.models.spin import to_sparse
from manybody.result import Result
from manybody.states import MAX_DENSE_DIM
from manybody.tgge.state import ProductState

RNG = np.random.default_rng(11)


def _qutip_steady(model):
    dims = [[model.local_dim] * model.L] * 2
    H = qutip.Qobj(model.hamiltonian(), dims=dims)
    return qutip.steadystate(H, [qutip.Qobj(j, dims=dims) for j in model.jumps()])


@pytest.mark.parametrize(("L", "boundary"), [(4, "periodic"), (5, "periodic"), (6, "periodic"),
                                             (4, "open"), (5, "open")])  # open L=6: 200 s
def test_spin_qobj_equals_qutip_steadystate(L, boundary):
    ring = MetelmannClerkRing.minimal(L=L, alpha=2.0, delta=1.5, boundary=boundary)
    q = ed.steady_state(ring, state=True).state.to_qobj()
    assert q.dims == [[2] * L, [2] * L]
    assert np.abs((q - _qutip_steady(ring)).full()).max() < 1e-10


def test_boson_state_equals_qutip_and_direct_method_holds_the_same_state():
    m = BoseHubbardRing(L=3, n_max=2, alpha=2.0, beta=0.5, gamma=0.3, delta=1.0, U=1.0,
                        kappa=0.5)
    r = ed.steady_state(m, state=True, truncation=False)
    assert r.state.dims == [3, 3, 3]
    assert np.abs((r.state.to_qobj() - _qutip_steady(m)).full()).max() < 1e-10
    d = ed.steady_state(m, method="direct", state=True, truncation=False)
    assert np.abs(d.state.to_dense() - r.state.to_dense()).max() < 1e-10


def _fermion_ops(M):
    return [qutip.fdestroy(M, a) for a in range(M)]


@pytest.mark.parametrize("model", [NonreciprocalChain(4, eps=0.2, gamma_neq=0.6),
                                   NonreciprocalChain(6, eps=0.05, gamma_neq=0.5),
                                   RashbaZeemanChain(2, eps=0.1, gamma_neq=0.5),
                                   RashbaZeemanChain(3, eps=0.1, gamma_neq=0.9)])
def test_fermion_qobj_equals_qutip_steadystate_of_the_sector(model):
    M = model.n_modes
    r = ed.steady_state(model, state=True)
    sector = FockSector(M, M // 2)
    H, c_ops = ed.solver.lindblad_operators(model, sector)
    ref = qutip.steadystate(qutip.Qobj(H), [qutip.Qobj(c) for c in c_ops]).full()
    assert np.abs(r.state.sector_matrix() - ref).max() < 1e-10
    q = r.state.to_qobj()  # the 2^M Fock space, mode a the a-th factor (fdestroy's order)
    assert q.dims == [[2] * M, [2] * M]
    c = _fermion_ops(M)
    number = sum(x.dag() * x for x in c)
    assert abs((q * number).tr() - M // 2) < 1e-12
    n = [(q * x.dag() * x).tr().real for x in c]
    np.testing.assert_allclose(n, r.occupations.reshape(-1), atol=1e-12)
    # a direct solve holds the same state
    d = ed.steady_state(model, method="direct", state=True)
    assert np.abs(d.state.sector_matrix() - ref).max() < 1e-10


def test_fermion_expect_equals_the_dense_trace_for_products():
    model = RashbaZeemanChain(3, eps=0.1, gamma_neq=0.9)
    st = ed.steady_state(model, state=True).state
    rho = st.to_qobj()
    c = _fermion_ops(model.n_modes)
    terms = [(0.7, (("cdag", 1), ("c", 1), ("cdag", 4), ("c", 4))),
             (1.3 - 0.2j, (("cdag", 2), ("cdag", 0), ("c", 5), ("c", 3))),
             (0.3, (("cdag", 2), ("c", 3)))]
    op = (0.7 * c[1].dag() * c[1] * c[4].dag() * c[4]
          + (1.3 - 0.2j) * c[2].dag() * c[0].dag() * c[5] * c[3] + 0.3 * c[2].dag() * c[3])
    assert abs(st.expect(terms) - (rho * op).tr()) < 1e-13
    assert st.expect([(1.0, (("c", 0),))]) == 0  # changes N: zero in a fixed-N state


def test_spin_expect_equals_the_dense_trace_for_strings_and_same_site_products():
    ring = MetelmannClerkRing.minimal(L=6, alpha=2.0, delta=1.5)
    st = ed.steady_state(ring, state=True).state
    assert st.use_parity and st.group.shape[0] == 12  # the symmetric form is what is held
    rho = st.to_dense()
    ops = [[(1.0, tuple(("sz", j) for j in range(6)))],  # string operator
           [(0.5, (("sp", 1), ("sm", 4))), (0.5, (("sm", 1), ("sp", 4)))],
           [(1.0, (("sp", 2), ("sm", 2)))],  # n_2: the rightmost factor acts first
           [(2.0 + 1j, (("sx", 0), ("sy", 3), ("sz", 5)))]]
    for op in ops:
        dense = to_sparse(op, 6).toarray()
        assert abs(st.expect(op) - np.trace(rho @ dense)) < 1e-13
    n2, sz2 = st.expect(ops[2]), st.expect([(1.0, (("sz", 2),))])
    assert abs(n2 - (1 + sz2) / 2) < 1e-13


def test_gge_product_state_expect_and_dense():
    model = NonreciprocalChain(6, eps=0.05, gamma_neq=0.5)
    r = tgge.steady_state(model, state=True)
    st = r.state
    rho = st.to_qobj()
    c = _fermion_ops(6)
    op = c[1].dag() * c[1] * c[4].dag() * c[4] + 0.5 * c[0].dag() * c[3].dag() * c[3] * c[0]
    terms = [(1.0, (("cdag", 1), ("c", 1), ("cdag", 4), ("c", 4))),
             (0.5, (("cdag", 0), ("cdag", 3), ("c", 3), ("c", 0)))]
    assert abs(st.expect(terms) - (rho * op).tr()) < 1e-14
    n = r.occupations
    assert abs(st.expect(terms[:1]) - n[1] * n[4]) < 1e-14  # Wick for a product state
    assert abs(rho.tr() - 1) < 1e-14
    with pytest.raises(ValueError, match="state=True needs ensemble='grand_canonical'"):
        tgge.steady_state(model, state=True, ensemble="canonical")


def _bond_current(model, j):
    """Site terms of -i(c^dag_{j+1} T c_j - h.c.), the bond current of Eq. (13)."""
    nb, T = model.n_bands, model.hopping
    return [term for s in range(nb) for t in range(nb) if T[s, t] != 0 for term in
            [(-1j * T[s, t], (("cdag", (j + 1) * nb + s), ("c", j * nb + t))),
             (1j * np.conj(T[s, t]), (("cdag", j * nb + t), ("c", (j + 1) * nb + s)))]]


@pytest.mark.parametrize("model", [NonreciprocalChain(6, eps=0.1, gamma_neq=0.5),
                                   RashbaZeemanChain(3, eps=0.1, gamma_neq=0.9)])
def test_site_operators_give_the_current_of_every_bond_and_the_density(model):
    """Site terms through mode_terms: each bond carries the ring-averaged current (translation
    invariance) in ED and tGGE, each site holds N/L particles; W is the unitary of
    to_real_space."""
    M, W = model.n_modes, model.site_to_mode
    assert np.abs(W.conj().T @ W - np.eye(M)).max() < 1e-14
    X = RNG.normal(size=(M, M)) + 1j * RNG.normal(size=(M, M))
    assert np.abs(W @ X @ W.conj().T - model.to_real_space(X)).max() < 1e-13
    for r in (ed.steady_state(model, state=True), tgge.steady_state(model, state=True)):
        assert abs(r.current) > 1e-3
        for j in range(model.L - 1):  # (L - 1, 0) closes the ring with (-1)^L (odd L: flux pi)
            assert abs(r.state.expect(model.mode_terms(_bond_current(model, j))) - r.current) \
                < 1e-12
        for j in range(model.L):
            site = [(1.0, (("cdag", x), ("c", x))) for x in range(j * model.n_bands,
                                                                   (j + 1) * model.n_bands)]
            assert abs(r.state.expect(model.mode_terms(site)) - M / 2 / model.L) < 1e-12


def test_site_density_correlations_of_the_gge_obey_wick():
    """<n_0 n_2> = <n_0><n_2> - |<c^dag_0 c_2>|^2 in the Gaussian tGGE state: the four-factor
    expansion and its fermion signs against two-factor ones."""
    model = NonreciprocalChain(6, eps=0.05, gamma_neq=0.5)
    st = tgge.steady_state(model, state=True).state

    def ev(*factors):
        return st.expect(model.mode_terms([(1.0, factors)]))

    nn = ev(("cdag", 0), ("c", 0), ("cdag", 2), ("c", 2))
    g = ev(("cdag", 0), ("c", 2))
    assert abs(g) > 1e-3
    assert abs(nn - (ev(("cdag", 0), ("c", 0)) * ev(("cdag", 2), ("c", 2)) - abs(g) ** 2)) < 1e-13
    with pytest.raises(SizeError, match="1679616 mode terms .* > MAX_MODE_TERMS=100000"):
        NonreciprocalChain(36, eps=0.05, gamma_neq=0.5).mode_terms([(1.0, (("c", 0),) * 4)])


def _profile(model, st):
    return np.array([sum(st.expect(model.current_terms(b)[k]) for k in model.PROFILE_PARTS)
                     for b in model.bonds]).real


def test_mps_state_reproduces_the_reported_observables():
    chain = MetelmannClerkRing.minimal(L=6, alpha=2.0, delta=1.5, boundary="open")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # no error bar without Richardson
        m = mpo.steady_state(chain, max_bond=32, progress=False, richardson=False)
    assert m.state.mps.phys_dim() == 4 and m.state.mps.L == 6
    np.testing.assert_allclose(_profile(chain, m.state), m.current_profile, atol=1e-12, rtol=0)
    sz = [m.state.expect([(1.0, (("sz", j),))]).real for j in range(6)]
    np.testing.assert_allclose(sz, m.observables["sz"], atol=1e-12, rtol=0)


def test_mps_correlator_matches_ed_within_the_error_budget_and_richardson_state():
    chain = MetelmannClerkRing.minimal(L=6, alpha=2.0, delta=1.5, boundary="open")
    e = ed.steady_state(chain, state=True)
    m = mpo.steady_state(chain, max_bond=64, tol=1e-8, progress=False)
    budget = m.diagnostics["error"]
    assert 0 < budget < 1e-3
    # with Richardson the state is the dt/2 one: its profile is within error_trotter
    assert m.state.phase == "fine" and m.state.dt == pytest.approx(0.025)
    gap = np.abs(_profile(chain, m.state) - m.current_profile).max()
    assert gap <= m.diagnostics["error_trotter"] * (1 + 1e-9)
    for op in ([(1.0, (("sp", 1), ("sm", 4)))], [(1.0, (("sz", 0), ("sz", 3)))]):
        assert abs(m.state.expect(op) - e.state.expect(op)) < budget


def test_mpo_starts_from_a_user_state():
    chain = BoundaryDrivenXX(L=5)
    e = ed.steady_state(chain, state=True)
    rho = e.state.to_dense()
    kw = {"max_bond": 32, "progress": False, "richardson": False, "truncation_check": False,
          "warmup": False, "tol": 1e-9}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        runs = [mpo.steady_state(chain, initial=x, **kw)
                for x in (e.state, rho, mpo.state.from_dense(rho))]
        cold = mpo.steady_state(chain, **kw)
        again = mpo.steady_state(chain, initial=cold.state, **kw)
    for r in runs:
        assert r.options["initial"].startswith("state:")
        assert abs(r.current - cold.current) < 1e-7
        # from the exact state only the time-step bias (dt^2) is left to relax
        assert r.diagnostics["time"] < cold.diagnostics["time"]
    assert len({r.options["initial"] for r in runs}) == 1  # the same state, the same hash
    # continuing from the run's own fixed point: done within the stopping rule's few checks
    assert again.diagnostics["time"] <= 5 and abs(again.current - cold.current) < 1e-9
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        v = mpo.variational_steady_state(chain, max_bond=32, initial=runs[0].state,
                                         progress=False)
    assert abs(v.current - e.current) < 1e-6 and v.state.kind == "mps"
    with pytest.raises(ValueError, match="initial: a dense density matrix must be 32 x 32"):
        mpo.steady_state(chain, initial=np.eye(16) / 16, **kw)


def test_ring_states_keep_their_site_order():
    """A ring's MPS is folded (mpo.tebd.site_order): its state's expect() and dense matrix use
    the model's sites (profile and σᶻ as reported, dense ρ as ED's within the budget), and a
    ring run starts from a folded result, an exact (natural-order) state, or either converted
    for the variational solver, to the same current."""
    ring = MetelmannClerkRing.minimal(L=5, alpha=2.0, delta=1.5, boundary="periodic")
    e = ed.steady_state(ring, state=True)
    kw = {"max_bond": 32, "progress": False, "richardson": False, "truncation_check": False,
          "warmup": False, "tol": 1e-8}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        cold = mpo.steady_state(ring, **kw)
        again = mpo.steady_state(ring, initial=cold.state, **kw)
        exact = mpo.steady_state(ring, initial=e.state, **kw)
    assert cold.state.positions == [0, 4, 1, 3, 2]
    np.testing.assert_allclose(_profile(ring, cold.state), cold.current_profile, atol=1e-12,
                               rtol=0)
    sz = [cold.state.expect([(1.0, (("sz", j),))]).real for j in range(5)]
    np.testing.assert_allclose(sz, cold.observables["sz"], atol=1e-12, rtol=0)
    assert np.abs(cold.state.to_dense() - e.state.to_dense()).max() < 1e-3  # dt^2 bias
    assert again.diagnostics["time"] <= 5 and abs(again.current - cold.current) < 1e-9
    assert abs(exact.current - cold.current) < 1e-7
    assert exact.diagnostics["time"] < cold.diagnostics["time"]
    arrays = mpo.state.initial_arrays(ring, cold.state)  # natural order
    assert np.abs(mpo.state.to_dense(arrays) - cold.state.to_dense()).max() < 1e-12


def _results():
    ring = MetelmannClerkRing.minimal(L=4, alpha=2.0, delta=1.5)
    fermions = NonreciprocalChain(4, eps=0.2, gamma_neq=0.6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return [ed.steady_state(ring, state=True), ed.steady_state(fermions, state=True),
                tgge.steady_state(fermions, state=True),
                mpo.steady_state(MetelmannClerkRing.minimal(L=4, alpha=2.0, delta=1.5,
                                                            boundary="open"),
                                 max_bond=8, progress=False, richardson=False,
                                 truncation_check=False)]


def test_states_round_trip_through_hdf5(tmp_path):
    for i, r in enumerate(_results()):
        path = r.save(tmp_path / f"r{i}.h5")
        back = Result.load(path)
        assert back == r and back.state == r.state
        assert type(back.state) is type(r.state)
        np.testing.assert_array_equal(back.state.to_dense(), r.state.to_dense())
        assert "state" not in r.to_dict()  # JSON stays the small summary


def test_dense_forms_and_bad_operators_are_refused():
    with pytest.raises(SizeError, match=r"8192 x 8192 \(L=13 factors\) > MAX_DENSE_DIM=4096"):
        ProductState(np.full(13, 0.5)).to_qobj()
    assert MAX_DENSE_DIM == 4096
    st = ed.steady_state(MetelmannClerkRing.minimal(L=4, alpha=2.0, delta=1.5),
                         state=True).state
    with pytest.raises(ValueError, match="operator name 'cdag' .* is not one of"):
        st.expect([(1.0, (("cdag", 0),))])
    with pytest.raises(ValueError, match=r"site 4 .* outside \[0, 4\)"):
        st.expect([(1.0, (("sz", 4),))])
    with pytest.raises(ValueError, match="non-empty list of terms"):
        st.expect([])
    with pytest.raises(ValueError, match="state must be True or False"):
        ed.steady_state(NonreciprocalChain(4, gamma_neq=0.5), state=1)
    assert ed.steady_state(NonreciprocalChain(4, gamma_neq=0.5)).state is None  # opt-in
