r"""Second-order TEBD for vectorized density matrices of open chains.

With :math:`\mathcal L = \sum_b\mathcal L_b` split into even (b = 0, 2, ...) and odd bonds,
whose pieces commute within each group, one step of the Strang splitting is

.. math:: e^{dt\mathcal L} = e^{\frac{dt}2\mathcal L_e}\, e^{dt\mathcal L_o}\,
          e^{\frac{dt}2\mathcal L_e} + O(dt^3),

each factor a product of non-unitary two-site gates :math:`G_b = e^{\tau\mathcal L_b}`
(16x16, :func:`scipy.linalg.expm`). After a gate the two-site tensor is split by an SVD,
keeping at most ``max_bond`` singular values and dropping the smallest ones while their summed
squared weight, relative to the total, stays at most ``cutoff``; the dropped relative weight
is accumulated as the discarded weight. Gates preserve the trace exactly, so the trace moves
only through truncation; it is reset to one after every step and the largest correction
:math:`|\mathrm{Tr}\rho - 1|` is recorded. The sweep keeps the orthogonality centre on the
gate (QR moves between gates), so each truncation is optimal in the 2-norm of vec(ρ).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm

from .state import log_trace


class TEBD:
    """Evolve MPS arrays ``(left, 4, right)`` under bond generators with a Strang splitting.

    Parameters
    ----------
    arrays : list of ndarray
        Initial state (copied), e.g. :func:`mpo.state.to_arrays` of a product state.
    generators : list of ndarray, shape (16, 16)
        :math:`\\mathcal L_b`, b = 0..L-2 (:func:`mpo.superop.bond_generators`).
    dt : float
        Time step.
    max_bond : int
        Largest bond dimension kept.
    cutoff : float
        Largest relative squared weight dropped per SVD.
    """

    def __init__(self, arrays: list[np.ndarray], generators: list[np.ndarray], dt: float,
                 max_bond: int, cutoff: float) -> None:
        if len(generators) != len(arrays) - 1:
            raise ValueError(f"{len(arrays)} sites need {len(arrays) - 1} bond generators, "
                             f"got {len(generators)}")
        if not dt > 0:
            raise ValueError(f"dt must be positive, got {dt}")
        if max_bond < 1:
            raise ValueError(f"max_bond must be >= 1, got {max_bond}")
        if not 0 <= cutoff < 1:
            raise ValueError(f"cutoff must lie in [0, 1), got {cutoff}")
        self.arrays = [np.array(a, dtype=complex) for a in arrays]
        self.generators = generators
        self.max_bond, self.cutoff = int(max_bond), float(cutoff)
        self.center = 0
        self._move_center(len(arrays) - 1)
        self._move_center(0)
        self.set_dt(dt)
        self.time = 0.0
        self.steps = 0
        self.discarded_weight = 0.0
        self.trace_correction = 0.0

    def set_dt(self, dt: float) -> None:
        """Change the time step (recomputes the gates)."""
        self.dt = float(dt)
        nb = len(self.generators)
        self.half = [(b, expm(0.5 * dt * self.generators[b])) for b in range(0, nb, 2)]
        self.full = [(b, expm(dt * self.generators[b])) for b in range(0, nb, 2)]
        self.odd = [(b, expm(dt * self.generators[b])) for b in range(1, nb, 2)]

    def _move_center(self, target: int) -> None:
        A = self.arrays
        while self.center < target:
            j = self.center
            nl, p, r = A[j].shape
            q, rr = np.linalg.qr(A[j].reshape(nl * p, r))
            A[j] = q.reshape(nl, p, -1)
            A[j + 1] = np.tensordot(rr, A[j + 1], axes=(1, 0))
            self.center += 1
        while self.center > target:
            j = self.center
            nl, p, r = A[j].shape
            q, rr = np.linalg.qr(A[j].reshape(nl, p * r).T)
            A[j] = q.T.reshape(-1, p, r)
            A[j - 1] = np.tensordot(A[j - 1], rr.T, axes=(2, 0))
            self.center -= 1

    def _apply(self, b: int, gate: np.ndarray, rightwards: bool) -> None:
        A = self.arrays
        self._move_center(b if rightwards else b + 1)
        nl, r = A[b].shape[0], A[b + 1].shape[2]
        theta = np.tensordot(A[b], A[b + 1], axes=(2, 0)).reshape(nl, 16, r)
        theta = np.einsum("qp,lpr->lqr", gate, theta).reshape(nl * 4, 4 * r)
        u, s, vh = np.linalg.svd(theta, full_matrices=False)
        w = s**2
        total = w.sum()
        if not np.isfinite(total) or total == 0:
            raise FloatingPointError(f"TEBD gate on bond {b} produced a state of norm {total}")
        tail = np.cumsum(w[::-1])[::-1] / total  # tail[k]: relative weight of s[k:]
        keep = min(self.max_bond, int(np.sum(tail > self.cutoff)))
        keep = max(keep, 1)
        self.discarded_weight += float(tail[keep]) if keep < s.size else 0.0
        u, s, vh = u[:, :keep], s[:keep], vh[:keep]
        if rightwards:
            A[b], A[b + 1] = u.reshape(nl, 4, keep), (s[:, None] * vh).reshape(keep, 4, r)
            self.center = b + 1
        else:
            A[b], A[b + 1] = (u * s).reshape(nl, 4, keep), vh.reshape(keep, 4, r)
            self.center = b

    def _layer(self, gates: list[tuple[int, np.ndarray]], rightwards: bool) -> None:
        for b, gate in (gates if rightwards else gates[::-1]):
            self._apply(b, gate, rightwards)

    def evolve(self, n_steps: int) -> None:
        """``n_steps`` Strang steps :math:`(e^{\\frac{dt}2\\mathcal L_e}e^{dt\\mathcal L_o}
        e^{\\frac{dt}2\\mathcal L_e})^n`, with the adjacent even half steps merged into
        :math:`e^{dt\\mathcal L_e}`; the trace is reset to one after every odd layer and the
        following even layer."""
        if n_steps < 1:
            raise ValueError(f"n_steps must be >= 1, got {n_steps}")
        self._layer(self.half, rightwards=True)
        for k in range(n_steps):
            self._layer(self.odd, rightwards=False)
            self._layer(self.full if k < n_steps - 1 else self.half, rightwards=True)
            self._normalize()
            self.time += self.dt
            self.steps += 1

    def _normalize(self) -> None:
        phase, log = log_trace(self.arrays)
        value = phase * np.exp(log)
        if not np.isfinite(value) or abs(value) == 0:
            raise FloatingPointError(f"trace of the evolved state is {value}")
        self.trace_correction = max(self.trace_correction, abs(value - 1.0))
        self.arrays[self.center] = self.arrays[self.center] / value
