r"""Low-density-limit (LDL) master equation of a few-level system in a dilute ideal gas.

Implements the rate theory of Alicki, Šindelka, Gelbwaser-Klimovsky, PRL 131, 040401 (2023)
for :class:`~manybody.models.TripleDot`: the on-shell multichannel T matrix of the contact
interaction, the rates of Eq. (20), the Pauli master equation (19), the detailed-balance
ratios of Eq. (22), the probability (31) and heat (32) currents and the entropy production
(25)-(27). Units: :math:`\hbar = k_B = 1`, gas mass ``dot.mass``.

Scattering conventions. With :math:`\langle q|p\rangle = e^{ipq}/\sqrt{2\pi}` the T operator
:math:`T = H_{int}\Omega_+` of a contact potential :math:`\delta(q)\hat V` has the matrix
elements :math:`\langle k, p'|T|p, \ell\rangle = t_{k\ell}(E)/2\pi` on the shell
:math:`E = E_p + \mathcal E_\ell = E_{p'} + \mathcal E_k`, with

.. math:: t(E) = \hat V\,[1 - G_0(E)\hat V]^{-1}, \qquad
   G_0 = \mathrm{diag}(g_k), \quad g_k = -\frac{im}{p_k}\ (E > \mathcal E_k), \quad
   g_k = -\frac{m}{\kappa_k}\ (E < \mathcal E_k),

:math:`p_k = \sqrt{2m(E - \mathcal E_k)}` (open channel), :math:`\kappa_k =
\sqrt{2m(\mathcal E_k - E)}` (closed channel): :math:`g_k` is the free 1D Green's function
at the origin. Doing the momentum integrals of Eq. (20) with the delta function gives

.. math:: a_{k\ell} = \frac{\nu m^2}{\pi Z}\, e^{\beta\mathcal E_\ell}
   \int_{\max(\mathcal E_k, \mathcal E_\ell)}^\infty dE\, e^{-\beta E}
   \frac{|t_{k\ell}(E)|^2}{p_k(E)\,p_\ell(E)}, \qquad Z = \sqrt{2\pi m/\beta},

so that Eq. (22) is :math:`I(k,\ell) = \int e^{-\beta E}|t_{k\ell}|^2/(p_kp_\ell) \big/
\int e^{-\beta E}|t_{\ell k}|^2/(p_kp_\ell)`. Unitarity of the on-shell S matrix,
:math:`\sum_\ell |t_{k\ell}|^2/(p_kp_\ell) = \sum_\ell |t_{\ell k}|^2/(p_kp_\ell)` at every
E, is what makes the Gibbs state stationary (the paper's property 2); the quadrature below
uses the same energy nodes for every pair, so this holds to rounding error.

Quadrature: composite Gauss-Legendre (``nodes`` points on each of 14 panels graded
geometrically towards the ends) on each interval between consecutive thresholds with the map
:math:`E = a + (b-a)(1-\cos\pi u)/2` (which makes the square-root cusps at both thresholds
smooth; an interval is cut at :math:`a + 40/\beta`, where the Boltzmann factor has dropped
by :math:`e^{-40}`), and :math:`E = \mathcal E_{max} + s^2`,
:math:`s \in [0, \sqrt{60/\beta}]` above the highest threshold. The result with half the
nodes is the reported error estimate.

Large :math:`\beta`. Each pair's integral is weighted by :math:`e^{-\beta(E - E_{k\ell})}`,
:math:`E_{k\ell} = \max(\mathcal E_k, \mathcal E_\ell)` its threshold, so it is of order
one, and :math:`a_{k\ell} \propto e^{-\beta\max(0, \mathcal E_k - \mathcal E_\ell)}`: only
the upward rates carry a Boltzmann factor, which may underflow to 0 but never overflows.
The ratios (22) are ratios of the order-one integrals, and the stationary populations are
formed from the logarithms of the rates, so every quantity is finite at any :math:`\beta`
(a population below 1e-308 is returned as 0, like :meth:`TripleDot.gibbs`).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.linalg import expm
from scipy.special import logsumexp

from . import _validate
from .errors import QuadratureWarning
from .models.triple_dot import TripleDot
from .result import Result

QUADRATURE_RTOL = 1e-8
"""Relative change of the rates between ``nodes`` and ``nodes // 2`` above which we warn
(:class:`~manybody.errors.QuadratureWarning`)."""


def t_matrix(dot: TripleDot, energy: float | np.ndarray) -> np.ndarray:
    r"""On-shell multichannel T matrix :math:`t_{k\ell}(E)` in the eigenbasis.

    Parameters
    ----------
    dot : TripleDot
    energy : float or ndarray
        Total energy E (system plus gas particle), not equal to a level.

    Returns
    -------
    ndarray, shape (..., 3, 3)
        :math:`t(E) = \hat V [1 - G_0(E)\hat V]^{-1}` with open and closed channels (see the
        module docstring); :math:`\langle k,p'|T|p,\ell\rangle = t_{k\ell}/2\pi`.
    """
    _validate.instance("dot", dot, TripleDot)
    E = _validate.real_array("energy", energy)
    return _t_from_offsets(dot, E[..., None] - dot.levels)


def _t_from_offsets(dot: TripleDot, x: np.ndarray) -> np.ndarray:
    """t as a function of the channel energies x_k = E - E_k (accurate near thresholds)."""
    if np.any(x == 0):
        raise ValueError("energy lies exactly on a channel threshold, where t is singular")
    q = np.sqrt(2 * dot.mass * np.abs(x))
    g = np.where(x > 0, -1j * dot.mass / q, -dot.mass / q)
    V = dot.coupling()
    # t = V (1 - G0 V)^{-1} = (1 - V G0)^{-1} V
    A = np.eye(3) - V * g[..., None, :]
    return np.linalg.solve(A, np.broadcast_to(V, A.shape))


_GRADED = np.r_[0.0, np.logspace(-6, -1, 6), 0.5]
r"""Panel ends on [0, 1/2], graded towards 0: thresholds and, at weak coupling, the scale
:math:`(mV)^2/2m` where t crosses over from :math:`\propto p` to V, are resolved."""


def _graded_rule(nodes: int, panels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre rule with ``nodes`` points on each panel."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    lo, hi = panels[:-1, None], panels[1:, None]
    return ((lo + hi + (hi - lo) * x) / 2).ravel(), ((hi - lo) * w / 2).ravel()


def _energy_nodes(dot: TripleDot, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Channel energies x[i, k] = E_i - E_k at the nodes above the lowest level, and the
    quadrature weights for integrals of f(E) dE (Boltzmann factors not included)."""
    nodes = _validate.integer("nodes", nodes, 4)
    v, w = _graded_rule(nodes, _GRADED)  # half of [0, 1]; the other half is 1 - v
    order = np.argsort(dot.levels)
    th = dot.levels[order]
    X, W = [], []
    for i in range(2):
        a, b = th[i], th[i + 1]
        cut = a + 40.0 / dot.beta < b  # every pair's integrand starts at a threshold
        width = 40.0 / dot.beta if cut else b - a
        near = width * np.sin(np.pi * v / 2) ** 2  # distance to the nearer end
        far = width * np.cos(np.pi * v / 2) ** 2
        for d_a, d_b in ((near, far), (far, near)):  # E = a + d_a = a + width - d_b
            x = (a - dot.levels) + d_a[:, None]
            x[:, order[i]] = d_a
            if not cut:
                x[:, order[i + 1]] = -d_b
            X.append(x)
            W.append(w * width * np.pi * np.sin(np.pi * v) / 2)
    s_max = np.sqrt(60.0 / dot.beta)
    s, ws = _graded_rule(nodes, s_max * np.r_[_GRADED[:-1], 1.0])
    x = (th[2] - dot.levels) + s[:, None] ** 2
    x[:, order[2]] = s**2
    X.append(x)
    W.append(ws * 2 * s)
    return np.concatenate(X), np.concatenate(W)


