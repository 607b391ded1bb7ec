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
a finite-size effect). The exact methods' reach follows from the sector limits of
:mod:`manybody.ed` (:func:`exact_reach`); a ring size past every exact method is refused
before any work (it belongs in ``kmc_Ls``), one past some of them is computed by the others
with a warning naming the skipped methods.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
from tqdm.auto import tqdm

from .. import ed, observables, tgge
from .._validate import choice, integer
from ..ed.limits import MAX_EXCLUSION_DIM
from ..ed.solver import MAX_SPARSE_SECTOR_DIM, particle_number
from ..models import NonreciprocalChain, RashbaZeemanChain
from ._output import Check, write_figure

MODELS = {"nonreciprocal": NonreciprocalChain, "rashba-zeeman": RashbaZeemanChain}
EXACT_METHODS = {  # method: (what it is, largest Fock sector manybody.ed builds for it)
    # the exact NESS at every eps and the exact dynamics: the sparse sizes (ed.steady_state
    # itself goes further matrix-free, to MAX_SECTOR_DIM, at about a minute per solve at L=14)
    "ed": ("exact NESS", MAX_SPARSE_SECTOR_DIM),
    "secular": ("secular limit", MAX_SPARSE_SECTOR_DIM),
    "exclusion": ("exclusion process", MAX_EXCLUSION_DIM),
}
MAX_MODES = 62  # a Fock state is one int64 bit pattern (manybody.ed.fock)
EPS_POWER = {"nonreciprocal": 1.0, "rashba-zeeman": 2.0}  # I_exact - I_secular ~ eps^power
CLOSURE_TOL = {"nonreciprocal": 0.01, "rashba-zeeman": 0.03}  # max L|I_excl - I_tGGE(N)| [J]
OUTSIDE = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "frameon": False, "fontsize": 7}


