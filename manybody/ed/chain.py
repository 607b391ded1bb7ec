r"""Exact Lindblad steady states of product chains (spins-1/2, truncated bosons), reduced by
their symmetries.

A symmetry g of the Liouvillian (a site permutation: translation on a ring, the reflection
j -> L-1-j) maps the unique steady state to itself, and so does the global parity P
(:math:`\prod_j \sigma^z_j` for spins, :math:`(-1)^N` for bosons) when H is even and every jump
has a definite parity. The steady state is therefore a combination of *orbit sums*
:math:`\sum_{(s,s')\in o}|s\rangle\langle s'|` over the orbits o of basis pairs under the
group (pairs of equal parity only), and the Liouvillian restricted to them is the reduced matrix

.. math:: M_{o'o} = \sum_{(s,s')\in o} \mathcal L_{(r,r'),(s,s')},

with (r, r') any representative of o'. Its row (r, r') follows from the sparse rows of
:math:`K = H - \tfrac i2\sum_m L_m^\dagger L_m` and of the jumps, since
:math:`\mathcal L\rho = -iK\rho + i\rho K^\dagger + \sum_m L_m\rho L_m^\dagger`. The reduction
is about :math:`2|G|` (:math:`|G| = 2L` for a reflection-symmetric ring). The reduced system,
one row replaced by the trace, is solved by Jacobi-preconditioned BiCGSTAB (ring of 9: 0.08 s; GMRES
0.4 s); sparse LU fills in almost completely (38 million entries for 7542 unknowns, 18 s).

Basis states are indices in base d (the local dimension), site j the digit L-1-j
(:mod:`manybody.models.spin`); a pair (s, s') has the key :math:`s\,d^L + s'`. The parity of a
basis state is that of its digit sum: a spin's digit is 1 when down, a boson's local state
k holds :math:`n_{max} - k` bosons, and every parity-odd local operator changes the digit by
one, so the pairs of equal digit-sum parity are the parity-even ones.
"""

from __future__ import annotations

import time
import warnings

import numba
import numpy as np
import qutip
from scipy import sparse
from scipy.sparse.linalg import expm_multiply

from .. import _validate, observables
from ..errors import SizeError, TruncationWarning
from ..models.spin import ProductChain
from ..result import Result
from .checks import chain_state_checks, worst
from .momentum import stationary_solve
from .orbits import all_canonical, canonical, state_parity, symmetry_group, unpack_orbits
from .states import ChainState

MAX_ORBITS = 400_000  # reduced unknowns (spin ring of 12: ~350 000)
TRUNCATION_WARN = 1e-3  # current change under n_max -> n_max + 1 above which to warn
MAX_DIRECT_DIM = 2**7  # "direct": qutip.steadystate on the whole d^(2L) space, d^L at most this


def orbit_estimate(model: ProductChain, L: int | None = None) -> float:
    r"""About how many symmetric unknowns the model has at ``L`` sites (default its own):
    :math:`d^{2L}/(|G|\,p)`, :math:`|G|` the symmetry group order, p = 2 with parity (a slight
    underestimate: pairs fixed by a symmetry make some orbits smaller)."""
    L = model.L if L is None else L
    order = (L if model.translation_symmetric else 1) * (2 if model.reflection_symmetric else 1)
    return float(model.local_dim) ** (2 * L) / order / (2 if model.parity_symmetric else 1)


def _largest(fits, L: int) -> int:
    """The largest size below ``L`` for which ``fits(size)`` holds (at least 2)."""
    while L > 2 and not fits(L):
        L -= 1
    return L


def check_size(model: ProductChain) -> None:
    """Refuse a chain whose symmetric reduction exceeds :data:`MAX_ORBITS` unknowns or the
    available memory, before anything of size d^(2L) is allocated.

    The peak memory (measured within a factor 2, see the tests) is the reduced matrix's COO
    triplets, 48 bytes for each of at most ``bound`` entries per unknown (``bound`` from the
    sparsity of H and the jumps, scaled with L), plus 64 bytes per basis pair for the
    enumeration of the orbits and the dense density matrix with its temporaries.
    """
    L, d = model.L, model.local_dim
    if orbit_estimate(model) > MAX_ORBITS:
        largest = _largest(lambda n: orbit_estimate(model, n) <= MAX_ORBITS, L)
        raise SizeError(f"L={L}: the symmetric ED would have about "
                        f"{orbit_estimate(model):.2g} unknowns > MAX_ORBITS="
                        f"{MAX_ORBITS}; the largest L of this model is {largest}")
    bound = _row_bound(model)
    _validate.memory_guard(
        "the symmetric ED", "L", L,
        lambda n: 48 * orbit_estimate(model, n) * bound * n / L + 64 * float(d) ** (2 * n),
        minimum=2)


