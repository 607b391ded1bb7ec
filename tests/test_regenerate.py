"""``manybody figure --all``: jobs, resume, failures reported, checks table, gallery."""

import json
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from manybody import Result, provenance
from manybody.cli import main
from manybody.experiments import FIGURES, Check, regenerate
from manybody.experiments._output import write_figure

REPO = Path(__file__).resolve().parents[1]


def test_check_compares_with_its_tolerance():
    assert Check("a", 1.0, 1.0 + 1e-11, 1e-10, "Eq. (1)").passed
    assert not Check("a", 1.0, 1.0 + 2e-10, 1e-10).passed
    assert not Check("a", 0.0, float("nan"), 1.0).passed  # NaN never passes
    with pytest.raises(ValueError, match="Check.tol must be a finite number >= 0"):
        Check("a", 0.0, 0.0, -1e-3)
    with pytest.raises(TypeError, match="Check.ours must be a real number"):
        Check("a", 0.0, "0", 1e-3)


def _fake(name, ours, calls):
    def fig(out):
        calls.append(name)
        fig_, ax = plt.subplots()
        ax.plot([0, 1], [0, ours])
        return write_figure(fig_, out, name.replace("-", "_"), {"p": 1}, {"y": ours},
                            claim=f"{name} is one", checks=[Check("y = 1", 1.0, ours, 1e-9)],
                            deviations="none")
    return regenerate._figure_job(name, fig)


@pytest.fixture
def fake_jobs(monkeypatch):
    calls = []

    def broken(out):
        calls.append("ring-broken")
        raise RuntimeError("no convergence")

    jobs = [_fake("rect-good", 1.0, calls), _fake("wire-bad", 1.5, calls),
            regenerate.Job("ring-broken", "figures", ("ring_broken.json",), broken)]
    monkeypatch.setattr(regenerate, "jobs", lambda: jobs)
    monkeypatch.setattr(regenerate, "git_commit", lambda: "0" * 40)
    monkeypatch.setattr(provenance, "git_commit", lambda: "0" * 40)  # what the JSONs record
    return calls


