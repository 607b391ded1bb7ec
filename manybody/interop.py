r"""Every model's Lindblad equation as QuTiP objects: :func:`hamiltonian`,
:func:`jump_operators`, :func:`liouvillian`.

Spin and boson chains (:class:`~manybody.models.ProductChain`): the full :math:`d^L` space with
``dims = [[d] * L, [d] * L]``, site 0 the first tensor factor, local state 0 = spin up (a full
boson site), as :mod:`manybody.models.spin`.

Fermion rings (:class:`~manybody.models.FreeFermionRing`): the band modes
:math:`\eta_{k_m\nu}`, mode :math:`a = m\,n_b + \nu`, in the :math:`2^M` Fock space with
``dims = [[2] * M, [2] * M]``: mode a is the a-th tensor factor, local state 1 = occupied, and
the Jordan-Wigner order is the mode order, :math:`\eta_a = \prod_{b<a}(-1)^{n_b}\,\sigma_a` —
exactly ``qutip.fdestroy(M, a)``, so ``qutip.fdestroy`` operators and these matrices can be
mixed. With ``filling`` the N = filling * M sector instead (basis
:attr:`~manybody.ed.FockSector.states`, one tensor factor), the space of :func:`manybody.ed`.
:math:`H = \sum_a \epsilon_a\eta^\dagger_a\eta_a` and the jumps
:math:`L_m = \sum_{ab}(M_m)_{ab}\eta^\dagger_a\eta_b` of
:meth:`~manybody.models.FreeFermionRing.jumps` (rates inside).
"""

from __future__ import annotations

from math import comb

import numpy as np
import qutip
from scipy import sparse

from . import _validate
from .ed.fock import FockSector, fock_matrix
from .ed.solver import lindblad_operators, particle_number
from .errors import SizeError
from .models.base import FreeFermionRing
from .models.spin import ProductChain
from .states import MAX_DENSE_DIM

MAX_LIOUVILLIAN_DIM = 2**10  # Hilbert-space dimension of liouvillian(): 10^6 x 10^6 sparse


def _space(model, filling: float | None) -> tuple[FockSector | None, int, list]:
    """``(sector or None, dimension, dims)`` of the model's space, refused above
    MAX_DENSE_DIM before anything is built."""
    _validate.instance("model", model, (ProductChain, FreeFermionRing))
    N = None  # the particle number of a sector
    if isinstance(model, ProductChain):
        if filling is not None:
            raise ValueError(f"filling applies to the fermion rings only, got {filling!r} for "
                             f"{type(model).__name__}")
        d, L = model.local_dim, model.L
        dim, dims = float(d) ** L, [[d] * L, [d] * L]
    elif filling is None:
        M = model.n_modes
        dim, dims = 2.0**M, [[2] * M, [2] * M]
    else:
        N = particle_number(model, filling)
        dim = comb(model.n_modes, N)
        dims = [[dim], [dim]]
    if dim > MAX_DENSE_DIM:
        raise SizeError(f"{type(model).__name__}(L={model.L}): the Hilbert space has dimension "
                        f"{dim:.0f} > MAX_DENSE_DIM={MAX_DENSE_DIM}; use a smaller L"
                        + ("" if filling is not None or isinstance(model, ProductChain)
                           else " or a filling (one particle-number sector)"))
    sector = None if N is None else FockSector(model.n_modes, N, max_dim=MAX_DENSE_DIM)
    return sector, int(dim), dims


def _quadratic_terms(matrix) -> list:
    m = sparse.coo_matrix(matrix)
    return [(v, (("cdag", int(a)), ("c", int(b))))
            for a, b, v in zip(m.row, m.col, m.data, strict=True) if v != 0]


def _operators(model, filling: float | None) -> tuple[list, sparse.spmatrix, list]:
    """``(dims, H, jumps)`` as sparse matrices of the model's space (module docstring)."""
    sector, _, dims = _space(model, filling)
    if isinstance(model, ProductChain):
        return dims, model.hamiltonian(), model.jumps()
    if sector is not None:
        return dims, *lindblad_operators(model, sector)
    M = model.n_modes
    fock = [fock_matrix(_quadratic_terms(m), M) if sparse.coo_matrix(m).nnz
            else sparse.csr_matrix((2**M, 2**M), dtype=complex) for m in model.jumps()]
    return dims, fock_matrix(_quadratic_terms(np.diag(model.modes.flat_energies)), M), fock


def hamiltonian(model: ProductChain | FreeFermionRing, filling: float | None = None
                ) -> qutip.Qobj:
    """The Hamiltonian as a ``Qobj`` (module docstring for the space and its order)."""
    dims, H, _ = _operators(model, filling)
    return qutip.Qobj(H, dims=dims)


def jump_operators(model: ProductChain | FreeFermionRing, filling: float | None = None
                   ) -> list[qutip.Qobj]:
    """Every Lindblad jump operator (rates inside) as a ``Qobj``, in the model's order
    (fermions: thermal bath first; in a sector, those that vanish there are dropped, as in
    :func:`manybody.ed.liouvillian`)."""
    dims, _, jumps = _operators(model, filling)
    return [qutip.Qobj(j, dims=dims) for j in jumps]


def liouvillian(model: ProductChain | FreeFermionRing, filling: float | None = None
                ) -> qutip.Qobj:
    r"""``qutip.liouvillian`` of :func:`hamiltonian` and :func:`jump_operators` (QuTiP's
    column stacking), refused above a Hilbert-space dimension of MAX_LIOUVILLIAN_DIM."""
    _, dim, _ = _space(model, filling)
    if dim > MAX_LIOUVILLIAN_DIM:
        raise SizeError(f"{type(model).__name__}(L={model.L}): the Liouvillian of a "
                        f"{dim}-dimensional space > MAX_LIOUVILLIAN_DIM={MAX_LIOUVILLIAN_DIM};"
                        " use manybody.ed (symmetric / momentum blocks)")
    dims, H, jumps = _operators(model, filling)
    return qutip.liouvillian(qutip.Qobj(H, dims=dims), [qutip.Qobj(j, dims=dims) for j in jumps])
