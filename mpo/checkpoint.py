r"""Checkpoints of long MPO runs: one ``.npz`` file, written atomically, that a rerun resumes.

Format (``FORMAT = 1``), a NumPy ``.npz`` archive holding

- ``meta``: a 0-d string array with one JSON object ``{"format", "model", "options", "run"}``:
  the model's ``params()``, the options that determine the result (both compared on resume),
  and the driver's state ``run`` (phase, time, steps, accumulated diagnostics, the previous
  observables of the stopping rule, finished phases' observables; floats are written with
  ``repr`` precision, so they round-trip exactly);
- ``A0 ... A{L-1}``: the MPS arrays ``(left, d^2, right)`` of the running phase;
- ``M0 ... M{L-1}`` (once the main phases are done): the final arrays of the main run, from
  which the reported state observables are computed.

A file is first written to ``<path>.tmp`` and then moved over ``path`` with
:func:`os.replace`, so a run killed at any moment leaves either the previous or the new
checkpoint, never a partial one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

FORMAT = 1


def _canonical(x) -> object:
    """JSON round trip: tuples become lists, so stored and current inputs compare equal."""
    return json.loads(json.dumps(x))


def save(path: str | Path, model: dict, options: dict, run: dict,
         arrays: dict[str, list[np.ndarray]]) -> None:
    """Write a checkpoint atomically; ``arrays`` maps a prefix ("A", "M") to site arrays."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps({"format": FORMAT, "model": model, "options": options, "run": run})
    data = {f"{prefix}{j}": a for prefix, arrs in arrays.items() for j, a in enumerate(arrs)}
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez(f, meta=np.array(meta), **data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load(path: str | Path, model: dict, options: dict) -> tuple[dict, dict] | None:
    """``(run, arrays)`` of the checkpoint at ``path``, or None if there is none.

    Raises
    ------
    ValueError
        If the checkpoint was written for another model or other options (names the keys that
        differ), or by another format version.
    """
    path = Path(path)
    if not path.exists():
        return None
    with np.load(path) as f:
        meta = json.loads(str(f["meta"]))
        if meta.get("format") != FORMAT:
            raise ValueError(f"checkpoint {path} has format {meta.get('format')}, this code "
                             f"reads format {FORMAT}; delete it or use another path")
        for what, current in (("model", model), ("options", options)):
            stored, current = meta[what], _canonical(current)
            if stored != current:
                keys = sorted(k for k in set(stored) | set(current)
                              if stored.get(k) != current.get(k))
                diff = ", ".join(f"{k}: {stored.get(k)!r} (checkpoint) vs {current.get(k)!r}"
                                 for k in keys)
                raise ValueError(f"checkpoint {path} was written for a different {what} "
                                 f"({diff}); delete it or use another checkpoint path")
        arrays: dict[str, list[np.ndarray]] = {}
        for prefix in ("A", "M"):
            n = sum(1 for k in f.files if k[0] == prefix and k[1:].isdigit())
            if n:
                arrays[prefix] = [f[f"{prefix}{j}"] for j in range(n)]
    return meta["run"], arrays
