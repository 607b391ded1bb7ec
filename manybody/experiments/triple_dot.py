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
from .._validate import integer, real
from ..models import TripleDot
from ._output import Check, write_figure

V_FIG1 = (1.0, 0.7, 1.5)
LEVELS_FIG1 = (0.5, 0.0, -0.5)


def fig1(out: str | Path, beta_dE_max: float = 10.0, points: int = 120) -> dict:
    """Fig. 1: I(0,-), I(+,-), I(0,+) against beta*Delta E; inset: Eq. (30a), (30b).

    Checks: I(0,-) -> 1 at large beta*Delta E while I(+,-), I(0,+) stay away from 1 (the
    caption); lhs = rhs of Eqs. (30a), (30b) and a Gibbs steady state (the text); DBE restored
    when two couplings are equal (the text, shown in the paper's supplement).
    """
    beta_dE_max = real("beta_dE_max", beta_dE_max, 5.0)  # the large-beta checks read its end
    points = integer("points", points, 2)
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
    inset.legend(fontsize=6, frameon=False, loc="center right",  # left of the inset, where
                 bbox_to_anchor=(-0.2, 0.5))  # the main axes are empty
    rel = np.abs(cond[..., 0] - cond[..., 1]) / np.abs(cond[..., 0])
    params = {"V": V_FIG1, "levels": LEVELS_FIG1, "Delta_E": dE, "mass": 1.0, "hbar": 1.0,
              "density": 1.0, "nodes": 32}
    numbers = {"beta_Delta_E": x} | curves | {
        "eq30a_lhs": cond[:, 0, 0], "eq30a_rhs": cond[:, 0, 1],
        "eq30b_lhs": cond[:, 1, 0], "eq30b_rhs": cond[:, 1, 1],
        "max_relative_eq30_mismatch": float(rel.max()),
        "max_gibbs_residual": float(np.max(gibbs_res))}
    equal = ldl.detailed_balance_ratios(TripleDot(V=(1.0, 1.0, 1.5), levels=LEVELS_FIG1,
                                                  beta=2.0 / dE))
    numbers["max_abs_I_minus_1_equal_couplings"] = float(np.abs(equal - 1).max())
    far = min(abs(1 - curves["I(+,-)"][-1]), abs(1 - curves["I(0,+)"][-1]))
    checks = [
        Check(f"I(0,-) tends to 1 at large beta*Delta E (= {x[-1]:g})", 1.0,
              curves["I(0,-)"][-1], 1e-3, "paper (caption)"),
        Check(f"I(+,-), I(0,+) stay different from 1: min |1 - I| at beta*Delta E = {x[-1]:g} "
              "in [0.1, 1]", 0.55, far, 0.45, "paper (caption)"),
        Check("thermalization conditions Eqs. (30a), (30b): max |lhs - rhs| / |lhs|", 0.0,
              float(rel.max()), 1e-8, "Eqs. (30a), (30b)"),
        Check("the stationary state is the Gibbs state: max |W p_eq| (relative)", 0.0,
              float(np.max(gibbs_res)), 1e-12, "paper (text)"),
        Check("two equal couplings (V = 1, 1, 1.5) restore DBE: max |I(k, l) - 1|", 0.0,
              numbers["max_abs_I_minus_1_equal_couplings"], 1e-12, "paper (text, Suppl.)"),
    ]
    return write_figure(
        fig, out, "dot_fig1", params, numbers,
        claim="With three different couplings DBE is violated (I(+,-), I(0,+) != 1 even at "
              "large beta*Delta E, where I(0,-) -> 1) while the steady state is Gibbs and the "
              "thermalization conditions (30a), (30b) hold.",
        checks=checks,
        deviations="The supplement (gas mass, density, units) is not available: hbar = k_B = "
                   "m = nu = 1; the inset's 1e-4 scale comes out the same.")
