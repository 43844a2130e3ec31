"""Running Graphviz's layout program: the system ``dot`` if there is one, otherwise graphviz-pure.

The ``graphviz`` package writes DOT text and runs ``dot`` by name, so on a machine without a system
Graphviz every picture fails with ``ExecutableNotFound``. ``Drawing`` is a ``graphviz.Digraph`` whose
three layout calls (``pipe``, ``render`` and the Jupyter display, which pipes) run the program that
``layout_program()`` finds instead. graphviz-pure is a self-contained port of ``dot`` with the same
flags, installed from PyPI as a dependency, so a picture works right after ``pip install``.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import graphviz  # type: ignore[import-untyped]  # graphviz ships no type information


class LayoutProgramNotFound(graphviz.ExecutableNotFound):  # type: ignore[misc]
    """Neither ``dot`` nor ``graphviz-pure`` was found; the message says what to install.

    A ``graphviz.ExecutableNotFound``, so code that catches the graphviz package's error catches it.
    """

    _msg = (  # the graphviz package formats its error from this template
        "No Graphviz layout program found: neither `dot` nor `graphviz-pure` is on PATH or in {}. "
        "Install graphviz-pure, a self-contained port of dot that needs no system packages, into "
        "this Python: `{} -m pip install graphviz-pure`; or install a system Graphviz "
        "(`apt install graphviz`, `brew install graphviz`, `conda install graphviz`)."
    )

    def __init__(self) -> None:
        super().__init__([_scripts_dirs()[0], sys.executable])


def _scripts_dirs() -> list[str]:
    # A Jupyter kernel's PATH often lacks its own environment's bin directory, where pip put
    # graphviz-pure; sysconfig knows it, and the interpreter's own directory covers the rest.
    return [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]


def layout_program() -> str:
    """The path of ``dot`` on PATH, else of ``graphviz-pure`` on PATH or beside this Python."""
    beside = os.pathsep.join(_scripts_dirs())
    found = shutil.which("dot") or shutil.which("graphviz-pure") or shutil.which("graphviz-pure", path=beside)
    if found is None:
        raise LayoutProgramNotFound()
    return found


def _run(flags: list[str], source: bytes | None = None) -> bytes:
    """The output of the layout program run with ``flags``, reading ``source`` on stdin if given.

    Warnings on stderr (graphviz-pure guesses the width of non-ASCII text and says so) would print
    under every picture in a notebook, so stderr is shown only when the program fails, as if
    ``quiet=True`` were always passed.
    """
    cmd = [layout_program(), *flags]
    proc = subprocess.run(cmd, input=source, capture_output=True, check=False)
    if proc.returncode:
        raise graphviz.CalledProcessError(proc.returncode, cmd, output=proc.stdout, stderr=proc.stderr)
    return proc.stdout


def _flags(
    engine: str, format: str, renderer: str | None, formatter: str | None, neato_no_op: int | None
) -> list[str]:
    output = ":".join(f for f in (format, renderer, formatter) if f is not None)
    return [f"-K{engine}", f"-T{output}"] + ([f"-n{neato_no_op:d}"] if neato_no_op else [])


def _pipe_lines(
    engine: str,
    format: str,
    input_lines: Iterator[str],
    *,
    input_encoding: str,
    renderer: str | None = None,
    formatter: str | None = None,
    neato_no_op: int | None = None,
    quiet: bool = False,
) -> bytes:
    source = "".join(input_lines).encode(input_encoding)
    return _run(_flags(engine, format, renderer, formatter, neato_no_op), source)


def _pipe_lines_string(
    engine: str,
    format: str,
    input_lines: Iterator[str],
    *,
    encoding: str,
    renderer: str | None = None,
    formatter: str | None = None,
    neato_no_op: int | None = None,
    quiet: bool = False,
) -> str:
    flags = _flags(engine, format, renderer, formatter, neato_no_op)
    return _run(flags, "".join(input_lines).encode(encoding)).decode(encoding)


def _render(
    engine: str,
    format: str,
    filepath: str | os.PathLike[str],
    renderer: str | None = None,
    formatter: str | None = None,
    neato_no_op: int | None = None,
    quiet: bool = False,
    *,
    outfile: str | os.PathLike[str] | None = None,
    raise_if_result_exists: bool = False,
    overwrite_filepath: bool = False,
) -> str:
    source = Path(filepath)
    suffix = ".".join(f for f in (formatter, renderer, format) if f is not None)
    out = Path(outfile) if outfile is not None else source.with_name(f"{source.name}.{suffix}")
    if raise_if_result_exists and out.exists():
        raise graphviz.FileExistsError(f"output file exists: {os.fspath(out)!r}")
    if out.resolve() == source.resolve() and not overwrite_filepath:
        raise ValueError(f"outfile {out.name!r} must differ from the DOT source file {source.name!r}")
    _run([*_flags(engine, format, renderer, formatter, neato_no_op), "-o", str(out), str(source)])
    return os.fspath(out)


# In a page (Jupyter, an HTML export), a picture shrinks to its column and never grows past its own
# size; its viewBox keeps the proportions and the vector text stays sharp at any scale.
FIT = "max-width:100%;height:auto"


def styled(svg: str, style: str) -> str:
    """The SVG document ``svg`` with ``style`` on its root element, in place of any it had."""
    start = svg.index("<svg") + len("<svg")
    end = svg.index(">", start)
    attributes = re.sub(r' style="[^"]*"', "", svg[start:end])
    return f'{svg[:start]} style="{style}"{attributes}{svg[end:]}'


def inline(svg: str, style: str) -> str:
    """An SVG document as an element to put inside HTML, styled: no XML prolog or doctype, and no
    ``id`` attributes, which would repeat from picture to picture (text in an SVG has its quotes
    escaped, so ``id="`` only ever starts an attribute)."""
    return re.sub(r' id="[^"]*"', "", styled(svg[svg.index("<svg") :], style))


def image(svg: str) -> str:
    """The SVG document ``svg`` as an HTML ``<img>`` that holds its data and fits its column.

    An ``<img>`` survives the sanitizers that clean the HTML of untrusted notebooks (JupyterLab's
    removes every ``<svg>`` element and leaves its text strewn on the page), and it scales in an HTML
    export, where the ``<img>`` that nbconvert makes of an SVG output keeps its full width."""
    data = base64.b64encode(inline(svg, FIT).encode()).decode("ascii")
    return (
        f'<img class="valuegrad-picture" src="data:image/svg+xml;base64,{data}" style="{FIT}" '
        'alt="a graph drawn by valuegrad"/>'
    )


# Where scripts run (a notebook the user ran, an HTML export), the image just before this script
# becomes the SVG it holds, written into the page, so that its tooltips show on hover. Where a page
# runs scripts by eval (the classic Notebook), there is no current script and the image stays.
UNPACK = """<script>(function () {
  var script = document.currentScript;
  var img = script ? script.previousElementSibling : null;
  if (!img || !img.classList.contains("valuegrad-picture")) { return; }
  var bytes = Uint8Array.from(atob(img.src.split(",")[1]), function (c) { return c.charCodeAt(0); });
  var box = document.createElement("div");
  box.innerHTML = new TextDecoder().decode(bytes);
  var svg = box.querySelector("svg");
  if (svg) { img.replaceWith(svg); }
})();</script>"""


def width_px(svg: str) -> float:
    """The width of an SVG document written by Graphviz (in points) as CSS pixels: 4/3 of a point."""
    found = re.search(r'<svg width="([\d.]+)pt"', svg)
    if found is None:
        raise ValueError("an SVG document from Graphviz gives its width in points")
    return float(found.group(1)) * 4 / 3


class Drawing(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type information
    """A ``graphviz.Digraph`` laid out by ``dot``, or by graphviz-pure where there is no ``dot``.

    Everything else is the Digraph's own: ``.source`` is the DOT text, ``.pipe(format="png")`` the
    picture's bytes, ``.render(outfile="graph.svg")`` writes it, and Jupyter shows it (as SVG and as
    HTML) scaled down to the width of its column where it is wider. The
    graphviz package runs its layout program only through these three properties (seams it keeps
    for tests to replace), so overriding them is all it takes.
    """

    def __repr__(self) -> str:  # stable, so a notebook's saved text output does not change per run
        return "<Drawing: display it, or read .source>"

    def _repr_image_svg_xml(self) -> str:
        """The SVG, styled to fit its column."""
        return styled(self.pipe(format="svg", encoding="utf-8"), FIT)

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None, **kwargs: object
    ) -> dict[str, str | bytes]:
        """What Jupyter shows: the picture as SVG (graphviz's output), and as HTML, which notebooks and
        HTML exports show first: an ``<img>`` that fits its column (``image``), which a script turns
        into the SVG itself where scripts run, for its tooltips."""
        shown = {self._jupyter_mimetype} if include is None else set(include)
        if include is None and "image/svg+xml" in shown:  # graphviz's default, SVG: with its HTML
            shown.add("text/html")
        shown -= set(exclude or ())
        bundle: dict[str, str | bytes] = super()._repr_mimebundle_(shown - {"text/html"}, **kwargs)
        if "text/html" in shown:
            svg = bundle.get("image/svg+xml")
            bundle["text/html"] = image(svg if isinstance(svg, str) else self._repr_image_svg_xml()) + UNPACK
        return bundle

    @property
    def _pipe_lines(self) -> Callable[..., bytes]:
        return _pipe_lines

    @property
    def _pipe_lines_string(self) -> Callable[..., str]:
        return _pipe_lines_string

    @property
    def _render(self) -> Callable[..., str]:
        return _render
