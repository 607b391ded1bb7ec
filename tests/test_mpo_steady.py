"""MPO steady-state driver: MPS observables against dense ρ, the error budget against exact
results, checkpoints (kill and resume), options."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import qutip

import mpo
from manybody import ed
from manybody.models import NonreciprocalChain, TripleDot
from manybody.models.spin_ring import MetelmannClerkRing
from manybody.observables import chain_observables, two_site_entanglement
from mpo import checkpoint, state


def random_rho(L, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2**L, 2**L)) + 1j * rng.normal(size=(2**L, 2**L))
    rho = X @ X.conj().T
    return rho / np.trace(rho)


def dense_osee(rho, L):
    """OSEE at every cut by a dense SVD of vec(rho) in the interleaved (s_j s'_j) order."""
    v = rho.reshape((2,) * (2 * L)).transpose([k for j in range(L) for k in (j, L + j)])
    out = []
    for j in range(L - 1):
        s = np.linalg.svd(v.reshape(4 ** (j + 1), -1), compute_uv=False)
        p = s**2 / np.sum(s**2)
        p = p[p > 0]
        out.append(-np.sum(p * np.log(p)))
    return np.array(out)


def dense_pair_rdm(rho, L, j):
    t = rho.reshape((2,) * (2 * L))
    keep = "ab"
    ket = [chr(ord("c") + k) for k in range(L)]
    bra = list(ket)
    ket[j], ket[j + 1], bra[j], bra[j + 1] = "a", "b", "A", "B"
    out = np.einsum("".join(ket) + "".join(bra) + "->" + keep + "AB", t)
    return out.reshape(4, 4)


@pytest.mark.parametrize("L", [4, 5, 6])
def test_mps_observables_match_dense(L):
    """OSEE per cut (dense SVD), purity, hermiticity error and neighbouring-pair negativity
    and entropy of a random physical rho agree with the dense ones to 1e-12."""
    rho = random_rho(L, seed=L)
    arrays = state.to_arrays(state.from_dense(rho))
    assert np.abs(state.operator_entanglement(arrays) - dense_osee(rho, L)).max() < 1e-12
    assert state.purity(arrays) == pytest.approx(np.trace(rho @ rho).real, abs=1e-12)
    assert state.hermiticity_error(arrays) < 1e-13
    # a non-Hermitian perturbation is measured to relative precision, not to sqrt(eps)
    X = np.random.default_rng(0).normal(size=rho.shape)
    bad = rho + 1e-9 * (X - X.T)
    expected = np.linalg.norm(bad - bad.conj().T) / np.linalg.norm(bad)
    got = state.hermiticity_error(state.to_arrays(state.from_dense(bad)))
    assert got == pytest.approx(expected, rel=1e-6)
    pair = state.pair_entanglement(state.reduced_density_matrices(arrays)[1])
    for j in range(L - 1):
        ref = two_site_entanglement(dense_pair_rdm(rho, L, j))
        assert abs(pair["negativity"][j] - ref["negativity"]) < 1e-12
        assert abs(pair["entropy"][j] - ref["entropy"]) < 1e-12


def test_mps_observables_of_an_entangled_steady_state():
    """Exact NESS at mu = 0, whose neighbouring pairs are entangled (negativity 0.047 at
    L = 4), so the negativity comparison is not 0 = 0; a product state has zero OSEE and
    purity 1/2^L."""
    L = 5
    model = MetelmannClerkRing.minimal(L, 2.0, 1.0, mu=0.0, boundary="open")
    rho = qutip.steadystate(qutip.Qobj(model.hamiltonian()),
                            [qutip.Qobj(j) for j in model.jumps()]).full()
    arrays = state.to_arrays(state.from_dense(rho))
    pair = state.pair_entanglement(state.reduced_density_matrices(arrays)[1])
    ref = chain_observables(model, rho)
    assert ref["negativity"] > 0.01
    assert pair["negativity"][0] == pytest.approx(ref["negativity"], abs=1e-12)
    assert pair["entropy"][0] == pytest.approx(ref["entropy"], abs=1e-12)
    assert state.purity(arrays) == pytest.approx(ref["purity"], abs=1e-12)
    assert np.abs(state.operator_entanglement(arrays) - dense_osee(rho, L)).max() < 1e-12
    mixed = state.to_arrays(state.product_state(6, "mixed"))
    assert np.abs(state.operator_entanglement(mixed)).max() < 1e-14
    assert state.purity(mixed) == pytest.approx(2.0**-6, rel=1e-13)


def minimal(L, delta=1.5):
    return MetelmannClerkRing.minimal(L, 2.0, delta, boundary="open")


@pytest.mark.filterwarnings("ignore:MPO steady state. no error bar:RuntimeWarning")
def test_stopping_error_bounds_distance_to_converged_value():
    """Stopped at tol = 1e-4, the run is 2.2e-4 (largest bond) from the tol = 1e-9 result;
    the stopping-rule estimate (2 x geometric tail, ~4.3e-4) bounds it without being vacuous,
    and the relaxation time is the measured ~3.3."""
    model = minimal(5)
    loose, tight = (mpo.steady_state(model, tol=tol, richardson=False,
                                     truncation_check=False, progress=False)
                    for tol in (1e-4, 1e-9))
    distance = np.abs(loose.current_profile - tight.current_profile).max()
    est = loose.diagnostics["error_stopping"]
    assert distance < est < 3 * distance
    assert abs(loose.current - tight.current) < est
    assert 2.5 < loose.diagnostics["relaxation_time"] < 4.5
    assert tight.diagnostics["error_stopping"] < 1e-8
    assert np.isnan(loose.diagnostics["error"]) and np.isnan(loose.diagnostics["error_trotter"])


@pytest.mark.parametrize(("L", "delta"), [(4, 1.5), (5, 1.0)])
def test_error_bar_covers_exact_result(L, delta):
    """With Richardson and the truncation check, |current - ED| (measured <= 1e-6) and each
    bond's deviation lie within the reported error bar (the same on every bond), which stays
    below 5e-4 (measured 2.3e-4 at L = 5, delta = 1: the largest Richardson correction)."""
    model = minimal(L, delta)
    ref = ed.steady_state(model)
    r = mpo.steady_state(model, max_bond=32, richardson=True, progress=False)
    d = r.diagnostics
    assert abs(r.current - ref.current) < d["error"] < 5e-4
    assert d["error"] == pytest.approx(d["error_trotter"] + d["error_stopping"]
                                       + d["error_truncation"])
    assert np.all(np.abs(r.current_profile - ref.current_profile) < r.current_profile_error)
    assert d["current_spread"] > 1e-3  # open chain: the profile is not uniform
    assert abs(r.purity - ref.purity) < 1e-4
    assert r.osee.shape == (L - 1,) and r.trace_error < 1e-12
    assert r.hermiticity_error_full < 1e-8


def test_warmup_phase_is_cheap_and_leaves_the_result_within_its_error_bar():
    """The order-2 warm-up at 2 dt is recorded as its own phase and enters no estimate: with
    and without it the fourth-order currents agree with ED within the error bar, and the
    accurate phases need fewer steps after it."""
    model = minimal(5, 1.5)
    ref = ed.steady_state(model)
    runs = {w: mpo.steady_state(model, max_bond=32, order=4, tol=1e-6, warmup=w,
                                progress=False) for w in (True, False)}
    for w, r in runs.items():
        names = [p["name"] for p in r.diagnostics["phases"]]
        assert names == ["warmup"] * w + ["main", "fine", "truncation"]
        assert np.all(np.abs(r.current_profile - ref.current_profile) < r.current_profile_error)
        assert sum(p["steps"] for p in r.diagnostics["phases"]) == r.diagnostics["steps"]
    warm = runs[True].diagnostics["phases"][0]
    assert warm["order"] == 2 and warm["dt"] == 0.1 and warm["tol"] == pytest.approx(1e-4)
    accurate = [sum(p["steps"] for p in r.diagnostics["phases"] if p["name"] != "warmup")
                for r in runs.values()]
    assert accurate[0] < 0.8 * accurate[1]


def test_unconverged_runs_say_what_to_raise():
    """Out of time while still relaxing: raise t_max. Out of time with the changes stalled
    and the bond dimension at its limit (the weakly damped coherent ring of Fig. 2, L = 5,
    chi = 8 of the full rank 16, where the truncated dynamics does not settle): raise
    max_bond."""
    with pytest.raises(RuntimeError, match="raise t_max or the tolerance"):
        mpo.steady_state(minimal(6, 1.5), max_bond=16, tol=1e-9, t_max=5, progress=False)
    fig2 = MetelmannClerkRing(5, alpha=0, beta=0, gamma=0, delta=0, J=1.5, lam=0.5,
                              kappa=0.1, flux=np.pi / 2)
    with pytest.raises(RuntimeError, match="does not settle at this bond dimension"):
        mpo.steady_state(fig2, max_bond=8, tol=1e-5, t_max=100, warmup=False, progress=False)


class FakeTranslationSymmetric(MetelmannClerkRing):
    """An open chain that claims translation symmetry: only to exercise spread_tol."""

    translation_symmetric = True


def test_spread_tolerance():
    with pytest.raises(ValueError, match="spread_tol applies to translation-symmetric"):
        mpo.steady_state(minimal(4), spread_tol=1e-3, progress=False)
    fake = FakeTranslationSymmetric.minimal(4, 2.0, 1.5, boundary="open")
    with pytest.raises(RuntimeError, match="spread"):  # the open chain's profile is not flat
        mpo.steady_state(fake, tol=1e-2, t_max=20.0, spread_tol=1e-3, truncation_check=False,
                         progress=False)
    with pytest.raises(ValueError, match=r"spread_tol must lie in \(0.0, inf\]"):
        mpo.steady_state(fake, spread_tol=0.0, progress=False)


RUN = dict(max_bond=16, tol=1e-4, richardson=True, check_interval=0.5, progress=False)
SCRIPT = """
import sys
import mpo
from manybody.models.spin_ring import MetelmannClerkRing
model = MetelmannClerkRing.minimal(5, 2.0, 1.5, boundary="open")
mpo.steady_state(model, checkpoint=sys.argv[1], checkpoint_interval=0.0, **{run})
"""


def same_result(a, b):
    for key in ("current_profile", "current_profile_error", "sz", "negativity", "osee"):
        assert np.array_equal(a.observables[key], b.observables[key]), key
    assert a.current == b.current
    for key in ("error", "steps", "time", "discarded_weight", "trace_correction"):
        assert a.diagnostics[key] == b.diagnostics[key], key


def test_killed_run_resumes_to_the_same_result(tmp_path):
    """A run SIGKILLed after its first checkpoint and rerun with the same arguments gives
    bitwise the uninterrupted result (the engine is rebuilt from the arrays after every
    check in both); a finished checkpoint returns the result without evolving."""
    path = tmp_path / "run.npz"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT.format(run=RUN), str(path)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not path.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    model = minimal(5)
    with np.load(path) as f:
        stored = json.loads(str(f["meta"]))["run"]
    assert stored["phase"] < 3  # killed mid-run: the test resumes real work
    resumed = mpo.steady_state(model, checkpoint=path, **RUN)
    assert resumed.diagnostics["resumed"]
    uninterrupted = mpo.steady_state(model, **RUN)
    assert not uninterrupted.diagnostics["resumed"]
    same_result(resumed, uninterrupted)
    again = mpo.steady_state(model, checkpoint=path, **RUN)  # finished: nothing to evolve
    same_result(again, uninterrupted)


@pytest.mark.filterwarnings("ignore:MPO steady state. no error bar:RuntimeWarning")
def test_checkpoint_of_another_run_is_rejected(tmp_path):
    path = tmp_path / "run.npz"
    options = dict(max_bond=8, tol=1e-3, truncation_check=False, progress=False)
    mpo.steady_state(minimal(4), checkpoint=path, **options)
    with pytest.raises(ValueError, match=r"different model \(beta: \[1.5, 0.0\] "
                                         r"\(checkpoint\) vs \[1.0, 0.0\], delta"):
        mpo.steady_state(minimal(4, delta=1.0), checkpoint=path, **options)
    with pytest.raises(ValueError, match=r"different options \(max_bond: 8 \(checkpoint\) vs 12"):
        mpo.steady_state(minimal(4), checkpoint=path, **{**options, "max_bond": 12})
    assert checkpoint.load(tmp_path / "none.npz", {}, {}) is None
    assert not (tmp_path / "run.npz.tmp").exists()


@pytest.mark.filterwarnings("ignore:MPO steady state. no error bar:RuntimeWarning")
def test_blas_threads_option_and_environment(monkeypatch):
    model = minimal(4)
    fast = dict(tol=1e-2, truncation_check=False, progress=False)
    assert mpo.steady_state(model, **fast).diagnostics["blas_threads"] == 1
    monkeypatch.setenv("MPO_BLAS_THREADS", "2")
    assert mpo.steady_state(model, **fast).diagnostics["blas_threads"] == 2
    monkeypatch.setenv("MPO_BLAS_THREADS", "many")
    with pytest.raises(ValueError, match="MPO_BLAS_THREADS must be an integer"):
        mpo.steady_state(model, **fast)
    with pytest.raises(ValueError, match="blas_threads must be an integer >= 1"):
        mpo.steady_state(model, blas_threads=0, **fast)


@pytest.mark.parametrize(("option", "value", "message"), [
    ("max_bond", 0, "max_bond must be an integer >= 1"), ("max_bond", 2.5, "max_bond"),
    ("max_bond", True, "max_bond"), ("dt", -0.1, r"dt must lie in \(0.0, inf\]"),
    ("dt", "0.05", "dt must be a real number"), ("t_max", np.inf, "t_max must be finite"),
    ("tol", 0.0, "tol must lie in"), ("tol", np.nan, "tol must be finite"),
    ("check_interval", np.nan, "check_interval must be finite"),
    ("checkpoint_interval", -1.0, "checkpoint_interval must lie in"),
    ("cutoff", 1.0, "cutoff must lie in"), ("cutoff", "1e-12", "cutoff must be a real"),
    ("order", 3, "order must be one of 2, 4"), ("order", "2", "order must be one of"),
    ("initial", "sideways", "initial must be one of 'down', 'mixed', 'up'"),
    ("warmup", 1, "warmup must be True or False"),
    ("richardson", "no", "richardson must be True or False"),
    ("truncation_check", 0, "truncation_check must be True or False"),
    ("progress", "yes", "progress must be True or False"),
    ("blas_threads", 1.5, "blas_threads must be an integer"),
    ("spread_tol", -1.0, "spread_tol applies to translation-symmetric models")])
def test_bad_options_name_the_parameter(option, value, message):
    """Regressions (base 76c588c): strings, bools and 2.5 were accepted or failed inside numpy
    (``"0.05"``, ``richardson="no"`` ran with Richardson on, ``order="2"``, ``max_bond=True``)."""
    with pytest.raises(ValueError, match=message):
        mpo.steady_state(minimal(4), **{"progress": False, "t_max": 1e-3, option: value})


@pytest.mark.parametrize("model", [NonreciprocalChain(4, gamma_neq=0.5),
                                   TripleDot(V=(1, 1, 1), tau=0.3, phi=0.7, beta=1.0), object()],
                         ids=["NonreciprocalChain", "TripleDot", "object"])
@pytest.mark.parametrize("solver", [mpo.steady_state, mpo.variational_steady_state],
                         ids=["tebd", "variational"])
def test_unsupported_model_is_a_type_error_naming_the_class(solver, model):
    """Regression (base 76c588c): AttributeError from deep inside the engine."""
    match = f"model must be a ProductChain, got {type(model).__name__}"
    with pytest.raises(TypeError, match=match):
        solver(model, progress=False)


def test_finished_run_progress_bar_ends_at_100_percent(capsys, tmp_path):
    """Regression (base 76c588c): the bar's total was (number of phases) x t_max, so a finished
    run stopped at a few percent; a resumed run ends at 100 % too."""
    path = tmp_path / "run.npz"
    for _ in range(2):  # fresh, then resumed from the final checkpoint
        mpo.steady_state(minimal(4), tol=1e-3, progress=True, checkpoint=path)
        last = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
        assert "100%" in last, last


def entangled(L, boundary):
    """Minimal model with a sigma^z sigma^z interaction (Fig. 6) and kappa: neighbouring pairs
    are entangled (exact negativity 0.03-0.07), so negativity is compared at a nonzero value."""
    return MetelmannClerkRing.minimal(L, 2.0, 0.3, jzz=1.0, kappa=0.1, boundary=boundary)


def assert_matches_ed(model, tolerance, min_negativity=0.03):
    exact = ed.steady_state(model)
    r = mpo.steady_state(model, max_bond=64, order=4, tol=1e-8, cutoff=1e-15, progress=False)
    assert exact.negativity >= min_negativity
    assert np.abs(r.current_profile - exact.current_profile).max() < tolerance
    assert np.abs(r.sz - exact.sz).max() < tolerance
    assert abs(r.negativity[0] - exact.negativity) < tolerance
    assert abs(r.current - exact.current) < r.diagnostics["error"]


@pytest.mark.parametrize(("L", "boundary"), [
    (4, "open"), (5, "open"),
    pytest.param(4, "periodic", marks=pytest.mark.slow),  # 16-26 s; the ring of 5 takes 7 s
    (5, "periodic")])
def test_fourth_order_richardson_matches_ed_to_1e6(L, boundary):
    """Fourth order with Richardson (bias O(dt^6)), tol 1e-8, cutoff 1e-15: current per bond,
    sigma^z per site and the pair negativity agree with exact diagonalization of the same
    model object to 1e-6 (measured <= 1e-7), and the error bar covers the current's error."""
    assert_matches_ed(entangled(L, boundary), 1e-6)


@pytest.mark.slow
@pytest.mark.parametrize(("L", "boundary"), [(6, "open"), (8, "open"), (6, "periodic")])
def test_fourth_order_richardson_matches_ed_to_1e6_larger(L, boundary):
    """Measured: 2.2e-7, 4.0e-7 (open L = 6, 8; 5 s, 43 s), 2.5e-7 (ring L = 6, 53 s). The
    entangled ring at L = 8 needs more than chi = 64 (4.5e-5 after 14 min), so the rings
    L = 7, 8 are checked on the minimal model below."""
    assert_matches_ed(entangled(L, boundary), 1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("L", [7, 8])
def test_fourth_order_richardson_matches_ed_on_minimal_rings(L):
    """Minimal ring (alpha = 2, delta = 1.5): its pairs are not entangled (negativity 0),
    which the MPS state must reproduce too; L = 7: 2.3e-8 in 34 s (chi 16 suffices); L = 8:
    186 s."""
    assert_matches_ed(MetelmannClerkRing.minimal(L, 2.0, 1.5), 1e-6, min_negativity=0.0)