def _kernel(dot: TripleDot, nodes: int) -> np.ndarray:
    r""":math:`\int dE\, e^{-\beta(E-E_{k\ell})}|t_{k\ell}|^2/(p_kp_\ell)` over the
    energies where both channels are open, :math:`E_{k\ell} = \max(\mathcal E_k,
    \mathcal E_\ell)` (so :math:`E - E_{k\ell} = \min(x_k, x_\ell) > 0`: no overflow)."""
    x, W = _energy_nodes(dot, nodes)
    t = _t_from_offsets(dot, x)
    p = np.sqrt(2 * dot.mass * np.clip(x, 0, None))
    both = (x[:, :, None] > 0) & (x[:, None, :] > 0)
    above = np.minimum(x[:, :, None], x[:, None, :])  # E - E_kl
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f = np.where(both, np.exp(-dot.beta * above) * np.abs(t) ** 2
                     / (p[:, :, None] * p[:, None, :]), 0.0)
    return np.einsum("e,ekl->kl", W, f)


def _checked_kernel(dot: TripleDot, nodes: int) -> np.ndarray:
    """:func:`_kernel`, warning ``QuadratureWarning`` if halving the nodes changes it."""
    _validate.instance("dot", dot, TripleDot)
    nodes = _validate.integer("nodes", nodes, 8)  # the error estimate uses nodes // 2 >= 4
    K = _kernel(dot, nodes)
    K_half = _kernel(dot, nodes // 2)
    off = ~np.eye(3, dtype=bool)
    # |t_kl|^2 of the round-off couplings of equal V is ~1e-32 of the elastic |t_kk|^2
    if not np.all(np.isfinite(K)) or not np.all(K[off] > 1e-24 * K.max()):
        raise ValueError(f"V={dot.V.tolist()}, beta={dot.beta}: the inelastic rates {K[off]} "
                         "are not all finite and positive, so the master equation (19) has no "
                         "unique stationary state (equal V_1 = V_2 = V_3 couple no levels)")
    err = float(np.max(np.abs(K - K_half)[off] / K[off]))
    if not err <= QUADRATURE_RTOL:
        warnings.warn(f"rates changed by {err:.1e} (relative) when the quadrature nodes were "
                      f"halved from {nodes}; pass a larger nodes", QuadratureWarning,
                      stacklevel=3)
    return K


def _log_rates(dot: TripleDot, K: np.ndarray) -> np.ndarray:
    r""":math:`\ln a_{k\ell}` (diagonal -inf): the prefactor of Eq. (20) times the kernel,
    times :math:`e^{-\beta\max(0, \mathcal E_k - \mathcal E_\ell)}`."""
    Z = np.sqrt(2 * np.pi * dot.mass / dot.beta)
    log_pref = np.log(dot.density) + 2 * np.log(dot.mass) - np.log(np.pi * Z)
    up = np.maximum(dot.levels[:, None] - dot.levels[None, :], 0.0)
    with np.errstate(divide="ignore"):
        la = log_pref + np.log(K) - dot.beta * up
    np.fill_diagonal(la, -np.inf)
    return la


def rates(dot: TripleDot, *, nodes: int = 32) -> np.ndarray:
    r"""Low-density-limit rates :math:`a_{k\ell}`, Eq. (20).

    Parameters
    ----------
    dot : TripleDot
    nodes : int
        Gauss-Legendre nodes per panel (see the module docstring).

    Returns
    -------
    ndarray, shape (3, 3)
        ``a[k, l]`` is the rate of the transition l -> k (levels in the order
        (+, 0, -)); the diagonal (elastic scattering) is set to zero, since it does not enter
        Eq. (19). Warns ``QuadratureWarning`` if halving the nodes changes a rate by more
        than ``QUADRATURE_RTOL``. Upward rates below 1e-308 (large :math:`\beta`) are 0.
    """
    return np.exp(_log_rates(dot, _checked_kernel(dot, nodes)))


def detailed_balance_ratios(dot: TripleDot, *, nodes: int = 32) -> np.ndarray:
    r"""Ratios :math:`I(k,\ell)` of Eq. (22), defined by Eq. (21):
    :math:`a_{k\ell}e^{-\beta\mathcal E_\ell} = a_{\ell k}e^{-\beta\mathcal E_k}I(k,\ell)`.

    Returns
    -------
    ndarray, shape (3, 3)
        ``I[k, l]``; ``I[k, l] * I[l, k] = 1``, diagonal 1. Detailed balance, Eq. (1), holds
        iff all are 1. The Boltzmann factors cancel: :math:`I(k,\ell)` is the ratio of the
        pair's two kernels, finite at any :math:`\beta`.
    """
    K = _checked_kernel(dot, nodes)
    return K / K.T


def generator(dot: TripleDot, *, nodes: int = 32) -> np.ndarray:
    r"""Matrix W of the Pauli master equation (19), :math:`\dot p = W p`:
    :math:`W_{k\ell} = a_{k\ell}` (k ≠ ℓ), :math:`W_{kk} = -\sum_\ell a_{\ell k}`."""
    a = rates(dot, nodes=nodes)
    return a - np.diag(a.sum(axis=0))


def evolve(dot: TripleDot, p0, times, *, nodes: int = 32) -> Result:
    """Populations p(t) of Eq. (19) from ``p0`` (order (+, 0, -)), by matrix exponentials.

    Parameters
    ----------
    dot : TripleDot
    p0 : sequence of 3 floats
        Initial populations, >= 0 and summing to 1.
    times : sequence of floats
        Output times, >= 0 and strictly increasing (p0 is the state at t = 0).

    Returns a trajectory ``Result`` with ``occupations`` of shape (len(times), 3) and the
    entropy production Eq. (25) per time in ``observables["entropy_production"]`` (NaN
    while a population is exactly zero, where Eq. 25 is singular).
    """
    _validate.instance("dot", dot, TripleDot)
    p0 = _probabilities("p0", p0)
    times = _validate.output_times(_validate.real_array("times", times, 0.0))
    W = generator(dot, nodes=nodes)
    p = np.array([expm(W * t) @ p0 for t in times])
    positive = np.all(p > 0, axis=1)
    logs = np.log(np.where(positive[:, None], p, 1.0))
    sigma = np.where(positive, np.einsum("tk,tk->t", p @ W.T, dot.log_gibbs() - logs), np.nan)
    return Result(method="ldl", kind="trajectory", model=dot.params(),
                  options={"nodes": nodes}, energies=dot.levels.copy(), occupations=p,
                  times=times, observables={"entropy_production": sigma},
                  diagnostics={"trace_drift": float(np.abs(p.sum(axis=1) - 1).max())})


def probability_currents(dot: TripleDot, p=None, *, nodes: int = 32) -> np.ndarray:
    r"""Probability currents :math:`K_{jk} = a_{jk}p_k - a_{kj}p_j` (from k to j, below
    Eq. 26), in the Gibbs state if ``p`` is None.

    In the Gibbs state this is Eq. (31) with a misprint corrected: Eq. (21) gives
    :math:`K_{jk} = a_{kj}p^{eq}_j[I(j,k) - 1]`; the paper prints :math:`p^{eq}_k`, which
    would not make K antisymmetric (tested).
    """
    a = rates(dot, nodes=nodes)
    p = dot.gibbs() if p is None else _probabilities("p", p)
    return a * p[None, :] - (a * p[None, :]).T


def heat_currents(dot: TripleDot, *, nodes: int = 32) -> np.ndarray:
    r"""Persistent heat currents in the Gibbs state, text above Eq. (32):
    :math:`J_{m\ell} = -\beta^{-1}K_{m\ell}\ln(p^{eq}_m/p^{eq}_\ell)
    = K_{m\ell}(\mathcal E_m - \mathcal E_\ell)`, the heat the bath gives the system through
    the transitions between levels ℓ and m (a symmetric matrix; the sum over pairs is zero,
    the first law).

    Eq. (32) writes the same for the three pairs taken around the loop (-, +), (+, 0),
    (0, -): :math:`J_{ij} = N[I(+,-) - 1](\mathcal E_i - \mathcal E_j)`, but with the
    misprint of Eq. (31) carried into N: the correct prefactor is
    :math:`a_{-+}p^{eq}_+`, i.e. :math:`e^{-\beta(\mathcal E_+ - \mathcal E_0)}`
    where the paper prints :math:`e^{-\beta(\mathcal E_- - \mathcal E_0)}` (tested).
    """
    K = probability_currents(dot, nodes=nodes)
    return K * (dot.levels[:, None] - dot.levels[None, :])


def thermalization_conditions(dot: TripleDot, *, nodes: int = 32) -> np.ndarray:
    r"""Left- and right-hand sides of Eq. (30a) and (30b), shape (2, 2):
    ``[[lhs_a, rhs_a], [lhs_b, rhs_b]]`` with
    :math:`a_{+0}[1 - I(0,+)] = a_{-0}[I(0,-) - 1]` and
    :math:`a_{0+}[1 - 1/I(0,+)] = a_{-+}[I(+,-) - 1]`."""
    a, ratio = rates(dot, nodes=nodes), detailed_balance_ratios(dot, nodes=nodes)
    P, Z, M = 0, 1, 2  # indices of +, 0, -
    return np.array([[a[P, Z] * (1 - ratio[Z, P]), a[M, Z] * (ratio[Z, M] - 1)],
                     [a[Z, P] * (1 - 1 / ratio[Z, P]), a[M, P] * (ratio[P, M] - 1)]])


def entropy_production(dot: TripleDot, p, *, nodes: int = 32) -> dict:
    r"""Entropy production of a diagonal state p, Eqs. (25)-(27).

    Returns
    -------
    dict
        ``total``: Eq. (25), :math:`\sigma = \sum_k \dot p_k[\ln p^{eq}_k - \ln p_k]`;
        ``schnakenberg`` and ``detailed_balance_violation``: the two terms of Eq. (26)
        (their sum equals ``total`` for every p); ``equilibrium_violation_term``: Eq. (27),
        :math:`\sum_{k>j} a_{jk}p^{eq}_k[1 - I(k,j)]\ln I(k,j) \le 0`, the second term in
        the Gibbs state.
    """
    p = _probabilities("p", p)
    if np.any(p <= 0):
        raise ValueError(f"p must be three positive populations (Eq. 25 has ln p), got {p}")
    _validate.instance("dot", dot, TripleDot)
    K_int = _checked_kernel(dot, nodes)
    la = _log_rates(dot, K_int)
    a, ratio = np.exp(la), K_int / K_int.T
    peq = dot.gibbs()
    W = a - np.diag(a.sum(axis=0))
    total = float((W @ p) @ (dot.log_gibbs() - np.log(p)))
    K = a * p[None, :] - (a * p[None, :]).T
    j, k = np.triu_indices(3, 1)  # pairs with k > j
    lp = np.log(p)
    schnak = float(np.sum(K[j, k] * (lp[k] + la[j, k] - lp[j] - la[k, j])))
    viol = float(np.sum(K[j, k] * np.log(ratio[k, j])))
    eq27 = float(np.sum(a[j, k] * peq[k] * (1 - ratio[k, j]) * np.log(ratio[k, j])))
    return {"total": total, "schnakenberg": schnak, "detailed_balance_violation": viol,
            "equilibrium_violation_term": eq27}


def _stationary(la: np.ndarray) -> np.ndarray:
    """Stationary state of three levels from the log-rates ``la`` by Kirchhoff's
    matrix-tree theorem: p_k is the sum over the spanning trees directed to k of the
    products of their rates. All terms are positive and summed as logarithms, so even
    populations of 1e-300 keep full relative precision, and none overflows."""
    lp = np.empty(3)
    for k in range(3):
        i, j = (k + 1) % 3, (k + 2) % 3
        lp[k] = logsumexp([la[k, i] + la[k, j], la[j, i] + la[k, j], la[i, j] + la[k, i]])
    return np.exp(lp - logsumexp(lp))


def _probabilities(name: str, p) -> np.ndarray:
    """Three finite populations >= 0 summing to 1."""
    p = _validate.real_array(name, p, 0.0, 1.0, shape=(3,))
    if abs(p.sum() - 1) > 1e-12:
        raise ValueError(f"{name} must be three probabilities summing to 1, got {p}")
    return p


def steady_state(dot: TripleDot, *, nodes: int = 32) -> np.ndarray:
    """Stationary populations of the Pauli master equation (19), in the order of
    ``dot.levels`` (+, 0, -); :func:`solve` gives them with currents and diagnostics."""
    return _stationary(_log_rates(dot, _checked_kernel(dot, nodes)))


def solve(dot: TripleDot, *, nodes: int = 32) -> Result:
    r"""The stationary state of the master equation (19) with its currents, as a Result.

    Returns
    -------
    Result
        ``method="ldl"``, ``kind="steady_state"``. ``occupations`` are the populations of
        :func:`steady_state`. ``current`` is the persistent loop current :math:`K_{+-}`
        (probability per unit time going - -> + -> 0 -> -). ``observables``: ``rates``
        (Eq. 20), ``I`` (Eq. 22), ``K`` (probability currents, Eq. 31), ``heat_currents``
        (Eq. 32), ``gibbs`` (Eq. 12). ``diagnostics``: ``residual`` = max|W p|,
        ``gibbs_residual`` = max|W p_eq| (property 2), ``distance_from_gibbs`` = max|p - p_eq|.
    """
    K_int = _checked_kernel(dot, nodes)
    la = _log_rates(dot, K_int)
    a = np.exp(la)
    W = a - np.diag(a.sum(axis=0))
    p = _stationary(la)
    peq = dot.gibbs()
    K = a * p[None, :] - (a * p[None, :]).T
    scale = np.abs(W).max()
    return Result(
        method="ldl", kind="steady_state", model=dot.params(), options={"nodes": nodes},
        energies=dot.levels.copy(), occupations=p, current=float(K[0, 2]),
        observables={"rates": a, "I": K_int / K_int.T, "K": K,
                     "heat_currents": K * (dot.levels[:, None] - dot.levels[None, :]),
                     "gibbs": peq},
        diagnostics={"residual": float(np.abs(W @ p).max() / scale),
                     "gibbs_residual": float(np.abs(W @ peq).max() / scale),
                     "distance_from_gibbs": float(np.abs(p - peq).max())})
