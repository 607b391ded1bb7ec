"""Exact diagonalization of the Lindblad equation of the fermion rings (QuTiP)."""

from .fock import FockSector
from .solver import liouvillian, particle_number, steady_state

__all__ = ["FockSector", "liouvillian", "particle_number", "steady_state"]
