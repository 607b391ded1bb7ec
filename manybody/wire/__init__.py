"""Wire with sources and drains in the bulk: classical master equation and quantum
Green's-function solvers, and the paper's closed forms (:mod:`manybody.wire.analytic`)."""

from . import analytic
from .classical import circuit_steady_state, classical_nonreciprocity, classical_steady_state
from .quantum import (
    SelfConsistencyError,
    green_function,
    quantum_nonreciprocity,
    quantum_steady_state,
    surface_green,
    transmissions,
)

__all__ = ["SelfConsistencyError", "analytic", "circuit_steady_state", "classical_nonreciprocity",
           "classical_steady_state", "green_function", "quantum_nonreciprocity",
           "quantum_steady_state", "surface_green", "transmissions"]
