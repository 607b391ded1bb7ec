"""Exact Lindblad steady states: Fock sector, Liouvillian, Gibbs limit, hand-built check."""

import numpy as np
import pytest
import qutip

from manybody import ed, observables, tgge
from manybody.ed.fock import FockSector
from manybody.models import NonreciprocalChain, RashbaZeemanChain

RNG = np.random.default_rng(3)


def test_fock_sector_matches_qutip_fermions():
    M, N = 5, 2
    sector = FockSector(M, N)
    c = [qutip.fdestroy(M, a) for a in range(M)]
    # QuTiP's tensor order: mode 0 is the most significant bit of the full-space index
    idx = [sum(((s >> a) & 1) << (M - 1 - a) for a in range(M)) for s in sector.states]
    A = RNG.normal(size=(M, M)) + 1j * RNG.normal(size=(M, M))
    full = sum(A[a, b] * c[a].dag() * c[b] for a in range(M) for b in range(M)).full()
    np.testing.assert_allclose(sector.quadratic(A).toarray(), full[np.ix_(idx, idx)], atol=1e-12)


def test_sector_and_filling_are_checked():
    with pytest.raises(ValueError, match="max_dim"):
        FockSector(30, 15, max_dim=1000)
    with pytest.raises(ValueError, match="not an integer"):
        ed.particle_number(NonreciprocalChain(5, gamma_neq=0.5), 0.5)
    with pytest.raises(ValueError, match="L=18, filling=0.5: .* the largest L at this filling "
                                         "is 16"):
        ed.steady_state(NonreciprocalChain(18, gamma_neq=0.5))
    with pytest.raises(ValueError, match="L=18, filling=0.5: .* MAX_SECTOR_DIM=12870; "
                                         "the largest L at this filling is 16"):
        ed.evolve(NonreciprocalChain(18, gamma_neq=0.5), [0.0, 1.0])


@pytest.mark.parametrize(
    "model", [NonreciprocalChain(4, gamma_neq=0.6), RashbaZeemanChain(3, gamma_neq=0.5, h=0.0)]
)
def test_liouvillian_preserves_trace_and_hermiticity(model):
    Lv = ed.liouvillian(model, filling=0.5 if model.n_bands == 1 else 3 / 6).full()
    D = int(round(np.sqrt(Lv.shape[0])))
    vec_identity = np.eye(D).reshape(-1, order="F")
    assert np.abs(vec_identity.conj() @ Lv).max() < 1e-13  # Tr(L rho) = 0 for every rho
    X = RNG.normal(size=(D, D)) + 1j * RNG.normal(size=(D, D))

    def apply(rho):
        return (Lv @ rho.reshape(-1, order="F")).reshape(D, D, order="F")

    np.testing.assert_allclose(apply(X.conj().T), apply(X).conj().T, atol=1e-13)


