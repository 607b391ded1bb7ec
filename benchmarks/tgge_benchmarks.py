"""Benchmarks of the tGGE solver: right-hand-side kernels and steady-state wall time.

Part 1 times one evaluation of the rate-equation right-hand side against the number of modes
M for the dense Numba kernel (baseline, O(M^2)), the factorized Numba kernel (O(RM)) and
plain numpy, on the same rank-2 rates of ``NonreciprocalChain(L=M, gamma_neq=0.5)``, after
checking that the three agree. Part 2 times ``tgge.steady_state`` against L for both chains
of the rectification paper. Run as a script::

    python benchmarks/tgge_benchmarks.py [--quick] [--out data/benchmarks]

which prints both tables and writes ``tgge_benchmarks.json`` and ``tgge_benchmarks.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402

from manybody import tgge  # noqa: E402
from manybody.models import NonreciprocalChain, RashbaZeemanChain  # noqa: E402
from manybody.provenance import provenance  # noqa: E402

FULL = {"M": (256, 512, 1024, 2048, 4096, 8192), "L": (10**2, 10**3, 10**4, 10**5, 10**6)}
QUICK = {"M": (256, 512), "L": (10**2, 10**3)}
MODELS = {"NonreciprocalChain": NonreciprocalChain, "RashbaZeemanChain": RashbaZeemanChain}
AGREEMENT_TOL = 1e-12
TARGETS = {"ness_L": 10**5, "ness_seconds": 1.0, "speedup_M": 4096, "speedup": 100.0}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks"


def time_per_call(fn: Callable[[], object], repeats: int = 5, min_time: float = 0.05) -> float:
    """Seconds per call of ``fn``: the minimum over ``repeats`` timed loops.

    Parameters
    ----------
    fn : callable
        Called without arguments. One warm-up call (numba compilation) comes first.
    repeats : int
        Number of timed loops; the fastest is kept.
    min_time : float
        The calls per loop are doubled until one loop lasts at least this many seconds.

    Returns
    -------
    float
        Seconds per call.
    """
    fn()
    number = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = (time.perf_counter() - t0) / number
        if best * number >= min_time:
            break
        number *= 2
    for _ in range(repeats - 1):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def rhs_inputs(M: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Factorized and dense forms of the rank-2 rates of ``NonreciprocalChain(M)``, and an n."""
    rates = NonreciprocalChain(L=M, gamma_neq=0.5).rates()
    W = np.ascontiguousarray(rates.dense(), dtype=np.float64)
    return {
        "f": np.ascontiguousarray(rates.f, dtype=np.float64),
        "g": np.ascontiguousarray(rates.g, dtype=np.float64),
        "W": W,
        "WT": np.ascontiguousarray(W.T),
        "n": np.random.default_rng(seed).uniform(0.05, 0.95, M),
    }


def kernel_disagreement(inp: dict[str, np.ndarray], tol: float = AGREEMENT_TOL) -> float:
    """Largest disagreement of the three kernels, relative to max |rhs|.

    Parameters
    ----------
    inp : dict
        Output of :func:`rhs_inputs`.
    tol : float
        Largest acceptable relative difference.

    Returns
    -------
    float
        max(|factorized - dense|, |numpy - dense|) / max |numpy|.

    Raises
    ------
    AssertionError
        If the disagreement is not below ``tol``.
    """
    dense, fact = np.empty_like(inp["n"]), np.empty_like(inp["n"])
    tgge.rhs_dense(inp["W"], inp["WT"], inp["n"], dense)
    tgge.rhs_factorized(inp["f"], inp["g"], inp["n"], fact)
    ref = tgge.rhs_numpy(inp["W"], inp["n"])
    scale = max(np.abs(ref).max(), 1e-300)
    err = max(np.abs(fact - dense).max(), np.abs(ref - dense).max()) / scale
    if not err < tol:
        raise AssertionError(f"tGGE kernels disagree at M={inp['n'].size}: {err:.3e} >= {tol}")
    return float(err)


