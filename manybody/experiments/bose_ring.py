r"""The persistent-current ring as the paper writes it first: interacting bosons at finite U.

Eqs. (1)-(4) of the persistent-current paper with the minimal jumps
:math:`f_j = \alpha d_j + \delta^* d^\dagger_j + \alpha^* d_{j+1} + \delta d^\dagger_{j+1}`
(:class:`~manybody.models.BoseHubbardRing`), solved exactly: the truncated symmetric ED
(:mod:`manybody.ed.chain`) at n_max bosons per site, and at U = 0 the Gaussian state
(:mod:`manybody.gaussian`), exact at any L. The paper studies only the spin ring and calls it
the hard-core limit U -> infinity; what happens at finite U it leaves open.

Two estimators of the current. For the minimal model (J = λ = 0) on a ring, translation
invariance and the boson continuity equation (:mod:`manybody.models.bose_ring`) give

.. math:: \langle I^\eta\rangle = (\Gamma_- + \kappa - \Gamma_+)\,\langle n\rangle - \Gamma_+,
          \qquad \Gamma_- = 2|\alpha|^2,\ \Gamma_+ = 2|\delta|^2,

exactly in the untruncated model (the spin ring has :math:`\Gamma_+(1 - n)` instead). The
truncation breaks it near n_max, so the ED's direct :math:`\langle I^\eta\rangle` and this
"continuity" value converge to the same limit from different sides: the direct value converges
fast at large U, the occupation (hence the continuity value) fast at small U. Their difference
is an honest indicator of the truncation error; a point is drawn filled when it is below
:data:`AGREE`.

Beside the ED: the MPO engine (:func:`mpo.steady_state`, local dimension (n_max + 1)^2 = 16)
at n_max = 3 on the ring of 5 (against the ED at the same n_max) and of 6 (where the
symmetric ED no longer fits: 4^12 ket-bra pairs), at U = 10 and 30, where n_max = 3 is
close to converged (ring of 4: the current changes by 1.5e-2 and 2e-3 from n_max = 3 to 5).
Its error bar is the engine's budget (Trotter, truncation, stopping), not the n_max
truncation. Measured reach at chi = 32: the ring of 5 takes about 70 s at U = 10 and 30; the
ring of 6, 3.5 min at U = 10, while at U = 30 its coarser-truncation phase (chi = 24) had not
settled after 230 time units (45 min, discarded weight 0.4); the ring of 5 at U = 100 had
not converged after 20 CPU minutes.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
from tqdm.auto import tqdm

from .. import ed, gaussian
from .._validate import real
from ..errors import TruncationWarning
from ..models import BoseHubbardRing, MetelmannClerkRing
from ._output import Check, write_figure

COUPLINGS = {"alpha": 2.0, "delta": 1.0, "mu": 1.0, "kappa": 1.0}  # the paper's Fig. 5, lower
U_VALUES = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)
N_MAX = {3: 7, 4: 5, 5: 3}  # the largest truncation per ring size (ED cost ~ (n_max+1)^(2L))
AGREE = 0.02  # |direct - continuity| below which a point counts as converged in n_max
COLOURS = {3: "C0", 4: "C1", 5: "C2"}
MPO_N_MAX = 3
MPO_RUNS = ((5, 10.0), (5, 30.0), (6, 10.0))  # (L, U) of the MPO points (module docstring)
MPO_COLOURS = {5: "C2", 6: "C3"}
SERIES = ("C5", "C6", "C9")  # current against L at U = 3, 10, U_max (spins are grey)


def continuity_current(n: float, alpha: float, delta: float, kappa: float) -> float:
    r""":math:`(\Gamma_- + \kappa - \Gamma_+)\langle n\rangle - \Gamma_+` (module docstring)."""
    g_minus, g_plus = 2 * alpha**2, 2 * delta**2
    return (g_minus + kappa - g_plus) * n - g_plus


def _ring(L: int, U: float, n_max: int) -> BoseHubbardRing:
    c = COUPLINGS
    return BoseHubbardRing.minimal(L, c["alpha"], c["delta"], mu=c["mu"], U=U, n_max=n_max,
                                   kappa=c["kappa"])


def _exact(L: int, U: float, n_max: int) -> tuple[float, float]:
    """Direct current and mean occupation of the truncated ring (no n_max + 1 solve: the
    figure follows the whole sequence of truncations itself)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TruncationWarning)
        r = ed.steady_state(_ring(L, U, n_max), truncation=False)
    return float(r.current), float(np.mean(r.observables["n"]))


