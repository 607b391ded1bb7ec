"""Checks at the boundary of the public API, shared by every model, solver and the CLI.

Every failure is a ``ValueError`` (``TypeError`` for a wrong model class) whose message names
the parameter and the allowed values. Numbers given as strings, booleans given as numbers,
NaN and infinities are refused. :func:`memory_guard` refuses a size before allocating it.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Callable, Iterable

import numpy as np

from .errors import SizeError


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


def output_times(times: object, name: str = "times") -> np.ndarray:
    """Return ``times`` as a 1-d strictly increasing float array of >= 2 finite numbers
    (entries checked by :func:`real_array`: no strings, booleans, NaN or infinities)."""
    t = real_array(name, times)
    if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0):
        raise ValueError(f"{name} must be a 1-d increasing array of at least two numbers, "
                         f"got {times!r}")
    return t


def boolean(name: str, value: object) -> bool:
    """Return ``value`` if it is a bool (numpy bools included); strings and numbers are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def choice(name: str, value: object, allowed: Iterable) -> object:
    """Return ``value`` if it is one of ``allowed``, else name the parameter and the choices."""
    allowed = tuple(allowed)
    if isinstance(value, bool) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def instance(name: str, value: object, types: type | tuple[type, ...]) -> object:
    """Return ``value`` if it is an instance of ``types``, else a TypeError naming them."""
    if not isinstance(value, types):
        names = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        raise TypeError(f"{name} must be a {names}, got {type(value).__name__}")
    return value


_UNITS = {"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def available_memory() -> float:
    """Bytes a solver may use: ``MANYBODY_MEMORY_LIMIT`` if set, else MemAvailable.

    ``MANYBODY_MEMORY_LIMIT`` takes bytes or a number with a unit ("8GB", "512MiB").
    """
    env = os.environ.get("MANYBODY_MEMORY_LIMIT")
    if env:
        m = re.fullmatch(r"\s*([0-9.eE+]+)\s*([A-Za-z]*)\s*", env)
        if m is None or m.group(2).upper() not in _UNITS:
            raise ValueError(f"MANYBODY_MEMORY_LIMIT must be bytes or a number with a unit "
                             f"(B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), got {env!r}")
        return float(m.group(1)) * _UNITS[m.group(2).upper()]
    available = proc_bytes("/proc/meminfo", "MemAvailable")
    if available is not None:
        return float(available)
    return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))


def proc_bytes(path: str, key: str) -> int | None:
    """A ``key: N kB`` field of a Linux /proc file (``/proc/meminfo``, ``/proc/self/status``)
    in bytes, or None where the file or the field does not exist."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _bytes(x: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if x >= size:
            return f"{x / size:.3g} {unit}"
    return f"{x:.0f} B"


def memory_guard(what: str, parameter: str, value: int, estimate: Callable[[int], float], *,
                 minimum: int = 1, fraction: float = 0.8) -> None:
    """Refuse ``parameter=value`` if ``estimate(value)`` bytes exceed ``fraction`` of the
    available memory (:func:`available_memory`), before anything is allocated.

    ``estimate`` must be non-decreasing in the size; the message names the parameter, the
    estimate, the memory available and the largest value >= ``minimum`` that fits (found by
    bisection), e.g. ``SizeError: L=30: the spin ED needs about 2.4e+20 B ...``.
    """
    limit = fraction * available_memory()
    need = float(estimate(value))
    if need <= limit:
        return
    lo, hi = minimum, value  # estimate(hi) > limit
    if estimate(lo) > limit:
        fits = f"even {parameter}={minimum} does not fit"
    else:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if estimate(mid) <= limit else (lo, mid)
        fits = f"the largest {parameter} that fits is {lo}"
    raise SizeError(f"{parameter}={value}: {what} needs about {_bytes(need)} of memory, more "
                    f"than the {_bytes(limit)} available ({fraction:.0%} of free memory; "
                    f"MANYBODY_MEMORY_LIMIT overrides it); {fits}")


def real_array(name: str, value: object, lo: float = -math.inf, hi: float = math.inf, *,
               shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``value`` as a float array of finite entries in [lo, hi] (of ``shape`` if given).

    Strings, booleans and other non-numbers among the entries are refused (``np.asarray``
    alone would turn ``"1"`` and ``True`` into 1.0).
    """
    if isinstance(value, np.ndarray):
        ok = value.dtype.kind in "iuf"
    else:
        entries = np.asarray(value, dtype=object).ravel()
        ok = all(isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))
                 for x in entries)
    if not ok:
        raise ValueError(f"{name} must contain real numbers only (no strings, booleans or "
                         f"nested sequences of different lengths), got {value!r}")
    arr = np.asarray(value, dtype=float)
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if np.any(arr < lo) or np.any(arr > hi):
        raise ValueError(f"{name} must lie in [{lo}, {hi}], got {value!r}")
    return arr
