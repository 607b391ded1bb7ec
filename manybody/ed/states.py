r"""The exact steady states as :class:`~manybody.states.State` objects, in their reduced form.

:class:`ChainState` (spins, bosons): the coefficients of the symmetric orbit sums of
:mod:`manybody.ed.chain`, :math:`\rho_{ss'} = c_{o(s,s')}` with o the orbit of the pair under
the model's site symmetries (zero for a parity-odd pair when parity is used). An entry costs
:math:`|G|` look-ups, so :meth:`ChainState.expect` works at every size the solver reaches (a ring of
12 spins) without the 4096 x 4096 matrix.

:class:`FermionState`: the zero momentum-difference block vector of the fixed-N sector
(:class:`~manybody.ed.momentum.MomentumBlock`, column stacking within each total-momentum
group); :meth:`FermionState.to_dense` embeds it in the :math:`2^M` Fock space of the band
modes, mode a the a-th tensor factor with local state 1 = occupied (QuTiP's ``fdestroy``
convention, :mod:`manybody.ed.fock`).
"""

from __future__ import annotations

import numba
import numpy as np

from .. import models
from ..errors import SizeError
from ..models.spin import _apply
from ..states import FERMION_OPS, MAX_DENSE_DIM, State, check_terms
from .fock import FockSector, qutip_index
from .momentum import MomentumBlock
from .orbits import canonical, unpack_orbits


@numba.njit(cache=True)
def _entries(keys, coeffs, group, parity, use_parity, s, sp):
    """:math:`\\rho_{s_i s'_i}` for index arrays s, sp (orbit look-up)."""
    dim = group.shape[1]
    out = np.zeros(s.size, dtype=np.complex128)
    for i in range(s.size):
        if use_parity and (parity[s[i]] + parity[sp[i]]) % 2:
            continue
        key = canonical(group, dim, s[i], sp[i])
        k = np.searchsorted(keys, key)
        if k < keys.size and keys[k] == key:
            out[i] = coeffs[k]
    return out


class ChainState(State):
    """Steady state of a product chain in the symmetric orbit basis (module docstring).

    Attributes
    ----------
    keys, coeffs : ndarray
        Canonical pair keys :math:`s\\,d^L + s'` (sorted) and their coefficients.
    group : ndarray, shape (n_G, d^L)
        Basis permutations of the n_G elements of the symmetry group.
    state_parity : ndarray
        Parity (0, 1) of every basis state; used when ``use_parity``.
    local_ops : dict
        The model's local operators, by name (what :meth:`expect` terms may use).
    """

    kind = "chain-ed"

    def __init__(self, L: int, local_ops: dict, keys: np.ndarray, coeffs: np.ndarray,
                 group: np.ndarray, state_parity: np.ndarray, use_parity: bool) -> None:
        self.L, self.local_ops = int(L), {k: np.asarray(v) for k, v in local_ops.items()}
        self.keys = np.asarray(keys, dtype=np.int64)
        self.coeffs = np.asarray(coeffs, dtype=complex)
        self.group = np.asarray(group, dtype=np.int64)
        self.state_parity = np.asarray(state_parity, dtype=np.int64)
        self.use_parity = bool(use_parity)

    @classmethod
    def from_dense(cls, model: models.ProductChain, rho: np.ndarray) -> ChainState:
        """The state of a dense density matrix (no symmetry used)."""
        dim = rho.shape[0]
        return cls(model.L, model.local_ops, np.arange(dim * dim), rho.reshape(-1),
                   np.arange(dim)[None], np.zeros(dim), False)

    @property
    def dims(self) -> list[int]:
        return [self.local_ops["id"].shape[0]] * self.L

    def entries(self, s: np.ndarray, sp: np.ndarray) -> np.ndarray:
        """:math:`\\rho_{ss'}` for basis-index arrays ``s``, ``sp`` (base-d digits, site 0
        the most significant)."""
        return _entries(self.keys, self.coeffs, self.group, self.state_parity,
                        self.use_parity, np.asarray(s, dtype=np.int64),
                        np.asarray(sp, dtype=np.int64))

    def expect(self, operator: list) -> complex:
        r""":math:`\mathrm{Tr}(\rho O)/\mathrm{Tr}\rho = \sum_t\sum_s a_t(s)\,\rho_{s,r_t(s)}`
        with :math:`O_t|s\rangle = a_t(s)|r_t(s)\rangle` (every term a monomial)."""
        diag = np.arange(self.group.shape[1])
        total = 0j
        for term in check_terms(operator, self.local_ops, self.L):
            rows, amp = _apply(term, self.L, self.local_ops)
            keep = np.flatnonzero(amp)
            total += complex(np.sum(amp[keep] * self.entries(keep, rows[keep])))
        return total / complex(np.sum(self.entries(diag, diag)))

    def _dense(self) -> np.ndarray:
        return unpack_orbits(self.keys, self.coeffs, self.group, self.state_parity, self.use_parity)

    def to_dict(self) -> dict:
        return {"L": self.L, "local_ops": self.local_ops, "keys": self.keys,
                "coeffs": self.coeffs, "group": self.group, "state_parity": self.state_parity,
                "use_parity": self.use_parity}

    @classmethod
    def from_dict(cls, data: dict) -> ChainState:
        return cls(**data)


