r"""Your own spin-1/2 chain: a Lindbladian from local terms, for every solver of the package.

:class:`TermChain` repeats a bond Hamiltonian :math:`h_{01}` on every bond (j, j+1) (the
closing bond (L-1, 0) of a ring too), a site Hamiltonian :math:`h_0` on every site, bond and
site jumps likewise, and, on an open chain, jumps on its first and last site (boundary
driving):

.. math::
   \dot\rho = -i\Big[\sum_j h_{j,j+1} + \sum_j h_j, \rho\Big]
   + \sum_j\Big(\sum_{F} D[F_{j,j+1}] + \sum_{G} D[G_j]\Big)\rho
   + \sum_{E\in\text{left}} D[E_0]\rho + \sum_{E\in\text{right}} D[E_{L-1}]\rho,

every piece written in the term format of :mod:`manybody.models.spin` on sites 0 and 1 (bond
pieces) or site 0 (site and edge pieces), e.g. the XXZ bond
``[(J, (("sx", 0), ("sx", 1))), (J, (("sy", 0), ("sy", 1))), (Delta, (("sz", 0), ("sz", 1)))]``.
The model then works with exact diagonalization (:func:`manybody.ed.steady_state`, using the
translation and reflection symmetries it has: translation on a ring, reflection if the bond
piece of the Liouvillian is symmetric under swapping its two sites and the two edges carry
the same dissipator), the MPO solvers (:mod:`mpo`) and, on a ring, cluster mean field
(:func:`manybody.cmf.steady_state`).

Current. Unless given, the bond current is the magnetization current of the Hamiltonian,
:math:`I_{j\to j+1} = i[h_{j,j+1}, \sigma^z_{j+1}]` (``"J"``), positive from j to j+1: with
:math:`h_{01}` conserving :math:`\sigma^z_0 + \sigma^z_1` (checked; else pass ``currents``)
the continuity equation :math:`\dot\sigma^z_j = I_{j-1\to j} - I_{j\to j+1} + \ldots` holds,
the dots being the jumps' contribution. It is expanded in Pauli products (:func:`pauli_terms`).
"""

from __future__ import annotations

from itertools import product

import numpy as np

from .base import complex_param
from .spin import ODD, OPS, Operator, SpinChain, lindblad_superoperator, local_matrix

PAULI = ("id", "sx", "sy", "sz")


def pauli_terms(matrix: np.ndarray, sites: tuple[int, ...], tol: float = 1e-14) -> Operator:
    r"""The terms :math:`\sum c_{a\ldots}\,\sigma^a\otimes\cdots` of a dense matrix on
    ``sites``, :math:`c = \mathrm{Tr}[(\sigma^a\otimes\cdots)M]/2^n` (entries below ``tol``
    times the largest dropped)."""
    n = len(sites)
    matrix = np.asarray(matrix, dtype=complex)
    if matrix.shape != (2**n, 2**n):
        raise ValueError(f"matrix must be {2**n} x {2**n} for sites {sites}, got {matrix.shape}")
    out, scale = [], np.abs(matrix).max()
    for names in product(PAULI, repeat=n):
        P = np.ones((1, 1))
        for name in names:
            P = np.kron(P, OPS[name])
        c = np.trace(P @ matrix) / 2**n
        if abs(c) > tol * scale:
            factors = tuple((a, j) for a, j in zip(names, sites, strict=True) if a != "id")
            out.append((complex(c), factors or (("id", sites[0]),)))
    return out


def _shifted(op: Operator, j: int, L: int) -> Operator:
    return [(c, tuple((name, (site + j) % L) for name, site in f)) for c, f in op]


def _checked(name: str, op, sites: set[int]) -> Operator:
    """An operator in the term format on ``sites`` only (ValueError naming ``name``)."""
    try:
        terms = [(complex(c), tuple((str(o), int(s)) for o, s in f)) for c, f in op]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of terms (coefficient, ((op, site), ...)), "
                         f"got {op!r}") from None
    for c, f in terms:
        bad = [(o, s) for o, s in f if o not in OPS or s not in sites]
        if bad:
            raise ValueError(f"{name}: factor(s) {bad} of term {(c, f)} must name an operator of "
                             f"{sorted(OPS)} on site(s) {sorted(sites)}")
    return terms


def _serial(op: Operator) -> list:
    return [[complex_param(c), [list(x) for x in f]] for c, f in op]


