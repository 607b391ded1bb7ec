r"""One source-drain dimer with imperfect end contacts (App. B 5 with App. C 1), closed form.

The paper gives Eq. (C4) for any mirror-symmetric single dimer (source at l = 2, drain at
l = N-1, :math:`\gamma_1 = \gamma_N`) and evaluates it only for :math:`\gamma_1 = \gamma_o = 1`
(Eq. C13). With the cofactors of the tridiagonal :math:`\hat Z` (Eq. C5) for any
:math:`\gamma_1`: :math:`|G_{12}| = |\phi_3|/|\det Z|`, :math:`|G_{1,N-1}| = |z_e|/|\det Z|`,
:math:`|G_{2,N-1}| = |z_e|^2/|\det Z|`, :math:`|G_{2N}| = |z_e|/|\det Z|`, where
:math:`z_e = \bar\mu - \gamma_1^2 g(\bar\mu)` is the end site's diagonal entry
(:math:`g = (\bar\mu - i\sqrt{4-\bar\mu^2})/2`; :math:`z_e = A` of Eq. C6 at
:math:`\gamma_1 = 1`) and :math:`\phi_3` the determinant of :math:`\hat Z` on the sites
3..N (continuant :math:`\phi_j = z_j\phi_{j+1} - \phi_{j+2}`). Eq. (C4) becomes

.. math::

    \Delta j = \frac{2(\Xi' - 1)}{\Xi' + 1 + 2(\gamma^2/\gamma_1^2)|z_e|^2}\,I_g,
    \qquad \Xi' = |\phi_3/z_e|^2,

which is Eq. (C13) at :math:`\gamma_1 = 1` (:math:`|z_e| = 1`, :math:`\Xi' = \Xi`). The
nonreciprocity vanishes where :math:`|\phi_3| = |z_e|`.
"""

from __future__ import annotations

import numpy as np


def phi3_over_ze(N: int, gamma: float, gamma_end: float | np.ndarray,
                 mu_bar: float) -> np.ndarray:
    r""":math:`\phi_3/z_e` of the module docstring (complex; vectorized over ``gamma_end``)."""
    g = (mu_bar - 1j * np.sqrt(4 - mu_bar**2)) / 2
    ze = mu_bar - np.asarray(gamma_end, dtype=float) ** 2 * g
    nxt, cur = ze, (mu_bar - gamma**2 * g) * ze - 1  # phi_N, phi_{N-1} (the drain)
    for _ in range(N - 4):  # the free sites N-2 .. 3
        nxt, cur = cur, mu_bar * cur - nxt
    return cur / ze


def single_dimer_nonreciprocity(N: int, gamma: float, gamma_end: float | np.ndarray,
                                mu_bar: float, I_g: float) -> np.ndarray:
    r""":math:`\Delta j` of the module docstring (Eq. C4 at any :math:`\gamma_1 = \gamma_N`);
    N >= 4, source at l = 2, drain at l = N-1, linear response, T = 0."""
    g = (mu_bar - 1j * np.sqrt(4 - mu_bar**2)) / 2
    gamma_end = np.asarray(gamma_end, dtype=float)
    ze2 = np.abs(mu_bar - gamma_end**2 * g) ** 2
    xi = np.abs(phi3_over_ze(N, gamma, gamma_end, mu_bar)) ** 2
    return 2 * (xi - 1) * I_g / (xi + 1 + 2 * gamma**2 / gamma_end**2 * ze2)
