r"""Vectorized density matrices of product chains (local dimension d) as quimb MPS.

Site j carries the physical index :math:`p_j = d s_j + s'_j` (dimension :math:`d^2`) of
:math:`\rho_{s_0\ldots s_{L-1},\,s'_0\ldots s'_{L-1}}`, with the local basis of the model
(:mod:`manybody.models.spin`: 0 = up, 1 = down for spins; :mod:`manybody.models.bose_ring`:
state k holds :math:`n_{max} - k` bosons). The trace is the overlap with the vectorized
identity, :math:`\mathrm{Tr}\rho = \sum_{p} \prod_j \iota_{p_j} A_j^{p_j}` with
:math:`\iota = \mathrm{vec}(1_d)` (:func:`identity`; (1, 0, 0, 1) for spins), not the MPS norm
(which is the purity). Reduced density matrices follow by tracing every other site with
:math:`\iota`.

Internally the engine works on a list of arrays ``A[j]`` of shape ``(left, d^2, right)``
(:func:`to_arrays`, :func:`from_arrays`); functions without a model take d from that shape.

**Hermitian basis** (:func:`hermitian_basis`): the unitary U whose columns are
:math:`\mathrm{vec}(P_a)`, :math:`P_0 = 1/\sqrt d` followed by the generalized Gell-Mann
matrices over :math:`\sqrt2` (for every pair j < k in lexicographic order the symmetric
:math:`E_{jk} + E_{kj}` and the antisymmetric :math:`-i(E_{jk} - E_{kj})`, then the diagonal
:math:`\sqrt{2/(l(l+1))}\,(\sum_{j<l}E_{jj} - lE_{ll})`, l = 1..d-1), Hermitian with
:math:`\mathrm{Tr}(P_aP_b) = \delta_{ab}`. For d = 2 it is :math:`(1, \sigma^x, \sigma^y,
\sigma^z)/\sqrt2`, the Pauli basis, entry by entry.

**Product states** (:func:`product_state`): ``"up"`` every site in local state 0 (spin up; a
full boson site, :math:`n_{max}` bosons), ``"down"`` every site in the last local state d-1
(spin down; the boson vacuum), ``"mixed"`` :math:`1/d` per site.
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import quimb.tensor as qtn

from manybody.models.spin import ProductChain
from manybody.observables import two_site_entanglement
from manybody.states import State

PRODUCT_STATES = ("down", "mixed", "up")


def local_dim(arrays: list[np.ndarray]) -> int:
    """Local dimension d of MPS arrays ``(left, d^2, right)``."""
    d = int(round(np.sqrt(arrays[0].shape[1])))
    if d * d != arrays[0].shape[1]:
        raise ValueError(f"the physical dimension {arrays[0].shape[1]} is not a square d^2")
    return d


@cache
def identity(d: int) -> np.ndarray:
    """vec of the d x d identity (read-only; cached)."""
    out = np.eye(d).reshape(-1)
    out.flags.writeable = False
    return out


@cache
def hermitian_basis(d: int) -> np.ndarray:
    r"""The unitary U of columns :math:`\mathrm{vec}(P_a)` (module docstring), row-major local
    index :math:`ds + s'`; computed once per d (read-only)."""
    mats = [np.eye(d, dtype=complex)]
    for j in range(d):
        for k in range(j + 1, d):
            sym, anti = np.zeros((d, d), dtype=complex), np.zeros((d, d), dtype=complex)
            sym[j, k] = sym[k, j] = 1.0
            anti[j, k], anti[k, j] = -1j, 1j
            mats += [sym, anti]
    for n in range(1, d):
        diag = np.zeros(d, dtype=complex)
        diag[:n], diag[n] = 1.0, -n
        mats.append(np.diag(np.sqrt(2.0 / (n * (n + 1))) * diag))
    U = np.stack([m.reshape(-1) for m in mats], axis=1)
    U[:, 0] /= np.sqrt(d)
    U[:, 1:] /= np.sqrt(2)
    U.flags.writeable = False
    return U


@cache
def hermitian_identity(d: int) -> np.ndarray:
    r""":math:`U^T\iota = (\sqrt d, 0, \ldots, 0)`: Tr ρ is this dotted into c per site."""
    out = np.real(hermitian_basis(d).T @ identity(d))
    out.flags.writeable = False
    return out


def to_hermitian(arrays: list[np.ndarray]) -> list[np.ndarray]:
    r"""Arrays in the Hermitian basis: :math:`c = U^\dagger\mathrm{vec}(\rho)` per site
    (real for Hermitian ρ in a real gauge)."""
    U = hermitian_basis(local_dim(arrays)).conj()
    return [np.einsum("pa,lpr->lar", U, a) for a in arrays]


def from_hermitian(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Inverse of :func:`to_hermitian`: back to the standard row-major basis."""
    U = hermitian_basis(local_dim(arrays))
    return [np.einsum("pa,lar->lpr", U, a) for a in arrays]


