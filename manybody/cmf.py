r"""Cluster mean field (Appendix C of the persistent-current paper) for spin rings.

Ansatz: :math:`\rho = \bigotimes_C \rho_C` over two-site clusters (2c, 2c+1), with clusters
alternating between two states :math:`\rho_A` (even c) and :math:`\rho_B` (odd c); the
translation-symmetric solution has :math:`\rho_A = \rho_B`. Terms inside a cluster are kept
exactly. A Hamiltonian product :math:`X_a Y_b` across clusters becomes
:math:`\langle Y_b\rangle X_a` for the cluster of a (and vice versa). A jump
:math:`F = F_A + F_B` split across clusters gives, after tracing out the other cluster,

.. math:: \mathcal D[F]\rho \to \mathcal D[F_A]\rho_A
          - i\Big[\tfrac i2\big(\langle F_B^\dagger\rangle F_A - \langle F_B\rangle
          F_A^\dagger\big), \rho_A\Big],

because the cross terms :math:`F_A\rho F_B^\dagger + F_B\rho F_A^\dagger - \tfrac12\{F_A^\dagger
F_B + F_B^\dagger F_A, \rho\}` reduce to that commutator. The mean-field flow
:math:`\dot\rho_A = \mathcal L_A[\rho_B]\rho_A`, :math:`\dot\rho_B = \mathcal L_B[\rho_A]\rho_B`
is nonlinear and can have several fixed points: :func:`solutions` finds them by Newton
iteration from many starts, and classifies each by the eigenvalues of the flow's Jacobian
(stable if all decay, apart from the trace directions).

The paper's solution (Eqs. 24, C2-C8) is the "x-state" of :func:`solutions`. In the basis
:math:`|{\uparrow\uparrow}\rangle, |{\uparrow\downarrow}\rangle, |{\downarrow\uparrow}\rangle,
|{\downarrow\downarrow}\rangle` and with :math:`\rho_{14} = \langle{\uparrow\uparrow}|\rho|
{\downarrow\downarrow}\rangle`, Eqs. (C3), (C4), (C6) hold as printed, while the correct
entries are (a test checks them, and Eq. 24, for several parameter sets)

.. math::
   Z\rho_{22} = \tfrac14\alpha^2\delta^2[5(\alpha^2-\delta^2)^2 + 4\mu^2],\quad
   Z\rho_{23} = -\alpha^2\delta^2(\alpha^2-\delta^2)^2,\quad
   Z\rho_{14} = -\tfrac12\alpha\delta(\alpha^2-\delta^2)^2(\alpha^2+\delta^2-i\mu),

and Eq. (24) equals :math:`-2\langle I^\eta\rangle` on the bond inside the cluster (the bond
between clusters carries none in this state): the current is positive for
:math:`\alpha > \delta`, as the text says, and Eq. (24) has the opposite sign.

**Which bond is the mean-field current.** The product ansatz keeps the two-site correlation
:math:`\langle\sigma^+_{j+1}\sigma^-_j\rangle` that carries :math:`I^\eta` only inside a
cluster; across clusters it factorizes into :math:`\langle\sigma^+\rangle\langle\sigma^-
\rangle`, which vanishes in the parity-even x-state. The bond between clusters therefore
carries no current by construction of the ansatz, not by physics, and the paper's mean-field
current (Eq. 24, "the only non-zero current") is the one inside a cluster. The headline
``current`` of :func:`steady_state` is that intra-cluster current, :math:`-\text{Eq.(24)}/2`
for the x-state; the per-bond profile over the period of two clusters and its average are
kept as observables (``current_profile``, ``bond_average_current``). Averaging the two bonds
would halve the x-state's current: at the maximum of the r = 1 curve of Fig. 4 it would give
0.028 against the exact 0.056 (L = 4), where the intra-cluster 0.057 agrees, as the paper
says.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from . import _validate
from .errors import ConvergenceError
from .models.spin import OPS, Operator, SpinChain, lindblad_superoperator, local_matrix
from .observables import two_site_entanglement
from .result import Result

TERM_RING = 8  # the ring whose terms touching sites 0, 1 define the cluster problem
PARITY = np.diag([1.0, -1.0, -1.0, 1.0])  # sigma^z x sigma^z on a cluster


def _cluster_model(model: SpinChain) -> SpinChain:
    _validate.instance("model", model, SpinChain)
    if not model.periodic:
        raise ValueError("cluster mean field needs a translation-invariant ring "
                         "(boundary='periodic')")
    ring = copy.copy(model)
    if hasattr(ring, "flux"):  # keep the bond phase J0 e^{i phi / L} of the given ring
        ring.flux = model.flux * TERM_RING / model.L
    ring.L = TERM_RING
    return ring


class ClusterFlow:
    """The two coupled cluster Liouvillians of a translation-invariant spin ring."""

    def __init__(self, model: SpinChain) -> None:
        ring = _cluster_model(model)
        home = {0, 1}
        self.own_h = np.zeros((4, 4), dtype=complex)  # H terms inside cluster A
        self.cross_h = []  # (coef, A factors, other factors)
        for coef, factors in ring.hamiltonian_terms():
            sites = {j for _, j in factors}
            if sites <= home:
                self.own_h += local_matrix([(coef, factors)], (0, 1))
            elif sites & home:
                self.cross_h.append((coef, factors))
        self.own_jumps, self.cross_jumps = [], []  # cross: (F_A on (0,1), F_B 2x2 per site)
        for jump in ring.jump_operators():
            sites = {j for _, fs in jump for _, j in fs}
            if sites <= home:
                self.own_jumps.append(local_matrix(jump, (0, 1)))
            elif sites & home:
                inside = [t for t in jump if {j for _, j in t[1]} <= home]
                outside = [t for t in jump if not {j for _, j in t[1]} & home]
                if len(inside) + len(outside) != len(jump):
                    raise ValueError("a jump term spans two clusters; the decoupling needs "
                                     "jumps that are sums of single-cluster terms")
                self.cross_jumps.append((local_matrix(inside, (0, 1)), outside))

    @staticmethod
    def _expect(rho_other: np.ndarray, factors, sites_outside) -> complex:
        """<product of the outside factors> in the other cluster (site j -> j mod 2)."""
        ops = [OPS["id"], OPS["id"]]
        for name, j in factors:
            if j in sites_outside:
                ops[j % 2] = OPS[name] @ ops[j % 2]
        return complex(np.trace(rho_other @ np.kron(ops[0], ops[1])))

    def generator(self, rho_other: np.ndarray) -> np.ndarray:
        """16x16 Liouvillian (row-major vec) of a cluster whose neighbours are ``rho_other``."""
        H = self.own_h.copy()
        for coef, factors in self.cross_h:
            outside = {j for _, j in factors} - {0, 1}
            inside = [(n, j) for n, j in factors if j in (0, 1)]
            H += coef * self._expect(rho_other, factors, outside) * local_matrix(
                [(1.0, tuple(inside))], (0, 1))
        Ls = list(self.own_jumps)
        for FA, outside in self.cross_jumps:
            FB = sum(c * self._expect(rho_other, fs, {j for _, j in fs}) for c, fs in outside)
            H += 0.5j * (np.conj(FB) * FA - FB * FA.conj().T)
            Ls.append(FA)
        return lindblad_superoperator(H, Ls)

    def rhs(self, x: np.ndarray) -> np.ndarray:
        """The flow on x = (vec rho_A, vec rho_B) as 64 reals."""
        z = x[:32] + 1j * x[32:]
        a, b = z[:16].reshape(4, 4), z[16:].reshape(4, 4)
        dz = np.concatenate([self.generator(b) @ a.ravel(), self.generator(a) @ b.ravel()])
        return np.concatenate([dz.real, dz.imag])


@dataclass(frozen=True)
class Solution:
    """A fixed point of the mean-field flow."""

    rho_a: np.ndarray
    rho_b: np.ndarray
    kind: str  # "x-state" (the paper's), "uniform" or "staggered", see solutions()
    stable: bool
    growth_rate: float  # largest real part of the Jacobian (trace directions removed)


def _pack(a, b):
    z = np.concatenate([a.ravel(), b.ravel()])
    return np.concatenate([z.real, z.imag])


def _unpack(x):
    z = x[:32] + 1j * x[32:]
    return z[:16].reshape(4, 4), z[16:].reshape(4, 4)


def _residual(flow: ClusterFlow, x: np.ndarray) -> np.ndarray:
    a, b = _unpack(x)
    r = flow.rhs(x)
    # replace four (implied) equations by the traces: Tr rho_A = Tr rho_B = 1
    r[0], r[16] = np.trace(a).real - 1.0, np.trace(b).real - 1.0
    r[32], r[48] = np.trace(a).imag, np.trace(b).imag
    return r


def _stability(flow: ClusterFlow, x: np.ndarray) -> float:
    h = 1e-7
    jac = np.empty((64, 64))
    for i in range(64):
        e = np.zeros(64)
        e[i] = h
        jac[:, i] = (flow.rhs(x + e) - flow.rhs(x - e)) / (2 * h)
    ev = np.linalg.eigvals(jac)
    ev = ev[np.argsort(-ev.real)]
    # zero modes: the flow conserves the (complex) traces of rho_A and rho_B
    nonzero = ev[np.abs(ev) > 1e-6]
    return float(nonzero.real.max()) if nonzero.size else 0.0


def _random_state(rng) -> np.ndarray:
    g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = g @ g.conj().T
    return rho / np.trace(rho)


def solutions(model: SpinChain, n_starts: int = 12, seed: int = 0) -> list[Solution]:
    r"""All fixed points found by Newton from the maximally mixed state and random states.

    Kinds: "x-state", :math:`\rho_A = \rho_B` and even under the parity
    :math:`P = \prod_j\sigma^z_j` (the X-shaped matrix of Eq. C2, the paper's solution);
    "uniform", :math:`\rho_A = \rho_B` with the parity broken
    (:math:`\langle\sigma^-\rangle \ne 0`); "staggered", :math:`\rho_A \ne \rho_B`.
    Duplicates (entries within 1e-8, also under A <-> B and under P) are merged; every
    returned state is Hermitian, has trace one and non-negative eigenvalues (to 1e-9).

    Parameters
    ----------
    model : SpinChain
        A translation-invariant ring (``boundary="periodic"``).
    n_starts : int
        Number of random starts (>= 0; 0 starts from the maximally mixed state only), besides
        the maximally mixed state, and ``n_starts // 3`` symmetric random starts.
    seed : int
        Seed (>= 0) of the random starts.
    """
    n_starts = _validate.integer("n_starts", n_starts, 0)
    seed = _validate.integer("seed", seed, 0)
    flow = ClusterFlow(model)
    rng = np.random.default_rng(seed)
    mixed = np.eye(4) / 4
    starts = [_pack(mixed, mixed)] + [_pack(_random_state(rng), _random_state(rng))
                                      for _ in range(n_starts)]
    sym_starts = [_pack(r, r) for r in (_random_state(rng) for _ in range(n_starts // 3))]
    found: list[Solution] = []
    for x0 in starts + sym_starts:
        sol = optimize.root(lambda x: _residual(flow, x), x0, method="hybr",
                            options={"xtol": 1e-13})
        if np.abs(_residual(flow, sol.x)).max() > 1e-10:
            continue
        a, b = _unpack(sol.x)
        if not all(_physical(r) for r in (a, b)):
            continue
        if any(_same(a, b, s) for s in found):
            continue
        growth = _stability(flow, sol.x)
        if np.abs(a - b).max() > 1e-8:
            kind = "staggered"
        else:
            kind = "x-state" if np.abs(a - PARITY @ a @ PARITY).max() < 1e-8 else "uniform"
        found.append(Solution(0.5 * (a + a.conj().T), 0.5 * (b + b.conj().T), kind,
                              growth < 1e-9, growth))
    return found


def _physical(rho: np.ndarray) -> bool:
    return (np.abs(rho - rho.conj().T).max() < 1e-9
            and np.linalg.eigvalsh(0.5 * (rho + rho.conj().T)).min() > -1e-9)


def _same(a, b, s: Solution) -> bool:
    d = []
    for x, y in ((a, b), (PARITY @ a @ PARITY, PARITY @ b @ PARITY)):
        d.append(max(np.abs(x - s.rho_a).max(), np.abs(y - s.rho_b).max()))
        d.append(max(np.abs(x - s.rho_b).max(), np.abs(y - s.rho_a).max()))
    return min(d) < 1e-8


def steady_state(model: SpinChain, solution: str = "stable", n_starts: int = 12,
                 seed: int = 0) -> Result:
    """Cluster mean-field steady state of a translation-invariant ring.

    Parameters
    ----------
    model : SpinChain
        E.g. :class:`~manybody.models.MetelmannClerkRing` (general parameters).
    solution : {"stable", "x-state"}
        "stable": the dynamically stable fixed point (the x-state if it is stable); if none
        is found, the search is repeated with five times as many starts before it raises;
        "x-state": the translation- and parity-symmetric one of Eqs. (24), (C2)-(C8), the
        paper's, whether stable or not.
    n_starts : int
        Random starts of the fixed-point search (>= 1; see :func:`solutions`).
    seed : int
        Seed (>= 0) of the random starts.

    Returns
    -------
    Result
        ``current``: the paper's mean-field current, :math:`I^J + I^\\eta` (the model's
        ``PROFILE_PARTS``; any :class:`~manybody.models.SpinChain` ring works) on the bond
        inside a cluster (averaged over clusters A and B), :math:`-\\text{Eq.(24)}/2` for
        the x-state (module docstring: why not the bond average); ``observables``:
        ``current_profile`` :math:`I^J + I^\\eta` on the four bonds of the period (inside
        A, A to B, inside B, B to A), ``bond_average_current`` (its mean), ``currents``
        (the four parts of Eqs. 14-15 per bond), ``sz`` (sites 0, 1 of cluster A),
        ``purity``, ``negativity`` and ``entropy`` of :math:`\\rho_A`, ``rho_a``, ``rho_b``,
        and all fixed points found with their stability and both currents; ``diagnostics``
        with the growth rate.
    """
    _validate.choice("solution", solution, ("stable", "x-state"))
    n_starts = _validate.integer("n_starts", n_starts, 1)
    seed = _validate.integer("seed", seed, 0)
    _cluster_model(model)  # a periodic SpinChain, before any work
    t0 = time.perf_counter()
    found = solutions(model, n_starts, seed)
    pick = [s for s in found if (s.kind == "x-state" if solution == "x-state" else s.stable)]
    if not pick and solution == "stable":  # the basin of the stable point was missed
        found = solutions(model, 5 * max(n_starts, 12), seed + 1)
        pick = [s for s in found if s.stable]
    if not pick:
        raise ConvergenceError(f"no {solution} cluster mean-field solution found among "
                               f"{len(found)} fixed points; raise n_starts")
    pick.sort(key=lambda s: (s.kind != "x-state", s.growth_rate))
    s = pick[0]
    obs = _observables(model, s.rho_a, s.rho_b)
    fixed_points = []
    for f in found:
        o = _observables(model, f.rho_a, f.rho_b)
        fixed_points.append({"kind": f.kind, "stable": f.stable, "growth_rate": f.growth_rate,
                             "current": o["current"],
                             "bond_average_current": o["bond_average_current"]})
    obs |= {"rho_a": s.rho_a, "rho_b": s.rho_b, "fixed_points": fixed_points}
    return Result(method="cmf", kind="steady_state", model=model.params(),
                  options={"solution": solution, "n_starts": n_starts, "seed": seed},
                  current=obs.pop("current"), observables=obs,
                  diagnostics={"growth_rate": s.growth_rate, "stable": s.stable,
                               "kind": s.kind, "n_fixed_points": len(found),
                               "wall_time": time.perf_counter() - t0})


def _observables(model: SpinChain, a: np.ndarray, b: np.ndarray) -> dict:
    """Bond currents over the period of two clusters, local and cluster quantities.

    Bonds: (0, 1) inside A, (1, 2) from A to B, (2, 3) inside B, (3, 4) from B to the next A.
    ``current`` is the mean of the two intra-cluster bonds (the paper's, module docstring).
    """
    ring = _cluster_model(model)
    inside, across = ring.current_terms((0, 1)), ring.current_terms((1, 2))

    def expect(op: Operator, left: np.ndarray, right: np.ndarray | None) -> float:
        if right is None:  # the bond inside the cluster ``left``
            return float(np.real(np.trace(left @ local_matrix(op, (0, 1)))))
        pair = np.kron(left, right)  # the bond (1, 2) joins the two clusters
        return float(np.real(np.trace(pair @ local_matrix(op, (0, 1, 2, 3)))))

    currents = {k: np.array([expect(inside[k], a, None), expect(across[k], a, b),
                             expect(inside[k], b, None), expect(across[k], b, a)])
                for k in inside}
    profile = sum(currents[k] for k in model.PROFILE_PARTS)
    sz = np.array([np.real(np.trace(a @ np.kron(OPS["sz"], OPS["id"]))),
                   np.real(np.trace(a @ np.kron(OPS["id"], OPS["sz"])))])
    return {"current": float(profile[::2].mean()),
            "bond_average_current": float(profile.mean()), "current_profile": profile,
            "currents": currents, "sz": sz, "purity": float(np.real(np.trace(a @ a))),
            **two_site_entanglement(a)}
