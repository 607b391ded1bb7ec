"""Files of an MPO steady-state run: ``result.json``, ``arrays.npz`` and ``profile.png``."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

from manybody.result import Result

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ARRAYS = ("current_profile", "current_profile_error", "osee", "negativity", "pair_entropy")
LABELS = {"sz": r"$\langle\sigma^z_j\rangle$", "n": r"$\langle n_j\rangle$"}  # site obs.


def _parameters(params: dict) -> str:
    """Nonzero model parameters, complex ones ``[re, im]`` shown as re (+ im j)."""
    items = []
    for k, v in params.items():
        if k in ("model", "L", "boundary"):
            continue
        z = complex(*v) if isinstance(v, list) else v
        if z != 0:
            items.append(f"{k}={z.real:g}" if isinstance(z, complex) and z.imag == 0
                         else f"{k}={z:g}")
    return ", ".join(items)


def write_steady(result: Result, out: str | Path) -> dict[str, Path]:
    """Write ``out/result.json`` (:meth:`Result.save`), ``out/arrays.npz`` (the per-bond
    and per-cut arrays of :data:`ARRAYS`, the model's site observables
    (``diagnostics["site_observables"]``: ``sz`` for spins, ``n`` for bosons) and
    ``currents_<name>`` for each current of Eqs. 14-15) and ``out/profile.png`` (current per
    bond (a, a+1) at (a + 1/2)/L with its error bar, and the first site observable, e.g.
    :math:`\\langle\\sigma^z_j\\rangle`, at j/L); return the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    obs = result.observables
    paths = {"json": result.save(out / "result.json"), "npz": out / "arrays.npz",
             "png": out / "profile.png"}
    sites = result.diagnostics["site_observables"]
    arrays = {k: np.asarray(obs[k]) for k in (*ARRAYS, *sites) if k in obs}
    arrays.update({f"currents_{k}": np.asarray(v) for k, v in obs.get("currents", {}).items()})
    np.savez(paths["npz"], **arrays)

    L = result.model["L"]
    profile, error = np.asarray(obs["current_profile"]), np.asarray(obs["current_profile_error"])
    x_bond = (np.arange(profile.size) + 0.5) / L
    fig, (ax_i, ax_e, ax_z) = plt.subplots(1, 3, figsize=(14, 3.8))
    finite = np.isfinite(error)
    ax_i.errorbar(x_bond, profile, yerr=np.where(finite, error, 0.0), fmt="o-", ms=3,
                  capsize=2, label="MPO")
    d = result.diagnostics
    unknown = [part for part in ("trotter", "stopping", "truncation")
               if not np.isfinite(d[f"error_{part}"])]
    bar = f"{d['error']:.1e}" if not unknown else f"n/a (unknown {', '.join(unknown)} error)"
    title = f"I = {result.current:.8f} ± {bar}"
    if result.model["boundary"] == "open":
        title += f"; bulk {d['bulk_current']:.8f} ± {bar}"
    ax_i.set(xlabel="bond position (a + 1/2)/L", ylabel=r"current $I^J + I^\eta$ per bond",
             title=title)
    if finite.any():
        ax_e.semilogy(x_bond, error, "o-", ms=3, color="C3")
    ax_e.set(xlabel="bond position (a + 1/2)/L", ylabel="error bar per bond",
             title="Trotter + stopping + truncation (max over bonds)")
    ax_z.plot(np.arange(L) / L, obs[sites[0]], "o-", ms=3, color="C1")
    ax_z.set(xlabel="site j/L", ylabel=LABELS.get(sites[0], rf"$\langle {sites[0]}_j\rangle$"))
    m, o = result.model, result.options
    fig.suptitle(f"{m['model']} L={L} ({m['boundary']}), {_parameters(m)}; "
                 f"chi={o['max_bond']}, dt={o['dt']:g}, richardson={o['richardson']}",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(paths["png"], dpi=130)
    plt.close(fig)
    return paths
