"""The operator-space entanglement of the exact fermion NESS (manybody.ed.barrier)."""

from math import comb

import numpy as np
import pytest
import qutip

from manybody import ed
from manybody.ed import barrier as B
from manybody.ed.fock import FockSector
from manybody.models import NonreciprocalChain, RashbaZeemanChain

MODELS = [NonreciprocalChain(6, gamma_neq=0.5), RashbaZeemanChain(3, gamma_neq=0.5)]


def _full_correlations(sector, rho):
    M = sector.n_modes
    return np.array([[sector.expectation(a, b, rho) for b in range(M)] for a in range(M)])


def _esym(w, k):
    """Elementary symmetric polynomial e_k of the entries of w."""
    e = np.zeros(len(w) + 1)
    e[0] = 1.0
    for x in w:
        e[1:] = e[1:] + x * e[:-1]
    return e[k] if 0 <= k <= len(w) else 0.0


@pytest.mark.parametrize("model", MODELS, ids=["model1-L6", "model2-L3"])
def test_minors_transform_is_unitary_and_gives_real_space_correlations(model):
    sector, rho = B.sector_density_matrix(model, 0.5 if model.n_bands == 1 else 0.5)
    Wf = B.fock_unitary(model, sector)
    assert np.abs(Wf.conj().T @ Wf - np.eye(sector.dim)).max() < 1e-12
    assert np.abs(Wf @ Wf.conj().T - np.eye(sector.dim)).max() < 1e-12
    rho_real = Wf @ rho @ Wf.conj().T
    C = _full_correlations(sector, rho)  # <eta_a^dag eta_b>
    G = _full_correlations(sector, rho_real)  # <c_i^dag c_l> (real-space Jordan-Wigner order)
    # <c_i^dag c_l> = sum_ab conj(W_ia) W_lb C_ab, i.e. G^T = W C^T W^dag = to_real_space(C^T)
    np.testing.assert_allclose(G.T, model.to_real_space(C.T), atol=1e-12)
    assert abs(np.trace(rho_real) - 1) < 1e-12


def test_minors_transform_matches_qutip_slater_determinants():
    model = RashbaZeemanChain(2, gamma_neq=0.5)  # 4 modes, 2 bands: orbital order checked too
    M, N = model.n_modes, 2
    sector = FockSector(M, N)
    W = B.mode_unitary(model)
    np.testing.assert_allclose(W @ W.conj().T, np.eye(M), atol=1e-13)
    eta = [qutip.fdestroy(M, a) for a in range(M)]
    c = [sum(W[i, a] * eta[a] for a in range(M)) for i in range(M)]
    vac = qutip.basis([2] * M, [0] * M)
    idx = [sum(((s >> a) & 1) << (M - 1 - a) for a in range(M)) for s in sector.states]
    Wf = B.fock_unitary(model, sector)
    for r_i, r in enumerate(sector.states):
        state = vac
        for i in sorted(np.flatnonzero((r >> np.arange(M)) & 1), reverse=True):
            state = c[i].dag() * state  # |r> = c_{i1}^dag c_{i2}^dag ... |0>, i1 < i2 < ...
        amps = state.full().ravel()[idx]  # <s|r> = conj(W_rs)
        np.testing.assert_allclose(amps, Wf[r_i].conj(), atol=1e-13)


def test_block_svd_equals_plain_svd_of_the_reshaped_vector():
    model = NonreciprocalChain(6, gamma_neq=0.5)
    sector, rho = B.sector_density_matrix(model)
    M = sector.n_modes
    for vec in (rho, B.fock_unitary(model, sector) @ rho @ B.fock_unitary(model, sector).conj().T):
        full = np.zeros((2**M, 2**M), dtype=complex)
        full[np.ix_(sector.states, sector.states)] = vec
        # index s = sum_a s_a 2^a: C-order axes are (s_{M-1}, ..., s_0); reverse them
        T = full.reshape((2,) * (2 * M))
        T = T.transpose(list(range(M - 1, -1, -1)) + list(range(2 * M - 1, M - 1, -1)))
        T = T.transpose([x for a in range(M) for x in (a, M + a)])  # (s_0, s'_0, s_1, ...)
        for ix in B.cut_indices(sector):
            ell = ix.cut
            plain = np.linalg.svd(T.reshape(4**ell, -1), compute_uv=False)
            blocked = B.schmidt_values(vec, ix)
            n = blocked.size
            np.testing.assert_allclose(blocked, plain[:n], atol=1e-12)
            assert np.all(plain[n:] < 1e-12)


def test_gibbs_state_schmidt_values_are_elementary_symmetric_polynomials():
    """At gamma_neq = 0 the NESS is the canonical Gibbs state, diagonal in the momentum Fock
    basis; each (n, n) charge block of the cut is rank one, with
    sigma_n = sqrt(e_n(w_left^2) e_{N-n}(w_right^2)) / Z, w_a = exp(-beta eps_a)."""
    model = NonreciprocalChain(6, gamma_neq=0.0)
    sector, rho = B.sector_density_matrix(model)
    M, N = sector.n_modes, sector.n_particles
    w = np.exp(-model.beta * model.modes.flat_energies)
    Z = _esym(w, N)
    np.testing.assert_allclose(np.diag(rho).real, np.prod(np.where(
        sector.occupations() > 0, w, 1.0), axis=1) / Z, atol=1e-10)
    for ix in B.cut_indices(sector):
        ell = ix.cut
        expected = [np.sqrt(_esym(w[:ell] ** 2, n) * _esym(w[ell:] ** 2, N - n)) / Z
                    for n in range(max(0, N - (M - ell)), min(ell, N) + 1)]
        got = B.schmidt_values(rho, ix)
        np.testing.assert_allclose(got[:len(expected)], sorted(expected, reverse=True),
                                   atol=1e-9)
        assert np.all(got[len(expected):] < 1e-9)
    b = B.analyse(model, sector, rho, "momentum")
    assert b.chi_frobenius <= N + 1 and b.rank.max() == N + 1


