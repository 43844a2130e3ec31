"""Every teaching notebook, English and Chinese (notebooks/zh/), runs top to bottom in a fresh kernel
and prints what it was committed with.

The committed outputs are the notebook's claims: the prose quotes them. A fresh run must print the
same text, so a claim that the code no longer supports fails here. What is compared, output by output:

- text (stdout, stderr, ``text/plain``, ``text/html``, ...) exactly, after the carriage returns of a
  progress bar are applied (a bar redrawn 3 times or 30 leaves the same final line);
- pictures by their text: the labels, numbers, titles, legends and tick labels inside each SVG (also
  the SVGs inside an HTML widget), in order. Their geometry is not compared, since it depends on the
  layout program (the system ``dot`` or graphviz-pure) and on the matplotlib version. A PNG is
  compared by its presence only. So a figure whose title states a stale accuracy fails, and a curve
  that moved without any printed number moving does not;
- an output that must vary from run to run (a timing) is marked on its own cell with the tag
  ``nbval-ignore-output`` (nbval's name, so ``pytest --nbval`` reads the notebooks the same way); for
  such a cell only the kinds of output are compared.

``python tests/test_notebooks.py [NOTEBOOK ...]`` (``make run-notebooks``) re-executes notebooks the
same way and saves them with their outputs: that is how they are committed.
"""

from __future__ import annotations

import base64
import difflib
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from autograd.layout import image

ENGLISH = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
NOTEBOOKS = ENGLISH + sorted((Path(__file__).parent.parent / "notebooks" / "zh").glob("*.ipynb"))
IDS = [p.stem if p in ENGLISH else f"zh/{p.stem}" for p in NOTEBOOKS]
IGNORE_OUTPUT = "nbval-ignore-output"
SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
IMAGE = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]*)")  # a picture inside HTML
PICTURES = {"image/png", "image/jpeg", "image/svg+xml", "text/html"}
COLUMN = 780  # px: the column of a notebook in a window 900 px wide
WIDTH = re.compile(r'<svg[^>]*\swidth="([\d.]+)pt"')  # an SVG's width, in points: 4/3 px each


def execute(path: Path, workdir: Path) -> tuple[Any, float]:
    """The notebook at ``path`` run top to bottom in a fresh kernel (in ``workdir``, where any file it
    writes goes), with each cell's streams merged and progress-bar redraws applied; and the seconds
    the run took."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        coalesce_streams=True,
        record_timing=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    start = time.perf_counter()
    client.execute()
    return notebook, time.perf_counter() - start


def svg_text(svg: str) -> str:
    """The text drawn in an SVG picture, one ``<text>`` element a line, whitespace collapsed."""
    root = ET.fromstring(svg)
    texts = (" ".join("".join(e.itertext()).split()) for e in root.iter() if e.tag.endswith("}text"))
    return "\n".join(texts)


def comparable(output: Any) -> list[tuple[str, str]]:
    """An output as (kind, text) pairs to compare: its text, and the text inside its pictures."""
    if output.output_type == "stream":
        return [(output.name, output.text)]
    if output.output_type == "error":
        return [("error", f"{output.ename}: {output.evalue}")]
    pairs = []
    for kind, data in sorted(output.get("data", {}).items()):
        if kind in ("image/png", "image/jpeg"):
            pairs.append((kind, "(a picture, compared by its presence only)"))
        elif kind == "image/svg+xml" or kind == "text/html":
            data = IMAGE.sub(lambda m: base64.b64decode(m.group(1)).decode(), data)
            pairs.append((f"{kind}, text", SVG.sub(lambda m: "\n" + svg_text(m.group()) + "\n", data)))
        else:
            pairs.append((kind, data if isinstance(data, str) else repr(data)))
    return pairs


def differences(committed: Any, fresh: Any) -> list[str]:
    """Where the fresh run's outputs differ from the committed ones, cell by cell, as diffs."""
    found = []
    code = [(c, f) for c, f in zip(committed.cells, fresh.cells, strict=True) if c.cell_type == "code"]
    for number, (old, new) in enumerate(code, 1):
        before = [pair for out in old.outputs for pair in comparable(out)]
        after = [pair for out in new.outputs for pair in comparable(out)]
        if IGNORE_OUTPUT in old.metadata.get("tags", []):
            before, after = [(kind, "") for kind, _ in before], [(kind, "") for kind, _ in after]
        if before != after:
            lines = [f"== {kind} ==\n{text}" for kind, text in before]
            fresh_lines = [f"== {kind} ==\n{text}" for kind, text in after]
            diff = difflib.unified_diff(
                "\n".join(lines).splitlines(),
                "\n".join(fresh_lines).splitlines(),
                "committed",
                "fresh run",
                lineterm="",
            )
            first_line = old.source.splitlines()[0] if old.source else ""
            found.append(f"code cell {number} ({first_line!r}):\n" + "\n".join(diff))
    return found


def _notebook(*cells: tuple[str, list[Any], list[str]]) -> Any:
    """A notebook of code cells, each (source, outputs, tags)."""
    notebook = nbformat.v4.new_notebook()
    for source, outputs, tags in cells:
        cell = nbformat.v4.new_code_cell(source, outputs=outputs)
        cell.metadata["tags"] = tags
        notebook.cells.append(cell)
    return notebook


def _stream(text: str) -> Any:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _svg(*texts: str) -> Any:
    body = "".join(f'<g><path d="M {k} 0"/><text x="{k}">{t}</text></g>' for k, t in enumerate(texts))
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{len(texts)}pt">{body}</svg>'
    return nbformat.v4.new_output("display_data", data={"image/svg+xml": svg, "text/plain": "<Figure>"})