class TermChain(SpinChain):
    """A spin-1/2 chain or ring given by its local terms (module docstring).

    Parameters
    ----------
    L : int
        Number of spins, >= 2 (>= 3 on a ring).
    bond : list of terms
        :math:`h_{01}`, on sites 0 and 1 (repeated on every bond).
    site : list of terms
        :math:`h_0`, on site 0 (repeated on every site).
    bond_jumps, site_jumps : list of operators
        Jumps on sites (0, 1) and on site 0, each repeated on every bond / site.
    left_jumps, right_jumps : list of operators
        Open chains: jumps on the first and on the last site, written on site 0.
    currents : dict or None
        Bond currents ``{name: operator on (0, 1)}``, positive from 0 to 1; default the
        magnetization current ``{"J": i[h_01, sz_1]}``. ``profile`` names those summed into the
        reported current (default: all).
    boundary : {"open", "periodic"}
    name : str
        A label for results and files.
    """

    def __init__(self, L: int, *, bond: Operator = (), site: Operator = (),
                 bond_jumps: tuple = (), site_jumps: tuple = (), left_jumps: tuple = (),
                 right_jumps: tuple = (), currents: dict | None = None,
                 profile: tuple[str, ...] | None = None, boundary: str = "open",
                 name: str = "term-chain") -> None:
        super().__init__(L, boundary)
        if self.periodic and L < 3:
            raise ValueError(f"L must be >= 3 on a ring (one bond per pair of sites), got {L}")
        if self.periodic and (left_jumps or right_jumps):
            raise ValueError("left_jumps / right_jumps need an open chain (boundary='open')")
        self.name = str(name)
        self.bond = _checked("bond", bond, {0, 1})
        self.site = _checked("site", site, {0})
        self.bond_jumps = [_checked("bond_jumps", F, {0, 1}) for F in bond_jumps]
        self.site_jumps = [_checked("site_jumps", G, {0}) for G in site_jumps]
        self.left_jumps = [_checked("left_jumps", E, {0}) for E in left_jumps]
        self.right_jumps = [_checked("right_jumps", E, {0}) for E in right_jumps]
        if not (self.bond or self.site):
            raise ValueError("the model needs a Hamiltonian: give bond and/or site terms")
        if currents is None:
            h = local_matrix(self.bond, (0, 1))
            z = local_matrix([(1.0, (("sz", 0),)), (1.0, (("sz", 1),))], (0, 1))
            if np.abs(h @ z - z @ h).max() > 1e-12 * max(1.0, np.abs(h).max()):
                raise ValueError("the bond Hamiltonian does not conserve sz_0 + sz_1, so the "
                                 "magnetization current is not defined: pass currents")
            sz1 = local_matrix([(1.0, (("sz", 1),))], (0, 1))
            currents = {"J": pauli_terms(1j * (h @ sz1 - sz1 @ h), (0, 1))}
        self.currents = {str(k): _checked(f"currents[{k!r}]", v, {0, 1})
                         for k, v in currents.items()}
        self.PROFILE_PARTS = tuple(self.currents) if profile is None else tuple(profile)
        unknown = set(self.PROFILE_PARTS) - set(self.currents)
        if unknown:
            raise ValueError(f"profile names {sorted(unknown)} not in currents "
                             f"{sorted(self.currents)}")

    local_ops = OPS
    odd_ops = ODD

    def hamiltonian_terms(self) -> Operator:
        L = self.L
        out = [t for a, _ in self.bonds for t in _shifted(self.bond, a, L)]
        return out + [t for j in range(L) for t in _shifted(self.site, j, L)]

    def jump_operators(self) -> list[Operator]:
        L = self.L
        out = [_shifted(F, a, L) for a, _ in self.bonds for F in self.bond_jumps]
        out += [_shifted(G, j, L) for j in range(L) for G in self.site_jumps]
        return out + self.left_jumps + [_shifted(E, L - 1, L) for E in self.right_jumps]

    def current_terms(self, bond: tuple[int, int]) -> dict[str, Operator]:
        a, b = bond
        if (a + 1) % self.L != b:
            raise ValueError(f"bond must be (j, j+1) or the closing (L-1, 0), got {bond}")
        return {k: _shifted(v, a, self.L) for k, v in self.currents.items()}

    @property
    def reflection_symmetric(self) -> bool:
        """The bond piece of the Liouvillian invariant under swapping its two sites, and (open
        chains) the left and right edges carrying the same dissipator."""
        def superop(h, jumps, sites):
            return lindblad_superoperator(local_matrix(h, sites) if h else
                                          np.zeros((2 ** len(sites),) * 2),
                                          [local_matrix(J, sites) for J in jumps])

        bond = superop(self.bond, self.bond_jumps, (0, 1))
        swapped = superop(self.bond, self.bond_jumps, (1, 0))
        edges = np.allclose(superop([], self.left_jumps, (0,)),
                            superop([], self.right_jumps, (0,)), atol=1e-14)
        return bool(np.allclose(bond, swapped, atol=1e-14) and edges)

    def params(self) -> dict:
        return {"L": self.L, "boundary": self.boundary, "name": self.name,
                "bond": _serial(self.bond), "site": _serial(self.site),
                "bond_jumps": [_serial(F) for F in self.bond_jumps],
                "site_jumps": [_serial(G) for G in self.site_jumps],
                "left_jumps": [_serial(E) for E in self.left_jumps],
                "right_jumps": [_serial(E) for E in self.right_jumps],
                "currents": {k: _serial(v) for k, v in self.currents.items()},
                "profile": list(self.PROFILE_PARTS)}
