"""Exact steady states and dynamics of the truncated Bose-Hubbard ring: the symmetric ED of
manybody.ed.chain at local dimension n_max + 1 against qutip on the full space, the exact
U = 0 Gaussian state, the boson continuity equation, and the truncation diagnostics."""

import warnings

import numpy as np
import pytest
import qutip
from scipy.linalg import expm

from manybody import ed, gaussian
from manybody.ed import chain
from manybody.errors import SizeError, TruncationWarning
from manybody.models import BoseHubbardRing, MetelmannClerkRing
from manybody.observables import chain_observables

GENERIC = dict(alpha=0.7 + 0.2j, beta=0.3 - 0.5j, gamma=1.1j, delta=0.4 + 0.1j, J=0.8,
               lam=0.3 + 0.2j, kappa=0.3, flux=0.7, mu=0.9)


def dense_state(m):
    return qutip.steadystate(qutip.Qobj(m.hamiltonian()),
                             [qutip.Qobj(j) for j in m.jumps()]).full()


@pytest.mark.parametrize(("model", "group"), [
    (BoseHubbardRing.minimal(3, 2.0, 0.8, U=0.7, n_max=2, kappa=0.1), 6),
    (BoseHubbardRing.minimal(4, 2.0, 0.8, U=3.0, n_max=2, kappa=0.1), 8),
    (BoseHubbardRing.minimal(3, 1.0, 0.5, U=0.4, n_max=3, boundary="open"), 2),
    (BoseHubbardRing(3, U=1.3, n_max=2, **GENERIC), 3),
    (BoseHubbardRing(3, U=0.5, n_max=3, boundary="open", **GENERIC), 1),
])
def test_symmetric_ed_equals_qutip_on_the_full_space(model, group):
    """Translations, the reflection of the minimal model and the parity (-1)^N reduce the
    problem; every observable equals qutip.steadystate's to 1e-10."""
    r = ed.steady_state(model, truncation=False)
    ref = chain_observables(model, dense_state(model))
    assert r.diagnostics["group_order"] == group and r.diagnostics["parity"]
    assert r.diagnostics["unknowns"] < model.local_dim ** (2 * model.L) / group / 2 * 1.5
    assert abs(r.current - ref["current"]) < 1e-10
    for k in ("J", "eta", "lambda", "xi"):
        np.testing.assert_allclose(r.observables["currents"][k], ref["currents"][k], atol=1e-10)
    np.testing.assert_allclose(r.observables["n"], ref["n"], atol=1e-10)
    assert r.diagnostics["residual"] < 1e-10


def test_parity_sectors_are_those_of_the_boson_number():
    """Pairs kept by the reduction have equal digit-sum parity, i.e. equal parity of the
    boson number N = L n_max - digit sum (a global constant apart)."""
    m = BoseHubbardRing.minimal(3, 2.0, 0.8, n_max=3)
    number = np.real(np.diag(sum(m.operator([(1.0, (("n", j),))]) for j in range(3))
                             .toarray())).round().astype(int)
    par = chain.state_parity(m)
    assert len(set((number + par) % 2)) == 1


def test_the_gaussian_state_is_the_limit_of_the_truncation_to_1e_11():
    """U = 0, small gain (occupation 7e-4 per site): at n_max = 6 the truncated ED equals the
    Lyapunov solution to 1e-11 in every current and occupation (measured 2.4e-13, 1.5e-12);
    at L = 4 the error falls with n_max (2.8e-6, 8.7e-7, 2.2e-9 at n_max = 2, 3, 4)."""
    ring = BoseHubbardRing.minimal(3, 1.0, 0.03, U=0.0, n_max=6, kappa=0.5)
    g, e = gaussian.steady_state(ring), ed.steady_state(ring, truncation=False)
    assert abs(e.current - g.current) < 1e-11 and abs(g.current) > 1e-4
    np.testing.assert_allclose(e.observables["n"], g.observables["n"], atol=1e-11)
    for k in ("J", "eta", "lambda", "xi"):
        np.testing.assert_allclose(e.observables["currents"][k], g.observables["currents"][k],
                                   atol=1e-11)
    errors = []
    for n_max in (2, 3, 4):
        ring = BoseHubbardRing.minimal(4, 1.0, 0.03, U=0.0, n_max=n_max, kappa=0.5)
        errors.append(abs(ed.steady_state(ring, truncation=False).current
                          - gaussian.steady_state(ring).current))
    assert errors[0] > errors[1] > errors[2] and errors[2] < 5e-9


def test_boson_continuity_equation_is_an_operator_identity():
    r"""The module docstring's continuity equation for n_j with generic complex couplings,
    :math:`\mathcal L^\dagger(n_j) = \tfrac12(I^J_{in} - I^J_{out} + I^\xi_{in} - I^\xi_{out}
    + I^\eta_{in} + I^\eta_{out} - I^\lambda_{in} - I^\lambda_{out}) - (\Gamma_- + \kappa)n_j
    + \Gamma_+(n_j + 1)`, on the states with at most n_max - 2 bosons per site, where the
    truncation at n_max = 4 is invisible (U enters nowhere)."""
    L, n_max = 3, 4
    m = BoseHubbardRing(L, U=0.9, n_max=n_max, **GENERIC)

    op = lambda terms: m.operator(terms).toarray()  # noqa: E731
    n_ops = [op([(1.0, (("n", j),))]) for j in range(L)]
    low = np.all([np.real(np.diag(n)) <= n_max - 2 for n in n_ops], axis=0)
    one = np.eye(low.size)
    for j in range(L):
        cin = {k: op(v) for k, v in m.current_terms(((j - 1) % L, j)).items()}
        cout = {k: op(v) for k, v in m.current_terms((j, (j + 1) % L)).items()}
        rhs = (0.5 * (cin["J"] - cout["J"] + cin["xi"] - cout["xi"] + cin["eta"] + cout["eta"]
                      - cin["lambda"] - cout["lambda"])
               - (m.gamma_minus + m.kappa) * n_ops[j] + m.gamma_plus * (n_ops[j] + one))
        diff = m.heisenberg(n_ops[j]) - rhs
        assert np.abs(diff[np.ix_(low, low)]).max() < 1e-12
        assert np.abs(diff).max() > 0.1  # the truncation, visible above


