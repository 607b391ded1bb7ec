r"""Where the MPO engine's time goes: per step of the open chain (L = 40, α = 2, δ = 1, μ = 1,
dt = 0.05, order 2, cutoff 0, every bond saturated at χ, one worker, one BLAS thread), the
time in LAPACK's SVD and QR and in everything else, and the SVD's flop rate against a large
matrix product on the same core (the machine's limit).

Flops of a thin SVD with both factors of an m x n matrix (m >= n), the R-SVD count of Golub
and Van Loan (Matrix Computations, 4th ed., Fig. 8.6.1): :math:`4m^2n + 8mn^2 + 9n^3`; of a
product of n x n matrices :math:`2n^3`. The SVD and the QR are timed by wrapping
:func:`mpo.halves.svd` and :func:`mpo.halves.qr` (in the sweeps and in the split and join of
the middle bond); the rest (matrix products, reshapes, the
truncation, the trace) is the remainder of the step.

Run ``python benchmarks/mpo_profile.py [--quick]``; prints the table and writes
``data/benchmarks/mpo_profile.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from manybody.models import MetelmannClerkRing
from manybody.provenance import provenance
from mpo import halves, state, superop, tebd

OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks"
FULL = {"L": 40, "chis": (8, 16, 32, 64), "steps": 20, "matmul_n": 2048}
QUICK = {"L": 8, "chis": (4, 8), "steps": 4, "matmul_n": 256}
DT = 0.05


def svd_flops(m: int, n: int) -> float:
    """Flops of a thin SVD with both factors (module docstring)."""
    m, n = max(m, n), min(m, n)
    return 4.0 * m * m * n + 8.0 * m * n * n + 9.0 * n**3


def matmul_rate(n: int, repeats: int = 5) -> float:
    """Flops per second of an n x n real matrix product, the fastest of ``repeats``."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(n, n)), rng.normal(size=(n, n))
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n**3 / best


def profile_row(L: int, chi: int, steps: int) -> dict:
    """Time per step and its parts at bond dimension χ (module docstring)."""
    model = MetelmannClerkRing.minimal(L, 2.0, 1.0, boundary="open")
    gens = superop.bond_generators(model)
    ev = tebd.TEBD(state.to_arrays(state.product_state(L, "down")), gens, DT, chi, 0.0)
    ev.evolve(max(4, int(np.ceil(np.log(chi) / np.log(4))) + 4))  # saturate every bond
    spent = {"svd": 0.0, "qr": 0.0, "svd_flops": 0.0}
    svd, qr = halves.svd, halves.qr

    def timed_svd(m):
        t0 = time.perf_counter()
        out = svd(m)
        spent["svd"] += time.perf_counter() - t0
        spent["svd_flops"] += svd_flops(*m.shape)
        return out

    def timed_qr(m):
        t0 = time.perf_counter()
        out = qr(m)
        spent["qr"] += time.perf_counter() - t0
        return out

    ev = tebd.TEBD(ev.arrays, gens, DT, chi, 0.0, workers=1)
    modules = (halves, tebd)  # the sweeps, and the split and join of the middle bond
    for module in modules:
        module.svd, module.qr = timed_svd, timed_qr
    try:
        t0 = time.perf_counter()
        ev.evolve(steps)
        total = time.perf_counter() - t0
    finally:
        for module in modules:
            module.svd, module.qr = svd, qr
    return {"chi": chi, "L": L, "steps": steps, "ms_per_step": 1e3 * total / steps,
            "svd_fraction": spent["svd"] / total, "qr_fraction": spent["qr"] / total,
            "other_fraction": 1 - (spent["svd"] + spent["qr"]) / total,
            "svd_flop_rate": spent["svd_flops"] / spent["svd"]}


def run(quick: bool = False, out: Path | str = OUT) -> dict:
    p = QUICK if quick else FULL
    with threadpool_limits(limits=1, user_api="blas"):
        peak = matmul_rate(p["matmul_n"])
        rows = [profile_row(p["L"], chi, p["steps"]) for chi in p["chis"]]
    for row in rows:
        row["svd_over_matmul"] = row["svd_flop_rate"] / peak
    results = {"matmul_flop_rate": peak, "matmul_n": p["matmul_n"], "rows": rows}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mpo_profile.json").write_text(json.dumps(
        {"parameters": {"quick": quick, **p, "dt": DT}, "results": results,
         "provenance": provenance()}, indent=1, default=float))
    return results


def format_table(results: dict) -> str:
    lines = [f"one core: {results['matmul_n']}^2 matrix product "
             f"{results['matmul_flop_rate'] / 1e9:.1f} GFLOP/s",
             f"{'chi':>5}{'ms/step':>10}{'SVD':>7}{'QR':>7}{'other':>7}{'SVD GFLOP/s':>13}"
             f"{'of matmul':>11}"]
    lines += [f"{r['chi']:>5}{r['ms_per_step']:>10.1f}{100 * r['svd_fraction']:>6.0f}%"
              f"{100 * r['qr_fraction']:>6.0f}%{100 * r['other_fraction']:>6.0f}%"
              f"{r['svd_flop_rate'] / 1e9:>13.2f}{100 * r['svd_over_matmul']:>10.0f}%"
              for r in results["rows"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    print(format_table(run(args.quick, args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
