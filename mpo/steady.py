r"""Steady states by real-time TEBD of the vectorized density matrix, with an error budget.

Any :class:`~manybody.models.ProductChain` (local dimension d: spins d = 2, truncated bosons
d = n_max + 1) whose Hamiltonian terms and jumps act on one site or one nearest-neighbour bond
(:func:`mpo.superop.bond_generators`).

The run is a sequence of *phases*, each a relaxation to convergence warm-started from the
previous one:

0. ``"warmup"`` (``warmup=True``) at order 2 and time step 2 dt until the change per unit
   time is below ``WARMUP_TOL_FACTOR`` x ``tol``: the cheap scheme (real arithmetic, half the
   steps) carries the initial product state to within its own time-step bias of the steady
   state, and the accurate phases start from there; it enters no result and no error
   estimate (measured gain: see the ``warmup`` parameter of :func:`steady_state`);
1. ``"main"`` at the time step dt and bond dimension ``max_bond``;
2. ``"fine"`` (``richardson=True``) at dt/2. The fixed point of a splitting of order p
   (:mod:`mpo.splitting`, p = 2 or 4) differs from the true steady state by a bias that runs
   in powers :math:`dt^p, dt^{p+2}, \ldots` (the symmetric schemes' effective generator is
   :math:`\mathcal L + O(dt^p)` with even powers only), so observables are extrapolated,
   :math:`X = (2^pX_{dt/2} - X_{dt})/(2^p - 1) + O(dt^{p+2})`;
3. ``"truncation"`` (``truncation_check=True``) at the last time step and a coarser
   truncation: if the bond dimension χ reached is ``max_bond``, at
   :math:`\chi_r = \max(1, \lfloor 3\chi/4\rfloor)`; if the run was limited by ``cutoff``
   instead (χ < ``max_bond``), at 100 x ``cutoff``.

A phase checks every ``check_interval`` (n steps, Δt = n dt) and stops when the change per
unit time :math:`c_k = \max(\max_b|I_b(t_k) - I_b(t_{k-1})|, \max_j|\langle O_j
\rangle(t_k) - \langle O_j\rangle(t_{k-1})|)/\Delta t` is below ``tol``, O the model's
``SITE_OBSERVABLES`` (:math:`\sigma^z` for spins, n for bosons; the site observable is
included because where the current is small, e.g. at weak dissipation, it can settle long
before ⟨σ^z⟩ does; and, with ``spread_tol``, for translation-symmetric models, the spread
:math:`\max_b I_b - \min_b I_b` is below ``spread_tol``).

Error budget of the reported current (``diagnostics["error"]``, the sum of three parts). Each
part is the largest over bonds and the same bar applies to every bond
(``observables["current_profile_error"]``) and to the bond average: a per-bond difference
crosses zero somewhere along the chain, and at dt = 0.3 (open chain L = 5, α = 2, δ = 1.5) one
bond's error was 44x its own Richardson correction.

- ``error_trotter``: at order 2 the size of the Richardson correction
  :math:`|X - X_{dt/2}| = |X_{dt} - X_{dt/2}|/3`, which exceeds the remaining
  :math:`O(dt^4)` bias while the dt expansion holds, and still did far outside it (largest
  per-bond error over correction 0.9 at dt = 1, open chain L = 5 and ring L = 4, α = 2,
  δ = 1.5 and 1; XX chain L = 6: 0.6). At order 4 the whole difference
  :math:`|X_{dt} - X_{dt/2}|`, 15 times the correction: the fourth-order scheme leaves its
  asymptotic regime early (the ratio :math:`(X_{2dt} - X_{dt})/(X_{dt} - X_{dt/2})`, 16 in
  the regime, was 9-15 at dt = 0.05 but 1-6 at dt = 0.3 and negative on some bonds at
  dt = 0.6-1), and the error of the extrapolation was then 1.6-1.8 times the correction at
  dt = 0.3 and up to 6.1 times at dt = 0.6 (ring L = 4). NaN without Richardson (the bias is
  then unknown, and so is the total).
- ``error_stopping``: the distance to the fixed point left by the stopping rule. With
  geometric relaxation :math:`I(t) - I_\infty \propto e^{-t/\tau}` (and likewise for
  ⟨O_j⟩) the last change
  :math:`\Delta I = c_n\Delta t` and the ratio :math:`q = e^{-\Delta t/\tau}` of successive
  changes give :math:`|I(t_n) - I_\infty| \le \sum_{k\ge1} c_n\Delta t\,q^k =
  c_n\Delta t\,q/(1-q)` (≈ c_n τ for Δt ≪ τ), with q the geometric mean of the last three
  ratios, :math:`q = (c_n/c_{n-3})^{1/3}` (a single ratio is noisy where the decay
  oscillates or truncation adds noise: at L = 20, χ = 16 the changes went 1.39e-6, 1.39e-6,
  1.49e-6, 1.04e-6); :math:`\tau = \Delta t/\ln(1/q)` is reported as ``relaxation_time``.
  The estimate is doubled (``STOPPING_SAFETY``): slower modes taking over make q creep up,
  and the undoubled estimate was measured at 0.97-1.5 of the actual largest per-bond
  distance (minimal chain, L = 5, 6, α = 2 and 0.5, tol = 1e-3..1e-5); before the decay is
  geometric (a loose tol met after two checks) it can be as low as 0.23. Infinite (with a
  warning) if the changes are not decaying (q ≥ 1). A phase that stops at its first check
  takes τ from the main (else the warm-up) phase. With Richardson the two runs' estimates
  combine as :math:`(2^pe_{dt/2} + e_{dt})/(2^p - 1)`.
- ``error_truncation``: ``TRUNCATION_SAFETY`` = 4 times :math:`\max_b|I_b - I_{r,b}|`, the
  change under the coarser truncation of the truncation phase. Measured on the minimal chain
  at L = 7 (reference χ = 26, cutoff 1e-15) the unscaled change was 1.2-7.6 times the actual
  largest per-bond error for ``max_bond`` = 6..12 at cutoff 1e-12 (halving χ instead
  over-estimated by up to 80x; extrapolating in the square root of the discarded weight per
  unit time under-estimated by up to 50x at L = 8), but it fell short elsewhere: by 3.4x on
  the chain L = 5, α = 2, δ = 1 at χ = 12 (full rank 16), order 4, tol 1e-7; by 1.4x on the
  ring L = 6 at χ = 8 (whose error, 2.4e-2, is larger than at χ = 4: convergence in χ is not
  monotonic, so no two-point comparison is a bound). An error falling like 1/χ needs a
  factor 3 (:math:`|I_\chi - I_{3\chi/4}| = \mathrm{err}(\chi)/3`); 4 covers the worst
  case measured (3.4x, catalogue ``tests/test_error_bars.py``, where the bar is then 1.2x
  the error of that bond). Where the singular values end in
  a sharp edge (L = 4: χ = 14 is exact to the cutoff, χ = 13 is off by 2e-4) only the cutoff
  comparison is meaningful, hence the two cases. The default cutoff 1e-12 alone leaves an
  error of 1.2e-6 at L = 7. It is an estimate, not a bound. NaN (with a warning) without
  ``truncation_check``, and at χ = 1, where no coarser truncation exists: a product state
  carries no current on these models (the base version reported I = 0 ± 4e-13 on the ring
  L = 8, exact 0.4846).

Every NaN or infinite part makes the total NaN or infinite and raises a RuntimeWarning that
names the part: a result has an error bar or says that it has none.

Checkpoints (:mod:`mpo.checkpoint`) are written after a convergence check when at least
``checkpoint_interval`` seconds have passed since the last one, and at the end. The engine is
rebuilt from the arrays after every check (a ``TEBD`` from ``arrays`` and the counters), in
resumed and uninterrupted runs alike, so a resumed run repeats the uninterrupted one exactly.
"""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from manybody import _validate
from manybody.models.spin import ProductChain
from manybody.result import Result

