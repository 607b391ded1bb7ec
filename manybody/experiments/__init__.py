"""Paper reproductions: each figure is one function writing a PNG and a JSON.

``FIGURES`` maps the names used by ``manybody figure NAME --out DIR`` to the functions.
"""

from __future__ import annotations

from . import rectification, spin_ring, spin_ring_claims, triple_dot, wire
from ._output import Check

FIGURES = {
    "rect-fig2": rectification.fig2,
    "rect-fig3": rectification.fig3,
    "rect-fig5": rectification.fig5,
    "rect-fig6": rectification.fig6,
    "dot-fig1": triple_dot.fig1,
    "wire-fig2": wire.fig2,
    "wire-fig3": wire.fig3,
    "wire-fig4": wire.fig4,
    "ring-fig2": spin_ring.fig2,
    "ring-fig3": spin_ring.fig3,
    "ring-fig4": spin_ring.fig4,
    "ring-fig5": spin_ring.fig5,
    "ring-fig5-chain": spin_ring.fig5_chain,
    "ring-fig5-extended": spin_ring.fig5_extended,
    "ring-fig6": spin_ring.fig6,
    "ring-fig7": spin_ring.fig7,
    "ring-decay": spin_ring_claims.ring_decay,
    "ring-nnn": spin_ring_claims.ring_nnn,
    "ring-gauge": spin_ring_claims.ring_gauge,
}

__all__ = ["FIGURES", "Check"]
