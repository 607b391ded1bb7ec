"""tGGE rate equations for weakly open free-fermion rings (rectification paper, Eqs. 4-24).

>>> from manybody.models import NonreciprocalChain
>>> from manybody import tgge
>>> r = tgge.steady_state(NonreciprocalChain(400, gamma_neq=0.5))
>>> round(r.current, 6) != 0
True
"""

from .canonical import canonical_occupations
from .kernels import RateEquation, rhs_dense, rhs_factorized, rhs_numpy
from .solver import (
    ConvergenceError,
    DegenerateSteadyStateWarning,
    evolve,
    gibbs_occupations,
    rate_components,
    steady_state,
)

__all__ = [
    "canonical_occupations",
    "ConvergenceError",
    "DegenerateSteadyStateWarning",
    "RateEquation",
    "evolve",
    "gibbs_occupations",
    "rate_components",
    "rhs_dense",
    "rhs_factorized",
    "rhs_numpy",
    "steady_state",
]
