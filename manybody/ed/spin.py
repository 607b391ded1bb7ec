r"""Exact Lindblad steady states of spin-1/2 chains, reduced by their symmetries.

A symmetry g of the Liouvillian (a site permutation: translation on a ring, the reflection
j -> L-1-j) maps the unique steady state to itself, and so does the global parity
:math:`P = \prod_j \sigma^z_j` when H is even and every jump has a definite parity. The steady
state is therefore a combination of *orbit sums* :math:`\sum_{(s,s')\in o}|s\rangle\langle s'|`
over the orbits o of basis pairs under the group (pairs of equal parity only), and the
Liouvillian restricted to them is the reduced matrix

.. math:: M_{o'o} = \sum_{(s,s')\in o} \mathcal L_{(r,r'),(s,s')},

with (r, r') any representative of o'. Its row (r, r') follows from the sparse rows of
:math:`K = H - \tfrac i2\sum_m L_m^\dagger L_m` and of the jumps, since
:math:`\mathcal L\rho = -iK\rho + i\rho K^\dagger + \sum_m L_m\rho L_m^\dagger`. The reduction
is about 2|G| (|G| = 2L for a reflection-symmetric ring). The reduced system, one row
replaced by the trace, is solved by Jacobi-preconditioned BiCGSTAB (ring of 9: 0.08 s; GMRES
0.4 s); sparse LU fills in almost completely (38 million entries for 7542 unknowns, 18 s).
"""

from __future__ import annotations

import time

import numba
import numpy as np
import qutip
from scipy import sparse
from scipy.sparse.linalg import expm_multiply

from .. import _validate, observables
from ..errors import SizeError
from ..models.spin import SpinChain
from ..result import Result
from .checks import chain_state_checks, worst
from .momentum import stationary_solve

MAX_SPIN_ORBITS = 400_000  # reduced unknowns (ring of 12: ~350 000)
MAX_DIRECT_SITES = 7  # "direct": qutip.steadystate on the whole 4^L space


def orbit_estimate(model: SpinChain, L: int | None = None) -> float:
    r"""About how many symmetric unknowns the model has at ``L`` sites (default its own):
    :math:`4^L/(|G|\,p)`, |G| the symmetry group order, p = 2 with parity (a slight
    underestimate: pairs fixed by a symmetry make some orbits smaller)."""
    L = model.L if L is None else L
    order = (L if model.translation_symmetric else 1) * (2 if model.reflection_symmetric else 1)
    return 4.0**L / order / (2 if model.parity_symmetric else 1)


def _largest(fits, L: int) -> int:
    """The largest size below ``L`` for which ``fits(size)`` holds (at least 2)."""
    while L > 2 and not fits(L):
        L -= 1
    return L


def check_size(model: SpinChain) -> None:
    """Refuse a chain whose symmetric reduction exceeds :data:`MAX_SPIN_ORBITS` unknowns or the
    available memory, before anything of size 4^L is allocated.

    The peak memory (measured within a factor 2, see the tests) is the reduced matrix's COO
    triplets, 48 bytes for each of at most ``bound`` entries per unknown (``bound`` from the
    sparsity of H and the jumps, scaled with L), plus 64 bytes per basis pair for the
    enumeration of the orbits and the dense density matrix with its temporaries.
    """
    L = model.L
    if orbit_estimate(model) > MAX_SPIN_ORBITS:
        largest = _largest(lambda n: orbit_estimate(model, n) <= MAX_SPIN_ORBITS, L)
        raise SizeError(f"L={L}: the symmetric spin ED would have about "
                        f"{orbit_estimate(model):.2g} unknowns > MAX_SPIN_ORBITS="
                        f"{MAX_SPIN_ORBITS}; the largest L of this model is {largest}")
    bound = _row_bound(model)
    _validate.memory_guard(
        "the symmetric spin ED", "L", L,
        lambda n: 48 * orbit_estimate(model, n) * bound * n / L + 64 * 4.0**n, minimum=2)


def _row_bound(model: SpinChain, K: sparse.csr_matrix | None = None,
               jumps: list | None = None) -> int:
    """Entries per row of the reduced Liouvillian at most: 2 (K rows) + jumps x (jump rows)^2."""
    if K is None:
        K, jumps = _effective_hamiltonian(model)
    row_nnz = max((int(np.diff(j.indptr).max()) for j in jumps), default=0)
    return 2 * int(np.diff(K.indptr).max()) + max(len(jumps), 1) * row_nnz**2


