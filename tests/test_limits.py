"""The epsilon -> 0 limits: secular NESS, exclusion process, canonical projection of tGGE."""

import itertools
import json

import numpy as np
import pytest

from manybody import ed, tgge
from manybody.ed.fock import FockSector
from manybody.models import NonreciprocalChain, RashbaZeemanChain


@pytest.mark.parametrize(("M", "N"), [(9, 4), (10, 1), (10, 9), (7, 7), (8, 0)])
def test_canonical_projection_matches_enumeration(M, N):
    rng = np.random.default_rng(M + N)
    n = rng.uniform(0.001, 0.999, M)
    n[2], n[5] = 1e-9, 1 - 1e-9  # x spanning 18 decades
    x = n / (1 - n)
    Z, acc = 0.0, np.zeros(M)
    for occ in itertools.combinations(range(M), N):
        w = np.prod(x[list(occ)])
        Z, acc[list(occ)] = Z + w, acc[list(occ)] + w
    expected = acc / Z if N else np.zeros(M)
    np.testing.assert_allclose(tgge.canonical_occupations(n, N), expected, atol=1e-12)


def test_canonical_projection_keeps_full_and_empty_modes():
    n = np.array([1.0, 0.0, 0.3, 0.6])
    out = tgge.canonical_occupations(n, 2)
    assert out[0] == 1.0 and out[1] == 0.0 and out.sum() == pytest.approx(2.0)
    with pytest.raises(ValueError, match="impossible"):
        tgge.canonical_occupations(n, 4)


def test_exclusion_process_with_thermal_rates_is_canonical_gibbs():
    m = RashbaZeemanChain(4, gamma_neq=0.0, beta=1.3)
    r = ed.exclusion_steady_state(m)
    sector = FockSector(8, 4)
    E = sector.occupations() @ m.modes.flat_energies
    w = np.exp(-m.beta * (E - E.min()))
    np.testing.assert_allclose(r.occupations.reshape(-1), (w / w.sum()) @ sector.occupations(),
                               atol=1e-12)


def test_exact_ness_tends_to_secular_limit_linearly_in_eps():
    L = 6
    sec = ed.secular_steady_state(NonreciprocalChain(L, gamma_neq=0.5)).current
    dev = [abs(ed.steady_state(NonreciprocalChain(L, gamma_neq=0.5, eps=e)).current - sec)
           for e in (1e-2, 1e-3)]
    assert dev[1] < 5e-6
    assert dev[0] / dev[1] == pytest.approx(10, rel=0.1)  # O(epsilon) correction


def test_secular_limit_without_coherences_is_the_exclusion_process():
    """L = 4: no two many-body states of equal energy and momentum, so no coherences."""
    m = NonreciprocalChain(4, gamma_neq=0.5)
    sec = ed.secular_steady_state(m)
    assert sec.diagnostics["coherences"] == 0
    exc = ed.exclusion_steady_state(m)
    np.testing.assert_allclose(sec.occupations, exc.occupations, atol=1e-12)
    # L = 8 keeps coherences between degenerate states: a small, nonzero difference
    m8 = NonreciprocalChain(8, gamma_neq=0.5)
    sec8, exc8 = ed.secular_steady_state(m8), ed.exclusion_steady_state(m8)
    assert sec8.diagnostics["coherences"] > 0
    assert 1e-6 < abs(sec8.current - exc8.current) < 1e-3


@pytest.mark.parametrize("L", [8, 10])
def test_fixed_N_projection_brings_tgge_close_to_the_exclusion_process(L):
    m = NonreciprocalChain(L, gamma_neq=0.5)
    exc = ed.exclusion_steady_state(m).current
    can = tgge.steady_state(m, ensemble="canonical").current
    gc = tgge.steady_state(m).current
    assert abs(can - exc) < 0.3 * abs(gc - exc)
    assert abs(can - exc) < 0.03 * abs(exc)


