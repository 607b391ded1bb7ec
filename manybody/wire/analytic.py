r"""Closed forms of the source-drain wire paper, each checked against the solvers in
``tests/test_wire.py`` (agreement and misprints are listed in the README).

Classical model (e = v_F = a = 1): Eqs. (6)-(9), (A16)-(A22). Quantum wire
(:math:`e = \hbar = \gamma_o = 1`, zero temperature, linear response): Eqs. (17)-(22),
(B28)-(B34), (C13), Joule heating (B52), (B54); beyond linear response the paper's
third-order truncation (B35)-(B36) of Eq. (B26) for N = 4.
"""

from __future__ import annotations

import numpy as np


def classical_currents(N: int, p: float, delta_rho: float, I_g: float) -> float:
    r"""Eq. (8) (Eq. 6 at N = 4): :math:`I_{in} = I_{out} = [\delta\rho - (1-p)(N/2-1)I_g]
    / [1 + (N-2)(1-p)]`; reverse bias is :math:`\delta\rho \to -\delta\rho`."""
    return (delta_rho - (1 - p) * (N / 2 - 1) * I_g) / (1 + (N - 2) * (1 - p))


def classical_densities(N: int, p: float, delta_rho: float, I_g: float,
                        rho0: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Eqs. (A16)-(A19) (Eq. 7): :math:`\rho^\pm(x)` on the bulk sites x = 2..N-1 (forward
    bias). Eq. (7)'s fractions have the whole of :math:`\tilde\rho \pm \ldots` as numerator,
    as (A16)-(A19) show."""
    x = np.arange(2, N)
    h, D = I_g / 2, 1 + (N - 2) * (1 - p)
    rt = rho0 + ((N - 2) * rho0 + N * delta_rho - x * (delta_rho + h)) * (1 - p)
    odd = x % 2 == 1
    minus = np.where(odd, rt - (2 * p - 1) * h, rt + N * (1 - p) * h) / (p * D)
    plus = np.where(odd, rt + p * delta_rho + (1 - p) * h,
                    rt + p * delta_rho + (N - (N - 1) * p) * h) / (p * D)
    return plus, minus


def classical_continuum(L: float, l_c: float, delta_rho: float, I_g: float) -> float:
    r"""Eq. (9): :math:`I = \delta\rho/(1 + L/l_c) - (I_g/2)[1 - 1/(1 + L/l_c)]`. Identical
    to Eq. (8) with L = (N-2)a; the paper's L = (N-1)a differs by O(1/N)."""
    return delta_rho / (1 + L / l_c) - I_g / 2 * (1 - 1 / (1 + L / l_c))


def short_wire(gamma: float, mu_bar: float, delta_mu: float, I_g: float) -> dict:
    r"""N = 4 with one source (l = 2) and drain (l = 3), linear response, App. B 3.

    Returns the transmissions (B28)-(B30), :math:`\Delta\mu` (B31), :math:`G_4` (B32),
    :math:`\delta I` (B33) with :math:`I_1 = G_4\delta\mu - \delta I`, and the small-γ
    expansions Eq. (17) :math:`\Delta\mu \approx \pi I_g/\gamma^2 + \pi\bar\mu^2 I_g/2` and
    Eq. (18) :math:`G_4 \approx (1-\gamma^2)/2\pi`, :math:`\delta I \approx
    \gamma^2(2-\bar\mu^2)I_g/2`.
    """
    g2, m2 = gamma**2, mu_bar**2
    D = (2 + 2 * g2 + g2**2) ** 2 - (1 + 2 * g2 + 5 * g2**2 + 2 * g2**3) * m2 + g2**2 * m2**2
    c = 4 * (1 - m2 / 4) / D
    T = {"T24": c * g2, "T13": c * g2, "T23": c * g2**2, "T14": c,
         "T12": c * g2 * (1 + g2**2 - g2 * (m2 - 2)), "T34": c * g2 * (1 + g2**2 - g2 * (m2 - 2))}
    den = 2 + g2**2 + 4 * g2 - g2 * m2
    dmu = (np.pi * D * I_g + g2**2 * (1 - m2 / 4) * (g2 + 2 - m2) * delta_mu) / (
        2 * g2 * (1 - m2 / 4) * den)
    G4 = (4 - m2) * (2 + g2**2 + 2 * g2 - g2 * m2) * (g2 + 1) ** 2 / (2 * np.pi * D * den)
    dI = (g2**2 + 2 * g2 - g2 * m2) / den * I_g
    return T | {"delta_mu_sd": dmu, "G4": G4, "dI": dI,
                "delta_mu_sd_eq17": np.pi * I_g / g2 + np.pi * m2 * I_g / 2,
                "G4_eq18": (1 - g2) / (2 * np.pi), "dI_eq18": g2 * (2 - m2) * I_g / 2,
                "gamma_c": np.sqrt((m2 - 1 + np.sqrt((m2 - 1) ** 2 + 4)) / 2)}


def long_wire(N: int, gamma: float, mu_bar: float, delta_mu: float, I_g: float) -> dict:
    r"""Long wire, sources and drains on every bulk site, linear response: Eqs. (19)-(21).

    :math:`\alpha = \ln(C + \sqrt{C^2-1})` with :math:`\alpha_R > 0`,
    :math:`2C = \bar\mu - \gamma^2(\bar\mu - i\sqrt{4-\bar\mu^2})/2`; :math:`l_c = 1/\alpha_R`,
    :math:`\sigma = \sin^2\alpha_I\coth\alpha_R/(2\pi|\sinh\alpha|^2)`;
    :math:`G_N = \sigma/(l_c + N - 3)`, :math:`\delta J = (I_g/2)[1 - l_c/(l_c + N - 3)]`,
    and the profile :math:`\mu_l` of Eq. (19) for l = 2..N-1.

    Joule heating in the bulk (App. B 4): ``heat`` is Eq. (B52), the heat current into each
    bulk bath :math:`h_l = \frac{1}{4\pi}\sum_{l'}T_{ll'}(\mu_{l'}-\mu_l)^2 =
    \sigma(2\phi/l_c)^2 + \nabla I_g^2/2` (the same at even and odd l), which equals
    :math:`[J_S(\mu_{l-1}-\mu_l) + J_D(\mu_l-\mu_{l+1})]/2` with Eqs. (B48)-(B49);
    ``heat_eq_B54`` is Eq. (B54), :math:`\sigma(2\phi/l_c)^2 + l_c^2I_g^2/(4\sigma)`
    (:math:`\coth\alpha_R \to 1/\alpha_R`, exact as :math:`\gamma \to 0`; its further
    :math:`\sigma^{-1} \approx 2\pi/l_c`, :math:`l_c \approx 2/\gamma^2` are not applied).
    Also returned: ``phi``, ``nabla`` (Eq. 20) and ``J_S``, ``J_D`` (B49, B48).
    """
    C = (mu_bar - gamma**2 * (mu_bar - 1j * np.sqrt(4 - mu_bar**2)) / 2) / 2
    alpha = np.log(C + np.sqrt(C**2 - 1 + 0j))
    if alpha.real < 0:
        alpha = -alpha
    l_c = 1 / alpha.real
    sigma = np.sin(alpha.imag) ** 2 / np.tanh(alpha.real) / (2 * np.pi * abs(np.sinh(alpha)) ** 2)
    nabla = 1 / np.tanh(alpha.real) ** 2 / (2 * sigma)
    phi = (delta_mu + I_g * l_c / (2 * sigma)) / (2 * (1 + (N - 3) / l_c))
    mu_L = mu_bar + delta_mu / 2
    site = np.arange(2, N)
    mu = (mu_L - phi + (l_c / (2 * sigma) + (-1.0) ** site * nabla) * I_g / 2
          - 2 * phi / l_c * (site - 2))
    drift = 2 * phi / l_c  # the bulk drop of mu per site
    J_D = -I_g / 2 + (sigma * delta_mu + I_g * l_c / 2) / (l_c + N - 3)
    return {"l_c": l_c, "sigma": sigma, "G_N": sigma / (l_c + N - 3),
            "dJ": I_g / 2 * (1 - l_c / (l_c + N - 3)), "mu": mu, "alpha": alpha,
            "phi": phi, "nabla": nabla, "J_D": J_D, "J_S": J_D + I_g,
            "heat": sigma * drift**2 + nabla * I_g**2 / 2,
            "heat_eq_B54": sigma * drift**2 + l_c**2 * I_g**2 / (4 * sigma)}


def single_dimer_xi(N: int, gamma: float, mu_bar: float) -> float:
    r"""Ξ of Eq. (22) for a source at l = 2 and a drain at l = N-1:
    :math:`|(2AC-1)\sin(N-3)k_F - A\sin(N-4)k_F|^2/\sin^2k_F`, :math:`A = \bar\mu/2 +
    i\sqrt{1-\bar\mu^2/4}`, :math:`k_F = \arccos(\bar\mu/2)`, 2C as in :func:`long_wire`."""
    kF = np.arccos(mu_bar / 2)
    A = mu_bar / 2 + 1j * np.sqrt(1 - mu_bar**2 / 4)
    C2 = mu_bar - gamma**2 * (mu_bar - 1j * np.sqrt(4 - mu_bar**2)) / 2
    amp = (A * C2 - 1) * np.sin((N - 3) * kF) - A * np.sin((N - 4) * kF)
    return abs(amp) ** 2 / np.sin(kF) ** 2


def single_dimer_nonreciprocity(N: int, gamma: float, mu_bar: float, I_g: float) -> float:
    r""":math:`\Delta j = 2(\Xi - 1)I_g/(1 + 2\gamma^2 + \Xi)` (Sec. III C, Eq. C13); zero
    when N - 3 is a multiple of :math:`\lambda_F/2 = \pi/k_F`."""
    xi = single_dimer_xi(N, gamma, mu_bar)
    return 2 * (xi - 1) * I_g / (1 + 2 * gamma**2 + xi)


_SHORT_PAIRS = {"T12": (0, 1), "T13": (0, 2), "T14": (0, 3), "T23": (1, 2), "T24": (1, 3),
                "T34": (2, 3)}


def short_wire_transmissions(gamma: float, omega: float | np.ndarray,
                             derivative: int = 0) -> np.ndarray:
    r"""N = 4 transmissions (B28)-(B30) as functions of energy, and their derivatives.

    :math:`T_{ll'}(\omega) = (4-\omega^2)\,n_{ll'}(\omega)/D(\omega)` with the numerators
    :math:`n_{14} = 1`, :math:`n_{13} = n_{24} = \gamma^2`, :math:`n_{23} = \gamma^4`,
    :math:`n_{12} = n_{34} = \gamma^2[1+\gamma^4-\gamma^2(\omega^2-2)]` and D of (B28) with
    :math:`\bar\mu \to \omega`. Derivatives (``derivative`` = m = 0, 1, 2: the paper's
    :math:`T_{ll',m}` of Eq. B24) are exact, from the polynomials' quotient rule.

    Returns
    -------
    ndarray, shape (..., 4, 4)
        Symmetric, zero diagonal; sites l = 1..4 at indices 0..3.
    """
    P = np.polynomial.Polynomial
    g2 = gamma**2
    D = P([(2 + 2 * g2 + g2**2) ** 2, 0, -(1 + 2 * g2 + 5 * g2**2 + 2 * g2**3), 0, g2**2])
    band = P([4.0, 0.0, -1.0])
    num = {"T14": P([1.0]), "T13": P([g2]), "T24": P([g2]), "T23": P([g2**2]),
           "T12": P([g2 * (1 + g2**2 + 2 * g2), 0, -(g2**2)])}
    num["T34"] = num["T12"]
    om = np.asarray(omega, dtype=float)
    Dv, D1, D2 = D(om), D.deriv(1)(om), D.deriv(2)(om)
    out = np.zeros(om.shape + (4, 4))
    for name, (i, j) in _SHORT_PAIRS.items():
        p = band * num[name]
        p0, p1, p2 = p(om), p.deriv(1)(om), p.deriv(2)(om)
        if derivative == 0:
            val = p0 / Dv
        elif derivative == 1:
            val = (p1 * Dv - p0 * D1) / Dv**2
        elif derivative == 2:
            val = (p2 * Dv - p0 * D2) / Dv**2 - 2 * D1 * (p1 * Dv - p0 * D1) / Dv**3
        else:
            raise ValueError(f"derivative must be 0, 1 or 2, got {derivative!r}")
        out[..., i, j] = out[..., j, i] = val
    return out


def truncated_currents(gamma: float, mu_bar: float, dmu: np.ndarray, order: int = 3) -> np.ndarray:
    r"""Bath currents of the N = 4 wire from Eq. (B26) truncated after n = ``order``:
    :math:`I_l = \frac{1}{2\pi}\sum_{l'}\sum_{n=1}^{order}\frac{1}{n!}T_{ll',n-1}
    (\delta\mu_l^n - \delta\mu_{l'}^n)`, ``dmu`` = :math:`\mu_l - \bar\mu` for l = 1..4
    (shape (..., 4)). At T = 0 this is the Taylor series of the exact Landauer integral
    :math:`\int_{\mu_{l'}}^{\mu_l}T_{ll'}`, so the truncation error is
    :math:`O(\delta\mu^{order+1})`."""
    dmu = np.asarray(dmu, dtype=float)
    cur = np.zeros(dmu.shape)
    fact = 1.0
    for n in range(1, order + 1):
        fact *= n
        Tn = short_wire_transmissions(gamma, mu_bar, n - 1)
        p = dmu**n
        cur += (Tn.sum(axis=1) * p - p @ Tn) / fact  # T symmetric: sum_l' T_ll' p_l'
    return cur / (2 * np.pi)


def short_wire_third_order(gamma: float, mu_bar: float, delta_mu: float,
                           I_g: float) -> dict:
    r"""The paper's nonlinear N = 4 source/drain equations, Eqs. (B35)-(B36), and all their
    real roots.

    (B35): :math:`\frac{v''}{6}x^3 - \frac{w''}{6}y^3 + \frac{v'}{2}x^2 - \frac{w'}{2}y^2
    + vx - wy = \xi_2` and the same with x ↔ y = :math:`\xi_3`, for
    :math:`x = \delta\mu_2`, :math:`y = \delta\mu_3`; :math:`v = T_{31}+T_{32}+T_{34}`,
    :math:`w = T_{32}` and their :math:`\bar\mu` derivatives from
    :func:`short_wire_transmissions`; (B36): :math:`\xi_l = (-1)^l 2\pi I_g + \frac{\delta\mu}{2}
    (T_{l1}-T_{l4}) + \frac{\delta\mu^2}{8}(T_{l1,1}+T_{l4,1}) + \frac{\delta\mu^3}{48}
    (T_{l1,2}-T_{l4,2})` (e = 1). These are Eq. (B26) at n <= 3 with
    :math:`I_l = (-1)^l I_g` (the mirror symmetry of the N = 4 wire makes site 2's
    :math:`T_{21}+T_{23}+T_{24}` equal v).

    All solutions: with :math:`s = x + y`, :math:`d = x - y`, the sum of the two equations
    gives :math:`d^2 = R(s)/Q(s)` (R cubic, Q linear) and their difference
    :math:`d\,K(s, d^2) = \xi_2 - \xi_3`; eliminating d leaves one polynomial of degree
    9 in s (Bézout's bound: 9 complex solution pairs). Each real root s gives one real
    pair; each pair is polished by two Newton steps on (B35).

    Returns
    -------
    dict
        ``roots``: (k, 2) array of all real pairs (δμ₂, δμ₃), sorted by δμ₂;
        ``physical``: the pair nearest to linear response (the paper's choice, Fig. 6);
        ``linear``: the linear-response pair (B35 at first order, = B31);
        ``residual``: max ``|lhs - ξ|`` of (B35) over the returned roots.
    """
    Td = [short_wire_transmissions(gamma, mu_bar, k) for k in range(3)]
    v = [t[2, 0] + t[2, 1] + t[2, 3] for t in Td]
    w = [t[2, 1] for t in Td]
    xi = []
    for i in (1, 2):  # sites l = 2 and 3 at index i = l - 1
        t0, t1, t2 = (t[i] for t in Td)
        xi.append((-1) ** (i + 1) * 2 * np.pi * I_g + delta_mu / 2 * (t0[0] - t0[3])
                  + delta_mu**2 / 8 * (t1[0] + t1[3]) + delta_mu**3 / 48 * (t2[0] - t2[3]))
    P = np.polynomial.Polynomial
    c3, c2, c1 = (v[2] - w[2]) / 6, (v[1] - w[1]) / 2, v[0] - w[0]
    e3, e2, e1 = (v[2] + w[2]) / 6, (v[1] + w[1]) / 2, v[0] + w[0]
    xp, xm = xi[0] + xi[1], xi[0] - xi[1]
    Q = P([c2 / 2, 3 * c3 / 4])
    R = P([xp, -c1, -c2 / 2, -c3 / 4])
    s_ = P([0.0, 1.0])
    M = e3 * (3 * s_**2 * Q + R) + 4 * Q * (e2 * s_ + e1)
    poly = R * M**2 - 16 * xm**2 * Q**3

    def lhs(x, y):
        f = lambda a, t: a[2] * t**3 / 6 + a[1] * t**2 / 2 + a[0] * t  # noqa: E731
        return np.array([f(v, x) - f(w, y), f(v, y) - f(w, x)])

    def jac(x, y):
        df = lambda a, t: a[2] * t**2 / 2 + a[1] * t + a[0]  # noqa: E731
        return np.array([[df(v, x), -df(w, y)], [-df(w, x), df(v, y)]])

    roots = []
    for s in poly.roots():
        if abs(s.imag) > 1e-7 * (1 + abs(s)):
            continue
        s = s.real
        d = 4 * Q(s) * xm / M(s)
        z = np.array([(s + d) / 2, (s - d) / 2])
        for _ in range(2):
            z = z - np.linalg.solve(jac(*z), lhs(*z) - xi)
        roots.append(z)
    roots = np.array(sorted(roots, key=lambda z: z[0])).reshape(-1, 2)
    lin_xi = [(-1) ** (i + 1) * 2 * np.pi * I_g + delta_mu / 2 * (Td[0][i, 0] - Td[0][i, 3])
              for i in (1, 2)]
    linear = np.linalg.solve(np.array([[v[0], -w[0]], [-w[0], v[0]]]), lin_xi)
    physical = roots[np.argmin(np.abs(roots - linear).sum(axis=1))] if len(roots) else \
        np.full(2, np.nan)
    residual = max((np.abs(lhs(*z) - xi).max() for z in roots), default=0.0)
    return {"roots": roots, "physical": physical, "linear": linear, "residual": residual}
