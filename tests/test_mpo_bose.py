"""MPO engine on the truncated Bose-Hubbard ring (local dimension d = n_max + 1): Liouvillian
pieces, Hermitian basis, the n_max = 1 spin limit, TEBD dynamics and steady states against
dense references (qutip's steady state, the exact propagator)."""

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.linalg import expm_multiply
from test_mpo import natural_dense

import mpo
from manybody.models.bose_ring import BoseHubbardRing
from manybody.models.spin_ring import MetelmannClerkRing
from manybody.observables import chain_observables
from mpo import state, superop
from mpo.tebd import TEBD


def bose(L, n_max=2, boundary="open", **kwargs):
    """The minimal ring alpha = 2, delta = 1.5, mu = 1, kappa = 0: a unique steady state
    (Liouvillian gap 0.54 at U = 0.5, 2.1 at U = 5, open chain L = 3)."""
    return BoseHubbardRing.minimal(L, 2.0, 1.5, mu=1.0, n_max=n_max, boundary=boundary,
                                   **kwargs)


def generic(L, n_max, boundary):
    """Every kind of term: interaction, hopping with flux, pairing, local decay."""
    return BoseHubbardRing(L, alpha=2.0, beta=0.3 - 0.2j, gamma=0.8j, delta=1.5, mu=0.7,
                           U=1.3, n_max=n_max, J=0.6, lam=0.2 + 0.1j, kappa=0.4, flux=0.5,
                           boundary=boundary)


def liouvillian(model):
    """Sparse Lindblad generator on the row-major vec(rho) (module docstring of
    :mod:`mpo.superop`)."""
    H = model.hamiltonian()
    one = sparse.identity(H.shape[0], format="csr")
    out = -1j * (sparse.kron(H, one) - sparse.kron(one, H.T))
    for Lm in model.jumps():
        LdL = Lm.conj().T @ Lm
        out = out + sparse.kron(Lm, Lm.conj()) - 0.5 * sparse.kron(LdL, one) \
            - 0.5 * sparse.kron(one, LdL.T)
    return out.tocsr()


def exact_steady_state(model):
    """Dense reference: the steady state of the sparse generator, relaxed from 1/N by the exact
    propagator e^{10 L} (Krylov, :func:`scipy.sparse.linalg.expm_multiply`) until it changes
    by less than 1e-14; :func:`manybody.observables.chain_observables` of it. (qutip's direct
    solve takes over a minute at N = 81, the LU fill-in of the 6561-dimensional generator.)"""
    Lsp = liouvillian(model)
    N = model.local_dim**model.L
    v = (np.eye(N) / N).reshape(-1).astype(complex)
    for _ in range(100):
        w = expm_multiply(10.0 * Lsp, v)
        change, v = np.abs(w - v).max(), w
        if change < 1e-14:
            return chain_observables(model, v.reshape(N, N))
    raise RuntimeError(f"reference not converged: change {change:.1e}")


def apply_pieces(generators, bonds, rho, L, d):
    """Sum of the bond pieces applied to the dense rho: each piece acts on (s_a s'_a, s_c s'_c)
    of its bond (labels k and L + k of rho's indices s_k and s'_k)."""
    t = rho.reshape((d,) * (2 * L))
    out = np.zeros_like(t)
    for (a, c), g in zip(bonds, generators, strict=True):
        inp = [a, L + a, c, L + c]
        new = [2 * L, 2 * L + 1, 2 * L + 2, 2 * L + 3]
        labels = [dict(zip(inp, new, strict=True)).get(k, k) for k in range(2 * L)]
        out += np.einsum(g.reshape((d,) * 8), new + inp, t, list(range(2 * L)), labels,
                         optimize=True)
    return out.reshape(rho.shape)


