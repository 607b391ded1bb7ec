r"""MPO engine benchmarks: cost against a plain numpy TEBD and quimb's TEBD, convergence in
χ, dt and order, time to the steady state against L and χ, time to an accuracy.

Model: the open Metelmann-Clerk chain (alpha = 2, delta = 1, mu = 1), the setting of Fig. 5
(lower panel) of the persistent-current paper, and for the ring cost its periodic ring.

1. **Cost** per site per unit time against χ for :class:`mpo.tebd.TEBD` on one and two
   workers and, in the same run on the same state, a plain numpy TEBD
   (:func:`plain_strang_step`: complex arrays, an SVD per gate with the singular values
   pushed right, no orthogonality centre, no merged half steps) and quimb's generic TEBD
   driven with the same bond generators (:func:`quimb_tebd`, what a quimb user would
   write). All start from the same state with every bond saturated at χ (cutoff 1e-14, the
   smallest at which the engine splits gates through the Gram matrix), order 2;
   the current profiles they reach are compared. The same for the **ring** (alpha = 2,
   delta = 1.5, L = 32; :func:`ring_cost_rows`): the engine in its folded order on one and two
   workers against quimb's TEBD on a periodic MPS (:func:`quimb_ring_tebd`), and, at L = 4
   where the engine is exact, quimb's deviation from it.
2. **Convergence** of the bulk current (mean over the middle half of the bonds) against χ at
   fixed dt, and against dt for Trotter order 2 and 4, each relative to a reference run
   (largest χ, fourth order, smallest dt, Richardson).
3. **Relaxation**: simulated time and wall time to reach the steady state (change of the
   current profile below ``tol`` per unit time) against L at fixed χ and against χ at fixed L.
4. **Time to accuracy** (:func:`accuracy_rows`): wall time to the bulk current of the L = 40
   chain within ``TARGET`` = 1e-6 of a reference, for the engine (with and without its error
   budget, one and two workers) and quimb's TEBD stopped when the bulk current settles,
   each with settings chosen for that target (fourth order, dt = 0.05, χ = 24).

Run ``python benchmarks/mpo_benchmarks.py [--quick]``; prints the tables and writes
``data/benchmarks/mpo_benchmarks.json`` and ``.png``. Set ``OMP_NUM_THREADS=1`` (the SVDs
are small; BLAS threading slows them down on two cores).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import quimb.tensor as qtn  # noqa: E402
from scipy.linalg import expm  # noqa: E402

import mpo  # noqa: E402
from manybody.models import MetelmannClerkRing  # noqa: E402
from manybody.provenance import provenance  # noqa: E402
from mpo import state, superop  # noqa: E402
from mpo.steady import TRUNCATION_CUTOFF_FACTOR, TRUNCATION_SAFETY  # noqa: E402
from mpo.tebd import TEBD, reorder, site_order  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "data" / "benchmarks"
FULL = {"cost_L": 40, "cost_chi": (8, 16, 32, 64), "cost_steps": 20,
        "ring_L": 32, "ring_chi": (8, 16, 32, 64),
        "conv_L": 20, "conv_chi": (4, 6, 8, 12, 14, 16, 24), "conv_dt": (0.2, 0.1, 0.05),
        "ref_chi": 32, "ref_dt": 0.025,
        "relax_L": (10, 20, 40, 80), "relax_chi": (8, 16, 32), "relax_fixed": (16, 40),
        "acc_L": 40, "acc_ref": {"max_bond": 64, "dt": 0.025, "order": 4, "tol": 1e-8,
                                 "cutoff": 1e-16},
        "acc_engine": {"max_bond": 24, "dt": 0.05, "order": 4, "tol": 1e-7},
        "acc_quimb": {"chi": 24, "dt": 0.05, "order": 4, "tol": 1e-7, "t_max": 200.0}}
QUICK = {"cost_L": 8, "cost_chi": (4, 8), "cost_steps": 4,
         "ring_L": 6, "ring_chi": (4, 8),
         "conv_L": 6, "conv_chi": (4, 8), "conv_dt": (0.2, 0.1),
         "ref_chi": 16, "ref_dt": 0.05,
         "relax_L": (4, 6), "relax_chi": (4, 8), "relax_fixed": (8, 6),
         "acc_L": 8, "acc_ref": {"max_bond": 16, "dt": 0.1, "order": 4, "tol": 1e-5},
         "acc_engine": {"max_bond": 8, "dt": 0.1, "order": 4, "tol": 1e-4},
         "acc_quimb": {"chi": 8, "dt": 0.1, "order": 4, "tol": 1e-4, "t_max": 50.0}}
DT = 0.05
TOL = 1e-6
TARGET = 1e-6  # accuracy of the bulk current in the time-to-accuracy table
COST_CUTOFF = 1e-14  # mpo.halves.GRAM_CUTOFF: the engine splits gates via the Gram matrix


def chain(L: int) -> MetelmannClerkRing:
    return MetelmannClerkRing.minimal(L, alpha=2.0, delta=1.0, mu=1.0, boundary="open")


def plain_strang_step(arrays: list[np.ndarray], half: list[np.ndarray], full: list[np.ndarray],
                      chi: int) -> None:
    r"""One Strang step :math:`e^{\frac{dt}2\mathcal L_e}e^{dt\mathcal L_o}
    e^{\frac{dt}2\mathcal L_e}` done the straightforward way, in place: every gate contracts
    the two sites, applies the 16x16 gate, splits by a full SVD truncated to ``chi`` and puts
    the singular values on the right tensor; the trace is reset to one at the end."""
    layers = [(range(0, len(arrays) - 1, 2), half), (range(1, len(arrays) - 1, 2), full),
              (range(0, len(arrays) - 1, 2), half)]
    for bonds, gates in layers:
        for b in bonds:
            nl, r = arrays[b].shape[0], arrays[b + 1].shape[2]
            theta = np.einsum("lpm,mqr->lpqr", arrays[b], arrays[b + 1]).reshape(nl, 16, r)
            theta = np.einsum("xy,lyr->lxr", gates[b], theta).reshape(nl * 4, 4 * r)
            u, s, vh = np.linalg.svd(theta, full_matrices=False)
            k = min(chi, s.size)
            arrays[b] = u[:, :k].reshape(nl, 4, k)
            arrays[b + 1] = (s[:k, None] * vh[:k]).reshape(k, 4, r)
    phase, log = state.log_trace(arrays)
    arrays[-1] = arrays[-1] / (phase * np.exp(log))


def quimb_tebd(arrays: list[np.ndarray], generators: list[np.ndarray], chi: int,
               cutoff: float) -> qtn.TEBD:
    r"""What a quimb user writes: quimb's generic :class:`quimb.tensor.TEBD` on the same
    start, bond generators and truncation, with :math:`-\mathcal L_b` as the "Hamiltonian" of
    imaginary-time evolution, so that its gates are :math:`e^{\tau\mathcal L_b}` (complex
    arithmetic, the standard basis, the 2-norm renormalized after each sweep; observables
    divide by the trace)."""
    H = qtn.LocalHam1D(len(arrays), H2={(b, b + 1): -g for b, g in enumerate(generators)})
    return qtn.TEBD(state.from_arrays(arrays), H, imag=True, progbar=False,
                    split_opts={"max_bond": chi, "cutoff": cutoff, "cutoff_mode": "rsum2"})


def _saturation_steps(chi: int) -> int:
    """Steps from a product state after which every bond holds χ (4 values per site)."""
    return max(4, int(np.ceil(np.log(chi) / np.log(4))) + 4)


def _time_engine(start: list[np.ndarray], gens: list[np.ndarray], chi: int, steps: int,
                 best: dict) -> TEBD:
    """``steps`` steps of the engine from ``start`` on one and then two workers, each
    keeping its fastest time in ``best["engine_1"]``, ``best["engine_2"]``; returns the
    two-worker engine."""
    for workers in (1, 2):
        ev = TEBD(start, gens, DT, chi, COST_CUTOFF, workers=workers)
        t0 = time.perf_counter()
        ev.evolve(steps)
        best[f"engine_{workers}"] = min(best[f"engine_{workers}"], time.perf_counter() - t0)
    return ev


def ring(L: int) -> MetelmannClerkRing:
    return MetelmannClerkRing.minimal(L, alpha=2.0, delta=1.5, mu=1.0, boundary="periodic")


def quimb_ring_tebd(L: int, generators: list[np.ndarray], chi: int, cutoff: float) -> qtn.TEBD:
    r"""What a quimb user writes for the ring: quimb's :class:`quimb.tensor.TEBD` with
    ``LocalHam1D(..., cyclic=True)`` on a periodic MPS, from the all-down product state (every
    bond, the closing one included, of dimension one). quimb splits the closing gate
    :math:`e^{\tau\mathcal L_{L-1,0}}` on the periodic bond; a periodic MPS has no canonical
    form, so these truncations are not optimal and their error is not controlled."""
    p0 = qtn.MatrixProductState([state.product_vector("down", 2).astype(complex)
                                 .reshape(1, 1, 4) for _ in range(L)], shape="lrp")
    H = qtn.LocalHam1D(L, H2={(b, (b + 1) % L): -g for b, g in enumerate(generators)},
                       cyclic=True)
    return qtn.TEBD(p0, H, imag=True, progbar=False,
                    split_opts={"max_bond": chi, "cutoff": cutoff, "cutoff_mode": "rsum2"})


def cyclic_profile(model: MetelmannClerkRing, mps: qtn.MatrixProductState) -> np.ndarray:
    r"""Current profile of a periodic quimb MPS of ``model``: the two-site density matrix of
    bond (a, a+1 mod L) is :math:`\mathrm{Tr}[A_a^{p}A_{a+1}^{q}\prod_{k\ne a,a+1}T_k]` with
    the traced transfer matrices :math:`T_k = \sum_p \iota_p A_k^p` taken around the ring."""
    L = model.L
    A = [np.asarray(mps[j].transpose(mps.bond((j - 1) % L, j), mps.site_ind(j),
                                     mps.bond(j, (j + 1) % L)).data, dtype=complex)
         for j in range(L)]
    two = []
    for a, b in model.bonds:
        rest = np.eye(A[b].shape[2], dtype=complex)
        for k in range(b + 1, b + L - 1):
            rest = rest @ state.traced(A[k % L])
            rest = rest / np.abs(rest).max()
        r = state.pair_order(np.einsum("lpm,mqr,rl->pq", A[a], A[b], rest), 2)
        two.append(r / np.trace(r))
    currents = state.bond_currents(model, np.array(two))
    return sum(currents[k] for k in model.PROFILE_PARTS)


def ring_cost_rows(L: int, chis: tuple[int, ...], steps: int, repeats: int = 3) -> dict:
    """The ring (alpha = 2, delta = 1.5, mu = 1): seconds per site per unit time of the engine
    (folded order, one and two workers) and of :func:`quimb_ring_tebd`, each from the
    all-down state evolved (untimed) until every bond is saturated at χ, then timed for
    ``steps`` steps of order 2, alternately ``repeats`` times (the fastest kept); ``quimb_dI``
    the largest difference of their current profiles. ``exact``: the same at L = 4, where
    χ = 16 holds the engine's state without truncation (the engine is then the exact
    splitting, tests/test_mpo.py), quimb at χ = 16 and 64 with cutoff 0 against it after
    t = 1."""
    rows = []
    for chi in chis:
        model = ring(L)
        gens = superop.bond_generators(model)
        warm = _saturation_steps(chi) * DT
        start = reorder(state.to_arrays(state.product_state(L, "down")), site_order(L, True))
        ev = TEBD(start, gens, DT, chi, COST_CUTOFF)
        ev.evolve(round(warm / DT))
        start = ev.arrays
        tq = quimb_ring_tebd(L, gens, chi, COST_CUTOFF)
        tq.update_to(warm, dt=DT, order=2)
        best = dict.fromkeys(("engine_1", "engine_2", "quimb"), np.inf)
        for _ in range(repeats):
            ev = _time_engine(start, gens, chi, steps, best)
            q = qtn.TEBD(tq.pt, tq.H, imag=True, progbar=False, split_opts=tq.split_opts)
            t0 = time.perf_counter()
            q.update_to(steps * DT, dt=DT, order=2)
            best["quimb"] = min(best["quimb"], time.perf_counter() - t0)
        profiles = (state.observables(model, ev.arrays, ev.positions)["current_profile"],
                    cyclic_profile(model, q.pt))
        scale = L * steps * DT
        rows.append({"chi": chi, "L": L, "steps": steps, "repeats": repeats,
                     "bond_dimension": max(a.shape[2] for a in ev.arrays),
                     "quimb_bond_dimension": max(q.pt.bond_sizes()),
                     **{f"{k}_s_per_site_time": v / scale for k, v in best.items()},
                     "workers_speedup": best["engine_1"] / best["engine_2"],
                     "quimb_over_engine": best["quimb"] / best["engine_2"],
                     "quimb_dI": float(np.abs(profiles[1] - profiles[0]).max())})
    model = ring(4)
    gens = superop.bond_generators(model)
    ev = TEBD(reorder(state.to_arrays(state.product_state(4, "down")), site_order(4, True)),
              gens, DT, 16, 0.0)
    ev.evolve(round(1 / DT))
    engine = state.observables(model, ev.arrays, ev.positions)["current_profile"]
    exact = {"L": 4, "time": 1.0, "engine_current_profile": engine.tolist()}
    for chi in (16, 64):
        tq = quimb_ring_tebd(4, gens, chi, 0.0)
        tq.update_to(1.0, dt=DT, order=2)
        exact[f"quimb_{chi}_dI"] = float(np.abs(cyclic_profile(model, tq.pt) - engine).max())
    return {"rows": rows, "exact": exact}


def cost_rows(L: int, chis: tuple[int, ...], steps: int, repeats: int = 3) -> list[dict]:
    """Seconds per site per unit time of the engine (one and two workers), the plain numpy
    TEBD and quimb's TEBD, from the same state with every bond saturated at χ (cutoff
    ``COST_CUTOFF``),
    order 2; the four are timed alternately ``repeats`` times and each keeps its fastest
    run, so that load from other processes does not decide the ratios. ``quimb_dI``: the
    largest difference of the current profiles the engine and quimb reach; both truncate in
    canonical form but in a different order, so at a saturated χ they differ on the scale of
    the truncation error (the plain TEBD truncates without canonical form and is further
    off); their agreement at a controlled accuracy is the time-to-accuracy table."""
    model = chain(L)
    gens = superop.bond_generators(model)
    half = [expm(0.5 * DT * g) for g in gens]
    full = [expm(DT * g) for g in gens]
    rows = []
    for chi in chis:
        ev = TEBD(state.to_arrays(state.product_state(L, "down")), gens, DT, chi, COST_CUTOFF)
        ev.evolve(_saturation_steps(chi))
        start = ev.arrays
        best = dict.fromkeys(("engine_1", "engine_2", "plain", "quimb"), np.inf)
        for _ in range(repeats):
            ev = _time_engine(start, gens, chi, steps, best)
            plain = [a.copy() for a in start]
            t0 = time.perf_counter()
            for _ in range(steps):
                plain_strang_step(plain, half, full, chi)
            best["plain"] = min(best["plain"], time.perf_counter() - t0)
            tq = quimb_tebd(start, gens, chi, COST_CUTOFF)
            t0 = time.perf_counter()
            tq.update_to(steps * DT, dt=DT, order=2)
            best["quimb"] = min(best["quimb"], time.perf_counter() - t0)
        profiles = [state.observables(model, a)["current_profile"]
                    for a in (ev.arrays, state.to_arrays(tq.pt))]
        scale = L * steps * DT
        rows.append({"chi": chi, "L": L, "steps": steps, "repeats": repeats,
                     "bond_dimension": max(a.shape[2] for a in ev.arrays),
                     **{f"{k}_s_per_site_time": v / scale for k, v in best.items()},
                     "workers_speedup": best["engine_1"] / best["engine_2"],
                     "plain_over_engine": best["plain"] / best["engine_2"],
                     "quimb_over_engine": best["quimb"] / best["engine_2"],
                     "quimb_dI": float(np.abs(profiles[1] - profiles[0]).max())})
    return rows


def _quimb_steady(L: int, chi: int, dt: float, order: int, tol: float, t_max: float) -> dict:
    """quimb's TEBD from the all-down state, evolved in steps of one unit of time until the
    bulk current changes by less than ``tol`` per unit time (what a user would write)."""
    model = chain(L)
    t0 = time.perf_counter()
    tq = quimb_tebd(state.to_arrays(state.product_state(L, "down")),
                    superop.bond_generators(model), chi, 1e-12)
    old = np.inf
    while tq.t < t_max:
        tq.update_to(tq.t + 1.0, dt=dt, order=order)
        current = state.bulk_average(state.observables(model, state.to_arrays(tq.pt))
                                     ["current_profile"])
        change, old = abs(current - old), current
        if change < tol:
            break
    return {"bulk_current": current, "time": tq.t, "wall_time": time.perf_counter() - t0,
            "change_per_time": change}


def accuracy_rows(L: int, ref: dict, engine: dict, quimb: dict) -> dict:
    """Time to the bulk current of the open chain to ``TARGET``: a reference run of the
    engine (settings ``ref``, its own error bar), then the engine with and without its error
    budget (Richardson and the truncation check) on one and two workers, and quimb's TEBD
    stopped by the change of the bulk current (settings ``quimb``); each row has its wall
    time and its distance to the reference. The reference is of order 4 (an order-2
    reference's bar, the size of its Richardson correction, was 2.6e-4 at dt = 0.05: too wide to
    judge 1e-6) and its bar is that of the bulk current: the engine's budget takes the largest
    change over all bonds, set by the edge bonds (2.2e-6 for this reference, whose bulk
    current moves by 8e-9 between cutoff 1e-14 and 1e-16), so the truncation part is here
    ``TRUNCATION_SAFETY`` x the change of the bulk current between the reference and a second
    run at ``TRUNCATION_CUTOFF_FACTOR`` x its cutoff, added to the run's Trotter and stopping
    parts. A RuntimeWarning if that bar exceeds a third of ``TARGET``."""
    model = chain(L)
    cutoff = ref.get("cutoff", 1e-12)
    with warnings.catch_warnings():  # the truncation part is measured on the bulk, below
        warnings.filterwarnings("ignore", "MPO steady state: no error bar", RuntimeWarning)
        r, coarse = (mpo.steady_state(model, progress=False, truncation_check=False,
                                      **{**ref, "cutoff": c})
                     for c in (cutoff, TRUNCATION_CUTOFF_FACTOR * cutoff))
    d = r.diagnostics
    truncation = TRUNCATION_SAFETY * abs(d["bulk_current"] - coarse.diagnostics["bulk_current"])
    reference = {**ref, "bulk_current": d["bulk_current"],
                 "error_estimate": d["error_trotter"] + d["error_stopping"] + truncation,
                 "error_parts": {"trotter": d["error_trotter"], "stopping": d["error_stopping"],
                                 "truncation": truncation},
                 "wall_time": d["wall_time"] + coarse.diagnostics["wall_time"]}
    if not reference["error_estimate"] <= TARGET / 3:
        warnings.warn(f"the reference's error bar {reference['error_estimate']:.1e} exceeds "
                      f"TARGET / 3 = {TARGET / 3:.1e}: the errors of the time-to-accuracy "
                      "table are not resolved (raise acc_ref's max_bond or lower its dt)",
                      RuntimeWarning, stacklevel=2)
    rows = []
    for budget, workers in itertools.product((True, False), (1, 2)):
        with warnings.catch_warnings():  # without the budget there is no error bar
            warnings.filterwarnings("ignore", "MPO steady state: no error bar", RuntimeWarning)
            e = mpo.steady_state(model, progress=False, workers=workers, richardson=budget,
                                 truncation_check=budget, **engine)
        rows.append({"code": f"engine, {workers} worker{'s' * (workers > 1)}"
                             + (", error budget" if budget else ""),
                     "bulk_current": e.diagnostics["bulk_current"],
                     "error_bar": e.diagnostics["bulk_error"],
                     "wall_time": e.diagnostics["wall_time"], "time": e.diagnostics["time"]})
    q = _quimb_steady(L, **quimb)
    rows.append({"code": "quimb TEBD", "error_bar": np.nan, **q})
    for row in rows:
        row["error"] = abs(row["bulk_current"] - reference["bulk_current"])
    return {"target": TARGET, "L": L, "engine": engine, "quimb": quimb,
            "reference": reference, "rows": rows}


def convergence_rows(L: int, chis: tuple[int, ...], dts: tuple[float, ...], ref_chi: int,
                     ref_dt: float) -> dict:
    """Bulk current against χ (dt = DT, Richardson) and against dt (orders 2 and 4, with and
    without Richardson), with the deviation from a reference run."""
    model = chain(L)
    run = lambda **kw: mpo.steady_state(model, tol=TOL, progress=False, **kw)  # noqa: E731
    ref = run(max_bond=ref_chi, dt=ref_dt, order=4, richardson=True)
    ref_current = ref.diagnostics["bulk_current"]
    by_chi = []
    for chi in chis:
        r = run(max_bond=chi, dt=DT, richardson=True)
        by_chi.append({"chi": chi, "bulk_current": r.diagnostics["bulk_current"],
                       "error": abs(r.diagnostics["bulk_current"] - ref_current),
                       "discarded_weight": r.diagnostics["discarded_weight"],
                       "wall_time": r.diagnostics["wall_time"]})
    by_dt = []
    for order, richardson, dt in itertools.product((2, 4), (False, True), dts):
        with warnings.catch_warnings():  # without Richardson the bias is what is measured here
            warnings.filterwarnings("ignore", "MPO steady state: no error bar", RuntimeWarning)
            r = run(max_bond=ref_chi, dt=dt, order=order, richardson=richardson)
        current = r.diagnostics["bulk_current"]
        by_dt.append({"order": order, "richardson": richardson, "dt": dt,
                      "bulk_current": current,
                      "error": abs(current - ref_current),
                      "wall_time": r.diagnostics["wall_time"]})
    return {"reference": {"chi": ref_chi, "dt": ref_dt, "order": 4, "richardson": True,
                          "bulk_current": ref_current,
                          "error_estimate": ref.diagnostics.get("error")},
            "by_chi": by_chi, "by_dt": by_dt}


def relaxation_rows(Ls: tuple[int, ...], chis: tuple[int, ...], fixed: tuple[int, int]
                    ) -> dict:
    """Time to the steady state against L (χ = fixed[0]) and against χ (L = fixed[1])."""
    def one(L, chi):
        r = mpo.steady_state(chain(L), max_bond=chi, dt=DT, tol=TOL, progress=False)
        return {"L": L, "chi": chi, "time": r.diagnostics["time"],
                "wall_time": r.diagnostics["wall_time"],
                "relaxation_time": r.diagnostics["relaxation_time"],
                "phase_times": {p["name"]: p["time"] for p in r.diagnostics["phases"]},
                "bulk_current": r.diagnostics["bulk_current"],
                "bond_dimension": r.diagnostics["bond_dimension"]}
    return {"by_L": [one(L, fixed[0]) for L in Ls], "by_chi": [one(fixed[1], c) for c in chis]}


OUTSIDE = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "frameon": False}  # legends


def _plain_ticks(ax, values, axis: str = "x") -> None:
    """Ticks at the measured values with plain labels (a log axis labels its minor ticks
    2x10^1, 3x10^1, ..., which collide)."""
    values = sorted(set(values))
    getattr(ax, f"set_{axis}ticks")(values, [f"{v:g}" for v in values])
    getattr(ax, f"{axis}axis").set_minor_formatter(matplotlib.ticker.NullFormatter())


def plot(results: dict, path: Path) -> None:
    """Four panels: cost, chi convergence, Trotter error, time to the steady state."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), layout="constrained")
    cost = results["cost"]
    ax = axes[0, 0]
    chis = [r["chi"] for r in cost]
    for key, style, label in (("engine_1", "o-", "mpo.tebd, 1 worker"),
                              ("engine_2", "o-", "mpo.tebd, 2 workers"),
                              ("plain", "s--", "plain numpy"), ("quimb", "^--", "quimb TEBD")):
        ax.loglog(chis, [r[f"{key}_s_per_site_time"] for r in cost], style, label=label)
    ring_rows = results["ring_cost"]["rows"]
    for key, style, label in (("engine_2", "o:", "ring, mpo.tebd, 2 workers"),
                              ("quimb", "^:", "ring, quimb periodic TEBD")):
        ax.loglog([r["chi"] for r in ring_rows], [r[f"{key}_s_per_site_time"] for r in ring_rows],
                  style, label=label)
    _plain_ticks(ax, chis)
    ax.set(xlabel=r"bond dimension $\chi$", ylabel=r"wall time per site per unit $t$ [s]",
           title="cost")
    ax.legend(**OUTSIDE)
    conv = results["convergence"]
    ax = axes[0, 1]
    ax.semilogy([r["chi"] for r in conv["by_chi"]],
                [max(r["error"], 1e-16) for r in conv["by_chi"]], "o-")
    _plain_ticks(ax, [r["chi"] for r in conv["by_chi"]])
    ax.set(xlabel=r"bond dimension $\chi$", ylabel=r"$|I_{bulk} - I_{ref}|$ [$\mu$]",
           title=rf"$\chi$ convergence, dt = {DT}")
    ax = axes[1, 0]
    for (order, richardson), marker in zip(itertools.product((2, 4), (False, True)),
                                           ("o-", "o--", "s-", "s--"), strict=True):
        rows = [r for r in conv["by_dt"]
                if r["order"] == order and r["richardson"] == richardson]
        ax.loglog([r["dt"] for r in rows], [max(r["error"], 1e-16) for r in rows], marker,
                  label=f"order {order}" + (" + Richardson" if richardson else ""))
    _plain_ticks(ax, [r["dt"] for r in conv["by_dt"]])
    ax.set(xlabel=r"time step dt [$1/\mu$]", ylabel=r"$|I_{bulk} - I_{ref}|$ [$\mu$]",
           title="Trotter error")
    ax.legend(**OUTSIDE)
    relax = results["relaxation"]
    ax = axes[1, 1]
    Ls = [r["L"] for r in relax["by_L"]]
    ax.plot(Ls, [r["wall_time"] for r in relax["by_L"]], "o-", color="C0",
            label=rf"wall time, $\chi$={relax['by_L'][0]['chi']}")
    twin = ax.twinx()
    twin.plot(Ls, [r["time"] for r in relax["by_L"]], "s--", color="C1",
              label="evolved time to convergence, all phases")
    _plain_ticks(ax, Ls)
    ax.set(xlabel="chain length L", ylabel="wall time [s]", title="time to steady state")
    twin.set_ylabel(r"evolved time $t$ [$1/\mu$]", color="C1")
    ax.legend(handles=ax.get_lines() + twin.get_lines(), loc="upper left",
              bbox_to_anchor=(1.12, 1.0), frameon=False)
    fig.suptitle("open Metelmann–Clerk chain, α = 2, δ = 1, μ = 1")
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run(quick: bool = False, out: Path | str = OUT) -> dict:
    p = QUICK if quick else FULL
    results = {
        "cost": cost_rows(p["cost_L"], p["cost_chi"], p["cost_steps"]),
        "ring_cost": ring_cost_rows(p["ring_L"], p["ring_chi"], p["cost_steps"]),
        "convergence": convergence_rows(p["conv_L"], p["conv_chi"], p["conv_dt"],
                                        p["ref_chi"], p["ref_dt"]),
        "relaxation": relaxation_rows(p["relax_L"], p["relax_chi"], p["relax_fixed"]),
        "accuracy": accuracy_rows(p["acc_L"], p["acc_ref"], p["acc_engine"], p["acc_quimb"]),
    }
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mpo_benchmarks.json").write_text(json.dumps(
        {"parameters": {"quick": quick, **{k: v for k, v in p.items()}, "dt": DT, "tol": TOL},
         "results": results, "provenance": provenance()}, indent=1, default=float))
    plot(results, out / "mpo_benchmarks.png")
    return results


