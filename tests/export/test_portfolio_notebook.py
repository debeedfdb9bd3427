"""The portfolio example's notebook runs top to bottom on a local kernel (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "portfolio"


def test_the_portfolio_notebook_executes() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("pandas")
    notebook = nbformat.read(FOLDER / "portfolio.ipynb", as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(FOLDER)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "True True" in text  # the fix did what it claimed
    assert any("text/html" in o.get("data", {}) for o in outputs
               if o.output_type == "execute_result")
