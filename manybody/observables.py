r"""Observables of the fermion rings from mode occupations or same-momentum correlations.

Both forms feed the one :class:`~manybody.result.Result`: occupations
:math:`n_{k\nu}` reshaped to ``(L,)`` or ``(L, n_bands)`` (with any leading axes kept), the
ring-averaged current of Eq. (13)/(23) and its orbital parts, Eq. (24), from
:meth:`~manybody.models.FreeFermionRing.current_matrices`.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .models.base import FreeFermionRing
from .models.spin import ProductChain


def _shape(model: FreeFermionRing, x: np.ndarray) -> np.ndarray:
    return x.reshape(x.shape[:-1] + ((model.L,) if model.n_bands == 1 else
                                     (model.L, model.n_bands)))


def from_occupations(model: FreeFermionRing, n: np.ndarray) -> dict:
    r"""Observables of a state diagonal in the modes; ``n`` has shape ``(..., M)``.

    :math:`I_s = \sum_{k\nu} w^s_{k\nu} n_{k\nu}` with
    :meth:`~manybody.models.FreeFermionRing.current_weights`.
    """
    _validate.instance("model", model, FreeFermionRing)
    n = np.asarray(n)
    if n.ndim == 0 or n.shape[-1] != model.n_modes:
        raise ValueError(f"occupations must have shape (..., {model.n_modes}), got {n.shape}")
    parts = {s: n @ w.reshape(-1) for s, w in model.current_weights().items()}
    return _assemble(model, _shape(model, n), parts)


def from_correlations(model: FreeFermionRing, C: np.ndarray) -> dict:
    r"""Observables from :math:`C_{k,\nu\mu} = \langle\eta^\dagger_{k\nu}\eta_{k\mu}\rangle`,
    shape ``(L, n_bands, n_bands)``: :math:`I_s = \sum_k \mathrm{Tr}[V_s(k) C(k)^T]`."""
    _validate.instance("model", model, FreeFermionRing)
    shape = (model.L, model.n_bands, model.n_bands)
    if np.shape(C) != shape:
        raise ValueError(f"C must have shape {shape}, got {np.shape(C)}")
    parts = {s: float(np.real(np.sum(V * np.swapaxes(C, 1, 2))))
             for s, V in model.current_matrices().items()}
    n = np.real(np.diagonal(C, axis1=1, axis2=2)).reshape(-1)
    return _assemble(model, _shape(model, n), parts)


def _assemble(model: FreeFermionRing, occupations: np.ndarray, parts: dict) -> dict:
    """The fields of :class:`~manybody.result.Result` (scalars as Python floats)."""
    parts = {s: float(v) if np.ndim(v) == 0 else v for s, v in parts.items()}
    energies = model.modes.energies
    return {
        "occupations": occupations,
        "energies": energies[:, 0] if model.n_bands == 1 else energies,
        "current": sum(parts.values()),  # a float, or an array over times
        "spin_currents": parts if model.n_bands > 1 else {},
    }


def gge_dissipative_current(model: FreeFermionRing, jumps: list, n: np.ndarray) -> float:
    r"""Dissipative current :math:`L^{-1}\sum_m \mathrm{Re}\langle L_m^\dagger[X, L_m]\rangle` of
    ``jumps`` in the Gaussian state diagonal in the modes with occupations ``n`` (shape (M,)).

    Wick's theorem, :math:`\langle\eta^\dagger_b\eta_a\eta^\dagger_c\eta_d\rangle =
    \delta_{ab}\delta_{cd} n_a n_c + \delta_{ac}\delta_{bd} n_b(1-n_a)`, gives for
    :math:`L_m = \sum_{ab} O_{ab}\eta^\dagger_a\eta_b` and :math:`D = [X, L_m]`

    .. math:: \langle L_m^\dagger D\rangle = \Big(\sum_a O^*_{aa} n_a\Big)\Big(\sum_c D_{cc}
              n_c\Big) + \sum_{ab} O^*_{ab} n_b (1 - n_a) D_{ab},

    both evaluated as Frobenius products in real space, where :math:`D = d \circ W O W^\dagger`
    (:meth:`~manybody.models.FreeFermionRing.position_commutator`).
    Cost O(M^2 log M) per jump. For jumps that are single hops between Bloch modes (the
    thermal bath of Eq. 8/18) every term is zero: :math:`D_{ab}` of a hop a <- b is the mean
    displacement between two plane waves, 0, and :math:`\sum_c D_{cc}n_c` is imaginary
    because d is odd; a test checks this, and the tGGE then needs the nonequilibrium jumps only.
    """
    _validate.instance("model", model, FreeFermionRing)
    n = _validate.real_array("n", n, 0.0, 1.0, shape=(model.n_modes,))
    d = model.displacements
    Rn = model.to_real_space(np.diag(n))
    total = 0.0
    for Om in jumps:
        op = np.asarray(Om.todense()) if hasattr(Om, "todense") else np.asarray(Om)
        DR = d * model.to_real_space(op)
        term1 = np.sum(np.conj(np.diag(op)) * n) * np.vdot(Rn, DR)
        term2 = np.vdot(model.to_real_space(op * n[None, :] * (1.0 - n)[:, None]), DR)
        total += float(np.real(term1 + term2))
    return total / model.L


def chain_observables(model: ProductChain, rho: np.ndarray) -> dict:
    r"""Observables of a product-chain state ``rho`` (dense, :math:`d^L\times d^L`).

    Returns ``currents`` (each of :meth:`~manybody.models.ProductChain.current_terms` per bond,
    e.g. :math:`I^J, I^\eta, I^\lambda, I^\xi` of Eqs. 14-15 for the spin ring),
    ``current_profile`` (per bond, the sum of the model's ``PROFILE_PARTS``: the circulating
    :math:`I^J + I^\eta` of Eq. 14 for the spin ring), ``current`` (its mean over the bonds),
    one array per site for each entry of the model's ``SITE_OBSERVABLES`` (``sz`` for spins,
    the occupation ``n`` for bosons), ``purity`` :math:`\mathrm{Tr}\rho^2` (Eq. 20), and for
    the sites (0, 1) the reduced density matrix ``rdm01``, its ``negativity``
    :math:`(\lVert\rho^{T_A}\rVert_1 - 1)/2` (Eq. 19) and its von Neumann ``entropy``.
    """
    _validate.instance("model", model, ProductChain)
    L, d = model.L, model.local_dim
    if np.shape(rho) != (d**L, d**L):
        raise ValueError(f"rho must have shape (d^L, d^L) = {(d**L, d**L)}, got {np.shape(rho)}")
    expect = lambda terms: float(np.real(model.operator(terms).multiply(rho.T).sum()))  # noqa: E731
    terms = [model.current_terms(b) for b in model.bonds]
    currents = {k: np.array([expect(t[k]) for t in terms]) for k in terms[0]}
    profile = sum(currents[k] for k in model.PROFILE_PARTS)
    rdm1 = [reduced_density_matrix(rho, L, (j,), d) for j in range(L)]
    sites = {name: np.array([float(np.real(np.trace(model.local_ops[op] @ r))) for r in rdm1])
             for name, op in model.SITE_OBSERVABLES.items()}
    rdm = reduced_density_matrix(rho, L, (0, 1), d)
    return {"current": float(profile.mean()), "current_profile": profile, "currents": currents,
            **sites, "purity": float(np.sum(np.abs(rho) ** 2)), "rdm01": rdm,
            **two_site_entanglement(rdm)}


def reduced_density_matrix(rho: np.ndarray, L: int, sites: tuple[int, ...],
                           d: int = 2) -> np.ndarray:
    """Reduced density matrix of one site or of two neighbours (j, j+1) or (L-1, 0).

    Site j is digit L-1-j (base d, the local dimension) of the basis index (the convention of
    :mod:`manybody.models.spin`); the ring bond (L-1, 0) is returned in the site order (0, L-1).
    """
    if sites == (L - 1, 0) and L > 2:
        t = rho.reshape(d, d ** (L - 2), d, d, d ** (L - 2), d)
        return np.einsum("axbcxd->abcd", t).reshape(d * d, d * d)
    j, width = min(sites), d ** len(sites)
    t = rho.reshape(d**j, width, -1, d**j, width, d ** (L - j - len(sites)))
    return np.einsum("aibajb->ij", t)


def two_site_entanglement(rdm: np.ndarray) -> dict:
    r"""``negativity`` :math:`(\lVert\rho^{T_A}\rVert_1 - 1)/2` (Eq. 19, transpose of the
    first site) and von Neumann ``entropy`` :math:`-\mathrm{Tr}\rho\ln\rho` of a
    :math:`d^2\times d^2` two-site density matrix (Hermitian parts, eigenvalues below 1e-15
    dropped)."""
    d = int(round(np.sqrt(rdm.shape[0])))
    pt = np.transpose(rdm.reshape(d, d, d, d), (2, 1, 0, 3)).reshape(d * d, d * d)
    ev = np.linalg.eigvalsh(0.5 * (pt + pt.conj().T))
    p = np.linalg.eigvalsh(0.5 * (rdm + rdm.conj().T))
    p = p[p > 1e-15]
    return {"negativity": float(-ev[ev < 0].sum()), "entropy": float(-np.sum(p * np.log(p)))}