def test_a_stale_text_is_reported_with_its_diff() -> None:
    committed = _notebook(("print(n)", [_stream("11181 Values\n")], []))
    fresh = _notebook(("print(n)", [_stream("8181 Values\n")], []))
    (found,) = differences(committed, fresh)
    assert "code cell 1 ('print(n)')" in found and "-11181 Values" in found and "+8181 Values" in found
    assert differences(committed, committed) == []


@pytest.mark.notebooks
def test_the_runner_saves_a_progress_bar_as_its_final_line(tmp_path: Path) -> None:
    source = (
        "import time\n"
        "for k in (10, 50, 100):\n"
        "    print(f'\\r{k}%', end='', flush=True)\n"
        "    time.sleep(0.05)\n"
        "print()"
    )
    path = tmp_path / "bar.ipynb"
    nbformat.write(_notebook((source, [], [])), path)
    ran, _ = execute(path, tmp_path)
    assert [(out.output_type, out.text) for out in ran.cells[0].outputs] == [("stream", "100%\n")]


def test_pictures_are_compared_by_their_text_not_their_geometry() -> None:
    committed = _notebook(("plot()", [_svg("accuracy 94%", "0.5")], []))
    moved = _notebook(("plot()", [_svg("accuracy 94%", "0.5")], []))
    moved.cells[0].outputs[0].data["image/svg+xml"] = (
        moved.cells[0].outputs[0].data["image/svg+xml"].replace("M 0 0", "M 9 9")
    )
    assert differences(committed, moved) == []
    (found,) = differences(committed, _notebook(("plot()", [_svg("accuracy 92%", "0.5")], [])))
    assert "-accuracy 94%" in found and "+accuracy 92%" in found


def test_a_picture_inside_html_is_compared_by_its_text_not_its_bytes() -> None:
    def shown(*texts: str, shift: str = "0") -> Any:  # as a Drawing shows: an <img> holding the SVG
        svg = _svg(*texts).data["image/svg+xml"].replace("M 0 0", f"M {shift} 0")
        return nbformat.v4.new_output(
            "display_data", data={"text/html": image(svg), "text/plain": "<Drawing>"}
        )

    assert (
        differences(
            _notebook(("draw()", [shown("grad 0.5")], [])),
            _notebook(("draw()", [shown("grad 0.5", shift="9")], [])),
        )
        == []
    )
    (found,) = differences(
        _notebook(("draw()", [shown("grad 0.5")], [])), _notebook(("draw()", [shown("grad 0.25")], []))
    )
    assert "-grad 0.5" in found and "+grad 0.25" in found


def test_a_tagged_cell_is_compared_by_the_kinds_of_its_outputs_only() -> None:
    committed = _notebook(("time()", [_stream("0.42 s\n")], [IGNORE_OUTPUT]))
    assert differences(committed, _notebook(("time()", [_stream("0.57 s\n")], []))) == []
    assert differences(committed, _notebook(("time()", [_svg("0.57 s")], [])))


def test_the_series_is_there() -> None:
    assert [p.name[:2] for p in ENGLISH] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_a_fresh_run_prints_what_the_notebook_was_committed_with(path: Path, tmp_path: Path) -> None:
    fresh, _ = execute(path, tmp_path)
    stale = differences(nbformat.read(path, as_version=4), fresh)
    assert not stale, (
        f"{path.name}: a fresh run no longer prints what is committed. If the change is meant, re-run it "
        "with `make run-notebooks` and read the prose around each changed output.\n\n" + "\n\n".join(stale)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_committed_run_top_to_bottom_with_a_picture(path: Path) -> None:
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), "run the notebook top to bottom in a fresh kernel"
    kinds = {kind for c in cells for out in c.outputs for kind in out.get("data", {})}
    assert kinds & PICTURES
    assert not [out for c in cells for out in c.outputs if out.output_type == "error"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figures_are_sharp_on_a_high_density_screen(path: Path) -> None:
    """Vector pictures, or PNGs drawn at twice the size they are shown (``width`` in their metadata)."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    blurred = [
        n
        for n, c in enumerate(cells, 1)
        for out in c.outputs
        if "image/png" in out.get("data", {}) and "width" not in out.get("metadata", {}).get("image/png", {})
    ]
    assert not blurred, f"code cells {blurred} show a PNG at its own pixel size: draw SVG or 2x PNG"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_figure_fits_the_column_of_a_notebook_900_px_wide(path: Path) -> None:
    """A figure is shown at its own size wherever nothing scales it (an HTML export, JupyterLab), so it
    must fit the column: 780 px, a window 900 px wide less the prompts. valuegrad's own pictures come
    with HTML as well, which scales them (tests/test_browser.py)."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    wide = [
        (n, round(float(WIDTH.search(out.data["image/svg+xml"]).group(1)) * 4 / 3))  # type: ignore[union-attr]
        for n, c in enumerate(cells, 1)
        for out in c.outputs
        if "image/svg+xml" in out.get("data", {}) and "text/html" not in out.data
    ]
    wide = [(n, px) for n, px in wide if px > COLUMN]
    assert not wide, (
        f"(code cell, px) {wide}: wider than a notebook's column; give the figure a smaller figsize"
    )


def main(paths: list[str]) -> None:
    """Re-execute notebooks in fresh kernels and save them with their outputs; print each run time."""
    for path in [Path(p) for p in paths] or NOTEBOOKS:
        with tempfile.TemporaryDirectory() as workdir:
            with_outputs, seconds = execute(path, Path(workdir))
        nbformat.write(with_outputs, path)
        print(f"{path.name}: {seconds:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
