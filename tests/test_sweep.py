"""Sweeps on Dask (manybody.sweep): the values equal direct solver calls, bad configs are
refused before any work, a failing point is recorded, and a sweep survives a killed worker
and a killed client (the rerun computes only the missing points)."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from distributed import Client, LocalCluster

from manybody import Result, cmf, ed, ldl, sweep, tgge, wire
from manybody.cli import main
from manybody.models import MetelmannClerkRing, NonreciprocalChain

REPO = Path(__file__).resolve().parents[1]
TWO_METHODS = {"model": "NonreciprocalChain", "method": ["tgge", "ed"],
               "parameters": {"L": 6, "gamma_neq": 0.5},
               "axes": {"eps": [0.05, 0.2], "beta": {"start": 1.0, "stop": 3.0, "num": 3}},
               "options": {"filling": 0.5, "ed": {"tol": 1e-12}}}
RING9 = {"model": "MetelmannClerkRing.minimal", "method": "ed",
         "parameters": {"L": 9, "alpha": 1.0},
         "axes": {"delta": {"start": 0.2, "stop": 1.7, "num": 16}}}
TIMING = ("diagnostics_wall_time",)


def test_a_two_method_sweep_equals_direct_calls(tmp_path):
    """12 points (tgge and ed at 2 x 3 parameters) on a 2-worker LocalCluster: every current
    and occupation equals a direct call of the solver to 1e-12; rerunning reads all back."""
    ds = sweep.run(TWO_METHODS, tmp_path, workers=2, progress=False)
    assert ds["current"].dims == ("solver", "eps", "beta") and ds["current"].shape == (2, 2, 3)
    assert (ds["status"] == "done").all()
    for eps in (0.05, 0.2):
        for beta in (1.0, 2.0, 3.0):
            model = NonreciprocalChain(6, gamma_neq=0.5, eps=eps, beta=beta)
            for method, r in (("tgge", tgge.steady_state(model, 0.5)),
                              ("ed", ed.steady_state(model, 0.5, tol=1e-12))):
                at = {"solver": method, "eps": eps, "beta": beta}
                assert ds["current"].sel(at).item() == pytest.approx(r.current, abs=1e-12)
                np.testing.assert_allclose(ds["occupations"].sel(at).values, r.occupations,
                                           atol=1e-12)
    # ED holds the dissipative currents tGGE neglects: NaN there, numbers here
    assert np.isnan(ds["dissipative_current_thermal"].sel(solver="tgge")).all()
    assert np.isfinite(ds["dissipative_current_thermal"].sel(solver="ed")).all()
    summary = json.loads(ds.attrs["summary"])
    assert (summary["computed"], summary["failed"]) == (12, 0)
    assert ds.attrs["provenance_package_version"] and json.loads(ds.attrs["config"])
    again = sweep.run(TWO_METHODS, tmp_path, workers=2, progress=False)
    assert json.loads(again.attrs["summary"])["read_back"] == 12
    reread = xr.open_dataset(tmp_path / "results.nc")
    xr.testing.assert_identical(reread["current"], ds["current"])


def test_the_example_config_runs_from_the_command_line(tmp_path, capsys):
    """examples/sweep_ring.toml: exit 0; the current vanishes at alpha = delta and is odd
    under alpha <-> delta (eta = |alpha|^2 - |delta|^2 changes sign), to 1e-10; one point
    equals a direct call."""
    assert main(["sweep", str(REPO / "examples" / "sweep_ring.toml"), "--out", str(tmp_path),
                 "--workers", "2", "--no-progress"]) == 0
    assert "12 points: 12 computed" in capsys.readouterr().out
    current = xr.open_dataset(tmp_path / "results.nc")["current"]
    values = set(current["alpha"].values) & set(current["delta"].values)
    assert values == {0.5, 1.0, 2.0}
    for a in values:
        assert abs(current.sel(alpha=a, delta=a).item()) < 1e-10
        for d in values:
            assert current.sel(alpha=a, delta=d).item() == pytest.approx(
                -current.sel(alpha=d, delta=a).item(), abs=1e-10)
    direct = ed.steady_state(MetelmannClerkRing.minimal(6, alpha=2.0, delta=1.0, mu=1.0))
    assert current.sel(alpha=2.0, delta=1.0).item() == pytest.approx(direct.current, abs=1e-12)
    assert abs(direct.current) > 0.1


@pytest.mark.parametrize("model, kwargs, method, options, direct", [
    ("TripleDot", {"V": [1.0, 0.7, 1.5], "levels": [0.5, 0.0, -0.5], "beta": 2.0}, "ldl", {},
     lambda m: ldl.solve(m)),
    ("ClassicalWire", {"N": 20, "p": 0.7, "delta_rho": 0.1, "I_g": 0.05}, "wire", {},
     lambda m: wire.classical_steady_state(m)),
    ("NonreciprocalChain", {"L": 8, "gamma_neq": 0.5}, "exclusion", {"filling": 0.5},
     lambda m: ed.exclusion_steady_state(m, 0.5)),
    ("NonreciprocalChain", {"L": 8, "gamma_neq": 0.5}, "kmc", {"sweeps": 500},
     lambda m: ed.kmc_steady_state(m, sweeps=500)),
    ("MetelmannClerkRing.minimal", {"L": 4, "alpha": 2.0, "delta": 1.0}, "cmf",
     {"solution": "x-state", "n_starts": 1},
     lambda m: cmf.steady_state(m, solution="x-state", n_starts=1)),
])
def test_each_method_calls_its_solver(model, kwargs, method, options, direct):
    """``solve_point`` (what a worker runs) builds the model and calls the method's solver:
    the same current as the direct call."""
    r = sweep.solve_point(model, kwargs, method, options)
    s = sweep.load({"model": model, "method": method, "parameters": kwargs,
                    "options": options})
    expected = direct(s.build(s.points[0]))
    assert isinstance(r, Result) and np.allclose(r.current, expected.current, atol=1e-12)


def test_a_point_that_raises_returns_its_error():
    error = sweep.solve_point("NonreciprocalChain", {"L": 6, "gamma_neq": 2.0}, "tgge", {})
    assert isinstance(error, sweep.PointError) and "gamma_neq" in str(error)
    assert "Traceback" in error.traceback


@pytest.mark.parametrize("change, message", [
    ({"modle": "x"}, "unknown key(s) ['modle']; allowed: axes, description"),
    ({"model": "Ring"}, "model 'Ring' is not a model of manybody.models; allowed:"),
    ({"model": "NonreciprocalChain.minimal"}, "has no constructor 'minimal'"),
    ({"method": "dmrg"}, "method 'dmrg' is unknown; allowed: tgge, ed"),
    ({"method": "cmf"}, "method 'cmf' does not take NonreciprocalChain models; it takes "
                        "SpinChain"),
    ({"parameters": {"L": 6, "gamma_neq": 0.5, "gamma": 1}}, "parameters: unknown key(s) "
                                                             "['gamma']; allowed: Delta, J"),
    ({"options": {"chi": 8}}, "options: unknown key(s) ['chi']; allowed: filling"),
    ({"options": {"ed": {"sweeps": 8}}}, "options.ed: unknown key(s) ['sweeps']"),
    ({"options": {"kmc": {"sweeps": 8}}}, "options.kmc: 'kmc' is not a method of this sweep"),
    ({"axes": {"gamma_neq": [0.1]}}, "'gamma_neq' is both fixed and swept"),
    ({"axes": {"chi": [8]}}, "swept name 'chi' is neither a parameter of"),
    ({"axes": {"eps": [0.1, 0.1]}}, "axes.eps repeats a value"),
    ({"axes": {"eps": {"start": 0.1, "stop": 1}}}, "axes.eps: a range is {start, stop, num"),
    ({"axes": {"eps": {"start": 0.1, "stop": 1, "num": 0}}}, "axes.eps.num must be an integer"),
    ({"axes": {"eps": [0.05, -1.0]}}, "point (eps = -1.0): eps must lie in (0.0, inf]"),
    ({"zip": {"size": {"L": [4, 6], "eps": [0.1]}}}, "zip.size: the lists must have one length"),
    ({"parameters": {"gamma_neq": 0.5}}, "needs ['L']"),
    ({"axes": [0.1, 0.2]}, "axes must be a table ([axes]), got [0.1, 0.2]"),
])
def test_bad_configs_are_refused_before_any_work(change, message):
    config = {"model": "NonreciprocalChain", "method": "ed",
              "parameters": {"L": 6, "gamma_neq": 0.5}} | change
    with pytest.raises(ValueError) as err:
        sweep.load(config)
    assert message in str(err.value)


def test_zip_groups_and_option_axes_make_one_dimension_each():
    """A zip group is one dimension with its parameters as coordinates; an option may be
    swept (a convergence axis); ranges are rounded to 14 digits."""
    s = sweep.load({"model": "MetelmannClerkRing.minimal", "method": "mpo",
                    "parameters": {"alpha": 2.0, "delta": "1.5+0j"},
                    "zip": {"size": {"L": [8, 16], "max_bond": [8, 16]}},
                    "axes": {"dt": {"start": 0.1, "stop": 0.3, "num": 3}}})
    assert s.dims == ("dt", "size") and s.shape == (3, 2)
    assert s.coords["dt"][1] == [0.1, 0.2, 0.3] and s.coords["max_bond"] == ("size", [8, 16])
    p = s.points[-1]
    assert p.kwargs == {"alpha": 2.0, "delta": 1.5 + 0j, "L": 16}
    assert p.options == {"max_bond": 16, "dt": 0.3}
    assert len({q.key for q in s.points}) == 6


def test_a_failing_point_is_recorded_and_retried_by_a_rerun(tmp_path):
    """delta = 0 leaves the ring with several steady states: that point fails (twice: one
    retry) and is recorded with its message; the others complete; a rerun reads the finished
    points back and tries the failed one again."""
    config = {"model": "MetelmannClerkRing.minimal", "method": "ed",
              "parameters": {"L": 4, "alpha": 1.0}, "axes": {"delta": [0.0, 0.5, 1.5]}}
    ds = sweep.run(config, tmp_path, workers=2, progress=False)
    assert list(ds["status"].values) == ["failed", "done", "done"]
    assert "more than one steady state" in ds["error"].sel(delta=0.0).item()
    assert np.isnan(ds["current"].sel(delta=0.0)) and np.isfinite(ds["current"].sel(delta=0.5))
    summary = json.loads(ds.attrs["summary"])
    assert summary["failed"] == 1 and "DegenerateSteadyStateError" in summary["failures"][0][
        "error"]
    record = json.loads(next(tmp_path.glob("points/*.failed.json")).read_text())
    assert record["attempts"] == 2 and record["point"] == {"delta": 0.0}
    again = json.loads(sweep.run(config, tmp_path, workers=1, progress=False).attrs["summary"])
    assert (again["read_back"], again["computed"], again["failed"]) == (2, 0, 1)
    assert main(["sweep", "/nonexistent.toml", "--out", str(tmp_path)]) == 2


@pytest.fixture(scope="module")
def ring9(tmp_path_factory) -> xr.Dataset:
    """RING9 run without interruption."""
    return sweep.run(RING9, tmp_path_factory.mktemp("ring9"), workers=2, progress=False)


def _values(ds: xr.Dataset) -> xr.Dataset:
    return ds.drop_vars([v for v in ds.data_vars if v in TIMING]).drop_attrs()


def test_a_killed_worker_is_replaced_and_the_values_are_identical(tmp_path, ring9):
    """SIGKILL one worker process after the first finished point: Dask reruns its task on
    another worker, and the sweep equals one run without the kill."""
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        points = tmp_path / "killed" / "points"

        def kill():
            while not list(points.glob("*.h5")):
                time.sleep(0.05)
            os.kill(pids[0], signal.SIGKILL)

        killer = threading.Thread(target=kill)
        killer.start()
        ds = sweep.run(RING9, tmp_path / "killed", scheduler=cluster.scheduler_address,
                       progress=False)
        killer.join()
        assert pids[0] not in client.run(os.getpid).values()
    assert json.loads(ds.attrs["summary"])["computed"] == 16
    xr.testing.assert_identical(_values(ds), _values(ring9))


def test_a_killed_client_loses_nothing_and_the_rerun_runs_only_the_missing_points(tmp_path,
                                                                                 ring9):
    """SIGKILL ``manybody sweep`` (and its workers) after three finished points; the rerun
    computes only the others, and the store equals one uninterrupted sweep."""
    config = tmp_path / "ring9.toml"
    config.write_text('model = "MetelmannClerkRing.minimal"\nmethod = "ed"\n'
                      "[parameters]\nL = 9\nalpha = 1.0\n"
                      "[axes]\ndelta = {start = 0.2, stop = 1.7, num = 16}\n")
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "manybody.cli", "sweep", str(config),
                             "--out", str(out), "--workers", "1", "--no-progress"],
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300
        while len(list((out / "points").glob("*.h5"))) < 3 and time.time() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finished = len(list((out / "points").glob("*.h5")))
    assert 3 <= finished < 16 and not (out / "results.nc").exists()
    ds = sweep.run(config, out, workers=2, progress=False)
    summary = json.loads(ds.attrs["summary"])
    assert (summary["read_back"], summary["computed"]) == (finished, 16 - finished)
    xr.testing.assert_identical(_values(ds), _values(ring9))


def test_the_benchmark_script_runs_at_quick_size(tmp_path):
    """benchmarks/sweep_benchmarks.py --quick: the swept currents equal the direct loop's to
    1e-12 on 1 and 2 workers, and the JSON holds the ratio and the overhead."""
    spec = importlib.util.spec_from_file_location("sweep_benchmarks",
                                                  REPO / "benchmarks" / "sweep_benchmarks.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    r = bench.run(quick=True, out=tmp_path)
    assert r["points"] == 9 and [row["workers"] for row in r["rows"]] == [1, 2]
    assert all(row["max_dI"] < 1e-12 for row in r["rows"])
    data = json.loads((tmp_path / "sweep_benchmarks.json").read_text())
    assert data["speedup_2_over_1"] > 0 and "git_commit" in data["provenance"]
