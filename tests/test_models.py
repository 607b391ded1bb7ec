"""Models: validation, Fourier convention, bands, and rates rebuilt from the jump operators."""

import numpy as np
import pytest
import scipy.linalg

from manybody.models import NonreciprocalChain, RashbaZeemanChain, Rates


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"L": 1}, "L"),
        ({"L": 4.0}, "L"),
        ({"gamma_neq": 1.2}, "gamma_neq"),
        ({"gamma_neq": -0.1}, "gamma_neq"),
        ({"eps": 0.0}, "eps"),
        ({"beta": -1.0}, "beta"),
        ({"J": 0.0}, "J"),
        ({"J": float("nan")}, "J"),
        ({"delta": float("inf")}, "delta"),
    ],
)
def test_nonreciprocal_rejects_bad_parameters(kwargs, name):
    args = {"L": 8, "gamma_neq": 0.5} | kwargs
    with pytest.raises(ValueError, match=name):
        NonreciprocalChain(**args)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"gamma_up": 0.7, "gamma_down": 0.7}, "gamma_up \\+ gamma_down"),
        ({"gamma_up": 1.5, "gamma_down": -0.5}, "gamma_up"),
        ({"alpha_y": float("nan")}, "alpha_y"),
        ({"h": "1"}, "h"),
        ({"crossing": "spin"}, "crossing"),
    ],
)
def test_rashba_rejects_bad_parameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        RashbaZeemanChain(8, gamma_neq=0.5, **kwargs)


def test_delta_and_Delta_are_exclusive():
    with pytest.raises(ValueError, match="Delta"):
        NonreciprocalChain(8, gamma_neq=0.5, delta=1.0, Delta=lambda k, p: k + 0j)
    with pytest.raises(ValueError, match="Delta"):
        NonreciprocalChain(8, gamma_neq=0.5, Delta=3.0)


def real_space_hamiltonian(model):
    """Single-particle H0 on the ring, index (site, orbital), from T and E as documented.

    The bond (L-1, 0) carries the boundary sign c_L = (-1)^L c_0 of the momentum grid.
    """
    n, L = model.n_bands, model.L
    H = np.zeros((L * n, L * n), dtype=complex)
    for j in range(L):
        s, t = slice(j * n, (j + 1) * n), slice(((j + 1) % L) * n, ((j + 1) % L + 1) * n)
        sign = model.boundary_sign if j == L - 1 else 1
        H[t, s] += sign * model.hopping
        H[s, t] += sign * model.hopping.conj().T
        H[s, s] += model.onsite
    return H


def fourier(model):
    """G[(x, s), (k, nu)] with c_{x s} = sum_{k nu} G c_{k nu}: F_xk = e^{ikx}/sqrt(L), times U."""
    L, n = model.L, model.n_bands
    F = np.exp(1j * np.outer(np.arange(L), model.momenta)) / np.sqrt(L)
    U = model.modes.vectors
    return np.einsum("xk,ksv->xskv", F, U).reshape(L * n, L * n)


@pytest.mark.parametrize(
    "model",
    [
        NonreciprocalChain(7, gamma_neq=0.3),
        RashbaZeemanChain(6, gamma_neq=0.3),
        RashbaZeemanChain(8, gamma_neq=0.3, h=0.0),
        RashbaZeemanChain(5, gamma_neq=0.3, alpha_z=0.0, h=0.4),
    ],
)
def test_modes_diagonalize_real_space_hamiltonian(model):
    G = fourier(model)
    np.testing.assert_allclose(G.conj().T @ G, np.eye(G.shape[0]), atol=1e-12)
    D = G.conj().T @ real_space_hamiltonian(model) @ G
    np.testing.assert_allclose(D, np.diag(model.modes.flat_energies), atol=1e-12)


@pytest.mark.parametrize(
    "model",
    [NonreciprocalChain(7, gamma_neq=0.3), NonreciprocalChain(6, gamma_neq=0.3),
     RashbaZeemanChain(5, gamma_neq=0.3, h=0.4), RashbaZeemanChain(4, gamma_neq=0.3)],
)
def test_real_space_transform_and_position_commutator(model):
    """The FFT transform equals the dense G O G^dagger; H0 becomes the hopping matrix with the
    boundary sign; -i[X, H0] / L is the current matrix of Eq. (13)/(23) (minimal image)."""
    G, M = fourier(model), model.n_modes
    op = np.random.default_rng(3).normal(size=(M, M, 2)) @ np.array([1, 1j])
    np.testing.assert_allclose(model.to_real_space(op), G @ op @ G.conj().T, atol=1e-12)
    np.testing.assert_allclose(model.from_real_space(model.to_real_space(op)), op, atol=1e-12)
    H0 = np.diag(model.modes.flat_energies)
    np.testing.assert_allclose(model.to_real_space(H0), real_space_hamiltonian(model),
                               atol=1e-12)
    current = -1j * model.position_commutator(H0) / model.L
    blocks = sum(model.current_matrices().values())
    np.testing.assert_allclose(current, scipy.linalg.block_diag(*blocks), atol=1e-13)


