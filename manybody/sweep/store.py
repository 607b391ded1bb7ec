r"""The results store of a sweep: one file per finished point, one ``xarray.Dataset`` of all.

Layout of the output folder::

    OUT/points/<key>.h5            a finished point: its Result (:meth:`manybody.Result.save`,
                                   with the state if the method was asked for it)
    OUT/points/<key>.failed.json   a point that failed twice: its error and traceback
    OUT/points/<key>.ckpt.npz      the checkpoint of an MPO point in flight (local clusters)
    OUT/results.nc                 the Dataset (netCDF-4 through h5netcdf)

``<key>`` is :attr:`manybody.sweep.config.Point.key`. Files are written under a temporary name
(``OUT/points/partial/``) and moved into place (:func:`os.replace`), so a sweep killed at any
moment leaves whole files.

The Dataset has the grid's dimensions (``solver`` when several methods run, one per axis and
per zip group) with the swept values as coordinates, and one variable per number of the
Results: ``current``, ``total_current``, ``dissipative_current_<bath>``,
``spin_current_<name>``, every observable, ``diagnostics_<name>``; arrays (occupations,
profiles) get their own dimensions ``<variable>_dim<i>``, padded with NaN where points differ
in shape. A complex variable is stored as its real part and ``<variable>_imag`` (netCDF has no
complex type). ``status`` ("done" or "failed") and ``error`` say what happened at each point;
the attributes hold the provenance (``provenance_*``), the config and the sweep's summary
(both as JSON).
"""

from __future__ import annotations

import json
import os
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from ..provenance import provenance
from ..result import Result, _jsonable
from .config import Point, Sweep


@dataclass(frozen=True)
class PointError:
    """A point whose solver raised: the exception's type, message and traceback."""

    kind: str
    message: str
    traceback: str

    @classmethod
    def from_exception(cls, err: BaseException) -> PointError:
        return cls(type(err).__name__, str(err),
                   "".join(traceback.format_exception(type(err), err, err.__traceback__)))

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class Store:
    """The per-point files of the sweeps written into one folder."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.points = self.out / "points"
        self.points.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.points / f"{key}.h5"

    def _failed_path(self, key: str) -> Path:
        return self.points / f"{key}.failed.json"

    def done(self, key: str) -> bool:
        """Whether the point has a finished result."""
        return self._path(key).is_file()

    def load(self, key: str) -> Result:
        return Result.load(self._path(key))

    def save(self, key: str, result: Result) -> None:
        """Write a finished point (atomically) and forget an earlier failure of it."""
        tmp = self.points / "partial" / f"{key}.h5"
        tmp.parent.mkdir(exist_ok=True)
        result.save(tmp)
        os.replace(tmp, self._path(key))
        self._failed_path(key).unlink(missing_ok=True)
        (self.points / f"{key}.ckpt.npz").unlink(missing_ok=True)  # an MPO run's checkpoint

    def fail(self, key: str, point: Point, where: dict, error: PointError, attempts: int) -> None:
        """Record a point that failed (atomically)."""
        record = {"point": _jsonable(where), "method": point.method,
                  "model": point.model, "kwargs": _jsonable(point.kwargs),
                  "options": _jsonable(point.options), "error": str(error),
                  "traceback": error.traceback, "attempts": attempts,
                  "provenance": provenance()}
        tmp = self.points / f"{key}.failed.tmp"
        tmp.write_text(json.dumps(record, indent=1, default=repr))
        os.replace(tmp, self._failed_path(key))

    def failure(self, key: str) -> dict | None:
        path = self._failed_path(key)
        return json.loads(path.read_text()) if path.is_file() else None

    def collect(self, sweep: Sweep, summary: dict) -> xr.Dataset:
        """Assemble the Dataset of ``sweep`` from the point files and write
        ``OUT/results.nc`` (atomically)."""
        shape = sweep.shape
        rows = {}
        status = np.full(shape, "missing", dtype=object)
        error = np.full(shape, "", dtype=object)
        for p in sweep.points:
            if self.done(p.key):
                rows[p.index] = _flatten(self.load(p.key))
                status[p.index] = "done"
            elif (f := self.failure(p.key)) is not None:
                status[p.index], error[p.index] = "failed", f["error"]
        data = {"status": (sweep.dims, status.astype(str)),
                "error": (sweep.dims, error.astype(str))}
        names = sorted({n for r in rows.values() for n in r})
        for name in names:
            data |= _variable(name, {i: r[name] for i, r in rows.items() if name in r}, shape,
                              sweep.dims)
        coords = {name: (dim, _coordinate(values)) for name, (dim, values) in sweep.coords.items()}
        prov = provenance()
        attrs = {f"provenance_{k}": str(v) for k, v in prov.items() if k != "libraries"}
        attrs |= {"provenance_libraries": json.dumps(prov["libraries"]),
                  "config": json.dumps(_jsonable(sweep.config), default=repr),
                  "summary": json.dumps(summary, default=repr)}
        ds = xr.Dataset(data, coords=coords, attrs=attrs)
        tmp = self.out / "results.tmp.nc"
        ds.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, self.out / "results.nc")
        return ds


def _flatten(r: Result) -> dict:
    """The numbers of a Result under their Dataset names (nested dicts joined by '_')."""
    out = {"current": r.current, "total_current": r.total_current,
           "occupations": r.occupations, "momenta": r.momenta, "energies": r.energies}
    out |= {f"dissipative_current_{k}": v for k, v in r.dissipative_currents.items()}
    out |= {f"spin_current_{k}": v for k, v in r.spin_currents.items()}

    def walk(prefix: str, d: dict) -> None:
        for k, v in d.items():
            if isinstance(v, dict):
                walk(f"{prefix}{k}_", v)
            else:
                out[f"{prefix}{k}"] = v

    walk("", r.observables)
    walk("diagnostics_", r.diagnostics)
    return {k: v for k, v in out.items() if v is not None}


def _coordinate(values: list) -> np.ndarray:
    if any(isinstance(v, complex) for v in values):
        if all(complex(v).imag == 0 for v in values):
            return np.array([complex(v).real for v in values])
        return np.array([repr(v) for v in values])  # netCDF has no complex type
    return np.asarray(values)


def _variable(name: str, values: dict, shape: tuple, dims: tuple) -> dict:
    """One (or, complex, two) Dataset variables from ``{grid index: value}``; values that
    are neither numbers, strings nor numeric arrays are left out."""
    if all(isinstance(v, str) for v in values.values()):
        out = np.full(shape, "", dtype=object)
        for i, v in values.items():
            out[i] = v
        return {name: (dims, out.astype(str))}
    try:  # numbers become 0-d arrays
        arrays = {i: np.asarray(v) for i, v in values.items()}
    except (ValueError, TypeError):
        return {}
    if not all(a.dtype.kind in "biufc" for a in arrays.values()):
        return {}
    ndim = max(a.ndim for a in arrays.values())
    if any(a.ndim != ndim for a in arrays.values()):
        return {}
    extra = tuple(max(a.shape[k] for a in arrays.values()) for k in range(ndim))
    is_complex = any(a.dtype.kind == "c" for a in arrays.values())
    out = np.full(shape + extra, np.nan + (0j if is_complex else 0), dtype=complex if is_complex
                  else float)
    for i, a in arrays.items():
        out[i + tuple(slice(0, n) for n in a.shape)] = a
    full = dims + tuple(f"{name}_dim{k}" for k in range(ndim))
    if not is_complex:
        return {name: (full, out)}
    return {name: (full, out.real), f"{name}_imag": (full, out.imag)}
