r"""Figures 2-7 of the persistent-current paper (Fig. 5 upper panel: ``fig5``, lower panel:
``fig5_chain``, both extended to large rings and chains: ``fig5_extended``).

Energies in units of :math:`\mu = 1` (the paper's choice), currents per bond with the
operators of Eq. (14) as defined in :mod:`manybody.models.spin_ring` (positive for
:math:`\alpha > \delta`). Exact results from :func:`manybody.ed.steady_state` (symmetric
reduction), mean field from :func:`manybody.cmf.steady_state`, open chains beyond exact sizes
from :func:`mpo.steady_state` (TEBD of the vectorized density matrix, dt bias removed by
Richardson extrapolation).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from tqdm.auto import tqdm

from .. import cmf, ed
from .._validate import integer, memory_guard
from ..models import MetelmannClerkRing
from ..observables import spin_observables
from ._output import write_figure


def fig2(out: str | Path, L: int = 4, points: int = 41) -> dict:
    """Fig. 2: flux-induced current and negativity, J = 1.5, lambda = 0.5, mu = 1; left at
    kappa = 0.1 against phi, middle/right as maps over (kappa, phi)."""
    phis = np.linspace(0.0, 4 * np.pi, points)  # the pairing doubles the period to 4 pi
    kappas = np.linspace(0.05, 10.0, 25)

    def run(kappa, phi):
        r = ed.steady_state(MetelmannClerkRing(L, alpha=0, beta=0, gamma=0, delta=0, J=1.5,
                                               lam=0.5, kappa=kappa, flux=phi))
        return r.currents["J"].mean(), r.negativity

    line = np.array([run(0.1, p) for p in phis])
    maps = np.array([[run(k, p) for p in phis] for k in tqdm(kappas, desc="fig2", leave=False)])
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(15, 4))
    a.plot(phis, line[:, 0], "-", color="darkmagenta", label=r"$\langle I^J\rangle$")
    a2 = a.twinx()
    a2.plot(phis, line[:, 1], "--", color="yellowgreen", label=r"$N(\rho_{12})$")
    a.set(xlabel=r"$\phi$", ylabel=r"$\langle I^J\rangle$", title=f"L={L}, κ=0.1")
    a2.set_ylabel(r"$N(\rho_{12})$")
    for ax, k, name in ((b, 0, r"$\langle I^J\rangle$"), (c, 1, r"$N(\rho_{12})$")):
        im = ax.pcolormesh(phis, kappas, maps[:, :, k], shading="auto")
        fig.colorbar(im, ax=ax, label=name)
        ax.set(xlabel=r"$\phi$", ylabel=r"$\kappa$")
    fig.tight_layout()
    return write_figure(fig, out, "ring_fig2", {"L": L, "J": 1.5, "lam": 0.5, "mu": 1.0},
                        {"phi": phis, "kappa": kappas, "current_kappa0.1": line[:, 0],
                         "negativity_kappa0.1": line[:, 1], "current_map": maps[:, :, 0],
                         "negativity_map": maps[:, :, 1]})


def fig3(out: str | Path, points: int = 21) -> dict:
    """Fig. 3: the paper's CMF solution (x-state) over (alpha, delta): normalized current
    <I^eta>/|alpha^2 - delta^2|, <sigma^z>, negativity and purity, mu = 1."""
    grid = np.linspace(0.05, 2.0, points)
    keys = ("current/|a2-d2|", "sz", "negativity", "purity")
    maps = np.full((len(keys), points, points), np.nan)
    for i, d in enumerate(tqdm(grid, desc="fig3", leave=False)):
        for j, a in enumerate(grid):
            ring = MetelmannClerkRing.minimal(4, alpha=a, delta=d)
            r = cmf.steady_state(ring, solution="x-state", n_starts=1)
            scale = abs(a * a - d * d)
            maps[:, i, j] = [r.current / scale if scale > 1e-12 else np.nan,
                             float(np.mean(r.sz)), r.negativity, r.purity]
    fig, axes = plt.subplots(2, 2, figsize=(10, 8))
    for ax, m, key in zip(axes.ravel(), maps, keys, strict=True):
        im = ax.pcolormesh(grid, grid, m, shading="auto")
        fig.colorbar(im, ax=ax, label=key)
        ax.set(xlabel=r"$\alpha$", ylabel=r"$\delta$")
    fig.suptitle("CMF x-state (the paper's solution), μ = 1")
    fig.tight_layout()
    return write_figure(fig, out, "ring_fig3", {"mu": 1.0, "solution": "x-state"},
                        {"alpha": grid, "delta": grid, "keys": list(keys), "maps": maps})


def fig4(out: str | Path, L: int = 4, points: int = 25) -> dict:
    """Fig. 4: CMF against exact at L = 4 for (alpha, delta) = r(cos t, sin t), r = 1, 2, 5."""
    # theta = 0, pi/2 (delta = 0 or alpha = 0) are left out: on even rings the steady
    # state is then not unique (dark states), and the exact solver refuses it
    thetas = np.linspace(0.0, np.pi / 2, points + 2)[1:-1]
    keys = ("current", "sz", "negativity", "purity")
    data = {}
    for r in (1.0, 2.0, 5.0):
        for method in ("ed", "cmf"):
            rows = []
            for t in thetas:
                ring = MetelmannClerkRing.minimal(L, alpha=r * np.cos(t), delta=r * np.sin(t))
                res = ed.steady_state(ring) if method == "ed" else cmf.steady_state(ring)
                rows.append([res.current, float(np.mean(res.sz)), res.negativity, res.purity])
            data[f"{method}_r{r:g}"] = np.array(rows)
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for k, (ax, key) in enumerate(zip(axes.ravel(), keys, strict=True)):
        for r, col in zip((1, 2, 5), ("darkmagenta", "yellowgreen", "C0"), strict=True):
            ax.plot(thetas, data[f"ed_r{r}"][:, k], "-", color=col, label=f"ED r={r}")
            ax.plot(thetas, data[f"cmf_r{r}"][:, k], "--", color=col, label=f"CMF r={r}")
        ax.set(xlabel=r"$\theta$", ylabel=key)
    axes[0, 0].legend(fontsize=7, frameon=False)
    fig.suptitle(f"CMF (stable solution, dashed) against exact (L={L}), μ = 1")
    fig.tight_layout()
    return write_figure(fig, out, "ring_fig4", {"L": L, "r": [1, 2, 5], "mu": 1.0},
                        {"theta": thetas, "columns": list(keys), **data})


def _exact_sizes(L: int) -> np.ndarray:
    """Ring sizes 3..L of the exact current of Fig. 5, computed largest first (where
    :func:`manybody.ed.steady_state` refuses a size it cannot hold) and shown in order."""
    return np.arange(3, integer("L", L, 3) + 1)


def fig5(out: str | Path, L: int = 12) -> dict:
    """Fig. 5 (upper panel): exact ring current against L, alpha = 2, delta = 1.5, mu = 1."""
    Ls = _exact_sizes(L)
    rows = [ed.steady_state(MetelmannClerkRing.minimal(n, alpha=2.0, delta=1.5))
            for n in tqdm(Ls[::-1], desc="fig5", leave=False)][::-1]
    current = np.array([r.current for r in rows])
    mf = cmf.steady_state(MetelmannClerkRing.minimal(4, alpha=2.0, delta=1.5))
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(Ls, current, "o-", color="darkmagenta", label="exact (ring)")
    ax.axhline(mf.current, color="gray", ls="--", label="CMF (stable)")
    ax.set(xlabel="L", ylabel=r"$\langle I^\eta\rangle$", title="α = 2, δ = 1.5, μ = 1")
    ax.legend(frameon=False)
    fig.tight_layout()
    return write_figure(fig, out, "ring_fig5", {"alpha": 2.0, "delta": 1.5, "mu": 1.0},
                        {"L": Ls, "current": current, "cmf_current": mf.current,
                         "wall_time": [r.diagnostics["wall_time"] for r in rows]})


def fig5_chain(out: str | Path, L: int = 30, ring_L: int = 10, max_bond: int = 32) -> dict:
    r"""Fig. 5 (lower panel): :math:`\langle I^\eta\rangle` per bond of open chains against
    the bond's position (j + 1/2)/L, alpha = 2, delta = 1, mu = 1, for the lengths L/3, 2L/3
    and L; the exact ring currents at ``ring_L`` and ``ring_L + 1`` for comparison."""
    import mpo

    integer("L", L, 4)  # the longest open chain
    lengths = [n for n in sorted({L // 3, (2 * L) // 3, L}) if n >= 4]
    runs = [mpo.steady_state(MetelmannClerkRing.minimal(n, 2.0, 1.0, boundary="open"),
                             max_bond=max_bond, richardson=True, progress=False)
            for n in tqdm(lengths, desc="fig5 chain", leave=False)]
    rings = [ed.steady_state(MetelmannClerkRing.minimal(n, 2.0, 1.0)).current
             for n in (ring_L, ring_L + 1)]
    fig, ax = plt.subplots(figsize=(6, 4))
    for n, r in zip(lengths, runs, strict=True):
        x = (np.arange(n - 1) + 1.5) / n  # bond (j, j+1) of sites j = 1..L, midpoint / L
        ax.errorbar(x, r.currents["eta"], yerr=r.current_profile_error, fmt="o-",
                    ms=3, label=f"open chain L = {n} (MPO)")
    for n, c, ls in zip((ring_L, ring_L + 1), rings, (":", "--"), strict=True):
        ax.axhline(c, color="gray", ls=ls, label=f"ring L = {n} (exact)")
    ax.set(xlabel="j / L", ylabel=r"$\langle I^\eta_j\rangle$", title="α = 2, δ = 1, μ = 1")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return write_figure(fig, out, "ring_fig5_chain",
                        {"L": L, "lengths": lengths, "alpha": 2.0, "delta": 1.0, "mu": 1.0,
                         "max_bond": max_bond, "ring_L": ring_L},
                        {"profiles": {str(r.model["L"]): r.currents["eta"] for r in runs},
                         "error": {str(r.model["L"]): r.current_profile_error for r in runs},
                         "ring_current": rings,
                         "wall_time": [r.diagnostics["wall_time"] for r in runs]})


RING_RUN = {"max_bond": 32, "order": 2, "tol": 1e-6}  # the ring command's settings
CHAIN_RUN = {"max_bond": 12, "order": 4, "tol": 1e-7}  # open chain: bulk current to 1e-6
# delta = 1 needs more than chi = 12 (off by 3e-5 at L = 20, data/benchmarks/mpo_benchmarks.json)
LOWER_RUN = {"max_bond": 16, "order": 2, "tol": 1e-6}


def fig5_extended(out: str | Path, L: int = 12, ring_sizes: tuple[int, ...] = (16, 32, 64, 128),
                  chain_L: int = 1000, lower_lengths: tuple[int, ...] = (30, 1000)) -> dict:
    r"""Fig. 5 extended: the ring current against L for alpha = 2, delta = 1.5, mu = 1, exact
    for L = 3..``L`` and by MPO (TEBD, Richardson, error budget) for ``ring_sizes``, with the
    bulk current (middle half of the bonds) of an open chain of ``chain_L`` sites; the third
    panel shows that chain's current profile, the fourth extends the lower panel of Fig. 5
    (delta = 1) to open chains of ``lower_lengths`` sites (:math:`\langle I^\eta_j\rangle`
    against j/L). MPO runs checkpoint to ``out/mpo_runs`` and a rerun resumes (a finished run
    is read back without evolving)."""
    import mpo

    if not all(isinstance(n, int) and n >= 3 for n in ring_sizes):
        raise ValueError(f"ring_sizes must be integers >= 3, got {ring_sizes!r}")
    if not (isinstance(chain_L, int) and chain_L >= 4):
        raise ValueError(f"chain_L must be an integer >= 4, got {chain_L!r}")
    if not all(isinstance(n, int) and n >= 4 for n in lower_lengths):
        raise ValueError(f"lower_lengths must be integers >= 4, got {lower_lengths!r}")
    runs_dir = Path(out) / "mpo_runs"
    Ls = _exact_sizes(L)
    exact = np.array([ed.steady_state(MetelmannClerkRing.minimal(n, 2.0, 1.5)).current
                      for n in tqdm(Ls[::-1], desc="fig5 exact", leave=False)][::-1])

    def run(n, boundary, options, delta=1.5):
        model = MetelmannClerkRing.minimal(n, 2.0, delta, boundary=boundary)
        tag = "" if delta == 1.5 else f"_delta{delta:g}"
        return mpo.steady_state(model, **options,
                                checkpoint=runs_dir / f"{boundary}_L{n}{tag}.npz")

    rings = [run(n, "periodic", RING_RUN) for n in ring_sizes]
    chain = run(chain_L, "open", CHAIN_RUN)
    lower = [run(n, "open", LOWER_RUN, delta=1.0) for n in lower_lengths]
    prof, err = chain.current_profile, chain.current_profile_error
    bulk, bulk_err = chain.diagnostics["bulk_current"], chain.diagnostics["bulk_error"]
    fig, (a, c, b, d) = plt.subplots(1, 4, figsize=(22, 4.2))
    a.plot(Ls, exact, "o-", color="darkmagenta", label="ring, exact")
    a.errorbar(ring_sizes, [r.current for r in rings],
               yerr=[r.diagnostics["error"] for r in rings], fmt="s", color="C0", capsize=3,
               label=f"ring, MPO (χ = {RING_RUN['max_bond']})")
    a.axhspan(bulk - bulk_err, bulk + bulk_err, color="C1", alpha=0.3)
    a.axhline(bulk, color="C1", lw=1, label=f"open chain L = {chain_L}, bulk (MPO)")
    a.set(xscale="log", xlabel="L", ylabel=r"$\langle I^\eta\rangle$",
          title="α = 2, δ = 1.5, μ = 1")
    a.legend(frameon=False, fontsize=8)
    ring_mpo = np.array([r.current for r in rings])
    ring_err = np.array([r.diagnostics["error"] for r in rings])
    c.loglog(Ls, np.abs(exact - bulk), "o-", color="darkmagenta", label="ring, exact")
    c.errorbar(ring_sizes, np.abs(ring_mpo - bulk), yerr=ring_err, fmt="s", color="C0",
               capsize=3, label="ring, MPO (error bar)")
    c.axhline(bulk_err, color="C1", ls=":", label="bulk error bar")
    c.set(xlabel="L", ylabel=r"$|\langle I^\eta\rangle_L - I_{bulk}|$",
          title=f"distance to the L = {chain_L} bulk")
    c.legend(frameon=False, fontsize=8)
    x = (np.arange(prof.size) + 1.5) / chain_L
    b.plot(x, prof, "-", color="C1", lw=1)
    b.axhline(bulk, color="gray", ls=":", lw=1)
    b.set(xlabel="j / L", ylabel=r"$\langle I^\eta_j\rangle$",
          title=f"open chain L = {chain_L}: bulk {bulk:.7f} ± {bulk_err:.0e}")
    lower_bulk = [r.diagnostics["bulk_current"] for r in lower]
    for n, r, ib in zip(lower_lengths, lower, lower_bulk, strict=True):
        d.plot((np.arange(n - 1) + 1.5) / n, r.currents["eta"], "o-" if n <= 100 else "-",
               ms=3, lw=1, label=f"L = {n}: bulk {ib:.7f} ± {r.diagnostics['bulk_error']:.0e}")
    d.set(xlabel="j / L", ylabel=r"$\langle I^\eta_j\rangle$",
          title="Fig. 5 lower panel extended (α = 2, δ = 1)")
    d.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return write_figure(
        fig, out, "ring_fig5_extended",
        {"L": L, "ring_sizes": ring_sizes, "chain_L": chain_L, "alpha": 2.0, "delta": 1.5,
         "mu": 1.0, "ring_run": RING_RUN, "chain_run": CHAIN_RUN,
         "lower_lengths": lower_lengths, "lower_delta": 1.0, "lower_run": LOWER_RUN},
        {"L_exact": Ls, "current_exact": exact,
         "current_ring_mpo": [r.current for r in rings],
         "error_ring_mpo": [r.diagnostics["error"] for r in rings],
         "error_parts_ring_mpo": [{k: r.diagnostics[k] for k in
                                   ("error_trotter", "error_stopping", "error_truncation")}
                                  for r in rings],
         "chain_bulk_current": bulk, "chain_bulk_error": bulk_err, "chain_profile": prof,
         "chain_profile_error": err,
         "lower_profiles": {str(r.model["L"]): r.currents["eta"] for r in lower},
         "lower_profile_error": {str(r.model["L"]): r.current_profile_error for r in lower},
         "lower_bulk_current": lower_bulk,
         "lower_bulk_error": [r.diagnostics["bulk_error"] for r in lower],
         "wall_time": {"rings": [r.diagnostics["wall_time"] for r in rings],
                       "chain": chain.diagnostics["wall_time"],
                       "lower": [r.diagnostics["wall_time"] for r in lower]}})


def ground_state(L: int, flux: float, J: float = 1.0) -> dict:
    r"""Ground state of Eq. (B1) (:math:`\lambda = \mu = 0`) with its observables and energy."""
    ring = MetelmannClerkRing(L, alpha=0, beta=0, gamma=0, delta=0, mu=0.0, J=J, flux=flux)
    w, v = np.linalg.eigh(ring.hamiltonian().toarray())
    if w[1] - w[0] < 1e-10:
        raise ValueError(f"the ground state is degenerate at flux={flux}")
    return spin_observables(ring, np.outer(v[:, 0], v[:, 0].conj())) | {"energy": w[0]}


def fig7(out: str | Path, L: int = 4, points: int = 101) -> dict:
    r"""Fig. 7: ground-state current and entanglement entropy against the flux, with
    :math:`2\,\partial E/\partial\phi` (Hellmann-Feynman for the operator of Eq. B2)."""
    memory_guard("the dense ground state of Eq. (B1)", "L", integer("L", L, 2),
                 lambda n: 3 * 16 * 4.0**n)  # H, its eigenvectors and LAPACK's workspace
    phis = np.linspace(-np.pi, np.pi, points)
    phis = phis[np.abs(np.abs(phis) - np.pi) > 1e-9]  # degenerate ground state at +-pi
    gs = [ground_state(L, p) for p in phis]
    h = 1e-5
    dE = np.array([(ground_state(L, p + h)["energy"] - ground_state(L, p - h)["energy"])
                   / (2 * h) for p in phis])
    current = np.array([g["currents"]["J"].mean() for g in gs])
    entropy = np.array([g["entropy"] for g in gs])
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(phis, current, "-", color="darkmagenta", label=r"$\langle I^J\rangle$")
    ax.plot(phis[::5], 2 * dE[::5], "ko", ms=3, label=r"$2\,\partial E/\partial\phi$")
    ax.plot(phis, entropy, "--", color="yellowgreen", label=r"$S(\rho_{12})$")
    ax.set(xlabel=r"$\phi$", title=f"ground state, L={L}, J0 = 1")
    ax.legend(frameon=False)
    fig.tight_layout()
    return write_figure(fig, out, "ring_fig7", {"L": L, "J0": 1.0},
                        {"phi": phis, "current": current, "dE_dphi": dE, "entropy": entropy,
                         "max_dev_current_2dE": float(np.abs(current - 2 * dE).max())})


def fig6(out: str | Path, L: int = 6, points: int = 25) -> dict:
    """Fig. 6: exact current against theta at r = 1 with the perturbations of Sec. IV C,
    a field eps sigma^x (left) and an interaction eps sigma^z sigma^z (right)."""
    thetas = np.linspace(0.0, np.pi / 2, points + 2)[1:-1]  # dark states at the ends
    strengths = (0.0, 0.25, 0.5, 1.0)
    data = {}
    for name in ("hx", "jzz"):
        for eps in strengths:
            data[f"{name}_{eps:g}"] = np.array([
                ed.steady_state(MetelmannClerkRing.minimal(
                    L, alpha=np.cos(t), delta=np.sin(t), **{name: eps})).current
                for t in thetas])
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, name, label in zip(axes, ("hx", "jzz"), (r"$\epsilon\sigma^x_j$",
                                                      r"$\epsilon\sigma^z_j\sigma^z_{j+1}$"),
                               strict=True):
        for eps in strengths:
            ax.plot(thetas, data[f"{name}_{eps:g}"], label=f"ε = {eps:g}")
        ax.set(xlabel=r"$\theta$", ylabel=r"$\langle I^\eta\rangle$",
               title=f"{label}, r = 1, L = {L}")
        ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return write_figure(fig, out, "ring_fig6", {"L": L, "r": 1.0, "mu": 1.0},
                        {"theta": thetas, **data})
