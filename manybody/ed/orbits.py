r"""Orbits of basis pairs under a product chain's symmetries (:mod:`manybody.ed.chain`).

Basis states are indices in base d, site j the digit L-1-j (:mod:`manybody.models.spin`);
a pair (s, s') has the key :math:`s\,d^L + s'` and its orbit is named by the smallest key
over the group (:func:`canonical`). The group is the table of basis permutations of the site
symmetries (translation on a ring, reflection); the parity of a basis state is its digit sum
mod 2.
"""

from __future__ import annotations

import numba
import numpy as np

from ..models.spin import ProductChain


def _digits(model: ProductChain) -> np.ndarray:
    """``(d^L, L)`` table: digit j of basis state s is the local state of site j."""
    L, d = model.L, model.local_dim
    return (np.arange(d**L)[:, None] // d ** (L - 1 - np.arange(L))) % d


def symmetry_group(model: ProductChain) -> np.ndarray:
    """``(|G|, d^L)`` table of the basis-state permutations of the model's site symmetries."""
    L = model.L
    digits = _digits(model)
    perms = [np.arange(L)]
    if model.translation_symmetric:
        perms = [(np.arange(L) - t) % L for t in range(L)]
    if model.reflection_symmetric:
        perms += [p[::-1] for p in perms]
    weights = model.local_dim ** (L - 1 - np.arange(L))
    return np.array([digits[:, p] @ weights for p in perms], dtype=np.int64)


def state_parity(model: ProductChain) -> np.ndarray:
    """Parity (0 even, 1 odd) of every basis state: its digit sum mod 2 (module docstring)."""
    return (_digits(model).sum(axis=1) % 2).astype(np.int64)


@numba.njit(cache=True)
def canonical(group, dim, s, sp):
    r"""Key of the orbit of the pair (s, s'): the smallest :math:`g(s)\,d^L + g(s')`."""
    best = -1
    for g in range(group.shape[0]):
        key = group[g, s] * dim + group[g, sp]
        if best < 0 or key < best:
            best = key
    return best


@numba.njit(cache=True)
def all_canonical(group, parity, use_parity):
    """Orbit key of every pair (of equal parity when ``use_parity``), row by row."""
    dim = group.shape[1]
    n_odd = parity.sum()
    pairs = (dim - n_odd) ** 2 + n_odd**2 if use_parity else dim * dim  # equal-parity pairs
    out = np.empty(pairs, dtype=np.int64)
    n = 0
    for s in range(dim):
        for sp in range(dim):
            if use_parity and (parity[s] + parity[sp]) % 2:
                continue
            out[n] = canonical(group, dim, s, sp)
            n += 1
    return out[:n]


@numba.njit(cache=True)
def unpack_orbits(keys, coeffs, group, parity, use_parity):
    """The dense density matrix of orbit coefficients (zero on parity-odd pairs)."""
    dim = group.shape[1]
    rho = np.zeros((dim, dim), dtype=np.complex128)
    for s in range(dim):
        for sp in range(dim):
            if use_parity and (parity[s] + parity[sp]) % 2:
                continue
            rho[s, sp] = coeffs[np.searchsorted(keys, canonical(group, dim, s, sp))]
    return rho