def _mpo(L: int, U: float, max_bond: int, runs_dir: Path):
    """The MPO steady state of the ring at n_max = :data:`MPO_N_MAX`, checkpointed to
    ``runs_dir`` (a rerun reads a finished run back)."""
    import mpo
    return mpo.steady_state(_ring(L, U, MPO_N_MAX), max_bond=max_bond, progress=False,
                            checkpoint=runs_dir / f"bose_L{L}_U{U:g}_chi{max_bond}.npz")


def finite_u(out: str | Path, U_max: float = 1000.0, max_bond: int = 32) -> dict:
    r"""Steady-state current per bond and occupation of the boson ring against U, from the
    Gaussian state (U = 0) to U = ``U_max``, on rings of 3, 4, 5 sites (exact, truncated at
    :data:`N_MAX`) and by MPO of bond dimension ``max_bond`` (:data:`MPO_RUNS`, those up to
    ``U_max``), beside the spin ring; the convergence in n_max; the
    current against L. MPO runs checkpoint to ``out/mpo_runs`` and a rerun resumes."""
    U_max = real("U_max", U_max, 10.0)
    if not (isinstance(max_bond, int) and max_bond >= 2):
        raise ValueError(f"max_bond must be an integer >= 2, got {max_bond!r}")
    c = COUPLINGS
    Us = [u for u in U_VALUES if u < U_max] + [U_max]
    cont = lambda n: continuity_current(n, c["alpha"], c["delta"], c["kappa"])  # noqa: E731
    rows = {L: [_exact(L, U, N_MAX[L]) for U in tqdm(Us, desc=f"ED L={L}", leave=False)]
            for L in N_MAX}
    gauss = {L: gaussian.steady_state(_ring(L, 0.0, 1)) for L in range(3, 31)}
    spins = {L: ed.steady_state(MetelmannClerkRing.minimal(L, c["alpha"], c["delta"],
                                                           mu=c["mu"], kappa=c["kappa"]))
             for L in range(3, 11)}
    series = {U: [_exact(3, U, n) for n in range(1, N_MAX[3])] + [rows[3][Us.index(U)]]
              for U in (0.0, U_max)}  # the largest truncation is the L = 3 row already solved
    runs_dir = Path(out) / "mpo_runs"
    mpo_runs = [(L, U) for L, U in MPO_RUNS if U <= U_max]
    mpo_rows = [_mpo(L, U, max_bond, runs_dir)
                for L, U in tqdm(mpo_runs, desc="MPO", leave=False)]

    fig, ((a, b), (cc, d)) = plt.subplots(2, 2, figsize=(12, 8.5))
    for L, row in rows.items():
        I_dir = np.array([r[0] for r in row])
        I_con = np.array([cont(r[1]) for r in row])
        ok = np.abs(I_dir - I_con) < AGREE
        col = COLOURS[L]
        a.plot(Us, np.where(ok, I_dir, np.nan), "-", color=col, lw=0.8)
        a.plot(np.array(Us)[ok], I_dir[ok], "o", color=col, label=f"L = {L}, n_max = {N_MAX[L]}")
        a.plot(np.array(Us)[~ok], I_dir[~ok], "o", mfc="none", color=col)
        a.plot(Us, I_con, "s", mfc="none", ms=4, color=col)
        a.plot([0.0], [gauss[L].current], "*", ms=13, color=col, mec="k")
        a.axhline(spins[L].current, color=col, ls="--", lw=1)
        b.plot(Us, [r[1] for r in row], "o-", color=col, label=f"L = {L}")
        b.plot([0.0], [np.mean(gauss[L].observables["n"])], "*", ms=13, color=col, mec="k")
        b.axhline(np.mean(1 + spins[L].observables["sz"]) / 2, color=col, ls="--", lw=1)
    mpo_I = np.array([r.current for r in mpo_rows])
    mpo_n = np.array([np.mean(r.n) for r in mpo_rows])
    mpo_err = np.array([r.diagnostics["error"] for r in mpo_rows])
    mpo_ok = np.abs(mpo_I - cont(mpo_n)) < AGREE
    for L in sorted({L for L, _ in mpo_runs}):
        i = [k for k, (n, _) in enumerate(mpo_runs) if n == L]
        U_L, col = [mpo_runs[k][1] for k in i], MPO_COLOURS[L]
        for k, u in zip(i, U_L, strict=True):
            a.errorbar([u], [mpo_I[k]], yerr=[mpo_err[k]], fmt="D", color=col, capsize=3,
                       mfc=col if mpo_ok[k] else "none", ms=7, zorder=3)
        a.plot([], [], "D", color=col, label=f"L = {L}, n_max = {MPO_N_MAX}, MPO (χ = {max_bond})")
        b.plot(U_L, mpo_n[i], "D", color=col, mfc="none", ms=8, label=f"L = {L}, MPO")
    a.plot([], [], "s", mfc="none", color="gray", label="continuity: from $\\langle n\\rangle$")
    a.plot([], [], "*", color="gray", mec="k", ms=11, label="U = 0, exact (Gaussian)")
    a.plot([], [], "--", color="gray", label="spin ring (n_max = 1)")
    a.plot([], [], "o", mfc="none", color="gray", label=f"not converged (> {AGREE})")
    for ax in (a, b):
        ax.set_xscale("symlog", linthresh=0.1)
        ax.set_xlim(-0.02, U_max * 1.5)
        ax.set_xlabel(r"$U$ [$\mu$]")
    a.axhline(0, color="k", lw=0.5)
    a.set(ylabel=r"$\langle I^\eta\rangle$ per bond [$\mu$]",
          title=rf"$\alpha = {c['alpha']:g}$, $\delta = {c['delta']:g}$, "
                rf"$\kappa = {c['kappa']:g}$: current against U")
    a.legend(frameon=False, fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    b.set(ylabel=r"$\langle n_j\rangle$", title="occupation per site (dashed: spins)")
    b.legend(frameon=False, fontsize=8)

    n_maxes = np.arange(1, N_MAX[3] + 1)
    exact0 = gauss[3].current
    for U, style in ((0.0, "o"), (U_max, "s")):
        I_dir = np.array([r[0] for r in series[U]])
        I_con = np.array([cont(r[1]) for r in series[U]])
        ref = exact0 if U == 0.0 else I_dir[-1]
        tag = "exact Gaussian" if U == 0.0 else f"direct at n_max = {n_maxes[-1]}"
        last = None if U == 0.0 else -1
        cc.semilogy(n_maxes[:last], np.abs(I_dir - ref)[:last], style + "-", color="C3",
                    label=f"U = {U:g}: direct, against {tag}")
        cc.semilogy(n_maxes[:last], np.abs(I_con - ref)[:last], style + "--", mfc="none",
                    color="C4", label=f"U = {U:g}: continuity, against {tag}")
    cc.set(xlabel=r"$n_{max}$", ylabel="|current - reference|",
           title="L = 3: convergence in the truncation")
    cc.xaxis.set_major_locator(MaxNLocator(integer=True))
    cc.legend(frameon=False, fontsize=7)

    Lg = np.array(sorted(gauss))
    d.plot(Lg, [gauss[L].current for L in Lg], "*-", color="k", ms=7, label="U = 0 (Gaussian)")
    Ls = np.array(sorted(spins))
    d.plot(Ls, [spins[L].current for L in Ls], "D--", color="gray", label="spin ring")
    for k, U in enumerate(u for u in (3.0, 10.0, U_max) if u in Us):
        i = Us.index(U)
        pts = [(L, rows[L][i][0], abs(rows[L][i][0] - cont(rows[L][i][1])) < AGREE)
               for L in sorted(rows)]
        d.plot([p[0] for p in pts], [p[1] if p[2] else np.nan for p in pts], "o-",
               color=SERIES[k], label=f"U = {U:g} (ED, direct)")
        d.plot([p[0] for p in pts if not p[2]], [p[1] for p in pts if not p[2]], "o",
               mfc="none", color=SERIES[k])
        j = [i for i, (_, u) in enumerate(mpo_runs) if u == U]
        if j:
            d.errorbar([mpo_runs[i][0] for i in j], mpo_I[j], yerr=mpo_err[j], fmt="D",
                       color=SERIES[k], mfc="none", capsize=3, label=f"U = {U:g} (MPO)")
    d.axhline(0, color="k", lw=0.5)
    d.set(xlabel="L", ylabel=r"$\langle I^\eta\rangle$ per bond [$\mu$]",
          title="current against L (open: not converged in n_max)")
    d.xaxis.set_major_locator(MaxNLocator(integer=True))
    d.legend(frameon=False, fontsize=8)
    fig.tight_layout()

    g30 = gauss[30]
    one = _exact(3, 2.5, 1)[0]
    i_max = Us.index(U_max)
    checks = [
        Check("n_max = 1 is the spin ring (L = 3, any U)", spins[3].current, one, 1e-10,
              "spin ring ED"),
        Check("Gaussian state obeys the continuity equation: I = (G- + kappa - G+) n - G+ "
              "(L = 30)", cont(float(np.mean(g30.observables["n"]))), g30.current, 1e-10,
              "continuity equation"),
        Check(f"U = 0, L = 3: the truncated ED (continuity value, n_max = {N_MAX[3]}) tends to "
              "the exact Gaussian current", exact0, cont(series[0.0][-1][1]), 5e-3,
              "Gaussian state"),
        Check(f"U = {U_max:g}, L = 3: the two estimators agree at n_max = {N_MAX[3]}",
              rows[3][i_max][0], cont(rows[3][i_max][1]), 5e-3, "continuity equation"),
    ]
    for (L, U), r in zip(mpo_runs, mpo_rows, strict=True):
        if L in rows and N_MAX[L] == MPO_N_MAX:
            ed_I = rows[L][Us.index(U)][0] if U in Us else _exact(L, U, MPO_N_MAX)[0]
            checks.append(Check(f"MPO = ED on the ring of {L} at U = {U:g}, n_max = "
                                f"{MPO_N_MAX}, within the MPO error bar", ed_I, r.current,
                                r.diagnostics["error"], "ED"))
    numbers = {"U": Us, "n_max": {str(L): N_MAX[L] for L in N_MAX},
               **{f"L{L}_current_direct": [r[0] for r in rows[L]] for L in rows},
               **{f"L{L}_occupation": [r[1] for r in rows[L]] for L in rows},
               **{f"L{L}_current_continuity": [cont(r[1]) for r in rows[L]] for L in rows},
               "gaussian_L": Lg.tolist(), "gaussian_current": [gauss[L].current for L in Lg],
               "spin_L": Ls.tolist(), "spin_current": [spins[L].current for L in Ls],
               "convergence_n_max": n_maxes.tolist(),
               **{f"convergence_U{U:g}_direct": [r[0] for r in series[U]] for U in series},
               **{f"convergence_U{U:g}_occupation": [r[1] for r in series[U]]
                  for U in series},
               "mpo_L": [L for L, _ in mpo_runs], "mpo_U": [U for _, U in mpo_runs],
               "mpo_current": mpo_I.tolist(), "mpo_error": mpo_err.tolist(),
               "mpo_occupation": mpo_n.tolist(), "mpo_current_continuity": cont(mpo_n).tolist(),
               "mpo_bond_dimension": [int(r.diagnostics["bond_dimension"]) for r in mpo_rows],
               "mpo_seconds": [float(r.diagnostics["wall_time"]) for r in mpo_rows]}
    return write_figure(
        fig, out, "bose_finite_u", {**COUPLINGS, "U_max": U_max, "n_max": N_MAX,
                                    "boundary": "periodic", "max_bond": max_bond,
                                    "mpo_runs": mpo_runs, "mpo_n_max": MPO_N_MAX},
        numbers,
        claim="Open question of the paper (Eqs. 1-4, finite U): the dissipative persistent "
              "current of the boson ring from U = 0 (Gaussian, exact) to strong repulsion, "
              "beside the spin ring it calls the hard-core limit",
        checks=checks,
        deviations="Not a figure of the paper (it studies spins only). alpha = 2, delta = 1, "
                   "mu = 1 are its Fig. 5 (lower) values; kappa = 1 is our choice: at kappa = 0 "
                   "even rings have an undamped mode at U = 0 (no Gaussian steady state) and the "
                   "truncation converges slowly near it. MPO points (n_max = 3; ring of 5 at "
                   "U = 10, 30, ring of 6 at U = 10): their bars are the engine's budget (4x "
                   "the change under chi -> 3 chi/4), not the n_max truncation. Finding: "
                   "U -> infinity is not the spin ring, because the gain parts of the jumps "
                   "fill singly occupied sites whatever U (manybody.models.bose_ring).")
