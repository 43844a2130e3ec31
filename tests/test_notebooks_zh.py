"""The Chinese series (notebooks/zh/) keeps in step with the English one: the same notebooks, the same
code cell for cell, and links both ways.

A Chinese notebook has its English twin's file name and code cells; the one cell it may add is its
set-up cell, tagged ``language``, which makes the exercise checks speak Chinese.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
ENGLISH = sorted(NOTEBOOKS.glob("*.ipynb"))
CHINESE = sorted((NOTEBOOKS / "zh").glob("*.ipynb"))
LANGUAGE_TAG = "language"


def _cells(path: Path) -> list[nbformat.NotebookNode]:
    return list(nbformat.read(path, as_version=4).cells)


def _markdown(path: Path) -> str:
    return "\n".join(cell.source for cell in _cells(path) if cell.cell_type == "markdown")


def test_the_chinese_series_has_begun() -> None:
    assert CHINESE, "notebooks/zh/ holds no notebook"


@pytest.mark.parametrize("path", CHINESE, ids=[p.stem for p in CHINESE])
def test_a_chinese_notebook_has_its_english_twins_code_cell_for_cell(path: Path) -> None:
    twin = NOTEBOOKS / path.name
    assert twin.exists(), f"zh/{path.name} has no English twin {twin.name}: the file names must match"
    code = [cell for cell in _cells(path) if cell.cell_type == "code"]
    tagged = [LANGUAGE_TAG in cell.metadata.get("tags", []) for cell in code]
    assert sum(tagged) <= 1, f"zh/{path.name}: {sum(tagged)} cells tagged {LANGUAGE_TAG!r}, at most 1"
    ours = [cell.source for cell, is_language in zip(code, tagged, strict=True) if not is_language]
    theirs = [cell.source for cell in _cells(twin) if cell.cell_type == "code"]
    for k, (zh, en) in enumerate(zip(ours, theirs, strict=False), start=1):
        assert zh == en, f"zh/{path.name}: code cell {k} differs from the English twin's:\n{zh}\n---\n{en}"
    assert len(ours) == len(theirs), (
        f"zh/{path.name} has {len(ours)} code cells besides its language cell, {twin.name} has {len(theirs)}"
    )


@pytest.mark.parametrize("path", CHINESE, ids=[p.stem for p in CHINESE])
def test_the_twins_link_to_each_other(path: Path) -> None:
    assert f"](../{path.name})" in _markdown(path), f"zh/{path.name} does not link to ../{path.name}"
    twin = NOTEBOOKS / path.name
    assert f"](zh/{path.name})" in _markdown(twin), f"{path.name} does not link to zh/{path.name}"


def test_every_english_notebook_has_a_chinese_twin() -> None:
    missing = [p.name for p in ENGLISH if not (NOTEBOOKS / "zh" / p.name).exists()]
    assert missing == [], f"notebooks without a Chinese twin in notebooks/zh/: {', '.join(missing)}"