def exact_reach(model: str, filling: float = 0.5) -> dict[str, int]:
    """Largest ring size L of each exact method at ``filling`` (0: none).

    Read from the sector limits of :mod:`manybody.ed` (``MAX_SPARSE_SECTOR_DIM`` for the
    Lindblad NESS, its secular limit and the exact dynamics, ``MAX_EXCLUSION_DIM`` for the
    exclusion process; at most 62 modes): the largest L whose N = filling * M particle
    sector fits.
    """
    choice("model", model, MODELS)
    n_bands = MODELS[model](2, gamma_neq=0.5).n_bands
    reach = dict.fromkeys(EXACT_METHODS, 0)
    for L in range(2, MAX_MODES // n_bands + 1):
        N = filling * L * n_bands
        if abs(N - round(N)) > 1e-9:
            continue  # no integer particle number at this L
        dim = math.comb(L * n_bands, round(N))
        for method, (_, limit) in EXACT_METHODS.items():
            if dim <= limit:
                reach[method] = L
    return reach


def fixed_n_model(model: str, L: int, option: str, filling: float = 0.5, **params):
    """``MODELS[model](L, **params)``, refused unless filling * M is an integer (every exact
    method and the canonical tGGE work at fixed N); the message names ``option``."""
    try:
        particle_number(MODELS[model](L, gamma_neq=0.5), filling)
    except ValueError as err:
        raise ValueError(f"ring size {L} in {option}: {err}") from None
    return MODELS[model](L, **({"gamma_neq": 0.5} | params))


def require_exact(model: str, option: str, Ls, filling: float = 0.5,
                  methods=tuple(EXACT_METHODS)) -> list[str]:
    """Refuse (``ValueError`` naming ``option``) a size in ``Ls`` that none of ``methods``
    reaches, or whose particle number filling * M is not an integer; return one line per
    size that only some of them reach, naming the methods it skips."""
    reach = exact_reach(model, filling)
    limits = ", ".join(f"{EXACT_METHODS[m][0]}: L <= {reach[m]}" for m in methods)
    partial = []
    for L in Ls:
        if all(L > reach[m] for m in methods):
            kmc = ("; larger rings go to --kmc-L (kmc_Ls), where only the tGGE and the Monte "
                   "Carlo exclusion process run") if "exclusion" in methods else ""
            raise ValueError(f"ring size {L} in {option} is beyond the exact methods for "
                             f"{model} at filling {filling} ({limits}){kmc}")
        fixed_n_model(model, L, option, filling)
        skipped = [EXACT_METHODS[m][0] for m in methods if L > reach[m]]
        if skipped:
            partial.append(f"ring size {L} in {option} is computed without the "
                           f"{' and the '.join(skipped)} ({limits})")
    return partial


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
        Ring sizes (even L: periodic rings) with an integer N, each within the reach of at
        least one exact method (:func:`exact_reach`; a warning names the methods a size
        skips); a size past all of them raises ``ValueError`` before any work.
    epsilons : sequence of float
        Couplings of the exact NESS.
    filling : float
        N / M, integer N at every L.
    kmc_Ls : sequence of int
        Further sizes where only the tGGE and the kinetic Monte Carlo exclusion process run.
    kmc_sweeps : int
        Monte Carlo sweeps (hops per mode) of each such size.
    """
    choice("model", model, MODELS)
    params = {"gamma_neq": 0.5} | params
    Ls, kmc_Ls = list(Ls), list(kmc_Ls)
    if not Ls:
        raise ValueError("Ls must hold at least one ring size")
    integer("kmc_sweeps", kmc_sweeps, 1)
    if set(Ls) & set(kmc_Ls):
        raise ValueError(f"ring sizes {sorted(set(Ls) & set(kmc_Ls))} are in both Ls (--L) "
                         "and kmc_Ls (--kmc-L); give each size once")
    for option, sizes in (("Ls (--L)", Ls), ("kmc_Ls (--kmc-L)", kmc_Ls)):
        for L in sizes:  # before any work: the constructors check L and params
            fixed_n_model(model, L, option, filling, **params)
    for e in epsilons:
        MODELS[model](Ls[0], **(params | {"eps": e}))
    for line in require_exact(model, "Ls (--L)", Ls, filling):
        warnings.warn(line, stacklevel=2)
    reach = exact_reach(model, filling)
    rows = []
    for L in tqdm(Ls + kmc_Ls, desc="validate-tgge", disable=not progress):
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
    paths = write_figure(
        fig, out, f"validate_tgge_{model}", parameters, {"rows": rows, "eps_power_fits": fits},
        claim="The tGGE is the eps -> 0 limit of the exact Lindblad NESS up to finite-L "
              "corrections: exact -> secular as eps^p, and the product-measure closure "
              "(exclusion process vs tGGE projected on N) is off by O(1/L).",
        checks=_tgge_checks(rows, fits, model),
        deviations="Not a figure of the paper: it checks the paper's method (Sec. III, "
                   "Ref. [92]) against exact solutions of the Lindblad equation.")
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


def _tgge_checks(rows, fits, model) -> list[Check]:
    """What the validation figure asserts, from the rows it has (small runs assert less).

    * The exact NESS tends to the secular (eps -> 0) one: |I_exact(eps_min) - I_secular|
      <= 0.05 eps_min J at every L (at eps = 0.005 the error is <= 5e-5 J, README).
    * The fitted power of that approach: median over L within 0.3 of 1 (model 1, O(eps)) or
      2 (model 2, where the O(eps) term vanishes for local dephasing).
    * Panel (d): the closure error L|I_excl - I_tGGE(N)| stays below ``CLOSURE_TOL`` for
      L >= 10 (exact exclusion process, or Monte Carlo less two standard errors).
    """
    checks = []
    limit = [(r["L"], min(r["eps"]), abs(r["exact"][int(np.argmin(r["eps"]))] - r["secular"]))
             for r in rows if "exact" in r and "secular" in r]
    if limit:
        eps_min = min(e for _, e, _ in limit)
        checks.append(Check(f"exact NESS -> secular: max_L |I_exact - I_secular| at eps = "
                            f"{eps_min:g} (tol 0.05 eps J)", 0.0, max(d for *_, d in limit),
                            0.05 * eps_min, "exact secular limit"))
    if fits:
        checks.append(Check("power p of |I_exact - I_secular| ~ eps^p: median over L",
                            EPS_POWER[model], float(np.median(list(fits.values()))), 0.3,
                            "perturbation theory in eps"))
    gaps = [r["L"] * max(0.0, abs(r.get("exclusion", r.get("kmc", np.nan))
                                  - r["tgge_canonical"]) - 2 * r.get("kmc_error", 0.0))
            for r in rows if r["L"] >= 10 and ("exclusion" in r or "kmc" in r)]
    if gaps:
        checks.append(Check("closure error: max_{L >= 10} L (|I_excl - I_tGGE(N)| - 2 sigma_KMC)"
                            " [J]", 0.0, float(max(gaps)), CLOSURE_TOL[model],
                            "exclusion process"))
    return checks


def _legend(ax) -> None:
    """A legend right of the panel where it has labelled curves (none without exact rows)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**OUTSIDE)