class FermionState(State):
    """Exact fermion steady state: the block vector of the N-particle sector.

    Attributes
    ----------
    n_modes, n_particles, n_momenta : int
        M = L n_b modes, N particles, L momenta (mode a has momentum index a // n_b).
    x : ndarray
        The block vector (:class:`~manybody.ed.momentum.MomentumBlock` order).
    """

    kind = "fermion-ed"

    def __init__(self, n_modes: int, n_particles: int, n_momenta: int, x: np.ndarray) -> None:
        self.n_modes, self.n_particles = int(n_modes), int(n_particles)
        self.n_momenta, self.x = int(n_momenta), np.asarray(x, dtype=complex)
        self.sector = FockSector(self.n_modes, self.n_particles, max_dim=10**6)
        n_bands = self.n_modes // self.n_momenta
        self.block = MomentumBlock(self.sector, np.arange(self.n_modes) // n_bands,
                                   self.n_momenta)
        if self.block.dim != self.x.size:
            raise ValueError(f"x has {self.x.size} entries, the block {self.block.dim}")

    @classmethod
    def from_sector_matrix(cls, model: models.FreeFermionRing, sector: FockSector,
                           rho: np.ndarray) -> FermionState:
        """The state of a dense sector density matrix (its zero momentum-difference block)."""
        n_bands = model.n_bands
        block = MomentumBlock(sector, np.arange(model.n_modes) // n_bands, model.L)
        s, sp = block.pairs()
        return cls(model.n_modes, sector.n_particles, model.L, rho[s, sp])

    @property
    def dims(self) -> list[int]:
        return [2] * self.n_modes

    def expect(self, operator: list) -> complex:
        r""":math:`\mathrm{Tr}(\rho O)/\mathrm{Tr}\rho` of fermion terms (``"cdag"``, ``"c"``
        on band modes; :mod:`manybody.states`); zero for a term that changes N."""
        total = 0j
        for coef, factors in check_terms(operator, FERMION_OPS, self.n_modes):
            total += coef * self.block.expectation(self.sector.product(factors), self.x)
        return total / complex(self.block.trace_row() @ self.x)

    def sector_matrix(self) -> np.ndarray:
        """The density matrix of the N-particle sector (basis ``sector.states``)."""
        if self.sector.dim > MAX_DENSE_DIM:
            raise SizeError(f"FermionState: the sector matrix would be {self.sector.dim} x "
                            f"{self.sector.dim} > MAX_DENSE_DIM={MAX_DENSE_DIM}")
        return self.block.unpack(self.x, self.sector.dim)

    def _dense(self) -> np.ndarray:
        M = self.n_modes
        idx = qutip_index(self.sector.states, M)
        out = np.zeros((2**M, 2**M), dtype=complex)
        out[np.ix_(idx, idx)] = self.sector_matrix()
        return out

    def to_dict(self) -> dict:
        return {"n_modes": self.n_modes, "n_particles": self.n_particles,
                "n_momenta": self.n_momenta, "x": self.x}

    @classmethod
    def from_dict(cls, data: dict) -> FermionState:
        return cls(**data)
