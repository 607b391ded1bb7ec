"""Sweep on Dask: a 64-point ED map of the Metelmann-Clerk ring on 1 and 2 local workers,
against the same 64 solver calls made directly in one process.

The map is ``MetelmannClerkRing.minimal(L = 10)``, current against (alpha, delta) on an
8 x 8 grid, every point ``manybody.ed.steady_state`` (about 1.5 s on one core). The baseline
is a loop of direct calls in this process with one BLAS and one Numba thread (as each worker
has). The table gives wall times (the sweeps' include starting and closing the local cluster,
the workers' Numba compilation and writing the store), the fixed cost of a sweep (a sweep of
one small point on the same cluster size), the speed-up of 2 workers over 1, the overhead per
point of the sweep over the direct loop on 1 worker with the fixed cost taken out, and the
largest difference of the currents (sweep against direct: 0 expected). Run
``python benchmarks/sweep_benchmarks.py [--quick]``; it writes
``data/benchmarks/sweep_benchmarks.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
from threadpoolctl import threadpool_limits

from manybody import ed, sweep
from manybody.provenance import provenance

OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks"
FULL = {"L": 10, "grid": 8}  # 64 points, about 1.5 s each on one core
QUICK = {"L": 6, "grid": 3}
FIXED = {"L": 4, "grid": 1}  # one point: what a sweep costs besides its points


def config(L: int, grid: int) -> dict:
    values = {"start": 0.25, "stop": 2.0, "num": grid}
    return {"model": "MetelmannClerkRing.minimal", "method": "ed", "parameters": {"L": L},
            "axes": {"alpha": values, "delta": values}}


def _timed_sweep(s: sweep.Sweep, workers: int):
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ds = sweep.run(s, tmp, workers=workers, progress=False)
        return time.perf_counter() - t0, ds.load()


def run(quick: bool = False, out: Path | str = OUT) -> dict:
    """Direct loop, then the sweep on 1 and on 2 workers; returns and writes the numbers."""
    size = QUICK if quick else FULL
    s = sweep.load(config(**size))
    t0 = time.perf_counter()
    with threadpool_limits(1):
        threads = numba.get_num_threads()
        numba.set_num_threads(1)
        try:
            direct = [ed.steady_state(s.build(p)).current for p in s.points]
        finally:
            numba.set_num_threads(threads)
    t_direct = time.perf_counter() - t0
    rows = []
    for workers in (1, 2):
        fixed, ds = (_timed_sweep(sweep.load(config(**c)), workers) for c in (FIXED, size))
        swept = [ds[1]["current"].values[p.index] for p in s.points]
        rows.append({"workers": workers, "wall_s": ds[0], "fixed_s": fixed[0],
                     "points_per_minute": 60 * len(s.points) / ds[0],
                     "max_dI": float(np.max(np.abs(np.subtract(swept, direct))))})
    result = {"points": len(s.points), "L": size["L"], "direct_s": t_direct,
              "per_point_direct_s": t_direct / len(s.points), "rows": rows,
              "speedup_2_over_1": rows[0]["wall_s"] / rows[1]["wall_s"],
              "overhead_per_point_s": (rows[0]["wall_s"] - rows[0]["fixed_s"] - t_direct)
              / len(s.points),
              "cpu_count": os.cpu_count(), "quick": quick, "config": config(**size),
              "provenance": provenance()}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep_benchmarks.json").write_text(json.dumps(result, indent=1))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    r = run(args.quick, args.out)
    print(f"{r['points']} points, MetelmannClerkRing L = {r['L']}, ed.steady_state")
    print(f"{'run':<22}{'wall [s]':>10}{'fixed [s]':>11}{'points/min':>12}{'max|dI|':>10}")
    print(f"{'direct loop, 1 core':<22}{r['direct_s']:>10.1f}{'-':>11}"
          f"{60 * r['points'] / r['direct_s']:>12.1f}{'-':>10}")
    for row in r["rows"]:
        label = f"sweep, {row['workers']} worker(s)"
        print(f"{label:<22}{row['wall_s']:>10.1f}"
              f"{row['fixed_s']:>11.1f}{row['points_per_minute']:>12.1f}{row['max_dI']:>10.1e}")
    print(f"speed-up 2 workers / 1 worker: {r['speedup_2_over_1']:.2f}x; overhead per point "
          f"(1 worker - fixed - direct): {r['overhead_per_point_s']:.3f} s "
          f"(direct {r['per_point_direct_s']:.3f} s per point)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
