"""Every reproduction command writes a PNG and a JSON with provenance and its numbers."""

import json

import numpy as np
import pytest

from manybody.cli import main
from manybody.experiments import FIGURES


@pytest.mark.parametrize(("name", "L"), [("rect-fig2", 20), ("rect-fig3", 20),
                                         ("rect-fig5", 40), ("rect-fig6", 40)])
def test_figure_writes_png_and_json(name, L, tmp_path):
    assert main(["figure", name, "--out", str(tmp_path), "--L", str(L)]) == 0
    stem = name.replace("-", "_")
    assert (tmp_path / f"{stem}.png").stat().st_size > 10_000
    record = json.loads((tmp_path / f"{stem}.json").read_text())
    assert record["parameters"]["L"] == L
    assert record["provenance"]["git_commit"]
    assert record["numbers"]


def test_fig2_reaches_the_gibbs_state(tmp_path):
    FIGURES["rect-fig2"](tmp_path, L=40, t_max=600.0)
    record = json.loads((tmp_path / "rect_fig2.json").read_text())
    assert record["numbers"]["max_deviation_from_gibbs_at_t_max"] < 1e-6
    # half filling, mu = 0: the Gibbs value at q = -pi is beta * (2J) = 4
    assert record["numbers"]["gibbs_q=-1.0pi"] == pytest.approx(4.0, abs=1e-10)


def test_fig3_current_starts_at_zero_and_grows(tmp_path):
    FIGURES["rect-fig3"](tmp_path, L=40)
    numbers = json.loads((tmp_path / "rect_fig3.json").read_text())["numbers"]
    current = np.array(numbers["current"])
    assert abs(current[0]) < 1e-15 and np.all(np.diff(current) > 0)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_full_size_figures(name, tmp_path):
    FIGURES[name](tmp_path)
