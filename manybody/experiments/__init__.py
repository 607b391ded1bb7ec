"""Paper reproductions: each figure is one function writing a PNG and a JSON.

``FIGURES`` maps the names used by ``manybody figure NAME --out DIR`` to the functions.
"""

from __future__ import annotations

from . import (
    barrier,
    bose_ring,
    rectification,
    rectification_model2,
    spin_ring,
    spin_ring_claims,
    triple_dot,
    wire,
    wire_contacts,
    wire_response,
)
from ._output import Check

FIGURES = {
    "rect-fig2": rectification.fig2,
    "rect-fig3": rectification.fig3,
    "rect-fig4": rectification_model2.fig4,
    "rect-fig5": rectification_model2.fig5,
    "rect-fig5-peak": rectification_model2.fig5_peak,
    "rect-fig6": rectification_model2.fig6,
    "rect-dynamics-model2": rectification_model2.dynamics,
    "dot-fig1": triple_dot.fig1,
    "wire-fig2": wire.fig2,
    "wire-fig3": wire.fig3,
    "wire-fig4": wire.fig4,
    "wire-fig5": wire_response.fig5,
    "wire-fig6": wire_response.fig6,
    "wire-fig7": wire_response.fig7,
    "wire-joule": wire_response.joule,
    "wire-temperature": wire_response.temperature,
    "wire-fig8": wire_contacts.fig8,
    "wire-fig9": wire_contacts.fig9,
    "wire-fig10": wire_contacts.fig10,
    "wire-classical": wire_contacts.classical,
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
    "bose-finite-u": bose_ring.finite_u,
    "fermion-barrier": barrier.fermion_barrier,
}

__all__ = ["FIGURES", "Check"]
