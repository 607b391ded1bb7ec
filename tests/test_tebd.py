"""TEBD engine: rings (closing bond by swaps), the fourth-order splitting and the real Pauli-basis
arithmetic, against dense exact dynamics and exact steady states of the same model objects."""

import numpy as np
import pytest
from scipy.linalg import expm
from test_mpo import from_pieces, generic, natural_dense, row_major

import mpo
from manybody import ed
from manybody.models.spin_ring import MetelmannClerkRing
from manybody.observables import chain_observables
from mpo import splitting, state, superop
from mpo.tebd import TEBD


def down(L):
    rho = np.zeros((2**L, 2**L))
    rho[-1, -1] = 1.0
    return rho


def evolved(model, dt, t, order):
    ev = TEBD(state.to_arrays(state.product_state(model.L, "down")),
              superop.bond_generators(model), dt, max_bond=256, cutoff=0.0, order=order)
    ev.evolve(int(round(t / dt)))
    return ev


@pytest.mark.parametrize(("L", "boundary", "order"), [(3, "periodic", 2), (4, "periodic", 2),
                                                      (5, "periodic", 2),
                                                      (4, "open", 4),
                                                      (4, "periodic", 4)])
def test_untruncated_tebd_is_the_dense_splitting(L, boundary, order):
    """Without truncation the MPS evolution is exactly the product of the dense exponentials of
    the bond groups (standard basis, complex arithmetic): this checks the Pauli-basis real
    arithmetic (order 2: every tensor real), the rings' folded order with its swaps (units
    across the middle bond at L = 3-5) and the splitting sequence to round-off (odd rings:
    three groups)."""
    model = generic(L, boundary)
    generators = superop.bond_generators(model)
    ev = TEBD(state.to_arrays(state.product_state(L, "down")), generators, 0.1, 256, 0.0,
              order=order)
    def held():  # the Hermitian-basis arrays of both halves (one worker: both here)
        return [a for a in ev.sites.A + ev.right.sites.A if a is not None]

    assert len(held()) == L and all(np.isrealobj(a) for a in held())
    ev.evolve(3)
    assert len(held()) == L and all(np.isrealobj(a) for a in held()) == (order == 2)
    bonds = [sorted(b for unit in units for _, b, _ in unit if b >= 0) for units in ev.units]
    groups = [from_pieces([generators[b] for b in g], [model.bonds[b] for b in g], L)
              for g in bonds]
    rho, gates = down(L).reshape(-1), {}
    for group, tau, _ in splitting.factors(len(groups), order, 3):
        if (group, tau) not in gates:
            gates[group, tau] = expm(tau * 0.1 * groups[group])
        rho = gates[group, tau] @ rho
    dense = natural_dense(ev)
    assert np.abs(dense - rho.reshape(2**L, 2**L)).max() < 1e-12
    assert abs(np.trace(dense) - 1) < 1e-12


@pytest.mark.parametrize("L", [4, 5])
def test_ring_matches_exact_dynamics_to_second_order(L):
    """Error at t = 1 (dense ρ and current profile, closing bond included) against
    expm of qutip's Liouvillian: measured 6.7e-3 (L = 4) and 3.7e-3 (L = 5) at dt = 0.1,
    ratio 3.8 on halving dt."""
    model = generic(L, "periodic")
    exact = (expm(row_major(model)) @ down(L).reshape(-1)).reshape(2**L, 2**L)
    ref = chain_observables(model, exact)
    errors = []
    for dt in (0.1, 0.05):
        ev = evolved(model, dt, 1.0, order=2)
        obs = state.observables(model, ev.arrays, ev.positions)
        assert obs["current_profile"].size == L
        errors.append(max(np.abs(natural_dense(ev) - exact).max(),
                          np.abs(obs["current_profile"] - ref["current_profile"]).max(),
                          np.abs(obs["sz"] - ref["sz"]).max()))
        assert errors[-1] < 1.0 * dt**2
    assert 3.5 < errors[0] / errors[1] < 4.5


@pytest.mark.parametrize(("L", "boundary"), [(4, "open"), (4, "periodic"), (5, "periodic")])
def test_fourth_order_converges_as_dt4(L, boundary):
    """Complex triple jump: error at t = 1 below 0.5 dt^4 (measured C = 0.07-0.21), ratio
    ~15 (measured 14.9-15.0) from dt = 0.05 to 0.025; the non-Hermitian part of ρ is of the
    same order."""
    model = generic(L, boundary)
    exact = (expm(row_major(model)) @ down(L).reshape(-1)).reshape(2**L, 2**L)
    errors = []
    for dt in (0.05, 0.025):
        rho = natural_dense(evolved(model, dt, 1.0, order=4))
        errors.append(np.abs(rho - exact).max())
        assert errors[-1] < 0.5 * dt**4
        assert np.abs(rho - rho.conj().T).max() < 0.5 * dt**4
    assert 13.0 < errors[0] / errors[1] < 17.0


