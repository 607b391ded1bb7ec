r"""Closed forms of the source-drain wire paper, each checked against the solvers in
``tests/test_wire.py`` (agreement and misprints are listed in the README).

Classical model (e = v_F = a = 1): Eqs. (6)-(9), (A16)-(A22). Quantum wire
(:math:`e = \hbar = \gamma_o = 1`, zero temperature, linear response): Eqs. (17)-(22),
(B28)-(B34), (C13).
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
    return {"l_c": l_c, "sigma": sigma, "G_N": sigma / (l_c + N - 3),
            "dJ": I_g / 2 * (1 - l_c / (l_c + N - 3)), "mu": mu, "alpha": alpha}


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