@pytest.mark.parametrize("boundary", ["open", "periodic"])
@pytest.mark.parametrize(("L", "n_max"), [(3, 2), (3, 3), (4, 2), (4, 3)])
def test_bond_pieces_sum_to_the_liouvillian(L, n_max, boundary):
    r"""Matrix-free: the pieces applied to a random complex rho give
    :math:`-i[H,\rho] + \sum_m (L_m\rho L_m^\dagger - \frac12\{L_m^\dagger L_m, \rho\})` of
    the many-body matrices (a random test matrix detects any difference with probability 1)."""
    model = generic(L, n_max, boundary)
    d = n_max + 1
    generators = superop.bond_generators(model)
    assert all(g.shape == (d**4, d**4) for g in generators)
    H, jumps = model.hamiltonian().toarray(), [j.toarray() for j in model.jumps()]
    rng = np.random.default_rng(L + 10 * n_max)
    for _ in range(2):
        rho = rng.normal(size=(d**L, d**L)) + 1j * rng.normal(size=(d**L, d**L))
        exact = -1j * (H @ rho - rho @ H)
        for Lm in jumps:
            LdL = Lm.conj().T @ Lm
            exact += Lm @ rho @ Lm.conj().T - 0.5 * (LdL @ rho + rho @ LdL)
        ours = apply_pieces(generators, model.bonds, rho, L, d)
        assert np.abs(ours - exact).max() < 1e-12 * np.abs(exact).max()


@pytest.mark.parametrize("d", [2, 3, 4])
def test_hermitian_basis_is_orthonormal_and_hermitian(d):
    U = state.hermitian_basis(d)
    assert np.abs(U.conj().T @ U - np.eye(d * d)).max() < 1e-14
    mats = U.T.reshape(d * d, d, d)
    assert np.abs(mats - np.conj(np.swapaxes(mats, 1, 2))).max() == 0.0
    assert np.abs(mats[0] - np.eye(d) / np.sqrt(d)).max() < 1e-15
    assert np.abs(np.trace(mats[1:], axis1=1, axis2=2)).max() < 1e-15  # traceless
    assert np.abs(state.hermitian_identity(d) - np.eye(d * d)[0] * np.sqrt(d)).max() < 1e-14
    # a Hermiticity-preserving piece is real in this basis
    g = superop.bond_generators(generic(3, d - 1, "open"))[0]
    assert np.abs(state.hermitian_piece(g).imag).max() < 1e-12


def test_d2_basis_is_the_pauli_basis_bit_for_bit():
    sx, sy, sz = np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1, -1])
    pauli = np.stack([m.reshape(-1) for m in (np.eye(2), sx, sy, sz)], axis=1) / np.sqrt(2)
    assert np.array_equal(state.hermitian_basis(2), pauli.astype(complex))


@pytest.mark.parametrize("d", [2, 3, 4])
def test_product_states(d):
    for name, k in (("up", 0), ("down", d - 1)):
        rho = state.to_dense(state.to_arrays(state.product_state(3, name, d)))
        one = np.zeros((d, d))
        one[k, k] = 1.0
        assert np.abs(rho - np.kron(np.kron(one, one), one)).max() == 0.0
    mixed = state.product_state(3, "mixed", d)
    assert state.trace(mixed) == pytest.approx(1.0, abs=1e-14)
    assert np.abs(state.to_dense(state.to_arrays(mixed)) - np.eye(d**3) / d**3).max() < 1e-16


def test_vacuum_is_down_for_bosons():
    model = bose(3)
    obs = state.observables(model, state.to_arrays(state.product_state(3, "down", 3)))
    assert np.array_equal(obs["n"], np.zeros(3))
    full = state.observables(model, state.to_arrays(state.product_state(3, "up", 3)))
    assert np.allclose(full["n"], 2.0)


