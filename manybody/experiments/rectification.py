r"""Figures 2 and 3 of the rectification paper (model 1, the Raman dissipator) from the tGGE rate
equation, and the helpers shared with the model-2 figures (:mod:`.rectification_model2`).

Parameters are the captions': :math:`\beta = 2/J`, :math:`\epsilon = 0.05`, :math:`\delta = 1+i`,
:math:`\delta' = 1 + 0.5i`; half filling, reached from the infinite-temperature state. The
default L = 400 is converged: the NESS current changes by less than 1e-13 between L = 200 and
1600 for :math:`\gamma_{neq} \le 0.999` (the momentum sums are trapezoidal rules of periodic
analytic functions), and by 2e-4 relative at :math:`1-\gamma_{neq} = 10^{-5}`, where the
isolated modes of pure dephasing dominate.
"""

from __future__ import annotations

import warnings
from fractions import Fraction
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .. import tgge
from .._validate import integer, real
from ..models import NonreciprocalChain
from ._output import Check, pi_ticks, write_figure

PAPER_Q = (-1.0, -0.6, 0.2)  # q / pi of the curves in Figs. 2 and 3(a)
OUTSIDE = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "frameon": False}  # legend


def paper_L(L: int) -> int:
    """L of Figs. 2 and 3: a multiple of 10, so that every q of ``PAPER_Q`` is a momentum."""
    integer("L", L, 10)
    if L % 10:
        raise ValueError(f"L must be a multiple of 10 (the curves are at q/pi = "
                         f"{', '.join(map(str, PAPER_Q))}), got {L}")
    return L


def q_index(model, q_over_pi: float) -> int:
    return int(np.argmin(np.abs(model.momenta - np.pi * q_over_pi)))


def momentum_axis(ax, label: str = "$k$") -> None:
    """x axis over the Brillouin zone [-pi, pi] with ticks at multiples of pi/2."""
    pi_ticks(ax.xaxis, Fraction(-1), Fraction(1), Fraction(1, 2))
    ax.set_xlim(-np.pi * 1.03, np.pi * 1.03)
    ax.set_xlabel(label)


def gamma_grid(n_linear: int = 41, n_log: int = 25) -> np.ndarray:
    """gamma_neq on [0, 1): linear to 0.95, then 1 - 10^-x resolving the structure below 1."""
    lin = np.linspace(0.0, 0.95, n_linear)
    near = 1.0 - np.logspace(np.log10(0.05), -6, n_log)[1:]
    return np.concatenate([lin, near])


def scan(make, gammas) -> dict:
    """NESS current, spin currents and residuals along gamma_neq (model from ``make(g)``)."""
    rows = {"gamma_neq": [], "current": [], "up": [], "down": [], "residual": []}
    for g in gammas:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", tgge.DegenerateSteadyStateWarning)
            r = tgge.steady_state(make(g))
        rows["gamma_neq"].append(float(g))
        rows["current"].append(r.current)
        rows["up"].append(r.spin_currents.get("up", np.nan))
        rows["down"].append(r.spin_currents.get("down", np.nan))
        rows["residual"].append(r.diagnostics["residual"])
    return {k: np.array(v) for k, v in rows.items()}


def gibbs_lambdas(model) -> tuple[np.ndarray, float]:
    r"""Gibbs Lagrange parameters :math:`\lambda_a = \beta(\epsilon_a - \mu)` at half filling
    (the closed form of the fixed point of Eq. (10)/(20) at :math:`\gamma_{neq} = 0`), and mu."""
    e = model.modes.flat_energies
    n, mu = tgge.gibbs_occupations(e, model.beta, e.size / 2)
    return model.beta * (e - mu), mu


