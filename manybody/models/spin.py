r"""Spin-1/2 chains and rings whose Hamiltonian and jumps are sums of few-site products.

Conventions: :math:`|{\uparrow}\rangle` is local basis state 0 and :math:`|{\downarrow}\rangle`
state 1 (QuTiP's), :math:`\sigma^z = \mathrm{diag}(1, -1)`, :math:`\sigma^+ =
|{\uparrow}\rangle\langle{\downarrow}|`, :math:`\sigma^- = |{\downarrow}\rangle\langle{\uparrow}|`,
:math:`n = \sigma^+\sigma^- = |{\uparrow}\rangle\langle{\uparrow}|`. Sites are j = 0..L-1 and the
many-body basis is QuTiP's tensor order: site 0 is the most significant bit of the state
index, bit value 1 meaning down.

A term is a product ``(coefficient, ((op, site), ...))`` of single-site operators in the
written order, the rightmost acting first (``(1, (("sp", 0), ("sm", 0)))`` is
:math:`\sigma^+_0\sigma^-_0 = n_0`), from a table of local operators (:data:`OPS` for spins;
every operator a monomial, one nonzero entry per column); an operator (a Hamiltonian, a jump)
is a list of terms. One model object gives the sparse many-body matrices (exact
diagonalization) and, per bond, the local matrices (tensor networks). :class:`ProductChain` is
that machinery for any local dimension d (the table's, e.g. d = n_max + 1 for truncated
bosons); :class:`SpinChain` is its d = 2 case. With d > 2, site j is digit L-1-j of the basis
index in base d.
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
LocalOps = dict[str, np.ndarray]

Term = tuple[complex, tuple[tuple[str, int], ...]]
Operator = list[Term]

MAX_ED_SITES = 14  # 2^14 states; the Liouvillian of a ring of 14 has 2.7e8 entries
MAX_ED_DIM = 2**MAX_ED_SITES  # the same bound on the many-body dimension d^L for any d


def max_sites(d: int) -> int:
    """The largest L with d^L <= :data:`MAX_ED_DIM` (14 for spins)."""
    L = 1
    while d ** (L + 1) <= MAX_ED_DIM:
        L += 1
    return L


def _apply(term: Term, L: int, ops: LocalOps) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, amplitudes)`` of a product term on every basis state (one row per column)."""
    d = ops["id"].shape[0]
    states = np.arange(d**L)
    amp = np.full(states.size, complex(term[0]))
    rows = states.copy()
    for name, site in reversed(term[1]):  # the rightmost factor acts first
        op, weight = ops[name], d ** (L - 1 - site)
        digit = (rows // weight) % d
        new = np.argmax(np.abs(op[:, digit]) > 0, axis=0)  # monomial: one entry per column
        amp = amp * op[new, digit]
        rows = rows + (new - digit) * weight
    return rows, amp


def to_sparse(operator: Operator, L: int, ops: LocalOps = OPS) -> sparse.csr_matrix:
    """Many-body matrix :math:`\\sum_t c_t \\prod_{(o, j)\\in t} o_j` of dimension d^L, the
    local operators :math:`o` from ``ops`` (d = its dimension; spins by default)."""
    d = ops["id"].shape[0]
    if L > max_sites(d):
        raise ValueError(f"L must be at most {max_sites(d)} for a many-body matrix of local "
                         f"dimension {d}, got {L}")
    dim = d**L
    rows, cols, vals = [], [], []
    for term in operator:
        r, a = _apply(term, L, ops)
        keep = a != 0
        rows.append(r[keep])
        cols.append(np.arange(dim)[keep])
        vals.append(a[keep])
    if not rows:
        return sparse.csr_matrix((dim, dim), dtype=complex)
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(dim, dim))


def local_matrix(operator: Operator, sites: tuple[int, ...], ops: LocalOps = OPS) -> np.ndarray:
    """Dense matrix of ``operator`` on ``sites`` (in that order), for terms supported there."""
    index = {j: i for i, j in enumerate(sites)}
    d = ops["id"].shape[0]
    out = np.zeros((d ** len(sites),) * 2, dtype=complex)
    for coef, factors in operator:
        mats = [ops["id"]] * len(sites)
        for name, j in reversed(factors):  # written order: the rightmost acts first
            if j not in index:
                raise ValueError(f"term on site {j} is not supported by sites {sites}")
            mats[index[j]] = ops[name] @ mats[index[j]]
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


