r"""Local Liouvillian pieces of a spin-1/2 chain as superoperators on vectorized density matrices.

Vectorization is row-major, :math:`\mathrm{vec}(\rho)_{(s, s')} = \rho_{s s'}`, so that

.. math:: \mathrm{vec}(A\rho B) = (A\otimes B^T)\,\mathrm{vec}(\rho),

and the Lindblad generator
:math:`\mathcal L\rho = -i[H,\rho] + \sum_m (L_m\rho L_m^\dagger - \tfrac12\{L_m^\dagger L_m,
\rho\})` is the matrix

.. math:: \mathcal L = -i(H\otimes 1 - 1\otimes H^T) + \sum_m \big(L_m\otimes L_m^*
          - \tfrac12 L_m^\dagger L_m\otimes 1 - \tfrac12 1\otimes (L_m^\dagger L_m)^T\big).

On an open chain :math:`\mathcal L = \sum_{b=0}^{L-2}\mathcal L_b` with one piece per bond
b = (b, b+1); every piece is itself a Lindblad generator (trace preserving). Two-site
Hamiltonian terms and jumps supported on (b, b+1) go to bond b. A one-site Hamiltonian term or
one-site jump on site j is split evenly between the bonds that contain j (weight 1/2 in the
bulk, 1 at the chain's ends), so :math:`\sum_b \mathcal L_b = \mathcal L` with nothing counted
twice. Each piece is returned as a 16x16 matrix in the MPS ordering of the vectorized state:
row and column index :math:`(s_b s'_b, s_{b+1} s'_{b+1})`, i.e. local dimension 4 per site
with index :math:`2s + s'`.
"""

from __future__ import annotations

import numpy as np

from manybody.models.spin import Operator, SpinChain, lindblad_superoperator, local_matrix


def _support(terms: Operator) -> tuple[int, ...]:
    return tuple(sorted({site for _, factors in terms for _, site in factors}))


def _bond_of(support: tuple[int, ...], what: str) -> int | None:
    """Bond index of a two-site support, None for one site; ValueError otherwise."""
    if len(support) == 1:
        return None
    if len(support) == 2 and support[1] == support[0] + 1:
        return support[0]
    raise ValueError(f"{what} acts on sites {support}, not on one site or one nearest-neighbour "
                     "bond (j, j+1); the MPO engine supports nearest-neighbour models only "
                     "(e.g. dissipation_range=1)")


def _site_weights(site: int, L: int) -> list[tuple[int, float]]:
    """Bonds sharing a one-site term on ``site`` and their weights (summing to 1)."""
    bonds = [b for b in (site - 1, site) if 0 <= b <= L - 2]
    return [(b, 1.0 / len(bonds)) for b in bonds]


def _to_mps_order(superop: np.ndarray) -> np.ndarray:
    """Reorder a two-site superoperator from (s_a s_b, s'_a s'_b) to (s_a s'_a, s_b s'_b)."""
    t = superop.reshape((2,) * 8)  # out: sa sb sa' sb' ; in: same
    return t.transpose(0, 2, 1, 3, 4, 6, 5, 7).reshape(16, 16)


def bond_generators(model: SpinChain) -> list[np.ndarray]:
    r"""The pieces :math:`\mathcal L_b` of an open chain's Liouvillian, one per bond.

    Parameters
    ----------
    model : SpinChain
        An open chain (``boundary="open"``) whose Hamiltonian terms act on one site or on a
        nearest-neighbour bond and whose jumps are supported on one site or one bond.

    Returns
    -------
    list of ndarray, shape (16, 16)
        :math:`\mathcal L_b` for b = 0..L-2 in MPS ordering (module docstring), with
        :math:`\sum_b \mathcal L_b = \mathcal L`.

    Raises
    ------
    ValueError
        For a periodic model or a term beyond nearest neighbours.
    """
    if model.periodic:
        raise ValueError("boundary='periodic' is not supported by the MPO engine yet (the "
                         "closing bond needs swap gates); use boundary='open'")
    L = model.L
    nb = L - 1
    ham: list[Operator] = [[] for _ in range(nb)]
    jumps: list[list[tuple[Operator, float]]] = [[] for _ in range(nb)]
    for term in model.hamiltonian_terms():
        support = _support([term])
        bond = _bond_of(support, f"Hamiltonian term {term}")
        if bond is None:
            for b, w in _site_weights(support[0], L):
                ham[b].append((w * term[0], term[1]))
        else:
            ham[bond].append(term)
    for k, jump in enumerate(model.jump_operators()):
        support = _support(jump)
        bond = _bond_of(support, f"jump operator {k}")
        if bond is None:
            for b, w in _site_weights(support[0], L):
                jumps[b].append((jump, w))
        else:
            jumps[bond].append((jump, 1.0))
    out = []
    for b in range(nb):
        sites = (b, b + 1)
        H = local_matrix(ham[b], sites)
        Ls = [np.sqrt(w) * local_matrix(jump, sites) for jump, w in jumps[b]]
        out.append(_to_mps_order(lindblad_superoperator(H, Ls)))
    return out
