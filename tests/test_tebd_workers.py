"""Two workers (mpo.halves): the two-centre TEBD gives bitwise the same state with one process
and with two, on open chains, rings (even and odd: three bond groups), both splitting orders,
bosons; failures in the worker reach the caller and leave the next run in step."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_mpo import generic

import mpo
from manybody.models import BoseHubbardRing, MetelmannClerkRing
from mpo import halves, state, superop
from mpo.tebd import TEBD


def evolve(model, workers, *, chi=12, cutoff=1e-12, order=2, steps=25, dt=0.05, d=2):
    ev = TEBD(state.to_arrays(state.product_state(model.L, "down", d)),
              superop.bond_generators(model), dt, chi, cutoff, order=order, workers=workers)
    ev.evolve(steps)
    return ev


def assert_bitwise_equal(a, b):
    assert a.discarded_weight == b.discarded_weight and a.discarded_weight > 0
    assert a.trace_correction == b.trace_correction
    assert len(a.arrays) == len(b.arrays)
    for x, y in zip(a.arrays, b.arrays, strict=True):
        assert x.shape == y.shape and np.array_equal(x, y)


@pytest.mark.parametrize(("L", "boundary", "order"), [(10, "open", 2), (11, "open", 4),
                                                      (8, "periodic", 2), (9, "periodic", 2),
                                                      (7, "periodic", 4)])
def test_one_and_two_workers_give_the_same_bits(L, boundary, order):
    """Truncated evolution (chi = 12 < full rank) of the model with every kind of term: the
    arrays, the discarded weight and the trace correction agree bit for bit."""
    model = generic(L, boundary)
    steps = 25 if order == 2 else 10  # order 4: three times the layers per step
    assert_bitwise_equal(evolve(model, 1, order=order, steps=steps),
                         evolve(model, 2, order=order, steps=steps))


def test_bosons_with_two_workers():
    """Local dimension 3 (p = 9): the same bits with one and two workers."""
    model = BoseHubbardRing.minimal(6, 2.0, 1.5, mu=1.0, n_max=2, boundary="open", U=1.0)
    assert_bitwise_equal(evolve(model, 1, chi=10, steps=8, d=3),
                         evolve(model, 2, chi=10, steps=8, d=3))


def test_steady_state_is_the_same_with_two_workers():
    """``mpo.steady_state(..., workers=2)``: same current, profile, error bar and final
    state as ``workers=1``, recorded in the diagnostics."""
    model = MetelmannClerkRing.minimal(10, 2.0, 1.0, boundary="open")
    one, two = (mpo.steady_state(model, max_bond=12, tol=1e-4, progress=False, workers=w)
                for w in (1, 2))
    assert one.current == two.current and one.diagnostics["error"] == two.diagnostics["error"]
    assert np.array_equal(one.current_profile, two.current_profile)
    for x, y in zip(state.to_arrays(one.state.mps), state.to_arrays(two.state.mps),
                    strict=True):
        assert np.array_equal(x, y)
    assert (one.diagnostics["workers"], two.diagnostics["workers"]) == (1, 2)


def test_bad_workers_are_refused():
    model = MetelmannClerkRing.minimal(6, 2.0, 1.0, boundary="open")
    with pytest.raises(ValueError, match="workers must be 1 or 2"):
        evolve(model, 3)
    with pytest.raises(ValueError, match="workers must be one of 1, 2; got 0"):
        mpo.steady_state(model, workers=0, progress=False)


def test_a_failure_in_the_worker_reaches_the_caller_and_the_next_run_is_in_step():
    """A NaN generator on a bond of the right half fails in the worker process: the caller
    gets the exception; a killed worker is a RuntimeError naming it; each time, the next
    evolution with two workers is again bitwise the one-worker one."""
    model = generic(10, "open")
    bad = superop.bond_generators(model)
    bad[7] = bad[7] * np.nan
    start = state.to_arrays(state.product_state(10, "down"))
    with pytest.raises((FloatingPointError, ValueError, np.linalg.LinAlgError)):
        TEBD(start, bad, 0.05, 12, 1e-12, workers=2).evolve(3)
    assert_bitwise_equal(evolve(model, 1), evolve(model, 2))
    ev = TEBD(start, superop.bond_generators(model), 0.05, 12, 1e-12, workers=2)
    halves.Remote._local.process.kill()
    with pytest.raises(RuntimeError, match="TEBD worker process exited"):
        ev.evolve(2)
    assert_bitwise_equal(evolve(model, 1), evolve(model, 2))


def test_two_workers_from_a_script_without_a_main_guard():
    """The worker is a plain child process: a script without ``if __name__ == "__main__"``
    runs once (multiprocessing's spawn would import it again in the child)."""
    script = ("import mpo\nfrom manybody.models import MetelmannClerkRing\n"
              "print('ran')\n"
              "r = mpo.steady_state(MetelmannClerkRing.minimal(6, 2.0, 1.0, boundary='open'), "
              "max_bond=8, tol=1e-3, progress=False, workers=2)\n"
              "print(r.diagnostics['workers'])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ran", "2"]


def test_the_worker_imports_the_parents_package_whatever_the_working_directory(tmp_path):
    """A directory holding another ``mpo`` (here one that fails on import) as the working
    directory: the worker still imports the parent's package (it imported the other one)."""
    (tmp_path / "mpo").mkdir()
    (tmp_path / "mpo" / "__init__.py").write_text("raise ImportError('the wrong mpo')\n")
    package = Path(mpo.__file__).resolve().parents[1]
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import mpo\n"
              "from manybody.models import MetelmannClerkRing\n"
              "r = mpo.steady_state(MetelmannClerkRing.minimal(6, 2.0, 1.0, boundary='open'), "
              "max_bond=8, tol=1e-3, progress=False, workers=2)\n"
              "print(r.diagnostics['workers'])\n")
    done = subprocess.run([sys.executable, "-c", script, str(package)], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2"]


def test_the_worker_ignores_an_interrupt_of_its_process_group():
    """SIGINT to the worker (as Ctrl-C or a Jupyter kernel's shutdown sends to the whole
    process group) leaves it alive and serving: the same process runs the next evolution,
    bitwise the one-worker one (an interrupted worker used to die with a traceback)."""
    import os
    import signal
    import time

    model = generic(10, "open")
    evolve(model, 2, steps=2)
    worker = halves.Remote._local.process
    os.kill(worker.pid, signal.SIGINT)
    time.sleep(0.5)
    assert worker.poll() is None
    assert_bitwise_equal(evolve(model, 1), evolve(model, 2))
    assert halves.Remote._local.process is worker


@pytest.mark.parametrize(("L", "boundary"), [(9, "periodic"), (10, "open")])
def test_successive_calls_apply_the_same_map(L, boundary):
    """A call of ``evolve`` ends in the joined form, so calling one TEBD repeatedly equals a
    fresh TEBD per call (as the steady-state driver does), to round-off (measured <= 5e-14);
    without the final join the calls alternate between two truncated maps and differ from the
    second call on by 8e-4 (ring) and 2e-4 (chain) in the current profile at chi = 8."""
    model = generic(L, boundary)
    gens = superop.bond_generators(model)
    one = TEBD(state.to_arrays(state.product_state(L, "down", 2)), gens, 0.05, 8, 1e-12)
    arrays = one.arrays
    for _ in range(3):
        one.evolve(5)
        fresh = TEBD(arrays, gens, 0.05, 8, 1e-12)
        fresh.evolve(5)
        arrays = fresh.arrays
        assert one.split is None
        a, b = (state.observables(model, x.arrays, x.positions) for x in (one, fresh))
        np.testing.assert_allclose(a["current_profile"], b["current_profile"], rtol=0,
                                   atol=1e-12)
