r"""Fig. 1 of the detailed-balance paper: I(k, ℓ) of the triple dot against βΔE.

Caption parameters: :math:`V = (1, 0.7, 1.5)`, :math:`\mathcal E_\pm = \pm 0.5`,
:math:`\mathcal E_0 = 0`, :math:`\Delta E = \mathcal E_0 - \mathcal E_- = 0.5`; units
:math:`\hbar = k_B = 1`, gas mass m = 1, density ν = 1 (the paper's supplement is not
available; the inset's scale, 1e-4, comes out the same with these units).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .. import ldl
from ..models import TripleDot
from ._output import write_figure

V_FIG1 = (1.0, 0.7, 1.5)
LEVELS_FIG1 = (0.5, 0.0, -0.5)


def fig1(out: str | Path, beta_dE_max: float = 10.0, points: int = 120) -> dict:
    """Fig. 1: I(0,-), I(+,-), I(0,+) against beta*Delta E; inset: Eq. (30a), (30b)."""
    dE = LEVELS_FIG1[1] - LEVELS_FIG1[2]
    x = np.linspace(beta_dE_max / points, beta_dE_max, points)
    ratios, cond, gibbs_res = [], [], []
    for bx in x:
        dot = TripleDot(V=V_FIG1, levels=LEVELS_FIG1, beta=bx / dE)
        ratios.append(ldl.detailed_balance_ratios(dot))
        cond.append(ldl.thermalization_conditions(dot))
        gibbs_res.append(ldl.solve(dot).diagnostics["gibbs_residual"])
    ratios, cond = np.array(ratios), np.array(cond)
    P, Z, M = 0, 1, 2
    curves = {"I(0,-)": ratios[:, Z, M], "I(+,-)": ratios[:, P, M], "I(0,+)": ratios[:, Z, P]}
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    for (name, y), c in zip(curves.items(), ("C0", "C1", "C2"), strict=True):
        ax.plot(x, y, color=c, label=f"${name}$")
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.set(xlabel=r"$\beta\Delta E$", ylabel=r"$I(k,\ell)$",
           title="Fig. 1: detailed balance ratios, V = (1, 0.7, 1.5)")
    ax.legend(frameon=False, loc="upper right")
    inset = ax.inset_axes([0.42, 0.25, 0.45, 0.25])
    for i, (c, lab) in enumerate((("C3", "30a"), ("C4", "30b"))):
        inset.plot(x, 1e4 * cond[:, i, 0], color=c, label=f"({lab}) lhs")
        inset.plot(x, 1e4 * cond[:, i, 1], color="k", ls=":", lw=1.2,
                   label="rhs" if i else None)
    inset.set_xlabel(r"$\beta\Delta E$", fontsize=7)
    inset.set_ylabel(r"$10^4\times$", fontsize=7)
    inset.tick_params(labelsize=6)
    inset.legend(fontsize=6, frameon=False)
    rel = np.abs(cond[..., 0] - cond[..., 1]) / np.abs(cond[..., 0])
    params = {"V": V_FIG1, "levels": LEVELS_FIG1, "Delta_E": dE, "mass": 1.0, "hbar": 1.0,
              "density": 1.0, "nodes": 32}
    numbers = {"beta_Delta_E": x} | curves | {
        "eq30a_lhs": cond[:, 0, 0], "eq30a_rhs": cond[:, 0, 1],
        "eq30b_lhs": cond[:, 1, 0], "eq30b_rhs": cond[:, 1, 1],
        "max_relative_eq30_mismatch": float(rel.max()),
        "max_gibbs_residual": float(np.max(gibbs_res))}
    return write_figure(fig, out, "dot_fig1", params, numbers)
