"""MPO engine: Liouvillian pieces against qutip, TEBD against exact dynamics, steady states
against exact diagonalization, bad input."""

import numpy as np
import pytest
import qutip
from scipy.linalg import expm

import mpo
from manybody import ed
from manybody.models.spin_ring import MetelmannClerkRing
from manybody.observables import chain_observables
from manybody.result import Result
from mpo import state, superop
from mpo.tebd import TEBD, reorder


def natural_dense(ev: TEBD) -> np.ndarray:
    """The dense ρ of a TEBD state in the natural site order (rings are evolved folded)."""
    return state.to_dense(reorder(ev.arrays, np.argsort(ev.positions).tolist()))


def generic(L, boundary="open"):
    """Chain or ring with every kind of term: hopping with flux, pairing, zz, field, kappa."""
    return MetelmannClerkRing.minimal(L, 2.0, 1.5, boundary=boundary, J=0.7, lam=0.1 + 0.2j,
                                      jzz=0.4, hx=0.2, kappa=0.3, flux=0.5)


def row_major(model):
    """qutip's Liouvillian (column-stacked vec) permuted to the row-major vec(rho)."""
    H = qutip.Qobj(model.hamiltonian())
    Lq = qutip.liouvillian(H, [qutip.Qobj(j) for j in model.jumps()]).full()
    N = 2**model.L
    idx = np.arange(N * N)
    perm = idx // N + (idx % N) * N  # row-major (i, j) -> column-major position
    return Lq[np.ix_(perm, perm)]


def from_pieces(generators, bonds, L):
    """Sum of the bond pieces (each on its bond (a, c), site a first) embedded in the chain,
    reordered from the MPS (interleaved) order (s0 s0' s1 s1' ...) to row-major
    (s0 s1 ... s0' s1' ...)."""
    total = np.zeros((4**L, 4**L), dtype=complex)
    for (a, c), g in zip(bonds, generators, strict=True):
        rest = [j for j in range(L) if j not in (a, c)]
        out = [0 if j == a else 1 if j == c else 10 + j for j in range(L)]
        inp = [2 if j == a else 3 if j == c else 30 + j for j in range(L)]
        eyes = [x for j in rest for x in (np.eye(4), [10 + j, 30 + j])]
        total += np.einsum(g.reshape(4, 4, 4, 4), [0, 1, 2, 3], *eyes, out + inp).reshape(
            4**L, 4**L)
    order = [2 * j for j in range(L)] + [2 * j + 1 for j in range(L)]
    t = total.reshape((2,) * (4 * L)).transpose(order + [2 * L + k for k in order])
    return t.reshape(4**L, 4**L)


@pytest.mark.parametrize("boundary", ["open", "periodic"])
@pytest.mark.parametrize("L", [3, 4, 5])
def test_bond_pieces_sum_to_qutip_liouvillian(L, boundary):
    model = generic(L, boundary)
    generators = superop.bond_generators(model)
    assert len(generators) == len(model.bonds)
    total = from_pieces(generators, model.bonds, L)
    assert np.abs(total - row_major(model)).max() < 1e-12


@pytest.mark.parametrize("boundary", ["open", "periodic"])
def test_every_bond_piece_preserves_the_trace(boundary):
    identity = np.kron(state.identity(2), state.identity(2))  # vec(1) on two sites, MPS order
    for g in superop.bond_generators(generic(4, boundary)):
        assert np.abs(identity @ g).max() < 1e-12


def test_dense_round_trip_trace_and_observables():
    model = generic(4)
    rho0 = np.zeros((16, 16))
    rho0[-1, -1] = 1.0
    rho = (expm(0.7 * row_major(model)) @ rho0.reshape(-1)).reshape(16, 16)
    mps = state.from_dense(rho)
    arrays = state.to_arrays(mps)
    assert np.abs(state.to_dense(arrays) - rho).max() < 1e-12
    assert abs(state.trace(mps) - 1.0) < 1e-12
    ours, exact = state.observables(model, arrays), chain_observables(model, rho)
    for k in ("current_profile", "sz"):
        assert np.abs(ours[k] - exact[k]).max() < 1e-12
    for k in exact["currents"]:
        assert np.abs(ours["currents"][k] - exact["currents"][k]).max() < 1e-12
    assert state.trace(state.product_state(5, "mixed")) == pytest.approx(1.0)


def test_tebd_matches_exact_dynamics_to_second_order():
    """Strang splitting: the error at t = 1 is C dt^2 with C ~ 0.3 measured for this model
    (set by the nested commutators of the even and odd pieces), so it is below 0.5 dt^2, and
    it drops by ~4 when dt halves."""
    L, t = 4, 1.0
    model = generic(L)
    generators = superop.bond_generators(model)
    rho0 = np.zeros((16, 16))
    rho0[-1, -1] = 1.0
    exact = (expm(t * row_major(model)) @ rho0.reshape(-1)).reshape(16, 16)
    ref = chain_observables(model, exact)
    errors = []
    for dt in (0.1, 0.05):
        ev = TEBD(state.to_arrays(state.product_state(L, "down")), generators, dt,
                  max_bond=64, cutoff=0.0)
        ev.evolve(int(round(t / dt)))
        obs = state.observables(model, ev.arrays, ev.positions)
        err = max(np.abs(natural_dense(ev) - exact).max(),
                  np.abs(obs["current_profile"] - ref["current_profile"]).max(),
                  np.abs(obs["sz"] - ref["sz"]).max())
        assert err < 0.5 * dt**2
        # untruncated: only the middle bond's split drops values below 1e-12 of the largest
        assert ev.trace_correction < 1e-12 and ev.discarded_weight < 1e-20
        errors.append(err)
    assert 3.0 < errors[0] / errors[1] < 5.0


