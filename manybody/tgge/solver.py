r"""tGGE rate equations: time evolution and nonequilibrium steady states.

With :math:`n_a = 1/(1+e^{\lambda_a})` the tGGE equation (5) for the rectification models,
Eqs. (10)-(12) and (20)-(22), is the Pauli-blocked Boltzmann equation

.. math::
   \dot n_a = \sum_b [W_{b\to a} n_b (1-n_a) - W_{a\to b} n_a (1-n_b)],

whose rates the model supplies (:meth:`manybody.models.FreeFermionRing.rates`). It conserves
:math:`N = \sum_a n_a`. The steady state at fixed N is found as a root; for factorized rates
:math:`W_{b\to a} = \sum_r f_r(a) g_r(b)` every stationary state has the form
:math:`n_a = \alpha_a / (\alpha_a + \beta_a)`, :math:`\alpha_a = \sum_r f_r(a) A_r`,
:math:`\beta_a = \sum_r g_r(a) B_r`, with the 2R self-consistency conditions
:math:`A_r = \sum_b g_r(b) n_b`, :math:`B_r = \sum_b f_r(b)(1-n_b)`. One of them is
implied by the others (particle conservation) and is replaced by :math:`\sum_a n_a = N`.
So the steady state of any L costs a 2R-dimensional root search with O(RM) per step.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from scipy import optimize, sparse
from scipy.integrate import solve_ivp
from scipy.sparse.csgraph import connected_components
from scipy.special import expit
from tqdm.auto import tqdm

from .. import _validate, observables
from .._validate import output_times, real
from ..errors import ConvergenceError, DegenerateSteadyStateWarning
from ..models.base import FreeFermionRing, Rates
from ..result import Result
from .canonical import canonical_occupations
from .kernels import RateEquation
from .state import ProductState


def gibbs_occupations(energies: np.ndarray, beta: float, particle_number: float):
    r"""Fermi-Dirac occupations :math:`1/(1+e^{\beta(\epsilon-\mu)})` with :math:`\sum n = N`.

    Returns ``(n, mu)``; :math:`\mu` is found by bracketing. At :math:`\beta = 0` the
    occupations are uniform and ``mu`` is returned as nan.
    """
    e = _validate.real_array("energies", energies).reshape(-1)
    beta = real("beta", beta, 0.0)
    particle_number = real("particle_number", particle_number)
    M = e.size
    if not 0 < particle_number < M:
        raise ValueError(f"particle_number must lie in (0, {M}), got {particle_number}")
    if beta == 0:
        return np.full(e.shape, particle_number / M), float("nan")

    def excess(x):  # x = beta * mu keeps the bracket finite for any beta
        return expit(x - beta * e).sum() - particle_number

    # sum_a n_a <= M e^{x - beta e_min} and sum_a (1 - n_a) <= M e^{beta e_max - x} bracket the
    # root for any N in (0, M), however close to an empty or a full ring
    lo = beta * e.min() + np.log(particle_number / M) - 1.0
    hi = beta * e.max() - np.log1p(-particle_number / M) + 1.0
    x = optimize.brentq(excess, lo, hi, xtol=1e-15, rtol=1e-15)
    return expit(x - beta * e), x / beta


# -- rate-graph structure -------------------------------------------------------------------
def rate_components(rates: Rates) -> np.ndarray:
    """Label the connected components of the undirected graph of nonzero rates.

    Modes in different components never exchange particles, so each component conserves its
    own particle number. Models return exact zeros where a rate vanishes analytically
    (:func:`manybody.models.base.drop_roundoff`); every positive rate connects.
    """
    M = rates.size
    if rates.factorized:
        f, g = rates.f, rates.g
        live = (f.max(axis=1) > 0) & (g.max(axis=1) > 0)
        f, g = f[live], g[live]
        r_idx, a_idx = np.nonzero((f > 0) | (g > 0))
        graph = sparse.coo_matrix(
            (np.ones(r_idx.size), (a_idx, M + r_idx)), shape=(M + len(f),) * 2
        )
        _, labels = connected_components(graph, directed=False)
        labels = labels[:M]
    else:
        W = rates.dense()
        _, labels = connected_components(sparse.csr_matrix((W + W.T) > 0), directed=False)
    return np.unique(labels, return_inverse=True)[1]


def _balance(rates: Rates, n: np.ndarray, m: np.ndarray):
    r"""Residual of the rate equation with :math:`1-n` given separately as ``m``.

    Returns :math:`\dot n_a = m_a\,\mathrm{in}_a - n_a\,\mathrm{out}_a` and the relative
    residual :math:`\max_a |\dot n_a| / (\mathrm{in}_a + \mathrm{out}_a)`, where
    :math:`\mathrm{in}_a = \sum_b W_{b\to a} n_b`, :math:`\mathrm{out}_a = \sum_b W_{a\to b} m_b`
    and :math:`\mathrm{in}_a + \mathrm{out}_a = -\partial \dot n_a / \partial n_a`, so each ratio
    estimates the error of :math:`n_a`. Passing ``m`` computed without the cancellation in
    ``1 - n`` keeps the round-off floor at machine precision for nearly full modes, where the
    kernels (which form ``1 - n``) lose digits at large :math:`\beta`. Isolated modes (no
    rate at all) are skipped.
    """
    if rates.factorized:
        inflow, outflow = rates.f.T @ (rates.g @ n), rates.g.T @ (rates.f @ m)
    else:
        W = rates.dense()
        inflow, outflow = W @ n, W.T @ m
    ndot = m * inflow - n * outflow
    scale = inflow + outflow
    live = scale > 0
    return ndot, float(np.max(np.abs(ndot[live]) / scale[live], initial=0.0))


def _descent(fun, x, F, jac, norm):
    """A backtracked Newton step that decreases max|F|, or None.

    The least-squares Newton direction first; where it stalls (a nearly singular Jacobian,
    e.g. a bath of weight 1e-6 that barely moves the occupations) the direction with
    equilibrated Jacobian columns, which resolves the weak directions.
    """
    cols = 1.0 / np.maximum(np.abs(jac).max(axis=0), 1e-300)
    for scale in (np.ones_like(cols), cols):
        dx = scale * np.linalg.lstsq(jac * scale, -F, rcond=None)[0]
        dx /= max(1.0, np.abs(dx).max())
        t = 1.0
        while t > 1e-10:
            F_new, jac_new = fun(x + t * dx)
            if np.abs(F_new).max() < norm:
                return dx, t, F_new, jac_new
            t /= 2
    return None


# -- steady state on one connected component -----------------------------------------------
def _factorized_root(f: np.ndarray, g: np.ndarray, N: float, n0: np.ndarray):
    """Solve the 2R self-consistency of the module docstring from the guess ``n0``.

    Damped Newton in the logarithms x = (ln A, ln B), steps capped at 1 (a factor e) and
    backtracked until |F| decreases. Returns ``(n, 1 - n, iterations)``, the second formed
    without cancellation.
    """
    keep = (f.max(axis=1) > 0) & (g.max(axis=1) > 0)
    f, g = f[keep], g[keep]
    R = f.shape[0]

    def occupations(x):
        # n depends on the ratios of A and B only: shift the exponents to avoid overflow
        y = x - x.max()
        A, B = np.exp(y[:R]), np.exp(y[R:])
        a, b = A @ f, B @ g
        return a / (a + b), b / (a + b), a, b, A, B  # n and 1 - n without cancellation

    def fun(x):
        with np.errstate(all="ignore"):
            n, m, a, b, A, B = occupations(x)
            At, Bt = g @ n, f @ m
            F = np.concatenate([np.log(At) - x[:R], np.log(Bt) - x[R:]])
            F[-1] = np.log(n.sum() / N)
            # dn/dx, each entry bounded by 1 (A_s f_s <= a): no overflow at large beta
            D = np.vstack([A[:, None] * f / (a + b) * m, -B[:, None] * g / (a + b) * n])
            jac = np.vstack([(g @ D.T) / At[:, None], -(f @ D.T) / Bt[:, None]]) - np.eye(2 * R)
            jac[-1] = D.sum(axis=1) / n.sum()
        ok = np.all(np.isfinite(F)) and np.all(np.isfinite(jac))
        return (F, jac) if ok else (np.full(2 * R, np.inf), jac)

    x = np.log(np.concatenate([g @ n0, f @ (1 - n0)]))
    F, jac = fun(x)
    iterations = 0
    while iterations < 200:
        iterations += 1
        norm = np.abs(F).max()
        if norm <= 1e-15:
            break  # otherwise iterate until |F| stops decreasing (round-off level)
        step = _descent(fun, x, F, jac, norm)
        if step is None:
            break  # no descent: the caller's residual check decides
        dx, t, F_new, jac_new = step
        x, F, jac = x + t * dx, F_new, jac_new
    n, m = occupations(x)[:2]
    return n, m, iterations


def _dense_root(W: np.ndarray, n_start: np.ndarray, N: float, tol: float):
    """Newton polish of a dense-rate steady state from a nearby start; returns (n, iterations)."""
    WT = W.T

    def fun(n):
        a, b = W @ n, WT @ (1 - n)
        F = (1 - n) * a - n * b
        jac = np.diag(-a - b) + (1 - n)[:, None] * W + n[:, None] * WT
        F[-1] = n.sum() - N
        jac[-1] = 1.0
        return F, jac

    sol = optimize.root(fun, n_start, jac=True, method="hybr", options={"xtol": tol * 1e-3})
    return sol.x, int(sol.nfev)


DENSE_POLISH_MAX = 4096  # largest component polished by the dense Newton (128 MB matrix)


def _relax(rhs: RateEquation, rates: Rates, n0: np.ndarray, tol: float, max_chunks: int = 60):
    """Integrate the rate equation until the relative residual is below ``tol``."""
    W_scale = rates.f.T @ rates.g.sum(axis=1) if rates.factorized else rates.dense().sum(axis=1)
    chunk = 20.0 / max(np.median(W_scale[W_scale > 0]), 1e-300)
    n = n0
    for _ in range(max_chunks):
        sol = solve_ivp(lambda t, y: rhs(y), (0.0, chunk), n, method="LSODA", rtol=1e-10,
                        atol=1e-13, t_eval=[chunk])  # keep only the end point: bounded memory
        n = np.clip(sol.y[:, -1], 0.0, 1.0)
        if _balance(rates, n, 1 - n)[1] <= tol:
            break
        chunk *= 1.5
    return n


def _initial_occupations(model: FreeFermionRing, initial, filling: float | None) -> np.ndarray:
    _validate.instance("model", model, FreeFermionRing)
    M = model.n_modes
    if isinstance(initial, str):
        f = 0.5 if filling is None else real("filling", filling, 0.0, 1.0)
        if initial == "infinite_temperature":
            return np.full(M, f)
        if initial == "gibbs":
            if f in (0.0, 1.0):
                return np.full(M, f)
            return gibbs_occupations(model.modes.flat_energies, model.beta, f * M)[0]
        raise ValueError(
            f"initial must be 'infinite_temperature', 'gibbs' or an array, got {initial!r}"
        )
    if filling is not None:
        raise ValueError("give either filling or an initial array (which sets the filling)")
    n = _validate.real_array("initial", initial, 0.0, 1.0).reshape(-1)
    if n.size != M:
        raise ValueError(f"initial occupations must be {M} numbers in [0, 1] (shape of modes), "
                         f"got {n.size}")
    return n


# -- public API ------------------------------------------------------------------------------
def steady_state(
    model: FreeFermionRing,
    filling: float | None = None,
    *,
    initial: str | np.ndarray = "infinite_temperature",
    kernel: str = "auto",
    tol: float = 1e-8,
    ensemble: str = "grand_canonical",
    state: bool = False,
) -> Result:
    r"""Nonequilibrium steady state of the tGGE rate equation at fixed particle number.

    Parameters
    ----------
    model : FreeFermionRing
        E.g. :class:`~manybody.models.NonreciprocalChain`.
    filling : float, optional
        :math:`N / M` in [0, 1] (M = number of modes; default 0.5, half filling).
    initial : "infinite_temperature", "gibbs" or array
        The state the steady state is reached from. It matters only when the rate graph is
        disconnected (a degenerate steady state, e.g. pure dephasing with modes it cannot
        reach): each component keeps its initial particle number, as under the dynamics.
    kernel : {"auto", "factorized", "dense"}
        Right-hand-side kernel used for the residual (and relaxation where needed).
    ensemble : {"grand_canonical", "canonical"}
        "canonical" projects the tGGE product state onto the fixed particle number
        N = filling * M (which must then be an integer), as the exact dynamics conserves N;
        the occupations and currents are those of the projected state
        (:func:`manybody.tgge.canonical.canonical_occupations`).
    tol : float
        Required relative residual :math:`\max_a|\dot n_a| / (\sum_b W_{b\to a} n_b
        + \sum_b W_{a\to b}(1-n_b))`, an estimate of the largest error of an occupation.
    state : bool
        Also return the GGE product state, ``Result.state`` a
        :class:`~manybody.tgge.state.ProductState` (grand canonical ensemble only: the
        projected state is not a product; default False).

    Returns
    -------
    Result
        ``occupations``, ``lambdas``, ``current`` (Eq. 13 / 23), ``spin_currents`` (Eq. 24),
        ``diagnostics`` with ``residual`` (relative), ``residual_abs``, ``iterations``,
        ``wall_time``, ``degenerate`` and ``n_components``.

    Raises
    ------
    ConvergenceError
        If neither the root search nor relaxation followed by a polish reaches ``tol``.
    """
    t0 = time.perf_counter()
    tol = real("tol", tol, 0.0, 1e-2, open_lo=True)
    _validate.choice("ensemble", ensemble, ("grand_canonical", "canonical"))
    if _validate.boolean("state", state) and ensemble == "canonical":
        raise ValueError("state=True needs ensemble='grand_canonical': the state projected on "
                         "N is not a product state (its occupations are in the result)")
    n_init = _initial_occupations(model, initial, filling)
    N_total = n_init.sum()
    if ensemble == "canonical" and abs(N_total - round(N_total)) > 1e-9:
        raise ValueError(f"ensemble='canonical' needs an integer particle number, got {N_total:g}")
    rates = model.rates()
    rhs = RateEquation(rates, kernel)
    labels = rate_components(rates)
    n_comp = int(labels.max()) + 1
    iterations = 0

    def solve_components(start):
        """Root search per component (isolated or empty/full components are stationary).

        Returns n and 1 - n (from the root search without cancellation where available).
        """
        nonlocal iterations
        n, m = start.copy(), 1.0 - start
        for c in range(n_comp):
            idx = np.flatnonzero(labels == c)
            N_c = n_init[idx].sum()
            if idx.size == 1 or N_c <= 0 or N_c >= idx.size:
                continue
            if rates.factorized:
                sub = Rates(f=rates.f[:, idx], g=rates.g[:, idx])
                if start is n_init:  # uniform, then the Gibbs state (good where W is thermal)
                    guesses = [np.full(idx.size, N_c / idx.size)]
                    if model.beta > 0:
                        e = model.modes.flat_energies[idx]
                        guesses.append(gibbs_occupations(e, model.beta, N_c)[0])
                else:
                    guesses = [start[idx]]
                best = np.inf
                for guess in guesses:
                    nn, mm, it = _factorized_root(sub.f, sub.g, N_c, guess)
                    iterations += it
                    res = _balance(sub, nn, mm)[1]
                    if res < best:
                        best, n[idx], m[idx] = res, nn, mm
                    if res <= tol:
                        break
                if best > tol and idx.size <= DENSE_POLISH_MAX:
                    # a nearly singular 2R system (decoupled bands at large beta): Newton on
                    # the M balance equations from the best root, O(M^3)
                    nn, it = _dense_root(rates.dense()[np.ix_(idx, idx)], n[idx], N_c, tol)
                    iterations += it
                    if _balance(sub, nn, 1 - nn)[1] < best:
                        n[idx], m[idx] = nn, 1 - nn
            else:
                W = rates.dense()[np.ix_(idx, idx)]
                n[idx], it = _dense_root(W, start[idx], N_c, tol)
                m[idx] = 1.0 - n[idx]
                iterations += it
        return n, m

    degenerate = n_comp > 1
    if degenerate:
        warnings.warn(
            f"the rate graph of {type(model).__name__} has {n_comp} disconnected components "
            "(modes that no process connects); the steady state is not unique and each "
            "component keeps the particle number of the initial state",
            DegenerateSteadyStateWarning,
            stacklevel=2,
        )

    n, m = solve_components(n_init) if rates.factorized else (n_init, 1 - n_init)
    if not rates.factorized or not _balance(rates, n, m)[1] <= tol:
        # dense rates, or a failed root search: relax in time, then polish per component
        n, m = solve_components(_relax(rhs, rates, n_init, max(tol, 1e-7)))
    ndot, res = _balance(rates, n, m)
    if not np.all(np.isfinite(n)) or not res <= tol:
        raise ConvergenceError(
            f"tGGE steady state not converged: relative residual {res:.3e} > tol={tol:.1e}"
        )
    n = np.clip(n, 0.0, 1.0)
    if ensemble == "canonical":
        n = canonical_occupations(n, int(round(N_total)))
    obs = observables.from_occupations(model, n)
    return Result(
        method="tgge",
        kind="steady_state",
        model=model.params(),
        options={"filling": float(n_init.mean()), "kernel": rhs.kernel, "tol": tol,
                 "ensemble": ensemble,
                 "initial": initial if isinstance(initial, str) else "array"},
        momenta=model.momenta,
        **obs,
        diagnostics={
            "residual": float(res),
            "residual_abs": float(np.abs(ndot).max()),
            "iterations": iterations,
            "wall_time": time.perf_counter() - t0,
            "degenerate": degenerate,
            "n_components": n_comp,
            "particle_number": float(n.sum()),
        },
        state=ProductState(n) if state else None,
    )


def evolve(
    model: FreeFermionRing,
    times: np.ndarray,
    initial: str | np.ndarray = "infinite_temperature",
    *,
    filling: float | None = None,
    kernel: str = "auto",
    rtol: float = 1e-10,
    atol: float = 1e-12,
    progress: bool = False,
) -> Result:
    r"""Integrate the tGGE rate equation, returning :math:`n_a(t)`, :math:`\lambda_a(t)`, I(t).

    Parameters
    ----------
    model : FreeFermionRing
        The model; its rates fix the dynamics.
    times : array
        Increasing output times (units of 1/J), starting at the initial time.
    initial : "infinite_temperature", "gibbs" or array
        Initial occupations: uniform at ``filling`` (infinite temperature), the Gibbs state of
        the model's beta at ``filling``, or an array of the modes' shape.
    filling : float, optional
        Filling for the named initial states (default 0.5).
    kernel : {"auto", "factorized", "dense"}
        Right-hand-side kernel.
    rtol, atol : float
        Tolerances of the 8th-order Dormand-Prince integrator.
    progress : bool
        Show a progress bar over the output times.

    Returns
    -------
    Result
        A trajectory (leading time axis); ``diagnostics``: ``particle_number_drift``
        (RuntimeWarning above 1e-6 N), ``occupation_excursion`` (largest integration error
        outside [0, 1], clipped away; RuntimeWarning above 10 ``atol``), ``nfev``.
    """
    t0 = time.perf_counter()
    times = output_times(times)
    rtol = real("rtol", rtol, 0.0, 1.0, open_lo=True)  # NaN would make solve_ivp loop forever
    atol = real("atol", atol, 0.0, 1.0, open_lo=True)
    progress = _validate.boolean("progress", progress)
    n0 = _initial_occupations(model, initial, filling)
    rhs = RateEquation(model.rates(), kernel)
    traj = np.empty((times.size, n0.size))
    traj[0] = n0
    nfev = 0
    for i in tqdm(range(1, times.size), disable=not progress, desc="tGGE evolve"):
        sol = solve_ivp(lambda t, y: rhs(y), (times[i - 1], times[i]), traj[i - 1],
                        method="DOP853", rtol=rtol, atol=atol)
        if not sol.success:
            raise ConvergenceError(f"integration failed at t={times[i - 1]}: {sol.message}")
        traj[i] = sol.y[:, -1]
        nfev += sol.nfev
    if not np.all(np.isfinite(traj)):
        raise ConvergenceError("the trajectory contains non-finite occupations")
    excursion = float(max(-traj.min(), traj.max() - 1.0, 0.0))  # integration error outside [0, 1]
    if excursion > 10 * atol:
        warnings.warn(f"occupations left [0, 1] by {excursion:.2e} (> 10 atol); tighten rtol/atol",
                      RuntimeWarning, stacklevel=2)
    traj = np.clip(traj, 0.0, 1.0)
    drift = float(np.abs(traj.sum(axis=1) - n0.sum()).max())
    if drift > 1e-6 * max(n0.sum(), 1.0):
        warnings.warn(f"particle number drifted by {drift:.2e}; tighten rtol/atol",
                      RuntimeWarning, stacklevel=2)
    obs = observables.from_occupations(model, traj)
    return Result(
        method="tgge",
        kind="trajectory",
        model=model.params(),
        options={"initial": initial if isinstance(initial, str) else "array",
                 "filling": float(n0.mean()), "kernel": rhs.kernel, "rtol": rtol, "atol": atol},
        momenta=model.momenta,
        **obs,
        times=times,
        diagnostics={"particle_number_drift": drift, "occupation_excursion": excursion,
                     "nfev": nfev,
                     "wall_time": time.perf_counter() - t0},
    )
