r"""Tensor-network (vectorized-ρ MPS) steady states of open spin-1/2 chains.

:func:`steady_state` evolves the vectorized density matrix with second-order TEBD
(:mod:`mpo.tebd`) under the bond pieces of the model's Liouvillian (:mod:`mpo.superop`)
until the bond-current profile stops changing. The Strang splitting's fixed point differs
from the true steady state by a bias whose expansion runs in even powers of dt (the symmetric
splitting's effective generator is :math:`\mathcal L + O(dt^2)`), so with
``richardson=True`` the run is repeated at dt/2 from the converged state and the observables
are extrapolated, :math:`X = (4X_{dt/2} - X_{dt})/3 + O(dt^4)`; the size of the correction,
:math:`|X - X_{dt/2}|`, is reported as the Trotter error bar.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from tqdm.auto import tqdm

from manybody.models.spin import SpinChain
from manybody.result import Result

from . import state, superop
from .tebd import TEBD

__all__ = ["steady_state"]

POSITIVITY_TOL = 1e-6  # smallest two-site RDM eigenvalue tolerated before warning


def _relax(ev: TEBD, model: SpinChain, t_max: float, tol: float, check_interval: float,
           bar) -> tuple[dict, float]:
    """Evolve until the current profile changes by less than ``tol`` per unit time."""
    n_check = max(1, int(round(check_interval / ev.dt)))
    old = state.observables(model, ev.arrays)
    while True:
        ev.evolve(n_check)
        bar.update(n_check)
        new = state.observables(model, ev.arrays)
        change = float(np.abs(new["current_profile"] - old["current_profile"]).max()
                       / (n_check * ev.dt))
        bar.set_postfix(t=f"{ev.time:.1f}", change=f"{change:.1e}")
        if change < tol:
            return new, change
        if ev.time >= t_max:
            raise RuntimeError(f"MPO steady state not reached by t_max={t_max}: the current "
                               f"profile still changes by {change:.2e} per unit time "
                               f"(tol={tol}); raise t_max or tol")
        old = new


def steady_state(model: SpinChain, max_bond: int = 32, dt: float = 0.05, t_max: float = 500.0,
                 tol: float = 1e-6, *, cutoff: float = 1e-12, initial: str = "down",
                 richardson: bool = False, check_interval: float = 1.0,
                 progress: bool = True) -> Result:
    r"""Steady state of an open spin chain by real-time TEBD of the vectorized density matrix.

    Parameters
    ----------
    model : SpinChain
        An open chain with nearest-neighbour terms and ``current_terms(bond)`` (e.g.
        :class:`~manybody.models.MetelmannClerkRing` with ``boundary="open"``).
    max_bond : int
        Largest MPS bond dimension.
    dt : float
        TEBD time step (Strang splitting, bias :math:`\propto dt^2`).
    t_max : float
        Longest evolution time per time step; RuntimeError if not converged by then.
    tol : float
        Convergence: max over bonds of :math:`|\Delta I_b|/\Delta t` below ``tol``.
    cutoff : float
        Largest relative squared singular-value weight dropped per SVD.
    initial : {"down", "up", "mixed"}
        Product initial state.
    richardson : bool
        Also converge at dt/2 (warm start) and extrapolate the dt² bias away.
    check_interval : float
        Time between convergence checks.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    Result
        ``method="mpo"``; ``current`` the bond average of :math:`I^J + I^\eta`;
        ``observables`` ``current_profile``, ``currents`` (each of Eqs. 14-15 per bond),
        ``sz`` per site, ``rdm_min_eigenvalue``, ``hermiticity_error``; ``diagnostics``
        ``change_per_time``, ``discarded_weight`` (summed relative weight),
        ``trace_correction`` (largest per step), ``steps``, ``time``, ``bond_dimension``,
        ``trotter_error`` (Richardson only) and ``wall_time``.
    """
    t0 = time.perf_counter()
    if not (tol > 0 and t_max > 0):
        raise ValueError(f"tol and t_max must be positive, got tol={tol}, t_max={t_max}")
    generators = superop.bond_generators(model)
    ev = TEBD(state.to_arrays(state.product_state(model.L, initial)), generators, dt,
              max_bond, cutoff)
    total = int(np.ceil(t_max / dt)) * (3 if richardson else 1)
    with tqdm(total=total, disable=not progress, desc=f"mpo L={model.L}") as bar:
        obs, change = _relax(ev, model, t_max, tol, check_interval, bar)
        extra = {}
        if richardson:
            ev.set_dt(dt / 2)
            fine, change = _relax(ev, model, ev.time + t_max, tol, check_interval, bar)
            extrap = {k: (4 * fine[k] - obs[k]) / 3 for k in ("current_profile", "sz")}
            extrap["currents"] = {k: (4 * fine["currents"][k] - obs["currents"][k]) / 3
                                  for k in fine["currents"]}
            extra["trotter_error"] = float(np.abs(extrap["current_profile"]
                                                  - fine["current_profile"]).max())
            obs = {**fine, **extrap, "current": float(extrap["current_profile"].mean())}
    if obs["rdm_min_eigenvalue"] < -POSITIVITY_TOL:
        warnings.warn(f"MPO steady state: a two-site reduced density matrix has eigenvalue "
                      f"{obs['rdm_min_eigenvalue']:.2e} < 0 (truncation; raise max_bond)",
                      RuntimeWarning, stacklevel=2)
    diagnostics = {"change_per_time": change, "discarded_weight": ev.discarded_weight,
                   "trace_correction": ev.trace_correction, "steps": ev.steps,
                   "time": ev.time, "bond_dimension": max(a.shape[2] for a in ev.arrays),
                   **extra, "wall_time": time.perf_counter() - t0}
    options = {"max_bond": max_bond, "dt": dt, "t_max": t_max, "tol": tol, "cutoff": cutoff,
               "initial": initial, "richardson": richardson, "check_interval": check_interval}
    observables = {k: obs[k] for k in ("current_profile", "currents", "sz",
                                        "rdm_min_eigenvalue", "hermiticity_error")}
    return Result(method="mpo", kind="steady_state", model=model.params(), options=options,
                  current=obs["current"], observables=observables, diagnostics=diagnostics)