def bench_rhs(sizes: Sequence[int], repeats: int = 5) -> list[dict]:
    """Seconds per right-hand-side call of the three implementations.

    Parameters
    ----------
    sizes : sequence of int
        Numbers of modes M (``NonreciprocalChain(L=M)``).
    repeats : int
        Timed loops per implementation and size (minimum kept).

    Returns
    -------
    list of dict
        Per M: ``seconds`` of each implementation, the two ratios and the disagreement.
    """
    rows = []
    for M in sizes:
        inp = rhs_inputs(M)
        err = kernel_disagreement(inp)
        f, g, W, WT, n = (inp[k] for k in ("f", "g", "W", "WT", "n"))
        out = np.empty_like(n)
        t = {
            "dense": time_per_call(partial(tgge.rhs_dense, W, WT, n, out), repeats),
            "factorized": time_per_call(partial(tgge.rhs_factorized, f, g, n, out), repeats),
            "numpy": time_per_call(partial(tgge.rhs_numpy, W, n), repeats),
        }
        rows.append({"M": M, "rank": int(f.shape[0]), "seconds": t, "rel_disagreement": err,
                     "dense_over_factorized": t["dense"] / t["factorized"],
                     "numpy_over_dense": t["numpy"] / t["dense"]})
    return rows


def bench_ness(sizes: Sequence[int], repeats: int = 3, budget: float = 60.0) -> list[dict]:
    """Wall time of ``tgge.steady_state`` (model construction included) for both models.

    Parameters
    ----------
    sizes : sequence of int
        Ring lengths L (the Rashba-Zeeman chain has 2L modes).
    repeats : int
        Solves per size after one small warm-up solve per model; the minimum is kept.
    budget : float
        Seconds per size: repeats stop once it is used up, and a size whose linear
        extrapolation from the previous one exceeds it is skipped (``skipped=True``).

    Returns
    -------
    list of dict
        Per model and L: ``seconds``, ``repeats``, ``residual``, ``current``, ``iterations``.
    """
    rows = []
    for name, cls in MODELS.items():
        tgge.steady_state(cls(16, gamma_neq=0.5))
        prev = None
        for L in sizes:
            if prev is not None and prev[1] * L / prev[0] > budget:
                rows.append({"model": name, "L": L, "skipped": True})
                continue
            times, spent = [], 0.0
            while len(times) < repeats and spent < budget:
                t0 = time.perf_counter()
                res = tgge.steady_state(cls(L, gamma_neq=0.5))
                times.append(time.perf_counter() - t0)
                spent += times[-1]
            prev = (L, min(times))
            rows.append({"model": name, "L": L, "n_modes": L * len(cls.orbitals),
                         "seconds": min(times), "all_seconds": times, "repeats": len(times),
                         "skipped": False,
                         "residual": res.diagnostics["residual"], "current": res.current,
                         "iterations": res.diagnostics["iterations"]})
    return rows


def check_targets(rhs_rows: list[dict], ness_rows: list[dict]) -> dict:
    """Pass/fail of the issue's targets (``None`` where the size was not measured)."""
    out = {}
    sp = [r["dense_over_factorized"] for r in rhs_rows if r["M"] == TARGETS["speedup_M"]]
    out["kernel_speedup"] = {"target": f">= {TARGETS['speedup']:g}x at M={TARGETS['speedup_M']}",
                             "value": sp[0] if sp else None,
                             "passed": bool(sp[0] >= TARGETS["speedup"]) if sp else None}
    for name in MODELS:
        t = [r["seconds"] for r in ness_rows
             if r["model"] == name and r["L"] == TARGETS["ness_L"] and not r["skipped"]]
        out[f"ness_{name}"] = {"target": f"< {TARGETS['ness_seconds']:g} s at L=1e5",
                               "value": t[0] if t else None,
                               "passed": bool(t[0] < TARGETS["ness_seconds"]) if t else None}
    return out


def machine_info() -> dict:
    """CPU count, thread settings and library versions of this machine."""
    info = Path("/proc/cpuinfo")
    names = [ln.split(":", 1)[1].strip() for ln in info.read_text().splitlines()
             if ln.startswith("model name")] if info.exists() else []
    cpu = names[0] if names else platform.processor()
    return {"cpu_count": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
            "numpy": np.__version__, "numba": numba.__version__,
            "numba_threads": numba.config.NUMBA_NUM_THREADS}


