"""Paper reproductions: each figure is one function writing a PNG and a JSON.

``FIGURES`` maps the names used by ``manybody figure NAME --out DIR`` to the functions.
"""

from __future__ import annotations

from . import rectification

FIGURES = {
    "rect-fig2": rectification.fig2,
    "rect-fig3": rectification.fig3,
    "rect-fig5": rectification.fig5,
    "rect-fig6": rectification.fig6,
}

__all__ = ["FIGURES"]