def hermitian_piece(generator: np.ndarray) -> np.ndarray:
    r"""A two-site superoperator (:math:`d^4\times d^4`, MPS order) in the Hermitian basis,
    :math:`(U\otimes U)^\dagger G (U\otimes U)`; real if G preserves Hermiticity."""
    U = hermitian_basis(int(round(generator.shape[0] ** 0.25)))
    UU = np.kron(U, U)
    return UU.conj().T @ generator @ UU


def product_vector(state: str, d: int) -> np.ndarray:
    """vec of the one-site density matrix of a product state (module docstring)."""
    if state not in PRODUCT_STATES:
        raise ValueError(f"state must be one of {list(PRODUCT_STATES)}, got {state!r}")
    if state == "mixed":
        return identity(d) / d
    out = np.zeros(d * d)
    k = 0 if state == "up" else d - 1
    out[k * d + k] = 1.0
    return out


def from_arrays(arrays: list[np.ndarray]) -> qtn.MatrixProductState:
    """quimb MPS of arrays of shape ``(left, d^2, right)`` (end bonds of dimension 1)."""
    if len(arrays) == 1:
        raise ValueError("an MPS needs at least two sites")
    data = [arrays[0][0].T] + [a.transpose(0, 2, 1) for a in arrays[1:-1]] + [arrays[-1][..., 0]]
    return qtn.MatrixProductState(data, shape="lrp")


def to_arrays(mps: qtn.MatrixProductState) -> list[np.ndarray]:
    """Arrays of shape ``(left, d^2, right)`` of ``mps``, site by site (a copy)."""
    L = mps.L
    out = []
    for j in range(L):
        t = mps[j]
        left = [mps.bond(j - 1, j)] if j > 0 else []
        right = [mps.bond(j, j + 1)] if j < L - 1 else []
        a = t.transpose(*left, mps.site_ind(j), *right).data
        if j == 0:
            a = a[None]
        if j == L - 1:
            a = a[..., None]
        out.append(np.array(a, dtype=complex))
    return out


def product_state(L: int, state: str = "down", d: int = 2) -> qtn.MatrixProductState:
    """Product density matrix of L sites of local dimension d: every site ``"up"`` (local
    state 0), ``"down"`` (local state d-1) or ``"mixed"`` (1/d)."""
    v = product_vector(state, d).astype(complex).reshape(1, d * d, 1)
    return from_arrays([v.copy() for _ in range(L)])


