"""Shared pieces of the fuzz suite (``tests/test_fuzz_*.py``).

A fuzz case is a dict of keyword arguments drawn valid, with at most one of them replaced by
an invalid value (``broken`` names it) or one unknown keyword added. :func:`run_case` calls
the solver and applies the contract of issue 12:

- an invalid draw is refused with ``ValueError``/``TypeError`` whose message names the broken
  parameter (before any work: a loud numerical failure does not count as a refusal);
- a valid draw either answers, and then ``check(result)`` asserts its physical invariants, or
  fails loudly with one of :data:`LOUD` (no convergence, several steady states, too large);
  RuntimeWarnings of numpy (overflow, invalid value) count as failures.

``MANYBODY_FUZZ_TALLY=path`` switches to counting: no assertion stops a test, every outcome is
tallied per solver and written to ``path`` (JSON) at exit, with one reproducer per kind of
failure (used for the table of the issue's closing note).
"""

from __future__ import annotations

import atexit
import json
import math
import os
import re
import tempfile
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from manybody import Result
from manybody.errors import ConvergenceError, DegenerateSteadyStateError
from manybody.wire import SelfConsistencyError

LOUD = (ConvergenceError, DegenerateSteadyStateError, SelfConsistencyError)
NUMPY_WARNING = re.compile(r"overflow|invalid value|divide by zero|underflow")
UNKNOWN_OPTIONS = ("tolerence", "max_iters", "verbose", "Filling")

nan, inf = math.nan, math.inf
EXPLORE = os.environ.get("HYPOTHESIS_PROFILE") == "explore"


