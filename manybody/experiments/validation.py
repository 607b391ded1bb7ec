r"""``validate-tgge``: the tGGE against the exact Lindblad NESS, its epsilon -> 0 limits and L.

For each ring size L it computes, at the same model parameters and the same fixed N:

* the exact NESS at every :math:`\epsilon` (:func:`manybody.ed.steady_state`),
* the exact :math:`\epsilon\to 0` NESS at that L (:func:`manybody.ed.secular_steady_state`),
* the exclusion process, the diagonal part of that limit
  (:func:`manybody.ed.exclusion_steady_state`),
* the tGGE, grand canonical and projected onto fixed N (:func:`manybody.tgge.steady_state`),
* beyond the exact reach, the exclusion process by kinetic Monte Carlo
  (:func:`manybody.ed.kmc_steady_state`, rows ``kmc_Ls``, one standard error),
* the order-epsilon dissipative current: exact (:func:`manybody.ed.steady_state`) and by
  Wick's theorem in the tGGE state (:func:`manybody.observables.gge_dissipative_current`).

The differences separate the finite-:math:`\epsilon` error (exact vs secular, expected O(ε)),
the coherences (secular vs exclusion) and the product-measure closure (exclusion vs tGGE,
a finite-size effect). Sizes past an exact method's reach are skipped for that method.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from tqdm.auto import tqdm

from .. import ed, observables, tgge
from ..models import NonreciprocalChain, RashbaZeemanChain
from ._output import write_figure

MODELS = {"nonreciprocal": NonreciprocalChain, "rashba-zeeman": RashbaZeemanChain}
REACH = {  # largest L of each exact method at half filling within minutes on 2 cores
    "nonreciprocal": {"ed": 12, "secular": 12, "exclusion": 20},
    "rashba-zeeman": {"ed": 6, "secular": 6, "exclusion": 10},
}


def _max_dev(a, b) -> float:
    return float(np.abs(np.asarray(a) - np.asarray(b)).max())


def validate_tgge(out: str | Path, model: str = "nonreciprocal", Ls=(4, 6, 8, 10),
                  epsilons=(0.5, 0.2, 0.05, 0.02, 0.005), filling: float = 0.5,
                  kmc_Ls=(), kmc_sweeps: int = 50_000, progress: bool = True,
                  **params) -> dict:
    """Run the comparison, write ``validate_tgge_<model>.png/.json`` into ``out``.

    Parameters
    ----------
    out : path
        Output folder.
    model : {"nonreciprocal", "rashba-zeeman"}
        Which chain; ``params`` are passed to its constructor (default gamma_neq = 0.5).
    Ls : sequence of int
        Ring sizes (even L: periodic rings).
    epsilons : sequence of float
        Couplings of the exact NESS.
    filling : float
        N / M, integer N at every L.
    kmc_Ls : sequence of int
        Further sizes where only the tGGE and the kinetic Monte Carlo exclusion process run.
    kmc_sweeps : int
        Monte Carlo sweeps (hops per mode) of each such size.
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}")
    params = {"gamma_neq": 0.5} | params
    reach = REACH[model]
    rows = []
    for L in tqdm(list(Ls) + list(kmc_Ls), desc="validate-tgge", disable=not progress):
        base = MODELS[model](L, **params)
        gc = tgge.steady_state(base, filling)
        can = tgge.steady_state(base, filling, ensemble="canonical")
        neq = base.jumps_by_bath(("nonequilibrium",))["nonequilibrium"]
        row = {"L": L, "tgge_gc": gc.current, "tgge_canonical": can.current,
               "n_tgge_canonical": can.occupations,
               "gge_dissipative_per_eps": observables.gge_dissipative_current(
                   base, neq, gc.occupations.reshape(-1)) / base.eps}
        if L in kmc_Ls:
            kmc = ed.kmc_steady_state(base, filling, sweeps=kmc_sweeps)
            rows.append(row | {"kmc": kmc.current,
                               "kmc_error": kmc.diagnostics["current_error"],
                               "kmc_sweeps": kmc_sweeps})
            continue
        if L <= reach["exclusion"]:
            exc = ed.exclusion_steady_state(base, filling)
            row |= {"exclusion": exc.current,
                    "dn_exclusion_vs_tgge_canonical": _max_dev(exc.occupations, can.occupations),
                    "dn_exclusion_vs_tgge_gc": _max_dev(exc.occupations, gc.occupations)}
        if L <= reach["secular"]:
            sec = ed.secular_steady_state(base, filling)
            row |= {"secular": sec.current, "secular_coherences": sec.diagnostics["coherences"]}
        if L <= reach["ed"]:
            exact = [ed.steady_state(MODELS[model](L, **(params | {"eps": e})), filling)
                     for e in epsilons]
            row |= {"eps": list(epsilons), "exact": [r.current for r in exact],
                    "exact_total": [r.total_current for r in exact],
                    "exact_dissipative": [r.dissipative_currents for r in exact],
                    "dn_exact_vs_tgge_canonical": [_max_dev(r.occupations, can.occupations)
                                                   for r in exact]}
        rows.append(row)
    fits = _fit_eps_power(rows)
    fig = _plot(rows, fits, model)
    parameters = MODELS[model](Ls[0], **params).params() | {
        "L": list(Ls), "eps": list(epsilons), "filling": filling, "kmc_L": list(kmc_Ls),
        "kmc_sweeps": kmc_sweeps}
    paths = write_figure(fig, out, f"validate_tgge_{model}", parameters,
                         {"rows": rows, "eps_power_fits": fits})
    return {"rows": rows, "fits": fits, **paths}