def initial_arrays(model: ProductChain, initial, order: list[int] | None = None
                   ) -> list[np.ndarray]:
    """Arrays ``(left, d^2, right)`` of a start state, trace one, position k holding site
    ``order[k]`` (None: the natural order): a product-state name (:data:`PRODUCT_STATES`), a
    state with an ``mps`` attribute (a result's ``MPSState``, in the site order of its
    ``positions``: a ring's TEBD state is folded), a quimb ``MatrixProductState`` of vec ρ, a
    dense :math:`d^L\times d^L` density matrix, or a list of arrays (these three in the
    natural order); ValueError naming ``initial`` if it does not fit the model. A change of
    order goes through :func:`mpo.tebd.reorder` (exact swaps: cheap for product states and
    small L)."""
    from .tebd import reorder  # tebd builds on this module

    L, d = model.L, model.local_dim
    order = list(range(L)) if order is None else list(order)
    if isinstance(initial, str):
        if initial not in PRODUCT_STATES:
            raise ValueError(f"initial must be one of {list(PRODUCT_STATES)} or a state, got "
                             f"{initial!r}")
        arrays = to_arrays(product_state(L, initial, d))
        return [arrays[j] for j in order]
    have = list(getattr(initial, "positions", range(L)))
    if isinstance(initial, State) and not hasattr(initial, "mps"):
        initial = initial.to_dense()  # an exact state of the same chain
    initial = getattr(initial, "mps", initial)
    if isinstance(initial, qtn.MatrixProductState):
        arrays = to_arrays(initial)
    elif isinstance(initial, np.ndarray) and initial.ndim == 2:
        if initial.shape != (d**L, d**L):
            raise ValueError(f"initial: a dense density matrix must be {d**L} x {d**L} for L={L}"
                             f", d={d}, got shape {initial.shape}")
        arrays = to_arrays(from_dense(initial, d))
    else:
        arrays = [np.asarray(a, dtype=complex) for a in initial]
    bonds_ok = all(a.ndim == 3 and a.shape[1] == d * d for a in arrays) and all(
        x.shape[2] == y.shape[0] for x, y in zip(arrays[:-1], arrays[1:], strict=True))
    if len(arrays) != L or not bonds_ok or arrays[0].shape[0] != 1 or arrays[-1].shape[2] != 1:
        raise ValueError(f"initial: need {L} arrays (left, {d * d}, right) with matching bonds "
                         f"and end bonds 1, got shapes {[a.shape for a in arrays]}")
    phase, log = log_trace(arrays)
    scale = (phase * np.exp(log)) ** (1.0 / L)
    return reorder([a / scale for a in arrays], [have.index(site) for site in order])


def from_dense(rho: np.ndarray, d: int = 2) -> qtn.MatrixProductState:
    """Exact MPS of a dense :math:`d^L\\times d^L` density matrix (tests, small L)."""
    L = int(round(np.log(rho.shape[0]) / np.log(d)))
    if rho.shape != (d**L, d**L):
        raise ValueError(f"rho must be d^L x d^L with d={d}, got shape {rho.shape}")
    t = np.asarray(rho).reshape((d,) * (2 * L))
    order = [k for j in range(L) for k in (j, L + j)]  # interleave s_j, s'_j
    return qtn.MatrixProductState.from_dense(t.transpose(order).reshape(-1),
                                              dims=[d * d] * L, cutoff=0.0)


def to_dense(arrays: list[np.ndarray]) -> np.ndarray:
    """Dense :math:`d^L\\times d^L` density matrix of MPS arrays (tests, small L)."""
    L, d = len(arrays), local_dim(arrays)
    v = arrays[0]
    for a in arrays[1:]:
        v = np.tensordot(v, a, axes=(-1, 0))
    v = v.reshape((d,) * (2 * L))
    order = [2 * j for j in range(L)] + [2 * j + 1 for j in range(L)]
    return v.transpose(order).reshape(d**L, d**L)


def traced(a: np.ndarray, iota: np.ndarray | None = None) -> np.ndarray:
    """Site tensor contracted with ``iota`` (default: :func:`identity`, standard basis)."""
    if iota is None:
        iota = identity(int(round(np.sqrt(a.shape[1]))))
    return np.einsum("lpr,p->lr", a, iota)


def trace_environment(arrays: list[np.ndarray], iota: np.ndarray, *, right: bool = False
                      ) -> tuple[np.ndarray, float]:
    r"""``(env, log)``: the arrays contracted with ``iota`` on every site and multiplied from
    the left end, :math:`e^{\log}\,\mathrm{env} = \prod_j \sum_p a_j[:, p, :]\,\iota_p` as a
    row vector (``right``: from the right end, a column vector), rescaled site by site so
    that long chains neither overflow nor underflow."""
    env = np.ones(1, dtype=complex)
    log = 0.0
    for a in (arrays[::-1] if right else arrays):
        env = traced(a, iota) @ env if right else env @ traced(a, iota)
        scale = np.abs(env).max()
        if not np.isfinite(scale) or scale == 0:
            raise FloatingPointError(f"trace environment became {scale}")
        env, log = env / scale, log + np.log(scale)
    return env, log


