"""The exceptions and warnings every solver raises, in one place.

Each class's docstring says what went wrong and what to do about it. A solver that cannot
trust its own answer raises or warns with one of these; it never returns a silently wrong
number.
"""

from __future__ import annotations


class ConvergenceError(RuntimeError):
    """A solver did not reach the requested tolerance.

    The message gives the residual or change reached and the option to change (a looser
    ``tol``, a longer ``t_max``, a larger ``max_bond``, more iterations), or points at a
    degenerate model.
    """


class DegenerateSteadyStateWarning(UserWarning):
    """The steady state is not unique; the returned one depends on the initial state.

    tGGE: the rate graph splits into disconnected parts, each keeping the particle number of
    the initial state (pass ``initial`` to choose it). Exact methods raise
    :class:`DegenerateSteadyStateError` instead, since they have no initial state to follow.
    """


class TruncationWarning(UserWarning):
    """A truncated model (bosons at most n_max per site) changes by more than the stated
    tolerance at the next truncation, or that change could not be measured: the result is
    not converged in n_max."""


class DegenerateSteadyStateError(RuntimeError):
    """The Liouvillian has more than one steady state, so "the" steady state is undefined.

    Change the parameters so that a single steady state exists (e.g. add a decay rate), or
    evolve from a chosen initial state with ``evolve`` and report that state's limit.
    """


class SizeError(ValueError):
    """The requested size does not fit in this machine's memory (or the solver's limit).

    Raised before any large allocation. The message names the parameter, the estimated peak
    memory and the largest value that fits; the environment variable
    ``MANYBODY_MEMORY_LIMIT`` (bytes, or with a unit: ``"8GB"``) overrides the memory
    considered available.
    """


class QuadratureWarning(UserWarning):
    """A quadrature error estimate (the same integral with half the nodes) exceeds the
    requested tolerance, so the returned numbers may be less accurate than their residual
    suggests. Pass a larger ``nodes`` (the cost is linear in it).
    """


class UnphysicalStateError(RuntimeError):
    """A solver's density matrix fails a physical check (trace 1, hermiticity, positivity of
    the reduced states or occupations in [0, 1]) beyond its tolerance.

    The message gives the violated check and its numbers. It signals a numerical failure or a
    singular system (e.g. several steady states), not a property of the physics; tighten the
    solver tolerance or change the parameters.
    """


class UnstableDynamicsError(ValueError):
    """A linear (Gaussian) dynamics has a mode that does not decay, so there is no steady
    state: gain (e.g. the beta, delta terms of a jump) at least matches loss.

    The message gives the drift matrix's largest real part and the gain and loss rates;
    lower the gain or add loss (a local decay kappa).
    """