def _effective_hamiltonian(model: SpinChain) -> tuple[sparse.csr_matrix, list]:
    r""":math:`K = H - \tfrac i2\sum_m L_m^\dagger L_m` and the jumps, as CSR matrices."""
    H, jumps = model.hamiltonian(), [sparse.csr_matrix(j) for j in model.jumps()]
    K = H - 0.5j * sum((Lm.conj().T @ Lm for Lm in jumps), sparse.csr_matrix(H.shape))
    return sparse.csr_matrix(K), jumps


def symmetry_group(model: SpinChain) -> np.ndarray:
    """``(|G|, 2^L)`` table of the basis-state permutations of the model's site symmetries."""
    L = model.L
    states = np.arange(2**L)
    bits = (states[:, None] >> (L - 1 - np.arange(L))) & 1  # bits[s, j]: site j
    perms = [np.arange(L)]
    if model.translation_symmetric:
        perms = [(np.arange(L) - t) % L for t in range(L)]
    if model.reflection_symmetric:
        perms += [p[::-1] for p in perms]
    weights = 1 << (L - 1 - np.arange(L))
    return np.array([bits[:, p] @ weights for p in perms], dtype=np.int64)


@numba.njit(cache=True)
def _canonical(group, L, s, sp):
    best = -1
    for g in range(group.shape[0]):
        key = (group[g, s] << L) | group[g, sp]
        if best < 0 or key < best:
            best = key
    return best