def fuzz_settings(max_examples: int) -> settings:
    """``max_examples`` draws without deadline; the derandomized default run skips shrinking
    (a failure prints its full arguments, which reproduce it), ``explore`` draws
    ``MANYBODY_FUZZ_FACTOR`` (default 20) times as many and shrinks."""
    factor = int(os.environ.get("MANYBODY_FUZZ_FACTOR", "20")) if EXPLORE else 1
    phases = list(Phase) if EXPLORE else [p for p in Phase if p not in (Phase.shrink,
                                                                           Phase.explain)]
    return settings(max_examples=max_examples * factor, deadline=None, phases=phases,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# -- invalid values by kind ------------------------------------------------------------------

NOT_A_NUMBER = st.sampled_from(["1.0", "0.5", True, False, [1.0], b"1"])
NON_FINITE = st.sampled_from([nan, inf, -inf])


def bad_real(lo: float = -inf, hi: float = inf, *, open_lo: bool = False,
             open_hi: bool = False) -> st.SearchStrategy:
    """Values a real parameter in [lo, hi] (ends open where asked) must refuse."""
    kinds = [NOT_A_NUMBER, NON_FINITE, st.just(1j), st.none()]
    if math.isfinite(lo):
        kinds.append(st.floats(lo - 100, lo, exclude_max=not open_lo))
    if math.isfinite(hi):
        kinds.append(st.floats(hi, hi + 100, exclude_min=not open_hi))
    return st.one_of(kinds)


def bad_complex() -> st.SearchStrategy:
    """Values a complex parameter must refuse (None is left out: it means "default" where a
    complex parameter has one)."""
    return st.one_of(NOT_A_NUMBER, NON_FINITE, st.just(complex(0, nan)), st.just(complex(inf, 1)))


def bad_int(minimum: int) -> st.SearchStrategy:
    """Values an integer parameter >= minimum must refuse: floats, strings, bools, too small."""
    good = minimum + 1
    return st.one_of(st.sampled_from([str(good), float(good), True, nan, None, good + 0.5]),
                     st.integers(minimum - 50, minimum - 1))


def bad_bool() -> st.SearchStrategy:
    return st.sampled_from([0, 1, "yes", "no", "False", None, 1.0])


def bad_choice(allowed: tuple) -> st.SearchStrategy:
    upper = [a.upper() for a in allowed if isinstance(a, str) and a.upper() != a]
    return st.sampled_from(["nope", "", 1, True, None, *upper])


def bad_times() -> st.SearchStrategy:
    return st.sampled_from([[0.0, 2.0, 1.0], [0.0, nan, 1.0], [0.0], [1.0, 1.0],
                            [0.0, inf], "0 1 2", [[0.0, 1.0]], [0.0, -1.0]])


def fuzz_case(valid: st.SearchStrategy, invalid: dict[str, st.SearchStrategy],
              unknown: bool = True) -> st.SearchStrategy:
    """``(kwargs, broken)``: a valid draw (broken None, half of the cases), or one entry
    replaced by its invalid strategy, or an unknown keyword added."""

    @st.composite
    def draw(draw_):
        kwargs = dict(draw_(valid))
        mode = draw_(st.sampled_from(["valid", "valid", "invalid", "invalid", "invalid"]
                                     + (["unknown"] if unknown else [])))
        if mode == "valid" or not invalid:
            return kwargs, None
        if mode == "unknown":
            name = draw_(st.sampled_from(UNKNOWN_OPTIONS))
            return {**kwargs, name: 1.0}, name
        name = draw_(st.sampled_from(sorted(invalid)))
        return {**kwargs, name: draw_(invalid[name])}, name

    return draw()


@st.composite
def dot_valid(draw) -> dict:
    """Keyword arguments of a valid ``TripleDot``: levels or (tau, phi), beta up to 1000
    (V not all equal: equal potentials have no inelastic rates and are refused, naming V)."""
    V = draw(st.lists(st.floats(0, 2), min_size=3, max_size=3).filter(
        lambda v: max(v) > 0.05 and max(v) - min(v) > 1e-3 * max(v)))
    common = {"V": tuple(V), "beta": draw(st.floats(0.05, 30) | st.sampled_from([100.0, 1000.0])),
              "mass": draw(st.floats(0.1, 5)), "density": draw(st.floats(0.1, 5))}
    if draw(st.booleans()):
        e = draw(st.lists(st.floats(-2, 2), min_size=3, max_size=3).filter(
            lambda e: min(abs(e[0] - e[1]), abs(e[1] - e[2]), abs(e[0] - e[2])) > 0.02))
        return {**common, "levels": tuple(e)}
    phi = draw(st.floats(0, 1).filter(lambda p: abs(p * 6 - round(p * 6)) > 0.05))
    return {**common, "tau": draw(st.floats(0.05, 1) | st.floats(-1, -0.05)), "phi": phi}


# -- the contract ---------------------------------------------------------------------------

TALLY_PATH = os.environ.get("MANYBODY_FUZZ_TALLY")
TALLY: dict[str, Counter] = defaultdict(Counter)
EXAMPLES: dict[str, dict[str, str]] = defaultdict(dict)


class FuzzFailure(AssertionError):
    """A broken contract (the message says which, with the arguments)."""


def _fail(solver: str, kind: str, message: str) -> None:
    TALLY[solver][kind] += 1
    EXAMPLES[solver].setdefault(kind, message)
    if not TALLY_PATH:
        raise FuzzFailure(f"{solver}: {message}")


def _names(message: str, names: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", message) for n in names)


def run_case(solver: str, call: Callable, kwargs: dict, broken: str | None,
             check: Callable[[object, dict, list], None],
             aliases: tuple[str, ...] = ()) -> None:
    """Call ``call(**kwargs)`` and check the contract above; ``check(result, kwargs,
    warnings)`` gets the warning classes raised. ``aliases``: other words that name the broken
    parameter (e.g. the expected class of a model argument)."""
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    draw = "valid" if broken is None else "invalid"
    TALLY[solver][draw] += 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call(**kwargs)
        except (ValueError, TypeError) as e:
            if broken is None:
                return _fail(solver, "valid refused", f"({args}) refused: {type(e).__name__}: {e}")
            if not _names(str(e), (broken, *aliases)):
                return _fail(solver, "message does not name the parameter",
                             f"({args}): {type(e).__name__}: {e!s:.300} -- does not name {broken}")
            TALLY[solver]["refused"] += 1
            return None
        except LOUD as e:
            if broken is not None:
                return _fail(solver, "invalid not refused",
                             f"({args}): {broken} not refused, {type(e).__name__} after work: {e}")
            TALLY[solver]["loud failure"] += 1
            return None
        except Exception as e:  # noqa: BLE001 - anything else breaks the contract
            return _fail(solver, f"{type(e).__name__}",
                         f"({args}) raised {type(e).__name__}: {e!s:.300}")
    if broken is not None:
        return _fail(solver, "invalid accepted", f"({args}): {broken} accepted")
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)
               and NUMPY_WARNING.search(str(w.message))]
    if numeric:
        return _fail(solver, "numpy warning", f"({args}): {numeric[0].message}")
    try:
        check(result, kwargs, [w.category for w in caught])
    except AssertionError as e:
        return _fail(solver, "invariant", f"({args}): {e}")
    except Exception as e:  # noqa: BLE001 - e.g. a field missing from the Result
        return _fail(solver, "check crashed", f"({args}): {type(e).__name__}: {e!s:.300}")
    TALLY[solver]["answered"] += 1
    return None


