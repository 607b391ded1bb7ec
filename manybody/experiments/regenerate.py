r"""``manybody figure --all``: every paper figure, validation and benchmark the README shows,
regenerated from one commit, with the table of the checks each figure asserts and a gallery.

Layout of the output folder (``data/`` in the repository)::

    OUT/figures/<figure>.png|json     one per entry of FIGURES
    OUT/figures/README.md             the gallery (claim, PNG, checks, deviations)
    OUT/figures/mpo_runs, sweep_runs  checkpoints and sweep stores of the resumable figures
                                      (not shipped in data/)
    OUT/validation/validate_*.png|json
    OUT/validation/exact_runs/*.json  every exact NESS of the validation, read back by its
                                      parameters (shipped: the largest take up to an hour each;
                                      each file names the commit that solved it)
    OUT/benchmarks/*.json|png         benchmarks/*.py, run as scripts from the checkout
    OUT/summary.json                  commit (and provenance), wall time per job, every check

A run resumes: a job whose JSONs already record the current clean commit is read back, not
recomputed (a tree with uncommitted changes never resumes, since its commit does not name the
code). A job that raises is reported and the others go on; the command exits 1 if a job
failed or a check did not pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from ..provenance import git_commit, provenance

REPOSITORY = Path(__file__).resolve().parents[2]

# The shipped validation runs (README, "Exact steady states and the validation of tGGE")
VALIDATION = {  # job name: validate_tgge options (those not given: its defaults)
    "nonreciprocal": {"model": "nonreciprocal", "Ls": (4, 6, 8, 10, 12, 14, 16, 18, 20),
                      "kmc_Ls": (24, 32, 48, 64, 96, 128, 192, 256), "kmc_sweeps": 1_000_000,
                      "gamma_neq": 0.5,
                      "dynamics_L": 10},
    "rashba-zeeman": {"model": "rashba-zeeman", "Ls": (2, 3, 4, 5, 6, 7, 8, 10),
                      "kmc_Ls": (16, 24, 32, 64, 128), "kmc_sweeps": 200_000,
                      "exact_epsilons": {8: (0.2, 0.05, 0.02, 0.005)}, "gamma_neq": 0.9,
                      "dynamics_L": 4},
    # beyond tGGE: real delta, delta' (README); the dissipative current against Wick
    "nonreciprocal-real-delta": {"model": "nonreciprocal", "Ls": (4, 6, 8, 10, 12, 14, 16),
                                 "epsilons": (0.02, 0.005), "delta": 1.3, "delta_prime": 0.4,
                                 "gamma_neq": 0.5},
}
# benchmarks/<script>.py and the JSON each writes
BENCHMARKS = {"tgge_benchmarks": "tgge_benchmarks.json", "ed_benchmarks": "ed_benchmarks.json",
              "ed_matfree_benchmarks": "ed_matfree_benchmarks.json",
              "spin_benchmarks": "spin_benchmarks.json", "mpo_benchmarks": "mpo_benchmarks.json",
              "mpo_profile": "mpo_profile.json", "mpo_regimes": "mpo_regimes.json",
              "sweep_benchmarks": "sweep_benchmarks.json"}


@dataclass(frozen=True)
class Job:
    """One unit of ``--all``: ``run(folder)`` writes ``outputs`` (JSON names) into ``folder``."""

    name: str
    folder: str
    outputs: tuple[str, ...]
    run: Callable[[Path], object]


def _figure_job(name: str, fn: Callable) -> Job:
    return Job(name, "figures", (f"{name.replace('-', '_')}.json",), lambda out: fn(out))


def _validation_job(name: str, o: dict) -> Job:
    stem = f"validate_tgge_{name}"
    dynamics = o.get("dynamics_L")
    outputs = (f"{stem}.json",) + ((f"validate_dynamics_{o['model']}.json",) if dynamics else ())

    def run(out: Path) -> None:
        from .validation import validate_dynamics, validate_tgge

        options = {k: v for k, v in o.items() if k != "dynamics_L"}
        validate_tgge(out, name=stem, progress=False, **options)
        if dynamics:
            validate_dynamics(out, o["model"], L=dynamics, gamma_neq=o["gamma_neq"],
                              progress=False)

    return Job(f"validate-{name}", "validation", outputs, run)


def _benchmark_job(script: str, output: str) -> Job:
    def run(out: Path) -> None:
        path = REPOSITORY / "benchmarks" / f"{script}.py"
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: the benchmarks run from a checkout of "
                                    "the repository (pip install -e .)")
        out.mkdir(parents=True, exist_ok=True)
        log = out / f"{script}.txt"  # the printed tables, kept beside the JSON
        # the script imports the manybody this process runs (not another installed copy)
        env = os.environ | {"PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))}
        with log.open("w") as f:
            done = subprocess.run([sys.executable, str(path), "--out", str(out)], cwd=REPOSITORY,
                                  env=env, stdout=f, stderr=subprocess.STDOUT)
        if done.returncode:
            tail = log.read_text().strip().splitlines()[-3:]
            raise RuntimeError(f"{path.name} exited with {done.returncode}: {' | '.join(tail)}")

    return Job(f"benchmark-{script.replace('_', '-')}", "benchmarks", (output,), run)


def jobs() -> list[Job]:
    """Every job of ``--all``, cheapest kinds first: figures, validation, benchmarks."""
    from . import FIGURES

    return ([_figure_job(n, f) for n, f in FIGURES.items()]
            + [_validation_job(m, o) for m, o in VALIDATION.items()]
            + [_benchmark_job(s, j) for s, j in BENCHMARKS.items()])


def _records(out: Path, job: Job) -> list[dict] | None:
    """The job's JSON records in ``out``, or None if one is missing or unreadable."""
    try:
        return [json.loads((out / job.folder / name).read_text()) for name in job.outputs]
    except (OSError, json.JSONDecodeError):
        return None


