"""Bose-Hubbard cavities of Eqs. (1)-(4): the generic product-chain machinery at local
dimension n_max + 1, checked against qutip's bosons and, at n_max = 1, the spin ring."""

import numpy as np
import pytest
import qutip

from manybody.models import BoseHubbardRing, MetelmannClerkRing

GENERIC = dict(alpha=0.7 + 0.2j, beta=0.3 - 0.5j, gamma=1.1j, delta=0.4 + 0.1j, J=0.8,
               lam=0.3 + 0.2j, kappa=0.3, flux=0.7, mu=0.9)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"n_max": 0}, "n_max"), ({"n_max": 1.5}, "n_max"), ({"n_max": True}, "n_max"),
    ({"U": -0.1}, "U"), ({"U": float("inf")}, "U"), ({"L": 1}, "L"),
    ({"boundary": "twisted"}, "boundary"), ({"kappa": -1.0}, "kappa"),
])
def test_bad_parameters_are_named(kwargs, name):
    args = {"L": 3, "alpha": 1.0, "beta": 0.5, "gamma": 1.0, "delta": 0.5} | kwargs
    with pytest.raises(ValueError, match=name):
        BoseHubbardRing(**args)


def test_too_large_a_space_is_refused_naming_L():
    with pytest.raises(ValueError, match="L must be at most 6 .* local dimension 5"):
        BoseHubbardRing(7, n_max=4, **GENERIC).hamiltonian()


def liouvillian(m):
    return qutip.liouvillian(qutip.Qobj(m.hamiltonian()),
                             [qutip.Qobj(j) for j in m.jumps()]).full()


@pytest.mark.parametrize("boundary", ["periodic", "open"])
def test_n_max_one_is_the_spin_ring(boundary):
    """n(n-1) = 0 at n_max = 1: U drops out and every matrix is the spin ring's."""
    bose = BoseHubbardRing(3, U=2.5, n_max=1, boundary=boundary, **GENERIC)
    spin = MetelmannClerkRing(3, boundary=boundary, **GENERIC)
    np.testing.assert_allclose(bose.hamiltonian().toarray(), spin.hamiltonian().toarray(),
                               atol=1e-12)
    assert len(bose.jumps()) == len(spin.jumps())
    for a, b in zip(bose.jumps(), spin.jumps(), strict=True):
        np.testing.assert_allclose(a.toarray(), b.toarray(), atol=1e-12)
    np.testing.assert_allclose(liouvillian(bose), liouvillian(spin), atol=1e-12)
    for bond in spin.bonds:
        for (k, a), (_, b) in zip(bose.current_terms(bond).items(),
                                  spin.current_terms(bond).items(), strict=True):
            np.testing.assert_allclose(bose.operator(a).toarray(), spin.operator(b).toarray(),
                                       atol=1e-12, err_msg=k)
    rho_b = qutip.steadystate(qutip.Qobj(bose.hamiltonian()),
                              [qutip.Qobj(j) for j in bose.jumps()]).full()
    rho_s = qutip.steadystate(qutip.Qobj(spin.hamiltonian()),
                              [qutip.Qobj(j) for j in spin.jumps()]).full()
    for bond in spin.bonds:
        for k in ("J", "eta", "lambda", "xi"):
            ib = np.trace(bose.operator(bose.current_terms(bond)[k]) @ rho_b)
            i_s = np.trace(spin.operator(spin.current_terms(bond)[k]) @ rho_s)
            assert abs(ib - i_s) < 1e-10


def hand_built(L, n_max, boundary, p, U):
    """Eqs. (1)-(4) with qutip's destroy(n_max + 1) site by site (basis: n = 0 first)."""
    def site(op, j):
        ops = [qutip.qeye(n_max + 1)] * L
        ops[j] = op
        return qutip.tensor(ops)

    d = [site(qutip.destroy(n_max + 1), j) for j in range(L)]
    J = p["J"] * np.exp(1j * p["flux"] / L)
    bonds = [(j, (j + 1) % L) for j in range(L if boundary == "periodic" else L - 1)]
    H = sum(p["mu"] * d[j].dag() * d[j] + U * d[j].dag() * d[j] * (d[j].dag() * d[j] - 1)
            for j in range(L))
    for a, b in bonds:
        hop = J * d[a].dag() * d[b] + p["lam"] * d[a].dag() * d[b].dag()
        H += hop + hop.dag()
    c_ops = [p["alpha"] * d[a] + p["beta"] * d[a].dag() + p["gamma"] * d[b]
             + p["delta"] * d[b].dag() for a, b in bonds]
    c_ops += [np.sqrt(p["kappa"]) * d[j] for j in range(L)]
    return H.full(), [c.full() for c in c_ops]


@pytest.mark.parametrize(("L", "n_max", "boundary"), [(2, 3, "open"), (3, 2, "periodic"),
                                                       (3, 3, "open")])
def test_matrices_equal_hand_built_bosons(L, n_max, boundary):
    """Our local basis counts down from n_max: the whole basis is qutip's reversed."""
    m = BoseHubbardRing(L, U=1.3, n_max=n_max, boundary=boundary, **GENERIC)
    H, c_ops = hand_built(L, n_max, boundary, GENERIC, 1.3)
    np.testing.assert_allclose(m.hamiltonian().toarray()[::-1, ::-1], H, atol=1e-12)
    for a, b in zip(m.jumps(), c_ops, strict=True):
        np.testing.assert_allclose(a.toarray()[::-1, ::-1], b, atol=1e-12)


def test_local_matrices_and_symmetry_flags():
    m = BoseHubbardRing(2, U=0.7, n_max=3, boundary="open", **GENERIC)
    for op in [m.hamiltonian_terms(), *m.jump_operators()]:
        np.testing.assert_allclose(m.local_operator(op, (0, 1)), m.operator(op).toarray(),
                                   atol=1e-15)
    assert m.local_dim == 4 and m.parity_symmetric  # H quadratic, every f_j odd in d, d^+
    minimal = BoseHubbardRing.minimal(L=3, alpha=2.0, delta=0.8, mu=1.0, U=0.0, n_max=4)
    assert minimal.periodic and minimal.reflection_symmetric and minimal.n_max == 4
    assert minimal.beta == 0.8 and minimal.gamma == 2.0
