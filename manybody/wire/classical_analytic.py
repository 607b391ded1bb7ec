r"""Closed forms of the classical contrast (units e = v_F = a = tau = 1): the Ohmic circuits
of Sec. I / Fig. 1 and App. D, and one source-drain pair in the master-equation lattice,
App. C 2. Checked against :func:`~manybody.wire.classical.circuit_steady_state` and
:func:`~manybody.wire.classical.classical_steady_state` in ``tests/test_wire_contacts.py``.
"""

from __future__ import annotations

import numpy as np


def circuit_inflow(N: int, V: float, I_g: float, sources, drains, R: float = 1.0) -> float:
    r"""Current into an Ohmic wire at node 1 by superposition: a current :math:`I_l` injected
    at node l (x = l - 1 segments from node 1) leaves through node 1 in the fraction
    (N - l)/(N - 1), so :math:`I_{in} = V/R - \sum_l I_l (N-l)/(N-1)`. Sec. I: Fig. 1(a)
    :math:`V/R - I_g/3`, (b) :math:`V/R`, (c) :math:`V/R - 2I_g/5`."""
    frac = lambda sites: sum((N - s) / (N - 1) for s in sites)  # noqa: E731
    return V / R - I_g * (frac(sources) - frac(drains))


def circuit_app_d(N: int, V: float, I_g: float, R: float = 1.0) -> dict:
    r"""App. D, every bulk node a source (even l) or drain (odd l), a = 1, L = N - 1,
    :math:`\sigma = L/R`:

    * (D1) :math:`I_{in} = [\sigma V - (N/2-1)I_g]/L = \sigma V/L - (I_g/2)(1 - 1/L)`;
    * (D2) node voltages :math:`V(l) = V - (V + I_g/2\sigma)(l-2)/L - (V - I_g(L-2)/4\sigma)/L
      + (-1)^l I_g/4\sigma`, l = 2..N-1;
    * (D3) Joule heat of segment (l, l+1), l = 1..N-1:
      :math:`h = [(\sigma V + I_g/2)/L + (-1)^l I_g/2]^2/\sigma`;
    * (D4) the mean of two adjacent segments,
      :math:`[((\sigma V + I_g/2)/L)^2 + (I_g/2)^2]/\sigma`.
    """
    L = N - 1
    sigma = L / R
    node = np.arange(2, N)
    seg = np.arange(1, N)
    return {"I_in": (sigma * V - (N / 2 - 1) * I_g) / L,
            "V": (V - (V + I_g / (2 * sigma)) * (node - 2) / L
                  - (V - I_g * (L - 2) / (4 * sigma)) / L + (-1.0) ** node * I_g / (4 * sigma)),
            "heat": ((sigma * V + I_g / 2) / L + (-1.0) ** seg * I_g / 2) ** 2 / sigma,
            "heat_mean": (((sigma * V + I_g / 2) / L) ** 2 + (I_g / 2) ** 2) / sigma}


def single_pair(p: float, delta_rho: float, I_g: float, rho0: float) -> dict:
    r"""App. C 2, one source at l = 2 and a drain at l = N - 1 (forward bias): the densities
    (C19)-(C22) at l = 2 and l = N - 1, :math:`I_{in} = I_{out} = [\delta\rho - (1-p)I_g]/(3-2p)`
    (C23) and the current between source and drain
    :math:`J = [\delta\rho + (2-p)I_g]/(3-2p)` (C24): none depends on N, so the
    nonreciprocity :math:`2(1-p)I_g/(3-2p)` neither oscillates nor vanishes with N."""
    h, d = I_g / 2, 3 - 2 * p
    return {"rho_plus_2": ((2 - p) * (h + delta_rho) + d * rho0) / (p * d),
            "rho_minus_2": (rho0 + 2 * (1 - p) * (h + delta_rho + rho0)) / (p * d),
            "rho_plus_L": ((p - 1) * I_g + delta_rho + d * rho0) / (p * d),
            "rho_minus_L": ((p - 2) * h + (1 - p) * delta_rho + d * rho0) / (p * d),
            "I_in": (delta_rho - (1 - p) * I_g) / d, "J": (delta_rho + (2 - p) * I_g) / d,
            "nonreciprocity": 2 * (1 - p) * I_g / d}
