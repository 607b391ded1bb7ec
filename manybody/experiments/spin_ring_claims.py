r"""Claims of the persistent-current paper made in its text and shown in no figure there
(Sec. IV C and App. B), each as a figure with exact rings up to L = 12.

* :func:`ring_decay`: a local decay :math:`\kappa D[\sigma^-_j]` (Eq. 11) added to the
  minimal model "allows for a non-zero current even for :math:`\delta = 0`" (Sec. IV C).
* :func:`ring_nnn`: next-nearest-neighbour dissipation (:math:`f_j` on sites j, j + 2) gives no
  nearest-neighbour current on even rings and a small one on odd rings that vanishes as L
  grows (Sec. IV C).
* :func:`ring_gauge`: the ground-state current of the flux-threaded XX ring, Eq. (B1),
  vanishes like 1/L, while the dissipative current stays finite (App. B, Sec. IV B, V).

Energies in units of :math:`\mu = 1` (App. B: :math:`J_0 = 1`, :math:`\mu = 0`); currents are
the bond averages of the operators of Eq. (14) in :mod:`manybody.models.spin_ring` (positive
for :math:`\alpha > \delta`). Exact steady states from :func:`manybody.ed.steady_state`
(symmetric reduction), checked against :func:`qutip.steadystate` on the full space.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
from tqdm.auto import tqdm

from .. import ed
from .._validate import integer, memory_guard, real
from ..ed.chain import SymmetricLiouvillian
from ..models import MetelmannClerkRing
from ..models.spin import to_sparse
from ._output import Check, pi_ticks, write_figure
from .spin_ring import ground_state

COLOURS = ("darkmagenta", "yellowgreen", "C0")  # the paper's curve colours
def _sizes(L: int, smallest: int, skip: tuple[int, ...] = ()) -> np.ndarray:
    """Ring sizes ``smallest``..L, largest first (a size the solver refuses is refused first)."""
    return np.array([n for n in range(integer("L", L, smallest), smallest - 1, -1)
                     if n not in skip])


def two_site_decay_current(delta: float, kappa: float) -> float:
    r"""Closed form of the current of the two-site ring (L = 2) at :math:`\alpha = 0` with a
    local decay :math:`\kappa`, any :math:`\mu`.

    On two sites both jumps are :math:`\delta S^+`, :math:`S^+ = \sigma^+_0 + \sigma^+_1`,
    which annihilates the singlet S. The exchange- and parity-symmetric steady state is
    diagonal in (↓↓, T, ↑↑, S) (T the triplet with one spin up), with the rates ↓↓ → T and
    T → ↑↑ at :math:`4\delta^2`, T → ↓↓, S → ↓↓, ↑↑ → T and ↑↑ → S at :math:`\kappa`. With
    :math:`x = \delta^2/\kappa` its populations are :math:`p_T = 4x/(16x^2 + 6x + 1)`,
    :math:`p_S = p_{\uparrow\uparrow} = 2x p_T`, and
    :math:`\langle I^\eta\rangle = \delta^2(p_T - p_S)` (:math:`\eta = -\delta^2`,
    :math:`\langle\sigma^+_1\sigma^-_0\rangle = (p_T - p_S)/2`):

    .. math:: \langle I^\eta\rangle = \frac{4\delta^2 x(1 - 2x)}{16x^2 + 6x + 1}.

    Zero at :math:`\delta = 0` (no raising channel); at L = 2 it changes sign at
    :math:`\kappa = 2\delta^2`.
    """
    delta = real("delta", delta)
    x = delta**2 / real("kappa", kappa, 0.0, open_lo=True)
    return 4 * delta**2 * x * (1 - 2 * x) / (16 * x**2 + 6 * x + 1)


def ring_decay(out: str | Path, L: int = 12, kappa: float = 0.3, theta_L: int = 8,
               points: int = 25) -> dict:
    r"""Sec. IV C: the minimal model with a local decay :math:`\kappa\sum_j D[\sigma^-_j]`.

    Left: :math:`\langle I^\eta\rangle` against :math:`\theta`, :math:`(\alpha, \delta) =
    (\cos\theta, \sin\theta)` (r = 1, as Fig. 6) on a ring of ``theta_L`` sites for
    :math:`\kappa` = 0 (dashed, interior angles only: the ends have dark states on even rings),
    ``kappa``/3, 2 ``kappa``/3 and ``kappa``. Right: the current against the ring size
    2..L at :math:`\delta = 0` (:math:`\alpha = 1`) and at :math:`\alpha = 0`
    (:math:`\delta = 1`), at ``kappa``.

    With :math:`\delta = 0` every jump (:math:`f_j = \alpha\sigma^-_j + \alpha^*\sigma^-_{j+1}`
    and :math:`\sqrt\kappa\sigma^-_j`) lowers a spin and H conserves the number of up spins,
    so the all-down state is the unique steady state: no current. The text's claim follows
    from Sec. IV's swapped :math:`\Gamma_\pm` (there :math:`\Gamma_- = 2|\delta|^2`; by
    Eqs. 16-17 the lowering rate is :math:`\Gamma_- = 2|\alpha|^2`, to which
    :math:`\kappa` adds). The frustration the text describes, a raising channel against
    :math:`\kappa`, is at :math:`\alpha = 0`: there the current is non-zero and finite as L
    grows; at L = 2 it has the closed form :func:`two_site_decay_current`. (The global spin
    flip maps it to :math:`\delta = 0` with a local pump :math:`\kappa D[\sigma^+_j]`.)
    """
    integer("L", L, 4)  # two sizes for the convergence check
    Ls = _sizes(L, 2)  # L = 2 against two_site_decay_current
    kappa = real("kappa", kappa, 0.0)
    if kappa == 0:
        raise ValueError("kappa must be > 0 (at kappa = 0 the ends theta = 0, pi/2 have dark "
                         "states on even rings)")
    integer("theta_L", theta_L, 3)
    integer("points", points, 3)

    def current(n, alpha, delta, k, method="symmetric"):
        return ed.steady_state(MetelmannClerkRing.minimal(n, alpha, delta, kappa=k),
                               method=method)

    ends = {name: [current(n, a, d, kappa) for n in tqdm(Ls, desc=f"decay {name}",
                                                          leave=False)][::-1]
            for name, (a, d) in {"delta0": (1.0, 0.0), "alpha0": (0.0, 1.0)}.items()}
    Ls = Ls[::-1]
    thetas = np.linspace(0.0, np.pi / 2, points)
    inner = thetas[1:-1]
    kappas = (0.0, kappa / 3, 2 * kappa / 3, kappa)
    sweep = {}
    for k in tqdm(kappas, desc="decay theta", leave=False):
        th = inner if k == 0 else thetas
        sweep[k] = np.array([current(theta_L, np.cos(t), np.sin(t), k).current for t in th])
    direct_L = min(7, int(Ls[-1]))
    two_site = two_site_decay_current(1.0, kappa)
    direct = current(direct_L, 0.0, 1.0, kappa, method="direct").current
    symmetric = ends["alpha0"][list(Ls).index(direct_L)].current
    I0 = np.array([r.current for r in ends["delta0"]])
    Ia = np.array([r.current for r in ends["alpha0"]])
    sz0 = np.array([np.mean(r.sz) for r in ends["delta0"]])

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.plot(inner, sweep[0.0], "--", color="gray", label=r"$\kappa = 0$")
    for k, col in zip(kappas[1:], COLOURS, strict=True):
        a.plot(thetas, sweep[k], "-", color=col, label=rf"$\kappa = {k:.2g}$")
    a.axhline(0, color="k", lw=0.5)
    pi_ticks(a.xaxis, Fraction(0), Fraction(1, 2), Fraction(1, 8))
    a.set(xlabel=r"$\theta$  [$(\alpha, \delta) = (\cos\theta, \sin\theta)$]",
          ylabel=r"$\langle I^\eta\rangle$ [$\mu$]",
          title=rf"ring L = {theta_L}, local decay $\kappa D[\sigma^-_j]$")
    a.legend(frameon=False, fontsize=8, loc="upper right")
    b.plot(Ls, Ia, "o-", color=COLOURS[0], label=r"$\alpha = 0,\ \delta = 1$")
    b.plot(Ls, I0, "s-", color=COLOURS[2], label=r"$\alpha = 1,\ \delta = 0$")
    b.plot([direct_L], [direct], "kx", ms=9, label="full-space steady state (QuTiP)")
    b.plot([2], [two_site], "k*", ms=11, mfc="none", label="L = 2 closed form")
    b.axhline(0, color="k", lw=0.5)
    b.set(xlabel="L", ylabel=r"$\langle I^\eta\rangle$ [$\mu$]",
          title=rf"exact rings, $\kappa = {kappa:g}$", ylim=(1.25 * min(Ia.min(), 0), 0.05))
    b.legend(frameon=False, fontsize=8, loc="center right")
    b.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    checks = [
        Check(r"delta = 0 with kappa D[sigma^-]: no current (all-down dark state), max over L",
              0.0, float(np.abs(I0).max()), 1e-10, "analytic"),
        Check(f"delta = 0: <sigma^z> = -1 at L = {Ls[-1]}", -1.0, float(sz0[-1]), 1e-10,
              "analytic"),
        Check(f"alpha = 0, kappa = {kappa:g}: current at L = 2 against the closed form",
              two_site, float(Ia[0]), 1e-10, "rate equations (two_site_decay_current)"),
        Check(f"alpha = 0, kappa = {kappa:g}: current at L = {direct_L}, symmetric ED against "
              "the full-space steady state", direct, symmetric, 1e-9, "qutip.steadystate"),
        Check(f"alpha = 0: the current converges to a finite value, I(L = {Ls[-1]}) against "
              f"I(L = {Ls[-2]})", float(Ia[-2]), float(Ia[-1]), 1e-5, "ED"),
        Check(f"kappa = 0: I(theta) = -I(pi/2 - theta) (the alpha <-> delta symmetry that "
              f"kappa breaks), max |I(theta) + I(pi/2 - theta)| at L = {theta_L}", 0.0,
              float(np.abs(sweep[0.0] + sweep[0.0][::-1]).max()), 1e-10, "ED"),
    ]
    return write_figure(
        fig, out, "ring_decay",
        {"L": L, "kappa": kappa, "kappas": kappas, "theta_L": theta_L, "r": 1.0, "mu": 1.0},
        {"theta": thetas, **{f"current_kappa{k:g}": v for k, v in sweep.items()},
         "L_sizes": Ls, "current_delta0": I0, "sz_delta0": sz0, "current_alpha0": Ia,
         "sz_alpha0": [np.mean(r.sz) for r in ends["alpha0"]],
         "direct_L": direct_L, "current_alpha0_direct": direct},
        claim="A local decay kappa breaks the alpha <-> delta symmetry and gives a current "
              "even for delta = 0 (Sec. IV C, text)",
        checks=checks,
        deviations="With the paper's own terms (Eqs. 11-12, kappa D[sigma^-_j]) the current at "
                   "delta = 0 is exactly zero: every jump lowers a spin and the all-down "
                   "state is the unique steady state. The text's claim follows from Sec. IV's "
                   "swapped Gamma_+- (Gamma_- = 2|delta|^2 there, 2|alpha|^2 by Eqs. 16-17). "
                   "The non-zero current the text describes is at alpha = 0 (delta raises, "
                   "kappa lowers), shown here; by the global spin flip it equals the current at "
                   "delta = 0 under a local pump kappa D[sigma^+_j]. The paper gives no kappa, "
                   f"L or r for this claim: kappa up to {kappa:g}, r = 1 (as Fig. 6), "
                   f"L = {theta_L} for the theta sweep and 2..{L} for the size scan (the ring of 2 "
                   "has both jumps on the same pair).")


def _correlation_current(model: MetelmannClerkRing, d: int) -> float:
    r""":math:`-\eta\langle\sigma^+_d\sigma^-_0\rangle + \mathrm{c.c.}`, the :math:`I^\eta` of
    sites (0, d), in the exact steady state of ``model``."""
    red = SymmetricLiouvillian(model)
    rho = red.density_matrix(red.steady_state()[0])
    op = to_sparse([(1.0, (("sp", d), ("sm", 0)))], model.L)
    value = complex(op.multiply(rho.T).sum())  # Tr(op rho)
    return float(2 * np.real(-model.eta * value))


def ring_nnn(out: str | Path, L: int = 12, alpha: float = 2.0, delta: float = 1.5) -> dict:
    r"""Sec. IV C: the minimal model with next-nearest-neighbour dissipation,
    :math:`f_j = \alpha\sigma^-_j + \delta^*\sigma^+_j + \alpha^*\sigma^-_{j+2} +
    \delta\sigma^+_{j+2}`, and its nearest-neighbour current :math:`\langle I^\eta\rangle` on
    rings of 3..L sites (L >= 6), beside the nearest-neighbour dissipation's (Fig. 5's
    parameters).

    On an even ring the jumps split the sites into two decoupled rings (even and odd sites),
    each with an even (parity-symmetric) steady state, so
    :math:`\langle\sigma^+_{j+1}\sigma^-_j\rangle = \langle\sigma^+_{j+1}\rangle
    \langle\sigma^-_j\rangle = 0`. On an odd ring the relabelling
    :math:`p(j) = j(L+1)/2 \bmod L` maps the model onto the nearest-neighbour ring, and the
    bond (0, 1) onto the sites (0, (L+1)/2): the current is the nearest-neighbour ring's
    correlation half-way around the ring, which decays as L grows. L = 4 is left out: its
    two-site sub-rings have a dark singlet, hence no unique steady state.
    """
    integer("L", L, 6)  # an even ring beside the odd ones
    sizes = _sizes(L, 3, skip=(4,))
    alpha, delta = real("alpha", alpha), real("delta", delta)
    nnn = {int(n): ed.steady_state(MetelmannClerkRing.minimal(n, alpha, delta,
                                                              dissipation_range=2)).current
           for n in tqdm(sizes, desc="nnn", leave=False)}
    Ls = _sizes(L, 3)[::-1]
    nn = {int(n): ed.steady_state(MetelmannClerkRing.minimal(n, alpha, delta)).current
          for n in tqdm(Ls[::-1], desc="nn", leave=False)}
    odd = [n for n in Ls if n % 2]
    even = [n for n in sorted(nnn) if n % 2 == 0]
    mapped = {n: _correlation_current(MetelmannClerkRing.minimal(n, alpha, delta),
                                      (n + 1) // 2) for n in tqdm(odd, desc="nn far",
                                                                   leave=False)}
    I_odd = np.array([nnn[n] for n in odd])
    I_even = np.array([nnn[n] for n in even])

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.plot(Ls, [nn[n] for n in Ls], "o-", color="gray", label="nearest-neighbour dissipation")
    a.plot(odd, I_odd, "s-", color=COLOURS[0], label="next-nearest, odd L")
    a.plot(even, I_even, "D", color=COLOURS[2], label="next-nearest, even L")
    a.axhline(0, color="k", lw=0.5)
    a.set(xlabel="L", ylabel=r"$\langle I^\eta\rangle$ [$\mu$]",
          title=rf"exact rings, $\alpha = {alpha:g}$, $\delta = {delta:g}$")
    a.legend(frameon=False, fontsize=8, loc="center right")
    b.semilogy(odd, np.abs(I_odd), "s-", color=COLOURS[0], ms=8,
               label="next-nearest, odd L: bond (0, 1)")
    b.semilogy(odd, np.abs([mapped[n] for n in odd]), "x", color="k", ms=9,
               label="nearest-neighbour ring: sites (0, (L+1)/2)")
    b.semilogy(Ls, np.abs([nn[n] for n in Ls]), "o-", color="gray",
               label="nearest-neighbour ring: bond (0, 1)")
    decay = abs(I_odd[-1] / I_odd[-2])
    b.set(xlabel="L", ylabel=r"$|\langle I^\eta\rangle|$ [$\mu$]",
          title=f"odd L: |I(L)/I(L-2)| = {decay:.2f} at L = {odd[-1]};  even L: "
                f"max|I| = {np.abs(I_even).max():.0e}")
    b.title.set_fontsize(10)
    b.legend(frameon=False, fontsize=8, loc="lower left")
    for ax in (a, b):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    big = [n for n in odd if n >= 5]
    checks = [Check(f"even rings L = {even[0]}..{even[-1]}: no nearest-neighbour current "
                    "(max |I|)", 0.0, float(np.abs(I_even).max()), 1e-10, "paper")]
    checks += [Check(f"odd L = {n}: equals the nearest-neighbour ring's I^eta between sites "
                     f"0 and {(n + 1) // 2}", mapped[n], nnn[n], 1e-10,
                     "ED of the relabelled nearest-neighbour ring") for n in big]
    if len(big) >= 3:
        r1, r2 = abs(nnn[big[-2]] / nnn[big[-3]]), abs(nnn[big[-1]] / nnn[big[-2]])
        checks.append(Check(f"odd rings: the current decays geometrically to zero, "
                            f"|I({big[-1]})/I({big[-2]})| = |I({big[-2]})/I({big[-3]})| < 1",
                            r1, r2, 0.02, "ED"))
    return write_figure(
        fig, out, "ring_nnn", {"L": L, "alpha": alpha, "delta": delta, "mu": 1.0},
        {"L_nnn": sorted(nnn), "current_nnn": [nnn[n] for n in sorted(nnn)],
         "L_nn": Ls, "current_nn": [nn[n] for n in Ls],
         "L_odd": odd, "current_nn_half_ring": [mapped[n] for n in odd]},
        claim="Next-nearest-neighbour dissipation: no current on even rings, a small one on "
              "odd rings that vanishes as L grows (Sec. IV C, text)",
        checks=checks,
        deviations="The paper gives no parameters or figure for this claim: Fig. 5's alpha = 2, "
                   "delta = 1.5, mu = 1. L = 4 is left out: each two-site sub-ring has a dark "
                   "singlet (two identical jumps), so its steady state is not unique. The MPO "
                   "engine supports nearest-neighbour jumps only (it refuses "
                   "dissipation_range = 2).")


def ring_gauge(out: str | Path, L: int = 12, flux: float = np.pi / 2, large_L: int = 1000,
               points: int = 200) -> dict:
    r"""App. B: the ground-state current of Eq. (B1) (:math:`J_0 = 1`, :math:`\mu =
    \lambda = 0`) against L at flux :math:`\phi`, exact (dense ED of the ring, even L) and in
    closed form (Jordan-Wigner, :meth:`~manybody.models.MetelmannClerkRing.
    ground_state_jordan_wigner`, plotted to L = 100, evaluated to ``large_L`` for the limit
    below), beside the dissipative current of the
    minimal model (:math:`\alpha = 2`, :math:`\delta = 1.5`, Fig. 5) on exact rings; right:
    :math:`L\langle I^J\rangle` against :math:`\phi`.

    For large even L the Fermi sea shifted by :math:`\phi/L` gives
    :math:`\sum_{occ}\sin(k + \phi/L) \to -\phi/\pi`, so :math:`L\langle I^J\rangle \to
    4J_0\phi/\pi` for :math:`|\phi| < \pi` (odd L: the same sawtooth shifted by :math:`\pi`).
    """
    integer("L", L, 6)  # two even rings for the exact 1/L slope
    Ls = _sizes(L, 4)[::-1]
    flux = real("flux", flux, -np.pi, np.pi)
    if abs(flux) in (0.0, np.pi):
        raise ValueError(f"flux must lie in (-pi, 0) or (0, pi) (level crossings at 0 on odd "
                         f"rings and at +-pi), got {flux}")
    integer("large_L", large_L, int(Ls[-1]))
    integer("points", points, 4)
    memory_guard("the dense ground state of Eq. (B1)", "L", int(Ls[-1]),
                 lambda n: 3 * 16 * 4.0**n)  # H, its eigenvectors and LAPACK's workspace
    diss_L = _sizes(L, 3)[::-1]  # the largest ring first: a refused size is refused at once
    diss = np.array([ed.steady_state(MetelmannClerkRing.minimal(n, 2.0, 1.5)).current
                     for n in tqdm(diss_L[::-1], desc="dissipative", leave=False)][::-1])
    even = [int(n) for n in Ls if n % 2 == 0]
    exact = {n: ground_state(n, flux)["currents"]["J"].mean()
             for n in tqdm(even[::-1], desc="gauge ED", leave=False)}

    def closed(n, phi):
        ring = MetelmannClerkRing(n, alpha=0, beta=0, gamma=0, delta=0, mu=0.0, J=1.0,
                                  flux=phi)
        return ring.ground_state_jordan_wigner()["current"]

    many = np.arange(3, large_L + 1)
    jw = np.array([closed(n, flux) for n in many])
    phis = -np.pi + (np.arange(points) + 0.5) * 2 * np.pi / points  # avoids 0 and +-pi
    flux_sizes = sorted({4, 5, 8, int(Ls[-1])})
    sweep = {n: np.array([n * closed(n, p) for p in phis]) for n in flux_sizes}
    ed_phis = phis[points // 16::points // 8]
    ed_sweep = {n: np.array([n * ground_state(n, p)["currents"]["J"].mean() for p in ed_phis])
                for n in (4, 8)}

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.4))
    for parity, mark in ((0, "-"), (1, ":")):
        sel = (many % 2 == parity) & (many <= 100)
        a.loglog(many[sel], np.abs(jw[sel]), mark, color=COLOURS[0],
                 label=f"ground state, {('even', 'odd')[parity]} L (Jordan-Wigner)")
    a.loglog(even, [abs(exact[n]) for n in even], "o", color=COLOURS[0], mfc="none", ms=8,
             label="ground state, exact diagonalization")
    shown = many[many <= 100]  # the closed form runs to large_L for the limit's check
    a.loglog(shown, 4 * abs(flux) / (np.pi * shown), "--", color="k", lw=0.8,
             label=r"$4J_0|\phi|/(\pi L)$")
    a.loglog(diss_L, np.abs(diss), "s-", color=COLOURS[2],
             label=r"dissipative, $\alpha = 2$, $\delta = 1.5$ (exact)")
    a.set(xlabel="L", ylabel=r"$|\langle I\rangle|$ [$J_0$, resp. $\mu$]",
          title=rf"gauge current at $\phi = {flux / np.pi:.3g}\pi$ against dissipative")
    a.legend(frameon=False, fontsize=8, loc="lower left")
    for n, col in zip(flux_sizes, [f"C{i}" for i in range(len(flux_sizes))], strict=True):
        b.plot(phis, sweep[n], "-", color=col, lw=1.2, label=f"L = {n}")
        if n in ed_sweep:
            b.plot(ed_phis, ed_sweep[n], "o", color=col, mfc="none", ms=7)
    b.plot(phis, 4 * phis / np.pi, "--", color="k", lw=0.8, label=r"$4J_0\phi/\pi$ (L → ∞)")
    pi_ticks(b.xaxis, Fraction(-1), Fraction(1), Fraction(1, 2))
    b.set(xlabel=r"$\phi$", ylabel=r"$L\,\langle I^J\rangle$ [$J_0$]",
          title="ground state (lines: Jordan-Wigner, circles: ED)")
    b.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    Lmax, Lmid = even[-1], even[-1] - 4 if even[-1] - 4 in exact else even[0]
    slope = np.log(abs(exact[Lmax] / exact[Lmid])) / np.log(Lmax / Lmid)
    checks = [
        Check(f"ground-state current at L = {Lmax}: exact diagonalization against the "
              "Jordan-Wigner closed form", float(jw[Lmax - 3]), float(exact[Lmax]), 1e-10,
              "App. B (Jordan-Wigner)"),
        Check(f"ground-state current vanishes like 1/L: d ln|I| / d ln L between L = {Lmid} "
              f"and {Lmax} (ED)", -1.0, float(slope), 0.05, "App. B"),
        Check(f"L <I^J> at L = {large_L} (closed form) against its limit 4 J0 phi / pi",
              4 * flux / np.pi, float(large_L * jw[-1]), 1e-5, "Fermi-sea limit"),
        Check(f"the dissipative current stays finite: I(L = {diss_L[-1]}) against "
              f"I(L = {diss_L[-2]}) within 2 % (a 1/L current would change by 1/L)",
              float(diss[-2]), float(diss[-1]), 0.02 * abs(float(diss[-2])), "Sec. IV B"),
    ]
    return write_figure(
        fig, out, "ring_gauge",
        {"L": L, "flux": flux, "J0": 1.0, "mu_ground_state": 0.0, "large_L": large_L,
         "dissipative": {"alpha": 2.0, "delta": 1.5, "mu": 1.0}},
        {"L_exact": even, "current_exact": [exact[n] for n in even], "L_closed_form": many,
         "current_closed_form": jw, "L_dissipative": diss_L, "current_dissipative": diss,
         "phi": phis, **{f"L_times_current_L{n}": v for n, v in sweep.items()},
         "phi_exact": ed_phis, **{f"L_times_current_exact_L{n}": v
                                  for n, v in ed_sweep.items()}},
        claim="The gauge-field (ground-state) current vanishes like 1/L, the dissipative one "
              "stays finite (App. B, Secs. IV B and V)",
        checks=checks,
        deviations="The current is the bond average of I^J of Eq. (14) (the model's operator), "
                   "2 dE/dphi by Hellmann-Feynman; App. B's <I> = -dE/dphi has the opposite sign "
                   "and half the size. Odd rings have a doubly degenerate ground state at "
                   "mu = 0 (N and L - N particles, related by spin flip times reflection) of "
                   "equal current: shown in closed form only (the dense ED helper refuses "
                   "degenerate ground states; a test checks the closed form on the degenerate "
                   "manifold). The paper gives no flux for the scan: phi = "
                   f"{flux / np.pi:.3g} pi.")
