r"""The state a result holds (``Result.state``, opt-in with ``state=True``): one interface
for every method.

=================================  ===========================================  ==============
method                             :class:`State`                               operators
=================================  ===========================================  ==============
``ed.steady_state`` (spins,        :class:`manybody.ed.states.ChainState`: the  spin / boson
bosons)                            symmetric orbit coefficients                 terms
``ed.steady_state`` (fermions)     :class:`manybody.ed.states.FermionState`:    fermion terms
                                   the zero momentum-difference block vector
``tgge.steady_state``              :class:`manybody.tgge.state.ProductState`:   fermion terms
                                   the mode occupations of the GGE
``mpo.steady_state``               :class:`mpo.mps_state.MPSState`: the quimb   spin / boson
                                   MPS of vec ρ (site dimension d²)             terms
=================================  ===========================================  ==============

Every state offers :meth:`State.expect` (:math:`\mathrm{Tr}(\rho O)/\mathrm{Tr}\rho` of an
operator in the model's own term format), :meth:`State.to_dense` and :meth:`State.to_qobj`
(the density matrix in the full Hilbert space, refused above :data:`MAX_DENSE_DIM`), and
:meth:`State.to_dict` / :func:`from_dict` (what :meth:`manybody.result.Result.save` writes to
HDF5; the loaded state equals the saved one).

Term formats. Spins and bosons (:mod:`manybody.models.spin`): a term is ``(coefficient,
((name, site), ...))``, a product of the model's local operators (``"sz"``, ``"sp"``, ...;
``"b"``, ``"bd"``, ``"n"`` for bosons), the leftmost factor acting last. Fermions: the same
with the names ``"cdag"`` and ``"c"`` and a mode index a in place of the site, where mode
:math:`a = m\,n_b + \nu` is the band eigenmode :math:`\eta_{k_m\nu}` of the ring (``n_b``
bands, :math:`k_m = -\pi + 2\pi m/L`); the Jordan-Wigner order of the Fock space is this
mode order (:mod:`manybody.ed.fock`). An operator is a list of terms. An operator on the
sites (:math:`c_{js}`, index j n_b + s) becomes one on the modes with
:meth:`manybody.models.FreeFermionRing.mode_terms`:
``state.expect(model.mode_terms([(1.0, (("cdag", 0), ("c", 1)))]))`` is
:math:`\langle c^\dagger_0 c_1\rangle`.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

from . import hdf5
from .errors import SizeError

MAX_DENSE_DIM = 2**12  # Hilbert-space dimension of to_dense / to_qobj: 268 MB of complex128
FERMION_OPS = ("cdag", "c")

# kind -> "module:class", imported when a saved state of that kind is loaded
KINDS = {"chain-ed": "manybody.ed.states:ChainState",
         "fermion-ed": "manybody.ed.states:FermionState",
         "gge": "manybody.tgge.state:ProductState",
         "mps": "mpo.mps_state:MPSState"}


def check_dense(dims: list[int], what: str) -> int:
    """The Hilbert-space dimension :math:`\\prod_j d_j`, or SizeError above MAX_DENSE_DIM."""
    dim = int(np.prod([float(d) for d in dims]))
    if dim > MAX_DENSE_DIM:
        raise SizeError(f"{what}: the full density matrix would be {dim} x {dim} (L={len(dims)} "
                        f"factors) > MAX_DENSE_DIM={MAX_DENSE_DIM}; use expect() or the "
                        "reduced form")
    return dim


def check_terms(operator, names, n_sites: int, what: str = "operator") -> list:
    """The operator as a list of ``(complex, ((name, site), ...))`` terms; ValueError naming
    the bad term if a name is not in ``names`` or a site is outside [0, n_sites)."""
    if not isinstance(operator, (list, tuple)) or not operator:
        raise ValueError(f"{what} must be a non-empty list of terms (coefficient, ((name, "
                         f"site), ...)), got {operator!r}")
    out = []
    for term in operator:
        try:
            coef, factors = term
            factors = tuple((str(n), int(j)) for n, j in factors)
            coef = complex(coef)
        except (TypeError, ValueError):
            raise ValueError(f"{what}: a term must be (coefficient, ((name, site), ...)), "
                             f"got {term!r}") from None
        for name, j in factors:
            if name not in names:
                raise ValueError(f"{what}: operator name {name!r} in term {term!r} is not one "
                                 f"of {sorted(names)}")
            if not 0 <= j < n_sites:
                raise ValueError(f"{what}: site {j} in term {term!r} outside [0, {n_sites})")
        out.append((coef, factors))
    return out


class State(ABC):
    """A many-body density matrix held by a result (module docstring)."""

    kind: ClassVar[str]

    @property
    @abstractmethod
    def dims(self) -> list[int]:
        """Local dimensions of the tensor factors (sites or modes), QuTiP's order."""

    @abstractmethod
    def expect(self, operator: list) -> complex:
        r""":math:`\mathrm{Tr}(\rho O)/\mathrm{Tr}\rho` of ``operator`` (module docstring)."""

    @abstractmethod
    def _dense(self) -> np.ndarray:
        """The full density matrix (called after the size check)."""

    @abstractmethod
    def to_dict(self) -> dict:
        """Arrays and scalars that :meth:`from_dict` rebuilds the state from."""

    @classmethod
    @abstractmethod
    def from_dict(cls, data: dict) -> State:
        """The state :meth:`to_dict` describes."""

    def to_dense(self) -> np.ndarray:
        """The density matrix in the full Hilbert space (SizeError above MAX_DENSE_DIM)."""
        check_dense(self.dims, type(self).__name__)
        return self._dense()

    def to_qobj(self):
        """:meth:`to_dense` as a ``qutip.Qobj`` with dims ``[self.dims, self.dims]``."""
        import qutip

        return qutip.Qobj(self.to_dense(), dims=[list(self.dims), list(self.dims)])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return type(self) is type(other) and hdf5.equal(self.to_dict(), other.to_dict())

    __hash__ = None


def to_dict(state: State) -> dict:
    """``state.to_dict()`` with its kind (the form :meth:`Result.save` stores)."""
    return {"kind": state.kind, **state.to_dict()}


def from_dict(data: dict) -> State:
    """The state of a dict written by :func:`to_dict` (its class from :data:`KINDS`)."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise ValueError(f"unknown state kind {kind!r}; known: {sorted(KINDS)}")
    module, name = KINDS[kind].split(":")
    cls = getattr(importlib.import_module(module), name)
    return cls.from_dict({k: v for k, v in data.items() if k != "kind"})