def _ring_size_axis(ax, Ls) -> None:
    """Log axis of ring sizes with plain labels at powers of two (no 2x10^0, no collisions)."""
    ax.set_xscale("log")
    ticks = [2 ** n for n in range(1, 13) if min(Ls) / 1.5 <= 2 ** n <= max(Ls) * 1.5]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def _plot(rows, fits, model):
    fig, ((a, b), (c, d)) = plt.subplots(2, 2, figsize=(15, 8.5))
    for i, r in enumerate(rows):
        if "exact" not in r:
            continue
        eps = np.array(r["eps"])
        col = f"C{i}"
        if "secular" in r:
            slope = fits.get(str(r["L"]))  # none where |I_exact - I_secular| is round-off
            dev = np.abs(np.array(r["exact"]) - r["secular"])
            above = dev > 1e-14  # round-off (e.g. L = 2, where the NESS does not depend on eps)
            fitted = "" if slope is None else f" (slope {slope:.2f})"
            if above.any():
                a.loglog(eps[above], dev[above], "o-", color=col,
                         label=f"L={r['L']}: exact - secular{fitted}")
        a.loglog(eps, np.abs(np.array(r["exact"]) - r["tgge_canonical"]), "s--", color=col,
                 label=f"L={r['L']}: exact - tGGE(N)")
        b.loglog(eps, r["dn_exact_vs_tgge_canonical"], "s--", color=col, label=f"L={r['L']}")
    a.set(xlabel=r"$\epsilon$", ylabel=r"$|\Delta I|$ [$J$]", title="current error against ε")
    _legend(a)
    b.set(xlabel=r"$\epsilon$", ylabel=r"$\max_q |n_q^{exact} - n_q^{tGGE(N)}|$",
          title="occupation error against ε")
    _legend(b)
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
    c.set(xlabel="L", ylabel="NESS current [$J$]", title="current against L")
    _legend(c)
    for ref, col, name in (("tgge_gc", "C1", "tGGE"), ("tgge_canonical", "C7", "tGGE(N)")):
        gap = [(r["L"], r["L"] * (r["exclusion"] - r[ref])) for r in rows
               if "exclusion" in r and r["L"] >= 10]  # smaller L: shell effects, see panel c
        if gap:
            d.plot(*zip(*gap, strict=True), "o", color=col, label=f"exclusion (exact) - {name}")
        big = [r for r in kmc if r["L"] >= 10]
        if big:
            d.errorbar([r["L"] for r in big], [r["L"] * (r["kmc"] - r[ref]) for r in big],
                       [r["L"] * r["kmc_error"] for r in big], fmt="^", color=col,
                       label=f"exclusion (KMC) - {name}")
    d.axhline(0.0, color="k", lw=0.5)
    sizes = [r["L"] for r in rows]
    _ring_size_axis(c, sizes)
    _ring_size_axis(d, [L for L in sizes if L >= 10] or sizes)
    d.set(xlabel="L", ylabel=r"$L\,(I_{excl} - I_{tGGE})$ [$J$]",
          title="closure error × L (ε → 0, L ≥ 10)")
    _legend(d)
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
    params = {"gamma_neq": 0.5} | params
    require_exact(model, "L (--dynamics-L)", [L], filling, methods=("ed",))
    m = MODELS[model](L, eps=eps, **params)
    times = np.linspace(0.0, t_max, 81)
    exact = ed.evolve(m, times, filling)
    approx = tgge.evolve(m, times, filling=filling)
    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
    lam_e = exact.lambdas.reshape(times.size, -1)
    lam_t = approx.lambdas.reshape(times.size, -1)
    show = np.linspace(0, lam_e.shape[1] - 1, min(6, lam_e.shape[1])).astype(int)
    for i, a_idx in enumerate(show):
        q_pi = m.momenta[a_idx // m.n_bands] / np.pi
        q = {0.0: "0", -1.0: r"-\pi"}.get(round(q_pi, 12), f"{q_pi:g}\\pi")
        band = "" if m.n_bands == 1 else f", \\nu = {'+-'[a_idx % m.n_bands]}"
        a.plot(times, lam_t[:, a_idx], "-", color=f"C{i}", label=f"$q = {q}{band}$")
        a.plot(times[::4], lam_e[::4, a_idx], "o", ms=3, color=f"C{i}")
    a.plot([], [], "k-", label="tGGE")
    a.plot([], [], "ko", ms=3, label="exact")
    a.set(xlabel="$tJ$", ylabel=r"$\lambda_{q}$" if m.n_bands == 1 else r"$\lambda_{q\nu}$",
          title=f"{model}, L={L}, ε={eps}")
    a.legend(**OUTSIDE)
    b.plot(times, approx.current, "k-", label="tGGE")
    b.plot(times, exact.current, "C3o", ms=3, label="exact")
    b.set(xlabel="$tJ$", ylabel="current $I$ [$J$]", title="current")
    b.legend(**OUTSIDE)
    gap = abs(ed.secular_steady_state(m, filling).current
              - tgge.steady_state(m, filling).current)
    N = round(filling * m.n_modes)
    numbers = {"t": times, "lambda_exact": lam_e, "lambda_tgge": lam_t,
               "current_exact": exact.current, "current_tgge": approx.current,
               "max_dn": float(np.abs(exact.occupations - approx.occupations).max()),
               "ness_gap_secular_vs_tgge": gap}
    checks = [
        Check("infinite temperature carries no current: |I(0)|, exact and tGGE", 0.0,
              max(abs(exact.current[0]), abs(approx.current[0])), 1e-12, "symmetry"),
        Check("both dynamics conserve N: max_t |sum_a n_a(t) - N|", 0.0,
              _max_dev(np.c_[exact.particle_number, approx.particle_number], N), 1e-9,
              "U(1) symmetry"),
        Check("tGGE follows the exact current: max_t |I_exact - I_tGGE| within the NESS "
              "finite-L gap |I_secular - I_tGGE| + 0.005 J (transient)", 0.0,
              _max_dev(exact.current, approx.current), gap + 0.005, "exact dynamics"),
    ]
    return write_figure(
        fig, out, f"validate_dynamics_{model}", m.params() | {"t_max": t_max}, numbers,
        claim="From infinite temperature the exact Lindblad dynamics and the tGGE relax on the "
              "same 1/eps time scale to plateaus that differ by the finite-L gap.",
        checks=checks,
        deviations="Not a figure of the paper; the tGGE is grand canonical, the exact dynamics "
                   "at fixed N (the gap at small L, see validate-tgge).")