def _fit_eps_power(rows) -> dict:
    """Slope of log|I_exact(eps) - I_secular| against log eps, per L."""
    fits = {}
    for r in rows:
        if "exact" in r and "secular" in r:
            dev = np.abs(np.array(r["exact"]) - r["secular"])
            ok = dev > 1e-14
            if ok.sum() >= 2:
                fits[str(r["L"])] = float(np.polyfit(np.log(np.array(r["eps"])[ok]),
                                                     np.log(dev[ok]), 1)[0])
    return fits


def _plot(rows, fits, model):
    fig, ((a, b), (c, d)) = plt.subplots(2, 2, figsize=(12, 8.5))
    for i, r in enumerate(rows):
        if "exact" not in r:
            continue
        eps = np.array(r["eps"])
        col = f"C{i}"
        if "secular" in r:
            slope = fits.get(str(r["L"]), np.nan)
            dev = np.abs(np.array(r["exact"]) - r["secular"])
            above = dev > 1e-14  # round-off (e.g. L = 2, where the NESS does not depend on eps)
            a.loglog(eps[above], dev[above], "o-", color=col,
                     label=f"L={r['L']}: exact - secular (slope {slope:.2f})")
        a.loglog(eps, np.abs(np.array(r["exact"]) - r["tgge_canonical"]), "s--", color=col,
                 label=f"L={r['L']}: exact - tGGE(N)")
        b.loglog(eps, r["dn_exact_vs_tgge_canonical"], "s--", color=col, label=f"L={r['L']}")
    a.set(xlabel=r"$\epsilon$", ylabel=r"$|\Delta I|$ [$J$]", title="current error against ε")
    a.legend(fontsize=7, frameon=False)
    b.set(xlabel=r"$\epsilon$", ylabel=r"$\max_q |n_q^{exact} - n_q^{tGGE(N)}|$",
          title="occupation error against ε")
    b.legend(fontsize=7, frameon=False)
    for key, style, label in (("tgge_gc", "k-", "tGGE (grand canonical)"),
                              ("tgge_canonical", "k--", "tGGE projected on N"),
                              ("exclusion", "C1o", "exclusion process (ε→0, diagonal)"),
                              ("secular", "C2s", "exact ε→0 (secular)")):
        pts = [(r["L"], r[key]) for r in rows if key in r]
        if pts:
            c.plot(*zip(*pts, strict=True), style, label=label)
    kmc = [r for r in rows if "kmc" in r]
    if kmc:
        c.errorbar([r["L"] for r in kmc], [r["kmc"] for r in kmc],
                   [r["kmc_error"] for r in kmc], fmt="C1^", label="exclusion process (KMC)")
    for r in rows:
        if "exact" in r:
            c.plot([r["L"]] * len(r["exact"]), r["exact"], "C3x", ms=4)
    c.plot([], [], "C3x", label="exact at each ε")
    c.set(xscale="log", xlabel="L", ylabel="NESS current [$J$]", title="current against L")
    c.legend(fontsize=7, frameon=False)
    for ref, col, name in (("tgge_gc", "C1", "tGGE"), ("tgge_canonical", "C7", "tGGE(N)")):
        gap = [(r["L"], r["L"] * (r["exclusion"] - r[ref])) for r in rows
               if "exclusion" in r and r["L"] >= 10]  # smaller L: shell effects, see panel c
        if gap:
            d.plot(*zip(*gap, strict=True), "o", color=col, label=f"exclusion (exact) - {name}")
        if kmc:
            d.errorbar([r["L"] for r in kmc], [r["L"] * (r["kmc"] - r[ref]) for r in kmc],
                       [r["L"] * r["kmc_error"] for r in kmc], fmt="^", color=col,
                       label=f"exclusion (KMC) - {name}")
    d.axhline(0.0, color="k", lw=0.5)
    d.set(xscale="log", xlabel="L", ylabel=r"$L\,(I_{excl} - I_{tGGE})$ [$J$]",
          title="closure error × L (ε → 0, L ≥ 10)")
    d.legend(fontsize=7, frameon=False)
    fig.suptitle(f"tGGE validation, {model}")
    fig.tight_layout()
    return fig