def fig2(out: str | Path, L: int = 400, t_max: float = 150.0) -> dict:
    r"""Fig. 2: relaxation of :math:`\lambda_q(t)` (Eq. 10, :math:`\gamma_{eq} = 1`) from infinite
    temperature to the Gibbs state :math:`\lambda_q = \beta(\epsilon_q - \mu)`, :math:`\mu = 0`."""
    model = NonreciprocalChain(paper_L(L), gamma_neq=0.0, beta=2.0, eps=0.05)
    t_max = real("t_max", t_max, 150.0)  # 7.5/eps: relaxed to 1e-2 (the check below)
    times = np.linspace(0.0, t_max, 301)
    traj = tgge.evolve(model, times, initial="infinite_temperature")
    lam_gibbs, mu = gibbs_lambdas(model)
    fig, ax = plt.subplots(figsize=(6.2, 3.6))
    numbers = {"t": times, "mu": mu}
    for q, c in zip(PAPER_Q, ("C0", "C1", "C2"), strict=True):
        i = q_index(model, q)
        ax.plot(times, traj.lambdas[:, i], color=c, label=f"$q = {q:g}\\pi$")
        ax.axhline(lam_gibbs[i], color="grey", ls="--", lw=1)
        numbers[f"lambda_q={q}pi"] = traj.lambdas[:, i]
        numbers[f"gibbs_q={q}pi"] = lam_gibbs[i]
    ax.plot([], [], color="grey", ls="--", lw=1, label="Gibbs state")
    ax.set(xlabel="$tJ$", ylabel=r"$\lambda_q$", title=f"Fig. 2: relaxation to Gibbs (L={L})")
    ax.legend(**OUTSIDE)
    params = model.params() | {"t_max": t_max, "initial": "infinite_temperature"}
    dev = float(np.abs(traj.lambdas[-1] - lam_gibbs).max())
    numbers["max_deviation_from_gibbs_at_t_max"] = dev
    checks = [
        Check("half filling of the symmetric band: mu = 0", 0.0, mu, 1e-12, "Eq. (7)"),
        Check("Gibbs lambda at q = -pi: beta * (-2J cos q) = 4", 4.0,
              lam_gibbs[q_index(model, -1.0)], 1e-12, "Eq. (7), closed form"),
        Check(f"max_q |lambda_q(t = {t_max:g}/J) - Gibbs| (relaxed on the 1/eps time scale)",
              0.0, dev, 1e-2, "Gibbs state"),
        Check("current stays zero while relaxing (gamma_neq = 0): max_t |I(t)|", 0.0,
              float(np.abs(traj.current).max()), 1e-12, "Onsager / Sec. I"),
    ]
    return write_figure(
        fig, out, "rect_fig2", params, numbers,
        claim="Without nonequilibrium driving lambda_q relaxes from infinite temperature to "
              "the Gibbs state on the time scale 1/eps (beta = 2/J, eps = 0.05).",
        checks=checks,
        deviations="L = 400 and t_max = 150/J are our choices (the caption gives neither).")


def fig3(out: str | Path, L: int = 400) -> dict:
    r"""Fig. 3: (a) NESS :math:`\lambda_q` and (b) current I (Eq. 13) against
    :math:`\gamma_{neq}` (model 1, Raman dissipator Eq. (15) with :math:`\delta = 1+i`,
    :math:`\delta' = 1+0.5i`)."""
    paper_L(L)
    gammas = np.append(gamma_grid(), 1.0)
    results = [tgge.steady_state(NonreciprocalChain(L, gamma_neq=g)) for g in gammas]
    lams = np.array([r.lambdas for r in results])
    current = np.array([r.current for r in results])
    model = NonreciprocalChain(L, gamma_neq=1.0)
    lam_gibbs, _ = gibbs_lambdas(model)
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.8))
    numbers = {"gamma_neq": gammas, "current": current,
               "residual": [r.diagnostics["residual"] for r in results]}
    for q, c in zip(PAPER_Q, ("C0", "C1", "C2"), strict=True):
        i = q_index(model, q)
        a.plot(gammas, lams[:, i], color=c, label=f"$q = {q:g}\\pi$")
        a.axhline(lam_gibbs[i], color="grey", ls="--", lw=1)
        numbers[f"lambda_q={q}pi"] = lams[:, i]
    a.plot([], [], color="grey", ls="--", lw=1, label="Gibbs state")
    a.set(xlabel=r"$\gamma_{neq}$", ylabel=r"$\lambda_q$", title="Fig. 3(a)")
    a.legend(**OUTSIDE)
    b.plot(gammas, current, "k-")
    b.set(xlabel=r"$\gamma_{neq}$", ylabel="$I$ [$J$]", title=f"Fig. 3(b)  (L={L})")
    fig.tight_layout()
    # second method: the t -> infinity limit of the dynamics of Eq. (10) at gamma_neq = 1
    late = tgge.evolve(model, np.array([0.0, 400.0])).current[-1]
    real_delta = tgge.steady_state(NonreciprocalChain(L, gamma_neq=1.0, delta=1.3,
                                                      delta_prime=0.4)).current
    numbers |= {"current_dynamics_t400": late, "current_real_delta": real_delta}
    checks = [
        Check("current vanishes in equilibrium: I(gamma_neq = 0)", 0.0, current[0], 1e-14,
              "paper (Sec. IV A)"),
        Check("NESS lambda_q at gamma_neq = 0 = Gibbs beta*(eps_q - mu): max_q deviation", 0.0,
              float(np.abs(lams[0] - lam_gibbs).max()), 1e-8, "Eq. (7), closed form"),
        Check("I grows with gamma_neq: number of decreasing steps on the grid", 0.0,
              float(np.sum(np.diff(current) <= 0)), 0.0, "Fig. 3(b)"),
        Check("NESS root I(gamma_neq = 1) = the dynamics of Eq. (10) at t = 400/J", late,
              current[-1], 1e-10, "tGGE dynamics"),
        Check("no current for real delta, delta' (Eq. 14): I at delta = 1.3, delta' = 0.4", 0.0,
              real_delta, 1e-14, "Eq. (14)"),
    ]
    params = model.params() | {"gamma_neq": "scanned"}
    return write_figure(
        fig, out, "rect_fig3", params, numbers,
        claim="Driven out of equilibrium, lambda_q leaves the Gibbs values and a current "
              "builds up, zero at gamma_neq = 0 and growing with gamma_neq (delta = 1+i, "
              "delta' = 1+0.5i).",
        checks=checks,
        deviations="L = 400 is our choice (the caption gives none; converged to 1e-13).")