@pytest.mark.parametrize("boundary", ["periodic", "open"])
def test_trajectory_matches_qutip_mesolve_at_early_times(boundary):
    """rho(t) from the all-down state against qutip.mesolve (its own ODE solver, atol 1e-12)
    for t <= 1 on the generic model (flux, pairing, zz, field, kappa): fourth order at
    dt = 0.05 (dt^4 = 6.25e-6) leaves at most 2e-6 in the entries of the density matrix and
    1e-5 in the bond currents and sigma^z (measured 5.5e-6: C ~ 0.9 for the currents, whose
    operators carry the couplings alpha, delta ~ 2)."""
    import qutip

    L = 4
    model = MetelmannClerkRing.minimal(L, 2.0, 1.5, boundary=boundary, J=0.7, lam=0.1 + 0.2j,
                                       jzz=0.4, hx=0.2, kappa=0.3, flux=0.5)
    times = [0.0, 0.25, 0.5, 1.0]
    H = qutip.Qobj(model.hamiltonian(), dims=[[2] * L, [2] * L])
    c_ops = [qutip.Qobj(j, dims=[[2] * L, [2] * L]) for j in model.jumps()]
    rho0 = qutip.Qobj(down(L), dims=[[2] * L, [2] * L])
    states = qutip.mesolve(H, rho0, times, c_ops, options={"atol": 1e-12, "rtol": 1e-10}).states
    ev = TEBD(state.to_arrays(state.product_state(L, "down")), superop.bond_generators(model),
              0.05, max_bond=256, cutoff=0.0, order=4)
    for t, rho in zip(times[1:], states[1:], strict=True):
        ev.evolve(int(round((t - ev.time) / ev.dt)))
        exact = rho.full()
        ours = natural_dense(ev)
        assert np.abs(ours - exact).max() < 2e-6
        obs = state.observables(model, ev.arrays, ev.positions)
        ref = chain_observables(model, exact)
        assert np.abs(obs["current_profile"] - ref["current_profile"]).max() < 1e-5
        assert np.abs(obs["sz"] - ref["sz"]).max() < 1e-5


def test_pair_density_matrix_of_distant_sites():
    model = generic(5, "periodic")
    rho = (expm(0.7 * row_major(model)) @ down(5).reshape(-1)).reshape(32, 32)
    arrays = state.to_arrays(state.from_dense(rho))
    t = rho.reshape((2,) * 10)
    exact = np.einsum("abcdeAbcdE->aeAE", t).reshape(4, 4)  # sites 0 and 4
    assert np.abs(state.pair_density_matrix(arrays, 0, 4) - exact).max() < 1e-12
    ours, ref = state.observables(model, arrays), chain_observables(model, rho)
    assert np.abs(ours["current_profile"] - ref["current_profile"]).max() < 1e-12
    with pytest.raises(ValueError, match="0 <= i < j"):
        state.pair_density_matrix(arrays, 3, 3)


@pytest.mark.parametrize("L", [4, 5, 6, pytest.param(8, marks=pytest.mark.slow)])
def test_ring_steady_state_matches_ed(L):
    """Richardson-extrapolated ring steady state (dt = 0.05, 0.025), closing bond included:
    current profile within 1e-5 of ED (measured 2.9e-6, 3.4e-6, 3.1e-6, 3.5e-6 at
    L = 4, 5, 6, 8; 2.5e-4 to 3.2e-4 without Richardson), sigma^z within 1e-6 (measured
    <= 4.1e-7), and the Trotter error bar (6e-5 to 8e-5) exceeds the error."""
    model = MetelmannClerkRing.minimal(L, 2.0, 1.5, boundary="periodic")
    ref = ed.steady_state(model)
    r = mpo.steady_state(model, max_bond=64, dt=0.05, richardson=True, progress=False)
    assert r.current_profile.size == L
    err = np.abs(r.current_profile - ref.current_profile).max()
    assert err < 1e-5 and err < r.diagnostics["error_trotter"]
    assert np.abs(r.sz - ref.sz).max() < 1e-6
    assert r.current == pytest.approx(ref.current, abs=1e-5)


