"""The example notebooks run top to bottom on a local kernel (no network needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_there_is_a_notebook_per_example_plan() -> None:
    plans = {p.stem for p in EXAMPLES.glob("*.yaml")}
    assert plans >= {"fcr", "aht", "csat", "capacity", "risk", "tracking", "aht-queue"}
    assert {p.stem for p in NOTEBOOKS} == plans


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    figures = [o for o in outputs if o.output_type in ("display_data", "execute_result")
               and "image/png" in o.get("data", {})]
    assert figures, "the Gantt chart should display as an image"
