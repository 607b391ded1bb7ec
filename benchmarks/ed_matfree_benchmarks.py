"""Exact steady state and dynamics: the matrix-free block Liouvillian against the sparse one.

Four tables, all at half filling and ``gamma_neq=0.5``: (1) one application of the block
Liouvillian of ``NonreciprocalChain(L)``, the sparse superoperator ``S @ x`` against the
matrix-free kernel on one thread and on Numba's threads (ratio in the same run); (2) the full
``ed.steady_state`` with the block solved sparse and matrix-free (wall times, occupation
difference); (3) the matrix-free steady state alone at the largest sizes, each in its own
process so that its peak resident memory (VmHWM) is its own; (4) ``ed.evolve`` from infinite
temperature to t = 10 (eps = 0.05), ``expm_multiply`` on the sparse superoperator against the
Arnoldi exponential of the matrix-free one. Run
``python benchmarks/ed_matfree_benchmarks.py [--quick | --full]`` (``--full`` adds model 1 at
L = 16 and model 2 at L = 8, ten to sixty minutes each); it writes
``data/benchmarks/ed_matfree_benchmarks.json``. Set ``NUMBA_NUM_THREADS`` to choose the
threads.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np

from manybody import ed
from manybody._validate import proc_bytes
from manybody.ed import matfree, solver
from manybody.models import NonreciprocalChain, RashbaZeemanChain
from manybody.provenance import provenance

MATVEC = {"quick": 8, "default": 12}
DYNAMICS = {"quick": 8, "default": 12}
COMPARE = {"quick": [("nonreciprocal", 8), ("rashba-zeeman", 4)],
           "default": [("nonreciprocal", 10), ("nonreciprocal", 12), ("rashba-zeeman", 5)]}
LARGE = {"quick": [("nonreciprocal", 10)],
         "default": [("nonreciprocal", 14), ("rashba-zeeman", 7)],
         "full": [("nonreciprocal", 14), ("rashba-zeeman", 7), ("nonreciprocal", 16),
                  ("rashba-zeeman", 8)]}
OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks"


def _model(name: str, L: int):
    return (NonreciprocalChain if name == "nonreciprocal" else RashbaZeemanChain)(
        L, gamma_neq=0.5)


@contextlib.contextmanager
def _solver(kind: str):
    """Route the block of ``ed.steady_state`` and ``ed.evolve`` to the sparse or the
    matrix-free solver."""
    saved = solver.MATFREE_MIN_DIM, solver.MAX_SPARSE_SECTOR_DIM
    solver.MATFREE_MIN_DIM = solver.MAX_SPARSE_SECTOR_DIM = (0 if kind == "matrix-free"
                                                             else 10**15)
    try:
        yield
    finally:
        solver.MATFREE_MIN_DIM, solver.MAX_SPARSE_SECTOR_DIM = saved


def _best(f, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def matvec(L: int, repeat: int = 5) -> dict:
    """Seconds per application of the block Liouvillian of model 1 at L, three ways."""
    model = _model("nonreciprocal", L)
    sector = solver._sector(model, 0.5, solver.MAX_SECTOR_DIM)
    H, c_ops = solver.lindblad_operators(model, sector)
    block = solver.block_of(model, sector)
    t0 = time.perf_counter()
    S = block.superoperator(H, c_ops)
    build_sparse = time.perf_counter() - t0
    t0 = time.perf_counter()
    op = matfree.MatrixFreeBlock(block, H, c_ops)
    build_mf = time.perf_counter() - t0
    x = np.random.default_rng(0).normal(size=block.dim) + 0j
    op.matvec(x, parallel=False), op.matvec(x, parallel=True)  # compile / load
    threads = numba.get_num_threads()
    row = {"L": L, "block_dim": block.dim, "sparse_nnz": int(S.nnz), "threads": threads,
           "build_sparse_s": build_sparse, "build_matfree_s": build_mf,
           "sparse_bytes": int(S.data.nbytes + S.indices.nbytes + S.indptr.nbytes),
           "matfree_bytes": op.nbytes,
           "sparse_s": _best(lambda: S @ x, repeat),
           "matfree_1thread_s": _best(lambda: op.matvec(x, parallel=False), repeat),
           "matfree_threads_s": _best(lambda: op.matvec(x, parallel=True), repeat),
           "rel_difference": float(np.abs(op.matvec(x) - S @ x).max() / np.abs(S @ x).max())}
    row["sparse_over_matfree"] = row["sparse_s"] / min(row["matfree_1thread_s"],
                                                       row["matfree_threads_s"])
    return row


def compare(name: str, L: int) -> dict:
    """Full ``ed.steady_state`` with the block solved sparse and matrix-free."""
    out = {"model": name, "L": L}
    res = {}
    for kind in ("sparse", "matrix-free"):
        with _solver(kind):
            t0 = time.perf_counter()
            res[kind] = ed.steady_state(_model(name, L))
            out[f"{kind}_s"] = time.perf_counter() - t0
    d = res["matrix-free"].diagnostics
    out.update(block_dim=d["solved_dim"], matvecs=d["matvecs"] + d["check_matvecs"],
               sparse_over_matfree=out["sparse_s"] / out["matrix-free_s"],
               max_dn=float(np.abs(res["sparse"].occupations
                                   - res["matrix-free"].occupations).max()))
    return out


def dynamics(L: int, t_max: float = 10.0) -> dict:
    """``ed.evolve`` of model 1 at L (eps = 0.05) to ``t_max``, sparse and matrix-free."""
    out, res = {"model": "nonreciprocal", "L": L, "t_max": t_max}, {}
    times = np.linspace(0.0, t_max, 5)
    for kind in ("sparse", "matrix-free"):
        with _solver(kind):
            t0 = time.perf_counter()
            res[kind] = ed.evolve(NonreciprocalChain(L, gamma_neq=0.5, eps=0.05), times)
            out[f"{kind}_s"] = time.perf_counter() - t0
    d = res["matrix-free"].diagnostics
    out.update(block_dim=d["solved_dim"], matvecs=d["matvecs"],
               sparse_over_matfree=out["sparse_s"] / out["matrix-free_s"],
               max_dI=float(np.abs(res["sparse"].current - res["matrix-free"].current).max()))
    return out


def large_one(name: str, L: int) -> dict:
    """The matrix-free steady state at one size (run in a fresh process by :func:`large`)."""
    t0 = time.perf_counter()
    with _solver("matrix-free"):
        r = ed.steady_state(_model(name, L))
    d = r.diagnostics
    return {"model": name, "L": L, "sector_dim": d["sector_dim"], "block_dim": d["solved_dim"],
            "seconds": time.perf_counter() - t0, "matvecs": d["matvecs"],
            "check_matvecs": d["check_matvecs"], "krylov": d["krylov"],
            "residual": d["residual"], "threads": numba.get_num_threads(),
            "peak_memory_estimate": d["peak_memory_estimate"],
            "maxrss_bytes": _peak_rss(),
            "current": float(r.current)}


def _peak_rss() -> int:
    """Peak resident memory of this process in bytes: VmHWM, which starts afresh at exec
    (``ru_maxrss`` keeps the parent's peak across fork and exec), else ``ru_maxrss``."""
    peak = proc_bytes("/proc/self/status", "VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def large(name: str, L: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--one", name, str(L)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(quick: bool = False, full: bool = False, out: Path | str = OUT) -> dict:
    """All three tables; writes ``ed_matfree_benchmarks.json`` to ``out``."""
    size = "quick" if quick else "default"
    results = {"matvec": matvec(MATVEC[size]),
               "steady_state": [compare(n, L) for n, L in COMPARE[size]],
               "large": [large(n, L) for n, L in LARGE["full" if full else size]],
               "dynamics": dynamics(DYNAMICS[size])}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ed_matfree_benchmarks.json").write_text(json.dumps(
        {**results, "quick": quick, "full": full, "provenance": provenance()}, indent=1))
    return results


