r"""Quantum wire with source and drain baths: Green's function and self-consistent
chemical potentials, Eqs. (13)-(16) and App. B (units :math:`e = \hbar = \gamma_o = 1`).

* Surface Green's function of a semi-infinite chain with hopping 1:
  :math:`g(\omega) = (\omega - i\sqrt{4-\omega^2})/2` in the band, so
  :math:`\Sigma_l = \gamma_l^2 g` and :math:`\Gamma_l = -2\,\mathrm{Im}\,\Sigma_l =
  \gamma_l^2\sqrt{4-\omega^2} = 2\pi\gamma_l^2\rho_l` (Eq. 16).
* Retarded Green's function, Eq. (15): :math:`G(\omega) = [\omega - H_w - \Sigma(\omega)]^{-1}`.
* Bath currents (Eq. B22, Landauer-Büttiker):
  :math:`I_l = \frac{1}{2\pi}\sum_{l'}\int d\omega\, T_{ll'}(\omega)[f_l - f_{l'}]`,
  :math:`T_{ll'} = \Gamma_l\Gamma_{l'}|G_{ll'}|^2`; bond currents
  :math:`J_l = i\langle c^\dagger_{l+1}c_l - c^\dagger_l c_{l+1}\rangle
  = \frac{1}{2\pi}\sum_m\int d\omega\, F_{lm}(\omega) f_m`, with
  :math:`F_{lm} = 2\Gamma_m\,\mathrm{Im}(G_{l+1,m}G^*_{l,m})` (:math:`\sum_m F_{lm} = 0`).
* Zero temperature (the paper's :math:`T \ll \bar\mu`): :math:`f_m` is a step at
  :math:`\mu_m`, so both are sums of :math:`\int_{\bar\mu}^{\mu_m}` of smooth functions,
  done by Gauss-Legendre (``nodes`` points, windows clipped to the band). Linear response
  (``linear_response=True``) evaluates T and F at :math:`\bar\mu` (Eqs. B26-B27 at n = 1);
  otherwise the integrals are exact, all orders in :math:`\delta\mu_l` (App. B 3 keeps
  n <= 3); that costs N * ``nodes`` Green's functions per Newton step (meant for short
  wires), linear response one.
* Finite temperature (``QuantumWire(temperature=T)``, all baths at T): one energy grid for
  all baths, composite Gauss-Legendre panels of width :math:`\lesssim k_BT` around
  :math:`\bar\mu` and every :math:`\mu_m` (in :math:`\theta`, :math:`\omega =
  -2\cos\theta`, so the band edges are harmless), Green's functions in blocks; linear
  response averages T and F with :math:`-\partial f/\partial\omega` at :math:`\bar\mu`.
  T -> 0 approaches the zero-temperature solver as :math:`T^2` (Sommerfeld).
* Heat currents (App. B 4): :math:`h_l = \mu_l I_l - E_l` into bath l, with the energy
  currents :math:`E_l` (an extra :math:`\omega` in the integrals); in steady state
  :math:`\sum_l E_l = 0`, so the Joule heat is :math:`\sum_l h_l = \sum_l \mu_l I_l`.
* Source/drain chemical potentials: the roots of :math:`I_l(\mu) = \pm I_g`, by Newton's
  method with the exact Jacobian :math:`\partial I_l/\partial\mu_l =
  \frac{1}{2\pi}\sum_{l'} T_{ll'}(\mu_l)`, :math:`\partial I_l/\partial\mu_m =
  -\frac{1}{2\pi}T_{lm}(\mu_m)` (T > 0: T averaged with :math:`-\partial f_m/\partial
  \omega`), from the linear-response solution.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
from scipy.special import expit

from .. import _validate
from ..errors import QuadratureWarning
from ..models.wire import QuantumWire
from ..result import Result

BYTES_PER_GREEN_ENTRY = 56
"""Peak bytes per entry of a stack of Green's functions (inverse, transmissions and their
temporaries): measured 48-51 B at N = 40-80, nodes = 24, 48 (ru_maxrss), rounded up; plus
64 B per site pair for H and the identities (linear response, one Green's function:
measured 90-113 B per N^2 at N = 400, 800)."""


class SelfConsistencyError(RuntimeError):
    """No source/drain chemical potentials reproduce the prescribed currents.

    Newton's method did not reach the tolerance, or pushed a chemical potential out of the
    band (``|mu| >= 2``), where a bath cannot carry current. Reduce ``I_g`` (each source must
    inject less than the wire can carry) or use ``linear_response=True``.
    """


def surface_green(omega: np.ndarray) -> np.ndarray:
    r"""Retarded surface Green's function of a semi-infinite chain with hopping 1, in the
    band: :math:`g(\omega) = (\omega - i\sqrt{4-\omega^2})/2`."""
    omega = np.asarray(omega, dtype=float)
    return (omega - 1j * np.sqrt(np.clip(4 - omega**2, 0, None))) / 2


def _couplings(w: QuantumWire) -> np.ndarray:
    gam = np.zeros(w.N)
    gam[[0, -1]] = w.gamma_end
    gam[np.array(w.contacts, dtype=int) - 1] = w.gamma
    return gam


def _green_memory(N: int, n_omega: int) -> float:
    """Peak bytes of :func:`transmissions` at ``n_omega`` energies."""
    return (BYTES_PER_GREEN_ENTRY * n_omega + 64) * N**2 + 2e6


def green_function(w: QuantumWire, omega: float | np.ndarray) -> np.ndarray:
    r"""Retarded Green's function :math:`G_{ll'}(\omega)`, Eq. (15), shape (..., N, N).

    Raises ``SizeError`` (naming N) before allocating if the stack of
    ``omega.size`` matrices does not fit in memory.
    """
    _validate.instance("wire", w, QuantumWire)
    omega = _validate.real_array("omega", omega)
    _validate.memory_guard("the Green's functions", "N", w.N,
                           lambda n: _green_memory(n, omega.size), minimum=3)
    H = -(np.eye(w.N, k=1) + np.eye(w.N, k=-1))
    sigma = _couplings(w) ** 2 * surface_green(omega)[..., None]
    M = omega[..., None, None] * np.eye(w.N) - H - sigma[..., None, :] * np.eye(w.N)
    return np.linalg.inv(M)


def transmissions(w: QuantumWire, omega: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""``T_{ll'}(ω) = Γ_l Γ_{l'} |G_{ll'}|²`` (shape (..., N, N)) and the bond-current kernel
    F_{lm}(ω) = 2 Γ_m Im(G_{l+1,m} G*_{l,m}) (shape (..., N-1, N))."""
    omega = _validate.real_array("omega", omega)
    G = green_function(w, omega)
    Gam = _couplings(w) ** 2 * np.sqrt(np.clip(4 - omega[..., None] ** 2, 0, None))
    T = Gam[..., :, None] * Gam[..., None, :] * np.abs(G) ** 2
    F = 2 * Gam[..., None, :] * np.imag(G[..., 1:, :] * G[..., :-1, :].conj())
    return T, F


CHUNK = 256
"""Energies per block of Green's functions at T > 0 (the memory peak is one block)."""


def _fermi(x: np.ndarray, kT: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Fermi function :math:`f = 1/(e^{x/T}+1)` and :math:`-\partial f/\partial x = f(1-f)/T`."""
    f = expit(-x / kT)
    return f, f * expit(x / kT) / kT


def _thermal_grid(centers: np.ndarray, kT: float, n: int, N: int) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    r"""Nodes and weights for :math:`\int d\omega` over the band of a wire of N sites, of
    functions that vary on the scale :math:`k_BT` near each of ``centers`` (Fermi functions)
    and vanish (below :math:`e^{-40}`) farther than :math:`40k_BT` from all of them.

    In :math:`\theta`, :math:`\omega = -2\cos\theta` (which makes the band-edge square
    roots of :math:`\Gamma_l` and :math:`\Sigma_l` analytic): panel ends uniformly spaced by
    :math:`\pi/\max(32, 2(N+1))` (half the wire's level spacing in :math:`k = \theta`)
    and, around each center c, at :math:`c \pm 2^j k_BT` (j = 0..5) and c, merged where
    closer than a quarter of the smaller scale; ``n`` Gauss-Legendre points per panel. A
    panel of width T has the Fermi function's nearest pole :math:`\pi k_BT` away: n = 6
    already gives ~1e-13.
    """
    centers = np.asarray(centers, dtype=float)
    s = kT * np.r_[0.0, 2.0 ** np.arange(6)]
    to_theta = lambda om: np.arccos(-np.clip(om, -2.0, 2.0) / 2)  # noqa: E731
    lo, hi = to_theta(centers.min() - 40 * kT), to_theta(centers.max() + 40 * kT)
    step = np.pi / max(32, 2 * (N + 1))
    ends = np.r_[lo, hi, np.arange(np.ceil(lo / step), np.floor(hi / step) + 1) * step,
                 to_theta((centers[:, None] + np.r_[-s[1:], s]).ravel())]
    ends = np.unique(np.clip(ends, lo, hi))
    gap = min(step, kT / 2) / 4  # kT/2: the smallest theta width of an energy kT
    keep = [ends[0]]
    for e in ends[1:-1]:
        if e - keep[-1] > gap:
            keep.append(e)
    if ends[-1] - keep[-1] <= gap and len(keep) > 1:
        keep.pop()
    keep.append(ends[-1])
    th = np.array(keep)
    x, wt = np.polynomial.legendre.leggauss(n)
    mid, half = (th[1:] + th[:-1]) / 2, (th[1:] - th[:-1]) / 2
    theta = mid[:, None] + half[:, None] * x
    return (-2 * np.cos(theta)).ravel(), (half[:, None] * wt * 2 * np.sin(theta)).ravel()


def _linear(w: QuantumWire, mu: np.ndarray, T0: np.ndarray, F0: np.ndarray, M0: np.ndarray):
    """Linear response from the (thermally averaged) kernels at mu_bar; heat to second order."""
    d = mu - w.mu_bar
    jac = (np.diag(T0.sum(axis=1)) - T0) / (2 * np.pi)
    diff = d[:, None] - d[None, :]
    heat = ((T0 * diff**2).sum(axis=1) / 2 - (M0 * diff).sum(axis=1)) / (2 * np.pi)
    return jac @ d, F0 @ d / (2 * np.pi), jac, heat


def _currents(w: QuantumWire, mu: np.ndarray, nodes: int, linear: bool):
    """Bath currents I_l, bond currents J_l, the Jacobian dI_l/dmu_m and the heat currents
    h_l into the baths at the chemical potentials ``mu`` (one per site; sites without a bath
    carry no weight)."""
    if linear:
        return _linear(w, mu, *_linear_kernels(w, nodes))
    if w.temperature > 0:
        return _currents_thermal(w, mu, nodes)
    # exact windows ∫_{mu_bar}^{mu_m} (clipped to the band): N * nodes Green's functions
    x, wt = np.polynomial.legendre.leggauss(nodes)
    lo, hi = np.full(w.N, w.mu_bar), np.clip(mu, -2.0, 2.0)
    om = (lo + hi)[:, None] / 2 + (hi - lo)[:, None] / 2 * x  # (N, nodes)
    T, F = transmissions(w, om)  # the memory peak: N * nodes Green's functions
    scale = ((hi - lo) / 2)[:, None] * wt  # signed: the integral runs from mu_bar to mu_m
    QT = np.einsum("mk,mkij->mij", scale, T)
    QE = np.einsum("mk,mkij->mij", scale * om, T)
    QF = np.einsum("mk,mkij->mij", scale, F)
    idx = np.arange(w.N)
    # I_l = (1/2π) Σ_l' [∫_{mu_bar}^{mu_l} T_ll' - ∫_{mu_bar}^{mu_l'} T_ll'], E_l with ω T_ll'
    I_b = (QT[idx, idx, :].sum(axis=1) - np.einsum("mlm->l", QT)) / (2 * np.pi)
    E = (QE[idx, idx, :].sum(axis=1) - np.einsum("mlm->l", QE)) / (2 * np.pi)
    J = np.einsum("mlm->l", QF) / (2 * np.pi)
    Tmu, _ = transmissions(w, mu)
    jac = (np.diag(Tmu[idx, idx, :].sum(axis=1)) - Tmu[idx, :, idx].T) / (2 * np.pi)
    return I_b, J, jac, mu * I_b - E


@functools.lru_cache(maxsize=4)
def _linear_kernels(w: QuantumWire, nodes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""T, F and :math:`M = \int(\omega-\bar\mu)T` at :math:`\bar\mu` (T = 0), or averaged
    with :math:`-\partial f/\partial\omega` at :math:`\bar\mu` (T > 0), in blocks of
    ``CHUNK`` energies."""
    kT, N = w.temperature, w.N
    if kT == 0:
        T0, F0 = transmissions(w, w.mu_bar)
        return T0, F0, np.zeros_like(T0)
    om, wt = _thermal_grid(np.array([w.mu_bar]), kT, nodes, N)
    a = wt * _fermi(om - w.mu_bar, kT)[1]
    T0, F0, M0 = np.zeros((N, N)), np.zeros((N - 1, N)), np.zeros((N, N))
    for k in range(0, om.size, CHUNK):
        sl = slice(k, k + CHUNK)
        T, F = transmissions(w, om[sl])
        T0 += np.einsum("k,kij->ij", a[sl], T)
        F0 += np.einsum("k,kij->ij", a[sl], F)
        M0 += np.einsum("k,kij->ij", a[sl] * (om[sl] - w.mu_bar), T)
    return T0, F0, M0


def _currents_thermal(w: QuantumWire, mu: np.ndarray, nodes: int):
    r"""T > 0, exact: one energy grid (:func:`_thermal_grid`) for all baths, Green's functions
    in blocks of ``CHUNK`` energies: :math:`2\pi I_l = \int\sum_{l'}T_{ll'}(g_l - g_{l'})`,
    :math:`g_m = f_m - f(\omega-\bar\mu)` (the reference cancels; it keeps the integrands
    small), :math:`2\pi J_l = \int\sum_m F_{lm}g_m`, energy currents with an extra
    :math:`\omega`, :math:`\partial I_l/\partial\mu_m` with
    :math:`-\partial f_m/\partial\omega`."""
    kT, N = w.temperature, w.N
    om, wt = _thermal_grid(np.r_[w.mu_bar, mu], kT, nodes, N)
    f_ref = _fermi(om - w.mu_bar, kT)[0]
    I_b, E, J, jac = np.zeros(N), np.zeros(N), np.zeros(N - 1), np.zeros((N, N))
    for k in range(0, om.size, CHUNK):
        sl = slice(k, k + CHUNK)
        T, F = transmissions(w, om[sl])
        f, dfm = _fermi(om[sl, None] - mu, kT)
        g = f - f_ref[sl, None]
        row = T.sum(axis=2)
        cur = g * row - np.einsum("kij,kj->ki", T, g)  # 2π x integrand of I_l
        I_b += wt[sl] @ cur
        E += (wt[sl] * om[sl]) @ cur
        J += np.einsum("k,kij,kj->i", wt[sl], F, g)
        jac += np.diag(wt[sl] @ (dfm * row)) - np.einsum("k,kij,kj->ij", wt[sl], T, dfm)
    I_b, E, J, jac = I_b / (2 * np.pi), E / (2 * np.pi), J / (2 * np.pi), jac / (2 * np.pi)
    return I_b, J, jac, mu * I_b - E


def quantum_steady_state(wire: QuantumWire | None = None, /, *, linear_response: bool = False,
                         nodes: int = 24, tol: float = 1e-11, max_iter: int = 50,
                         **params) -> Result:
    r"""Steady state with self-consistent source and drain chemical potentials.

    Parameters
    ----------
    wire : QuantumWire, optional
        The model; or give its parameters as keywords.
    linear_response : bool
        Transmissions at :math:`\bar\mu` (T > 0: averaged with
        :math:`-\partial f/\partial\omega` at :math:`\bar\mu`; linear in all
        :math:`\delta\mu_l`), else exact energy integrals with the baths' Fermi functions.
    nodes : int
        Gauss-Legendre points per integration window (T = 0) or per panel of the energy
        grid (T > 0, panels of width :math:`\lesssim k_BT` near every chemical potential).
        The error estimate halves it.
    tol : float
        Newton tolerance on :math:`\max_l |I_l \mp I_g|`, relative to
        :math:`\max(|I_g|, |\delta\mu|/2\pi)`.
    max_iter : int
        Newton iterations before ``SelfConsistencyError``.

    Raises
    ------
    SizeError
        Before allocating, if the N * ``nodes`` Green's functions of the exact integrals
        (:math:`56 N^3` ``nodes`` bytes; N = 200 needs 10 GB), the one of linear response
        or (T > 0) a block of ``CHUNK`` do not fit in memory; the message names the largest
        N that fits.
    SelfConsistencyError
        Newton did not converge or a chemical potential left the band (T = 0; at T > 0:
        went more than :math:`30k_BT` beyond it, where a bath's current saturates: no
        source can inject more than a bath at :math:`\mu_l = \infty`).

    Warns
    -----
    QuadratureWarning
        (exact integrals, or linear response at T > 0) if the currents at the solution
        change by more than ``tol`` times the current scale when ``nodes`` is halved:
        ``diagnostics["quadrature_error"]`` then bounds the error, not ``residual``.

    Returns
    -------
    Result
        ``method="green-function"``; ``current`` = :math:`I_1` (from the left bath into the
        wire); ``observables``: ``mu`` (all N bath chemical potentials; NaN where a site has
        no bath), ``I`` (:math:`I_l`, NaN without bath), ``J`` (bond currents
        :math:`J_l`, l = 1..N-1), ``I_in`` = :math:`I_1`, ``I_out`` = :math:`-I_N`,
        ``heat`` (:math:`h_l = \mu_l I_l - E_l`, the heat current from the wire into bath l,
        App. B 4, with :math:`E_l = \frac{1}{2\pi}\sum_{l'}\int\omega T_{ll'}(f_l - f_{l'})`
        the energy current into the wire; NaN without bath). In linear response ``heat`` is
        :math:`\frac{1}{2\pi}\sum_{l'}[\bar T_{ll'}(\mu_l-\mu_{l'})^2/2 - M_{ll'}(\mu_l
        - \mu_{l'})]`, Eq. (B52)'s :math:`\frac{1}{4\pi}\sum_{l'}T_{ll'}(\mu_{l'}-\mu_l)^2`
        plus, at T > 0, the first-order (Peltier) term with
        :math:`M = \int(\omega-\bar\mu)T(-\partial f/\partial\omega)`; the total
        :math:`\sum_l h_l = \sum_l\mu_l I_l` is the Joule heat.
        ``diagnostics``: ``residual`` (max ``|I_l ∓ I_g|`` at the contacts), ``iterations``,
        ``conservation_error`` = max over sites of ``|J_{l-1} - J_l + I_l|`` (Kirchhoff),
        ``quadrature_error`` = max change of the bath and bond currents with ``nodes // 2``
        (0 in linear response at T = 0, which has no integrals).
    """
    if wire is None:
        wire = QuantumWire(**params)
    elif params:
        raise ValueError(f"give a QuantumWire or its parameters, not both: {sorted(params)}")
    w = _validate.instance("wire", wire, QuantumWire)
    linear_response = _validate.boolean("linear_response", linear_response)
    nodes = _validate.integer("nodes", nodes, 2)  # the error estimate uses nodes // 2
    tol = _validate.real("tol", tol, 0.0, 1.0, open_lo=True)
    max_iter = _validate.integer("max_iter", max_iter, 0)
    blocks = (lambda n: CHUNK) if w.temperature > 0 else \
        (lambda n: 1 if linear_response else n * nodes)
    _validate.memory_guard("the quantum wire's Green's functions", "N", w.N,
                           lambda n: _green_memory(n, blocks(n)), minimum=3)
    c = np.array(w.contacts, dtype=int) - 1
    target = w.injection[c]
    mu = np.full(w.N, w.mu_bar)
    mu[0], mu[-1] = w.mu_L, w.mu_R
    scale = max(abs(w.I_g), abs(w.delta_mu) / (2 * np.pi), 1e-300)
    I_b, _, jac, _ = _currents(w, mu, nodes, True)
    if c.size:  # the linear-response solution, exact if linear_response else Newton's start
        mu[c] -= np.linalg.solve(jac[np.ix_(c, c)], I_b[c] - target)
    iterations = 0
    out = _currents(w, mu, nodes, linear_response)
    while True:
        I_b, J, jac, heat = out
        res = I_b[c] - target
        rel = float(np.abs(res).max()) / scale if c.size else 0.0
        if rel <= tol:
            break
        if iterations == max_iter:
            raise SelfConsistencyError(f"Newton did not converge in {max_iter} iterations; "
                                       f"relative residual {rel:.1e}")
        if np.any(np.abs(mu[c]) >= 2 + 30 * w.temperature):
            raise SelfConsistencyError(f"a source/drain chemical potential left the band: "
                                       f"{mu[c]} (I_g = {w.I_g}, T = {w.temperature})")
        step = np.linalg.solve(jac[np.ix_(c, c)], res)
        mu[c] -= step
        out = _currents(w, mu, nodes, linear_response)
        # T > 0: a bath's current saturates beyond the band, where a full Newton step can
        # overshoot; halve the step while the residual grows
        for _ in range(20 if w.temperature > 0 and not linear_response else 0):
            if np.abs(out[0][c] - target).max() / scale < rel:
                break
            step /= 2
            mu[c] += step
            out = _currents(w, mu, nodes, linear_response)
        iterations += 1
    has_bath = np.zeros(w.N, dtype=bool)
    has_bath[[0, -1]] = True
    has_bath[c] = True
    quad_err = 0.0
    if not linear_response or w.temperature > 0:
        I_half, J_half, _, _ = _currents(w, mu, nodes // 2, linear_response)
        quad_err = float(max(np.abs(I_half - I_b)[has_bath].max(), np.abs(J_half - J).max()))
        if quad_err > tol * scale:
            warnings.warn(f"the currents change by {quad_err:.1e} when the Gauss-Legendre nodes "
                          f"are halved from {nodes} (more than tol * scale = "
                          f"{tol * scale:.1e}); pass a larger nodes", QuadratureWarning,
                          stacklevel=2)
    inflow = np.where(has_bath, I_b, 0.0)
    cons = np.r_[0.0, J] - np.r_[J, 0.0] + inflow
    return Result(
        method="green-function", kind="steady_state", model=w.params(),
        options={"linear_response": linear_response, "nodes": nodes, "tol": tol},
        current=float(I_b[0]),
        observables={"mu": np.where(has_bath, mu, np.nan), "I": np.where(has_bath, I_b, np.nan),
                     "J": J, "I_in": float(I_b[0]), "I_out": float(-I_b[-1]),
                     "heat": np.where(has_bath, heat, np.nan)},
        diagnostics={"residual": rel * scale, "iterations": iterations,
                     "conservation_error": float(np.abs(cons).max()),
                     "quadrature_error": quad_err})


def quantum_nonreciprocity(wire: QuantumWire, **options) -> float:
    r"""Current nonreciprocity :math:`-[I_1(\delta\mu) + I_1(-\delta\mu)]`, from two
    steady states (``options`` as for :func:`quantum_steady_state`).

    This is the paper's :math:`\Delta I = |I_1(\delta\mu<0)| - |I_1(\delta\mu>0)|` (= 2δJ of
    Eq. 21, Δj of Eq. 22) as long as the forward current stays positive; the signed form
    stays smooth in long wires, where the injected currents reverse :math:`I_1`.
    """
    _validate.instance("wire", wire, QuantumWire)
    fwd = quantum_steady_state(wire, **options)
    rev = quantum_steady_state(wire.reversed(), **options)
    return -(fwd.I_in + rev.I_in)