class ProductChain(ABC):
    """Base class: L sites of local dimension d on a ring (``boundary="periodic"``) or an
    open chain, their operators products of the local operators :attr:`local_ops`.

    Subclasses give :attr:`local_ops` (with its parity-odd names :attr:`odd_ops`),
    :meth:`hamiltonian_terms`, :meth:`jump_operators` and the bond currents
    :meth:`current_terms`, name in :attr:`PROFILE_PARTS` the currents whose sum is the
    reported ``current_profile`` and in :attr:`SITE_OBSERVABLES` the local operators reported
    site by site, and say whether the Liouvillian is symmetric under the
    reflection j -> L-1-j.
    """

    name: str = ""
    PROFILE_PARTS: tuple[str, ...] = ()
    SITE_OBSERVABLES: dict[str, str] = {}  # reported name -> local operator, one value per site

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

    @property
    @abstractmethod
    def local_ops(self) -> LocalOps:
        """The table of local operators the terms name (``"id"`` among them)."""

    @property
    @abstractmethod
    def odd_ops(self) -> set[str]:
        """Names in :attr:`local_ops` odd under the site parity (spin flip, boson number)."""

    @property
    def local_dim(self) -> int:
        """Local dimension d."""
        return self.local_ops["id"].shape[0]

    @cached_property
    def parity_symmetric(self) -> bool:
        r"""Whether the Liouvillian commutes with :math:`P\cdot P`, P the global parity
        (:math:`\prod_j\sigma^z_j` for spins, :math:`(-1)^N` for bosons): H even and every
        jump of definite parity (then the steady state is even)."""

        def parity(term):
            return sum(name in self.odd_ops for name, _ in term[1]) % 2

        even_h = all(parity(t) == 0 for t in self.hamiltonian_terms())
        definite = all(len({parity(t) for t in jump}) <= 1 for jump in self.jump_operators())
        return even_h and definite

    def refined(self) -> ProductChain | None:
        """The same model one truncation level finer (bosons: ``n_max + 1``), or None for a
        model whose local space is not truncated (spins). The exact solver reports the change
        of its results as the truncation error."""
        return None

    def operator(self, terms: Operator) -> sparse.csr_matrix:
        """Sparse many-body matrix (dimension d^L) of ``terms``."""
        return to_sparse(terms, self.L, self.local_ops)

    def local_operator(self, terms: Operator, sites: tuple[int, ...]) -> np.ndarray:
        """Dense matrix of ``terms`` on ``sites`` (dimension d^len(sites))."""
        return local_matrix(terms, sites, self.local_ops)

    def hamiltonian(self) -> sparse.csr_matrix:
        return self.operator(self.hamiltonian_terms())

    def heisenberg(self, X: np.ndarray) -> np.ndarray:
        r"""The adjoint Lindbladian on an operator ``X`` (dense, :math:`d^L\times d^L`),
        :math:`\mathcal L^\dagger X = i[H, X] + \sum_m (L_m^\dagger X L_m
        - \tfrac12\{L_m^\dagger L_m, X\})`, so that
        :math:`\tfrac{d}{dt}\langle X\rangle = \langle\mathcal L^\dagger X\rangle`
        (continuity equations; small L)."""
        H = self.hamiltonian().toarray()
        out = 1j * (H @ X - X @ H)
        for Lm in self.jumps():
            Lm = Lm.toarray()
            Ld = Lm.conj().T
            out += Ld @ X @ Lm - 0.5 * (Ld @ Lm @ X + X @ Ld @ Lm)
        return out

    def jumps(self) -> list[sparse.csr_matrix]:
        return [self.operator(j) for j in self.jump_operators()]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


class SpinChain(ProductChain):
    """Base class: L spins-1/2 (d = 2, the operators of :data:`OPS`) on a ring or an open
    chain; what the spin solvers (symmetric ED, MPO, cluster mean field) take."""

    local_ops = OPS
    odd_ops = ODD
    SITE_OBSERVABLES = {"sz": "sz"}
