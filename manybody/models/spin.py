r"""Spin-1/2 chains and rings whose Hamiltonian and jumps are sums of few-site products.

Conventions: :math:`|{\uparrow}\rangle` is local basis state 0 and :math:`|{\downarrow}\rangle`
state 1 (QuTiP's), :math:`\sigma^z = \mathrm{diag}(1, -1)`, :math:`\sigma^+ =
|{\uparrow}\rangle\langle{\downarrow}|`, :math:`\sigma^- = |{\downarrow}\rangle\langle{\uparrow}|`,
:math:`n = \sigma^+\sigma^- = |{\uparrow}\rangle\langle{\uparrow}|`. Sites are j = 0..L-1 and the
many-body basis is QuTiP's tensor order: site 0 is the most significant bit of the state
index, bit value 1 meaning down.

A term is a product ``(coefficient, ((op, site), ...))`` of single-site operators from
:data:`OPS`; an operator (a Hamiltonian, a jump) is a list of terms. One model object gives
the sparse many-body matrices (exact diagonalization) and, per bond, the local matrices
(tensor networks).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cached_property

import numpy as np
from scipy import sparse

from .. import _validate

OPS: dict[str, np.ndarray] = {
    "id": np.eye(2, dtype=complex),
    "sz": np.diag([1.0, -1.0]).astype(complex),
    "sx": np.array([[0, 1], [1, 0]], dtype=complex),
    "sy": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "sp": np.array([[0, 1], [0, 0]], dtype=complex),
    "sm": np.array([[0, 0], [1, 0]], dtype=complex),
    "n": np.array([[1, 0], [0, 0]], dtype=complex),
}
ODD = {"sx", "sy", "sp", "sm"}  # flip the spin: odd under the parity prod_j sigma^z_j

Term = tuple[complex, tuple[tuple[str, int], ...]]
Operator = list[Term]

MAX_ED_SITES = 14  # 2^14 states; the Liouvillian of a ring of 14 has 2.7e8 entries


def _apply(term: Term, L: int) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, amplitudes)`` of a product term on every basis state (one row per column)."""
    states = np.arange(2**L)
    amp = np.full(states.size, complex(term[0]))
    rows = states.copy()
    for name, site in term[1]:
        op, shift = OPS[name], L - 1 - site
        bit = (rows >> shift) & 1
        new = np.argmax(np.abs(op[:, bit]) > 0, axis=0)  # monomial: one entry per column
        amp = amp * op[new, bit]
        rows = rows ^ ((bit ^ new) << shift)
    return rows, amp


def to_sparse(operator: Operator, L: int) -> sparse.csr_matrix:
    """Many-body matrix :math:`\\sum_t c_t \\prod_{(o, j)\\in t} o_j` of dimension 2^L."""
    if L > MAX_ED_SITES:
        raise ValueError(f"L must be at most {MAX_ED_SITES} for a many-body matrix, got {L}")
    dim = 2**L
    rows, cols, vals = [], [], []
    for term in operator:
        r, a = _apply(term, L)
        keep = a != 0
        rows.append(r[keep])
        cols.append(np.arange(dim)[keep])
        vals.append(a[keep])
    if not rows:
        return sparse.csr_matrix((dim, dim), dtype=complex)
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(dim, dim))


def local_matrix(operator: Operator, sites: tuple[int, ...]) -> np.ndarray:
    """Dense matrix of ``operator`` on ``sites`` (in that order), for terms supported there."""
    index = {j: i for i, j in enumerate(sites)}
    out = np.zeros((2 ** len(sites),) * 2, dtype=complex)
    for coef, factors in operator:
        mats = [OPS["id"]] * len(sites)
        for name, j in factors:
            if j not in index:
                raise ValueError(f"term on site {j} is not supported by sites {sites}")
            mats[index[j]] = OPS[name] @ mats[index[j]]
        m = np.ones((1, 1), dtype=complex)
        for x in mats:
            m = np.kron(m, x)
        out += coef * m
    return out


