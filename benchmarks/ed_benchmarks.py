"""Exact steady state: momentum block + GMRES against qutip.steadystate on the whole N sector.

Both solve the same model (``NonreciprocalChain(L, gamma_neq=0.5)`` at half filling, and the
Rashba-Zeeman ring); the table gives wall times, their ratio and the largest difference of
the occupations. Run ``python benchmarks/ed_benchmarks.py [--quick]``; it writes
``data/benchmarks/ed_benchmarks.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from manybody import ed
from manybody.models import NonreciprocalChain, RashbaZeemanChain
from manybody.provenance import provenance

FULL = [("nonreciprocal", L) for L in (6, 8)] + [("rashba-zeeman", L) for L in (3, 4)]
QUICK = [("nonreciprocal", 6), ("rashba-zeeman", 3)]
# qutip.steadystate on the whole sector did not finish model 1 at L = 10 in 8 minutes (6 GB)
BLOCK_ONLY = [("nonreciprocal", 10), ("nonreciprocal", 12), ("rashba-zeeman", 5),
              ("rashba-zeeman", 6)]
OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks"


def _model(name: str, L: int):
    return (NonreciprocalChain if name == "nonreciprocal" else RashbaZeemanChain)(
        L, gamma_neq=0.5)


def _timed(model, method):
    t0 = time.perf_counter()
    r = ed.steady_state(model, method=method)
    return time.perf_counter() - t0, r


def run(quick: bool = False, out: Path | str = OUT) -> list[dict]:
    """Time both methods on each size, then the block method alone on the largest sizes."""
    rows = []
    for name, L in QUICK if quick else FULL:
        tb, rb = _timed(_model(name, L), "block")
        td, rd = _timed(_model(name, L), "direct")
        rows.append({"model": name, "L": L, "sector_dim": rb.diagnostics["sector_dim"],
                     "block_dim": rb.diagnostics["solved_dim"], "block_s": tb, "direct_s": td,
                     "direct_over_block": td / tb,
                     "max_dn": float(np.abs(rb.occupations - rd.occupations).max())})
    for name, L in [] if quick else BLOCK_ONLY:
        tb, rb = _timed(_model(name, L), "block")
        rows.append({"model": name, "L": L, "sector_dim": rb.diagnostics["sector_dim"],
                     "block_dim": rb.diagnostics["solved_dim"], "block_s": tb,
                     "direct_s": None, "direct_over_block": None, "max_dn": None})
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ed_benchmarks.json").write_text(json.dumps(
        {"rows": rows, "quick": quick, "provenance": provenance()}, indent=1))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    print(f"{'model':<14}{'L':>4}{'sector':>8}{'block':>9}{'block [s]':>11}{'direct [s]':>12}"
          f"{'ratio':>8}{'max|dn|':>10}")
    for r in run(args.quick, args.out):
        d = "-" if r["direct_s"] is None else f"{r['direct_s']:.3f}"
        q = "-" if r["direct_over_block"] is None else f"{r['direct_over_block']:.1f}"
        dn = "-" if r["max_dn"] is None else f"{r['max_dn']:.1e}"
        print(f"{r['model']:<14}{r['L']:>4}{r['sector_dim']:>8}{r['block_dim']:>9}"
              f"{r['block_s']:>11.3f}{d:>12}{q:>8}{dn:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