def format_tables(results: dict) -> str:
    """Both result tables and the targets as readable text."""
    lines = ["RHS time per call [s] (NonreciprocalChain rates, rank 2)",
             f"{'M':>6} {'dense':>10} {'factorized':>11} {'numpy':>10} {'dense/fact':>11} "
             f"{'numpy/dense':>11} {'rel.diff':>9}"]
    for r in results["rhs"]:
        s = r["seconds"]
        lines.append(f"{r['M']:>6} {s['dense']:>10.3e} {s['factorized']:>11.3e} "
                     f"{s['numpy']:>10.3e} {r['dense_over_factorized']:>11.1f} "
                     f"{r['numpy_over_dense']:>11.2f} {r['rel_disagreement']:>9.1e}")
    lines += ["", "NESS wall time (tgge.steady_state, min over repeats)",
              f"{'model':<19} {'L':>8} {'modes':>8} {'time [s]':>10} {'reps':>4} "
              f"{'residual':>9} {'current':>12}"]
    for r in results["ness"]:
        if r["skipped"]:
            lines.append(f"{r['model']:<19} {r['L']:>8} {'skipped (over time budget)':>30}")
            continue
        lines.append(f"{r['model']:<19} {r['L']:>8} {r['n_modes']:>8} {r['seconds']:>10.4f} "
                     f"{r['repeats']:>4} {r['residual']:>9.1e} {r['current']:>12.8f}")
    lines += ["", "Targets"]
    for key, t in results["targets"].items():
        verdict = {True: "PASS", False: "FAIL", None: "not measured"}[t["passed"]]
        val = "-" if t["value"] is None else f"{t['value']:.4g}"
        lines.append(f"  {key:<30} {t['target']:<22} value={val:<10} {verdict}")
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    """Two log-log panels: RHS time vs M, NESS time vs L with a dashed O(L) guide."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.4), layout="constrained")
    M = [r["M"] for r in results["rhs"]]
    for key, mk in (("dense", "o"), ("factorized", "s"), ("numpy", "^")):
        ax1.loglog(M, [r["seconds"][key] for r in results["rhs"]], mk + "-", label=key)
    ax1.set(xlabel="number of modes M", ylabel="time per RHS call [s]",
            title="tGGE right-hand side")
    ax1.set_xticks(M, [str(m) for m in M])
    ax1.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    for name, mk in zip(MODELS, ("o", "s"), strict=True):
        rows = [r for r in results["ness"] if r["model"] == name and not r["skipped"]]
        ax2.loglog([r["L"] for r in rows], [r["seconds"] for r in rows], mk + "-", label=name)
    done = [r for r in results["ness"] if not r["skipped"]]
    if done:
        top = max(done, key=lambda r: r["L"])
        Ls = np.array(sorted({r["L"] for r in done}), dtype=float)
        ax2.loglog(Ls, top["seconds"] * Ls / top["L"], "k--", lw=1, label="O(L) guide")
    ax2.axhline(TARGETS["ness_seconds"], color="gray", lw=0.8, ls=":", label="1 s target")
    ax2.set(xlabel="ring length L", ylabel="steady-state wall time [s]",
            title="tGGE steady state")
    for ax in (ax1, ax2):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)  # off the data
    fig.suptitle(f"{results['machine']['cpu_count']} CPUs, numba {results['machine']['numba']}")
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run(quick: bool = False, out: Path | str = DEFAULT_OUT, *, budget: float = 60.0) -> dict:
    """Run both benchmarks and write ``tgge_benchmarks.json`` and ``.png`` into ``out``.

    Parameters
    ----------
    quick : bool
        Tiny sizes (M <= 512, L <= 1000), a few seconds in all.
    out : path
        Output directory, created if missing.
    budget : float
        Time budget per NESS size, see :func:`bench_ness`.

    Returns
    -------
    dict
        Everything written to the JSON file.
    """
    sizes = QUICK if quick else FULL
    rhs_rows = bench_rhs(sizes["M"], repeats=3 if quick else 5)
    ness_rows = bench_ness(sizes["L"], repeats=2 if quick else 3, budget=budget)
    results = {
        "parameters": {"quick": quick, "M": list(sizes["M"]), "L": list(sizes["L"]),
                       "gamma_neq": 0.5, "filling": 0.5, "agreement_tol": AGREEMENT_TOL,
                       "ness_budget_seconds": budget, "timer": "time.perf_counter, min"},
        "rhs": rhs_rows,
        "ness": ness_rows,
        "targets": check_targets(rhs_rows, ness_rows),
        "machine": machine_info(),
        "provenance": provenance(),
    }
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "tgge_benchmarks.json").write_text(json.dumps(results, indent=2) + "\n")
    plot(results, out / "tgge_benchmarks.png")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; prints the tables and returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output directory")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="max seconds per NESS size (larger sizes are skipped)")
    args = parser.parse_args(argv)
    results = run(args.quick, args.out, budget=args.budget)
    print(format_tables(results))
    print(f"\nwrote {Path(args.out) / 'tgge_benchmarks.json'} and .png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
