r"""The sweep configuration: a model, one or more methods, fixed parameters and axes.

A config is a TOML file (or the same as a dictionary)::

    description = "Metelmann-Clerk ring: current against (alpha, delta)"   # optional
    model = "MetelmannClerkRing.minimal"   # a class of manybody.models, or Class.constructor
    method = "ed"                          # or a list ["ed", "cmf"]: a dimension "solver"

    [parameters]        # fixed arguments of the model constructor
    L = 6

    [axes]              # one grid dimension per entry
    alpha = [0.5, 1.0, 2.0]                        # a list
    delta = {start = 0.5, stop = 2.0, num = 4}     # a range: numpy.linspace (log = true: geomspace)

    [zip.size]          # parameters that move together: one dimension named "size"
    L = [4, 6, 8]
    max_bond = [8, 16, 32]

    [options]           # keyword options of every method's solver (e.g. filling = 0.5)
    [options.mpo]       # options of one method only
    tol = 1e-6

A name in ``axes`` or ``zip`` is a model parameter if the constructor takes it, else a solver
option (then every method must take it: a convergence sweep over ``max_bond``). Complex numbers
are written as strings, ``alpha = "1+0.5j"``. Range values are rounded to 14 significant
digits, so that ``0.1 + 0.2`` and ``0.3`` name the same point.

Every point is the solver call ``METHODS[method](model, **options)`` on the public API, which
returns a :class:`manybody.Result`. :func:`load` checks everything before any work: unknown
keys (naming the allowed ones), models, methods and their compatibility, options the solvers
do not take, a name both fixed and swept, and it constructs every point's model, so that an
invalid value is reported with its point.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import itertools
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import models
from ..result import _jsonable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# method: {model base class: "module:function"}; the first base class the model derives from
METHODS: dict[str, dict[str, str]] = {
    "tgge": {"FreeFermionRing": "manybody.tgge:steady_state"},
    "ed": {"FreeFermionRing": "manybody.ed:steady_state",
           "ProductChain": "manybody.ed:steady_state"},
    "secular": {"FreeFermionRing": "manybody.ed:secular_steady_state"},
    "exclusion": {"FreeFermionRing": "manybody.ed:exclusion_steady_state"},
    "kmc": {"FreeFermionRing": "manybody.ed:kmc_steady_state"},
    "cmf": {"SpinChain": "manybody.cmf:steady_state"},
    "mpo": {"ProductChain": "mpo:steady_state"},
    "mpo-variational": {"ProductChain": "mpo:variational_steady_state"},
    "ldl": {"TripleDot": "manybody.ldl:solve"},
    "wire": {"QuantumWire": "manybody.wire:quantum_steady_state",
             "ClassicalWire": "manybody.wire:classical_steady_state",
             "ResistiveWire": "manybody.wire:circuit_steady_state"},
}
TOP_KEYS = ("description", "model", "method", "parameters", "axes", "zip", "options")
RANGE_KEYS = ("start", "stop", "num", "log")
_COMPLEX = re.compile(r"^\s*[-+]?[\d.]+(e[-+]?\d+)?\s*([-+]\s*[\d.]*(e[-+]?\d+)?)?j\s*$", re.I)


def solver(method: str, model_class: type):
    """The function that runs ``method`` on models of ``model_class`` (``ValueError`` if the
    method does not take this model, naming the model classes it takes)."""
    for base, target in METHODS[method].items():
        if issubclass(model_class, getattr(models, base)):
            module, name = target.split(":")
            return getattr(importlib.import_module(module), name)
    raise ValueError(f"method {method!r} does not take {model_class.__name__} models; it takes "
                     f"{', '.join(METHODS[method])} (and their subclasses)")


def _keywords(fn, skip_first: bool) -> tuple[set[str], set[str]]:
    """(all keyword names, the required ones) of ``fn``, without ``*args`` and ``**kwargs``
    (:func:`load` resolves a constructor's ``**kwargs`` against the class's ``__init__``)."""
    params = list(inspect.signature(fn).parameters.values())[1 if skip_first else 0:]
    names = {p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    required = {p.name for p in params if p.default is p.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    return names, required


def _value(name: str, v):
    """A TOML value: complex literals from strings, lists element by element."""
    if isinstance(v, list):
        return [_value(name, x) for x in v]
    if isinstance(v, str) and "j" in v.lower() and _COMPLEX.match(v):
        return complex(v.replace(" ", ""))
    if isinstance(v, dict):
        raise ValueError(f"{name}: a table is not a value here (ranges belong in [axes])")
    return v


def _axis(name: str, spec) -> list:
    """The values of axis ``name`` (as the config spells it): a list, or a range table
    {start, stop, num[, log]}."""
    if isinstance(spec, dict):
        unknown = set(spec) - set(RANGE_KEYS)
        if unknown or not {"start", "stop", "num"} <= set(spec):
            raise ValueError(f"{name}: a range is {{start, stop, num[, log]}}, got keys "
                             f"{sorted(spec)}")
        num = spec["num"]
        if not isinstance(num, int) or isinstance(num, bool) or num < 1:
            raise ValueError(f"{name}.num must be an integer >= 1, got {num!r}")
        grid = np.geomspace if spec.get("log", False) else np.linspace
        values = [float(f"{x:.14g}") for x in grid(spec["start"], spec["stop"], num)]
    elif isinstance(spec, list):
        values = _value(name, spec)
    else:
        raise ValueError(f"{name} must be a list or a range table {{start, stop, num}}, "
                         f"got {spec!r}")
    if not values:
        raise ValueError(f"{name} is empty")
    return values


def _distinct(name: str, rows: list) -> None:
    if len({json.dumps(_jsonable(r)) for r in rows}) != len(rows):
        raise ValueError(f"{name} repeats a value: {rows}")


@dataclass(frozen=True)
class Point:
    """One solver call: ``index`` into the grid, the method, the model's constructor
    arguments and the solver options."""

    index: tuple[int, ...]
    method: str
    kwargs: dict
    options: dict
    model: str

    @property
    def key(self) -> str:
        """A hash of the point's model, parameters, method and options (20 hex digits): the
        name of its file in the store, the same in every sweep that computes this point."""
        text = json.dumps(_jsonable([self.model, self.method, self.kwargs, self.options]),
                          sort_keys=True, default=repr)
        return hashlib.sha1(text.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Sweep:
    """A checked config: the grid's dimensions and every point of it."""

    config: dict
    model: str
    model_class: type
    constructor: object
    dims: tuple[str, ...]
    coords: dict  # coordinate name: (dimension, values)
    points: tuple[Point, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(next(len(v) for dim, v in self.coords.values() if dim == d)
                     for d in self.dims)

    def build(self, point: Point):
        """The point's model."""
        return self.constructor(**point.kwargs)

    def where(self, point: Point) -> dict:
        """The point's coordinates, ``{name: value}``."""
        return {name: values[point.index[self.dims.index(dim)]]
                for name, (dim, values) in self.coords.items()}


def _model(spec) -> tuple[type, object]:
    if not isinstance(spec, str):
        raise ValueError(f"model must be a string 'Class' or 'Class.constructor', got {spec!r}")
    name, _, ctor = spec.partition(".")
    allowed = sorted(n for n in models.__all__ if inspect.isclass(getattr(models, n))
                     and not inspect.isabstract(getattr(models, n))
                     and n not in ("Modes", "Rates"))
    if name not in allowed:
        raise ValueError(f"model {name!r} is not a model of manybody.models; allowed: "
                         f"{', '.join(allowed)}")
    cls = getattr(models, name)
    if not ctor:
        return cls, cls
    ctors = sorted(a for a in dir(cls)
                   if isinstance(inspect.getattr_static(cls, a, None), classmethod)
                   and not a.startswith("_"))
    if ctor not in ctors:
        raise ValueError(f"model {spec!r}: {name} has no constructor {ctor!r}; its classmethod "
                         f"constructors: {', '.join(ctors) or 'none'}")
    return cls, getattr(cls, ctor)


def _check_keys(where: str, given, allowed) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}; allowed: "
                         f"{', '.join(sorted(allowed))}")