def test_truncation_change_is_the_change_to_the_next_n_max_and_warns():
    ring = BoseHubbardRing.minimal(3, 2.0, 0.8, U=1.0, n_max=2, kappa=0.1)
    with pytest.warns(TruncationWarning, match=r"current changes by 1.76e-02 > "
                                               r"TRUNCATION_WARN=0.001.*raise the truncation"):
        r = ed.steady_state(ring)
    fine = ed.steady_state(ring.refined(), truncation=False)
    assert ring.refined().n_max == 3 and ring.n_max == 2
    assert r.diagnostics["truncation_change"] == pytest.approx(
        np.abs(fine.current_profile - r.current_profile).max(), abs=1e-12)
    assert r.diagnostics["truncation_change_sites"] == pytest.approx(
        np.abs(fine.observables["n"] - r.observables["n"]).max(), abs=1e-12)
    small = BoseHubbardRing.minimal(3, 1.0, 0.03, U=1.0, n_max=4, kappa=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ed.steady_state(small).diagnostics["truncation_change"] < 1e-8
    assert "truncation_change" not in ed.steady_state(
        MetelmannClerkRing.minimal(3, 2.0, 0.8)).diagnostics


def test_an_unmeasurable_truncation_change_is_nan_with_a_warning():
    ring = BoseHubbardRing.minimal(5, 2.0, 0.8, U=1.0, n_max=3, kappa=0.1)
    with pytest.warns(TruncationWarning, match=r"not measured.*MAX_ORBITS"):
        r = ed.steady_state(ring)
    assert np.isnan(r.diagnostics["truncation_change"])


def test_a_boson_ring_too_large_is_refused_before_allocation():
    with pytest.raises(SizeError, match=r"L=8: the symmetric ED would have about .* "
                                        r"MAX_ORBITS=400000; the largest L of this model is 7"):
        ed.steady_state(BoseHubbardRing.minimal(8, 2.0, 0.8, n_max=2))
    with pytest.raises(SizeError, match=r"method='direct' needs d\^L <= MAX_DIRECT_DIM=128 "
                                        r"\(here 729\)"):
        ed.steady_state(BoseHubbardRing.minimal(6, 2.0, 0.8, n_max=2), method="direct")


@pytest.mark.parametrize("initial", ["down", "up", "mixed"])
def test_dynamics_equals_the_dense_exponential(initial):
    """ed.evolve of a boson ring from the vacuum ("down"), the full state ("up") or the
    maximally mixed state against expm of the dense Liouvillian, to 1e-9."""
    m = BoseHubbardRing.minimal(3, 1.0, 0.5, U=0.8, n_max=2, kappa=0.2)
    times = np.array([0.0, 0.3, 1.0])
    r = ed.evolve(m, times, initial=initial)
    dim = m.local_dim**m.L
    rho0 = {"down": np.diag(np.eye(dim)[-1]), "up": np.diag(np.eye(dim)[0]),
            "mixed": np.eye(dim) / dim}[initial].astype(complex)
    Lq = qutip.liouvillian(qutip.Qobj(m.hamiltonian()), [qutip.Qobj(j) for j in m.jumps()])
    for t, current, n in zip(times, r.current, r.observables["n"], strict=True):
        rho = qutip.vector_to_operator(qutip.Qobj(
            expm(Lq.full() * t) @ qutip.operator_to_vector(qutip.Qobj(rho0)).full(),
            dims=qutip.operator_to_vector(qutip.Qobj(rho0)).dims)).full()
        ref = chain_observables(m, rho)
        assert abs(current - ref["current"]) < 1e-9
        np.testing.assert_allclose(n, ref["n"], atol=1e-9)


def test_the_truncation_change_is_an_indicator_not_a_bound():
    """The docstring's counterexample: at U = 0 (exact Gaussian current -0.1154) the change
    from n_max = 3 to 4 (0.080) is about half the error of n_max = 3 (0.145)."""
    ring = BoseHubbardRing.minimal(3, 2.0, 1.0, U=0.0, n_max=3, kappa=1.0)
    with pytest.warns(TruncationWarning):
        r = ed.steady_state(ring)
    exact = gaussian.steady_state(ring).current
    assert exact == pytest.approx(-3 / 26, abs=1e-12)
    assert r.diagnostics["truncation_change"] == pytest.approx(0.0805, abs=1e-3)
    assert abs(r.current - exact) == pytest.approx(0.1449, abs=1e-3)


@pytest.mark.parametrize("L", [3, 4, 7, 40])
def test_the_gaussian_current_is_fixed_by_the_occupation(L):
    """Translation invariance + the continuity equation: on the minimal ring,
    <I^eta> = (G- + kappa - G+) <n> - G+ exactly (manybody.experiments.bose_ring)."""
    from manybody.experiments.bose_ring import continuity_current
    g = gaussian.steady_state(BoseHubbardRing.minimal(L, 2.0, 1.0, kappa=1.0))
    assert g.current == pytest.approx(continuity_current(np.mean(g.observables["n"]), 2.0, 1.0,
                                                         1.0), abs=1e-12)
