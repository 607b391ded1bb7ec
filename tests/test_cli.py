"""The command line is a thin shell: its numbers equal the library's."""

import json

import numpy as np
import pytest

from manybody import cli, ed, tgge
from manybody.cli import main
from manybody.errors import ConvergenceError, DegenerateSteadyStateError, SizeError
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
         "--delta belongs to --model nonreciprocal"),
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
    one (and the bar below 5e-4)."""
    from manybody import ed
    from manybody.models import MetelmannClerkRing
    from manybody.result import Result

    args = ["mpo", "steady", "--model", "ring", "--L", "5", "--alpha", "2", "--delta", "1.5",
            "--boundary", "periodic", "--chi", "32", "--tol", "1e-5", "--no-progress"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    r = Result.load(tmp_path / "result.json")
    exact = ed.steady_state(MetelmannClerkRing.minimal(5, 2.0, 1.5)).current
    assert abs(r.current - exact) < r.diagnostics["error"] < 5e-4
    assert "ring L=5 (periodic)" in capsys.readouterr().out


def test_mpo_steady_xx_chain_matches_the_exact_solution(tmp_path):
    """The boundary-driven XX chain through the same command: current and sigma^z against the
    exact correlation-matrix solution, within the reported error bar (< 5e-4)."""
    from manybody.ed import xx_chain
    from manybody.models import BoundaryDrivenXX
    from manybody.result import Result

    args = ["mpo", "steady", "--model", "xx", "--L", "6", "--mu", "0.3", "--chi", "16",
            "--tol", "1e-5", "--no-progress"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    r = Result.load(tmp_path / "result.json")
    exact = xx_chain.steady_state(BoundaryDrivenXX(6, mu=0.3))
    assert abs(r.current - exact.current) < r.diagnostics["error"] < 5e-4
    assert main([*args, "--boundary", "periodic", "--out", str(tmp_path / "bad")]) == 2


@pytest.mark.parametrize(("change", "message"), [
    (["--L", "1"], "L must be"), (["--dt", "-0.1"], "dt must lie in (0.0, inf]"),
    (["--tol", "0"], "tol must lie in (0.0, inf]"),
    (["--checkpoint-interval", "-5"], "checkpoint_interval must lie in [0.0, inf]")])
def test_mpo_steady_bad_input(change, message, tmp_path, capsys):
    flag, value = change
    args = list(MPO_ARGS)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    assert main([*args, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def run(argv, capsys):
    """``main(argv)`` in-process: (exit status, stderr); argparse's refusals included."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


SMALL_MPO = ["mpo", "steady", "--L", "4", "--chi", "4", "--tol", "1e-2", "--no-progress"]