def format_tables(results: dict) -> str:
    lines = ["cost per site per unit time [s] (ratios over the engine on 2 workers)",
             f"{'chi':>5}{'engine 1w':>11}{'engine 2w':>11}{'1w/2w':>7}{'plain':>11}"
             f"{'ratio':>7}{'quimb':>11}{'ratio':>7}{'quimb dI':>10}"]
    lines += [f"{r['chi']:>5}{r['engine_1_s_per_site_time']:>11.2e}"
              f"{r['engine_2_s_per_site_time']:>11.2e}{r['workers_speedup']:>7.2f}"
              f"{r['plain_s_per_site_time']:>11.2e}{r['plain_over_engine']:>7.2f}"
              f"{r['quimb_s_per_site_time']:>11.2e}{r['quimb_over_engine']:>7.2f}"
              f"{r['quimb_dI']:>10.1e}" for r in results["cost"]]
    ring_cost = results["ring_cost"]
    lines += ["", f"ring (alpha = 2, delta = 1.5, L = {ring_cost['rows'][0]['L']}): cost per site "
              "per unit time [s], quimb = TEBD on a periodic MPS",
              f"{'chi':>5}{'engine 1w':>11}{'engine 2w':>11}{'1w/2w':>7}{'quimb':>11}"
              f"{'ratio':>7}{'quimb dI':>10}"]
    lines += [f"{r['chi']:>5}{r['engine_1_s_per_site_time']:>11.2e}"
              f"{r['engine_2_s_per_site_time']:>11.2e}{r['workers_speedup']:>7.2f}"
              f"{r['quimb_s_per_site_time']:>11.2e}{r['quimb_over_engine']:>7.2f}"
              f"{r['quimb_dI']:>10.1e}" for r in ring_cost["rows"]]
    ex = ring_cost["exact"]
    lines.append(f"ring L = 4, t = 1, no truncation in the engine: quimb's periodic TEBD off by "
                 f"{ex['quimb_16_dI']:.1e} (chi = 16) and {ex['quimb_64_dI']:.1e} (chi = 64)")
    acc = results["accuracy"]
    ref = acc["reference"]
    lines += ["", f"time to the bulk current to {acc['target']:g} (L = {acc['L']}), reference "
              f"{ref['bulk_current']:.10f} +- {ref['error_estimate']:.1e} "
              f"({ref['wall_time']:.0f} s)",
              f"{'code':<34}{'current':>15}{'error':>9}{'bar':>9}{'t':>7}{'wall [s]':>10}"]
    lines += [f"{r['code']:<34}{r['bulk_current']:>15.10f}{r['error']:>9.1e}"
              f"{r['error_bar']:>9.1e}{r['time']:>7.1f}{r['wall_time']:>10.1f}"
              for r in acc["rows"]]
    conv = results["convergence"]
    lines += ["", f"bulk current, reference {conv['reference']['bulk_current']:.10f}",
              f"{'chi':>5}{'current':>16}{'error':>10}{'wall [s]':>10}"]
    lines += [f"{r['chi']:>5}{r['bulk_current']:>16.10f}{r['error']:>10.1e}"
              f"{r['wall_time']:>10.1f}" for r in conv["by_chi"]]
    lines += ["", f"{'order':>5}{'Richardson':>11}{'dt':>8}{'current':>16}{'error':>10}"
              f"{'wall [s]':>10}"]
    lines += [f"{r['order']:>5}{r['richardson']!s:>11}{r['dt']:>8.3f}{r['bulk_current']:>16.10f}"
              f"{r['error']:>10.1e}{r['wall_time']:>10.1f}" for r in conv["by_dt"]]
    relax = results["relaxation"]
    lines += ["", "time to steady state", f"{'L':>5}{'chi':>5}{'time':>8}{'wall [s]':>10}"]
    lines += [f"{r['L']:>5}{r['chi']:>5}{r['time']:>8.1f}{r['wall_time']:>10.1f}"
              for r in relax["by_L"] + relax["by_chi"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    print(format_tables(run(args.quick, args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
