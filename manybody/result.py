"""One result type for every method: the numbers, the diagnostics and the inputs echoed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import hdf5, states
from .provenance import provenance
from .states import State

HDF5_SUFFIXES = (".h5", ".hdf5")


def _jsonable(x):
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.floating, float)):
        return float(x) if np.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, (complex, np.complexfloating)):
        return [_jsonable(float(np.real(x))), _jsonable(float(np.imag(x)))]
    return x


FIELDS = ("method", "kind", "model", "options", "momenta", "energies", "occupations", "current",
          "spin_currents", "dissipative_currents", "observables", "times", "diagnostics",
          "state")


@dataclass(frozen=True, eq=False)
class Result:
    """Steady state or trajectory of one model computed by one method.

    Attributes
    ----------
    method : str
        "tgge", "ed", "exclusion-kmc", ... (later also "mpo").
    kind : str
        "steady_state" or "trajectory".
    model : dict
        The model's parameters (``model.params()``).
    options : dict
        The solver options used.
    momenta : ndarray, shape (L,)
        :math:`k_m = -\\pi + 2\\pi m/L` (fermion rings; None for other models).
    energies : ndarray, shape (L,) or (L, 2)
        Mode energies (bands "+", "-" for two-band models).
    occupations : ndarray
        :math:`n_{k\\nu}`, shape like ``energies``, with a leading time axis for trajectories;
        for other models the populations of their states or levels.
    current : float or ndarray
        The model's headline current (fermion rings: ring-averaged particle current,
        Eq. (13) / Eq. (23)); per time for trajectories.
    spin_currents : dict
        Orbital-resolved currents, Eq. (24) (empty for one-orbital models).
    dissipative_currents : dict
        The order-epsilon dissipative part of the current per bath, from the continuity
        equation (exact methods; empty where a method neglects it, as tGGE does).
    observables : dict
        Model-specific numbers (per-bond currents, magnetization, purity, ...), also readable
        as attributes: ``r.purity`` is ``r.observables["purity"]``.
    times : ndarray or None
        Output times of a trajectory.
    diagnostics : dict
        How far to trust the numbers: residual, iterations, wall time, particle-number drift,
        degeneracy of the steady state.
    state : State or None
        The state itself (:mod:`manybody.states`) when the method was asked for it
        (``state=True``): ``r.state.expect(op)``, ``r.state.to_qobj()``, and for the MPO
        solver ``r.state.mps``.

    Two results are equal (``==``) when every field is: arrays entry by entry (NaN equal to
    NaN), lists and tuples alike. :meth:`save` / :meth:`load` keep them equal through an HDF5
    file; through JSON, arrays become lists and non-finite numbers null.
    """

    method: str
    kind: str
    model: dict
    options: dict
    momenta: np.ndarray | None = None
    energies: np.ndarray | None = None
    occupations: np.ndarray | None = None
    current: float | np.ndarray | None = None
    spin_currents: dict = field(default_factory=dict)
    dissipative_currents: dict = field(default_factory=dict)
    observables: dict = field(default_factory=dict)
    times: np.ndarray | None = None
    diagnostics: dict = field(default_factory=dict)
    state: State | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return all(hdf5.equal(getattr(self, f), getattr(other, f)) for f in FIELDS)

    __hash__ = None  # mutable contents (dicts, arrays)

    def __getattr__(self, name: str):
        # only called when normal lookup fails: the model-specific observables
        observables = self.__dict__.get("observables", {})
        if name in observables:
            return observables[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or observable {name!r}")

    @property
    def lambdas(self) -> np.ndarray | None:
        """Lagrange parameters :math:`\\lambda = \\ln((1-n)/n)` (+-inf for empty/full modes);
        None for models without fermion modes."""
        if self.momenta is None:
            return None
        n = np.clip(np.asarray(self.occupations, dtype=float), 0.0, 1.0)  # round-off of ED
        with np.errstate(divide="ignore"):
            return np.log1p(-n) - np.log(n)

    @property
    def total_current(self) -> float | np.ndarray | None:
        """Hamiltonian plus dissipative current; None if the method does not compute the latter."""
        if not self.dissipative_currents:
            return None
        return self.current + sum(self.dissipative_currents.values())

    @property
    def particle_number(self) -> float | np.ndarray:
        """Total particle number :math:`\\sum_{k\\nu} n_{k\\nu}` (per time for trajectories)."""
        axes = tuple(range(1 if self.times is not None else 0, np.ndim(self.occupations)))
        return np.sum(self.occupations, axis=axes)

    def to_dict(self) -> dict:
        """JSON-ready dictionary (non-finite numbers become null), with provenance."""
        return _jsonable(
            {
                "method": self.method,
                "kind": self.kind,
                "model": self.model,
                "options": self.options,
                "momenta": self.momenta,
                "energies": self.energies,
                "occupations": self.occupations,
                "lambdas": self.lambdas,
                "current": self.current,
                "spin_currents": self.spin_currents,
                "dissipative_currents": self.dissipative_currents,
                "total_current": self.total_current,
                "observables": self.observables,
                "times": self.times,
                "diagnostics": self.diagnostics,
                "provenance": provenance(),
            }
        )

    def save(self, path: str | Path) -> Path:
        """Write the result to ``path``: HDF5 (:mod:`manybody.hdf5`) for a ``.h5`` / ``.hdf5``
        suffix, every field with its arrays and types as they are, the state if held, and the
        provenance; else JSON (:meth:`to_dict`, a readable summary without the state)."""
        path = Path(path)
        if path.suffix in HDF5_SUFFIXES:
            data = {f: getattr(self, f) for f in FIELDS} | {"provenance": provenance()}
            if self.state is not None:
                data["state"] = states.to_dict(self.state)
            return hdf5.save(path, data)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=1))
        return path

    @classmethod
    def load(cls, path: str | Path) -> Result:
        """Read a result written by :meth:`save` (the format from the suffix); from HDF5 it
        equals the saved one."""
        if Path(path).suffix in HDF5_SUFFIXES:
            d = hdf5.load(path)
            if d.get("state") is not None:
                d["state"] = states.from_dict(d["state"])
            return cls(**{f: d[f] for f in FIELDS if f in d})
        d = json.loads(Path(path).read_text())
        arr = lambda x: None if x is None else np.asarray(x, dtype=float)  # noqa: E731
        cur = d.get("current")
        return cls(
            method=d["method"],
            kind=d["kind"],
            model=d["model"],
            options=d["options"],
            momenta=arr(d.get("momenta")),
            energies=arr(d.get("energies")),
            occupations=arr(d.get("occupations")),
            current=arr(cur) if isinstance(cur, list) else cur,
            spin_currents={
                k: (arr(v) if isinstance(v, list) else v) for k, v in d["spin_currents"].items()
            },
            dissipative_currents={
                k: (arr(v) if isinstance(v, list) else v)
                for k, v in d.get("dissipative_currents", {}).items()
            },
            observables={k: (np.asarray(v) if isinstance(v, list) else v)
                         for k, v in d.get("observables", {}).items()},
            times=arr(d["times"]),
            diagnostics=d["diagnostics"],
        )