from . import checkpoint as ckpt
from . import splitting, state, superop
from .mps_state import MPSState
from .tebd import TEBD, site_order

BLAS_THREADS_ENV = "MPO_BLAS_THREADS"
TRUNCATION_CUTOFF_FACTOR = 100.0  # coarser cutoff of the truncation check (module docstring)
TROTTER_FRACTION = {2: 1 / 3, 4: 1.0}  # error_trotter / max_b|X_dt - X_dt/2| (docstring)
TRUNCATION_SAFETY = 4.0  # factor on the change under the coarser truncation (docstring)
STOPPING_SAFETY = 2.0  # factor on the geometric stopping-rule estimate (module docstring)
WARMUP_TOL_FACTOR = 100.0  # the warm-up phase stops at this times tol (module docstring)
STALL_CHECKS = 20  # out of time, changes not halved (median) over this many checks: stalled
STATE_DIAGNOSTICS = ("rdm_min_eigenvalue", "hermiticity_error")  # not extrapolated in dt


def _jsonable(x):
    """Observables as JSON (arrays to lists; floats keep repr precision)."""
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return x.tolist()
    return float(x) if isinstance(x, (float, np.floating)) else x


def _arrays(x):
    """Inverse of :func:`_jsonable` (lists back to arrays)."""
    if isinstance(x, dict):
        return {k: _arrays(v) for k, v in x.items()}
    return np.asarray(x, dtype=float) if isinstance(x, list) else x