def format_tables(results: dict) -> str:
    m = results["matvec"]
    lines = [f"block Liouvillian of model 1, L={m['L']} ({m['block_dim']} unknowns, "
             f"{m['sparse_nnz']} sparse entries, {m['sparse_bytes'] / 1e6:.0f} MB; matrix-free "
             f"{m['matfree_bytes'] / 1e6:.1f} MB)",
             f"  sparse S@x {m['sparse_s'] * 1e3:.2f} ms   matrix-free 1 thread "
             f"{m['matfree_1thread_s'] * 1e3:.2f} ms   {m['threads']} threads "
             f"{m['matfree_threads_s'] * 1e3:.2f} ms   ratio {m['sparse_over_matfree']:.2f}"
             f"   build {m['build_sparse_s']:.2f} s / {m['build_matfree_s']:.2f} s",
             "", f"{'model':<14}{'L':>4}{'block':>10}{'sparse [s]':>12}{'matfree [s]':>13}"
             f"{'ratio':>7}{'matvecs':>9}{'max|dn|':>10}"]
    for r in results["steady_state"]:
        lines.append(f"{r['model']:<14}{r['L']:>4}{r['block_dim']:>10}{r['sparse_s']:>12.2f}"
                     f"{r['matrix-free_s']:>13.2f}{r['sparse_over_matfree']:>7.1f}"
                     f"{r['matvecs']:>9}{r['max_dn']:>10.1e}")
    lines += ["", f"{'model':<14}{'L':>4}{'block':>11}{'time [s]':>10}{'matvecs':>9}"
                  f"{'threads':>8}{'est. [MB]':>11}{'maxrss [MB]':>12}{'residual':>10}"]
    for r in results["large"]:
        lines.append(f"{r['model']:<14}{r['L']:>4}{r['block_dim']:>11}{r['seconds']:>10.1f}"
                     f"{r['matvecs'] + r['check_matvecs']:>9}{r['threads']:>8}"
                     f"{r['peak_memory_estimate'] / 1e6:>11.0f}{r['maxrss_bytes'] / 1e6:>12.0f}"
                     f"{r['residual']:>10.1e}")
    r = results["dynamics"]
    lines += ["", f"ed.evolve, model 1, L={r['L']} ({r['block_dim']} unknowns) to t={r['t_max']:g}:"
                  f" sparse {r['sparse_s']:.2f} s, matrix-free {r['matrix-free_s']:.2f} s "
                  f"({r['matvecs']} matvecs), ratio {r['sparse_over_matfree']:.2f}, "
                  f"max|dI| {r['max_dI']:.1e}"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true")
    group.add_argument("--full", action="store_true", help="add model 1 L=16, model 2 L=8")
    group.add_argument("--one", nargs=2, metavar=("MODEL", "L"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(large_one(args.one[0], int(args.one[1]))))
        return 0
    print(format_tables(run(args.quick, args.full, args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
