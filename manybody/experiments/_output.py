"""Writing a reproduced figure: a PNG and a JSON with parameters, provenance and numbers."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..provenance import provenance  # noqa: E402
from ..result import _jsonable  # noqa: E402


def write_figure(fig, out: str | Path, name: str, parameters: dict, numbers: dict) -> dict:
    """Save ``fig`` as ``out/name.png`` and the record as ``out/name.json``; return the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    png, js = out / f"{name}.png", out / f"{name}.json"
    fig.savefig(png, dpi=130, bbox_inches="tight")
    plt.close(fig)
    record = {"figure": name, "parameters": parameters, "provenance": provenance(),
              "numbers": numbers}
    js.write_text(json.dumps(_jsonable(record), indent=1))
    return {"png": str(png), "json": str(js)}
