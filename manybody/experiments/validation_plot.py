"""The figure of ``validate-tgge``: errors against eps, currents and the closure against L,
the dissipative current against Wick's theorem (:func:`plot_tgge`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

OUTSIDE = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "frameon": False, "fontsize": 7}


def _legend(ax) -> None:
    """A legend right of the panel where it has labelled curves (none without exact rows)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**OUTSIDE)


def _ring_size_axis(ax, Ls) -> None:
    """Log axis of ring sizes with plain labels at powers of two (no 2x10^0, no collisions)."""
    ax.set_xscale("log")
    ticks = [2 ** n for n in range(1, 13) if min(Ls) / 1.5 <= 2 ** n <= max(Ls) * 1.5]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def plot_tgge(rows: list[dict], fits: dict, model: str, wick: float):
    """Six panels: (a) current and (b) occupation error against eps, (c) currents and (d) the
    closure error against L, (e) the dissipative current of the nonequilibrium jumps per eps
    against L beside Wick's theorem in the tGGE state of the same L and of large L (``wick``),
    (f) L times its distance to the large-L value."""
    fig, ((a, b), (c, d), (e, f)) = plt.subplots(3, 2, figsize=(15, 12.5))
    for i, r in enumerate(rows):
        if "exact" not in r:
            continue
        eps = np.array(r["eps"])
        col = f"C{i}"
        if "secular" in r:
            slope = fits.get(str(r["L"]))  # none where |I_exact - I_secular| is round-off
            dev = np.abs(np.array(r["exact"]) - r["secular"])
            above = dev > 1e-14  # round-off (e.g. L = 2, where the NESS does not depend on eps)
            fitted = "" if slope is None else f" (slope {slope:.2f})"
            if above.any():
                a.loglog(eps[above], dev[above], "o-", color=col,
                         label=f"L={r['L']}: exact - secular{fitted}")
        a.loglog(eps, np.abs(np.array(r["exact"]) - r["tgge_canonical"]), "s--", color=col,
                 label=f"L={r['L']}: exact - tGGE(N)")
        b.loglog(eps, r["dn_exact_vs_tgge_canonical"], "s--", color=col, label=f"L={r['L']}")
    a.set(xlabel=r"$\epsilon$", ylabel=r"$|\Delta I|$ [$J$]", title="current error against ε")
    _legend(a)
    b.set(xlabel=r"$\epsilon$", ylabel=r"$\max_q |n_q^{exact} - n_q^{tGGE(N)}|$",
          title="occupation error against ε")
    _legend(b)
    for key, style, label in (("tgge_gc", "k-", "tGGE (grand canonical)"),
                              ("tgge_canonical", "k--", "tGGE projected on N"),
                              ("exclusion", "C1o", "exclusion process (ε→0, diagonal)"),
                              ("secular", "C2s", "exact ε→0 (secular)")):
        pts = [(r["L"], r[key]) for r in rows if key in r]
        if pts:
            c.plot(*zip(*pts, strict=True), style, label=label)
    kmc = [r for r in rows if "kmc" in r]
    if kmc:
        c.errorbar([r["L"] for r in kmc], [r["kmc"] for r in kmc],
                   [r["kmc_error"] for r in kmc], fmt="C1^", label="exclusion process (KMC)")
    for r in rows:
        if "exact" in r:
            c.plot([r["L"]] * len(r["exact"]), r["exact"], "C3x", ms=4)
    c.plot([], [], "C3x", label="exact at each ε")
    c.set(xlabel="L", ylabel="NESS current [$J$]", title="current against L")
    _legend(c)
    for ref, col, name in (("tgge_gc", "C1", "tGGE"), ("tgge_canonical", "C7", "tGGE(N)")):
        gap = [(r["L"], r["L"] * (r["exclusion"] - r[ref])) for r in rows
               if "exclusion" in r and r["L"] >= 10]  # smaller L: shell effects, see panel c
        if gap:
            d.plot(*zip(*gap, strict=True), "o", color=col, label=f"exclusion (exact) - {name}")
        big = [r for r in kmc if r["L"] >= 10]
        if big:
            d.errorbar([r["L"] for r in big], [r["L"] * (r["kmc"] - r[ref]) for r in big],
                       [r["L"] * r["kmc_error"] for r in big], fmt="^", color=col,
                       label=f"exclusion (KMC) - {name}")
    d.axhline(0.0, color="k", lw=0.5)
    sizes = [r["L"] for r in rows]
    _ring_size_axis(c, sizes)
    _ring_size_axis(d, [L for L in sizes if L >= 10] or sizes)
    d.set(xlabel="L", ylabel=r"$L\,(I_{excl} - I_{tGGE})$ [$J$]",
          title="closure error × L (ε → 0, L ≥ 10)")
    _legend(d)
    _dissipative(e, f, rows, wick)
    fig.suptitle(f"tGGE validation, {model}")
    fig.tight_layout()
    return fig




ROUNDOFF = 1e-12  # |I_D / eps| below this everywhere: no dissipative current to plot


def _dissipative(e, f, rows, wick: float) -> None:
    """Panels (e), (f) of :func:`plot_tgge`; if every value is below ``ROUNDOFF`` (e.g. model
    2, whose local dephasing moves no particle), the panels say so instead of plotting
    round-off."""
    exact = [r for r in rows if "exact" in r]
    values = [wick, *(r["gge_dissipative_per_eps"] for r in rows),
              *(v for r in exact for v in r["exact_dissipative_per_eps"])]
    largest = float(np.max(np.abs(values)))
    if largest < ROUNDOFF:
        for ax in (e, f):
            ax.text(0.5, 0.5, "no dissipative current:\n$I_D/\\epsilon$ = 0 to round-off\n"
                    f"(largest $|I_D/\\epsilon|$ = {largest:.0e} $J$)", ha="center",
                    va="center", transform=ax.transAxes)
            ax.set(xticks=[], yticks=[], title="dissipative current of the nonequilibrium "
                   "jumps, per ε")
        return
    for i, eps in enumerate(sorted({x for r in exact for x in r["eps"]})):
        pts = [(r["L"], r["exact_dissipative_per_eps"][r["eps"].index(eps)]) for r in exact
               if eps in r["eps"]]
        e.plot(*zip(*pts, strict=True), "x+1234"[i % 6], ms=7, color=f"C{i}",
               label=f"exact, ε = {eps:g}")
    pts = sorted((r["L"], r["gge_dissipative_per_eps"]) for r in rows)
    e.plot(*zip(*pts, strict=True), "k.-", lw=0.8, label="Wick, tGGE at the same L")
    e.axhline(wick, color="k", ls="--", lw=0.8, label="Wick, tGGE at large L")
    e.set(xlabel="L", ylabel=r"$I_D/\epsilon$ [$J$]",
          title="dissipative current of the nonequilibrium jumps, per ε")
    _legend(e)
    if exact:
        small = [(r["L"], r["L"] * (r["exact_dissipative_per_eps"][int(np.argmin(r["eps"]))]
                                    - wick)) for r in exact]
        f.plot(*zip(*small, strict=True), "C3o-", label="exact, smallest ε")
    f.plot([L for L, _ in pts], [L * (v - wick) for L, v in pts], "k.-", lw=0.8,
           label="Wick, tGGE at the same L")
    f.axhline(0.0, color="k", lw=0.5)
    f.set(xlabel="L", ylabel=r"$L\,(I_D/\epsilon - I_D^{Wick,\infty}/\epsilon)$ [$J$]",
          title="approach to the large-L value (1/L: flat)")
    _legend(f)
