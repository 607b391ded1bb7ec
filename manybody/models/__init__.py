"""Model descriptions: one place where each system's physics is written down.

A model is data, not a solver: it validates its parameters and offers the
representations the methods need (single-particle modes and rates for tGGE).
"""

from .base import FreeFermionRing, Modes, Rates
from .rectification import NonreciprocalChain, RashbaZeemanChain
from .spin import SpinChain
from .spin_ring import MetelmannClerkRing

__all__ = ["FreeFermionRing", "MetelmannClerkRing", "Modes", "NonreciprocalChain",
           "RashbaZeemanChain", "Rates", "SpinChain"]
