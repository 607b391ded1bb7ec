"""Nested dictionaries of arrays and scalars in an HDF5 file (h5py), read back unchanged.

The layout, readable from any HDF5 tool:

* a dict is a group; its keys are the member names (any string without "/");
* a numpy array, or a list / tuple of numbers, is a dataset (complex and bool kept; a list or
  tuple comes back as a list, an array as an array of the same dtype and shape);
* a scalar (int, float, complex, bool, str, numpy scalar) is an attribute of the group;
* ``None`` is listed in the group's attribute ``__none__``;
* any other list or tuple (strings, dicts, mixed) is a group with attribute
  ``__list__ = True`` and members "0", "1", ...

:func:`write` refuses other types (``TypeError`` naming the key), so nothing is lost silently.
"""

from __future__ import annotations

from numbers import Number
from pathlib import Path

import h5py
import numpy as np

LIST, NONE, ARRAY = "__list__", "__none__", "__array__"


def save(path: str | Path, data: dict) -> Path:
    """Write the nested dict ``data`` to the HDF5 file ``path`` (replaced if it exists)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as f:
        write(f, data)
    return path


def load(path: str | Path) -> dict:
    """Read a file written by :func:`save` back into the same nested dict."""
    with h5py.File(path, "r") as f:
        return read(f)


def _numeric_list(value) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) > 0
            and all(isinstance(v, Number) and not isinstance(v, bool) for v in value))


def write(group: h5py.Group, data: dict, where: str = "") -> None:
    """Store ``data`` in ``group`` (module docstring); ``where`` names the path in errors."""
    nones = []
    for key, value in data.items():
        if not isinstance(key, str) or "/" in key or key in (LIST, NONE):
            raise TypeError(f"{where}/{key!r}: keys must be strings without '/'")
        name = f"{where}/{key}"
        if value is None:
            nones.append(key)
        elif isinstance(value, dict):
            write(group.create_group(key), value, name)
        elif isinstance(value, np.ndarray):
            ds = group.create_dataset(key, data=value)
            ds.attrs[ARRAY] = True
        elif _numeric_list(value):
            group.create_dataset(key, data=np.asarray(value))
        elif isinstance(value, (list, tuple)):
            sub = group.create_group(key)
            sub.attrs[LIST] = True
            write(sub, {str(i): v for i, v in enumerate(value)}, name)
        elif isinstance(value, (Number, str, np.generic)):
            group.attrs[key] = value
        else:
            raise TypeError(f"{name}: cannot store a {type(value).__name__} in HDF5")
    if nones:
        group.attrs[NONE] = nones


def _scalar(value):
    """An attribute as the Python scalar it was written from."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.complexfloating):
        return complex(value)
    return value


def read(group: h5py.Group) -> dict | list:
    """The dict (or list) stored by :func:`write` in ``group``."""
    out = {}
    for key, value in group.attrs.items():
        if key not in (LIST, NONE):
            out[key] = _scalar(value)
    for key in group.attrs.get(NONE, []):
        out[_scalar(key)] = None
    for key, item in group.items():
        if isinstance(item, h5py.Group):
            out[key] = read(item)
        else:
            arr = np.asarray(item[()])
            out[key] = arr if item.attrs.get(ARRAY, False) else arr.tolist()
    if group.attrs.get(LIST, False):
        return [out[str(i)] for i in range(len(out))]
    return out


def equal(a, b) -> bool:
    """Equality of nested dicts, lists (= tuples), arrays (NaN equal to NaN) and scalars."""
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(equal(a[k], b[k]) for k in a))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.array_equal(
            a, b, equal_nan=a.dtype.kind in "fc" and b.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))
                and len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    return a == b
