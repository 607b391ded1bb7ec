"""Spin ring steady state: the symmetric reduction against qutip.steadystate on the full space.

The minimal Metelmann-Clerk ring (alpha = 2, delta = 1.5, mu = 1): wall times of
``ed.steady_state`` (translation + reflection + parity, Jacobi-GMRES) and of
``qutip.steadystate`` with ``method="iterative-gmres"`` (ILU-preconditioned, the fastest
full-space qutip method here) and ``"direct"``, their ratios in the same run and the current
differences. Run ``python benchmarks/spin_benchmarks.py [--quick]``; writes
``data/benchmarks/spin_benchmarks.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import qutip

from manybody import ed
from manybody.models import MetelmannClerkRing
from manybody.observables import chain_observables
from manybody.provenance import provenance

FULL = {"symmetric": (6, 7, 8, 9, 10, 11, 12), "iterative-gmres": (6, 7, 8), "direct": (6,)}
QUICK = {"symmetric": (5, 6), "iterative-gmres": (5,), "direct": (5,)}
OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks"


def qutip_current(model: MetelmannClerkRing, method: str) -> tuple[float, float]:
    """(wall time, bond-averaged circulating current) of qutip.steadystate on 4^L."""
    H = qutip.Qobj(model.hamiltonian())
    c_ops = [qutip.Qobj(j) for j in model.jumps()]
    t0 = time.perf_counter()
    rho = qutip.steadystate(H, c_ops, method=method)
    elapsed = time.perf_counter() - t0
    return elapsed, chain_observables(model, rho.full())["current"]


def run(quick: bool = False, out: Path | str = OUT) -> list[dict]:
    sizes = QUICK if quick else FULL
    rows = []
    for L in sizes["symmetric"]:
        model = MetelmannClerkRing.minimal(L, alpha=2.0, delta=1.5)
        t0 = time.perf_counter()
        r = ed.steady_state(model)
        row = {"L": L, "unknowns": r.diagnostics["unknowns"], "symmetric_s":
               time.perf_counter() - t0, "current": r.current,
               "residual": r.diagnostics["residual"]}
        for method in ("iterative-gmres", "direct"):
            if L in sizes[method]:
                t, current = qutip_current(model, method)
                row[f"{method}_s"] = t
                row[f"{method}_over_symmetric"] = t / row["symmetric_s"]
                row[f"{method}_current_error"] = abs(current - r.current)
        rows.append(row)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "spin_benchmarks.json").write_text(json.dumps(
        {"rows": rows, "quick": quick, "provenance": provenance()}, indent=1))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    print(f"{'L':>3}{'unknowns':>10}{'symmetric [s]':>15}{'current':>12}"
          f"{'gmres [s]':>11}{'ratio':>8}{'|dI|':>9}{'direct [s]':>12}{'ratio':>8}")
    for r in run(args.quick, args.out):
        cells = []
        for m in ("iterative-gmres", "direct"):
            if f"{m}_s" in r:
                cells += [f"{r[f'{m}_s']:.2f}", f"{r[f'{m}_over_symmetric']:.0f}"]
                if m == "iterative-gmres":
                    cells.append(f"{r[f'{m}_current_error']:.0e}")
            else:
                cells += ["-", "-"] + (["-"] if m == "iterative-gmres" else [])
        print(f"{r['L']:>3}{r['unknowns']:>10}{r['symmetric_s']:>15.3f}{r['current']:>12.7f}"
              f"{cells[0]:>11}{cells[1]:>8}{cells[2]:>9}{cells[3]:>12}{cells[4]:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
