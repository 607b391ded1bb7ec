r"""The MPO solver's steady state as a :class:`~manybody.states.State`: the quimb
``MatrixProductState`` of vec ρ (:mod:`mpo.state`: site dimension d², physical index
:math:`p_j = d s_j + s'_j`, not normalized as a vector: Tr ρ is its overlap with vec 1).

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
    """

    kind = "mps"

    def __init__(self, mps: qtn.MatrixProductState, local_ops: dict, dt: float,
                 phase: str) -> None:
        self.mps = mps
        self.local_ops = {k: np.asarray(v) for k, v in local_ops.items()}
        self.dt, self.phase = float(dt), str(phase)

    @property
    def dims(self) -> list[int]:
        return [self.local_ops["id"].shape[0]] * self.mps.L

    def expect(self, operator: list) -> complex:
        r""":math:`\mathrm{Tr}(\rho O)/\mathrm{Tr}\rho` of spin / boson terms (any sites, any
        length: a string operator costs one pass over the chain)."""
        arrays = state.to_arrays(self.mps)
        total = 0j
        for coef, factors in check_terms(operator, self.local_ops, self.mps.L):
            mats: dict[int, np.ndarray] = {}
            for name, j in factors:  # written order is the product order
                mats[j] = mats[j] @ self.local_ops[name] if j in mats else self.local_ops[name]
            total += coef * state.expect_product(arrays, mats)
        return total

    def _dense(self) -> np.ndarray:
        rho = state.to_dense(state.to_arrays(self.mps))
        return rho / np.trace(rho)

    def to_dict(self) -> dict:
        return {"arrays": state.to_arrays(self.mps), "local_ops": self.local_ops,
                "dt": self.dt, "phase": self.phase}

    @classmethod
    def from_dict(cls, data: dict) -> MPSState:
        return cls(state.from_arrays(list(data["arrays"])), data["local_ops"], data["dt"],
                   data["phase"])
