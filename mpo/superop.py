r"""Local Liouvillian pieces of a product chain as superoperators on vectorized density matrices.

Vectorization is row-major, :math:`\mathrm{vec}(\rho)_{(s, s')} = \rho_{s s'}`, so that

.. math:: \mathrm{vec}(A\rho B) = (A\otimes B^T)\,\mathrm{vec}(\rho),

and the Lindblad generator
:math:`\mathcal L\rho = -i[H,\rho] + \sum_m (L_m\rho L_m^\dagger - \tfrac12\{L_m^\dagger L_m,
\rho\})` is the matrix

.. math:: \mathcal L = -i(H\otimes 1 - 1\otimes H^T) + \sum_m \big(L_m\otimes L_m^*
          - \tfrac12 L_m^\dagger L_m\otimes 1 - \tfrac12 1\otimes (L_m^\dagger L_m)^T\big).

The Liouvillian is split as :math:`\mathcal L = \sum_b\mathcal L_b` with one piece per bond of
:attr:`~manybody.models.ProductChain.bonds`: b = (b, b+1) for b = 0..L-2, and on a ring also
b = L-1 = (L-1, 0), the closing bond. Every piece is itself a Lindblad generator (trace
preserving). Two-site Hamiltonian terms and jumps supported on a bond go to that bond. A
one-site Hamiltonian term or one-site jump on site j is split evenly between the bonds that
contain j (weight 1/2 in the bulk and on a ring, 1 at an open chain's ends), so
:math:`\sum_b \mathcal L_b = \mathcal L` with nothing counted twice. The local matrices are the
model's own (:meth:`~manybody.models.ProductChain.local_operator`, local dimension d = 2 for
spins, n_max + 1 for bosons). The piece of bond (a, c) is returned as a
:math:`d^4\times d^4` matrix in the MPS ordering of the vectorized state, sites in the bond's
order: row and column index :math:`(s_a s'_a, s_c s'_c)`, i.e. local dimension :math:`d^2` per
site with index :math:`ds + s'` (for the closing bond: site L-1 first, then site 0).
"""

from __future__ import annotations

import numpy as np

from manybody import _validate
from manybody.models.spin import Operator, ProductChain, lindblad_superoperator


def _support(terms: Operator) -> tuple[int, ...]:
    return tuple(sorted({site for _, factors in terms for _, site in factors}))


def _bond_of(support: tuple[int, ...], model: ProductChain, what: str) -> int | None:
    """Bond index of a two-site support (b for (b, b+1), L-1 for a ring's (L-1, 0)), None for
    one site; ValueError otherwise."""
    if len(support) == 1:
        return None
    if len(support) == 2 and support[1] == support[0] + 1:
        return support[0]
    if model.periodic and support == (0, model.L - 1):
        return model.L - 1
    raise ValueError(f"{what} of {model!r} acts on sites {support}, not on one site or one "
                     "nearest-neighbour bond (j, j+1); the MPO engine supports "
                     "nearest-neighbour models only (e.g. dissipation_range=1)")


def _site_weights(site: int, model: ProductChain) -> list[tuple[int, float]]:
    """Bonds sharing a one-site term on ``site`` and their weights (summing to 1)."""
    L = model.L
    if model.periodic:
        return [((site - 1) % L, 0.5), (site, 0.5)]
    bonds = [b for b in (site - 1, site) if 0 <= b <= L - 2]
    return [(b, 1.0 / len(bonds)) for b in bonds]


def _to_mps_order(superop: np.ndarray, d: int) -> np.ndarray:
    """Reorder a two-site superoperator from (s_a s_b, s'_a s'_b) to (s_a s'_a, s_b s'_b)."""
    t = superop.reshape((d,) * 8)  # out: sa sb sa' sb' ; in: same
    return t.transpose(0, 2, 1, 3, 4, 6, 5, 7).reshape(d**4, d**4)


def bond_generators(model: ProductChain) -> list[np.ndarray]:
    r"""The pieces :math:`\mathcal L_b` of a chain's or ring's Liouvillian, one per bond.

    Parameters
    ----------
    model : ProductChain
        An open chain or a ring (L >= 3) of local dimension d whose Hamiltonian terms act on
        one site or on a nearest-neighbour bond and whose jumps are supported on one site or
        one bond.

    Returns
    -------
    list of ndarray, shape (d^4, d^4)
        :math:`\mathcal L_b` for the bonds b of ``model.bonds`` (L-1 of an open chain, L of a
        ring) in MPS ordering (module docstring), with :math:`\sum_b \mathcal L_b = \mathcal L`.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`~manybody.models.ProductChain`.
    ValueError
        For a ring of L < 3 or a term beyond nearest neighbours (naming the model).
    """
    _validate.instance("model", model, ProductChain)
    L = model.L
    if model.periodic and L < 3:
        raise ValueError(f"a periodic model needs L >= 3 for the MPO engine, got L={L} "
                         f"({model!r})")
    bonds = model.bonds
    nb = len(bonds)
    ham: list[Operator] = [[] for _ in range(nb)]
    jumps: list[list[tuple[Operator, float]]] = [[] for _ in range(nb)]
    for term in model.hamiltonian_terms():
        support = _support([term])
        bond = _bond_of(support, model, f"Hamiltonian term {term}")
        if bond is None:
            for b, w in _site_weights(support[0], model):
                ham[b].append((w * term[0], term[1]))
        else:
            ham[bond].append(term)
    for k, jump in enumerate(model.jump_operators()):
        support = _support(jump)
        bond = _bond_of(support, model, f"jump operator {k}")
        if bond is None:
            for b, w in _site_weights(support[0], model):
                jumps[b].append((jump, w))
        else:
            jumps[bond].append((jump, 1.0))
    out = []
    for b, sites in enumerate(bonds):
        H = model.local_operator(ham[b], sites)
        Ls = [np.sqrt(w) * model.local_operator(jump, sites) for jump, w in jumps[b]]
        out.append(_to_mps_order(lindblad_superoperator(H, Ls), model.local_dim))
    return out
