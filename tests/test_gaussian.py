"""U = 0 bosonic ring: the Lyapunov steady state against the truncated dense Liouvillian
(converging in n_max), a single mode in closed form, the instability, and large rings."""

import time

import numpy as np
import pytest
from scipy import linalg

from manybody import gaussian
from manybody.errors import UnstableDynamicsError
from manybody.models import BoseHubbardRing, MetelmannClerkRing
from manybody.models.spin import lindblad_superoperator

# small occupations so that n_max = 6 truncates at ~1e-6
GENERIC = dict(alpha=1.0 + 0.3j, beta=0.05 + 0.05j, gamma=0.6 - 0.4j, delta=0.1 - 0.05j,
               mu=0.5, J=0.4, lam=0.1 + 0.05j, kappa=0.5, flux=0.3)


def dense_steady_state(m):
    """<n_j> and the bond currents of the truncated model from a dense Liouvillian solve."""
    H, jumps = m.hamiltonian().toarray(), [j.toarray() for j in m.jumps()]
    Lv = lindblad_superoperator(H, jumps)
    d = H.shape[0]
    Lv[0] = np.eye(d).reshape(-1)  # trace row (row-major vec)
    b = np.zeros(d * d, complex)
    b[0] = 1
    rho = np.linalg.solve(Lv, b).reshape(d, d)
    ex = lambda t: np.real(np.trace(m.operator(t) @ rho))  # noqa: E731
    n = np.array([ex([(1.0, (("n", j),))]) for j in range(m.L)])
    currents = {k: np.array([ex(m.current_terms(bd)[k]) for bd in m.bonds])
                for k in ("J", "eta", "lambda", "xi")}
    return n, currents


@pytest.mark.parametrize(("L", "boundary", "n_maxes"), [(2, "open", (2, 4, 6)),
                                                         (2, "periodic", (2, 4, 6)),
                                                         (3, "periodic", (2, 3))])
def test_truncated_dense_solve_converges_to_the_gaussian_one(L, boundary, n_maxes):
    g = gaussian.steady_state(BoseHubbardRing(L, boundary=boundary, **GENERIC))
    errors = []
    for n_max in n_maxes:
        n, currents = dense_steady_state(BoseHubbardRing(L, boundary=boundary, n_max=n_max,
                                                         **GENERIC))
        errors.append(max(np.abs(n - g.n).max(), *(np.abs(currents[k] - g.currents[k]).max()
                                                   for k in currents)))
    assert all(b < a for a, b in zip(errors, errors[1:], strict=False)), errors
    # observed (L = 2, open): 2.9e-3, 1.3e-4, 4.1e-6; the truncation error falls with n_max
    assert errors[-1] < (1e-5 if L == 2 else 2e-3), errors
    assert abs(g.current_profile.mean() - g.current) < 1e-15
    assert np.abs(g.currents["J"]).max() > 1e-3  # a nontrivial comparison


def test_single_mode_with_decay_and_gain():
    """Site 0: f = sqrt(G-) d + sqrt(G+) d^+ and D[d] at rate kappa gives <n> = G+/(G- + kappa
    - G+); site 1 only decays (an open pair with gamma = delta = 0 and J = lam = 0)."""
    gm, gp, kappa = 1.3, 0.4, 0.2
    m = BoseHubbardRing(2, alpha=np.sqrt(gm), beta=np.sqrt(gp), gamma=0, delta=0,
                        kappa=kappa, boundary="open")
    g = gaussian.steady_state(m)
    np.testing.assert_allclose(g.n, [gp / (gm + kappa - gp), 0.0], atol=1e-13)
    assert g.diagnostics["residual"] < 1e-12


def test_gain_beyond_loss_raises_naming_the_condition():
    m = BoseHubbardRing.minimal(L=4, alpha=0.5, delta=0.8)
    with pytest.raises(UnstableDynamicsError, match="gain Gamma_.*not below loss"):
        gaussian.steady_state(m)
    with pytest.raises(UnstableDynamicsError):  # marginal: gain = loss
        gaussian.steady_state(BoseHubbardRing.minimal(L=4, alpha=0.8, delta=0.8))
    # gain below loss, but the staggered mode of an even minimal ring is dark at kappa = 0
    dark = BoseHubbardRing.minimal(L=4, alpha=1.0, delta=0.3)
    with pytest.raises(UnstableDynamicsError, match="dark mode"):
        gaussian.steady_state(dark)
    assert gaussian.steady_state(BoseHubbardRing.minimal(L=4, alpha=1.0, delta=0.3,
                                                         kappa=0.1)).n[0] > 0


def test_refuses_interactions_and_other_models():
    with pytest.raises(ValueError, match="U = 0"):
        gaussian.steady_state(BoseHubbardRing.minimal(L=3, alpha=1.0, delta=0.3, U=0.5))
    with pytest.raises(TypeError, match="model"):
        gaussian.steady_state(MetelmannClerkRing.minimal(3, alpha=1.0, delta=0.3))


def test_momentum_blocks_equal_the_dense_sylvester_solve():
    for L in (2, 3, 6, 11):
        A, D = gaussian.drift_diffusion(BoseHubbardRing(L, **GENERIC))
        C, residual = gaussian._solve_by_momentum(gaussian.momentum_blocks(A, L), D, L)
        np.testing.assert_allclose(C, linalg.solve_sylvester(A, A.T, -D), atol=1e-13)
        assert residual < 1e-13
    A, _ = gaussian.drift_diffusion(BoseHubbardRing(6, boundary="open", **GENERIC))
    assert gaussian.momentum_blocks(A, 6) is None  # an open chain is not translation-invariant


def test_a_ring_of_a_thousand_sites_is_fast_and_uniform():
    """Momentum blocks: L = 1000 in ~2 s, L = 2000 in ~9 s (the dense solve: 160 s at 1000)."""
    m = BoseHubbardRing(1000, **GENERIC)
    t0 = time.perf_counter()
    g = gaussian.steady_state(m)
    assert time.perf_counter() - t0 < 15
    assert np.ptp(g.n) < 1e-10 and np.ptp(g.current_profile) < 1e-10
    small = gaussian.steady_state(BoseHubbardRing(40, **(GENERIC | {"flux": 0.3 * 40 / 1000})))
    # same J = J0 e^{i phi / L}: correlations decay fast, so L = 40 is the infinite ring
    assert abs(small.current - g.current) < 1e-10
