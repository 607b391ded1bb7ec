r"""The tGGE steady state as a :class:`~manybody.states.State`: a product over band modes,

.. math:: \rho = \bigotimes_a \big[(1 - n_a)\,|0\rangle\langle 0| + n_a\,|1\rangle\langle 1|\big]
          = \frac{e^{-\sum_a\lambda_a\eta^\dagger_a\eta_a}}{Z},

mode :math:`a = m\,n_b + \nu` (:mod:`manybody.states`). A term :math:`O` of ``"cdag"`` / ``"c"``
factors has a nonzero expectation only if it leaves every occupation unchanged; then
:math:`\langle s|O|s\rangle` depends on the occupations of the modes it touches alone (each
untouched mode b meets an even number of factors on modes above it, so its Jordan-Wigner
signs cancel), and :math:`\langle O\rangle = \sum_{s_T}\prod_{a\in T}p_a(s_a)\,\langle s_T|O_T
|s_T\rangle` over the :math:`2^{|T|}` occupations of the touched modes T.
"""

from __future__ import annotations

import numpy as np

from ..ed.fock import apply_product
from ..states import FERMION_OPS, State, check_terms


class ProductState(State):
    """GGE product state of M band modes with occupations ``n`` (module docstring)."""

    kind = "gge"

    def __init__(self, occupations: np.ndarray) -> None:
        n = np.asarray(occupations, dtype=float).reshape(-1)
        if np.any(~np.isfinite(n)) or np.any(n < 0) or np.any(n > 1):
            raise ValueError("occupations must lie in [0, 1]")
        self.occupations = n

    @property
    def dims(self) -> list[int]:
        return [2] * self.occupations.size

    def expect(self, operator: list) -> complex:
        """:math:`\\mathrm{Tr}(\\rho O)` of fermion terms on the band modes (module docstring)."""
        total = 0j
        for coef, factors in check_terms(operator, FERMION_OPS, self.occupations.size):
            touched = sorted({a for _, a in factors})
            local = {a: i for i, a in enumerate(touched)}  # same relative order: same signs
            s = np.arange(2 ** len(touched), dtype=np.int64)
            images, signs = apply_product(s, [(name, local[a]) for name, a in factors])
            bits = (s[:, None] >> np.arange(len(touched))) & 1
            n = self.occupations[touched]
            weight = np.prod(np.where(bits == 1, n, 1.0 - n), axis=1)
            total += coef * np.sum(weight * signs * (images == s))
        return total

    def _dense(self) -> np.ndarray:
        p = np.ones(1)
        for n in self.occupations:  # mode 0 the most significant factor
            p = np.kron(p, [1.0 - n, n])
        return np.diag(p).astype(complex)

    def to_dict(self) -> dict:
        return {"occupations": self.occupations}

    @classmethod
    def from_dict(cls, data: dict) -> ProductState:
        return cls(**data)
