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

import hashlib
import json
import math
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from tqdm.auto import tqdm

from .. import ed, observables, tgge
from .._validate import choice, integer
from ..ed.limits import MAX_EXCLUSION_DIM
from ..ed.solver import MAX_SECTOR_DIM, particle_number
from ..models import NonreciprocalChain, RashbaZeemanChain
from ..result import Result, _jsonable
from ._output import Check, write_figure
from .validation_plot import OUTSIDE, plot_tgge

MODELS = {"nonreciprocal": NonreciprocalChain, "rashba-zeeman": RashbaZeemanChain}
EXACT_METHODS = {  # method: (what it is, largest Fock sector manybody.ed builds for it)
    # the exact NESS and dynamics matrix-free above model 1's L = 12 (steady state: about a
    # minute at L = 14, 25 minutes at L = 16; model 2: 40 minutes at L = 8; dynamics: about
    # 20 s per unit time at L = 14), the secular limit on the degenerate pairs only
    "ed": ("exact NESS", MAX_SECTOR_DIM),
    "secular": ("secular limit", MAX_SECTOR_DIM),
    "exclusion": ("exclusion process", MAX_EXCLUSION_DIM),
    "dynamics": ("exact dynamics", MAX_SECTOR_DIM),
}
NESS_METHODS = ("ed", "secular", "exclusion")  # the steady-state comparison of validate_tgge
MAX_MODES = 62  # a Fock state is one int64 bit pattern (manybody.ed.fock)
EPS_POWER = {"nonreciprocal": 1.0, "rashba-zeeman": 2.0}  # I_exact - I_secular ~ eps^power
CLOSURE_TOL = {"nonreciprocal": 0.01, "rashba-zeeman": 0.03}  # max L|I_excl - I_tGGE(N)| [J]
WICK_L = (64, 128)  # rings of the large-L tGGE state for Wick's dissipative current


