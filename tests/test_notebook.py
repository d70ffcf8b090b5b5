from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import config

NOTEBOOK = config.ROOT / "notebooks" / "explore.ipynb"
NOTEBOOK_TOOLS = ("nbformat", "nbclient", "ipykernel", "matplotlib")


def _cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def test_committed_notebook_has_no_outputs() -> None:
    for cell in _cells():
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"cell {cell.get('id')} has outputs: run `nbstripout {NOTEBOOK}`"
            assert cell["execution_count"] is None, f"cell {cell.get('id')} has an execution count: run nbstripout"


def test_notebook_has_one_parameters_cell_with_data_dir() -> None:
    tagged = [c for c in _cells() if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    assert 'DATA_DIR = "../data/processed"' in "".join(tagged[0]["source"])


@pytest.fixture(scope="module")
def built_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool in NOTEBOOK_TOOLS:  # skip before the build when the notebook cannot run
        pytest.importorskip(tool)
    from pipeline.build import build

    out = tmp_path_factory.mktemp("notebook") / "out"
    build(config.RAW_DIR, out)
    return out


def test_notebook_runs_on_a_fresh_build(built_output: Path) -> None:
    import nbclient
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    parameters.source = f"DATA_DIR = {str(built_output)!r}"
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(images) == 2, "expected the daily chart and the schematic map"
    tables = [o for o in outputs if o.output_type == "execute_result" and "text/html" in o.data]
    assert len(tables) == 2, "expected the ceasefire summary and the deadliest events"
    assert "ceasefire_id" in tables[0].data["text/html"]
    assert "evidence" in tables[1].data["text/html"]


def test_nbstripout_would_not_change_the_notebook() -> None:
    pytest.importorskip("nbstripout")
    result = subprocess.run(
        [sys.executable, "-m", "nbstripout", "--verify", str(NOTEBOOK)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"run `nbstripout {NOTEBOOK}`: {result.stdout}{result.stderr}"