@pytest.mark.parametrize("eps", [0.5, 0.05, 0.005])
@pytest.mark.parametrize(
    "model_cls", [NonreciprocalChain, lambda L, **kw: RashbaZeemanChain(L // 2, **kw)]
)
def test_thermal_bath_alone_gives_the_canonical_gibbs_state(eps, model_cls):
    model = model_cls(6, gamma_neq=0.0, eps=eps, beta=1.7)
    r = ed.steady_state(model, filling=0.5)
    sector = FockSector(model.n_modes, model.n_modes // 2)
    E = sector.occupations() @ model.modes.flat_energies
    w = np.exp(-model.beta * (E - E.min()))
    n_gibbs = (w / w.sum()) @ sector.occupations()  # canonical, fixed N
    np.testing.assert_allclose(r.occupations.reshape(-1), n_gibbs, atol=1e-10)
    # the equilibrium current: zero for model 1 (inversion); for the Rashba-Zeeman ring the
    # persistent current of the canonical state, -dF/dflux, nonzero at small L
    w = sum(model.current_weights().values()).reshape(-1)
    assert r.current == pytest.approx(w @ n_gibbs, abs=1e-12)
    if model.n_bands == 1:
        assert abs(r.current) < 1e-12
    assert r.diagnostics["residual"] < 1e-12


def hand_built_liouvillian(model, N):
    """Eqs. (7), (8), (15) [model 1] or (17)-(19) [model 2] in real space with qutip.fdestroy."""
    H, ops, *_ = hand_built_operators(model, N)
    return qutip.liouvillian(H, ops).full()


def hand_built_operators(model, N):
    """H0, the jumps, the Hamiltonian current operator and the dissipative current operator of
    the nonequilibrium jumps (position commutators written out by hand), in real space."""
    L, nb = model.L, model.n_bands
    M = L * nb
    c = [qutip.fdestroy(M, x) for x in range(M)]  # x = j * nb + s

    def site(j, s):  # c_{j s} with the ring closed as c_L = (-1)^L c_0 (momentum grid)
        return (model.boundary_sign if j == L else 1) * c[(j % L) * nb + s]

    if nb == 1:
        T = np.array([[-model.J]])
        E = np.zeros((1, 1))
    else:
        sy, sz = np.array([[0, 1], [-1, 0]]), np.array([[1, 0], [0, -1]])  # i*sigma_y, sigma_z
        T = -model.J * np.eye(2) - model.alpha_z * sy + model.alpha_y * 1j * sz
        E = model.h * sz
    H = 0
    for j in range(L):
        for s in range(nb):
            for t in range(nb):
                hop = T[s, t] * site(j + 1, s).dag() * site(j, t)
                H += hop + hop.dag() + E[s, t] * site(j, s).dag() * site(j, t)
    k = -np.pi + 2 * np.pi * np.arange(L) / L
    ops = []
    # eta_{k nu} = sum_s conj(U_{s nu}(k)) c_{k s},  c_{k s} = L^-1/2 sum_j e^{-ikj} c_{j s}
    etas, energies = [], []
    for kk in k:
        hk = np.exp(-1j * kk) * T + np.exp(1j * kk) * T.conj().T + E
        w, U = np.linalg.eigh(hk)
        for nu in range(nb):
            ck = [sum(np.exp(-1j * kk * j) * site(j, s) for j in range(L)) / np.sqrt(L)
                  for s in range(nb)]
            etas.append(sum(np.conj(U[s, nu]) * ck[s] for s in range(nb)))
            energies.append(w[nu])
    amp = np.sqrt(model.eps * model.gamma_eq * model.J / L)
    for a, ea in zip(etas, energies, strict=True):
        for b, eb in zip(etas, energies, strict=True):
            ops.append(amp * np.exp(model.beta * (eb - ea) / 4) * a.dag() * b)  # Eq. (8)/(18)
    g = model.eps * model.gamma_neq
    dissipative = 0 * H  # (1/L) sum_j Re L_j^dag [X, L_j]; dephasing n_j commutes with X
    for j in range(L):
        if nb == 1:  # Eq. (15)
            d, dp = model.delta, model.delta_prime
            ops.append(np.sqrt(g * model.J) * (site(j, 0).dag() + d * site(j + 1, 0).dag())
                       * (site(j, 0) - dp * site(j + 1, 0)))
            # [X, c_j^dag c_{j+1}] = -c_j^dag c_{j+1}, [X, c_{j+1}^dag c_j] = +c_{j+1}^dag c_j
            XL = np.sqrt(g * model.J) * (dp * site(j, 0).dag() * site(j + 1, 0)
                                          + d * site(j + 1, 0).dag() * site(j, 0))
            dissipative += (ops[-1].dag() * XL + XL.dag() * ops[-1]) / (2 * L)
        else:  # Eq. (19)
            for s, gam in enumerate((model.gamma_up, model.gamma_down)):
                ops.append(np.sqrt(g * model.J * gam) * site(j, s).dag() * site(j, s))
    current = 0  # (1/L) sum_j -i (c^dag_{j+1} T c_j - h.c.)
    for j in range(L):
        for s in range(nb):
            for t in range(nb):
                hop = T[s, t] * site(j + 1, s).dag() * site(j, t)
                current += -1j * (hop - hop.dag()) / L
    keep = [i for i in range(2**M) if bin(i).count("1") == N]
    proj = lambda op: qutip.Qobj(op.full()[np.ix_(keep, keep)])  # noqa: E731
    return proj(H), [proj(op) for op in ops], proj(current), proj(dissipative)


@pytest.mark.parametrize(
    ("model", "N"),
    [
        (NonreciprocalChain(2, gamma_neq=0.6, eps=0.3), 1),
        (NonreciprocalChain(3, gamma_neq=0.6, eps=0.3, delta=0.4 - 1j, delta_prime=2j), 1),
        (NonreciprocalChain(3, gamma_neq=0.6, eps=0.3), 2),
        (RashbaZeemanChain(2, gamma_neq=0.5, eps=0.3, gamma_up=0.7, gamma_down=0.3), 2),
        (RashbaZeemanChain(3, gamma_neq=0.5, eps=0.3, h=0.4), 3),
    ],
)
def test_liouvillian_equals_hand_built_one(model, N):
    """Same spectrum (the two are written in different bases: real space vs quasiparticles)."""
    mine = np.linalg.eigvals(ed.liouvillian(model, filling=N / model.n_modes).full())
    hand = np.linalg.eigvals(hand_built_liouvillian(model, N))
    dist = np.abs(mine[:, None] - hand[None, :])
    assert dist.min(axis=1).max() < 1e-9 and dist.min(axis=0).max() < 1e-9


def test_ness_diagnostics_and_spin_currents():
    r = ed.steady_state(RashbaZeemanChain(3, gamma_neq=0.9, eps=0.05))
    assert r.occupations.shape == (3, 2) and r.method == "ed"
    assert r.diagnostics["trace_error"] < 1e-12 and r.diagnostics["residual"] < 1e-12
    assert sum(r.spin_currents.values()) == pytest.approx(r.current, abs=1e-15)
    assert abs(r.current) > 1e-3


@pytest.mark.parametrize(
    ("model", "filling"),
    [
        (NonreciprocalChain(3, gamma_neq=0.6), 1 / 3),
        (NonreciprocalChain(4, gamma_neq=0.6, delta=0.3 + 2j), 0.5),
        (NonreciprocalChain(5, gamma_neq=0.3, eps=0.4), 0.4),
        (NonreciprocalChain(6, gamma_neq=0.9, eps=0.02), 0.5),
        (RashbaZeemanChain(2, gamma_neq=0.5), 0.5),
        (RashbaZeemanChain(3, gamma_neq=0.7, h=0.0, eps=0.2), 0.5),
    ],
)
def test_momentum_block_equals_unreduced_sector(model, filling):
    block = ed.steady_state(model, filling, method="block")
    direct = ed.steady_state(model, filling, method="direct")
    np.testing.assert_allclose(block.occupations, direct.occupations, atol=1e-10)
    assert block.current == pytest.approx(direct.current, abs=1e-10)
    assert block.diagnostics["solved_dim"] < direct.diagnostics["solved_dim"]
    assert block.diagnostics["residual"] < 1e-12


def test_exact_evolution_reaches_gibbs_and_the_steady_state():
    m = NonreciprocalChain(6, gamma_neq=0.0, eps=0.5, beta=1.5)
    r = ed.evolve(m, [0.0, 50.0, 150.0])
    sector = FockSector(6, 3)
    E = sector.occupations() @ m.modes.flat_energies
    w = np.exp(-m.beta * (E - E.min()))
    np.testing.assert_allclose(r.occupations[0], 0.5, atol=1e-14)
    np.testing.assert_allclose(r.occupations[-1], (w / w.sum()) @ sector.occupations(),
                               atol=1e-8)
    assert r.diagnostics["trace_drift"] < 1e-10
    m2 = RashbaZeemanChain(3, gamma_neq=0.8, eps=0.3)
    traj = ed.evolve(m2, [0.0, 400.0], initial="gibbs")
    ness = ed.steady_state(m2)
    np.testing.assert_allclose(traj.occupations[-1], ness.occupations, atol=1e-8)
    assert traj.current[-1] == pytest.approx(ness.current, abs=1e-8)
    with pytest.raises(ValueError, match="times"):
        ed.evolve(m2, [1.0, 0.5])


@pytest.mark.parametrize("eps", [0.2, 0.05])
def test_beyond_tgge_current_for_real_delta_matches_real_space_computation(eps):
    """Real delta, delta': tGGE forbids a current (Eq. 14), the exact NESS carries O(eps).

    The reference is independent of the library: real-space jumps (Eq. 15) and the real-space
    current operator, qutip.steadystate on the N = 2 sector of L = 4.
    """
    model = NonreciprocalChain(4, gamma_neq=0.5, eps=eps, delta=1.3, delta_prime=0.4)
    H, ops, current, _ = hand_built_operators(model, 2)
    reference = qutip.expect(current, qutip.steadystate(H, ops))
    r = ed.steady_state(model)
    assert r.current == pytest.approx(reference, abs=1e-12)
    assert abs(r.current) > 1e-2 * eps  # nonzero, O(eps)
    assert abs(ed.secular_steady_state(model).current) < 1e-14


@pytest.mark.parametrize("L", [2, 4])
def test_equal_spin_dephasing_current_vanishes_in_the_exact_ness(L):
    """tGGE's zero for gamma_up = gamma_down (Fig. 5b) survives at finite eps and L."""
    for eps in (0.5, 0.05):
        r = ed.steady_state(RashbaZeemanChain(L, gamma_neq=0.5, eps=eps, gamma_up=0.5,
                                              gamma_down=0.5))
        assert abs(r.current) < 1e-9
        assert abs(r.spin_currents["up"]) > 1e-3  # the spin currents themselves do not vanish


@pytest.mark.parametrize(("delta", "delta_prime"), [(1.3, 0.4), (1 + 1j, 1 + 0.5j)])
def test_dissipative_current_matches_real_space_computation(delta, delta_prime):
    """The Raman jumps' dissipative current against hand-written position commutators of
    Eq. (15) (qutip, real space, independent of the library's momentum-space route)."""
    model = NonreciprocalChain(4, gamma_neq=0.5, eps=0.2, delta=delta, delta_prime=delta_prime)
    H, ops, current, dissipative = hand_built_operators(model, 2)
    rho = qutip.steadystate(H, ops)
    r = ed.steady_state(model)
    assert r.dissipative_currents["nonequilibrium"] == pytest.approx(
        qutip.expect(dissipative, rho), abs=1e-12)
    assert abs(r.dissipative_currents["nonequilibrium"]) > 1e-3
    assert r.total_current == pytest.approx(r.current + sum(r.dissipative_currents.values()))


@pytest.mark.parametrize(("delta", "delta_prime"), [(1.0, 1.0), (1.0, -1.0)])
def test_inversion_symmetric_raman_jumps_carry_no_total_current(delta, delta_prime):
    """|delta| = |delta'| = 1 (real): inversion maps the jumps of Eq. (15) onto themselves
    (up to sign), so every part of the exact current vanishes at finite eps."""
    r = ed.steady_state(NonreciprocalChain(6, gamma_neq=0.5, eps=0.3, delta=delta,
                                           delta_prime=delta_prime))
    assert abs(r.current) < 1e-12
    assert all(abs(v) < 1e-12 for v in r.dissipative_currents.values())


@pytest.mark.parametrize(
    "model",
    [NonreciprocalChain(4, gamma_neq=0.5, eps=0.1, delta=1.3, delta_prime=0.4),
     NonreciprocalChain(5, gamma_neq=0.5, eps=0.1),
     RashbaZeemanChain(3, gamma_neq=0.5, eps=0.1, h=0.3)],
)
def test_gge_dissipative_current_is_wick_of_the_many_body_operator(model):
    """Wick's formula for a mode-diagonal Gaussian state equals the many-body expectation
    summed over all particle-number sectors; the thermal bath gives exactly zero."""
    M = model.n_modes
    n = np.random.default_rng(7).uniform(0.05, 0.95, M)
    exact = {"thermal": 0.0, "nonequilibrium": 0.0}
    for N in range(M + 1):
        sector = FockSector(M, N)
        occ = sector.occupations()
        weights = np.prod(np.where(occ == 1, n, 1 - n), axis=1)
        for bath, op in ed.dissipative_current_operators(model, sector).items():
            exact[bath] += float(np.real(op.diagonal() @ weights))
    for bath, jumps in model.jumps_by_bath().items():
        assert observables.gge_dissipative_current(model, jumps, n) == pytest.approx(
            exact[bath], abs=1e-14)
    assert abs(exact["thermal"]) < 1e-15
    if model.n_bands == 1:
        assert abs(exact["nonequilibrium"]) > 1e-3


def test_real_delta_dissipative_current_tends_to_the_gge_value():
    """Real delta, delta': the exact O(eps) current is mostly the Raman jumps' dissipative
    part; per eps it tends to Wick's value in the L -> infinity tGGE state as 0.14 / L, as
    the validation run measured (L = 4..12); here L = 6, 8."""
    gge_model = NonreciprocalChain(64, gamma_neq=0.5, eps=1.0, delta=1.3, delta_prime=0.4)
    n = tgge.steady_state(gge_model).occupations
    jumps = gge_model.jumps_by_bath(("nonequilibrium",))["nonequilibrium"]
    gge = observables.gge_dissipative_current(gge_model, jumps, n)
    assert gge == pytest.approx(0.20320, abs=1e-5)
    for L in (6, 8):
        per_eps = [ed.steady_state(NonreciprocalChain(
            L, gamma_neq=0.5, eps=eps, delta=1.3, delta_prime=0.4)).dissipative_currents[
                "nonequilibrium"] / eps for eps in (0.02, 0.005)]
        assert per_eps[0] == pytest.approx(per_eps[1], rel=1e-3)  # linear in eps
        assert 0.13 < L * (per_eps[1] - gge) < 0.15