@atexit.register
def _write_tally() -> None:
    if TALLY_PATH and TALLY:
        old = json.loads(Path(TALLY_PATH).read_text()) if Path(TALLY_PATH).exists() else {}
        for solver, counts in TALLY.items():
            entry = old.setdefault(solver, {"counts": {}, "examples": {}})
            for k, v in counts.items():
                entry["counts"][k] = entry["counts"].get(k, 0) + v
            for k, v in EXAMPLES[solver].items():
                entry["examples"].setdefault(k, v)
        Path(TALLY_PATH).write_text(json.dumps(old, indent=1))


# -- invariants -----------------------------------------------------------------------------

def finite(name: str, x) -> np.ndarray:
    a = np.asarray(x, dtype=complex if np.iscomplexobj(x) else float)
    assert np.all(np.isfinite(a)), f"{name} is not finite: {a}"
    return a


def in_unit_interval(name: str, x, tol: float = 1e-9) -> None:
    a = finite(name, x)
    assert a.min() >= -tol and a.max() <= 1 + tol, f"{name} outside [0, 1]: {a.min()}, {a.max()}"


def density_matrix(name: str, rho: np.ndarray, tol: float = 1e-8) -> None:
    """Trace 1, Hermitian, positive semidefinite (to ``tol``)."""
    rho = finite(name, rho)
    assert abs(np.trace(rho) - 1) < tol, f"{name}: trace {np.trace(rho)}"
    assert np.abs(rho - rho.conj().T).max() < tol, f"{name}: not Hermitian"
    ev = np.linalg.eigvalsh(0.5 * (rho + rho.conj().T))
    assert ev.min() > -tol, f"{name}: negative eigenvalue {ev.min()}"


def bounded(name: str, value, bound: float, tol: float = 1e-9) -> None:
    v = finite(name, value)
    assert np.abs(v).max() <= bound * (1 + tol) + tol, f"|{name}| = {np.abs(v).max()} > {bound}"


def round_trip(result: Result) -> None:
    """``Result.save`` then ``Result.load`` gives back the numbers."""
    with tempfile.TemporaryDirectory() as d:
        back = Result.load(result.save(Path(d) / "r.json"))
    for field in ("current", "occupations"):
        a, b = getattr(result, field), getattr(back, field)
        if a is not None:
            np.testing.assert_allclose(np.asarray(b, dtype=float), np.asarray(a, dtype=float),
                                       rtol=1e-12, atol=0, err_msg=f"save/load changed {field}")
    assert back.method == result.method and back.kind == result.kind
