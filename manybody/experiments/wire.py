r"""Figs. 2(b)(c), 3(a)-(c) and 4 of the source-drain wire paper (quantum wire).

Units :math:`e = \hbar = \gamma_o = 1`, zero temperature, :math:`\delta\mu = \pm 0.1`,
:math:`I_o = \delta\mu/2\pi`. Solid lines are the Green's-function solver, black dots the
paper's closed forms (:mod:`manybody.wire.analytic`). Where a caption does not give
:math:`\gamma` (Figs. 2(c), 3(b), 3(c)) we show several values.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .. import wire
from ..models import QuantumWire
from ..wire import analytic
from ._output import write_figure

DMU = 0.1
IO = DMU / (2 * np.pi)


def _delta_I(w: QuantumWire, linear: bool) -> tuple[float, float]:
    """The paper's ΔI = |I_1(δμ<0)| - |I_1(δμ>0)| and Ī = (|I_1(+)| + |I_1(-)|)/2."""
    f = wire.quantum_steady_state(w, linear_response=linear).I_in
    r = wire.quantum_steady_state(w.reversed(), linear_response=linear).I_in
    return abs(r) - abs(f), (abs(r) + abs(f)) / 2


def fig2(out: str | Path, gamma_c: float = 0.5) -> dict:
    """Fig. 2(b)(c): mu_2, mu_3 of a short wire (N = 4); Delta I / I-bar beyond linear response."""
    fig, (ax_b, ax_c) = plt.subplots(1, 2, figsize=(10, 3.8))
    ig = np.linspace(0.0, 0.3, 13)
    numbers = {"b_Ig_over_Io": ig}
    for sign, ls in ((1, "-"), (-1, "--")):
        lin = [wire.quantum_steady_state(QuantumWire(4, 0.5, 1.0, sign * DMU, i * IO),
                                         linear_response=True).mu for i in ig]
        exact = [wire.quantum_steady_state(QuantumWire(4, 0.5, 1.0, sign * DMU, i * IO)).mu
                 for i in ig]
        lin, exact = np.array(lin), np.array(exact)
        bias = "forward" if sign > 0 else "reverse"
        for k, c in ((1, "C0"), (2, "C3")):
            ax_b.plot(ig, lin[:, k], color=c, ls=ls, label=rf"$\mu_{k + 1}$ {bias}")
            ax_b.plot(ig, exact[:, k], "o", color=c, ms=3, mfc="none")
        a = analytic.short_wire(0.5, 1.0, sign * DMU, ig * IO)["delta_mu_sd"]
        ax_b.plot(ig, 1.0 + a, "k.", ms=3)
        numbers[f"b_mu2_{bias}"], numbers[f"b_mu3_{bias}"] = lin[:, 1], lin[:, 2]
        numbers[f"b_mu2_{bias}_exact_T0"] = exact[:, 1]
        numbers[f"b_mu2_{bias}_B31"] = 1.0 + a
    ax_b.set(xlabel=r"$I_g/I_o$", ylabel=r"$\mu_l/\gamma_o$",
             title=r"(b) $N=4$, $\bar\mu=1$, $\gamma=0.5$ (lines: lin. resp., o: exact, .: B31)")
    ax_b.legend(fontsize=7, frameon=False)
    ig_c = np.linspace(0.02, 2.8, 140)
    for g, c in ((gamma_c, "C0"), (1.0, "C1")):
        rel_lin, rel_exact = [], []
        for i in ig_c:
            w = QuantumWire(4, g, 1.52, DMU, i * IO)
            try:
                d, m = _delta_I(w, False)
            except wire.SelfConsistencyError:  # mu_2 reached the band edge: no bath can
                break  # inject more at T = 0; the curve ends there (recorded below)
            rel_exact.append(d / m)
            d, m = _delta_I(w, True)
            rel_lin.append(d / m)
        n = len(rel_exact)
        ax_c.plot(ig_c[:n], rel_exact, color=c, label=rf"$\gamma={g}$ exact ($T=0$)")
        ax_c.plot(ig_c[:n], rel_lin, color=c, ls="--", label=rf"$\gamma={g}$ linear response")
        numbers[f"c_gamma={g}_exact"], numbers[f"c_gamma={g}_linear"] = rel_exact, rel_lin
        numbers[f"c_gamma={g}_Ig_over_Io"] = ig_c[:n]
        numbers[f"c_gamma={g}_largest_Ig_over_Io_with_a_solution"] = ig_c[n - 1]
    ax_c.set(xlabel=r"$I_g/I_o$", ylabel=r"$\Delta I/\bar I$",
             title=r"(c) $N=4$, $\bar\mu=1.52$, $\delta\mu=\pm0.1$")
    ax_c.legend(fontsize=7, frameon=False)
    params = {"N": 4, "delta_mu": DMU, "b": {"mu_bar": 1.0, "gamma": 0.5},
              "c": {"mu_bar": 1.52, "gamma": [gamma_c, 1.0]}, "temperature": 0.0}
    return write_figure(fig, out, "wire_fig2", params, numbers)


