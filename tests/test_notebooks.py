"""Every teaching notebook, English and Chinese (notebooks/zh/), runs top to bottom in a fresh kernel,
and is committed with its outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ENGLISH = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
NOTEBOOKS = ENGLISH + sorted((Path(__file__).parent.parent / "notebooks" / "zh").glob("*.ipynb"))
IDS = [p.stem if p in ENGLISH else f"zh/{p.stem}" for p in NOTEBOOKS]


def test_the_series_is_there() -> None:
    assert [p.name[:2] for p in ENGLISH] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_in_a_fresh_kernel(path: Path, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_committed_with_its_outputs_and_a_picture(path: Path) -> None:
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert all(c.execution_count for c in cells), "run the notebook top to bottom before committing"
    kinds = {kind for c in cells for out in c.outputs for kind in out.get("data", {})}
    assert kinds & {"image/png", "image/svg+xml", "text/html"}
    assert not [out for c in cells for out in c.outputs if out.output_type == "error"]
