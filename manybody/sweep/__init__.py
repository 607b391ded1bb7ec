"""Parameter sweeps on Dask: ``manybody sweep CONFIG.toml --out DIR``.

A config (:mod:`manybody.sweep.config`) names a model, one or more methods, fixed parameters
and axes; :func:`run` executes every point as one solver call on a Dask cluster
(:mod:`manybody.sweep.runner`), writes each finished point as it arrives and collects them
into one ``xarray.Dataset`` saved as ``DIR/results.nc`` (:mod:`manybody.sweep.store`).

>>> from manybody.sweep import load
>>> sweep = load({"model": "NonreciprocalChain", "method": ["tgge", "ed"],
...               "parameters": {"L": 6, "gamma_neq": 0.5}, "axes": {"eps": [0.05, 0.2]}})
>>> sweep.dims, sweep.shape
(('solver', 'eps'), (2, 2))
"""

from .config import METHODS, Point, Sweep, load
from .runner import run, solve_point
from .store import PointError, Store

__all__ = ["METHODS", "Point", "PointError", "Store", "Sweep", "load", "run", "solve_point"]
