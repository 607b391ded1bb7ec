"""Metelmann-Clerk spin ring: model, corrected continuity equation, symmetric exact solver."""

import numpy as np
import pytest
import qutip

from manybody import ed
from manybody.models import MetelmannClerkRing
from manybody.models.spin import local_matrix, to_sparse

GENERIC = dict(alpha=0.7 + 0.2j, beta=0.3 - 0.5j, gamma=1.1j, delta=0.4 + 0.1j, J=0.8,
               lam=0.3 + 0.2j, kappa=0.3, flux=0.7, mu=0.9)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"L": 1}, "L"), ({"kappa": -0.1}, "kappa"), ({"J": -1.0}, "J"),
    ({"alpha": float("nan")}, "alpha"), ({"boundary": "twisted"}, "boundary"),
    ({"dissipation_range": 3}, "dissipation_range"),
    ({"L": 2, "dissipation_range": 2}, "dissipation_range"),
])
def test_bad_parameters_are_named(kwargs, name):
    args = {"L": 4, "alpha": 1.0, "beta": 0.5, "gamma": 1.0, "delta": 0.5} | kwargs
    with pytest.raises(ValueError, match=name):
        MetelmannClerkRing(**args)


def hand_built(L, boundary, p):
    """Eqs. (10)-(12) and (21) with qutip's sigmap/sigmam written out site by site."""
    def site(op, j):
        ops = [qutip.qeye(2)] * L
        ops[j] = op
        return qutip.tensor(ops)

    sp = [site(qutip.sigmap(), j) for j in range(L)]
    sm = [site(qutip.sigmam(), j) for j in range(L)]
    J = p["J"] * np.exp(1j * p["flux"] / L)
    bonds = [(j, (j + 1) % L) for j in range(L if boundary == "periodic" else L - 1)]
    H = sum(p["mu"] * sp[j] * sm[j] for j in range(L))
    for a, b in bonds:
        hop = J * sp[a] * sm[b] + p["lam"] * sp[a] * sp[b]
        H += hop + hop.dag()
    c_ops = [p["alpha"] * sm[a] + p["beta"] * sp[a] + p["gamma"] * sm[b] + p["delta"] * sp[b]
             for a, b in bonds]
    c_ops += [np.sqrt(p["kappa"]) * sm[j] for j in range(L)]
    return qutip.liouvillian(H, c_ops).full()


@pytest.mark.parametrize(("L", "boundary"), [(2, "open"), (3, "open"), (3, "periodic")])
def test_liouvillian_equals_hand_built_one(L, boundary):
    m = MetelmannClerkRing(L, boundary=boundary, **GENERIC)
    mine = qutip.liouvillian(qutip.Qobj(m.hamiltonian()), [qutip.Qobj(j) for j in m.jumps()])
    np.testing.assert_allclose(mine.full(), hand_built(L, boundary, GENERIC), atol=1e-13)


def test_local_matrices_agree_with_the_many_body_ones():
    m = MetelmannClerkRing(2, boundary="open", **GENERIC)
    for op in [m.hamiltonian_terms(), *m.jump_operators()]:
        np.testing.assert_allclose(local_matrix(op, (0, 1)), to_sparse(op, 2).toarray(),
                                   atol=1e-15)


def test_continuity_equation_13_as_corrected_is_an_operator_identity():
    """L^dagger(sigma^z_j) against the corrected Eq. (13) (module docstring), generic
    complex couplings, every site of a ring of 4."""
    L = 4
    m = MetelmannClerkRing(L, **GENERIC)

    op = lambda terms: to_sparse(terms, L).toarray()  # noqa: E731
    one = np.eye(2**L)
    for j in range(L):
        sz = op([(1.0, (("sz", j),))])
        cin = {k: op(v) for k, v in m.current_terms(((j - 1) % L, j)).items()}
        cout = {k: op(v) for k, v in m.current_terms((j, (j + 1) % L)).items()}
        rhs = (cin["J"] - cout["J"] + cin["xi"] - cout["xi"] + cin["eta"] + cout["eta"]
               - cin["lambda"] - cout["lambda"] - (sz + one) * (m.gamma_minus + m.kappa)
               - (sz - one) * m.gamma_plus)
        np.testing.assert_allclose(m.heisenberg(sz), rhs, atol=1e-13)