def _row_bound(model: ProductChain, K: sparse.csr_matrix | None = None,
               jumps: list | None = None) -> int:
    """Entries per row of the reduced Liouvillian at most: 2 (K rows) + jumps x (jump rows)^2."""
    if K is None:
        K, jumps = _effective_hamiltonian(model)
    row_nnz = max((int(np.diff(j.indptr).max()) for j in jumps), default=0)
    return 2 * int(np.diff(K.indptr).max()) + max(len(jumps), 1) * row_nnz**2


def _effective_hamiltonian(model: ProductChain) -> tuple[sparse.csr_matrix, list]:
    r""":math:`K = H - \tfrac i2\sum_m L_m^\dagger L_m` and the jumps, as CSR matrices."""
    H, jumps = model.hamiltonian(), [sparse.csr_matrix(j) for j in model.jumps()]
    K = H - 0.5j * sum((Lm.conj().T @ Lm for Lm in jumps), sparse.csr_matrix(H.shape))
    return sparse.csr_matrix(K), jumps


@numba.njit(cache=True)
def _reduced_rows(keys, group, Kp, Ki, Kx, Jp, Ji, Jx, n_jumps, bound):
    """COO entries of the reduced Liouvillian; Jp/Ji/Jx stack the jumps' CSR arrays."""
    n, dim = keys.size, group.shape[1]
    rows = np.empty(n * bound, dtype=np.int64)
    cols = np.empty(n * bound, dtype=np.int64)
    vals = np.empty(n * bound, dtype=np.complex128)
    c = 0
    for o in range(n):
        r, rp = keys[o] // dim, keys[o] % dim
        for q in range(Kp[r], Kp[r + 1]):  # -i K rho
            rows[c], cols[c], vals[c] = o, canonical(group, dim, Ki[q], rp), -1j * Kx[q]
            c += 1
        for q in range(Kp[rp], Kp[rp + 1]):  # +i rho K^dagger
            rows[c], cols[c] = o, canonical(group, dim, r, Ki[q])
            vals[c] = 1j * np.conj(Kx[q])
            c += 1
        for m in range(n_jumps):  # L rho L^dagger
            base = m * (dim + 1)
            for q in range(Jp[base + r], Jp[base + r + 1]):
                for qq in range(Jp[base + rp], Jp[base + rp + 1]):
                    rows[c], cols[c] = o, canonical(group, dim, Ji[q], Ji[qq])
                    vals[c] = Jx[q] * np.conj(Jx[qq])
                    c += 1
    out_cols = np.searchsorted(keys, cols[:c])
    return rows[:c], out_cols, vals[:c]


