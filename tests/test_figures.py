"""Every reproduction command writes a PNG and a JSON with provenance and its numbers."""

import inspect
import json
import time
import warnings

import pytest

from manybody.cli import main
from manybody.experiments import FIGURES


@pytest.mark.parametrize(("name", "L"), [("rect-fig2", 20)])
def test_figure_writes_png_and_json(name, L, tmp_path):
    assert main(["figure", name, "--out", str(tmp_path), "--L", str(L)]) == 0
    stem = name.replace("-", "_")
    assert (tmp_path / f"{stem}.png").stat().st_size > 10_000
    record = json.loads((tmp_path / f"{stem}.json").read_text())
    assert record["parameters"]["L"] == L
    assert record["provenance"]["git_commit"]
    assert record["numbers"]


RECT_SMALL = {  # rectification figures at small sizes (slow ones: plotting 2x3 panels)
    "rect-fig2": {"L": 40}, "rect-fig3": {"L": 40}, "dot-fig1": {"points": 20},
    "rect-dynamics-model2": {"L": 20, "t_max": 600.0}, "rect-fig5": {"L": 40},
    "rect-fig4": {}, "rect-fig6": {"L": 40}, "rect-fig5-peak": {"L": 40, "hs": (0.5, 1.0, 2.0)},
}
RECT_SLOW = ("rect-fig4", "rect-fig6", "rect-fig5-peak")


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in RECT_SLOW
                                  else n for n in RECT_SMALL])
def test_rectification_figures_pass_their_checks(name, tmp_path):
    """Every check a figure records passes; the occupation panels of Figs. 5(c) and 6(b) are
    at the captions' gamma_neq = 0.91."""
    result = FIGURES[name](tmp_path, **RECT_SMALL[name])
    record = json.loads(open(result["json"]).read())
    assert record["claim"] and record["checks"] and "deviations" in record
    failed = [c for c in record["checks"] if not c["passed"]]
    assert not failed, failed
    if "ness_gamma_neq" in record["numbers"]:
        assert record["numbers"]["ness_gamma_neq"] == 0.91


def test_fig5_peak_refuses_bad_fields_before_work(tmp_path):
    with pytest.raises(ValueError, match="hs must be at least two increasing fields > 0"):
        FIGURES["rect-fig5-peak"](tmp_path, hs=(1.0, 0.5))
    with pytest.raises(ValueError, match="hs must be at least two increasing fields > 0"):
        FIGURES["rect-fig5-peak"](tmp_path, hs=(0.0, 1.0))


def test_fig2_reaches_the_gibbs_state(tmp_path):
    FIGURES["rect-fig2"](tmp_path, L=40, t_max=600.0)
    record = json.loads((tmp_path / "rect_fig2.json").read_text())
    assert record["numbers"]["max_deviation_from_gibbs_at_t_max"] < 1e-6
    # half filling, mu = 0: the Gibbs value at q = -pi is beta * (2J) = 4
    assert record["numbers"]["gibbs_q=-1.0pi"] == pytest.approx(4.0, abs=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_full_size_figures(name, tmp_path):
    FIGURES[name](tmp_path)


def _takes_L(name):
    return "L" in inspect.signature(FIGURES[name]).parameters


@pytest.mark.parametrize("name", [n for n in FIGURES if not _takes_L(n)])
def test_figures_without_a_ring_size_refuse_L(name, tmp_path, capsys):
    """Issue 12: ``figure dot-fig1 --L 7`` crashed with a TypeError."""
    assert main(["figure", name, "--L", "7", "--out", str(tmp_path)]) == 2
    assert f"figure {name} takes no --L" in capsys.readouterr().err


BAD_L = {  # a refused --L of every figure that takes one, and the message
    "rect-fig2": ("35", "L must be a multiple of 10"), "rect-fig3": ("7", "L must be an integer"),
    "rect-fig5": ("1", "L must be an integer >= 2"), "rect-fig6": ("0", "L must be an integer"),
    "rect-fig5-peak": ("1", "L must be an integer >= 2"),
    "rect-dynamics-model2": ("35", "L must be a multiple of 10"),
    "ring-fig2": ("1", "L must be an integer >= 2"), "ring-fig4": ("0", "L must be an integer"),
    "ring-fig5": ("2", "L must be an integer >= 3"),
    "ring-fig5-chain": ("3", "L must be an integer >= 4"),
    "ring-fig5-extended": ("2", "L must be an integer >= 3"),
    "ring-fig6": ("1", "L must be an integer >= 2"),
    "ring-fig7": ("40", "L=40: the dense ground state of Eq. (B1) needs about"),
    "ring-decay": ("3", "L must be an integer >= 4"),
    "ring-nnn": ("5", "L must be an integer >= 6"),
    "ring-gauge": ("5", "L must be an integer >= 6"),
}


def test_every_figure_with_L_is_checked():
    assert set(BAD_L) == {n for n in FIGURES if _takes_L(n)}


@pytest.mark.parametrize("name", sorted(BAD_L))
def test_figures_validate_L_before_work(name, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MANYBODY_MEMORY_LIMIT", "1GB")
    L, message = BAD_L[name]
    t0 = time.perf_counter()
    assert main(["figure", name, "--L", L, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert time.perf_counter() - t0 < 2.0  # refused, not computed


def test_ring_fig5_computes_the_largest_ring_first(tmp_path, monkeypatch, capsys):
    """A size the exact solver refuses is refused before the smaller rings are computed."""
    from manybody.errors import SizeError
    from manybody.experiments import spin_ring

    asked = []

    def steady_state(model):
        asked.append(model.L)
        raise SizeError(f"L={model.L}: too large")

    monkeypatch.setattr(spin_ring.ed, "steady_state", steady_state)
    assert main(["figure", "ring-fig5", "--L", "8", "--out", str(tmp_path)]) == 2
    assert asked == [8] and "L=8: too large" in capsys.readouterr().err


def test_validate_tgge_plots_without_warnings(tmp_path):
    """Panels without curves (no L >= 10 here) get no legend, hence no matplotlib warning."""
    from manybody.experiments.validation import validate_tgge

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = validate_tgge(tmp_path, Ls=(4,), epsilons=(0.5,), progress=False)
    assert result["rows"][0]["exact"]
    assert result["checks"] and all(c["passed"] for c in result["checks"])


def test_validate_dynamics_records_passing_checks(tmp_path):
    from manybody.experiments.validation import validate_dynamics

    result = validate_dynamics(tmp_path, "nonreciprocal", L=4, t_max=100.0)
    record = json.loads(open(result["json"]).read())
    assert record["claim"] and len(record["checks"]) == 3
    assert all(c["passed"] for c in record["checks"]), record["checks"]
