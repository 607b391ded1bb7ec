"""Model descriptions: one place where each system's physics is written down.

A model is data, not a solver: it validates its parameters and offers the
representations the methods need (single-particle modes and rates for tGGE, sparse
many-body operators and local terms for spin chains, contact potentials, wires).
"""

from .base import FreeFermionRing, Modes, Rates
from .bose_ring import BoseHubbardRing
from .rectification import NonreciprocalChain, RashbaZeemanChain
from .spin import ProductChain, SpinChain
from .spin_ring import MetelmannClerkRing
from .term_chain import TermChain
from .triple_dot import TripleDot
from .wire import ClassicalWire, QuantumWire, ResistiveWire
from .xx_chain import BoundaryDrivenXX

__all__ = ["BoseHubbardRing", "BoundaryDrivenXX", "ClassicalWire", "FreeFermionRing",
           "MetelmannClerkRing", "Modes", "NonreciprocalChain", "ProductChain", "QuantumWire",
           "RashbaZeemanChain", "Rates", "ResistiveWire", "SpinChain", "TermChain",
           "TripleDot"]