def load(config: dict | str | Path) -> Sweep:
    """Check a config (a dictionary, or the path of a TOML file) and expand its grid.

    Raises
    ------
    ValueError
        Naming the key and the allowed values or the point, before any solver runs.
    """
    if not isinstance(config, dict):
        with open(config, "rb") as f:
            config = tomllib.load(f)
    _check_keys("config", config, TOP_KEYS)
    if "model" not in config or "method" not in config:
        raise ValueError("config: 'model' and 'method' are required")
    for key in ("parameters", "axes", "zip", "options"):
        if not isinstance(config.get(key, {}), dict):
            raise ValueError(f"{key} must be a table ([{key}]), got {config[key]!r}")
    cls, ctor = _model(config["model"])
    methods = config["method"]
    listed = isinstance(methods, list)
    methods = methods if listed else [methods]
    if not methods or len(set(methods)) != len(methods):
        raise ValueError(f"method: give one method or a list of distinct methods, got {methods}")
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"method {m!r} is unknown; allowed: {', '.join(METHODS)}")
    solvers = {m: solver(m, cls) for m in methods}
    names, required = _keywords(ctor, skip_first=False)
    if any(p.kind == p.VAR_KEYWORD for p in inspect.signature(ctor).parameters.values()):
        names |= _keywords(cls, skip_first=False)[0]
    option_names = {m: _keywords(f, skip_first=True)[0] for m, f in solvers.items()}
    common_options = set.intersection(*option_names.values())

    fixed = {k: _value(f"parameters.{k}", v) for k, v in config.get("parameters", {}).items()}
    _check_keys("parameters", fixed, names)
    options = config.get("options", {})
    for k, v in options.items():
        if isinstance(v, dict) and k not in methods:
            raise ValueError(f"options.{k}: {k!r} is not a method of this sweep "
                             f"({', '.join(methods)})")
    per_method = {m: options[m] for m in methods if isinstance(options.get(m), dict)}
    shared = {k: _value(f"options.{k}", v) for k, v in options.items() if k not in per_method}
    _check_keys("options", shared, common_options)
    for m, o in per_method.items():
        _check_keys(f"options.{m}", o, option_names[m])
        per_method[m] = {k: _value(f"options.{m}.{k}", v) for k, v in o.items()}

    # grid: [method], axes, zip groups; each coordinate is a model parameter or an option
    dims, coords, columns = [], {}, []  # columns: (dimension, {name: values})
    if listed:
        dims.append("solver")  # not "method", a keyword of xarray's .sel()
        coords["solver"] = ("solver", list(methods))
    axes = config.get("axes", {})
    zips = config.get("zip", {})
    for name, spec in axes.items():
        dims.append(name)
        coords[name] = (name, _axis(f"axes.{name}", spec))
        _distinct(f"axes.{name}", coords[name][1])
        columns.append((name, {name: coords[name][1]}))
    for group, table in zips.items():
        if not isinstance(table, dict) or not table:
            raise ValueError(f"zip.{group} must be a table of parameter = [values]")
        values = {k: _axis(f"zip.{group}.{k}", v) for k, v in table.items()}
        lengths = {k: len(v) for k, v in values.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(f"zip.{group}: the lists must have one length, got {lengths}")
        _distinct(f"zip.{group}", [list(row) for row in zip(*values.values(), strict=True)])
        if group in coords or set(values) & set(coords):
            raise ValueError(f"zip.{group}: a name is used twice in the grid")
        dims.append(group)
        coords |= {k: (group, v) for k, v in values.items()}
        columns.append((group, values))
    swept = [k for _, table in columns for k in table]
    if "solver" in swept + list(zips):
        raise ValueError("'solver' is the dimension of the methods; name the axis otherwise")
    for k in swept:
        if k in fixed or k in shared or any(k in o for o in per_method.values()):
            raise ValueError(f"{k!r} is both fixed and swept; give it in one place")
        if k not in names and k not in common_options:
            raise ValueError(f"swept name {k!r} is neither a parameter of {config['model']} "
                             f"({', '.join(sorted(names))}) nor an option of every method "
                             f"({', '.join(sorted(common_options)) or 'none'})")
    missing = required - set(fixed) - set(swept)
    if missing:
        raise ValueError(f"model {config['model']} needs {sorted(missing)}: give them in "
                         "[parameters] or sweep them")

    points = []
    sizes = [len(next(iter(t.values()))) for _, t in columns]
    for method_i, m in enumerate(methods):
        for idx in itertools.product(*(range(n) for n in sizes)):
            at = {k: v[i] for (_, table), i in zip(columns, idx, strict=True)
                  for k, v in table.items()}
            kwargs = fixed | {k: v for k, v in at.items() if k in names}
            opts = shared | per_method.get(m, {}) | {k: v for k, v in at.items()
                                                      if k not in names}
            index = ((method_i,) if listed else ()) + idx
            points.append(Point(index, m, kwargs, opts, config["model"]))
    sweep = Sweep(config, config["model"], cls, ctor, tuple(dims), coords, tuple(points))
    seen = set()
    for p in points:
        key = json.dumps(_jsonable(p.kwargs), sort_keys=True, default=repr)
        if key in seen:
            continue
        seen.add(key)
        try:
            sweep.build(p)
        except (ValueError, TypeError) as err:
            where = ", ".join(f"{k} = {v!r}" for k, v in sweep.where(p).items())
            raise ValueError(f"point ({where}): {err}") from err
    return sweep