@pytest.mark.parametrize(("L", "boundary", "kwargs"), [
    (3, "periodic", {}), (4, "periodic", {}), (5, "periodic", {}), (6, "periodic", {}),
    (3, "open", {}), (4, "open", {}), (5, "open", {}), (6, "open", {}),
    (4, "periodic", GENERIC), (5, "open", GENERIC),
    (4, "periodic", GENERIC | {"hx": 0.3, "jzz": 0.2}),
    (5, "periodic", {"dissipation_range": 2}),
])
def test_symmetric_solver_equals_qutip_on_the_full_space(L, boundary, kwargs):
    if kwargs:
        m = MetelmannClerkRing(L, boundary=boundary, **kwargs) if "alpha" in kwargs else \
            MetelmannClerkRing.minimal(L, 2.0, 1.5, boundary=boundary, **kwargs)
    else:
        m = MetelmannClerkRing.minimal(L, 2.0, 1.5, boundary=boundary)
    sym = ed.steady_state(m)
    ref = ed.steady_state(m, method="direct")
    assert sym.diagnostics["unknowns"] < ref.diagnostics["unknowns"]
    assert sym.diagnostics["residual"] < 1e-12
    for key in ("current_profile", "sz"):
        np.testing.assert_allclose(getattr(sym, key), getattr(ref, key), atol=1e-10)
    for k in ("J", "eta", "lambda", "xi"):
        np.testing.assert_allclose(sym.currents[k], ref.currents[k], atol=1e-10)
    for key in ("purity", "negativity", "entropy"):
        assert getattr(sym, key) == pytest.approx(getattr(ref, key), abs=1e-10)


def test_minimal_ring_current_sign_and_exact_identity():
    """The convention pinned: <I^eta> = +0.5707... for L = 4, alpha = 2 > delta = 1.5
    (positive for alpha > delta, as the paper's text says; its Eq. 24 has the other sign),
    and <I^eta> = (alpha^2 + delta^2)<sigma^z> + alpha^2 - delta^2 on the exact state."""
    r = ed.steady_state(MetelmannClerkRing.minimal(4, alpha=2.0, delta=1.5))
    assert r.current == pytest.approx(0.5707212665133, abs=1e-10)
    for L, (a, d) in [(5, (2.0, 1.5)), (6, (0.8, 1.7)), (6, (1.0, 0.3))]:
        r = ed.steady_state(MetelmannClerkRing.minimal(L, alpha=a, delta=d))
        np.testing.assert_allclose(r.currents["eta"],
                                   (a**2 + d**2) * r.sz + a**2 - d**2, atol=1e-11)
        np.testing.assert_allclose(r.current_profile, r.current, atol=1e-11)  # uniform ring
        assert np.sign(r.current) == np.sign(a - d)


@pytest.mark.parametrize("L", [3, 5])
def test_polarized_and_maximally_mixed_limits(L):
    down = ed.steady_state(MetelmannClerkRing.minimal(L, alpha=1.3, delta=0.0))
    np.testing.assert_allclose(down.sz, -1.0, atol=1e-12)
    up = ed.steady_state(MetelmannClerkRing.minimal(L, alpha=0.0, delta=1.3))
    np.testing.assert_allclose(up.sz, 1.0, atol=1e-12)
    for r in (down, up):
        assert abs(r.current) < 1e-12 and r.purity == pytest.approx(1.0, abs=1e-12)
    mixed = ed.steady_state(MetelmannClerkRing.minimal(L, alpha=1.1, delta=1.1))
    assert mixed.purity == pytest.approx(2.0**-L, abs=1e-12)
    assert abs(mixed.current) < 1e-12 and mixed.negativity < 1e-12


def test_dark_states_of_even_rings_are_refused():
    """delta = 0 on an even ring: besides all spins down, sum_j (-1)^j |up at j> is dark
    (f_j annihilates it), so the steady state is not unique and the solver says so."""
    with pytest.raises(RuntimeError, match="more than one steady state"):
        ed.steady_state(MetelmannClerkRing.minimal(4, alpha=1.3, delta=0.0))


def test_ground_state_current_is_twice_the_flux_derivative_of_the_energy():
    """Fig. 7: with the operator of Eq. (B2) the ground-state current is +2 dE/dphi
    (Hellmann-Feynman; the paper writes -dE/dphi, the same factor -2 as in Eq. 24), and the
    two-site entropy does not depend on the flux."""
    from manybody.experiments.spin_ring import ground_state

    h = 1e-5
    entropies = []
    for phi in (-2.5, -0.4, 0.3, 1.0, 2.0):
        g = ground_state(4, phi)
        dE = (ground_state(4, phi + h)["energy"] - ground_state(4, phi - h)["energy"]) / (2 * h)
        assert g["currents"]["J"].mean() == pytest.approx(2 * dE, abs=1e-8)
        entropies.append(g["entropy"])
    np.testing.assert_allclose(entropies, entropies[0], atol=1e-10)


