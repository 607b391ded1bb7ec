"""The command line is a thin shell: its numbers equal the library's."""

import json

import pytest

from manybody import tgge
from manybody.cli import main
from manybody.models import RashbaZeemanChain


def test_tgge_steady_json_matches_library(capsys):
    code = main(["tgge", "steady", "--model", "rashba-zeeman", "--L", "60", "--gamma-neq", "0.7",
                 "--h", "0.5", "--gamma-up", "0.2", "--gamma-down", "0.8", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    ref = tgge.steady_state(RashbaZeemanChain(60, gamma_neq=0.7, h=0.5, gamma_up=0.2,
                                              gamma_down=0.8))
    assert out["current"] == pytest.approx(ref.current, abs=1e-15)
    assert out["spin_currents"]["up"] == pytest.approx(ref.spin_currents["up"], abs=1e-15)
    assert out["model"]["h"] == 0.5 and len(out["lambdas"]) == 60


def test_complex_delta_and_summary(capsys, tmp_path):
    code = main(["tgge", "steady", "--model", "nonreciprocal", "--L", "50", "--gamma-neq", "1",
                 "--delta", "2+0.5j", "--delta-prime", "0.3j", "--out", str(tmp_path / "r.json")])
    assert code == 0
    assert "current I" in capsys.readouterr().out
    saved = json.loads((tmp_path / "r.json").read_text())
    assert saved["model"]["delta"] == [2.0, 0.5] and saved["model"]["delta_prime"] == [0.0, 0.3]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--model", "nonreciprocal", "--L", "1", "--gamma-neq", "0.5"], "L must be"),
        (["--model", "nonreciprocal", "--L", "8", "--gamma-neq", "2"], "gamma_neq"),
        (["--model", "rashba-zeeman", "--L", "8", "--gamma-neq", "0.5", "--delta", "1"],
         "belong to --model nonreciprocal"),
        (["--model", "rashba-zeeman", "--L", "8", "--gamma-neq", "0.5", "--gamma-up", "0.3"],
         "gamma_up \\+ gamma_down"),
    ],
)
def test_bad_input_exits_with_message(argv, message, capsys):
    assert main(["tgge", "steady", *argv]) == 2
    assert pytest.importorskip("re").search(message, capsys.readouterr().err)


def test_help_names_paper_symbols(capsys):
    with pytest.raises(SystemExit):
        main(["tgge", "steady", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for symbol in ("Eq. (15)", "Eq. (19)", "(Eq. 2)", "alpha_y", "delta'", "epsilon", "beta"):
        assert symbol in text


def test_evolve_and_figure_list(capsys):
    assert main(["tgge", "evolve", "--model", "nonreciprocal", "--L", "20", "--gamma-neq", "0.5",
                 "--t-max", "10", "--n-times", "3"]) == 0
    assert "particle-number drift" in capsys.readouterr().out
    assert main(["figure", "--list"]) == 0
    assert "rect-fig5" in capsys.readouterr().out
    assert main(["figure", "no-such-figure"]) == 2


MPO_ARGS = ["mpo", "steady", "--model", "ring", "--L", "4", "--alpha", "2", "--delta", "1.5",
            "--boundary", "open", "--chi", "16", "--tol", "1e-4", "--no-progress"]


def test_mpo_steady_writes_result_arrays_plot_and_resumes(tmp_path, capsys):
    """The CLI's current equals the library's for the same options; rerunning the same
    command resumes from DIR/checkpoint.npz (the run is finished, so nothing is evolved)."""
    import numpy as np

    import mpo
    from manybody.models import MetelmannClerkRing
    from manybody.result import Result

    out = tmp_path / "run"
    assert main([*MPO_ARGS, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "current I = " in printed and "resumed" not in printed
    for name in ("result.json", "arrays.npz", "profile.png", "checkpoint.npz"):
        assert (out / name).stat().st_size > 0
    saved = Result.load(out / "result.json")
    ref = mpo.steady_state(MetelmannClerkRing.minimal(4, 2.0, 1.5, boundary="open"),
                           max_bond=16, tol=1e-4, richardson=True, progress=False)
    assert saved.current == ref.current
    assert saved.diagnostics["error"] == pytest.approx(ref.diagnostics["error"], rel=1e-15)
    with np.load(out / "arrays.npz") as f:
        assert np.array_equal(f["current_profile"], ref.current_profile)
        assert f["osee"].shape == (3,) and f["current_profile_error"].shape == (3,)
        assert {"sz", "negativity", "pair_entropy", "currents_eta"} <= set(f.files)
    assert main([*MPO_ARGS, "--out", str(out)]) == 0
    assert "resumed from checkpoint" in capsys.readouterr().out
    assert Result.load(out / "result.json").current == ref.current


def test_mpo_steady_ring_matches_ed(tmp_path, capsys):
    """The issue's command on a small ring: the current within its error bar of the exact
    one (and the bar below 1e-4)."""
    from manybody import ed
    from manybody.models import MetelmannClerkRing
    from manybody.result import Result

    args = ["mpo", "steady", "--model", "ring", "--L", "5", "--alpha", "2", "--delta", "1.5",
            "--boundary", "periodic", "--chi", "32", "--tol", "1e-5", "--no-progress"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    r = Result.load(tmp_path / "result.json")
    exact = ed.steady_state(MetelmannClerkRing.minimal(5, 2.0, 1.5)).current
    assert abs(r.current - exact) < r.diagnostics["error"] < 1e-4
    assert "ring L=5 (periodic)" in capsys.readouterr().out


def test_mpo_steady_xx_chain_matches_the_exact_solution(tmp_path):
    """The boundary-driven XX chain through the same command: current and sigma^z against the
    exact correlation-matrix solution, within the reported error bar (< 1e-4)."""
    from manybody.ed import xx_chain
    from manybody.models import BoundaryDrivenXX
    from manybody.result import Result

    args = ["mpo", "steady", "--model", "xx", "--L", "6", "--mu", "0.3", "--chi", "16",
            "--tol", "1e-5", "--no-progress"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    r = Result.load(tmp_path / "result.json")
    exact = xx_chain.steady_state(BoundaryDrivenXX(6, mu=0.3))
    assert abs(r.current - exact.current) < r.diagnostics["error"] < 1e-4
    assert main([*args, "--boundary", "periodic", "--out", str(tmp_path / "bad")]) == 2


@pytest.mark.parametrize(("change", "message"), [
    (["--L", "1"], "L must be"), (["--dt", "-0.1"], "dt must be > 0"),
    (["--tol", "0"], "tol must be > 0"),
    (["--checkpoint-interval", "-5"], "checkpoint_interval must be >= 0")])
def test_mpo_steady_bad_input(change, message, tmp_path, capsys):
    flag, value = change
    args = list(MPO_ARGS)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    assert main([*args, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