@pytest.mark.parametrize("boundary", ["open", "periodic"])
def test_n_max_1_is_the_spin_ring(boundary):
    """Same generators entry by entry, hence the same MPO steady state (n = (1 + sz)/2)."""
    spin = MetelmannClerkRing.minimal(4, 2.0, 1.5, mu=1.0, boundary=boundary)
    boson = bose(4, n_max=1, boundary=boundary, U=3.0)  # U drops out at n_max = 1
    for a, b in zip(superop.bond_generators(spin), superop.bond_generators(boson), strict=True):
        assert np.abs(a - b).max() < 1e-12
    opts = {"max_bond": 8, "tol": 1e-3, "progress": False}
    rs, rb = mpo.steady_state(spin, **opts), mpo.steady_state(boson, **opts)
    assert np.abs(rs.current_profile - rb.current_profile).max() < 1e-12
    assert np.abs(0.5 * (1 + rs.sz) - rb.n).max() < 1e-12
    assert abs(rs.diagnostics["error"] - rb.diagnostics["error"]) < 1e-12
    assert rb.diagnostics["site_observables"] == ["n"]


def test_observables_of_a_dense_state_match_chain_observables():
    model = generic(4, 2, "periodic")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(81, 81)) + 1j * rng.normal(size=(81, 81))
    rho = x @ x.conj().T
    rho /= np.trace(rho)
    arrays = state.to_arrays(state.from_dense(rho, 3))
    assert np.abs(state.to_dense(arrays) - rho).max() < 1e-14
    ours, exact = state.observables(model, arrays), chain_observables(model, rho)
    assert np.abs(ours["n"] - exact["n"]).max() < 1e-12
    for k in exact["currents"]:
        assert np.abs(ours["currents"][k] - exact["currents"][k]).max() < 1e-12
    assert state.purity(arrays) == pytest.approx(exact["purity"], abs=1e-12)
    assert state.hermiticity_error(arrays) < 1e-13


def evolved_error(model, dt, order, t=1.0):
    """Largest deviation of TEBD (untruncated) from the exact propagator at time t, from the
    vacuum: entries of rho, current profile and occupations."""
    L, d = model.L, model.local_dim
    rho0 = np.zeros((d**L, d**L))
    rho0[-1, -1] = 1.0  # every site in local state d-1: the vacuum
    exact = expm_multiply(t * liouvillian(model), rho0.reshape(-1)).reshape(rho0.shape)
    ref = chain_observables(model, exact)
    ev = TEBD(state.to_arrays(state.product_state(L, "down", d)),
              superop.bond_generators(model), dt, max_bond=d ** (2 * L), cutoff=0.0,
              order=order)
    ev.evolve(int(round(t / dt)))
    # untruncated: only the middle bond's split drops values below 1e-12 of the largest
    assert ev.discarded_weight < 1e-20 and ev.trace_correction < 1e-12
    obs = state.observables(model, ev.arrays, ev.positions)
    return max(np.abs(natural_dense(ev) - exact).max(),
               np.abs(obs["current_profile"] - ref["current_profile"]).max(),
               np.abs(obs["n"] - ref["n"]).max())


@pytest.mark.parametrize(("L", "boundary"), [(3, "open"), (3, "periodic"), (4, "open")])
def test_tebd_matches_exact_dynamics(L, boundary):
    """Order 2: error C dt^2 at t = 1, measured C = 0.76-1.01 (generic model, n_max = 2),
    ratio 3.9-4.0 on halving dt; order 4 at dt = 0.1: measured 3.6e-5-6.5e-5."""
    model = generic(L, 2, boundary)
    errors = [evolved_error(model, dt, 2) for dt in (0.1, 0.05)]
    assert errors[0] < 1.5 * 0.1**2 and errors[1] < 1.5 * 0.05**2
    assert 3.5 < errors[0] / errors[1] < 4.5
    assert evolved_error(model, 0.1, 4) < 2e-4


# exact_steady_state(bose(4, U=U)): current profile and occupations (test_exact_references)
EXACT_L4 = {
    0.5: ([0.48381469132181165, 0.43027933971421056, 0.48381469132181165],
          [0.6715824437140387, 0.643437496398737, 0.6434374963987373, 0.671582443714039]),
    5.0: ([0.10432640394772155, 0.12651767635569458, 0.10432640394772152],
          [0.646728002567132, 0.6396928547600179, 0.639692854760018, 0.646728002567132]),
}
N_TOL = 5e-5  # occupations: measured 2e-6-1e-5 (L = 4, 5 open), 4e-4 on the ring at chi = 32


