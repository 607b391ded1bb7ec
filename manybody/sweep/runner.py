r"""Execution of a sweep on Dask (``dask.distributed``).

With no scheduler address :func:`run` starts a ``LocalCluster`` on this machine: worker
processes (``workers``, default one per core) of one thread each, with one BLAS/OpenMP/Numba
thread per worker (set in the workers' environment before they start; Dask's default
``MALLOC_TRIM_THRESHOLD_`` is left out, since it slows allocation-heavy solvers). With
``scheduler="tcp://host:8786"`` the same sweep goes to an existing cluster; its workers must
have ``manybody`` installed. Every point is one task, ``solve_point``; its Result travels
back to the client, which writes it to the store (:mod:`manybody.sweep.store`) as soon as it
arrives, so no shared file system is needed and a dying worker loses only its points in
flight (Dask reruns them on another worker). A point whose solver raises is run once more
and, if it raises again, recorded with its error; a rerun of the sweep skips the finished
points and tries the failed ones again.
"""

from __future__ import annotations

import inspect
import os
import time
from pathlib import Path

import dask
import xarray as xr
from distributed import Client, LocalCluster, as_completed
from tqdm.auto import tqdm

from .._validate import integer
from .config import Point, Sweep, _model, load, solver
from .store import PointError, Store

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "NUMBA_NUM_THREADS")


def solve_point(model: str, kwargs: dict, method: str, options: dict,
                checkpoint: str | None = None):
    """Run one point on a worker: build the model, call the method's solver.

    Returns the :class:`manybody.Result`, or a :class:`PointError` if the model or the
    solver raised. A solver that shows a progress bar is run without it; one that takes a
    ``checkpoint`` file gets ``checkpoint`` (local clusters: a killed MPO point resumes); one
    that takes ``workers`` (the MPO engine's processes) gets 1 unless the options say
    otherwise, since the sweep already runs one point per core.
    """
    try:
        cls, ctor = _model(model)
        fn = solver(method, cls)
        names = inspect.signature(fn).parameters
        extra = {}
        if "progress" in names and "progress" not in options:
            extra["progress"] = False
        if "checkpoint" in names and "checkpoint" not in options and checkpoint is not None:
            extra["checkpoint"] = checkpoint
        if "workers" in names and "workers" not in options:
            extra["workers"] = 1
        return fn(ctor(**kwargs), **options, **extra)
    except Exception as err:  # noqa: BLE001 - every failure of a point is recorded, not raised
        return PointError.from_exception(err)


def _client(workers: int | None, scheduler: str | None) -> tuple[Client, LocalCluster | None]:
    if scheduler is not None:
        return Client(scheduler), None
    n = (os.cpu_count() or 1) if workers is None else workers
    # the whole environment, replacing Dask's default, which also sets MALLOC_TRIM_THRESHOLD_:
    # a fixed glibc trim threshold turns off its adaptive mmap threshold, and every large
    # array is then mapped and faulted anew (measured: ED points of the L = 10 ring 1.35-1.6x
    # slower in a worker than in a plain process; 1.2x without it)
    env = {"distributed.nanny.pre-spawn-environ": dict.fromkeys(THREAD_VARIABLES, "1")}
    with dask.config.set(env):
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    return Client(cluster), cluster


def run(config: dict | str | Path | Sweep, out: str | Path, *, workers: int | None = None,
        scheduler: str | None = None, retries: int = 1, progress: bool = True) -> xr.Dataset:
    """Run a sweep and return its Dataset (also written to ``out/results.nc``).

    Parameters
    ----------
    config : dict, path or Sweep
        The config (:mod:`manybody.sweep.config`), checked before any work.
    out : path
        The store (:mod:`manybody.sweep.store`); points already finished there are read
        back, not recomputed.
    workers : int, optional
        Worker processes of the local cluster, default the number of cores.
    scheduler : str, optional
        Address of an existing Dask scheduler (then ``workers`` must not be given).
    retries : int
        How many more times a point whose solver raised is run before it is recorded as
        failed (default 1).
    progress : bool
        A progress bar (points done / failed / running).

    Returns
    -------
    xarray.Dataset
        ``ds.attrs["summary"]`` (JSON): points, computed, read back, failed, wall time,
        points per minute, and every failure with its message.
    """
    if workers is not None and scheduler is not None:
        raise ValueError("give workers (a local cluster) or scheduler (an existing one), not both")
    if workers is not None:
        integer("workers", workers, 1)
    integer("retries", retries, 0)
    sweep = config if isinstance(config, Sweep) else load(config)
    store = Store(out)
    start = time.perf_counter()
    todo: dict[str, Point] = {}
    for p in sweep.points:
        if not store.done(p.key):
            todo.setdefault(p.key, p)
    failures = {}
    if todo:
        failures = _execute(sweep, store, todo, workers, scheduler, retries, progress)
    wall = time.perf_counter() - start
    computed = len(todo) - len(failures)
    summary = {"points": len(sweep.points), "computed": computed,
               "read_back": len(sweep.points) - len(todo), "failed": len(failures),
               "wall_time": wall, "points_per_minute": 60 * computed / wall if wall else 0.0,
               "failures": [{"point": sweep.where(p), "method": p.method, "error": str(e)}
                            for p, e in failures.values()]}
    return store.collect(sweep, summary)


def _execute(sweep: Sweep, store: Store, todo: dict[str, Point], workers, scheduler, retries,
             progress) -> dict[str, tuple[Point, PointError]]:
    """Submit the points, write each as it completes; the failures by key."""
    client, cluster = _client(workers, scheduler)
    failures, attempts = {}, dict.fromkeys(todo, 0)
    bar = tqdm(total=len(sweep.points), initial=len(sweep.points) - len(todo), desc="sweep",
               unit="point", disable=not progress)
    try:
        def submit(p: Point):
            attempts[p.key] += 1
            ckpt = None if cluster is None else str(store.points / f"{p.key}.ckpt.npz")
            return client.submit(solve_point, p.model, p.kwargs, p.method, p.options, ckpt,
                                 key=f"point-{p.key}-{attempts[p.key]}", pure=False)

        futures = {submit(p): p for p in todo.values()}
        pending = as_completed(list(futures))
        for future in pending:
            p = futures.pop(future)
            try:
                result = future.result()
            except Exception as err:  # noqa: BLE001 - a worker lost too often, a cancelled task
                result = PointError.from_exception(err)
            future.release()
            if isinstance(result, PointError):
                if attempts[p.key] <= retries:
                    new = submit(p)
                    futures[new] = p
                    pending.add(new)
                    continue
                store.fail(p.key, p, sweep.where(p), result, attempts[p.key])
                failures[p.key] = (p, result)
            else:
                store.save(p.key, result)
            bar.update(1)
            bar.set_postfix(failed=len(failures), running=min(len(futures), _slots(client)))
    finally:
        bar.close()
        client.close()
        if cluster is not None:
            cluster.close()
    return failures


def _slots(client: Client) -> int:
    return sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