def test_flux_current_in_the_open_system_is_periodic_and_odd():
    """Fig. 2 (kappa = 0.1, J = 1.5, lambda = 0.5): the current is odd in phi and, with
    pairing, has period 4 pi, twice that of the closed ring (as the paper notes)."""
    def current(phi):
        r = ed.steady_state(MetelmannClerkRing(4, alpha=0, beta=0, gamma=0, delta=0, J=1.5,
                                               lam=0.5, kappa=0.1, flux=phi))
        return r.currents["J"].mean()

    for phi in (0.4, 1.1):
        assert current(-phi) == pytest.approx(-current(phi), abs=1e-12)
        assert current(phi + 4 * np.pi) == pytest.approx(current(phi), abs=1e-12)
        assert abs(current(phi + 2 * np.pi) - current(phi)) > 1e-2
    assert abs(current(0.4)) > 1e-3


def test_figure_commands_write_png_and_json(tmp_path):
    import json

    from manybody.cli import main

    assert main(["figure", "ring-fig5", "--L", "6", "--out", str(tmp_path)]) == 0
    rec = json.loads((tmp_path / "ring_fig5.json").read_text())
    assert rec["numbers"]["current"][1] == pytest.approx(0.5707212665133, abs=1e-10)  # L = 4
    assert (tmp_path / "ring_fig5.png").stat().st_size > 10_000
    assert_checks_pass(rec)
    from manybody.experiments.spin_ring import fig7

    fig7(tmp_path, points=11)
    rec = json.loads((tmp_path / "ring_fig7.json").read_text())
    assert rec["numbers"]["max_dev_current_2dE"] < 1e-7
    assert_checks_pass(rec)


def assert_checks_pass(rec: dict) -> None:
    """A figure's record has a claim and checks, and every check passes."""
    assert rec["claim"] and rec["checks"] and "deviations" in rec
    failed = [c for c in rec["checks"] if not c["passed"]]
    assert not failed, failed


@pytest.mark.parametrize(("name", "kwargs"), [
    ("fig2", {"points": 5}), ("fig3", {"points": 3}), ("fig6", {"points": 3}),
])
def test_ring_figures_checks_pass_at_small_sizes(name, kwargs, tmp_path):
    """Fig. 2 (phase per bond: current odd and negativity even about pi/2, period pi),
    Fig. 3 (CMF = -Eq.(24)/2 on the grid, alpha <-> delta symmetries), Fig. 6 (the text's
    statements on the two perturbations) on coarse grids."""
    import json

    from manybody.experiments import spin_ring

    getattr(spin_ring, name)(tmp_path, **kwargs)
    rec = json.loads((tmp_path / f"ring_{name}.json").read_text())
    assert_checks_pass(rec)


@pytest.mark.slow
def test_ring_fig4_checks_pass_on_a_coarse_grid(tmp_path):
    """Fig. 4 at five angles: CMF (intra-cluster) against exact at r = 1 within 2e-3,
    agreement worse at r = 2, 5, signs caught."""
    import json

    from manybody.experiments.spin_ring import fig4

    fig4(tmp_path, points=5)
    assert_checks_pass(json.loads((tmp_path / "ring_fig4.json").read_text()))


def test_fig5_chain_writes_profiles_that_agree_with_ed(tmp_path):
    """Fig. 5 lower panel at small sizes: the MPO profiles (Richardson) of the open chains
    L = 5 and 8 equal the exact open-chain profiles within 2e-5 (the bound of test_mpo)."""
    import json

    from manybody.experiments.spin_ring import fig5_chain

    fig5_chain(tmp_path, L=8, ring_L=4)
    rec = json.loads((tmp_path / "ring_fig5_chain.json").read_text())
    assert rec["parameters"]["lengths"] == [5, 8]
    assert (tmp_path / "ring_fig5_chain.png").stat().st_size > 10_000
    for n in (5, 8):
        exact = ed.steady_state(MetelmannClerkRing.minimal(n, 2.0, 1.0, boundary="open"))
        assert np.abs(np.array(rec["numbers"]["profiles"][str(n)])
                      - exact.currents["eta"]).max() < 2e-5
    ring = ed.steady_state(MetelmannClerkRing.minimal(4, 2.0, 1.0)).current
    assert rec["numbers"]["ring_current"][0] == pytest.approx(ring, abs=1e-12)
    checks = {c["claim"].split(" (")[0]: c["passed"] for c in rec["checks"]}
    assert checks["MPO profile of the open chain L = 5 against exact"]  # the bulk checks
    # need the paper's lengths (L = 20, 30): chains of 5 and 8 sites have no bulk yet


