r"""Tensor-network (vectorized-ρ MPS) steady states of spin-1/2 chains.

:func:`steady_state` (:mod:`mpo.steady`) evolves the vectorized density matrix
(:mod:`mpo.state`) with second-order TEBD (:mod:`mpo.tebd`) under the bond pieces of the
model's Liouvillian (:mod:`mpo.superop`) until the bond-current profile stops changing,
optionally removes the dt² bias by Richardson extrapolation, and reports the current with an
error budget; long runs checkpoint and resume (:mod:`mpo.checkpoint`).
"""

from .steady import steady_state

__all__ = ["steady_state"]