def test_all_reports_failed_checks_and_jobs_and_goes_on(fake_jobs, tmp_path, capsys):
    assert main(["figure", "--all", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "RuntimeError: no convergence" in out
    assert "2 checks, 1 failed; 1 job(s) failed" in out
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [j["status"] for j in summary["jobs"]] == ["done", "done", "failed"]
    assert summary["provenance"]["git_commit"] == summary["commit"] == "0" * 40
    gallery = (tmp_path / "figures" / "README.md").read_text()
    assert "rect-good is one" in gallery and "![rect_good](rect_good.png)" in gallery
    assert "**FAIL**" in gallery


def test_all_resumes_the_jobs_of_this_commit(fake_jobs, tmp_path):
    regenerate.regenerate(tmp_path, progress=False)
    assert fake_jobs == ["rect-good", "wire-bad", "ring-broken"]
    summary = regenerate.regenerate(tmp_path, progress=False)
    assert fake_jobs[3:] == ["ring-broken"]  # the failed job only is rerun
    assert [j["status"] for j in summary["jobs"]] == ["reused", "reused", "failed"]
    assert summary["failed_checks"] == 1  # the reused record's checks still count


def test_a_dirty_tree_warns_and_never_resumes(fake_jobs, tmp_path, monkeypatch):
    monkeypatch.setattr(regenerate, "git_commit", lambda: "0" * 40 + "-dirty")
    with pytest.warns(UserWarning, match="will not name a clean commit"):
        regenerate.regenerate(tmp_path, ["rect-good"], progress=False)
    with pytest.warns(UserWarning):
        regenerate.regenerate(tmp_path, ["rect-good"], progress=False)
    assert fake_jobs == ["rect-good", "rect-good"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--all", "ring-fig4"], "--all runs every figure at the paper's sizes"),
    (["--all", "--L", "4"], "drop the figure name, --L and --list"),
    (["--all", "--only", "nope"], "unknown job(s) ['nope']"),
    (["ring-fig4", "--only", "ring-fig4"], "--only selects jobs of --all"),
])
def test_all_refuses_foreign_options(argv, message, tmp_path, capsys):
    assert main(["figure", *argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_benchmark_script_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(regenerate, "REPOSITORY", tmp_path)
    job = regenerate._benchmark_job("ed_benchmarks", "ed_benchmarks.json")
    with pytest.raises(FileNotFoundError, match="benchmarks run from a checkout"):
        job.run(tmp_path / "out")


def _shipped_outputs() -> list[Path]:
    """The JSONs under data/ that ``--all`` writes (not the exact points it reads back)."""
    return [p for p in (REPO / "data").rglob("*.json") if "exact_runs" not in p.parts]


def test_the_shipped_exact_points_are_read_back_by_their_parameters():
    """data/validation/exact_runs: each file is a Result of ed.steady_state whose model and
    file name agree, solved at a clean commit; validate_tgge reads it back instead of solving."""
    for path in (REPO / "data" / "validation" / "exact_runs").glob("*.json"):
        r = Result.load(path)
        model, L, eps = path.stem.split("_")[:3]
        assert r.method == "ed" and f"L{r.model['L']}" == L and f"eps{r.model['eps']:g}" == eps
        assert r.options["filling"] == 0.5
        commit = json.loads(path.read_text())["provenance"]["git_commit"]
        assert len(commit) == 40 and "dirty" not in commit, (path, commit)


def test_every_shipped_json_has_a_job():
    """--all regenerates every JSON under data/ (so that all can name one commit)."""
    made = {f"{j.folder}/{name}" for j in regenerate.jobs() for name in j.outputs}
    shipped = {str(p.relative_to(REPO / "data")) for p in _shipped_outputs()
               if p.name != "summary.json"}
    assert shipped <= made
    assert {j.name for j in regenerate.jobs() if j.folder == "figures"} == set(FIGURES)
    for script in regenerate.BENCHMARKS:
        assert (REPO / "benchmarks" / f"{script}.py").is_file()


def test_one_figure_prints_its_checks_and_fails_on_a_failed_one(tmp_path, capsys,
                                                                 monkeypatch):
    assert main(["figure", "wire-fig4", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "wire-fig4" in out and " ok " in out and "FAIL" not in out
    job = _fake("rect-bad", 2.0, [])
    monkeypatch.setitem(FIGURES, "rect-bad", lambda out: job.run(Path(out)))
    assert main(["figure", "rect-bad", "--out", str(tmp_path)]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_every_shipped_json_names_one_clean_commit():
    """One command and one commit: every JSON under data/ (figures, validation, benchmarks)
    records in its provenance the same git commit, without local changes."""
    commits = {}
    for path in _shipped_outputs():
        record = json.loads(path.read_text())
        commit = record.get("provenance", {}).get("git_commit")
        commits[str(path.relative_to(REPO / "data"))] = commit
    assert commits and len(set(commits.values())) == 1, commits
    commit = next(iter(commits.values()))
    assert len(commit) == 40 and all(c in "0123456789abcdef" for c in commit), commit


def test_the_gallery_escapes_pipes_and_lists_every_paper_prefix(tmp_path):
    """A check like 'max |x|' stays in its cell (six columns per row); every figure name's
    prefix has a section, so no figure is left out of the gallery."""
    fig, ax = plt.subplots()
    write_figure(fig, tmp_path / "figures", "bose_test", {}, {}, claim="c",
                 checks=[Check("max |x - y|", 0.0, 0.0, 1e-9, "a | b")], deviations="")
    gallery = regenerate.write_gallery(tmp_path).read_text()
    rows = [line for line in gallery.splitlines() if line.startswith("| max")]
    assert rows and all(len(row.replace("\\|", "").split("|")) == 8 for row in rows)
    prefixes = {name.split("-")[0] for name in FIGURES}
    for prefix in prefixes:
        write_figure(plt.subplots()[0], tmp_path / "figures", f"{prefix}_x", {}, {}, claim=prefix,
                     checks=[], deviations="")
    gallery = regenerate.write_gallery(tmp_path).read_text()
    assert all(f"![{prefix}_x]({prefix}_x.png)" in gallery for prefix in prefixes)