def _combine(coarse, fine, fn):
    """Apply ``fn(coarse, fine)`` to every numeric entry of nested observable dicts."""
    if isinstance(fine, dict):
        return {k: (fine[k] if k in STATE_DIAGNOSTICS else _combine(coarse[k], fine[k], fn))
                for k in fine}
    return fn(np.asarray(coarse), np.asarray(fine)) if np.ndim(fine) else \
        float(fn(coarse, fine))


def _stopping_error(changes: list[float], interval: float,
                    prior_tau: float | None = None) -> tuple[float, float]:
    """``(distance to the fixed point, relaxation time)`` from the changes per unit time of
    the last checks, assuming geometric decay (module docstring); inf if not decaying. A
    phase that stopped at its first check uses the relaxation time ``prior_tau`` of the
    main phase."""
    c = np.asarray(changes[-4:])
    if c[-1] == 0:
        return 0.0, 0.0
    if c.size >= 2:
        q = float((c[-1] / c[0]) ** (1.0 / (c.size - 1)))
    elif prior_tau is not None and np.isfinite(prior_tau):
        q = float(np.exp(-interval / prior_tau))
    else:
        return np.inf, np.inf
    if not q < 1:
        return np.inf, np.inf
    return (float(STOPPING_SAFETY * c[-1] * interval * q / (1 - q)),
            float(interval / np.log(1 / q)))


