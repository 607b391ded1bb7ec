"""Every example of the README runs (the docs include them), in a scratch folder.

Python blocks are executed; the one with the variational XX chain of 20 sites (about 3
minutes) runs with -m slow. Every ``manybody`` command, in shell blocks (also those of the
documentation, whose Python cells run when it builds) and inline, is
accepted by the command line's parser and names existing figures; the complete ``tgge``,
``bose`` and ``mpo`` commands run (the ring of 128 with -m slow). ``figure`` and
``validate-tgge`` commands run for minutes to hours at the paper's sizes: tests/test_figures.py
runs each figure at small sizes and tests/test_regenerate.py the ``figure --all`` jobs.
"""

import re
import shlex
from pathlib import Path

import pytest

from manybody import cli
from manybody.experiments import FIGURES

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
SLOW = "variational_steady_state(xx"  # the block that takes minutes
DOCS = "".join(p.read_text() for p in sorted((README.parent / "docs").rglob("*.md")))
SHELL = [part.strip() for block in re.findall(r"```bash\n(.*?)```", TEXT + DOCS, flags=re.S)
         for line in block.splitlines() for part in line.split(" #")[0].split("&&")]
INLINE = re.findall(r"`((?:\.venv/bin/)?manybody [^`]*)`", TEXT)
COMMANDS = sorted({" ".join(c.split()).removeprefix(".venv/bin/") for c in SHELL + INLINE
                   if re.match(r"(\.venv/bin/)?manybody ", c)})
PLACEHOLDER = re.compile(r"\.\.\.|\bNAME\b|\[")  # a pattern, not a command
SLOW_COMMANDS = {"manybody mpo steady --model ring --L 128 --alpha 2 --delta 1.5 "
                 "--boundary periodic --chi 32 --out DIR"}


def _argv(command: str, out: Path) -> list[str]:
    """The arguments after ``manybody``, with the folder placeholder DIR made real."""
    return [str(out) if a == "DIR" else a for a in shlex.split(command)[1:]]


def _variants(command: str) -> list[str]:
    """``figure a|b|c ...`` stands for one command per figure name."""
    words = command.split()
    if len(words) > 2 and words[1] == "figure" and "|" in command:
        rest = [w for w in words[2:] if w.startswith("--") or w == "DIR"]
        names = "".join(w for w in words[2:] if w not in rest).split("|")
        return [" ".join(["manybody", "figure", name, *rest]) for name in names]
    return [command]


RUNNABLE = sorted(c for c in COMMANDS if not PLACEHOLDER.search(c)
                  and c.split()[1] in ("tgge", "bose", "mpo"))


def test_the_readme_has_its_examples():
    assert len(BLOCKS) >= 6 and sum(SLOW in b for b in BLOCKS) == 1


@pytest.mark.parametrize("index", [pytest.param(i, marks=pytest.mark.slow) if SLOW in b else i
                                   for i, b in enumerate(BLOCKS)])
def test_readme_example_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples save files
    exec(compile(BLOCKS[index], f"README.md python block {index}", "exec"), {})


def test_the_readme_has_its_commands():
    assert len(COMMANDS) >= 20 and "manybody figure --all --out data" in COMMANDS
    assert SLOW_COMMANDS <= set(RUNNABLE) and len(RUNNABLE) >= 4


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_is_accepted(command, tmp_path, capsys):
    """The parser takes the command and every figure it names exists; of a pattern
    (``tgge steady ... [--json]``) the subcommand exists and has every option named."""
    for variant in _variants(command):
        if PLACEHOLDER.search(variant):
            words = variant.split()[1:]
            path = words[:next((i for i, w in enumerate(words) if w.startswith("-")
                                or PLACEHOLDER.search(w)), len(words))]
            with pytest.raises(SystemExit) as done:
                cli.make_parser().parse_args([*path, "--help"])
            assert done.value.code == 0
            usage = capsys.readouterr().out
            assert all(flag in usage for flag in re.findall(r"--[a-z-]+", variant)), variant
            continue
        args = cli.make_parser().parse_args(_argv(variant, tmp_path))
        if args.command == "figure" and args.name:
            assert args.name in FIGURES, variant


@pytest.mark.parametrize("command", [pytest.param(c, marks=pytest.mark.slow)
                                     if c in SLOW_COMMANDS else c for c in RUNNABLE])
def test_readme_command_runs(command, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # commands may write files
    assert cli.main(_argv(command, tmp_path / "out")) == 0, capsys.readouterr().err