def exact_reach(model: str, filling: float = 0.5) -> dict[str, int]:
    """Largest ring size L of each exact method at ``filling`` (0: none).

    Read from the sector limits of :mod:`manybody.ed` (``MAX_SECTOR_DIM`` for the Lindblad
    NESS, its secular limit and the exact dynamics, ``MAX_EXCLUSION_DIM`` for the exclusion
    process; at most 62 modes): the largest L whose N = filling * M particle sector fits.
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
                  methods=NESS_METHODS) -> list[str]:
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


def exact_point(model: str, L: int, eps: float, filling: float, params: dict,
                runs_dir: Path | None = None) -> Result:
    """:func:`manybody.ed.steady_state` of ``MODELS[model](L, eps=eps, **params)``, saved to
    ``runs_dir/<model>_L<L>_eps<eps>_<hash of the other parameters>.json`` when ``runs_dir``
    is given and read back from there by a rerun with the same model parameters and filling
    (the large rings take 20-60 minutes per point: an interrupted run loses at most the point
    it was solving). The file is matched by parameters, not by code version (a read-back
    result has ``diagnostics["read_back_from"]``, and the file its provenance): after a change
    of the solver, delete ``runs_dir``.
    """
    m = MODELS[model](L, **(params | {"eps": eps}))
    tag = hashlib.sha1(json.dumps(_jsonable(params | {"filling": filling}),
                                  sort_keys=True).encode()).hexdigest()[:8]
    path = None if runs_dir is None else Path(runs_dir) / f"{model}_L{L}_eps{eps:g}_{tag}.json"
    if path is not None and path.is_file():
        done = Result.load(path)
        if done.model == _jsonable(m.params()) and done.options["filling"] == filling:
            done.diagnostics["read_back_from"] = str(path)
            return done
    r = ed.steady_state(m, filling)
    if path is not None:
        r.save(path)
    return r


def _max_dev(a, b) -> float:
    return float(np.abs(np.asarray(a) - np.asarray(b)).max())


def validate_tgge(out: str | Path, model: str = "nonreciprocal", Ls=(4, 6, 8, 10),
                  epsilons=(0.5, 0.2, 0.05, 0.02, 0.005), filling: float = 0.5,
                  kmc_Ls=(), kmc_sweeps: int = 50_000, progress: bool = True,
                  exact_epsilons: dict[int, tuple] | None = None,
                  runs_dir: str | Path | None = None, name: str | None = None,
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
    exact_epsilons : dict, optional
        ``{L: epsilons}``: the exact NESS of ring L at these couplings instead of
        ``epsilons`` (model 1 at L = 16 and model 2 at L = 8 take 25-40 minutes per point).
    runs_dir : path, optional
        Where each exact NESS is saved as it is solved (:func:`exact_point`), default
        ``out/exact_runs``; a rerun reads the finished points back.
    name : str, optional
        File stem of the figure and its JSON, default ``validate_tgge_<model>``.
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
    exact_epsilons = {int(L): tuple(e) for L, e in (exact_epsilons or {}).items()}
    if set(exact_epsilons) - set(Ls):
        raise ValueError(f"exact_epsilons names ring sizes {sorted(set(exact_epsilons) - set(Ls))}"
                         f" that are not in Ls (--L) {Ls}")
    for e in {e for eps in [epsilons, *exact_epsilons.values()] for e in eps}:
        MODELS[model](Ls[0], **(params | {"eps": e}))
    runs_dir = Path(out) / "exact_runs" if runs_dir is None else Path(runs_dir)
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
            eps_L = exact_epsilons.get(L, tuple(epsilons))
            exact = [exact_point(model, L, e, filling, params, runs_dir)  # L = 16: 25 min each
                     for e in tqdm(eps_L, desc=f"exact NESS, L={L}", leave=False,
                                   disable=not progress)]
            row |= {"eps": list(eps_L), "exact": [r.current for r in exact],
                    "exact_total": [r.total_current for r in exact],
                    "exact_read_back": ["read_back_from" in r.diagnostics for r in exact],
                    "exact_dissipative": [r.dissipative_currents for r in exact],
                    "exact_dissipative_per_eps": [r.dissipative_currents["nonequilibrium"] / e
                                                  for r, e in zip(exact, eps_L, strict=True)],
                    "dn_exact_vs_tgge_canonical": [_max_dev(r.occupations, can.occupations)
                                                   for r in exact]}
        rows.append(row)
    fits = _fit_eps_power(rows)
    wick = wick_large_L(model, filling, params)
    fig = plot_tgge(rows, fits, model, wick[WICK_L[-1]])
    parameters = MODELS[model](Ls[0], **params).params() | {
        "L": list(Ls), "eps": list(epsilons), "filling": filling, "kmc_L": list(kmc_Ls),
        "kmc_sweeps": kmc_sweeps, "exact_epsilons": {str(L): list(e)
                                                     for L, e in exact_epsilons.items()}}
    paths = write_figure(
        fig, out, name or f"validate_tgge_{model}", parameters,
        {"rows": rows, "eps_power_fits": fits,
         "wick_large_L": {str(k): v for k, v in wick.items()}},
        claim="The tGGE is the eps -> 0 limit of the exact Lindblad NESS up to finite-L "
              "corrections: exact -> secular as eps^p, and the product-measure closure "
              "(exclusion process vs tGGE projected on N) is off by O(1/L).",
        checks=_tgge_checks(rows, fits, model, wick[WICK_L[-1]]),
        deviations="Not a figure of the paper: it checks the paper's method (Sec. III, "
                   "Ref. [92]) against exact solutions of the Lindblad equation.")
    return {"rows": rows, "fits": fits, "wick": wick[WICK_L[-1]], **paths}


def wick_large_L(model: str, filling: float, params: dict) -> dict[int, float]:
    r"""Per :math:`\epsilon`, Wick's dissipative current of the nonequilibrium jumps in the
    grand-canonical tGGE state of rings of ``WICK_L`` sites (the large-L value the exact
    :math:`I_D/\epsilon` tends to; two sizes show its convergence)."""
    out = {}
    for L in WICK_L:
        m = MODELS[model](L, **params)
        n = tgge.steady_state(m, filling).occupations.reshape(-1)
        jumps = m.jumps_by_bath(("nonequilibrium",))["nonequilibrium"]
        out[L] = observables.gge_dissipative_current(m, jumps, n) / m.eps
    return out


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


def _tgge_checks(rows, fits, model, wick: float) -> list[Check]:
    r"""What the validation figure asserts, from the rows it has (small runs assert less).

    * The exact NESS tends to the secular (eps -> 0) one: |I_exact(eps_min) - I_secular|
      <= 0.05 eps_min J at every L (at eps = 0.005 the error is <= 5e-5 J, README).
    * The fitted power of that approach: median over L within 0.3 of 1 (model 1, O(eps)) or
      2 (model 2, where the O(eps) term vanishes for local dephasing).
    * Panel (d): the closure error L|I_excl - I_tGGE(N)| stays below ``CLOSURE_TOL`` for
      L >= 10 (exact exclusion process, or Monte Carlo less two standard errors).
    * Panel (f), where the dissipative current is not small (|Wick| >= 0.01 J, e.g. real
      delta, delta'): the exact :math:`I_D/\epsilon` at the smallest eps tends to Wick's
      large-L value as 1/L: L times the gap at the largest exact L within 10 % of that at the
      one before.
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
    tail = [(r["L"], r["L"] * (r["exact_dissipative_per_eps"][int(np.argmin(r["eps"]))] - wick))
            for r in sorted(rows, key=lambda r: r["L"]) if "exact" in r and r["L"] >= 6]
    if abs(wick) >= 0.01 and len(tail) >= 2:
        (L1, g1), (L2, g2) = tail[-2:]
        checks.append(Check(f"dissipative current -> Wick's large-L value as 1/L: L (I_D/eps - "
                            f"Wick) at L = {L2} within 10 % of L = {L1}", g1, g2,
                            0.1 * abs(g1), "Wick's theorem in the tGGE state"))
    return checks


def validate_dynamics(out: str | Path, model: str = "nonreciprocal", L: int = 10,
                      eps: float = 0.05, t_max: float = 200.0, filling: float = 0.5,
                      progress: bool = True, **params) -> dict:
    r"""Overlay of :math:`\lambda_q(t)` and I(t), exact against tGGE, from infinite temperature.

    Writes ``validate_dynamics_<model>.png/.json``; the tGGE curves are grand canonical (its
    own dynamics); the exact ones come from :func:`manybody.ed.evolve` at the same L and N
    (``progress``: its bar over the times; model 1 at L = 14 takes about an hour).
    """
    params = {"gamma_neq": 0.5} | params
    require_exact(model, "L (--dynamics-L)", [L], filling, methods=("dynamics",))
    m = MODELS[model](L, eps=eps, **params)
    times = np.linspace(0.0, t_max, 81)
    exact = ed.evolve(m, times, filling, progress=progress)
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
