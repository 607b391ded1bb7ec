r"""Hard regimes of the MPO engine, measured: bond dimension needed, relaxation time, cost.

For each regime of the Metelmann-Clerk model (persistent-current paper) the script

1. checks the MPO steady state against exact diagonalization of the same model object at
   ``L_small`` (largest deviation of the current profile and of :math:`\langle\sigma^z\rangle`),
2. measures how compressible the exact steady state at ``L_small`` is: the largest bond
   current error of its best MPS approximation of bond dimension χ (SVD truncation of
   vec(ρ), optimal in the 2-norm), a lower bound on what any MPS method at that χ can reach,
   and, where the reduced Liouvillian is small enough for a dense spectrum (rings to L = 8,
   where translations shrink it most), the relaxation time 1/gap of the symmetric sector
   that TEBD from a product state sees,
3. runs ``L_large`` for a ladder of bond dimensions and reports the bulk current (mean over
   the middle half of the bonds), its change against the largest χ, the smallest χ for which
   that change is below 1e-6, the relaxation time (model units) and the wall time.

Regimes: the reference point of Fig. 5 (alpha = 2, delta = 1); weak dissipation
(r = 0.25 << mu, slow relaxation); alpha close to delta at small mu (large normalized current,
sensitive to both); strong dissipation r = 5 (where cluster mean field fails); the coherent
flux-driven model of Fig. 2 (J = 1.5, lambda = 0.5, kappa = 0.1, a ring, since on an open
chain the flux is a gauge); the sigma^z sigma^z perturbation of Fig. 6.

The two routes to the steady state, TEBD (:func:`mpo.steady_state`, Richardson) and the
variational minimization of :math:`\langle\rho|\mathcal L^\dagger\mathcal L|\rho\rangle`
(:func:`mpo.variational_steady_state`), are compared in the same run (wall time, error against
the exact answer) on weak dissipation, the Fig. 5 reference point and the boundary-driven XX
chain (exact by the correlation-matrix solution, :mod:`manybody.ed.xx_chain`).

The Fig. 2 ring has its own sizes (``OVERRIDES``): its exact state at L = 8 needs χ ~ 200 of
256 for 1e-6 (item 2, ``compress_L``), and truncated TEBD does not settle at all there (at
L = 8, χ = 32 and 64 still changed by 3.4e-4 and 4.0e-4 per unit time at t = 2000, 8 and
32 min), so the ladder runs L = 6 at χ = 32, 48 and the full rank 64, tol 1e-5.

Run ``python benchmarks/mpo_regimes.py [--quick]``; prints the tables and writes
``data/benchmarks/mpo_regimes.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import mpo
from manybody import ed
from manybody.ed import xx_chain
from manybody.ed.chain import SymmetricLiouvillian
from manybody.models import BoundaryDrivenXX, MetelmannClerkRing
from manybody.provenance import provenance
from mpo import state

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
FULL = {"L_small": 8, "L_large": 24, "chis": (8, 16, 32), "L_routes": 8, "L_xx": 12,
        "t_max": 2000.0, "tol": 1e-6}
QUICK = {"L_small": 4, "L_large": 6, "chis": (4, 8), "L_routes": 4, "L_xx": 6, "t_max": 100.0,
         "tol": 1e-6}
OVERRIDES = {"Fig. 2 coherent (ring)": {"L_small": 6, "L_large": 6, "chis": (32, 48, 64),
                                        "tol": 1e-5, "t_max": 600.0, "compress_L": 8},
             "Fig. 6 szsz eps=0.5": {"chis": (16, 32, 48, 64)}}  # full run only
OPTIMAL_CHIS = (8, 16, 32, 48, 64, 96, 128, 192)
DENSE_SPECTRUM_MAX = 6000  # reduced Liouvillians up to this size get a dense spectrum
ROUTES = {  # name: (model builder, exact solver, TEBD options, variational options)
    "weak dissipation r=0.36": (_minimal(0.3, 0.2, boundary="open"), ed.steady_state,
                                {"max_bond": 32}, {"max_bond": 32}),
    "reference (Fig. 5)": (_minimal(2.0, 1.0, boundary="open"), ed.steady_state,
                           {"max_bond": 32}, {"max_bond": 32}),
    "XX chain (Znidaric)": (lambda L: BoundaryDrivenXX(L, mu=0.5), xx_chain.steady_state,
                            {"max_bond": 16, "initial": "mixed"},
                            {"max_bond": 8, "local_tol": 1e-12, "max_sweeps": 600}),
}
TOL = 1e-6


def compressibility(model, chis: tuple[int, ...] = OPTIMAL_CHIS) -> dict:
    """Exact steady state of ``model`` by the symmetric ED: current, OSEE at the middle cut,
    the largest bond current error of its optimal MPS truncations to each χ below the full
    rank, and 1/gap of the reduced Liouvillian (NaN if it is too large for a dense spectrum)."""
    red = SymmetricLiouvillian(model)
    coeffs, _ = red.steady_state()
    mps = state.from_dense(red.density_matrix(coeffs))
    exact = state.observables(model, state.to_arrays(mps))
    errors = {}
    for chi in chis:
        if chi >= 4 ** (model.L // 2):
            break
        cut = mps.copy()
        cut.compress(max_bond=chi, cutoff=0.0)
        obs = state.observables(model, state.to_arrays(cut))
        errors[chi] = float(np.abs(obs["current_profile"] - exact["current_profile"]).max())
    tau = np.nan
    if red.matrix.shape[0] <= DENSE_SPECTRUM_MAX:
        rates = -np.linalg.eigvals(red.matrix.toarray()).real
        tau = float(1.0 / np.sort(rates)[1])  # rates[0] = 0: the steady state
    osee = state.operator_entanglement(state.to_arrays(mps))
    return {"current": exact["current"], "osee_middle": float(osee[model.L // 2 - 1]),
            "optimal_truncation_error": errors, "ed_relaxation_time": tau}


def _solve(model, chi: int, t_max: float, tol: float = TOL) -> dict:
    """One Richardson run; a run that does not converge (truncated dynamics that keeps
    oscillating, or slow relaxation past t_max) is recorded, not hidden."""
    t0 = time.perf_counter()
    try:
        r = mpo.steady_state(model, max_bond=chi, richardson=True, tol=tol, t_max=t_max,
                             progress=False)
    except RuntimeError as err:
        return {"chi": chi, "converged": False, "message": str(err),
                "wall_time": time.perf_counter() - t0}
    d = r.diagnostics
    return {"chi": chi, "converged": True, "result": r,
            "bulk_current": r.diagnostics["bulk_current"],
            "error_budget": d["error"], "relaxation_time": d["relaxation_time"],
            "time": d["time"], "bond_dimension": d["bond_dimension"],
            "discarded_weight": d["discarded_weight"], "wall_time": time.perf_counter() - t0}


def measure(name: str, L_small: int, L_large: int, chis: tuple[int, ...], t_max: float,
            tol: float = TOL, compress_L: int | None = None) -> dict:
    """ED check at ``L_small``, compressibility at ``compress_L`` (default ``L_small``) and
    the χ ladder at ``L_large`` for one regime."""
    build = REGIMES[name]
    small = build(L_small)
    exact = ed.steady_state(small)
    check = _solve(small, max(chis), t_max, tol)
    row = {"regime": name, "params": small.params() | {"L": None}, "L_small": L_small,
           "L_large": L_large, "tol": tol, "ed_current": exact.current,
           "ed_converged": check["converged"], "ed_current_error": np.nan,
           "ed_sz_error": np.nan, "compress_L": compress_L or L_small,
           **compressibility(build(compress_L) if compress_L else small), "ladder": []}
    if check["converged"]:
        r = check["result"]
        row["ed_current_error"] = float(np.abs(r.current_profile - exact.current_profile).max())
        row["ed_sz_error"] = float(np.abs(r.sz - exact.sz).max())
    for chi in chis:
        rung = check if (L_large, chi) == (L_small, max(chis)) else \
            _solve(build(L_large), chi, t_max, tol)
        rung = {k: v for k, v in rung.items() if k != "result"}
        row["ladder"].append(rung)
    done = [r for r in row["ladder"] if r["converged"]]
    for rung in done:
        rung["change_vs_largest_chi"] = abs(rung["bulk_current"] - done[-1]["bulk_current"])
    enough = [r["chi"] for r in done[:-1] if r["change_vs_largest_chi"] < 1e-6]
    row["chi_needed_1e-6"] = enough[0] if enough else None
    return row


def compare_routes(name: str, L: int) -> dict:
    """TEBD and the variational route on one model against its exact steady state."""
    build, exact_solver, tebd_options, var_options = ROUTES[name]
    model = build(L)
    exact = exact_solver(model)
    row = {"case": name, "L": L}
    for route, solve, options in (("tebd", mpo.steady_state, tebd_options),
                                  ("variational", mpo.variational_steady_state, var_options)):
        t0 = time.perf_counter()
        r = solve(model, tol=TOL if route == "tebd" else 1e-8, progress=False, **options)
        row[route] = {"wall_time": time.perf_counter() - t0,
                      "current_error": float(np.abs(r.current_profile
                                                    - exact.current_profile).max()),
                      "sz_error": float(np.abs(r.sz - exact.sz).max())}
    row["tebd_over_variational"] = row["tebd"]["wall_time"] / row["variational"]["wall_time"]
    return row


def run(quick: bool = False, out: Path | str = OUT, only: str | None = None) -> dict:
    """All regimes and route comparisons, or ``only`` one of them (its name), written to
    ``out/mpo_regimes.json`` (``mpo_regimes_<only>.json`` for one)."""
    p = QUICK if quick else FULL
    if only is not None and only not in REGIMES and only not in ROUTES:
        raise ValueError(f"only must be one of {sorted(REGIMES) + sorted(ROUTES)}, got {only!r}")
    rows = []
    for name in REGIMES:
        if only in (None, name):
            q = p | ({} if quick else OVERRIDES.get(name, {}))
            rows.append(measure(name, q["L_small"], q["L_large"], q["chis"], q["t_max"],
                                q["tol"], q.get("compress_L")))
    routes = [compare_routes(name, p["L_xx"] if "XX" in name else p["L_routes"])
              for name in ROUTES if only in (None, name)]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = "mpo_regimes" if only is None else "mpo_regimes_" + "".join(
        c if c.isalnum() else "_" for c in only)
    (out / f"{stem}.json").write_text(json.dumps(
        {"parameters": {"quick": quick, **p, "overrides": {} if quick else OVERRIDES},
         "rows": rows, "routes": routes,
         "provenance": provenance()}, indent=1, default=str))
    return {"rows": rows, "routes": routes}


def format_table(results: dict) -> str:
    rows = results["rows"]
    lines = [f"{'regime':<26}{'ED |dI|':>9}{'chi':>5}{'bulk current':>15}{'change':>9}"
             f"{'tau':>9}{'wall [s]':>9}"]
    for row in rows:
        for k, rung in enumerate(row["ladder"]):
            head = (f"{row['regime']:<26}{row['ed_current_error']:>9.1e}" if k == 0
                    else " " * 35)
            if not rung["converged"]:
                lines.append(f"{head}{rung['chi']:>5}  not converged ({rung['wall_time']:.0f} s)")
                continue
            lines.append(f"{head}{rung['chi']:>5}{rung['bulk_current']:>15.9f}"
                         f"{rung['change_vs_largest_chi']:>9.1e}{rung['relaxation_time']:>9.1f}"
                         f"{rung['wall_time']:>9.1f}")
        lines.append(f"{'':<35}chi needed for 1e-6 (tol {row['tol']:g}): "
                     f"{row['chi_needed_1e-6']}")
        best = ", ".join(f"{chi}: {e:.1e}" for chi, e in row["optimal_truncation_error"].items())
        lines.append(f"{'':<35}exact L={row['compress_L']}: OSEE(middle) {row['osee_middle']:.2f}, "
                     f"ED tau {row['ed_relaxation_time']:.1f}, optimal truncation |dI| {best}")
    lines += ["", f"{'routes':<26}{'L':>4}{'TEBD [s]':>10}{'|dI|':>9}{'|dsz|':>9}"
              f"{'var. [s]':>10}{'|dI|':>9}{'|dsz|':>9}{'TEBD/var':>10}"]
    for r in results["routes"]:
        t, v = r["tebd"], r["variational"]
        lines.append(f"{r['case']:<26}{r['L']:>4}{t['wall_time']:>10.1f}"
                     f"{t['current_error']:>9.1e}{t['sz_error']:>9.1e}{v['wall_time']:>10.1f}"
                     f"{v['current_error']:>9.1e}{v['sz_error']:>9.1e}"
                     f"{r['tebd_over_variational']:>10.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--only", choices=sorted(REGIMES) + sorted(ROUTES),
                        help="run one regime or route comparison (the full set takes long)")
    args = parser.parse_args(argv)
    print(format_table(run(args.quick, args.out, args.only)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
