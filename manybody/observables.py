r"""Observables of the fermion rings from mode occupations or same-momentum correlations.

Both forms feed the one :class:`~manybody.result.Result`: occupations
:math:`n_{k\nu}` reshaped to ``(L,)`` or ``(L, n_bands)`` (with any leading axes kept), the
ring-averaged current of Eq. (13)/(23) and its orbital parts, Eq. (24), from
:meth:`~manybody.models.FreeFermionRing.current_matrices`.
"""

from __future__ import annotations

import numpy as np

from .models.base import FreeFermionRing


def _shape(model: FreeFermionRing, x: np.ndarray) -> np.ndarray:
    return x.reshape(x.shape[:-1] + ((model.L,) if model.n_bands == 1 else
                                     (model.L, model.n_bands)))


def from_occupations(model: FreeFermionRing, n: np.ndarray) -> dict:
    r"""Observables of a state diagonal in the modes; ``n`` has shape ``(..., M)``.

    :math:`I_s = \sum_{k\nu} w^s_{k\nu} n_{k\nu}` with
    :meth:`~manybody.models.FreeFermionRing.current_weights`.
    """
    parts = {s: n @ w.reshape(-1) for s, w in model.current_weights().items()}
    return _assemble(model, _shape(model, n), parts)


def from_correlations(model: FreeFermionRing, C: np.ndarray) -> dict:
    r"""Observables from :math:`C_{k,\nu\mu} = \langle\eta^\dagger_{k\nu}\eta_{k\mu}\rangle`,
    shape ``(L, n_bands, n_bands)``: :math:`I_s = \sum_k \mathrm{Tr}[V_s(k) C(k)^T]`."""
    parts = {s: float(np.real(np.sum(V * np.swapaxes(C, 1, 2))))
             for s, V in model.current_matrices().items()}
    n = np.real(np.diagonal(C, axis1=1, axis2=2)).reshape(-1)
    return _assemble(model, _shape(model, n), parts)


def _assemble(model: FreeFermionRing, occupations: np.ndarray, parts: dict) -> dict:
    """The fields of :class:`~manybody.result.Result` (scalars as Python floats)."""
    parts = {s: float(v) if np.ndim(v) == 0 else v for s, v in parts.items()}
    energies = model.modes.energies
    return {
        "occupations": occupations,
        "energies": energies[:, 0] if model.n_bands == 1 else energies,
        "current": sum(parts.values()),  # a float, or an array over times
        "spin_currents": parts if model.n_bands > 1 else {},
    }
