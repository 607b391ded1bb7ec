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