def lindblad_superoperator(H: np.ndarray, jumps: list[np.ndarray]) -> np.ndarray:
    r"""Row-major vectorized Lindblad generator of ``H`` and ``jumps``,
    :math:`\mathrm{vec}(A\rho B) = (A\otimes B^T)\,\mathrm{vec}\rho`.

    Parameters
    ----------
    H : ndarray, shape (d, d)
        Hamiltonian.
    jumps : list of ndarray, shape (d, d)
        Jump operators :math:`L_m` (rates included).

    Returns
    -------
    ndarray, shape (d^2, d^2)
        :math:`\mathcal L` acting on :math:`\mathrm{vec}(\rho)_{(s, s')} = \rho_{ss'}`.
    """
    one = np.eye(H.shape[0])
    out = -1j * (np.kron(H, one) - np.kron(one, H.T))
    for Lm in jumps:
        LdL = Lm.conj().T @ Lm
        out += np.kron(Lm, Lm.conj()) - 0.5 * np.kron(LdL, one) - 0.5 * np.kron(one, LdL.T)
    return out


class SpinChain(ABC):
    """Base class: L spins on a ring (``boundary="periodic"``) or an open chain.

    Subclasses give :meth:`hamiltonian_terms`, :meth:`jump_operators` and the bond currents
    :meth:`current_terms`, name in :attr:`PROFILE_PARTS` the currents whose sum is the
    reported ``current_profile``, and say whether the Liouvillian is symmetric under the
    reflection j -> L-1-j.
    """

    name: str = ""
    PROFILE_PARTS: tuple[str, ...] = ()

    def __init__(self, L: int, boundary: str) -> None:
        self.L = _validate.integer("L", L, 2)
        if boundary not in ("periodic", "open"):
            raise ValueError(f"boundary must be 'periodic' or 'open', got {boundary!r}")
        self.boundary = boundary

    @property
    def periodic(self) -> bool:
        return self.boundary == "periodic"

    @property
    def bonds(self) -> list[tuple[int, int]]:
        """Nearest-neighbour bonds (j, j+1), with (L-1, 0) closing a ring, in bond order."""
        n = self.L if self.periodic else self.L - 1
        return [(j, (j + 1) % self.L) for j in range(n)]

    @abstractmethod
    def hamiltonian_terms(self) -> Operator:
        """H as a list of product terms."""

    @abstractmethod
    def jump_operators(self) -> list[Operator]:
        """Every Lindblad jump operator (rates inside), each a list of product terms."""

    @abstractmethod
    def current_terms(self, bond: tuple[int, int]) -> dict[str, Operator]:
        """The bond currents on ``bond`` = (a, b) as operators, keyed by name; positive means
        flowing from site a to site b (from j to j+1 on an open chain)."""

    @property
    @abstractmethod
    def reflection_symmetric(self) -> bool:
        """Whether the Liouvillian commutes with the site reflection j -> L-1-j."""

    @abstractmethod
    def params(self) -> dict:
        """Constructor parameters, JSON-ready."""

    @property
    def translation_symmetric(self) -> bool:
        """Rings with site-independent terms commute with the translation j -> j+1."""
        return self.periodic

    @cached_property
    def parity_symmetric(self) -> bool:
        r"""Whether the Liouvillian commutes with :math:`P\cdot P`, :math:`P = \prod_j\sigma^z_j`:
        H even and every jump of definite parity (then the steady state is even)."""

        def parity(term):
            return sum(name in ODD for name, _ in term[1]) % 2

        even_h = all(parity(t) == 0 for t in self.hamiltonian_terms())
        definite = all(len({parity(t) for t in jump}) <= 1 for jump in self.jump_operators())
        return even_h and definite

    def hamiltonian(self) -> sparse.csr_matrix:
        return to_sparse(self.hamiltonian_terms(), self.L)

    def jumps(self) -> list[sparse.csr_matrix]:
        return [to_sparse(j, self.L) for j in self.jump_operators()]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"
