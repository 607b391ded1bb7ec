"""Parameter checks shared by all models: every failure names the parameter and its range."""

from __future__ import annotations

import math
import numbers

import numpy as np


def integer(name: str, value: object, minimum: int) -> int:
    """Return ``value`` as an int, or raise ``ValueError`` unless it is an integer >= minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def real(
    name: str,
    value: object,
    lo: float = -math.inf,
    hi: float = math.inf,
    *,
    open_lo: bool = False,
    open_hi: bool = False,
) -> float:
    """Return ``value`` as a finite float inside [lo, hi] (ends open where asked)."""
    lb, rb = ("(" if open_lo else "["), (")" if open_hi else "]")
    interval = f"{lb}{lo}, {hi}{rb}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number in {interval}, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if x < lo or x > hi or (open_lo and x == lo) or (open_hi and x == hi):
        raise ValueError(f"{name} must lie in {interval}, got {x}")
    return x


def complex_number(name: str, value: object) -> complex:
    """Return ``value`` as a finite complex number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Complex):
        raise ValueError(f"{name} must be a complex number, got {value!r}")
    z = complex(value)
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return z


def output_times(times: object) -> np.ndarray:
    """Return ``times`` as a 1-d strictly increasing float array with at least two entries."""
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0) or not np.all(np.isfinite(t)):
        raise ValueError("times must be a 1-d increasing array with at least two entries")
    return t