def test_momentum_grid_and_boundary_sign():
    for L in (6, 7):
        m = NonreciprocalChain(L, gamma_neq=0.5)
        np.testing.assert_allclose(m.momenta, -np.pi + 2 * np.pi * np.arange(L) / L)
        np.testing.assert_allclose(np.exp(1j * m.momenta * L), m.boundary_sign, atol=1e-12)
    assert NonreciprocalChain(7, gamma_neq=0.5).boundary_sign == -1


def test_rashba_bands_follow_eq_C2():
    m = RashbaZeemanChain(16, gamma_neq=0.5, J=1.0, alpha_y=1.1, alpha_z=0.9, h=1.0)
    k = m.momenta
    R = np.sqrt((2 * 1.1 * np.sin(k) + 1.0) ** 2 + 4 * 0.9**2 * np.sin(k) ** 2)
    np.testing.assert_allclose(m.modes.energies[:, 0], -2 * np.cos(k) + R, atol=1e-13)
    np.testing.assert_allclose(m.modes.energies[:, 1], -2 * np.cos(k) - R, atol=1e-13)


def rates_from_jump_operators(model, jumps):
    """W_{b->a} = sum_m |M^m_ab|^2 for quadratic jumps c^dag A_m c, M^m = G^dag A_m G."""
    G = fourier(model)
    W = np.zeros((G.shape[1],) * 2)
    for A in jumps:
        W += np.abs(G.conj().T @ A @ G) ** 2
    return W


def test_raman_rates_match_eq_15_in_real_space():
    m = NonreciprocalChain(9, gamma_neq=0.5, delta=1 + 1j, delta_prime=1 + 0.5j, J=1.3)
    L, d, dp = m.L, m.delta, m.delta_prime
    jumps = []
    for j in range(L):
        u = np.zeros(L, complex)
        v = np.zeros(L, complex)
        sign = m.boundary_sign if j == L - 1 else 1  # c_L = (-1)^L c_0
        u[j], u[(j + 1) % L] = 1, sign * d  # c^dag_j + delta c^dag_{j+1}
        v[j], v[(j + 1) % L] = 1, -sign * dp  # c_j - delta' c_{j+1}
        jumps.append(np.sqrt(m.J) * np.outer(u, v))
    np.testing.assert_allclose(
        m.nonequilibrium_rates().dense(), rates_from_jump_operators(m, jumps), atol=1e-12
    )


@pytest.mark.parametrize("h", [1.0, 0.0])
@pytest.mark.parametrize(("gu", "gd"), [(1.0, 0.0), (0.3, 0.7)])
def test_dephasing_rates_match_eq_19_in_real_space(h, gu, gd):
    m = RashbaZeemanChain(6, gamma_neq=0.5, h=h, gamma_up=gu, gamma_down=gd)
    jumps = []
    for j in range(m.L):
        for s, gam in enumerate((gu, gd)):
            A = np.zeros((2 * m.L,) * 2)
            A[2 * j + s, 2 * j + s] = np.sqrt(m.J * gam)
            jumps.append(A)
    W = rates_from_jump_operators(m, jumps)
    np.testing.assert_allclose(m.nonequilibrium_rates().dense(), W, atol=1e-12)


def test_general_Delta_reproduces_raman_rates():
    d, dp = 0.7 - 0.2j, 1.1 + 0.4j
    raman = NonreciprocalChain(10, gamma_neq=0.5, delta=d, delta_prime=dp)

    def Delta(k, p):
        return (1 + d * np.exp(-1j * (k - p))) * (1 - dp * np.exp(1j * k))

    general = NonreciprocalChain(10, gamma_neq=0.5, Delta=Delta)
    assert not general.nonequilibrium_rates().factorized
    np.testing.assert_allclose(
        general.nonequilibrium_rates().dense(), raman.nonequilibrium_rates().dense(), atol=1e-12
    )


def test_thermal_rates_satisfy_detailed_balance():
    m = RashbaZeemanChain(12, gamma_neq=0.0, beta=1.7)
    W = m.rates().dense()
    e = m.modes.flat_energies
    # W_{b->a} / W_{a->b} = exp(-beta (e_a - e_b))
    np.testing.assert_allclose(W / W.T, np.exp(-1.7 * (e[:, None] - e[None, :])), rtol=1e-12)


def test_rates_validation():
    with pytest.raises(ValueError, match="non-negative"):
        Rates(matrix=-np.ones((2, 2)))
    with pytest.raises(ValueError, match="either"):
        Rates()


@pytest.mark.parametrize(
    "model",
    [
        NonreciprocalChain(7, gamma_neq=0.4, beta=1.3),
        NonreciprocalChain(6, gamma_neq=0.7, Delta=lambda k, p: np.cos(k) + 1j * np.sin(2 * p)),
        RashbaZeemanChain(5, gamma_neq=0.6, gamma_up=0.3, gamma_down=0.7),
        RashbaZeemanChain(6, gamma_neq=0.6, h=0.0),
    ],
)
def test_jumps_give_the_tgge_rates(model):
    """The jump operators used by exact methods and the rates used by tGGE are one bath."""
    np.testing.assert_allclose(Rates.from_jumps(model.jumps()).dense(), model.rates().dense(),
                               rtol=1e-12, atol=1e-15)
