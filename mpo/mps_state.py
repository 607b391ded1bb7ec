r"""The MPO solver's steady state as a :class:`~manybody.states.State`: the quimb
``MatrixProductState`` of vec ρ (:mod:`mpo.state`: site dimension d², physical index
:math:`p_j = d s_j + s'_j`, not normalized as a vector: Tr ρ is its overlap with vec 1), its
position k holding site ``positions[k]``: the natural order for open chains, the folded order
(0, L-1, 1, L-2, ...) of the TEBD engine for rings (:func:`mpo.tebd.site_order`;
:func:`mpo.tebd.reorder` converts, cheaply only for small L). :meth:`expect` and the dense
matrix use the model's site labels whatever the order.

With Richardson extrapolation (``richardson=True``) the reported observables combine two runs
(dt and dt/2) and belong to no single MPS; the state held is the dt/2 one (``phase="fine"``),
whose observables differ from the reported ones by the time-step bias, within
``diagnostics["error_trotter"]``. Without it the state is that of the reported numbers.
"""

from __future__ import annotations

import numpy as np
import quimb.tensor as qtn

from manybody.states import State, check_terms

from . import state


class MPSState(State):
    """Vectorized density matrix as an MPS, with the local operators of its model.

    Attributes
    ----------
    mps : quimb.tensor.MatrixProductState
        vec ρ, site dimension d².
    local_ops : dict
        The model's local operators (what :meth:`expect` terms may name).
    dt : float
        Time step of the run that produced the state; ``phase`` its name ("main", "fine").
    positions : list of int
        The site held at each position of ``mps``.
    """

    kind = "mps"

    def __init__(self, mps: qtn.MatrixProductState, local_ops: dict, dt: float,
                 phase: str, positions: list[int] | None = None) -> None:
        self.mps = mps
        self.local_ops = {k: np.asarray(v) for k, v in local_ops.items()}
        self.dt, self.phase = float(dt), str(phase)
        self.positions = list(range(mps.L)) if positions is None else [int(j) for j in positions]
        if sorted(self.positions) != list(range(mps.L)):
            raise ValueError(f"positions must be a permutation of range({mps.L}), "
                             f"got {positions}")

    @property
    def dims(self) -> list[int]:
        return [self.local_ops["id"].shape[0]] * self.mps.L

    def expect(self, operator: list) -> complex:
        r""":math:`\mathrm{Tr}(\rho O)/\mathrm{Tr}\rho` of spin / boson terms (any sites, any
        length: a string operator costs one pass over the chain)."""
        arrays = state.to_arrays(self.mps)
        where = {site: q for q, site in enumerate(self.positions)}
        total = 0j
        for coef, factors in check_terms(operator, self.local_ops, self.mps.L):
            mats: dict[int, np.ndarray] = {}
            for name, site in factors:  # written order is the product order
                j = where[site]
                mats[j] = mats[j] @ self.local_ops[name] if j in mats else self.local_ops[name]
            total += coef * state.expect_product(arrays, mats)
        return total

    def _dense(self) -> np.ndarray:
        rho = state.to_dense(state.to_arrays(self.mps))
        d, L = self.local_ops["id"].shape[0], self.mps.L
        back = np.argsort(self.positions)  # axis of site j in the MPS order
        rho = rho.reshape([d] * 2 * L).transpose(*back, *(L + back)).reshape(d**L, d**L)
        return rho / np.trace(rho)

    def to_dict(self) -> dict:
        return {"arrays": state.to_arrays(self.mps), "local_ops": self.local_ops,
                "dt": self.dt, "phase": self.phase, "positions": np.array(self.positions)}

    @classmethod
    def from_dict(cls, data: dict) -> MPSState:
        return cls(state.from_arrays(list(data["arrays"])), data["local_ops"], data["dt"],
                   data["phase"], data.get("positions"))
