r"""Hard regimes of the MPO engine, measured: bond dimension needed, relaxation time, cost.

For each regime of the Metelmann-Clerk model (persistent-current paper) the script

1. checks the MPO steady state against exact diagonalization of the same model object at
   ``L_small`` (largest deviation of the current profile and of :math:`\langle\sigma^z\rangle`),
2. runs ``L_large`` for a ladder of bond dimensions and reports the bulk current (mean over
   the middle half of the bonds), its change against the largest χ, the smallest χ for which
   that change is below 1e-6, the relaxation time (model units) and the wall time.

Regimes: the reference point of Fig. 5 (alpha = 2, delta = 1); weak dissipation
(r = 0.25 << mu, slow relaxation); alpha close to delta at small mu (large normalized current,
sensitive to both); strong dissipation r = 5 (where cluster mean field fails); the coherent
flux-driven model of Fig. 2 (J = 1.5, lambda = 0.5, kappa = 0.1, a ring, since on an open
chain the flux is a gauge); the sigma^z sigma^z perturbation of Fig. 6. Run
``python benchmarks/mpo_regimes.py [--quick]``; writes ``data/benchmarks/mpo_regimes.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import mpo
from manybody import ed
from manybody.models import MetelmannClerkRing
from manybody.provenance import provenance

OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks"
THETA6 = np.pi / 8  # Fig. 6: r = 1, alpha = cos(theta), delta = sin(theta)


def _minimal(alpha, delta, **kw):
    return lambda L: MetelmannClerkRing.minimal(L, alpha, delta, **kw)


REGIMES = {
    "reference (Fig. 5)": _minimal(2.0, 1.0, boundary="open"),
    "weak dissipation r=0.25": _minimal(0.2, 0.15, boundary="open"),
    "alpha~delta, mu=0.25": _minimal(1.05, 1.0, mu=0.25, boundary="open"),
    "strong dissipation r=5": _minimal(4.0, 3.0, boundary="open"),
    "Fig. 2 coherent (ring)": lambda L: MetelmannClerkRing(
        L, alpha=0, beta=0, gamma=0, delta=0, J=1.5, lam=0.5, kappa=0.1, flux=np.pi / 2),
    "Fig. 6 szsz eps=0.5": _minimal(np.cos(THETA6), np.sin(THETA6), jzz=0.5, boundary="open"),
}
FULL = {"L_small": 8, "L_large": 40, "chis": (8, 16, 32, 64)}
QUICK = {"L_small": 4, "L_large": 6, "chis": (4, 8)}
TOL = 1e-6


def bulk(profile: np.ndarray) -> float:
    n = profile.size
    return float(np.mean(profile[n // 4: n - n // 4]))


def measure(name: str, L_small: int, L_large: int, chis: tuple[int, ...]) -> dict:
    """ED check at ``L_small`` and the χ ladder at ``L_large`` for one regime."""
    build = REGIMES[name]
    small = build(L_small)
    exact = ed.steady_state(small)
    approx = mpo.steady_state(small, max_bond=max(chis), richardson=True, tol=TOL,
                              progress=False)
    row = {"regime": name, "params": small.params() | {"L": None},
           "ed_current_error": float(np.abs(approx.current_profile
                                            - exact.current_profile).max()),
           "ed_sz_error": float(np.abs(approx.sz - exact.sz).max()),
           "ed_current": exact.current, "ladder": []}
    for chi in chis:
        t0 = time.perf_counter()
        r = mpo.steady_state(build(L_large), max_bond=chi, richardson=True, tol=TOL,
                             t_max=5000.0, progress=False)
        row["ladder"].append({"chi": chi, "bulk_current": bulk(r.current_profile),
                              "relaxation_time": r.diagnostics["time"],
                              "bond_dimension": r.diagnostics["bond_dimension"],
                              "discarded_weight": r.diagnostics["discarded_weight"],
                              "trotter_error": r.diagnostics["trotter_error"],
                              "wall_time": time.perf_counter() - t0})
    best = row["ladder"][-1]["bulk_current"]
    for rung in row["ladder"]:
        rung["change_vs_largest_chi"] = abs(rung["bulk_current"] - best)
    enough = [r["chi"] for r in row["ladder"][:-1] if r["change_vs_largest_chi"] < 1e-6]
    row["chi_needed_1e-6"] = enough[0] if enough else None
    return row


def run(quick: bool = False, out: Path | str = OUT) -> list[dict]:
    p = QUICK if quick else FULL
    rows = [measure(name, p["L_small"], p["L_large"], p["chis"]) for name in REGIMES]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mpo_regimes.json").write_text(json.dumps(
        {"parameters": {"quick": quick, **p, "tol": TOL}, "rows": rows,
         "provenance": provenance()}, indent=1, default=str))
    return rows


def format_table(rows: list[dict]) -> str:
    lines = [f"{'regime':<26}{'ED |dI|':>9}{'chi':>5}{'bulk current':>15}{'change':>9}"
             f"{'t_relax':>9}{'wall [s]':>9}"]
    for row in rows:
        for k, rung in enumerate(row["ladder"]):
            head = (f"{row['regime']:<26}{row['ed_current_error']:>9.1e}" if k == 0
                    else " " * 35)
            lines.append(f"{head}{rung['chi']:>5}{rung['bulk_current']:>15.9f}"
                         f"{rung['change_vs_largest_chi']:>9.1e}{rung['relaxation_time']:>9.1f}"
                         f"{rung['wall_time']:>9.1f}")
        lines.append(f"{'':<35}chi needed for 1e-6: {row['chi_needed_1e-6']}")
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