def check_against_exact(model, profile, n, max_bond, n_tol=N_TOL):
    """MPO steady state (dt = 0.05, Richardson, truncation check): the error bar covers the
    largest per-bond error of the current profile; occupations within ``n_tol``."""
    r = mpo.steady_state(model, max_bond=max_bond, progress=False)
    err = np.abs(r.current_profile - np.asarray(profile)).max()
    assert err <= r.diagnostics["error"]
    assert np.all(r.current_profile_error == r.diagnostics["error"])
    assert np.abs(r.n - np.asarray(n)).max() < n_tol
    return r, err


@pytest.mark.parametrize("U", [0.5, 5.0])
def test_steady_state_matches_exact(U):
    """Open chain L = 4, n_max = 2, chi = 32. Measured (error / bar): U = 0.5: 1.5e-4 / 4.2e-4,
    U = 5: 4.6e-5 / 4.1e-4 (there the Trotter bar, a third of the Richardson correction,
    dominates)."""
    r, err = check_against_exact(bose(4, U=U), *EXACT_L4[U], max_bond=32)
    assert r.diagnostics["error"] < 1e-3


@pytest.mark.slow
@pytest.mark.parametrize("U", [0.5, 5.0])
def test_exact_references(U):
    """EXACT_L4 is the dense steady state (~10 s each)."""
    ref = exact_steady_state(bose(4, U=U))
    assert np.abs(ref["current_profile"] - EXACT_L4[U][0]).max() < 1e-12
    assert np.abs(ref["n"] - EXACT_L4[U][1]).max() < 1e-12


@pytest.mark.slow
@pytest.mark.parametrize("U", [0.5, 5.0])
@pytest.mark.parametrize(("L", "boundary", "max_bond", "n_tol"),
                         [(4, "periodic", 48, 5e-4), (5, "open", 32, N_TOL)])
def test_larger_steady_states_match_exact(L, boundary, max_bond, n_tol, U):
    """Ring L = 4 and open chain L = 5 against the dense steady state (the L = 5 reference
    takes 2-5 minutes). Measured (error / bar): ring L = 4, chi = 48: U = 0.5: 2.6e-4 /
    3.6e-3, U = 5: 1.1e-4 / 8.1e-4 (a ring needs about the square of a chain's chi: the
    truncation part dominates the bar); chain L = 5: U = 0.5: 4.5e-5 / 4.0e-4, U = 5:
    4.5e-5 / 4.8e-4."""
    model = bose(L, boundary=boundary, U=U)
    ref = exact_steady_state(model)
    r, err = check_against_exact(model, ref["current_profile"], ref["n"], max_bond, n_tol)
    print(f"L={L} {boundary} U={U}: I={r.current:.8f} exact={ref['current']:.8f} "
          f"error={err:.2e} bar={r.diagnostics['error']:.2e}")


def test_variational_route_runs_bosons():
    """DMRG on L^T L, open chain L = 3, n_max = 2, against the dense steady state."""
    model = bose(3, U=5.0)
    ref = exact_steady_state(model)
    r = mpo.variational_steady_state(model, max_bond=27, progress=False)
    assert np.abs(r.current_profile - ref["current_profile"]).max() < 1e-6
    assert np.abs(r.n - ref["n"]).max() < 1e-6


def test_beyond_nearest_neighbours_is_refused_naming_the_model():
    class Far(BoseHubbardRing):
        def hamiltonian_terms(self):
            return super().hamiltonian_terms() + [(0.1, (("d+", 0), ("d", 2)))]

    named = r"of Far\(model='bose-hubbard-ring', L=4.*nearest-neighbour"
    with pytest.raises(ValueError, match=named):
        mpo.steady_state(Far(4, alpha=2.0, beta=1.5, gamma=2.0, delta=1.5), progress=False)