@pytest.mark.slow
def test_fourth_order_ring_steady_state_at_L8():
    """Order 4 at dt = 0.1, no extrapolation, chi = 64: the L = 8 ring's current profile within
    5e-5 of ED (measured 2.4e-5 at t = 60, the time-step bias; second order at dt = 0.05:
    2.8e-4), sigma^z within 1e-6 (measured 6.6e-8); ~70 s."""
    model = MetelmannClerkRing.minimal(8, 2.0, 1.5, boundary="periodic")
    ref = ed.steady_state(model)
    ev = TEBD(state.to_arrays(state.product_state(8, "down")), superop.bond_generators(model),
              0.1, 64, 1e-12, order=4)
    ev.evolve(600)
    obs = state.observables(model, ev.arrays, ev.positions)
    assert np.abs(obs["current_profile"] - ref.current_profile).max() < 5e-5
    assert np.abs(obs["sz"] - ref.sz).max() < 1e-6


def test_bad_order_raises():
    model = generic(4, "periodic")
    arrays = state.to_arrays(state.product_state(4, "down"))
    with pytest.raises(ValueError, match="order"):
        TEBD(arrays, superop.bond_generators(model), 0.1, 8, 0.0, order=3)
    with pytest.raises(ValueError, match="bond generators"):
        TEBD(arrays, superop.bond_generators(model)[:2], 0.1, 8, 0.0)


def test_svd_falls_back_to_gesvd_when_gesdd_fails(monkeypatch):
    """A LinAlgError of numpy's gesdd (seen once in a long run) is answered by gesvd."""
    from mpo import halves

    m = np.random.default_rng(1).normal(size=(12, 8))
    ref = np.linalg.svd(m, full_matrices=False)

    def fail(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge")

    monkeypatch.setattr(halves.np.linalg, "svd", fail)
    u, s, vh = halves.svd(m)
    assert np.allclose(s, ref[1], atol=1e-13) and np.allclose((u * s) @ vh, m, atol=1e-12)


@pytest.mark.parametrize("shape", [(48, 12), (12, 48), (16, 16), (5, 1)])
@pytest.mark.parametrize("dtype", [float, complex])
def test_lapack_qr_is_a_thin_qr(shape, dtype):
    """The engine's QR (LAPACK called directly): Q has orthonormal columns, R is upper
    triangular, QR = M to round-off, and R equals numpy's up to the signs of its rows."""
    from mpo.halves import qr

    rng = np.random.default_rng(2)
    m = rng.normal(size=shape) + (1j * rng.normal(size=shape) if dtype is complex else 0)
    q, r = qr(m)
    k = min(shape)
    assert q.shape == (shape[0], k) and r.shape == (k, shape[1]) and q.dtype == m.dtype
    assert np.abs(q.conj().T @ q - np.eye(k)).max() < 1e-14
    assert np.abs(np.tril(r, -1)).max() == 0
    assert np.abs(q @ r - m).max() < 1e-13 * np.abs(m).max()
    assert np.allclose(np.abs(r), np.abs(np.linalg.qr(m)[1]), atol=1e-13)


@pytest.mark.parametrize("order", [2, 4])
def test_gram_split_agrees_with_the_svd_split(monkeypatch, order):
    """Two-site matrices of at least ``GRAM_MIN`` rows and columns are split via the
    eigen-decomposition of their Gram matrix (mpo.halves) when the cutoff is at least
    ``GRAM_CUTOFF``. Forced on every gate (one worker, so that the patch applies): truncated
    (open chain L = 10, chi = 12, cutoff 1e-12), the current profiles agree with the SVD
    path's to 5e-8 (measured 1.8e-8 at order 4, the complex arithmetic, against a change of
    9e-4 from chi = 12 to 16) and the discarded weights to 1e-5 relative (measured 1.3e-6);
    at cutoff 0 (exact evolution) the SVD is kept: the state is bitwise the SVD path's."""
    from mpo import halves

    def run(model, chi, cutoff, gram):
        monkeypatch.setattr(halves, "GRAM_MIN", 1 if gram else 10**9)
        ev = TEBD(state.to_arrays(state.product_state(model.L, "down")),
                  superop.bond_generators(model), 0.05, chi, cutoff, order=order, workers=1)
        ev.evolve(20)
        return ev

    ring = generic(5, "periodic")
    exact, gram = (run(ring, 256, 0.0, g).arrays for g in (False, True))
    assert all(np.array_equal(a, b) for a, b in zip(exact, gram, strict=True))
    chain = generic(10, "open")
    svd_run, gram_run = (run(chain, 12, 1e-12, g) for g in (False, True))
    profiles = [state.observables(chain, e.arrays, e.positions)["current_profile"]
                for e in (svd_run, gram_run)]
    assert np.abs(profiles[1] - profiles[0]).max() < 5e-8
    assert gram_run.discarded_weight == pytest.approx(svd_run.discarded_weight, rel=1e-5)
