r"""Fixed-particle-number Fock space of M fermionic modes and its quadratic operators.

Jordan-Wigner convention: a basis state is an M-bit integer s with bit a the occupation of
mode a, and :math:`|s\rangle = \prod_{a=0}^{M-1} (\eta^\dagger_a)^{s_a}|0\rangle` with the
product ordered by increasing a (leftmost a = 0). Then
:math:`\eta_a|s\rangle = (-1)^{\sum_{b<a} s_b}|s - e_a\rangle`, the sign of QuTiP's
``fdestroy`` (a test checks the two agree). Basis states are sorted by their integer value.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np
from scipy import sparse


def apply_product(states: np.ndarray, factors) -> tuple[np.ndarray, np.ndarray]:
    r"""A product of creation and annihilation operators on Fock states.

    Parameters
    ----------
    states : ndarray of int64
        Bit strings s (bit a = occupation of mode a).
    factors : sequence of (name, mode)
        ``"cdag"`` (:math:`\eta^\dagger_a`) or ``"c"`` (:math:`\eta_a`); the leftmost factor
        acts last, as in :math:`\eta^\dagger_0\eta_1|s\rangle`.

    Returns
    -------
    (images, signs)
        :math:`O|s\rangle = \mathrm{sign}\,|\mathrm{image}\rangle`, sign in {-1, 0, 1}
        (0 where a factor annihilates the state); Jordan-Wigner signs of the module docstring.
    """
    s = np.array(states, dtype=np.int64)
    sign = np.ones(s.size)
    for name, a in reversed(tuple(factors)):
        occupied = (s >> a) & 1 == 1
        sign *= np.where(occupied == (name == "c"), 1.0 - 2.0 * (np.bitwise_count(
            s & ((1 << a) - 1)) % 2), 0.0)
        s = s ^ (1 << a)
    return s, sign


def qutip_index(states: np.ndarray, n_modes: int) -> np.ndarray:
    """Index in QuTiP's tensor order of bit strings ``states``: bit a (mode a) becomes bit
    M-1-a, mode 0 the most significant factor (the space of ``qutip.fdestroy(M, a)``)."""
    shift = n_modes - 1 - np.arange(n_modes)
    return (((np.asarray(states)[:, None] >> np.arange(n_modes)) & 1) << shift).sum(axis=1)


def fock_matrix(terms, n_modes: int) -> sparse.csr_matrix:
    """Sparse matrix of fermion terms ``(coef, (("cdag", a), ("c", b), ...))`` in the whole
    :math:`2^M` Fock space, in QuTiP's tensor order: mode 0 the most significant bit of the
    index, bit value 1 = occupied (the space of ``qutip.fdestroy(M, a)``)."""
    if not 1 <= n_modes <= 20:
        raise ValueError(f"n_modes must lie in [1, 20] for the whole Fock space, got {n_modes}")
    states = np.arange(2**n_modes, dtype=np.int64)
    rows, cols, vals = [], [], []
    for coef, factors in terms:
        images, signs = apply_product(states, factors)
        keep = signs != 0
        rows.append(qutip_index(images[keep], n_modes))
        cols.append(qutip_index(states[keep], n_modes))
        vals.append(coef * signs[keep])
    return sparse.csr_matrix((np.concatenate(vals).astype(complex),
                              (np.concatenate(rows), np.concatenate(cols))),
                             shape=(2**n_modes,) * 2)


class FockSector:
    """The C(M, N)-dimensional sector of N particles in M modes.

    Parameters
    ----------
    n_modes : int
        M, at most 62 (states are stored as 64-bit integers).
    n_particles : int
        N with 0 <= N <= M.
    max_dim : int
        Refuse sectors larger than this before allocating anything.
    """

    def __init__(self, n_modes: int, n_particles: int, max_dim: int = 200_000) -> None:
        if not 1 <= n_modes <= 62:
            raise ValueError(f"n_modes must lie in [1, 62], got {n_modes}")
        if not 0 <= n_particles <= n_modes:
            raise ValueError(f"n_particles must lie in [0, {n_modes}], got {n_particles}")
        dim = comb(n_modes, n_particles)
        if dim > max_dim:
            raise ValueError(
                f"the N={n_particles} sector of {n_modes} modes has dimension {dim} > "
                f"max_dim={max_dim}; use a smaller L"
            )
        self.n_modes, self.n_particles, self.dim = n_modes, n_particles, dim
        self.states = np.array(
            sorted(sum(1 << a for a in occ) for occ in combinations(range(n_modes), n_particles)),
            dtype=np.int64,
        )
        self._hops: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def occupations(self) -> np.ndarray:
        """``(dim, M)`` array of the occupation numbers of every basis state."""
        return ((self.states[:, None] >> np.arange(self.n_modes)) & 1).astype(float)

    def _hop(self, a: int, b: int):
        r"""Nonzero entries (rows, cols, signs) of :math:`\eta^\dagger_a \eta_b` in this sector."""
        key = (a, b)
        if key not in self._hops:
            s = self.states
            has_b = (s >> b) & 1 == 1
            if a == b:
                cols = np.flatnonzero(has_b)
                self._hops[key] = (cols, cols, np.ones(cols.size))
            else:
                cols = np.flatnonzero(has_b & ((s >> a) & 1 == 0))
                mid = s[cols] ^ (1 << b)
                n_before = np.bitwise_count(s[cols] & ((1 << b) - 1)) + np.bitwise_count(
                    mid & ((1 << a) - 1)
                )
                rows = np.searchsorted(s, mid ^ (1 << a))
                self._hops[key] = (rows, cols, 1.0 - 2.0 * (n_before % 2))
        return self._hops[key]

    def expectation(self, a: int, b: int, rho: np.ndarray) -> complex:
        r""":math:`\mathrm{Tr}(\rho\,\eta^\dagger_a\eta_b)` for a dense density matrix ``rho``."""
        rows, cols, signs = self._hop(a, b)
        return complex(np.sum(signs * rho[cols, rows]))

    def product(self, factors) -> sparse.csr_matrix:
        """Many-body matrix of a product of ``"cdag"`` / ``"c"`` factors
        (:func:`apply_product`); its part leaving the sector is dropped (zero for a product
        with as many creators as annihilators)."""
        images, signs = apply_product(self.states, factors)
        rows = np.searchsorted(self.states, images).clip(max=self.dim - 1)
        keep = (signs != 0) & (self.states[rows] == images)
        return sparse.csr_matrix((signs[keep].astype(complex), (rows[keep],
                                                                 np.flatnonzero(keep))),
                                 shape=(self.dim, self.dim))

    def quadratic(self, matrix) -> sparse.csr_matrix:
        r"""Many-body matrix of :math:`\sum_{ab} M_{ab}\eta^\dagger_a\eta_b` (dense or sparse M)."""
        m = sparse.coo_matrix(matrix)
        rows, cols, vals = [], [], []
        for a, b, v in zip(m.row, m.col, m.data, strict=True):
            if v == 0:
                continue
            r, c, sg = self._hop(int(a), int(b))
            rows.append(r)
            cols.append(c)
            vals.append(v * sg)
        if not rows:
            return sparse.csr_matrix((self.dim, self.dim), dtype=complex)
        return sparse.csr_matrix(
            (np.concatenate(vals).astype(complex), (np.concatenate(rows), np.concatenate(cols))),
            shape=(self.dim, self.dim),
        )