@pytest.mark.parametrize(("argv", "message"), [
    ([*SMALL_MPO, "--model", "xx", "--alpha", "3"], "--alpha belongs to --model ring"),
    ([*SMALL_MPO, "--model", "xx", "--delta", "1"], "--delta belongs to --model ring"),
    ([*SMALL_MPO, "--model", "ring", "--gamma", "2"], "--gamma belongs to --model xx"),
    # given at its default value is still given
    ([*SMALL_MPO, "--model", "ring", "--dephasing", "0"], "--dephasing belongs to --model xx"),
    (["tgge", "steady", "--model", "nonreciprocal", "--L", "8", "--gamma-neq", "0.5", "--h", "1",
      "--crossing", "velocity"], "--crossing, --h belong to --model rashba-zeeman"),
])
def test_options_of_another_model_are_refused(argv, message, tmp_path, capsys):
    """Issue 12: ``mpo steady --model xx --alpha 3`` ran the XX chain and ignored --alpha."""
    code, err = run([*argv, "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and message in err
    assert not (tmp_path / "o" / "result.json").exists()


def test_mpo_defaults_of_each_model():
    """The None sentinels that detect a given option leave the documented defaults."""
    from manybody.cli import MPO_MODELS, make_parser
    from manybody.models import BoseHubbardRing, BoundaryDrivenXX, MetelmannClerkRing

    args = make_parser().parse_args(["mpo", "steady", "--model", "ring", "--L", "5",
                                     "--out", "x"])
    assert MPO_MODELS["ring"](args).params() == MetelmannClerkRing.minimal(5, 2.0, 1.5).params()
    args.model = "xx"
    assert MPO_MODELS["xx"](args).params() == BoundaryDrivenXX(5, gamma=1.0, mu=0.5).params()
    args.model = "bose"
    assert MPO_MODELS["bose"](args).params() == BoseHubbardRing.minimal(
        5, 2.0, 1.0, U=0.0, n_max=2, kappa=1.0).params()


def test_mpo_steady_bose_chain_matches_ed_within_its_error_bar(tmp_path, capsys):
    from manybody.models import BoseHubbardRing

    assert main(["mpo", "steady", "--model", "bose", "--L", "4", "--boundary", "open",
                 "--U", "5", "--n-max", "2", "--chi", "16", "--no-progress",
                 "--out", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "result.json").read_text())
    exact = ed.steady_state(BoseHubbardRing.minimal(4, 2.0, 1.0, U=5.0, n_max=2, kappa=1.0,
                                                    boundary="open"), truncation=False)
    error, bar = abs(record["current"] - exact.current), record["diagnostics"]["error"]
    assert error <= bar < 0.05  # measured 1.9e-4 against a bar of 2.9e-2 (truncation part)
    assert "bose L=4 (open)" in capsys.readouterr().out


def test_a_run_that_does_not_converge_prints_the_cause_not_a_traceback(tmp_path, capsys):
    """Issue 12: a non-converging ``mpo steady`` printed a raw traceback; now exit status 1
    and one line naming the limit that was hit."""
    code, err = run(["mpo", "steady", "--model", "ring", "--L", "4", "--t-max", "0.5",
                     "--no-progress", "--out", str(tmp_path)], capsys)
    assert code == 1
    assert err.startswith("manybody: error: ") and "t_max=0.5" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("error", "status", "remedy"), [
    (ConvergenceError("not converged: raise t_max"), 1, "--t-max"),
    (DegenerateSteadyStateError("3 steady states"), 1, "several steady states"),
    (SizeError("L=30: needs 240 GB"), 2, "MANYBODY_MEMORY_LIMIT"),
    (np.linalg.LinAlgError("Singular matrix"), 1, None),
    (RuntimeError("solver failed"), 1, None),
    (TypeError("model must be a SpinChain"), 2, None),
])
def test_library_errors_become_messages_with_exit_status(error, status, remedy, monkeypatch,
                                                         capsys):
    """Bad input exits 2, a numerical failure 1; a remedy line where the error class has one."""
    def fail(args):
        raise error

    monkeypatch.setattr(cli, "_tgge", fail)
    code, err = run(TGGE_SMOKE, capsys)
    lines = err.splitlines()
    assert code == status and lines[0] == f"manybody: error: {error}"
    assert (remedy in lines[1]) if remedy else len(lines) == 1


@pytest.mark.parametrize("error", [KeyError("rows"), AttributeError("no attribute 'x'")])
def test_programming_errors_keep_their_traceback(error, monkeypatch):
    def fail(args):
        raise error

    monkeypatch.setattr(cli, "_tgge", fail)
    with pytest.raises(type(error)):
        main(TGGE_SMOKE)


def test_traceback_on_request(monkeypatch):
    def fail(args):
        raise ConvergenceError("x")

    monkeypatch.setattr(cli, "_tgge", fail)
    monkeypatch.setenv("MANYBODY_TRACEBACK", "1")
    with pytest.raises(ConvergenceError):
        main(TGGE_SMOKE)


TGGE_SMOKE = ["tgge", "steady", "--model", "nonreciprocal", "--L", "400", "--gamma-neq", "0.5"]


def test_readme_smoke_command(capsys):
    """The README's first command, unchanged: its current is the library's."""
    from manybody.models import NonreciprocalChain

    assert main(TGGE_SMOKE) == 0
    out = capsys.readouterr().out
    ref = tgge.steady_state(NonreciprocalChain(400, gamma_neq=0.5)).current
    assert f"current I           = {ref:+.12e}" in out


@pytest.mark.parametrize(("argv", "message"), [
    ([*TGGE_SMOKE, "--gamma-neq", "nan"], "argument --gamma-neq: must be finite"),
    ([*TGGE_SMOKE, "--beta", "inf"], "argument --beta: must be finite"),
    ([*TGGE_SMOKE, "--delta", "nan+1j"], "argument --delta: must be finite"),
    ([*TGGE_SMOKE, "--delta", "abc"], "argument --delta: 'abc' is not a complex number"),
    ([*TGGE_SMOKE, "--L", "1.5"], "argument --L: invalid int value"),
    ([*TGGE_SMOKE, "--gamma-neq", "2"], "gamma_neq must lie in [0.0, 1.0]"),
    ([*TGGE_SMOKE, "--L", "-3"], "L must be an integer >= 2"),
    ([*TGGE_SMOKE, "--bogus", "1"], "unrecognized arguments: --bogus"),
    ([*TGGE_SMOKE[:3], "other", *TGGE_SMOKE[4:]], "invalid choice: 'other'"),
    (["tgge", "evolve", *TGGE_SMOKE[2:], "--n-times", "1"], "--n-times must be an integer >= 2"),
    (["tgge", "evolve", *TGGE_SMOKE[2:], "--t-max", "0"], "--t-max must lie in (0.0, inf]"),
    ([*SMALL_MPO, "--model", "ring", "--dt", "nan"], "argument --dt: must be finite"),
    ([*SMALL_MPO, "--model", "ring", "--L", "1"], "L must be an integer >= 2"),
    ([*SMALL_MPO, "--model", "ring", "--chi", "0"], "max_bond"),
    ([*SMALL_MPO, "--model", "ring", "--order", "3"], "invalid choice: 3"),
    ([*SMALL_MPO, "--model", "xx", "--boundary", "periodic"], "--boundary periodic"),
    ([*SMALL_MPO, "--model", "ring", "--out", "/proc/no/such"], "--out /proc/no/such: cannot"),
    (["figure", "--list", "rect-fig2"], "drop the figure name 'rect-fig2'"),
    (["figure", "no-such-figure"], "unknown figure 'no-such-figure'"),
])
def test_bad_values_are_refused_naming_the_option(argv, message, tmp_path, capsys):
    if "--out" not in argv and argv[0] == "mpo":
        argv = [*argv, "--out", str(tmp_path)]
    code, err = run(argv, capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_validate_tgge_refuses_sizes_beyond_every_exact_method(tmp_path, capsys):
    """Issue 12: ``validate-tgge --L 30`` exited 0 after skipping every exact method. The
    limits in the message come from manybody.ed (16 and 20 for model 1 at half filling)."""
    for Ls in (["30"], ["4", "30"]):
        code, err = run(["validate-tgge", "--L", *Ls, "--out", str(tmp_path)], capsys)
        assert code == 2 and "ring size 30 in Ls (--L)" in err
        assert "exact NESS: L <= 16" in err and "exclusion process: L <= 20" in err
        assert "--kmc-L" in err
    code, err = run(["validate-tgge", "--model", "rashba-zeeman", "--L", "12",
                     "--out", str(tmp_path)], capsys)
    assert code == 2 and "exact NESS: L <= 8" in err and "exclusion process: L <= 10" in err
    code, err = run(["validate-tgge", "--L", "4", "--dynamics-L", "18", "--out", str(tmp_path)],
                    capsys)
    assert code == 2 and "ring size 18 in L (--dynamics-L)" in err
    assert not list(tmp_path.iterdir())  # refused before any work


@pytest.mark.parametrize(("extra", "message"), [
    (["--L", "5"], "ring size 5 in Ls (--L): filling=0.5 gives N=2.5"),
    (["--L", "4", "--kmc-sweeps", "10"], "--kmc-sweeps applies to the --kmc-L rings"),
    (["--L", "4", "--kmc-L", "4"], "in both Ls (--L) and kmc_Ls (--kmc-L)"),
    (["--L", "4", "--kmc-L", "31"], "ring size 31 in kmc_Ls (--kmc-L)"),
    (["--L", "4", "--eps", "0"], "eps must lie in"),
    (["--L", "18", "--eps", "0.1"], "--eps applies to the exact NESS, which handles L <= 16"),
    (["--model", "rashba-zeeman", "--L", "4", "--delta", "1.3"],
     "--delta belongs to --model nonreciprocal"),
])
def test_validate_tgge_bad_input_before_work(extra, message, tmp_path, capsys):
    code, err = run(["validate-tgge", *extra, "--out", str(tmp_path)], capsys)
    assert code == 2 and message in err


def test_validate_tgge_mixed_sizes_say_what_they_skip(tmp_path, capsys):
    """L = 18 is past the exact NESS but within the exclusion process: computed with a warning
    naming the skipped methods; its row has the exclusion current and no exact one."""
    code, err = run(["validate-tgge", "--L", "4", "18", "--eps", "0.5", "--out",
                     str(tmp_path)], capsys)
    assert code == 0
    assert "warning: ring size 18 in Ls (--L) is computed without the exact NESS and the " \
           "secular limit" in err
    rows = json.loads((tmp_path / "validate_tgge_nonreciprocal.json").read_text())
    rows = rows["numbers"]["rows"]
    assert "exact" in rows[0] and "exact" not in rows[1] and "exclusion" in rows[1]
    assert "100%" in err.split("validate-tgge")[-1]  # its progress bar ended full


def test_exact_reach_matches_the_sectors_manybody_ed_builds():
    """The reach is the largest L whose sector the ed module accepts (second method: build the
    sectors at L and at the next L with an integer particle number)."""
    from manybody.ed.fock import FockSector
    from manybody.ed.limits import MAX_EXCLUSION_DIM
    from manybody.ed.solver import MAX_SECTOR_DIM
    from manybody.experiments.validation import exact_reach

    for model, bands in (("nonreciprocal", 1), ("rashba-zeeman", 2)):
        reach = exact_reach(model)
        assert (reach["ed"], reach["dynamics"]) == ((16, 16) if bands == 1 else (8, 8))
        for method, limit in (("ed", MAX_SECTOR_DIM), ("secular", MAX_SECTOR_DIM),
                              ("dynamics", MAX_SECTOR_DIM), ("exclusion", MAX_EXCLUSION_DIM)):
            L = reach[method]
            FockSector(L * bands, L * bands // 2, max_dim=limit)
            with pytest.raises(ValueError):
                FockSector((L + 2) * bands, (L + 2) * bands // 2, max_dim=limit)


def test_tgge_evolve_progress_bar_ends_full(capsys):
    code, err = run(["tgge", "evolve", *TGGE_SMOKE[2:5], "20", *TGGE_SMOKE[6:], "--t-max", "2",
                     "--n-times", "5"], capsys)
    assert code == 0 and err.rstrip().endswith("]") and "100%|" in err.split("\r")[-1]


def test_bose_steady_ed_and_gaussian_match_the_library(tmp_path, capsys):
    from manybody import gaussian
    from manybody.models import BoseHubbardRing

    out = tmp_path / "bose.json"
    assert main(["bose", "steady", "--L", "3", "--U", "2.0", "--n-max", "3",
                 "--no-truncation-check", "--out", str(out)]) == 0
    ring = BoseHubbardRing.minimal(3, 2.0, 1.0, U=2.0, n_max=3, kappa=1.0)
    expect = ed.steady_state(ring, truncation=False).current
    assert f"current I^eta per bond = {expect:+.12e}" in capsys.readouterr().out
    assert json.loads(out.read_text())["current"] == pytest.approx(expect, abs=1e-14)
    assert main(["bose", "steady", "--L", "500", "--method", "gaussian", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["current"] == pytest.approx(
        gaussian.steady_state(BoseHubbardRing.minimal(500, 2.0, 1.0, kappa=1.0)).current,
        abs=1e-12)


@pytest.mark.parametrize(("argv", "message"), [
    (["--L", "4", "--n-max", "0"], "n_max must be an integer >= 1, got 0"),
    (["--L", "4", "--U", "-1"], "U must lie in [0.0, inf], got -1.0"),
    (["--L", "4", "--method", "gaussian", "--n-max", "3"], "--n-max apply to --method ed"),
    (["--L", "4", "--method", "gaussian", "--U", "1"], "U"),
    (["--L", "4", "--method", "gaussian", "--kappa", "0"], "no steady state: the drift matrix"),
])
def test_bose_steady_bad_input(argv, message, capsys):
    assert main(["bose", "steady", *argv]) in (1, 2)
    assert message in capsys.readouterr().err