@numba.njit(cache=True)
def _all_canonical(group, L, parity):
    dim = 1 << L
    out = np.empty(dim * dim // 2 if parity else dim * dim, dtype=np.int64)
    n = 0
    for s in range(dim):
        for sp in range(dim):
            if parity and (_popcount(s) + _popcount(sp)) % 2:
                continue
            out[n] = _canonical(group, L, s, sp)
            n += 1
    return out[:n]


@numba.njit(cache=True)
def _popcount(x):
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


@numba.njit(cache=True)
def _reduced_rows(keys, group, L, Kp, Ki, Kx, Jp, Ji, Jx, n_jumps, dim, bound):
    """COO entries of the reduced Liouvillian; Jp/Ji/Jx stack the jumps' CSR arrays."""
    n = keys.size
    rows = np.empty(n * bound, dtype=np.int64)
    cols = np.empty(n * bound, dtype=np.int64)
    vals = np.empty(n * bound, dtype=np.complex128)
    mask = (1 << L) - 1
    c = 0
    for o in range(n):
        r, rp = keys[o] >> L, keys[o] & mask
        for q in range(Kp[r], Kp[r + 1]):  # -i K rho
            rows[c], cols[c], vals[c] = o, _canonical(group, L, Ki[q], rp), -1j * Kx[q]
            c += 1
        for q in range(Kp[rp], Kp[rp + 1]):  # +i rho K^dagger
            rows[c], cols[c] = o, _canonical(group, L, r, Ki[q])
            vals[c] = 1j * np.conj(Kx[q])
            c += 1
        for m in range(n_jumps):  # L rho L^dagger
            base = m * (dim + 1)
            for q in range(Jp[base + r], Jp[base + r + 1]):
                for qq in range(Jp[base + rp], Jp[base + rp + 1]):
                    rows[c], cols[c] = o, _canonical(group, L, Ji[q], Ji[qq])
                    vals[c] = Jx[q] * np.conj(Jx[qq])
                    c += 1
    out_cols = np.searchsorted(keys, cols[:c])
    return rows[:c], out_cols, vals[:c]


@numba.njit(cache=True)
def _unpack(keys, coeffs, group, L, parity):
    dim = 1 << L
    rho = np.zeros((dim, dim), dtype=np.complex128)
    for s in range(dim):
        for sp in range(dim):
            if parity and (_popcount(s) + _popcount(sp)) % 2:
                continue
            rho[s, sp] = coeffs[np.searchsorted(keys, _canonical(group, L, s, sp))]
    return rho


class SymmetricLiouvillian:
    """The Liouvillian of a spin chain reduced to the symmetric orbit sums.

    Attributes
    ----------
    keys : ndarray
        Sorted canonical pair keys ``(s << L) | s'``, one per orbit.
    sizes : ndarray
        Number of basis pairs in each orbit.
    matrix : scipy.sparse.csr_matrix
        The reduced Liouvillian :math:`M_{o'o}`.
    """

    def __init__(self, model: SpinChain) -> None:
        _validate.instance("model", model, SpinChain)
        check_size(model)
        L = model.L
        self.model, self.L = model, L
        self.parity = model.parity_symmetric
        self.group = symmetry_group(model)
        canon = _all_canonical(self.group, L, self.parity)
        self.keys, self.sizes = np.unique(canon, return_counts=True)
        del canon
        if self.keys.size > MAX_SPIN_ORBITS:
            raise SizeError(f"L={L}: {self.keys.size} symmetric unknowns > MAX_SPIN_ORBITS="
                            f"{MAX_SPIN_ORBITS}; use L={L - 1} or less")
        K, jumps = _effective_hamiltonian(model)
        dim = 2**L
        Js = jumps or [sparse.csr_matrix((dim, dim))]
        offsets = np.cumsum([0] + [j.nnz for j in Js[:-1]])
        Jp = np.concatenate([j.indptr + off for j, off in zip(Js, offsets, strict=True)])
        Ji = np.concatenate([j.indices for j in Js]).astype(np.int64)
        Jx = np.concatenate([j.data for j in Js]).astype(complex)
        bound = _row_bound(model, K, Js)
        r, c, v = _reduced_rows(self.keys, self.group, L, K.indptr.astype(np.int64),
                                K.indices.astype(np.int64), K.data.astype(complex),
                                Jp.astype(np.int64), Ji, Jx, len(Js), dim, bound)
        n = self.keys.size
        self.matrix = sparse.csr_matrix((v, (r, c)), shape=(n, n))
        mask = (1 << L) - 1
        self.trace_row = np.where((self.keys >> L) == (self.keys & mask), self.sizes, 0)

    def steady_state(self) -> tuple[np.ndarray, float]:
        """Orbit coefficients of the trace-one steady state and the residual max|M c|.

        :func:`~manybody.ed.momentum.stationary_solve` solves twice, from zero and from a
        random start: on a singular system (several steady states, e.g. the dark states of
        the minimal model at delta = 0 on even rings) the solutions differ and
        :class:`~manybody.errors.DegenerateSteadyStateError` is raised.
        """
        c = stationary_solve(self.matrix, self.trace_row.astype(complex), tol=1e-13,
                             krylov="bicgstab", what=_name(self.model, "symmetric sector"))
        return c, float(np.abs(self.matrix @ c).max())

    def density_matrix(self, coeffs: np.ndarray) -> np.ndarray:
        """The full ``(2^L, 2^L)`` density matrix of orbit coefficients."""
        return _unpack(self.keys, np.asarray(coeffs, dtype=complex), self.group, self.L,
                       self.parity)


def _name(model: SpinChain, method: str) -> str:
    return f"{type(model).__name__}(L={model.L}, method={method!r})"


def steady_state(model: SpinChain, method: str = "symmetric") -> Result:
    r"""Exact steady state of a spin chain.

    Parameters
    ----------
    model : SpinChain
        E.g. :class:`~manybody.models.MetelmannClerkRing`; rings to L = 12.
    method : {"symmetric", "direct"}
        "symmetric": the reduced Liouvillian of this module (default); "direct":
        ``qutip.steadystate`` on the full :math:`4^L` space (the reference, L <= 7), after
        two BiCGSTAB solves of the same system from different starts check that the steady
        state is unique.

    Returns
    -------
    Result
        ``current`` the circulating current :math:`I^J + I^\eta` averaged over bonds;
        ``observables`` with ``current_profile`` (per bond, bond order of
        :attr:`~manybody.models.SpinChain.bonds`), ``currents`` (each of Eqs. 14-15 per
        bond), ``sz`` per site, ``purity`` (Eq. 20), ``negativity`` (Eq. 19) and
        ``entropy`` of the sites (0, 1); diagnostics: residual, the physical checks of
        :func:`~manybody.ed.checks.chain_state_checks` (trace and hermiticity errors, smallest
        eigenvalues of the one- and two-site reduced states), number of unknowns, symmetry
        group order, wall time.

    Raises
    ------
    DegenerateSteadyStateError
        If the model has more than one steady state (either method).
    SizeError
        Above :data:`MAX_SPIN_ORBITS` symmetric unknowns, above the available memory, or
        "direct" above :data:`MAX_DIRECT_SITES` sites; before any large allocation.
    UnphysicalStateError
        If the state fails a physical check.
    """
    t0 = time.perf_counter()
    _validate.instance("model", model, SpinChain)
    _validate.choice("method", method, ("symmetric", "direct"))
    if method == "direct":
        if model.L > MAX_DIRECT_SITES:
            raise SizeError(f"L={model.L}: method='direct' needs L <= MAX_DIRECT_SITES="
                            f"{MAX_DIRECT_SITES}; use method='symmetric'")
        H = qutip.Qobj(model.hamiltonian())
        c_ops = [qutip.Qobj(j) for j in model.jumps()]
        Lq = qutip.liouvillian(H, c_ops)
        dim = 2**model.L
        trace = np.zeros(dim * dim)
        trace[np.arange(dim) * (dim + 1)] = 1.0
        stationary_solve(Lq.data_as("csr_matrix"), trace, krylov="bicgstab",
                         what=_name(model, method))  # raises if not unique
        rho_q = qutip.steadystate(H, c_ops)
        rho = rho_q.full()
        residual = float(np.abs((Lq * qutip.operator_to_vector(rho_q)).full()).max())
        extra = {"unknowns": 4**model.L, "group_order": 1, "parity": False}
    else:
        red = SymmetricLiouvillian(model)
        coeffs, residual = red.steady_state()
        rho = red.density_matrix(coeffs)
        extra = {"unknowns": int(red.keys.size), "group_order": int(red.group.shape[0]),
                 "parity": red.parity}
    checks = chain_state_checks(model, rho, _name(model, method))
    obs = observables.chain_observables(model, rho)
    return Result(
        method="ed", kind="steady_state", model=model.params(), options={"method": method},
        current=obs.pop("current"), observables=obs,
        diagnostics={"residual": residual, **checks, **extra,
                     "wall_time": time.perf_counter() - t0},
    )


def evolve(model: SpinChain, times, initial: str = "down") -> Result:
    r"""Exact dynamics :math:`\rho(t) = e^{\mathcal L t}\rho(0)` in the symmetric space.

    With several steady states the long-time limit depends on ``initial`` and is still well
    defined, so this does not check uniqueness (:func:`steady_state` does).

    Parameters
    ----------
    model : SpinChain
        As for :func:`steady_state`.
    times : array
        Increasing output times (units of 1/mu), starting at the initial time.
    initial : {"down", "up", "mixed"}
        All spins down, all up, or the maximally mixed state: symmetric under every
        symmetry of the model, so the dynamics stays in the reduced space.

    Returns
    -------
    Result
        A trajectory: ``current`` per time, ``observables`` with ``sz`` and
        ``current_profile`` per time; ``diagnostics["trace_drift"]`` and the worst values of
        the physical checks over the times (:func:`~manybody.ed.checks.chain_state_checks`).

    Raises
    ------
    UnphysicalStateError
        If a state fails a physical check (a trace drift above 1e-8 included).
    """
    t0 = time.perf_counter()
    _validate.instance("model", model, SpinChain)
    times = _validate.output_times(times)
    _validate.choice("initial", initial, ("down", "up", "mixed"))
    red = SymmetricLiouvillian(model)
    L, dim = model.L, 2**model.L
    diagonal = (red.keys >> L) == (red.keys & (dim - 1))
    c = np.zeros(red.keys.size, dtype=complex)
    if initial == "mixed":
        c[diagonal] = 1.0 / dim
    else:
        s = dim - 1 if initial == "down" else 0  # bit 1 = down
        c[np.searchsorted(red.keys, (s << L) | s)] = 1.0
    rows, checks = [], []
    for i in range(times.size):
        if i:
            c = expm_multiply(red.matrix * (times[i] - times[i - 1]), c)
        rho = red.density_matrix(c)
        checks.append(chain_state_checks(model, rho, f"{_name(model, 'evolve')} at t="
                                                    f"{times[i]:g}"))
        rows.append(observables.chain_observables(model, rho))
    return Result(
        method="ed", kind="trajectory", model=model.params(), options={"initial": initial},
        current=np.array([r["current"] for r in rows]), times=times,
        observables={k: np.array([r[k] for r in rows])
                     for k in ("sz", "current_profile", "purity", "negativity")},
        diagnostics={"trace_drift": max(ch["trace_error"] for ch in checks),
                     **worst(checks), "unknowns": int(red.keys.size),
                     "wall_time": time.perf_counter() - t0},
    )
