"""Exact diagonalization of the Lindblad equation of the fermion rings (QuTiP)."""

from .fock import FockSector
from .kmc import kmc_steady_state
from .limits import exclusion_steady_state, secular_steady_state
from .solver import (
                     dissipative_current_operators,
                     evolve,
                     liouvillian,
                     particle_number,
                     steady_state,
)

__all__ = ["FockSector", "dissipative_current_operators", "evolve", "exclusion_steady_state",
           "kmc_steady_state", "liouvillian", "particle_number", "secular_steady_state",
           "steady_state"]
