r"""Splitting schemes: one time step as a product of exponentials of commuting bond groups.

The bonds are coloured into groups :math:`G_1, \ldots, G_m` whose pieces commute within a group
(two on an open chain or an even ring, three on an odd ring). The symmetric second-order
(Strang) step is

.. math:: S_2(\tau) = e^{\frac\tau2\mathcal L_{G_1}}\cdots e^{\frac\tau2\mathcal L_{G_{m-1}}}
          \,e^{\tau\mathcal L_{G_m}}\,e^{\frac\tau2\mathcal L_{G_{m-1}}}\cdots
          e^{\frac\tau2\mathcal L_{G_1}} = e^{\tau\mathcal L + O(\tau^3)},

and a step of order 4 is the triple jump :math:`S_4(dt) = S_2(\gamma_1 dt)\,S_2(\gamma_2 dt)\,
S_2(\gamma_1 dt)` with the complex coefficients of Castella, Chartier, Descombes and Vilmart
(BIT 49, 487 (2009)) and Hansen and Ostermann (BIT 49, 527 (2009)), the roots of
:math:`2\gamma_1 + \gamma_2 = 1`, :math:`2\gamma_1^3 + \gamma_2^3 = 0` with positive real parts,

.. math:: \gamma_1 = \frac{1}{2 - 2^{1/3}e^{2\pi i/3}} = 0.32439 + 0.13458i, \qquad
          \gamma_2 = 1 - 2\gamma_1 = 0.35122 - 0.26916i.

Every sub-step runs forward in the real part of time, so no dissipative piece is ever run
backwards. Real fourth-order compositions need a negative step, which a Lindbladian turns
into an anti-dissipative one; measured (exact dynamics to t = 1, L = 4, and the steady-state
current of the minimal open chain α = 2, δ = 1.5, L = 12, χ = 16), against this scheme:

- Yoshida's real triple jump (steps 1.35, -1.70, 1.35 dt): diverges at dt = 0.2
  (α = 2, δ = 1.5) and at dt = 0.1 for r = 5 (α = 4, δ = 3); error constant ~10x larger.
- Suzuki's five-stage fractal (p, p, 1 - 4p, p, p), p = 0.4145: stable at dt <= 0.1, diverges
  at dt = 0.2 for r = 5; runs in real arithmetic and costs 5/3 of the stages, i.e. 0.65x of
  the wall time per step of the complex scheme in the same run, but its steady-state bias is
  ~5x larger (2.0e-6 against 3.7e-7 at dt = 0.05), so at equal error it is no cheaper.

The complex scheme leaves a non-Hermitian part of ρ of the order of its error
(:math:`O(dt^4)`); observables take the real part. Its error constant on the bulk steady-state
current (open chain L = 24, χ = 16): :math:`0.07\,dt^4` (4.3e-7 at dt = 0.05, 5.7e-6 at
dt = 0.1); second order: :math:`0.018\,dt^2` on the bond average and ~5x that per bond (the
even/odd alternation). Cost of 1e-6 on the bulk current there, same run: order 4 at dt = 0.05
(bond average 4.3e-7, per bond 1.9e-6) 0.58 s per unit time; order 2 (real arithmetic) at
dt = 0.00625 (7.7e-7, per bond 4.7e-6) 2.0 s, at dt = 0.0125 (2.8e-6) 0.61 s: order 4 is
2-3x cheaper on the average and more on single bonds.

Adjacent factors of the same group (within a step and across steps) are merged, since
:math:`e^{a\mathcal L_G}e^{b\mathcal L_G} = e^{(a+b)\mathcal L_G}`: a step costs two layers of
gates at order 2 and six at order 4 (two groups).
"""

from __future__ import annotations

import numpy as np

_GAMMA = 1 / (2 - 2 ** (1 / 3) * np.exp(2j * np.pi / 3))
COEFFICIENTS: dict[int, tuple[complex, ...]] = {2: (1.0,), 4: (_GAMMA, 1 - 2 * _GAMMA, _GAMMA)}


def factors(n_groups: int, order: int, n_steps: int) -> list[tuple[int, complex, bool]]:
    """The exponentials of ``n_steps`` steps, in order of application.

    Returns
    -------
    list of (group, tau, ends_step)
        Apply :math:`e^{\\tau\\,dt\\,\\mathcal L_{G}}` (``tau`` in units of dt); ``ends_step``
        marks the factor after which a step is complete up to factors that commute with the
        state's normalization (the merged half step of the next one).
    """
    if order not in COEFFICIENTS:
        raise ValueError(f"order must be one of {sorted(COEFFICIENTS)}, got {order!r}")
    out: list[tuple[int, complex, bool]] = []
    for _ in range(n_steps):
        seq = []
        for c in COEFFICIENTS[order]:
            seq += [(g, c / 2) for g in range(n_groups - 1)] + [(n_groups - 1, c)]
            seq += [(g, c / 2) for g in reversed(range(n_groups - 1))]
        for k, (g, tau) in enumerate(seq):
            end = k == len(seq) - 1
            if out and out[-1][0] == g:
                out[-1] = (g, out[-1][1] + tau, out[-1][2] or end)
            else:
                out.append((g, tau, end))
    return out