class SymmetricLiouvillian:
    """The Liouvillian of a product chain reduced to the symmetric orbit sums.

    Attributes
    ----------
    keys : ndarray
        Sorted canonical pair keys :math:`s\\,d^L + s'`, one per orbit.
    sizes : ndarray
        Number of basis pairs in each orbit.
    matrix : scipy.sparse.csr_matrix
        The reduced Liouvillian :math:`M_{o'o}`.
    """

    def __init__(self, model: ProductChain) -> None:
        _validate.instance("model", model, ProductChain)
        check_size(model)
        L = model.L
        self.model, self.L, self.dim = model, L, model.local_dim**L
        self.parity = model.parity_symmetric
        self.group = symmetry_group(model)
        self.state_parity = state_parity(model)
        canon = all_canonical(self.group, self.state_parity, self.parity)
        self.keys, self.sizes = np.unique(canon, return_counts=True)
        del canon
        if self.keys.size > MAX_ORBITS:
            raise SizeError(f"L={L}: {self.keys.size} symmetric unknowns > MAX_ORBITS="
                            f"{MAX_ORBITS}; use L={L - 1} or less")
        K, jumps = _effective_hamiltonian(model)
        dim = self.dim
        Js = jumps or [sparse.csr_matrix((dim, dim))]
        offsets = np.cumsum([0] + [j.nnz for j in Js[:-1]])
        Jp = np.concatenate([j.indptr + off for j, off in zip(Js, offsets, strict=True)])
        Ji = np.concatenate([j.indices for j in Js]).astype(np.int64)
        Jx = np.concatenate([j.data for j in Js]).astype(complex)
        bound = _row_bound(model, K, Js)
        r, c, v = _reduced_rows(self.keys, self.group, K.indptr.astype(np.int64),
                                K.indices.astype(np.int64), K.data.astype(complex),
                                Jp.astype(np.int64), Ji, Jx, len(Js), bound)
        n = self.keys.size
        self.matrix = sparse.csr_matrix((v, (r, c)), shape=(n, n))
        self.trace_row = np.where(self.keys // dim == self.keys % dim, self.sizes, 0)

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
        """The full ``(d^L, d^L)`` density matrix of orbit coefficients."""
        return unpack_orbits(self.keys, np.asarray(coeffs, dtype=complex), self.group,
                       self.state_parity, self.parity)


def _name(model: ProductChain, method: str) -> str:
    return f"{type(model).__name__}(L={model.L}, method={method!r})"


def steady_state(model: ProductChain, method: str = "symmetric", truncation: bool = True,
                 state: bool = False) -> Result:
    r"""Exact steady state of a product chain (spins, truncated bosons).

    Parameters
    ----------
    model : ProductChain
        E.g. :class:`~manybody.models.MetelmannClerkRing` (rings to L = 12) or
        :class:`~manybody.models.BoseHubbardRing` (d = n_max + 1; rings of 6 at n_max = 3).
    method : {"symmetric", "direct"}
        "symmetric": the reduced Liouvillian of this module (default); "direct":
        ``qutip.steadystate`` on the full :math:`d^{2L}` space (the reference, d^L <= 128), after
        two BiCGSTAB solves of the same system from different starts check that the steady
        state is unique.
    truncation : bool
        For a truncated model (bosons, :meth:`~manybody.models.ProductChain.refined` not None):
        also solve the next truncation (n_max + 1) and report the change (default). If that
        model does not fit, the change is NaN and a :class:`~manybody.errors.TruncationWarning`
        says so. The change is an indicator of the truncation error, not a bound: near an
        instability the truncation converges slowly (ring L = 3, α = 2, δ = 1, κ = 1,
        U = 0: change of the current 0.080 from n_max = 3 to 4, error of n_max = 3 against the
        exact Gaussian current 0.145; L = 4: 0.14 from 4 to 5 against 0.38).
    state : bool
        Also return the state, ``Result.state`` a :class:`~manybody.ed.states.ChainState`
        (the orbit coefficients; ``expect``, ``to_qobj``; default False).

    Returns
    -------
    Result
        ``current`` the circulating current :math:`I^J + I^\eta` averaged over bonds;
        ``observables`` with ``current_profile`` (per bond, bond order of
        :attr:`~manybody.models.SpinChain.bonds`), ``currents`` (each of Eqs. 14-15 per
        bond), the model's site observables (``sz`` for spins, ``n`` for bosons),
        ``purity`` (Eq. 20), ``negativity`` (Eq. 19) and ``entropy`` of the sites (0, 1);
        diagnostics: residual, the physical checks of
        :func:`~manybody.ed.checks.chain_state_checks` (trace and hermiticity errors, smallest
        eigenvalues of the one- and two-site reduced states), number of unknowns, symmetry
        group order, wall time, and for a truncated model ``truncation_change`` (max over
        bonds of the change of ``current_profile`` under n_max -> n_max + 1) and
        ``truncation_change_sites`` (max change of the site observables).

    Raises
    ------
    DegenerateSteadyStateError
        If the model has more than one steady state (either method).
    SizeError
        Above :data:`MAX_ORBITS` symmetric unknowns, above the available memory, or
        "direct" above d^L = :data:`MAX_DIRECT_DIM`; before any large allocation.
    UnphysicalStateError
        If the state fails a physical check.

    Warns
    -----
    TruncationWarning
        If the truncation change exceeds :data:`TRUNCATION_WARN` or could not be measured.
    """
    t0 = time.perf_counter()
    _validate.instance("model", model, ProductChain)
    _validate.choice("method", method, ("symmetric", "direct"))
    _validate.boolean("state", state)
    rho, diagnostics, held = _solve(model, method)
    obs = observables.chain_observables(model, rho)
    finer = model.refined() if truncation else None
    if finer is not None:
        diagnostics |= _truncation_change(model, finer, method, obs)
    return Result(
        method="ed", kind="steady_state", model=model.params(),
        options={"method": method, "truncation": truncation},
        current=obs.pop("current"), observables=obs,
        diagnostics={**diagnostics, "wall_time": time.perf_counter() - t0},
        state=held if state else None,
    )


def _solve(model: ProductChain, method: str) -> tuple[np.ndarray, dict, ChainState]:
    """The checked steady-state density matrix, its diagnostics and the
    :class:`~manybody.ed.states.ChainState` (:func:`steady_state`)."""
    if method == "direct":
        dim = model.local_dim**model.L
        if dim > MAX_DIRECT_DIM:
            raise SizeError(f"L={model.L}: method='direct' needs d^L <= MAX_DIRECT_DIM="
                            f"{MAX_DIRECT_DIM} (here {dim}); use method='symmetric'")
        H = qutip.Qobj(model.hamiltonian())
        c_ops = [qutip.Qobj(j) for j in model.jumps()]
        Lq = qutip.liouvillian(H, c_ops)
        trace = np.zeros(dim * dim)
        trace[np.arange(dim) * (dim + 1)] = 1.0
        stationary_solve(Lq.data_as("csr_matrix"), trace, krylov="bicgstab",
                         what=_name(model, method))  # raises if not unique
        rho_q = qutip.steadystate(H, c_ops)
        rho = rho_q.full()
        residual = float(np.abs((Lq * qutip.operator_to_vector(rho_q)).full()).max())
        extra = {"unknowns": dim * dim, "group_order": 1, "parity": False}
        held = ChainState.from_dense(model, rho)
    else:
        red = SymmetricLiouvillian(model)
        coeffs, residual = red.steady_state()
        rho = red.density_matrix(coeffs)
        extra = {"unknowns": int(red.keys.size), "group_order": int(red.group.shape[0]),
                 "parity": red.parity}
        held = ChainState(model.L, model.local_ops, red.keys, coeffs, red.group,
                          red.state_parity, red.parity)
    checks = chain_state_checks(model, rho, _name(model, method))
    return rho, {"residual": residual, **checks, **extra}, held


def _truncation_change(model: ProductChain, finer: ProductChain, method: str, obs: dict) -> dict:
    """Changes of the current profile and the site observables from ``model`` to ``finer``
    (one truncation level up); NaN with a warning if ``finer`` does not fit."""
    try:
        fine = observables.chain_observables(finer, _solve(finer, method)[0])
    except SizeError as err:
        warnings.warn(f"{_name(model, method)}: the truncation change is not measured, the "
                      f"next truncation does not fit ({err})", TruncationWarning, stacklevel=4)
        return {"truncation_change": float("nan"), "truncation_change_sites": float("nan")}
    error = float(np.abs(fine["current_profile"] - obs["current_profile"]).max())
    sites = max((float(np.abs(fine[k] - obs[k]).max()) for k in model.SITE_OBSERVABLES),
                default=0.0)
    if error > TRUNCATION_WARN:
        warnings.warn(f"{_name(model, method)}: the current changes by {error:.2e} > "
                      f"TRUNCATION_WARN={TRUNCATION_WARN:g} from this truncation to the next; "
                      "raise the truncation (n_max)", TruncationWarning, stacklevel=4)
    return {"truncation_change": error, "truncation_change_sites": sites}


def evolve(model: ProductChain, times, initial: str = "down") -> Result:
    r"""Exact dynamics :math:`\rho(t) = e^{\mathcal L t}\rho(0)` in the symmetric space.

    With several steady states the long-time limit depends on ``initial`` and is still well
    defined, so this does not check uniqueness (:func:`steady_state` does).

    Parameters
    ----------
    model : ProductChain
        As for :func:`steady_state`.
    times : array
        Increasing output times (units of 1/mu), starting at the initial time.
    initial : {"down", "up", "mixed"}
        Every site in its last local state (spins down, bosons empty), in its first (spins
        up, bosons at n_max), or the maximally mixed state: symmetric under every symmetry of
        the model, so the dynamics stays in the reduced space.

    Returns
    -------
    Result
        A trajectory: ``current`` per time, ``observables`` with the site observables
        (``sz``, ``n``), ``current_profile``, ``purity`` and ``negativity`` per time;
        ``diagnostics["trace_drift"]`` and the worst values of the physical checks over the
        times (:func:`~manybody.ed.checks.chain_state_checks`).

    Raises
    ------
    UnphysicalStateError
        If a state fails a physical check (a trace drift above 1e-8 included).
    """
    t0 = time.perf_counter()
    _validate.instance("model", model, ProductChain)
    times = _validate.output_times(times)
    _validate.choice("initial", initial, ("down", "up", "mixed"))
    red = SymmetricLiouvillian(model)
    dim = red.dim
    c = np.zeros(red.keys.size, dtype=complex)
    if initial == "mixed":
        c[red.keys // dim == red.keys % dim] = 1.0 / dim
    else:
        s = dim - 1 if initial == "down" else 0  # every digit d - 1 (down, empty) or 0
        c[np.searchsorted(red.keys, s * dim + s)] = 1.0
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
                     for k in (*model.SITE_OBSERVABLES, "current_profile", "purity",
                                 "negativity")},
        diagnostics={"trace_drift": max(ch["trace_error"] for ch in checks),
                     **worst(checks), "unknowns": int(red.keys.size),
                     "wall_time": time.perf_counter() - t0},
    )