def log_trace(arrays: list[np.ndarray], iota: np.ndarray | None = None) -> tuple[complex, float]:
    r"""``(phase, log|Tr ρ|)`` with :math:`\mathrm{Tr}\rho = \mathrm{phase}\cdot e^{\log}`
    (:func:`trace_environment`); ``iota`` is the vectorized one-site identity in the arrays'
    local basis (default: the standard basis, :func:`identity`; :func:`hermitian_identity` in
    the Hermitian basis)."""
    env, log = trace_environment(arrays, identity(local_dim(arrays)) if iota is None else iota)
    value = complex(env[0])
    return value / abs(value), log + np.log(abs(value))


def expect_product(arrays: list[np.ndarray], factors: dict[int, np.ndarray]) -> complex:
    r""":math:`\mathrm{Tr}(\rho\bigotimes_j O_j)/\mathrm{Tr}\rho` for site matrices
    ``factors[j]`` (identity elsewhere): site j contracted with :math:`\mathrm{vec}(O_j^T)`,
    since :math:`\mathrm{Tr}(\rho O) = \sum_{ss'}\rho_{ss'}O_{s's}`; both chains are
    rescaled by the trace environment site by site."""
    d = local_dim(arrays)
    env_t = env_o = np.ones(1, dtype=complex)
    for j, a in enumerate(arrays):
        t = traced(a)
        env_t = env_t @ t
        env_o = env_o @ (traced(a, np.asarray(factors[j]).T.reshape(d * d))
                         if j in factors else t)
        scale = np.abs(env_t).max()
        if not np.isfinite(scale) or scale == 0:
            raise FloatingPointError(f"trace environment became {scale}")
        env_t, env_o = env_t / scale, env_o / scale
    return complex(env_o[0] / env_t[0])


def trace(mps: qtn.MatrixProductState) -> complex:
    """:math:`\\mathrm{Tr}\\rho`, the overlap of ``mps`` with the vectorized identity."""
    phase, log = log_trace(to_arrays(mps))
    return phase * np.exp(log)