def fig3(out: str | Path, n_max: int = 200) -> dict:
    """Fig. 3: (a) mu_l profile (N = 30), (b) Delta I against N, (c) one S-D dimer."""
    fig, (ax_a, ax_b, ax_c) = plt.subplots(1, 3, figsize=(14, 3.8))
    numbers = {}
    N = 30
    site = np.arange(1, N + 1)
    for sign, c in ((1, "C0"), (-1, "C3")):
        r = wire.quantum_steady_state(QuantumWire(N, 0.5, 1.0, sign * DMU, 0.3 * IO),
                                      linear_response=True)
        a = analytic.long_wire(N, 0.5, 1.0, sign * DMU, 0.3 * IO)
        bias = "forward" if sign > 0 else "reverse"
        ax_a.plot(site, r.mu, "-", color=c, lw=1, label=bias)
        ax_a.plot(site[1:-1], a["mu"], "k.", ms=4)
        numbers[f"a_mu_{bias}"], numbers[f"a_mu_{bias}_eq19"] = r.mu, a["mu"]
    ax_a.set(xlabel="site $l$", ylabel=r"$\mu_l/\gamma_o$",
             title=r"(a) $N=30$, $\gamma=0.5$, $I_g/I_o=0.3$ (dots: Eq. 19)")
    ax_a.legend(fontsize=7, frameon=False)
    Ns = np.r_[np.arange(4, 40, 2), np.unique(np.geomspace(40, n_max, 25).astype(int) // 2 * 2)]
    Ig = 0.05 * IO
    for g, c in ((0.3, "C0"), (0.5, "C1"), (0.7, "C2")):
        nr = [wire.quantum_nonreciprocity(QuantumWire(int(n), g, 1.0, DMU, Ig),
                                          linear_response=True) / Ig for n in Ns]
        eq21 = [2 * analytic.long_wire(int(n), g, 1.0, DMU, Ig)["dJ"] / Ig for n in Ns]
        lc = analytic.long_wire(4, g, 1.0, DMU, Ig)["l_c"]
        ax_b.plot(Ns, nr, color=c, label=rf"$\gamma={g}$, $l_c={lc:.1f}$")
        ax_b.plot(Ns[::3], eq21[::3], "k.", ms=4)
        numbers[f"b_gamma={g}"], numbers[f"b_gamma={g}_eq21"] = nr, eq21
    numbers["b_N"] = Ns
    ax_b.set(xscale="log", xlabel="$N$", ylabel=r"$\Delta I/I_g$",
             title=r"(b) $I_g/I_o=0.05$, $\bar\mu=1$ (dots: $2\delta J$, Eq. 21)")
    ax_b.legend(fontsize=7, frameon=False)
    Nc = np.arange(5, 41)
    Ig = 0.1 * IO
    for g, c in ((0.3, "C0"), (0.5, "C1"), (1.0, "C2")):
        nr = [wire.quantum_nonreciprocity(QuantumWire(int(n), g, 1.0, DMU, Ig, sources=(2,),
                                                      drains=(int(n) - 1,)),
                                          linear_response=True) / Ig for n in Nc]
        eq22 = [analytic.single_dimer_nonreciprocity(int(n), g, 1.0, Ig) / Ig for n in Nc]
        ax_c.plot(Nc, nr, "-o", color=c, ms=3, label=rf"$\gamma={g}$")
        ax_c.plot(Nc, eq22, "k.", ms=3)
        numbers[f"c_gamma={g}"], numbers[f"c_gamma={g}_eq22"] = nr, eq22
    numbers["c_N"] = Nc
    ax_c.axhline(0, color="grey", lw=0.8)
    ax_c.set(xlabel="$N$", ylabel=r"$\Delta j/I_g$",
             title=r"(c) one S-D dimer, $I_g/I_o=0.1$, $\bar\mu=1$ (dots: Eq. 22)",
             ylim=(-0.05, 1.0))
    ax_c.legend(fontsize=7, frameon=False, loc="upper center", ncol=3)
    params = {"delta_mu": DMU, "mu_bar": 1.0, "a": {"N": N, "gamma": 0.5, "Ig_over_Io": 0.3},
              "b": {"Ig_over_Io": 0.05, "gamma": [0.3, 0.5, 0.7]},
              "c": {"Ig_over_Io": 0.1, "gamma": [0.3, 0.5, 1.0]}, "linear_response": True}
    return write_figure(fig, out, "wire_fig3", params, numbers)


def fig4(out: str | Path) -> dict:
    """Fig. 4: the nonreciprocity of one S-D dimer vanishes at N - 3 = m lambda_F / 2."""
    fig, ax = plt.subplots(figsize=(6, 3.8))
    Ig, g = 0.1 * IO, 0.5
    numbers = {}
    for mu_bar, c in ((1.0, "C0"), (np.sqrt(2), "C1"), (0.6, "C2")):
        half = np.pi / np.arccos(mu_bar / 2)  # lambda_F / 2
        Nc = np.arange(5, 31)
        nr = [wire.quantum_nonreciprocity(QuantumWire(int(n), g, mu_bar, DMU, Ig, sources=(2,),
                                                      drains=(int(n) - 1,)),
                                          linear_response=True) / Ig for n in Nc]
        cont = np.linspace(4, 30, 600)
        eq22 = analytic.single_dimer_nonreciprocity(cont, g, mu_bar, Ig) / Ig
        ax.plot((cont - 3) / half, eq22, color=c, lw=1,
                label=rf"$\bar\mu={mu_bar:.3g}$, $\lambda_F/2={half:.3g}$ (line: Eq. 22 at real N)")
        ax.plot((Nc - 3) / half, nr, "o", color=c, ms=3)
        numbers[f"mu_bar={mu_bar:.4g}_N"], numbers[f"mu_bar={mu_bar:.4g}"] = Nc, nr
        numbers[f"mu_bar={mu_bar:.4g}_half_fermi_wavelength"] = half
    for m in range(1, 9):
        ax.axvline(m, color="grey", lw=0.5, ls=":")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xlabel=r"$(N-3)/(\lambda_F/2)$", ylabel=r"$\Delta j/I_g$", xlim=(0, 8),
           title=r"Fig. 4: zeros at $N-3 = m\lambda_F/2$ ($\gamma=0.5$; o: solver, line: Eq. 22)")
    ax.legend(fontsize=7, frameon=False)
    params = {"gamma": g, "Ig_over_Io": 0.1, "delta_mu": DMU, "linear_response": True}
    return write_figure(fig, out, "wire_fig4", params, numbers)