def validate_dynamics(out: str | Path, model: str = "nonreciprocal", L: int = 10,
                      eps: float = 0.05, t_max: float = 200.0, filling: float = 0.5,
                      **params) -> dict:
    r"""Overlay of :math:`\lambda_q(t)` and I(t), exact against tGGE, from infinite temperature.

    Writes ``validate_dynamics_<model>.png/.json``; the tGGE curves are grand canonical (its
    own dynamics); the exact ones come from :func:`manybody.ed.evolve` at the same L and N.
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}")
    params = {"gamma_neq": 0.5} | params
    m = MODELS[model](L, eps=eps, **params)
    times = np.linspace(0.0, t_max, 81)
    exact = ed.evolve(m, times, filling)
    approx = tgge.evolve(m, times, filling=filling)
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    lam_e = exact.lambdas.reshape(times.size, -1)
    lam_t = approx.lambdas.reshape(times.size, -1)
    show = np.linspace(0, lam_e.shape[1] - 1, min(6, lam_e.shape[1])).astype(int)
    for i, a_idx in enumerate(show):
        a.plot(times, lam_t[:, a_idx], "-", color=f"C{i}")
        a.plot(times[::4], lam_e[::4, a_idx], "o", ms=3, color=f"C{i}")
    a.plot([], [], "k-", label="tGGE")
    a.plot([], [], "ko", ms=3, label="exact")
    a.set(xlabel="$tJ$", ylabel=r"$\lambda$ of selected modes",
          title=f"{model}, L={L}, ε={eps}")
    a.legend(frameon=False)
    b.plot(times, approx.current, "k-", label="tGGE")
    b.plot(times, exact.current, "C3o", ms=3, label="exact")
    b.set(xlabel="$tJ$", ylabel="current [$J$]", title="current")
    b.legend(frameon=False)
    fig.tight_layout()
    numbers = {"t": times, "lambda_exact": lam_e, "lambda_tgge": lam_t,
               "current_exact": exact.current, "current_tgge": approx.current,
               "max_dn": float(np.abs(exact.occupations - approx.occupations).max())}
    return write_figure(fig, out, f"validate_dynamics_{model}", m.params() | {"t_max": t_max},
                        numbers)