def _environments(arrays: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Left/right traced environments, each normalized to max-modulus 1 (scale irrelevant:
    reduced density matrices are normalized by their own trace)."""
    L = len(arrays)
    left = [np.ones(1, dtype=complex)]
    for a in arrays[:-1]:
        e = left[-1] @ traced(a)
        left.append(e / np.abs(e).max())
    right = [np.ones(1, dtype=complex)]
    for a in arrays[:0:-1]:
        e = traced(a) @ right[-1]
        right.append(e / np.abs(e).max())
    return left, right[::-1][:L]


def pair_order(r: np.ndarray, d: int) -> np.ndarray:
    """Two-site matrix from the MPS index pair (s_i s'_i, s_j s'_j) to rows (s_i s_j) and
    columns (s'_i s'_j)."""
    return r.reshape(d, d, d, d).transpose(0, 2, 1, 3).reshape(d * d, d * d)


def reduced_density_matrices(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One-site ``(L, d, d)`` and nearest-neighbour two-site ``(L-1, d^2, d^2)`` reduced
    density matrices, each of trace one; the two-site basis is :math:`(s_j s_{j+1})`."""
    d = local_dim(arrays)
    left, right = _environments(arrays)
    one = []
    for j, a in enumerate(arrays):
        r = np.einsum("l,lpr,r->p", left[j], a, right[j]).reshape(d, d)
        one.append(r / np.trace(r))
    two = []
    for j in range(len(arrays) - 1):
        r = np.einsum("l,lpm,mqr,r->pq", left[j], arrays[j], arrays[j + 1], right[j + 1])
        r = pair_order(r, d)
        two.append(r / np.trace(r))
    return np.array(one), np.array(two)


def pair_density_matrix(arrays: list[np.ndarray], i: int, j: int) -> np.ndarray:
    r"""Two-site reduced density matrix of sites ``i < j`` (any distance), trace one, in the
    basis :math:`(s_i s_j)`: every other site traced with :math:`\iota`."""
    if not 0 <= i < j < len(arrays):
        raise ValueError(f"need 0 <= i < j < L={len(arrays)}, got i={i}, j={j}")
    return _pair(arrays, *_environments(arrays), i, j)


def _pair(arrays: list[np.ndarray], left: list[np.ndarray], right: list[np.ndarray], i: int,
          j: int) -> np.ndarray:
    """:func:`pair_density_matrix` of positions i < j from the traced environments."""
    env = np.einsum("l,lpr->pr", left[i], arrays[i])
    for a in arrays[i + 1:j]:
        env = env @ traced(a)
        env = env / np.abs(env).max()
    r = pair_order(np.einsum("pm,mqr,r->pq", env, arrays[j], right[j]), local_dim(arrays))
    return r / np.trace(r)


POSITIVITY_TOL = 1e-6  # smallest two-site RDM eigenvalue tolerated before warning


def warn_if_not_positive(obs: dict, who: str) -> None:
    """RuntimeWarning if a two-site reduced density matrix of :func:`observables` has an
    eigenvalue below ``-POSITIVITY_TOL`` (truncation broke positivity; raise max_bond)."""
    if obs["rdm_min_eigenvalue"] < -POSITIVITY_TOL:
        warnings.warn(f"{who}: a two-site reduced density matrix has eigenvalue "
                      f"{obs['rdm_min_eigenvalue']:.2e} < 0 (truncation; raise max_bond)",
                      RuntimeWarning, stacklevel=3)


def bulk_slice(n_bonds: int) -> slice:
    """The middle half of ``n_bonds`` bonds: the bulk of an open chain, away from its
    boundary layers (on a ring simply a subset)."""
    return slice(n_bonds // 4, n_bonds - n_bonds // 4)


def bulk_average(profile: np.ndarray) -> float:
    """Mean of a per-bond profile over :func:`bulk_slice`."""
    return float(np.mean(np.asarray(profile)[bulk_slice(len(profile))]))


def bond_density_matrices(model: ProductChain, arrays: list[np.ndarray],
                          positions: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""One-site ``(L, d, d)`` reduced density matrices by site and two-site ``(n_bonds, d^2,
    d^2)`` ones by bond of ``model.bonds`` (the ring's closing bond (L-1, 0) included), in the
    basis :math:`(s_a s_b)` of the bond (a, b), each of trace one, of an MPS whose position k
    holds site ``positions[k]`` (None: the natural order; a ring's TEBD state is folded,
    :func:`mpo.tebd.site_order`). Left and right trace environments are built once; a pair
    at distance r costs r environment steps."""
    d, L = local_dim(arrays), len(arrays)
    where = np.arange(L) if positions is None else np.argsort(positions)  # position of site
    left, right = _environments(arrays)
    one = np.empty((L, d, d), dtype=complex)
    for q, a in enumerate(arrays):
        r = np.einsum("l,lpr,r->p", left[q], a, right[q]).reshape(d, d)
        one[q if positions is None else positions[q]] = r / np.trace(r)
    two = []
    for a, b in model.bonds:
        r = _pair(arrays, left, right, *sorted((where[a], where[b])))
        if where[a] > where[b]:  # positions (b, a): exchange the two sites
            r = r.reshape(d, d, d, d).transpose(1, 0, 3, 2).reshape(d * d, d * d)
        two.append(r)
    return one, np.array(two)


def bond_currents(model: ProductChain, two: np.ndarray) -> dict[str, np.ndarray]:
    r"""Each of :meth:`~manybody.models.ProductChain.current_terms` per bond of
    ``model.bonds``, :math:`\mathrm{Tr}(I_b\rho_{b})`, from the two-site reduced density
    matrices ``two`` (one per bond, in the bond's own basis, as
    :func:`bond_density_matrices`)."""
    terms = [model.current_terms(bond) for bond in model.bonds]
    return {k: np.array([np.real(np.trace(model.local_operator(t[k], bond) @ rho2))
                         for bond, t, rho2 in zip(model.bonds, terms, two, strict=True)])
            for k in terms[0]}


def observables(model: ProductChain, arrays: list[np.ndarray],
                positions: list[int] | None = None) -> dict:
    r"""Bond currents and site observables of an MPS state of ``model`` (open chain or ring)
    whose position k holds site ``positions[k]`` (None: natural order).

    Returns ``currents`` (each of :meth:`~manybody.models.ProductChain.current_terms`, e.g.
    :math:`I^J, I^\eta, I^\lambda, I^\xi` of Eqs. 14-15 of the spin-ring paper, per bond of
    ``model.bonds`` :math:`\mathrm{Tr}(I_b\rho_{b,b+1})` from
    :func:`bond_density_matrices`, the ring's closing bond (L-1, 0) last),
    ``current_profile`` (the sum of the model's ``PROFILE_PARTS`` per bond, as
    :func:`manybody.observables.chain_observables`), ``current`` (its mean over bonds), one
    array per site for each of the model's ``SITE_OBSERVABLES`` (``sz`` for spins, ``n`` for
    bosons: :math:`\mathrm{Tr}(O\rho_j)`), ``rdm_min_eigenvalue`` (smallest eigenvalue of the
    Hermitian parts of the two-site reduced density matrices: negative beyond round-off means
    truncation broke positivity) and ``hermiticity_error`` (largest :math:`\lVert\rho_2 -
    \rho_2^\dagger\rVert_\max`).
    """
    d = local_dim(arrays)
    if d != model.local_dim:
        raise ValueError(f"arrays of local dimension {d} for {type(model).__name__} of local "
                         f"dimension {model.local_dim}")
    one, two = bond_density_matrices(model, arrays, positions)
    currents = bond_currents(model, two)
    profile = sum(currents[k] for k in model.PROFILE_PARTS)
    herm = 0.5 * (two + np.conj(np.swapaxes(two, 1, 2)))
    sites = {name: np.real(np.einsum("ab,jba->j", model.local_ops[op], one))
             for name, op in model.SITE_OBSERVABLES.items()}
    return {"current": float(profile.mean()), "current_profile": profile, "currents": currents,
            **sites, "rdm_min_eigenvalue": float(np.linalg.eigvalsh(herm).min()),
            "hermiticity_error": float(np.abs(two - herm).max())}


def _right_canonical(arrays: list[np.ndarray]) -> tuple[list[np.ndarray], float]:
    """Right-canonical copy of ``arrays`` with the first tensor of unit norm, and the log of
    the MPS 2-norm (-inf for the zero vector); the R factors are rescaled site by site."""
    A = [np.array(a, dtype=complex) for a in arrays]
    log = 0.0
    for j in range(len(A) - 1, 0, -1):
        nl, p, r = A[j].shape
        q, rr = np.linalg.qr(A[j].reshape(nl, p * r).T)
        A[j] = q.T.reshape(-1, p, r)
        A[j - 1] = np.tensordot(A[j - 1], rr.T, axes=(2, 0))
        scale = np.linalg.norm(A[j - 1])
        if not np.isfinite(scale):
            raise FloatingPointError(f"MPS norm became {scale} at site {j - 1}")
        if scale == 0:
            return A, -np.inf
        A[j - 1], log = A[j - 1] / scale, log + np.log(scale)
    return A, float(log)


def schmidt_spectra(arrays: list[np.ndarray]) -> tuple[list[np.ndarray], float]:
    r"""Schmidt values of :math:`\mathrm{vec}(\rho)/\lVert\mathrm{vec}(\rho)\rVert_2` at every
    cut of the MPS ordering, and :math:`\ln\lVert\mathrm{vec}(\rho)\rVert_2`.

    A QR sweep from the right brings the arrays to right-canonical form (its rescaled R
    factors accumulate the log norm, so long chains neither overflow nor underflow); an SVD
    sweep from the left then yields at cut j (between sites j and j+1) the singular values
    :math:`\lambda_{j,k}`, normalized to :math:`\sum_k\lambda_{j,k}^2 = 1`.
    """
    A, log = _right_canonical(arrays)
    if not np.isfinite(log):
        raise FloatingPointError("the MPS is the zero vector")
    center = A[0]
    spectra = []
    for j in range(len(A) - 1):
        nl, p, r = center.shape
        u, s, vh = np.linalg.svd(center.reshape(nl * p, r), full_matrices=False)
        spectra.append(s / np.linalg.norm(s))
        center = np.tensordot(s[:, None] * vh, A[j + 1], axes=(1, 0))
    return spectra, log


def operator_entanglement(arrays: list[np.ndarray]) -> np.ndarray:
    r"""Operator-space entanglement entropy at every cut j = 0..L-2 (between sites j, j+1 of
    the MPS ordering): :math:`S_j = -\sum_k p_{j,k}\ln p_{j,k}` with
    :math:`p_{j,k} = \lambda_{j,k}^2` the squared Schmidt values of the Hilbert-Schmidt
    normalized :math:`\mathrm{vec}(\rho)/\lVert\rho\rVert_F` (:func:`schmidt_spectra`);
    natural logarithm, 0 for a product operator, at most :math:`2\ln d\,\min(j+1, L-j-1)`."""
    out = []
    for s in schmidt_spectra(arrays)[0]:
        p = s**2
        p = p[p > 0]
        out.append(float(-np.sum(p * np.log(p))))
    return np.array(out)


def purity(arrays: list[np.ndarray]) -> float:
    r"""Purity :math:`\mathrm{Tr}\rho^2 = \lVert\mathrm{vec}(\rho)\rVert_2^2/(\mathrm{Tr}\rho)^2`
    of the normalized state (for Hermitian ρ; in general this is
    :math:`\mathrm{Tr}\rho^\dagger\rho/|\mathrm{Tr}\rho|^2`): the MPS norm is not the trace."""
    log_norm = _right_canonical(arrays)[1]
    log_tr = log_trace(arrays)[1]
    return float(np.exp(2.0 * (log_norm - log_tr)))


def _adjoint(a: np.ndarray) -> np.ndarray:
    """Site tensor of :math:`\\rho^\\dagger`: swap s and s' in p = ds + s', conjugate."""
    nl, p, r = a.shape
    d = int(round(np.sqrt(p)))
    return np.conj(a.reshape(nl, d, d, r).transpose(0, 2, 1, 3).reshape(nl, p, r))


def hermiticity_error(arrays: list[np.ndarray]) -> float:
    r""":math:`\lVert\rho - \rho^\dagger\rVert_F / \lVert\rho\rVert_F` of the whole state.

    :math:`\rho - \rho^\dagger` is the MPS of bond dimension 2χ with block-diagonal bulk
    tensors :math:`\mathrm{diag}(A_j, \bar A_j)` (the adjoint's tensors, with the sign on the
    first site); its norm comes from a rescaled QR sweep, which forms the difference inside
    the first tensor, so the error floor is ~1e-16 rather than the ~1e-8 of
    :math:`\sqrt{2\lVert\rho\rVert^2 - 2\,\mathrm{Re}\,\mathrm{Tr}\rho^2}`."""
    L = len(arrays)
    diff = []
    for j, a in enumerate(arrays):
        b = _adjoint(a)
        if j == 0:
            diff.append(np.concatenate([a, -b], axis=2))
        elif j == L - 1:
            diff.append(np.concatenate([a, b], axis=0))
        else:
            nl, p, r = a.shape
            t = np.zeros((2 * nl, p, 2 * r), dtype=complex)
            t[:nl, :, :r], t[nl:, :, r:] = a, b
            diff.append(t)
    return float(np.exp(_right_canonical(diff)[1] - _right_canonical(arrays)[1]))


def pair_entanglement(two_site: np.ndarray) -> dict:
    """``negativity`` and von Neumann ``entropy`` (:func:`manybody.observables.
    two_site_entanglement`) of each two-site reduced density matrix in ``two_site``
    (shape (n, d^2, d^2), e.g. the neighbouring pairs of :func:`reduced_density_matrices`)."""
    rows = [two_site_entanglement(r) for r in two_site]
    return {k: np.array([row[k] for row in rows]) for k in ("negativity", "entropy")}