class _Driver:
    """The state of one run: phases, counters, histories; all of it goes into checkpoints."""

    def __init__(self, model: ProductChain, opts: dict, bar, path: Path | None,
                 interval: float, start: list[np.ndarray], workers: int) -> None:
        self.model, self.opts, self.bar, self.workers = model, opts, bar, workers
        self.path, self.interval = path, interval
        self.generators = superop.bond_generators(model)
        self.positions = site_order(model.L, model.periodic)
        self.params = model.params()
        self.last_save = time.perf_counter()
        self.run: dict = {"phase": 0, "phases": [], "time": 0.0, "steps": 0,
                          "discarded_weight": 0.0, "trace_correction": 0.0, "elapsed": 0.0,
                          "resumed": False}
        self.arrays = start
        self.main: list[np.ndarray] | None = None
        if path is not None:
            loaded = ckpt.load(path, self.params, opts)
            if loaded is not None:
                self.run, arrs = loaded
                self.run["resumed"] = True
                self.arrays, self.main = arrs["A"], arrs.get("M")
                bar.update(self.run.get("bar", 0.0))
        self.t0 = time.perf_counter() - self.run["elapsed"]

    def _watched(self, obs: dict) -> list[float]:
        """What the stopping rule watches: the current profile and the site observables."""
        return np.concatenate([obs["current_profile"],
                               *(obs[k] for k in self.model.SITE_OBSERVABLES)]).tolist()

    def plan(self) -> list[tuple[str, float, int, float]]:
        """``(name, dt, order, tol)`` of every phase."""
        dt, order, tol = self.opts["dt"], self.opts["order"], self.opts["tol"]
        phases = [("warmup", 2 * dt, 2, WARMUP_TOL_FACTOR * tol)] if self.opts["warmup"] else []
        phases += [("main", dt, order, tol)]
        phases += [("fine", dt / 2, order, tol)] if self.opts["richardson"] else []
        return phases + ([("truncation", phases[-1][1], order, tol)]  # the last phase's dt
                         if self.opts["truncation_check"] else [])

    def save(self, force: bool = False) -> None:
        if self.path is None or not (force or time.perf_counter() - self.last_save
                                     >= self.interval):
            return
        self.run["elapsed"] = time.perf_counter() - self.t0
        self.run["bar"] = float(self.bar.n)
        arrays = {"A": self.arrays, **({"M": self.main} if self.main is not None else {})}
        ckpt.save(self.path, self.params, self.opts, self.run, arrays)
        self.last_save = time.perf_counter()

    def execute(self) -> None:
        plan = self.plan()
        while self.run["phase"] < len(plan):
            name, dt, order, tol = plan[self.run["phase"]]
            if "current" not in self.run:  # start of a phase
                chi, cut = self.opts["max_bond"], self.opts["cutoff"]
                if name == "truncation":
                    self.main = [a.copy() for a in self.arrays]
                    reached = max(a.shape[2] for a in self.arrays)
                    if reached < chi:
                        cut = min(TRUNCATION_CUTOFF_FACTOR * cut, 0.5)
                    else:
                        chi = max(1, 3 * reached // 4)
                self.run["current"] = {
                    "name": name, "dt": dt, "order": order, "tol": tol, "max_bond": chi,
                    "cutoff": cut, "changes": [], "start": [self.run["time"], self.run["steps"],
                                                            time.perf_counter() - self.t0],
                    "discard_rates": [],
                    "t_end": self.run["time"] + self.opts["t_max"],
                    "old": self._watched(state.observables(self.model, self.arrays,
                                                           self.positions))}
            self._relax(self.run["current"])
            self.run["phase"] += 1
        if self.main is None:
            self.main = self.arrays
        self.save(force=True)

    def _relax(self, ph: dict) -> None:
        n_check = max(1, int(round(self.opts["check_interval"] / ph["dt"])))
        spread_tol = self.opts["spread_tol"]
        while True:
            ev = TEBD(self.arrays, self.generators, ph["dt"], ph["max_bond"], ph["cutoff"],
                      order=ph["order"], workers=self.workers)
            ev.evolve(n_check)
            self.arrays = ev.arrays
            run = self.run
            run["time"] += ev.time
            run["steps"] += ev.steps
            run["discarded_weight"] += ev.discarded_weight
            run["trace_correction"] = max(run["trace_correction"], ev.trace_correction)
            obs = state.observables(self.model, self.arrays, self.positions)
            profile = obs["current_profile"]
            watched = self._watched(obs)
            change = float(np.abs(np.asarray(watched) - ph["old"]).max() / ev.time)
            spread = float(profile.max() - profile.min())
            ph["changes"].append(change)
            ph["discard_rates"].append(ev.discarded_weight / ev.time)
            ph["old"] = watched
            self.bar.update(ev.time)
            self.bar.set_postfix(phase=ph["name"],
                                 change=f"{change:.1e}", current=f"{obs['current']:.8f}")
            if change < ph["tol"] and (spread_tol is None or spread < spread_tol):
                break
            if run["time"] >= ph["t_end"]:
                what = f"changes by {change:.2e} per unit time (tol={ph['tol']:g})"
                advice = "raise t_max or the tolerance"
                if change < ph["tol"]:
                    what = f"has spread {spread:.2e} over bonds (spread_tol={spread_tol})"
                elif (max(a.shape[2] for a in self.arrays) == ph["max_bond"]
                      and len(ph["changes"]) >= STALL_CHECKS
                      and np.median(ph["changes"][-STALL_CHECKS // 2:])
                      > 0.5 * np.median(ph["changes"][-STALL_CHECKS:-STALL_CHECKS // 2])):
                    advice = (f"the changes stopped decaying over the last {STALL_CHECKS} "
                              f"checks with the bond dimension at its limit {ph['max_bond']}: "
                              "the truncated dynamics does not settle at this bond dimension "
                              "(seen in weakly damped coherent rings); raise max_bond")
                raise RuntimeError(f"MPO steady state ({ph['name']} phase) not reached by "
                                   f"t_max={self.opts['t_max']}: the current profile still "
                                   f"{what}; {advice}")
            self.save()
        two = state.bond_density_matrices(self.model, self.arrays, self.positions)[1]
        pair = state.pair_entanglement(two)
        obs.update(negativity=pair["negativity"], pair_entropy=pair["entropy"],
                   purity=state.purity(self.arrays))
        done = {p["name"]: p for p in self.run["phases"]}  # prior: main's τ, else warm-up's
        prior = done.get("main", done.get("warmup", {})).get("relaxation_time")
        stop, tau = _stopping_error(ph["changes"], n_check * ph["dt"], prior)
        t_start, steps_start, wall_start = ph["start"]
        self.run["phases"].append({
            "name": ph["name"], "dt": ph["dt"], "order": ph["order"], "tol": ph["tol"],
            "max_bond": ph["max_bond"], "cutoff": ph["cutoff"],
            "time": self.run["time"] - t_start, "steps": self.run["steps"] - steps_start,
            "wall_time": time.perf_counter() - self.t0 - wall_start,
            "obs": _jsonable(obs), "change": change, "spread": spread,
            "error_stopping": stop, "relaxation_time": tau,
            "discard_rate": ph["discard_rates"][-1],
            "bond_dimension": max(a.shape[2] for a in self.arrays)})
        del self.run["current"]


def _budget(phases: dict[str, dict], richardson: bool, order: int
            ) -> tuple[dict, dict, np.ndarray]:
    """Reported observables, error diagnostics and per-bond error (module docstring)."""
    gain = 2.0**order  # Richardson: X = (gain X_{dt/2} - X_dt) / (gain - 1)
    main = phases["main"]
    obs = coarse = _arrays(main["obs"])
    trotter, trunc, stop, last = np.nan, np.nan, main["error_stopping"], main
    if richardson:
        fine = phases["fine"]
        fobs = _arrays(fine["obs"])
        obs = _combine(obs, fobs, lambda c, f: (gain * f - c) / (gain - 1))
        difference = np.abs(fobs["current_profile"] - coarse["current_profile"]).max()
        trotter = TROTTER_FRACTION[order] * float(difference)
        stop = (gain * fine["error_stopping"] + main["error_stopping"]) / (gain - 1)
        last = fine
    red = phases.get("truncation")
    # no coarser truncation exists at chi = 1 (unless nothing was truncated): trunc stays NaN
    if red is not None and (red["max_bond"] < last["bond_dimension"]
                            or red["cutoff"] > last["cutoff"]
                            or (last["bond_dimension"] < last["max_bond"]
                                and last["cutoff"] == 0)):
        change = _arrays(last["obs"])["current_profile"] - _arrays(red["obs"])["current_profile"]
        trunc = TRUNCATION_SAFETY * float(np.abs(change).max())
    error = trotter + stop + trunc
    diag = {"error": error, "error_trotter": trotter, "error_stopping": stop,
            "error_truncation": trunc, "relaxation_time": main["relaxation_time"],
            "current_spread": float(obs["current_profile"].max() - obs["current_profile"].min()),
            "change_per_time": last["change"], "bond_dimension": last["bond_dimension"],
            "discard_rate": last["discard_rate"]}
    if red is not None:
        diag["truncation_check"] = {k: red[k] for k in ("max_bond", "cutoff")}
    return obs, diag, np.full_like(obs["current_profile"], error)


def _warn_if_no_error_bar(diag: dict, opts: dict) -> None:
    """RuntimeWarning naming every part of the error budget that is unknown (NaN or inf), so
    that no run reports a current without either an error bar or a warning."""
    unknown = []
    if np.isnan(diag["error_trotter"]):
        unknown.append("the time-step bias (richardson=False)")
    if not np.isfinite(diag["error_stopping"]):
        unknown.append("the stopping-rule error (the changes per unit time were not decaying "
                       "at the last checks: lower tol or raise check_interval)")
    if np.isnan(diag["error_truncation"]):
        unknown.append("the truncation error (truncation_check=False)"
                       if not opts["truncation_check"] else
                       f"the truncation error (bond dimension {diag['bond_dimension']}: no "
                       "coarser truncation to compare with; a product state cannot represent "
                       "the correlations that carry the current: raise max_bond)")
    if unknown:
        warnings.warn(f"MPO steady state: no error bar (error = {diag['error']}): unknown "
                      + "; ".join(unknown), RuntimeWarning, stacklevel=3)


def _blas_threads(blas_threads: int | None) -> int:
    if blas_threads is not None:
        return _validate.integer("blas_threads", blas_threads, 1)
    env = os.environ.get(BLAS_THREADS_ENV)
    if env is None:
        return 1
    try:
        return _validate.integer(BLAS_THREADS_ENV, int(env), 1)
    except ValueError:
        raise ValueError(f"{BLAS_THREADS_ENV} must be an integer >= 1, got {env!r}") from None


def _options(model: ProductChain, *, max_bond, dt, t_max, tol, order, cutoff, initial, warmup,
             richardson, truncation_check, check_interval, spread_tol) -> dict:
    """The options that determine the result (compared on resume), checked by
    :mod:`manybody._validate` before any work: TypeError for a model that is not a
    :class:`~manybody.models.ProductChain`, ValueError naming the option otherwise."""
    _validate.instance("model", model, ProductChain)
    positive = {"open_lo": True}
    opts = {"max_bond": _validate.integer("max_bond", max_bond, 1),
            "dt": _validate.real("dt", dt, 0.0, **positive),
            "t_max": _validate.real("t_max", t_max, 0.0, **positive),
            "tol": _validate.real("tol", tol, 0.0, **positive),
            "order": int(_validate.choice("order", order, sorted(splitting.COEFFICIENTS))),
            "cutoff": _validate.real("cutoff", cutoff, 0.0, 1.0, open_hi=True),
            "initial": (_validate.choice("initial", initial, sorted(state.PRODUCT_STATES))
                        if isinstance(initial, str) else initial),  # a state: see steady_state
            "warmup": _validate.boolean("warmup", warmup),
            "richardson": _validate.boolean("richardson", richardson),
            "truncation_check": _validate.boolean("truncation_check", truncation_check),
            "check_interval": _validate.real("check_interval", check_interval, 0.0, **positive),
            "spread_tol": spread_tol}
    if spread_tol is not None:
        if not model.translation_symmetric:
            raise ValueError("spread_tol applies to translation-symmetric models (rings) only: "
                             "the current profile of an open chain is not uniform")
        opts["spread_tol"] = _validate.real("spread_tol", spread_tol, 0.0, **positive)
    if model.periodic:  # the state's site order (mpo.tebd): a natural-order checkpoint is refused
        opts["site_order"] = "folded"
    return opts


def steady_state(model: ProductChain, max_bond: int = 32, dt: float = 0.05, t_max: float = 500.0,
                 tol: float = 1e-6, *, order: int = 2, cutoff: float = 1e-12,
                 initial: str | object = "down", warmup: bool = True, richardson: bool = True,
                 truncation_check: bool = True,
                 check_interval: float = 1.0, spread_tol: float | None = None,
                 progress: bool = True, checkpoint: str | Path | None = None,
                 checkpoint_interval: float = 60.0,
                 blas_threads: int | None = None, workers: int | None = None) -> Result:
    r"""Steady state of a product chain by real-time TEBD of the vectorized density matrix.

    Parameters
    ----------
    model : ProductChain
        A chain or ring of any local dimension with nearest-neighbour terms and
        ``current_terms(bond)``: :class:`~manybody.models.MetelmannClerkRing` (open or ring),
        :class:`~manybody.models.BoundaryDrivenXX`,
        :class:`~manybody.models.BoseHubbardRing`; any other class is a TypeError, raised
        before any work (as is every invalid option, a ValueError naming it); a term beyond
        nearest neighbours is a ValueError naming the model.
    max_bond : int
        Largest MPS bond dimension χ, >= 1. At χ = 1 (a product state) the truncation error
        cannot be estimated: the error bar is NaN, with a warning.
    dt : float
        TEBD time step, > 0.
    order : {2, 4}
        Order of the splitting (:mod:`mpo.splitting`): bias of the fixed point
        :math:`\propto dt^2` (Strang, real arithmetic) or :math:`dt^4` (complex triple jump,
        about 3x the cost per step, cheaper at equal error below ~1e-6).
    t_max : float
        Longest evolution time per phase, > 0; RuntimeError if not converged by then.
    tol : float
        Convergence: :math:`\max_b|\Delta I_b|/\Delta t` below ``tol`` (> 0).
    cutoff : float
        Largest relative squared singular-value weight dropped per SVD, in [0, 1).
    initial : {"down", "up", "mixed"} or state
        Product initial state (:func:`mpo.state.product_state`: local state d-1, 0 or 1/d on
        every site; for bosons "down" is the vacuum), or a state to start from
        (:func:`mpo.state.initial_arrays`: a result's ``state`` (an MPO or ED steady state of
        a nearby model), a quimb MPS of vec ρ, a dense ρ); recorded in ``options`` as
        ``"state:<hash>"``, so that a checkpoint written from another start is refused.
    warmup : bool
        Start with the cheap warm-up phase (module docstring). Measured on the open chain
        (α = 2, δ = 1.5, same runs with and without): L = 40, χ = 12, order 4, tol 1e-7:
        28 s against 60 s, bulk currents 1.1e-7 apart (error bars 7.1e-7); L = 20, χ = 16,
        order 2, tol 1e-6: 5.7 s against 6.2 s.
    richardson : bool
        Also converge at dt/2 (warm start) and extrapolate the :math:`dt^p` bias away
        (default: the reported current has the time-step bias removed).
    truncation_check : bool
        Also relax under a coarser truncation (3/4 of the bond dimension, or 100 x
        cutoff), for the truncation part of the error budget.
    check_interval : float
        Time between convergence checks, > 0 (rounded to whole steps).
    spread_tol : float or None
        Translation-symmetric models only (``model.translation_symmetric``; on an open chain
        the profile is not uniform): also require :math:`\max_b I_b - \min_b I_b` below
        this. The splitting itself makes the profile alternate by :math:`O(dt^2)`, a floor
        for this tolerance.
    progress : bool
        Show a tqdm progress bar (time, phase, change per unit time, current); its total is
        the longest possible run, (number of phases) x ``t_max``, set to the time evolved
        when the run finishes, so a finished run ends at 100 %.
    checkpoint : path or None
        Checkpoint file (:mod:`mpo.checkpoint`): resumed if it exists (ValueError if written
        for another model or other options), written every ``checkpoint_interval`` seconds
        (at a convergence check) and at the end.
    checkpoint_interval : float
        Seconds between checkpoints, >= 0.
    blas_threads : int or None
        BLAS threads during the run (threadpoolctl); None: the environment variable
        ``MPO_BLAS_THREADS``, else 1 (the engine's SVDs are small; threads slow them down).
    workers : {1, 2} or None
        Processes evolving the two halves of the chain (:mod:`mpo.tebd`, :mod:`mpo.halves`);
        the result is bitwise the same for 1 and 2. None: 2 if this process may run on two
        cores or more, else 1.

    Returns
    -------
    Result
        ``method="mpo"``; ``current`` the bond average of :math:`I^J + I^\eta` (extrapolated
        with Richardson). ``observables``: ``current_profile`` (per bond),
        ``current_profile_error`` (the error bar, the same on every bond), ``currents`` (each of
        Eqs. 14-15 per bond), the model's ``SITE_OBSERVABLES`` per site (``sz`` for spins,
        ``n`` for bosons), ``negativity`` and ``pair_entropy`` of the
        neighbouring two-site RDMs, ``purity`` :math:`\mathrm{Tr}\rho^2` (these extrapolated
        with Richardson), and, of the final MPS, ``osee`` (operator-space entanglement
        entropy per cut of the MPS, :func:`mpo.state.operator_entanglement`; on a ring the
        cuts of the folded order, ``state.positions``, each cutting the ring twice),
        ``trace_error``
        :math:`|\mathrm{Tr}\rho - 1|`, ``hermiticity_error_full``
        :math:`\lVert\rho-\rho^\dagger\rVert_F/\lVert\rho\rVert_F`, ``hermiticity_error``
        (largest over two-site RDMs) and ``rdm_min_eigenvalue``. ``diagnostics``: ``error``
        and its parts ``error_trotter``, ``error_stopping``, ``error_truncation`` (module
        docstring; NaN with a RuntimeWarning where a part is unknown), ``relaxation_time``,
        ``current_spread``, ``change_per_time``,
        ``discarded_weight`` (summed relative weight), ``discard_rate`` (per unit time at
        the end), ``trace_correction`` (largest per step), ``steps``, ``time``,
        ``bond_dimension``, ``bulk_current`` and ``bulk_error`` (mean of the current profile
        over the middle half of the bonds, :func:`mpo.state.bulk_slice`, the current of an
        open chain away from its boundary layers, and its error bar, ``error``),
        ``site_observables`` (the names of the per-site observables, e.g. ``["sz"]``),
        ``blas_threads``, ``workers``, ``resumed``, ``wall_time`` (summed over resumed runs) and
        ``phases`` (per phase: name, dt, order, tol, truncation, evolved time, steps, wall
        time, relaxation time). ``state``: the final MPS (:class:`mpo.mps_state.MPSState`, a
        ring's in the folded order, :func:`mpo.tebd.site_order`;
        with Richardson the dt/2 one, whose observables differ from the reported ones within
        ``error_trotter``): ``r.state.mps`` the quimb MPS, ``r.state.expect(op)``.
    """
    opts = _options(model, max_bond=max_bond, dt=dt, t_max=t_max, tol=tol, order=order,
                    cutoff=cutoff, initial=initial, warmup=warmup, richardson=richardson,
                    truncation_check=truncation_check, check_interval=check_interval,
                    spread_tol=spread_tol)
    start = state.initial_arrays(model, initial, site_order(model.L, model.periodic))
    if not isinstance(initial, str):  # JSON-ready and compared on resume
        digest = hashlib.sha1(b"".join(np.ascontiguousarray(a).tobytes() for a in start))
        opts["initial"] = f"state:{digest.hexdigest()[:12]}"
    _validate.boolean("progress", progress)
    checkpoint_interval = _validate.real("checkpoint_interval", checkpoint_interval, 0.0)
    threads = _blas_threads(blas_threads)
    workers = (min(2, len(os.sched_getaffinity(0))) if workers is None
               else int(_validate.choice("workers", workers, [1, 2])))
    richardson, order = opts["richardson"], opts["order"]
    n_phases = 1 + opts["warmup"] + richardson + opts["truncation_check"]  # bar: at most
    with threadpool_limits(limits=threads, user_api="blas"), \
            tqdm(total=n_phases * opts["t_max"], disable=not progress, desc=f"mpo L={model.L}",
                 bar_format="{l_bar}{bar}| t={n:.1f}/{total:.0f} [{elapsed}{postfix}]") as bar:
        driver = _Driver(model, opts, bar, None if checkpoint is None else Path(checkpoint),
                         checkpoint_interval, start, workers)
        driver.execute()
        bar.total = bar.n  # phases stop early: the run is complete at the time evolved
        bar.refresh()
        final = driver.main
        obs, diag, profile_error = _budget({p["name"]: p for p in driver.run["phases"]},
                                           richardson, order)
        phase, log = state.log_trace(final)
        obs.update(current_profile_error=profile_error, osee=state.operator_entanglement(final),
                   trace_error=float(abs(phase * np.exp(log) - 1.0)),
                   hermiticity_error_full=state.hermiticity_error(final))
    _warn_if_no_error_bar(diag, opts)
    state.warn_if_not_positive(obs, "MPO steady state")
    run = driver.run
    diag.update(bulk_current=state.bulk_average(obs["current_profile"]),
                bulk_error=diag["error"])
    phases = [{k: p[k] for k in ("name", "dt", "order", "tol", "max_bond", "cutoff", "time",
                                 "steps", "wall_time", "relaxation_time")}
              for p in run["phases"]]
    diagnostics = {**diag, "phases": phases, "discarded_weight": run["discarded_weight"],
                   "trace_correction": run["trace_correction"], "steps": run["steps"],
                   "time": run["time"], "blas_threads": threads, "workers": workers,
                   "resumed": run["resumed"],
                   "site_observables": list(model.SITE_OBSERVABLES),
                   "wall_time": time.perf_counter() - driver.t0}
    return Result(method="mpo", kind="steady_state", model=model.params(),
                  options={**opts, "checkpoint": None if checkpoint is None else str(checkpoint),
                           "checkpoint_interval": checkpoint_interval,
                           "blas_threads": blas_threads, "workers": workers},
                  current=obs["current"], observables=obs, diagnostics=diagnostics,
                  state=MPSState(state.from_arrays(final), model.local_ops,
                                 dt / 2 if richardson else dt, "fine" if richardson else "main",
                                 driver.positions))