def _commit_of(record: dict) -> str:
    return (record.get("provenance") or {}).get("git_commit", "unknown")


def regenerate(out: str | Path, names: Sequence[str] | None = None,
               progress: bool = True) -> dict:
    """Run the jobs (all, or those named) into ``out``; write ``summary.json`` and the gallery.

    Returns
    -------
    dict
        ``{"commit", "jobs": [{"name", "status", "wall_time", "error"}], "checks": [...],
        "failed_checks": int, "failed_jobs": int}``.
    """
    out = Path(out)
    every = jobs()
    if names is not None:
        known = {j.name for j in every}
        unknown = sorted(set(names) - known)
        if unknown:
            raise ValueError(f"unknown job(s) {unknown}; choose from {sorted(known)}")
        every = [j for j in every if j.name in names]
    commit = git_commit()
    clean = commit != "unknown" and not commit.endswith("-dirty")
    if not clean:
        warnings.warn(f"the source tree is at {commit}: the JSONs will not name a clean commit "
                      "(commit first to ship them)", UserWarning, stacklevel=2)
    rows = []
    for job in tqdm(every, desc="figure --all", disable=not progress):
        folder = out / job.folder
        old = _records(out, job)
        if clean and old is not None and all(_commit_of(r) == commit for r in old):
            rows.append({"name": job.name, "status": "reused", "wall_time": 0.0, "error": ""})
            continue
        t0 = time.perf_counter()
        try:
            job.run(folder)
            status, error = "done", ""
        except Exception as err:  # reported, and the other jobs go on
            status, error = "failed", f"{type(err).__name__}: {err}"
        rows.append({"name": job.name, "status": status,
                     "wall_time": time.perf_counter() - t0, "error": error})
    checks = []
    for job in every:
        for record in _records(out, job) or []:
            checks += [{"job": job.name, "figure": record.get("figure", job.name)} | c
                       for c in record.get("checks", [])]
    summary = {"commit": commit, "provenance": provenance(), "jobs": rows, "checks": checks,
               "failed_checks": sum(not c["passed"] for c in checks),
               "failed_jobs": sum(r["status"] == "failed" for r in rows)}
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    if (out / "figures").is_dir():
        write_gallery(out)
    return summary


def check_table(checks: list[dict]) -> str:
    """The checks as a plain-text table: figure, claim, source, expected, ours, tol, ok."""
    lines = [f"{'figure':22s} {'ok':4s} {'expected':>12s} {'ours':>12s} {'tol':>8s}  "
             "source: claim"]
    for c in checks:
        lines.append(f"{c['figure']:22s} {'ok' if c['passed'] else 'FAIL':4s} "
                     f"{c['expected']:12.6g} {c['ours']:12.6g} {c['tol']:8.1e}  "
                     f"{c['source']}: {c['claim']}")
    return "\n".join(lines)


def _gallery_entry(record: dict, link: str) -> list[str]:
    lines = [f"### {record['figure']}", "", f"**Claim.** {record.get('claim') or '(none)'}", "",
             f"![{record['figure']}]({link})", ""]
    if record.get("checks"):
        lines += ["| check | source | expected | ours | tolerance | |",
                  "| --- | --- | ---: | ---: | ---: | --- |"]
        cell = lambda text: str(text).replace("|", "\\|")  # noqa: E731  (a pipe ends a cell)
        lines += [f"| {cell(c['claim'])} | {cell(c['source'])} | {c['expected']:.6g} | "
                  f"{c['ours']:.6g} | "
                  f"{c['tol']:.1e} | {'ok' if c['passed'] else '**FAIL**'} |"
                  for c in record["checks"]]
        lines.append("")
    lines += [f"**Deviations.** {record.get('deviations') or 'none'}", "",
              f"Parameters: `{json.dumps(record.get('parameters', {}))[:400]}`; "
              f"commit `{_commit_of(record)}`.", ""]
    return lines


def write_gallery(out: str | Path) -> Path:
    """Write ``out/figures/README.md`` from the JSON records of ``out/figures`` and
    ``out/validation``: for each figure the caption's claim, the PNG, the checks and the
    deviations, grouped by paper."""
    out = Path(out)
    papers = {"rect": "Rectification (tGGE)", "dot": "Triple quantum dot",
              "wire": "Source-drain wire", "ring": "Persistent-current spin ring",
              "bose": "Persistent-current ring as interacting bosons (finite U)",
              "fermion": "Fermion rings: the entanglement barrier of the exact NESS",
              "validate": "Validation of tGGE against exact dynamics"}
    lines = ["# Gallery of reproduced figures", "",
             "Written by `manybody figure --all --out data`; each entry: the caption's claim, "
             "our PNG, the numbers checked (expected value, its source, ours, tolerance) and "
             "every deviation from the paper with its reason.", ""]
    for prefix, title in papers.items():
        found = []
        for sub in ("figures", "validation"):
            for path in sorted((out / sub).glob(f"{prefix}_*.json")):
                link = path.with_suffix(".png").name if sub == "figures" \
                    else f"../{sub}/{path.with_suffix('.png').name}"
                found.append((json.loads(path.read_text()), link))
        if found:
            lines += [f"## {title}", ""]
            for record, link in found:
                lines += _gallery_entry(record, link)
    path = out / "figures" / "README.md"
    path.write_text("\n".join(lines))
    return path