def test_fock_state_and_infinite_temperature_limits():
    model = NonreciprocalChain(6, gamma_neq=0.5)
    sector = FockSector(6, 3)
    D = sector.dim
    fock = np.zeros((D, D), dtype=complex)
    fock[7, 7] = 1.0  # one momentum Fock state: a product in momentum order
    b = B.analyse(model, sector, fock, "momentum")
    assert b.rank.tolist() == [1] * 5 and b.chi_frobenius == 1 and b.osee.max() < 1e-14
    real = B.analyse(model, sector, fock, "real")  # a Slater determinant of plane waves
    assert real.osee.max() > 0.5
    # the infinite-temperature state of the sector is the same in both orders (W 1 W^dag = 1):
    # block (n, n) is rank one, sigma_n = sqrt(C(ell, n) C(M - ell, N - n)) / D
    eye = np.eye(D, dtype=complex) / D
    for order in B.ORDERS:
        b = B.analyse(model, sector, eye, order)
        for ell, s in enumerate(b.schmidt, start=1):
            expected = sorted((np.sqrt(comb(ell, n) * comb(6 - ell, 3 - n)) / D
                               for n in range(max(0, ell - 3), min(ell, 3) + 1)), reverse=True)
            np.testing.assert_allclose(s, expected, atol=1e-12)


@pytest.mark.parametrize("secular", [False, True])
@pytest.mark.parametrize("model", MODELS, ids=["model1-L6", "model2-L3"])
def test_untruncated_mps_gives_the_ed_current(model, secular):
    sector, rho = B.sector_density_matrix(model, secular=secular)
    ref = (ed.secular_steady_state if secular else ed.steady_state)(model).current
    Wf = B.fock_unitary(model, sector)
    for order in B.ORDERS:
        vec = Wf @ rho @ Wf.conj().T if order == "real" else rho
        indices = B.cut_indices(sector)
        full = B.truncate(vec, indices, 10**6)
        assert np.abs(full - vec).max() < 1e-14
        back = Wf.conj().T @ full @ Wf if order == "real" else full
        assert abs(B.current(model, sector, back) - ref) < 1e-12


def test_truncation_error_and_bounds_are_consistent():
    model = NonreciprocalChain(6, gamma_neq=0.5)
    sector, rho = B.sector_density_matrix(model)
    for order in B.ORDERS:
        b = B.analyse(model, sector, rho, order, tol=1e-3)
        assert b.chi_lower <= b.chi_frobenius <= b.chi_bound
        indices = B.cut_indices(sector)
        vec = rho if order == "momentum" else (lambda W: W @ rho @ W.conj().T)(
            B.fock_unitary(model, sector))

        def err(chi, vec=vec, indices=indices):
            return np.linalg.norm(B.truncate(vec, indices, chi) - vec)

        assert err(b.chi_frobenius) <= 1e-3 * np.linalg.norm(vec) < err(b.chi_frobenius - 1)
        # each step's error is orthogonal to the rest: the measured error is at most the bound
        chi = b.chi_frobenius // 2
        bound = sum(np.sum(s[chi:] ** 2) for s in b.schmidt)
        assert err(chi) ** 2 <= bound * (1 + 1e-10)


def test_smallest_chi_search():
    assert B.smallest_chi(lambda c: c >= 37, 100) == 37
    assert B.smallest_chi(lambda c: c >= 1, 5) == 1
    assert B.smallest_chi(lambda c: c >= 100, 100) == 100


@pytest.mark.slow
def test_pinned_bond_dimensions_at_L8():
    """Frobenius 1e-4 at eps = 0.05, gamma_neq = 0.5, N = 4 (the throwaway prototype of issue 15
    also found 83 and 221)."""
    res = B.barrier(NonreciprocalChain(8, gamma_neq=0.5, eps=0.05))
    assert res["momentum"].chi_frobenius == 83
    assert res["real"].chi_frobenius == 221


def test_figure_at_small_sizes(tmp_path):
    from manybody.experiments import FIGURES

    result = FIGURES["fermion-barrier"](tmp_path, Ls=(4, 6), epsilons=(0.05, 0.2), eps_L=6,
                                        model2_Ls=(2,), progress=False)
    assert (tmp_path / "fermion_barrier.png").exists()
    exact = [c for c in result["checks"]
             if c["claim"].startswith(("every sequential", "the untruncated"))]
    assert len(exact) == 2 and all(c["passed"] for c in exact)  # the bounds, the ED current
    import json
    numbers = json.loads((tmp_path / "fermion_barrier.json").read_text())["numbers"]
    assert "| nonreciprocal | 6 | 0.05 | momentum | 32 |" in numbers["table"]
    assert "| nonreciprocal | 6 | 0.05 | populations | 6 |" in numbers["table"]
