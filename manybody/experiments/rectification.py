r"""Figures 2, 3, 5 and 6 of the rectification paper from the tGGE rate equations.

Parameters are the captions': :math:`\beta = 2/J`, :math:`\epsilon = 0.05`, :math:`\delta = 1+i`,
:math:`\delta' = 1 + 0.5i` (model 1); :math:`\alpha_y = 1.1J`, :math:`\alpha_z = 0.9J`, h = J
(model 2); half filling, reached from the infinite-temperature state. The default L = 400 is
converged: the NESS current changes by less than 1e-13 between L = 200 and 1600 for
:math:`\gamma_{neq} \le 0.999` (the momentum sums are trapezoidal rules of periodic analytic
functions), and by 2e-4 relative at :math:`1-\gamma_{neq} = 10^{-5}`, where the isolated
modes of pure dephasing dominate.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .. import tgge
from .._validate import integer
from ..models import NonreciprocalChain, RashbaZeemanChain
from ._output import write_figure

PAPER_Q = (-1.0, -0.6, 0.2)  # q / pi of the curves in Figs. 2 and 3(a)


def _paper_L(L: int) -> int:
    """L of Figs. 2 and 3: a multiple of 10, so that every q of ``PAPER_Q`` is a momentum."""
    integer("L", L, 10)
    if L % 10:
        raise ValueError(f"L must be a multiple of 10 (the curves are at q/pi = "
                         f"{', '.join(map(str, PAPER_Q))}), got {L}")
    return L


def _q_index(model, q_over_pi: float) -> int:
    return int(np.argmin(np.abs(model.momenta - np.pi * q_over_pi)))


def gamma_grid(n_linear: int = 41, n_log: int = 25) -> np.ndarray:
    """gamma_neq on [0, 1): linear to 0.95, then 1 - 10^-x resolving the structure below 1."""
    lin = np.linspace(0.0, 0.95, n_linear)
    near = 1.0 - np.logspace(np.log10(0.05), -6, n_log)[1:]
    return np.concatenate([lin, near])


def _scan(make, gammas) -> dict:
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


def fig2(out: str | Path, L: int = 400, t_max: float = 150.0) -> dict:
    """Fig. 2: relaxation of lambda_q(t) to the Gibbs state (gamma_eq = 1, infinite-T start)."""
    model = NonreciprocalChain(_paper_L(L), gamma_neq=0.0, beta=2.0, eps=0.05)
    times = np.linspace(0.0, t_max, 301)
    traj = tgge.evolve(model, times, initial="infinite_temperature")
    n_g, mu = tgge.gibbs_occupations(model.modes.flat_energies, model.beta, L / 2)
    lam_gibbs = np.log((1 - n_g) / n_g)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    numbers = {"t": times, "mu": mu}
    for q, c in zip(PAPER_Q, ("C0", "C1", "C2"), strict=True):
        i = _q_index(model, q)
        ax.plot(times, traj.lambdas[:, i], color=c, label=f"$q = {q:g}\\pi$")
        ax.axhline(lam_gibbs[i], color="grey", ls="--", lw=1)
        numbers[f"lambda_q={q}pi"] = traj.lambdas[:, i]
        numbers[f"gibbs_q={q}pi"] = lam_gibbs[i]
    ax.set(xlabel="$tJ$", ylabel=r"$\lambda_q$", title=f"Fig. 2: relaxation to Gibbs (L={L})")
    ax.legend(frameon=False)
    params = model.params() | {"t_max": t_max, "initial": "infinite_temperature"}
    numbers["max_deviation_from_gibbs_at_t_max"] = float(np.abs(traj.lambdas[-1] - lam_gibbs).max())
    return write_figure(fig, out, "rect_fig2", params, numbers)


def fig3(out: str | Path, L: int = 400) -> dict:
    """Fig. 3: (a) NESS lambda_q and (b) current I against gamma_neq (model 1)."""
    _paper_L(L)
    gammas = gamma_grid()
    lams, states = [], {}
    for g in gammas:
        r = tgge.steady_state(NonreciprocalChain(L, gamma_neq=g))
        lams.append(r.lambdas)
        states.setdefault("current", []).append(r.current)
        states.setdefault("residual", []).append(r.diagnostics["residual"])
    lams = np.array(lams)
    model = NonreciprocalChain(L, gamma_neq=1.0)
    lam1 = tgge.steady_state(model).lambdas
    current = np.append(states["current"], tgge.steady_state(model).current)
    gam_all = np.append(gammas, 1.0)
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    numbers = {"gamma_neq": gam_all, "current": current, "residual": states["residual"]}
    for q, c in zip(PAPER_Q, ("C0", "C1", "C2"), strict=True):
        i = _q_index(model, q)
        a.plot(gam_all, np.append(lams[:, i], lam1[i]), color=c, label=f"$q = {q:g}\\pi$")
        a.axhline(lams[0, i], color="grey", ls="--", lw=1)
        numbers[f"lambda_q={q}pi"] = np.append(lams[:, i], lam1[i])
    a.set(xlabel=r"$\gamma_{neq}$", ylabel=r"$\lambda_q$", title="Fig. 3(a)")
    a.legend(frameon=False)
    b.plot(gam_all, current, "k-")
    b.set(xlabel=r"$\gamma_{neq}$", ylabel="$I$ [$J$]", title=f"Fig. 3(b)  (L={L})")
    params = model.params() | {"gamma_neq": "scanned"}
    return write_figure(fig, out, "rect_fig3", params, numbers)


def _occupation_panel(ax, r, title):
    k = r.momenta / np.pi
    ax.plot(k, r.occupations[:, 0], ".", color="C0", ms=3, label=r"$n_{k+}$")
    ax.plot(k, r.occupations[:, 1], ".", color="C3", ms=3, label=r"$n_{k-}$")
    ax.set(xlabel=r"$k/\pi$", ylabel="occupation", ylim=(-0.03, 1.03), title=title)
    ax.legend(frameon=False, fontsize=8)


def _current_panels(ax_lin, ax_log, scan, title):
    """Currents against gamma_neq (linear) and against 1 - gamma_neq (log, near 1)."""
    curves = (("current", "k-", "$I$"), ("up", "C0--", r"$I_\uparrow$"),
              ("down", "C3--", r"$I_\downarrow$"))
    below = scan["gamma_neq"] < 1
    for key, style, label in curves:
        ax_lin.plot(scan["gamma_neq"], scan[key], style, label=label)
        if ax_log is not None:
            ax_log.semilogx(1 - scan["gamma_neq"][below], scan[key][below], style, label=label)
    ax_lin.axhline(0, color="grey", lw=0.5)
    ax_lin.set(xlabel=r"$\gamma_{neq}$", ylabel="NESS current [$J$]", title=title)
    ax_lin.legend(frameon=False, fontsize=8)
    if ax_log is not None:
        ax_log.axhline(0, color="grey", lw=0.5)
        ax_log.invert_xaxis()
        ax_log.set(xlabel=r"$1-\gamma_{neq}$", ylabel="NESS current [$J$]",
                   title=title + r", near $\gamma_{neq}=1$")


def _rashba_figure(out, name, L, gamma_up, gamma_down, g_show, with_equal):
    """Current scans and band occupations of model 2 (Figs. 5 and 6)."""

    def make(g, up=gamma_up, down=gamma_down):
        return RashbaZeemanChain(L, gamma_neq=g, gamma_up=up, gamma_down=down)

    gammas = np.append(gamma_grid(), 1.0)
    scan = _scan(make, gammas)
    gibbs = tgge.steady_state(make(0.0))
    ness = tgge.steady_state(make(g_show))
    fig, axes = plt.subplots(2, 3 if with_equal else 2, figsize=(13 if with_equal else 9, 7.5))
    title = rf"(a) dephasing $\gamma_\uparrow={gamma_up:g}, \gamma_\downarrow={gamma_down:g}$"
    _current_panels(axes[0, 0], axes[0, 1], scan, title)
    numbers = {"scan": scan, "gibbs_occupations": gibbs.occupations,
               "ness_occupations": ness.occupations, "ness_gamma_neq": g_show,
               "momenta": gibbs.momenta, "band_energies": gibbs.energies}
    letter = "b"
    if with_equal:
        numbers["scan_equal_dephasing"] = _scan(lambda g: make(g, 0.5, 0.5), gammas)
        _current_panels(axes[0, 2], None, numbers["scan_equal_dephasing"],
                        r"(b) equal dephasing $\gamma_\uparrow=\gamma_\downarrow=0.5$")
        k = gibbs.momenta / np.pi
        axes[1, 2].plot(k, gibbs.energies[:, 0], "C0", label=r"$\epsilon_{k+}$")
        axes[1, 2].plot(k, gibbs.energies[:, 1], "C3", label=r"$\epsilon_{k-}$")
        axes[1, 2].set(xlabel=r"$k/\pi$", ylabel="energy [$J$]", title="bands, Eq. (C2)")
        axes[1, 2].legend(frameon=False, fontsize=8)
        letter = "c"
    _occupation_panel(axes[1, 0], gibbs, rf"({letter}) Gibbs state ($\gamma_{{neq}}=0$)")
    _occupation_panel(axes[1, 1], ness, rf"({letter}) NESS ($\gamma_{{neq}}={g_show:g}$)")
    fig.suptitle(rf"{name}: Rashba + Zeeman ring, L={L}, $\beta=2/J$, $\epsilon=0.05$, "
                 r"$\alpha_y=1.1J$, $\alpha_z=0.9J$, $h=J$")
    fig.tight_layout()
    params = make(g_show).params() | {"gamma_neq": "scanned"}
    return write_figure(fig, out, name, params, numbers)


def fig5(out: str | Path, L: int = 400, g_show: float = 0.99) -> dict:
    """Fig. 5: (a) up-spin dephasing current, (b) equal dephasing, (c) band occupations."""
    return _rashba_figure(out, "rect_fig5", L, 1.0, 0.0, g_show, with_equal=True)


def fig6(out: str | Path, L: int = 400, g_show: float = 0.99) -> dict:
    """Fig. 6 (Appendix D): (a) down-spin dephasing current, (b) band occupations."""
    return _rashba_figure(out, "rect_fig6", L, 0.0, 1.0, g_show, with_equal=False)
