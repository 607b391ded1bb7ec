"""Every Python example of the README runs (the docs include them), in a scratch folder.

The example with the variational XX chain of 20 sites (about 3 minutes) runs with -m slow."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
SLOW = "variational_steady_state(xx"  # the block that takes minutes


def test_the_readme_has_its_examples():
    assert len(BLOCKS) >= 6 and sum(SLOW in b for b in BLOCKS) == 1


@pytest.mark.parametrize("index", [pytest.param(i, marks=pytest.mark.slow) if SLOW in b else i
                                   for i, b in enumerate(BLOCKS)])
def test_readme_example_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples save files
    exec(compile(BLOCKS[index], f"README.md python block {index}", "exec"), {})