DT = 0.05


@pytest.mark.filterwarnings("ignore:MPO steady state. no error bar:RuntimeWarning")
@pytest.mark.parametrize(("L", "alpha", "delta"), [(4, 2.0, 1.5), (5, 2.0, 1.5), (4, 2.0, 1.0),
                                                   (5, 2.0, 1.0), (6, 2.0, 1.0)])
def test_steady_state_matches_ed(L, alpha, delta):
    """dt = 0.05: the Trotter bias of the fixed point is c dt^2 with c <= 0.35 measured
    (current profile, L = 4..6), so 0.5 dt^2 = 1.25e-3 bounds it."""
    model = MetelmannClerkRing.minimal(L, alpha, delta, boundary="open")
    ref = ed.steady_state(model)
    plain = mpo.steady_state(model, max_bond=32, dt=DT, richardson=False, progress=False)
    assert plain.method == "mpo"
    assert np.abs(plain.current_profile - ref.current_profile).max() < 0.5 * DT**2
    assert np.abs(plain.sz - ref.sz).max() < 0.5 * DT**2
    assert plain.current == pytest.approx(ref.current, abs=0.5 * DT**2)
    assert plain.diagnostics["change_per_time"] < 1e-6


@pytest.mark.parametrize(("L", "alpha", "delta"), [(4, 2.0, 1.5), (6, 2.0, 1.5), (5, 2.0, 1.0)])
def test_richardson_steady_state_matches_ed(L, alpha, delta):
    """Richardson removes the dt^2 term; what is left (O(dt^4) and the convergence tolerance)
    is below 2e-5 (measured <= 1.2e-5), and the reported Trotter error bar exceeds the actual
    error."""
    model = MetelmannClerkRing.minimal(L, alpha, delta, boundary="open")
    ref = ed.steady_state(model)
    rich = mpo.steady_state(model, max_bond=32, dt=DT, richardson=True, progress=False)
    err = np.abs(rich.current_profile - ref.current_profile).max()
    assert err < 2e-5
    assert err < rich.diagnostics["error_trotter"]
    assert np.abs(rich.sz - ref.sz).max() < 2e-5


def test_not_converged_raises():
    model = MetelmannClerkRing.minimal(4, 2.0, 1.5, boundary="open")
    with pytest.raises(RuntimeError, match="t_max"):
        mpo.steady_state(model, t_max=2.0, progress=False)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="L >= 3"):
        superop.bond_generators(MetelmannClerkRing.minimal(2, 2.0, 1.5))
    far = MetelmannClerkRing.minimal(5, 2.0, 1.5, boundary="open", dissipation_range=2)
    with pytest.raises(ValueError, match="nearest-neighbour"):
        mpo.steady_state(far, progress=False)
    open_chain = MetelmannClerkRing.minimal(4, 2.0, 1.5, boundary="open")
    with pytest.raises(ValueError, match="cutoff"):
        mpo.steady_state(open_chain, cutoff=-1.0, progress=False)
    with pytest.raises(ValueError, match="state must be"):
        state.product_state(4, "sideways")


def test_result_saves_and_loads(tmp_path):
    model = MetelmannClerkRing.minimal(4, 2.0, 1.5, boundary="open")
    r = mpo.steady_state(model, progress=False)
    back = Result.load(r.save(tmp_path / "mpo.json"))
    assert back.method == "mpo" and back.options["max_bond"] == 32
    assert back.current == pytest.approx(r.current)
    assert np.allclose(back.current_profile, r.current_profile)
    assert back.diagnostics["steps"] == r.diagnostics["steps"]


@pytest.mark.slow
def test_bond_dimension_convergence_at_L20():
    """Measured: chi = 8 and the cutoff-limited chi = 14 agree to 1e-7 in the bulk of the
    Richardson current profile and sigma^z at L = 20, and to 1.2e-5 on the bonds near the
    ends, where the state is more correlated (~5 s and ~11 s)."""
    model = MetelmannClerkRing.minimal(20, 2.0, 1.5, boundary="open")
    small, large = (mpo.steady_state(model, max_bond=chi, richardson=True, progress=False)
                    for chi in (8, 16))
    diff = np.abs(small.current_profile - large.current_profile)
    assert diff[4:-4].max() < 1e-6 and diff.max() < 5e-5
    assert np.abs(small.sz - large.sz)[4:-4].max() < 1e-6