def test_fig5_extended_joins_mpo_rings_to_exact_and_resumes(tmp_path):
    """Small sizes: the MPO ring at L = 6 equals the exact ring current within its error bar
    (< 1e-4), the open chain's bulk current is finite and near the rings', and a second call
    reads the finished runs back from their checkpoints with identical numbers."""
    import json

    from manybody.experiments.spin_ring import fig5_extended

    fig5_extended(tmp_path, L=6, ring_sizes=(6,), chain_L=8, lower_lengths=(5,))
    full = json.loads((tmp_path / "ring_fig5_extended.json").read_text())
    assert full["checks"][0]["claim"].startswith("ring MPO against exact at L = 6")
    assert full["checks"][0]["passed"]
    rec = full["numbers"]
    exact6 = rec["current_exact"][rec["L_exact"].index(6)]
    assert abs(rec["current_ring_mpo"][0] - exact6) < rec["error_ring_mpo"][0] < 1e-4
    assert abs(rec["chain_bulk_current"] - exact6) < 0.1
    lower = ed.steady_state(MetelmannClerkRing.minimal(5, 2.0, 1.0, boundary="open"))
    assert np.all(np.abs(np.array(rec["lower_profiles"]["5"]) - lower.currents["eta"])
                  < np.array(rec["lower_profile_error"]["5"]))
    assert sorted(p.name for p in (tmp_path / "mpo_runs").iterdir()) == [
        "open_L5_delta1.npz", "open_L8.npz", "periodic_L6.npz"]
    fig5_extended(tmp_path, L=6, ring_sizes=(6,), chain_L=8, lower_lengths=(5,))
    again = json.loads((tmp_path / "ring_fig5_extended.json").read_text())["numbers"]
    assert again["current_ring_mpo"] == rec["current_ring_mpo"]
    assert again["chain_profile"] == rec["chain_profile"]


def test_fig5_mpo_figures_reject_bad_sizes(tmp_path):
    from manybody.experiments.spin_ring import fig5_chain, fig5_extended

    with pytest.raises(ValueError, match="L must be an integer >= 4"):
        fig5_chain(tmp_path, L=3)
    with pytest.raises(ValueError, match="ring_sizes must be integers >= 3"):
        fig5_extended(tmp_path, ring_sizes=(2,))
    with pytest.raises(ValueError, match="chain_L must be an integer >= 4"):
        fig5_extended(tmp_path, chain_L=2)
    with pytest.raises(ValueError, match="lower_lengths must be integers >= 4"):
        fig5_extended(tmp_path, lower_lengths=(30, 3))


def test_exact_dynamics_matches_mesolve_and_reaches_the_steady_state():
    """ed.evolve in the symmetric space against qutip.mesolve on the full space (L = 4),
    and at late times the symmetric steady state (L = 5)."""
    m = MetelmannClerkRing.minimal(4, alpha=2.0, delta=1.5)
    times = np.linspace(0.0, 2.0, 5)
    r = ed.evolve(m, times, initial="down")
    H, c_ops = qutip.Qobj(m.hamiltonian()), [qutip.Qobj(j) for j in m.jumps()]
    psi = qutip.basis(16, 15)  # all down: every bit 1 (= down), the last basis state
    sz0 = qutip.Qobj(to_sparse([(1.0, (("sz", 0),))], 4))
    ref = qutip.mesolve(H, psi * psi.dag(), times, c_ops, e_ops=[sz0],
                        options={"atol": 1e-12, "rtol": 1e-10}).expect[0]
    np.testing.assert_allclose(r.sz[:, 0], ref, atol=1e-8)
    assert r.sz[0, 0] == -1.0 and r.diagnostics["trace_drift"] < 1e-10
    m5 = MetelmannClerkRing.minimal(5, alpha=2.0, delta=1.5)
    late = ed.evolve(m5, [0.0, 60.0], initial="infinite_temperature")
    assert late.current[-1] == pytest.approx(ed.steady_state(m5).current, abs=1e-9)
