"""Writing a reproduced figure: a PNG and a JSON with parameters, provenance, numbers, the
caption's claim and the checks the figure asserts.

A :class:`Check` is one number the figure claims, set beside the value it must reproduce
(the paper's number, a closed formula, or a second method) with a stated absolute tolerance.
``manybody figure --all`` collects every figure's checks into one table and the gallery
(``data/figures/README.md``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..provenance import provenance  # noqa: E402
from ..result import _jsonable  # noqa: E402


@dataclass(frozen=True)
class Check:
    r"""One assertion of a figure: :math:`|\mathrm{ours} - \mathrm{expected}| \le \mathrm{tol}`.

    Parameters
    ----------
    claim : str
        What is asserted, in one line (e.g. "zero of Delta j at N - 3 = lambda_F/2").
    expected : float
        The reference value.
    ours : float
        The value this figure computed.
    tol : float
        Absolute tolerance, >= 0.
    source : str
        Where ``expected`` comes from: ``"paper"`` (a number read off the paper's text or
        figure), an equation (``"Eq. (22)"``), or a second method (``"ED"``, ``"tGGE"``).
    """

    claim: str
    expected: float
    ours: float
    tol: float
    source: str = "paper"

    def __post_init__(self) -> None:
        for name in ("expected", "ours", "tol"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.floating,
                                                                 np.integer)):
                raise TypeError(f"Check.{name} must be a real number, got {value!r}")
            object.__setattr__(self, name, float(value))
        if not (self.tol >= 0 and math.isfinite(self.tol)):
            raise ValueError(f"Check.tol must be a finite number >= 0, got {self.tol!r}")

    @property
    def passed(self) -> bool:
        """True when ``ours`` is finite and within ``tol`` of ``expected``."""
        return math.isfinite(self.ours) and abs(self.ours - self.expected) <= self.tol

    def to_dict(self) -> dict:
        return asdict(self) | {"passed": self.passed}


def pi_ticks(axis, lo: Fraction, hi: Fraction, step: Fraction) -> None:
    r"""Ticks at multiples of :math:`\pi` from ``lo`` to ``hi`` (in units of :math:`\pi`)."""
    ticks, labels = [], []
    f = Fraction(lo)
    while f <= hi:
        num = "" if abs(f.numerator) == 1 else str(abs(f.numerator))
        body = rf"{num}\pi" if f.denominator == 1 else rf"{num}\pi/{f.denominator}"
        labels.append("$0$" if f == 0 else f"${'-' if f < 0 else ''}{body}$")
        ticks.append(float(f) * np.pi)
        f += step
    axis.set_ticks(ticks, labels)


def write_figure(fig, out: str | Path, name: str, parameters: dict, numbers: dict, *,
                 claim: str, checks: Sequence[Check], deviations: str) -> dict:
    """Save ``fig`` as ``out/name.png`` and the record as ``out/name.json``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Closed after saving.
    out : path
        Output folder (created).
    name : str
        File stem, e.g. ``"wire_fig5"``.
    parameters, numbers : dict
        The figure's parameters (the paper's) and the plotted numbers.
    claim : str
        The caption's (or text's) claim in one line, for the gallery (required, like
        ``checks`` and ``deviations``: every figure says what it shows and asserts).
    checks : sequence of Check
        The numbers the figure asserts; a failed check is recorded, not raised (the
        ``figure`` command reports it and exits 1).
    deviations : str
        Where and why the figure departs from the paper (parameters, conventions, misprints);
        "" if it does not.

    Returns
    -------
    dict
        ``{"png": path, "json": path, "checks": [dict, ...]}``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    png, js = out / f"{name}.png", out / f"{name}.json"
    fig.savefig(png, dpi=130, bbox_inches="tight")
    plt.close(fig)
    checks = [c.to_dict() for c in checks]
    record = {"figure": name, "claim": claim, "deviations": deviations, "checks": checks,
              "parameters": parameters, "provenance": provenance(), "numbers": numbers}
    js.write_text(json.dumps(_jsonable(record), indent=1))
    return {"png": str(png), "json": str(js), "checks": checks}