def test_canonical_ensemble_needs_integer_N():
    with pytest.raises(ValueError, match="integer"):
        tgge.steady_state(NonreciprocalChain(5, gamma_neq=0.5), ensemble="canonical")
    with pytest.raises(ValueError, match="ensemble"):
        tgge.steady_state(NonreciprocalChain(6, gamma_neq=0.5), ensemble="micro")


def test_validate_tgge_command_writes_table_and_plot(tmp_path, capsys):
    from manybody.cli import main

    assert main(["validate-tgge", "--model", "nonreciprocal", "--L", "4", "6", "--eps", "0.1",
                 "0.01", "--kmc-L", "24", "--kmc-sweeps", "2000", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "tGGE(N)" in text and "exclusion" in text and "kmc=" in text
    import json

    record = json.loads((tmp_path / "validate_tgge_nonreciprocal.json").read_text())
    rows = record["numbers"]["rows"]
    assert [r["L"] for r in rows] == [4, 6, 24]
    assert rows[2]["kmc_error"] > 0 and "exact" not in rows[2]
    for r in rows[:2]:  # total = Hamiltonian + dissipative, per eps
        parts = [sum(d.values()) for d in r["exact_dissipative"]]
        np.testing.assert_allclose(r["exact_total"], np.add(r["exact"], parts), atol=1e-15)
    # exact -> secular linearly in eps (slope near 1)
    assert 0.7 < record["numbers"]["eps_power_fits"]["6"] < 1.3
    assert (tmp_path / "validate_tgge_nonreciprocal.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    "model", [NonreciprocalChain(6, gamma_neq=0.5), RashbaZeemanChain(4, gamma_neq=0.9)]
)
def test_kinetic_monte_carlo_matches_the_exact_exclusion_process(model):
    exact = ed.exclusion_steady_state(model)
    kmc = ed.kmc_steady_state(model, sweeps=20000, seed=1)
    err = kmc.diagnostics["current_error"]
    assert 0 < err < 0.05 * abs(exact.current) + 2e-3
    assert abs(kmc.current - exact.current) < 4 * err
    np.testing.assert_allclose(kmc.occupations, exact.occupations,
                               atol=5 * kmc.diagnostics["occupation_error"])


def test_kinetic_monte_carlo_at_large_L_agrees_with_tgge():
    """L = 256: the product-measure closure error is below the statistical error."""
    m = NonreciprocalChain(256, gamma_neq=0.5)
    kmc = ed.kmc_steady_state(m, sweeps=4000, seed=2)
    assert abs(kmc.current - tgge.steady_state(m).current) < 4 * kmc.diagnostics["current_error"]


def test_kinetic_monte_carlo_input_is_checked():
    with pytest.raises(ValueError, match="batches"):
        ed.kmc_steady_state(NonreciprocalChain(6, gamma_neq=0.5), batches=1)
    dense = NonreciprocalChain(6, gamma_neq=0.5, Delta=lambda k, p: np.ones_like(k) + 0j)
    with pytest.raises(ValueError, match="factorized"):
        ed.kmc_steady_state(dense)


def test_validate_dynamics_writes_overlay(tmp_path):
    import json

    from manybody.experiments.validation import validate_dynamics

    paths = validate_dynamics(tmp_path, "nonreciprocal", L=4, t_max=400.0)
    numbers = json.loads(open(paths["json"]).read())["numbers"]
    # both start at infinite temperature and relax on the same 1/eps time scale
    assert numbers["current_exact"][0] == pytest.approx(0, abs=1e-14)
    assert numbers["current_tgge"][-1] == pytest.approx(tgge.steady_state(
        NonreciprocalChain(4, gamma_neq=0.5)).current, rel=1e-6)
    assert numbers["current_exact"][-1] == pytest.approx(ed.steady_state(
        NonreciprocalChain(4, gamma_neq=0.5)).current, rel=1e-6)


def test_exclusion_process_approaches_tgge_as_one_over_L():
    """The rate the validation run measured: L (I_exclusion - I_tGGE) = 0.04 J at L = 16-20."""
    for L in (16, 18):
        m = NonreciprocalChain(L, gamma_neq=0.5)
        gap = ed.exclusion_steady_state(m).current - tgge.steady_state(m).current
        assert 0.035 < L * gap < 0.045


def test_h0_crossing_rule_decided_by_the_secular_limit():
    """h = 0: the bands touch at k = 0, -pi. The exact eps -> 0 NESS cannot depend on the
    basis chosen there (1e-10), and the exclusion process of the dissipator's (spin) basis
    is closer to it than that of the velocity basis (L = 4 here; L = 6: 2.5e-4 against
    3.1e-3 J), as the argument in the docs says: only the dephasing picks a basis."""
    sec, exc = {}, {}
    for rule in ("dissipator", "velocity"):
        m = RashbaZeemanChain(4, gamma_neq=0.9, h=0.0, crossing=rule)
        sec[rule] = ed.secular_steady_state(m).current
        exc[rule] = ed.exclusion_steady_state(m).current
    assert sec["dissipator"] == pytest.approx(sec["velocity"], abs=1e-10)
    err = {rule: abs(exc[rule] - sec["dissipator"]) for rule in exc}
    assert err["dissipator"] < 0.75 * err["velocity"]


@pytest.mark.parametrize("model", [NonreciprocalChain(8, gamma_neq=0.5, eps=0.1),
                                   RashbaZeemanChain(4, gamma_neq=0.9, eps=0.1)])
def test_restricted_superoperator_is_the_slice_of_the_block_superoperator(model):
    """The secular limit's builder (no whole superoperator) against slicing the whole one."""
    from manybody.ed.solver import _sector, lindblad_operators, momentum_block

    sector = _sector(model, 0.5)
    H, c_ops = lindblad_operators(model, sector)
    block = momentum_block(model, sector, H, c_ops)
    S = block.superoperator(H, c_ops)
    keep = np.sort(np.random.default_rng(1).choice(block.dim, block.dim // 3, replace=False))
    part = block.restricted(H, c_ops, keep)
    assert part.shape == (keep.size, keep.size)
    assert abs(part - S[keep][:, keep]).max() < 1e-13 * abs(S).max()
    assert abs(block.restricted(H, c_ops, np.arange(block.dim)) - S).max() == 0.0
    assert block.restricted(H, c_ops, np.array([], dtype=int)).nnz == 0
    for bad in ([3, 1], [1, 1], [-1, 2], [block.dim]):
        with pytest.raises(ValueError, match="keep must hold increasing block positions"):
            block.restricted(H, c_ops, np.array(bad))


def test_secular_limit_reaches_L14_and_keeps_its_relations():
    """L = 14 (25 572 kept pairs, 6 s): the matrix-free sizes of the exact NESS. The secular
    state is physical (checks), its coherences are the degenerate pairs, its current is within
    the L = 8-12 trend of the distance to the exclusion process (1e-6 to 1e-3 J)."""
    m = NonreciprocalChain(14, gamma_neq=0.5)
    sec, exc = ed.secular_steady_state(m), ed.exclusion_steady_state(m)
    assert sec.diagnostics["sector_dim"] == 3432 and sec.diagnostics["coherences"] == 22140
    assert sec.diagnostics["residual"] < 1e-11 and sec.diagnostics["trace_error"] < 1e-12
    assert sec.particle_number == pytest.approx(7.0, abs=1e-11)
    assert 1e-6 < abs(sec.current - exc.current) < 1e-3
    assert sec.current == pytest.approx(0.0378130027643, abs=1e-12)  # this solver, 2026-11-30


@pytest.mark.slow
def test_exact_ness_at_L14_tends_to_the_secular_limit_linearly():
    """Matrix-free exact NESS at L = 14 (about a minute per eps) against the secular limit."""
    sec = ed.secular_steady_state(NonreciprocalChain(14, gamma_neq=0.5)).current
    dev = [ed.steady_state(NonreciprocalChain(14, gamma_neq=0.5, eps=e)).current - sec
           for e in (0.01, 0.005)]
    assert dev[0] / dev[1] == pytest.approx(2.0, rel=0.05)


def test_exact_points_are_saved_and_read_back(tmp_path, monkeypatch):
    """validate-tgge's checkpoint: a finished point is read back by a rerun with the same
    parameters (the solver is not called), another parameter set is solved anew."""
    from manybody.experiments import validation

    first = validation.exact_point("nonreciprocal", 6, 0.05, 0.5, {"gamma_neq": 0.5}, tmp_path)
    calls = []
    monkeypatch.setattr(validation.ed, "steady_state",
                        lambda *a, **k: calls.append(a) or first)
    again = validation.exact_point("nonreciprocal", 6, 0.05, 0.5, {"gamma_neq": 0.5}, tmp_path)
    assert not calls and again.current == first.current
    assert again.diagnostics["read_back_from"].endswith(".json")
    assert "read_back_from" not in first.diagnostics
    assert again.dissipative_currents == first.dissipative_currents
    np.testing.assert_array_equal(again.occupations, first.occupations)
    validation.exact_point("nonreciprocal", 6, 0.05, 0.5, {"gamma_neq": 0.6}, tmp_path)
    validation.exact_point("nonreciprocal", 6, 0.02, 0.5, {"gamma_neq": 0.5}, tmp_path)
    assert len(calls) == 2 and len(list(tmp_path.iterdir())) == 3


def test_validate_tgge_exact_epsilons_name_and_wick(tmp_path):
    """Per-size couplings (the costly rings), the file stem, Wick's large-L value (equal at
    both sizes, the 0.2032 of the README for real delta, delta') and the 1/L check of the
    dissipative current, which runs where that current is not small."""
    from manybody.experiments.validation import validate_tgge

    with pytest.raises(ValueError, match=r"exact_epsilons names ring sizes \[8\]"):
        validate_tgge(tmp_path, Ls=(4,), exact_epsilons={8: (0.1,)}, progress=False)
    r = validate_tgge(tmp_path, Ls=(4, 6, 8), epsilons=(0.02,), exact_epsilons={8: (0.01,)},
                      delta=1.3, delta_prime=0.4, name="real", progress=False)
    assert r["json"] == str(tmp_path / "real.json") and (tmp_path / "real.png").is_file()
    assert [row["eps"] for row in r["rows"]] == [[0.02], [0.02], [0.01]]
    record = json.loads((tmp_path / "real.json").read_text())
    wick = record["numbers"]["wick_large_L"]
    assert wick["64"] == pytest.approx(wick["128"], abs=1e-12)
    assert wick["128"] == pytest.approx(0.20320, abs=1e-5)
    check = [c for c in record["checks"] if c["claim"].startswith("dissipative current")]
    assert len(check) == 1 and check[0]["passed"]  # L (I_D/eps - Wick): 0.1366, 0.1440
    assert len(list((tmp_path / "exact_runs").iterdir())) == 3  # one file per exact point


@pytest.mark.parametrize("scale, drawn", [(1e-19, False), (1e-3, True)])
def test_the_dissipative_panels_say_zero_instead_of_plotting_round_off(scale, drawn):
    """Model 2's local dephasing moves no particle: |I_D/eps| ~ 1e-19 is written as zero to
    round-off, not drawn; a real dissipative current is drawn."""
    import matplotlib.pyplot as plt

    from manybody.experiments import validation_plot

    rows = [{"L": L, "gge_dissipative_per_eps": scale * (1 + 1 / L), "eps": [0.05, 0.02],
             "exact": [0.0, 0.0], "exact_dissipative_per_eps": [scale, -scale]}
            for L in (4, 6, 8)]
    fig, (e, f) = plt.subplots(1, 2)
    validation_plot._dissipative(e, f, rows, wick=scale)
    for ax in (e, f):
        assert bool(ax.lines) == drawn
        assert ("round-off" in " ".join(t.get_text() for t in ax.texts)) != drawn
    plt.close(fig)
