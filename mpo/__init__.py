r"""Tensor-network (vectorized-ρ MPS) steady states of product chains of any local dimension d
(spins d = 2, truncated bosons d = n_max + 1).

:func:`steady_state` (:mod:`mpo.steady`) evolves the vectorized density matrix
(:mod:`mpo.state`) with second- or fourth-order TEBD (:mod:`mpo.tebd`, :mod:`mpo.splitting`)
under the bond pieces of the model's Liouvillian (:mod:`mpo.superop`), open chains and rings,
until the bond-current profile and the site observables (σ^z, n) stop changing, removes the
time-step bias by Richardson extrapolation, and reports the current with an error budget; long
runs checkpoint and resume (:mod:`mpo.checkpoint`). :func:`variational_steady_state`
(:mod:`mpo.variational`) is the second, independent route: DMRG on :math:`\mathcal
L^\dagger\mathcal L`, faster where relaxation is slow (weak dissipation, the boundary-driven XX
chain) and slower where the steady state is strongly correlated. """

from .steady import steady_state
from .variational import steady_state as variational_steady_state

__all__ = ["steady_state", "variational_steady_state"]
