"""draw_dot and backward_steps, rendered for real by the layout program that a user would get.

No Graphviz is mocked: every picture here is laid out by graphviz-pure (or a system ``dot``), and
the tests read the SVG it wrote, as a browser would.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import graphviz
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value, backward_steps, draw_dot
from autograd.draw import short_name, short_names
from autograd.graph import reverse_topological
from autograd.layout import layout_program
from autograd.testing import Expression, expressions

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "http://www.w3.org/1999/xlink"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
REPO = Path(__file__).resolve().parents[1]


def neuron() -> tuple[Value, dict[str, Value]]:
    """micrograd's neuron, o = tanh(x1*w1 + x2*w2 + b), and its values by label."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    for value, label in [(x1w1, "x1*w1"), (x2w2, "x2*w2"), (s, "x1*w1 + x2*w2"), (n, "n"), (o, "o")]:
        value.label = label
    return o, {v.label: v for v in (x1, x2, w1, w2, b, x1w1, x2w2, s, n, o)}


def nodes(svg: str | bytes) -> dict[str, ET.Element]:
    """The drawn nodes of an SVG picture by their DOT name (n0, op0, ...)."""
    root = ET.fromstring(svg)
    drawn = (g for g in root.iter(f"{SVG}g") if "node" in str(g.get("class")).split())
    return {str(g.findtext(f"{SVG}title")): g for g in drawn}


def texts(node: ET.Element) -> list[str]:
    """The lines of text in a drawn node, as a reader sees them (Graphviz writes a repeated space
    as a no-break space so that it survives in SVG)."""
    return [(t.text or "").replace("\xa0", " ") for t in node.iter(f"{SVG}text")]


def shows(text: str, x: float, digits: int = 4) -> bool:
    """Whether ``text`` shows ``x`` as the README promises: ``digits`` significant digits, trailing
    zeros kept (an exponent allowed), read back as ``x`` rounded to them. Independent of draw's own
    formatting: it counts the digits and rounds through Python's e-notation."""
    if not math.isfinite(x):
        return text == str(x)
    mantissa = re.fullmatch(r"-?(\d+(?:\.\d*)?)(?:e[+-]\d+)?", text)
    if mantissa is None:
        return False
    written = mantissa[1].replace(".", "")
    significant = written if x == 0 else written.lstrip("0")  # 0.000: four zeros, all significant
    return len(significant) == digits and float(text) == float(f"{x:.{digits - 1}e}")


def label_text(label: str) -> str:
    """The label of a single-node picture, as drawn."""
    return texts(nodes(draw_dot(Value(1.0, label)).pipe(format="svg"))["n0"])[0]


@pytest.fixture
def no_dot_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PATH holds nothing at all, so `dot` is not found; graphviz-pure is found beside Python."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None


# Rendering without a system Graphviz


@pytest.mark.usefixtures("no_dot_on_path")
def test_svg_and_png_render_with_no_dot_on_path(tmp_path: Path) -> None:
    assert Path(layout_program()).name.startswith("graphviz-pure")
    o, _ = neuron()
    o.backward()
    picture = draw_dot(o)
    assert isinstance(picture, graphviz.Digraph)
    svg = picture.pipe(format="svg", encoding="utf-8")
    assert texts(nodes(svg)["n0"]) == ["o", "data 0.7071", "grad 1.000"]
    assert picture.pipe(format="png").startswith(PNG_MAGIC)
    written = Path(picture.render(outfile=tmp_path / "neuron.png"))
    assert written.read_bytes().startswith(PNG_MAGIC)
    assert Path(picture.render(tmp_path / "neuron")).read_text().startswith("<?xml")
    shown = picture._repr_mimebundle_()
    assert sorted(shown) == ["image/svg+xml", "text/html"] and "data 0.7071" in shown["image/svg+xml"]


def test_a_missing_layout_program_says_what_to_install(tmp_path: Path) -> None:
    """A Python whose environment has no graphviz-pure, on a PATH without dot: the base interpreter
    of this virtual environment, importing valuegrad from the source tree."""
    base = Path(sys.base_prefix, "bin", "python3")
    if not base.exists() or any((base.parent / p).exists() for p in ("dot", "graphviz-pure")):
        pytest.skip("needs a base Python with neither dot nor graphviz-pure beside it")
    packages = next(p for p in sys.path if p.endswith("site-packages"))
    program = (
        "import graphviz\n"
        "from autograd import Value, draw_dot\n"
        "try:\n"
        "    draw_dot(Value(1.0)).pipe()\n"
        "except graphviz.ExecutableNotFound as error:  # the README's promise: the graphviz package's error\n"
        "    print(f'{type(error).__name__}: {error}')\n"
    )
    env = {"PATH": str(tmp_path), "PYTHONPATH": os.pathsep.join([str(REPO), packages])}
    run = subprocess.run([base, "-c", program], env=env, capture_output=True, text=True, check=True)
    assert "LayoutProgramNotFound: No Graphviz layout program found" in run.stdout
    assert f"{base} -m pip install graphviz-pure" in run.stdout
    assert "apt install graphviz" in run.stdout


def test_the_engine_does_not_import_graphviz() -> None:
    program = "import sys, autograd; autograd.Value(1.0).tanh(); print('graphviz' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
    assert autograd.draw_dot is draw_dot and autograd.backward_steps is backward_steps


# What a picture shows


def test_each_value_shows_label_data_and_grad_and_each_op_is_its_own_node() -> None:
    o, v = neuron()
    o.backward()
    drawn = nodes(draw_dot(o).pipe(format="svg"))
    values = {texts(node)[0]: texts(node)[1:] for name, node in drawn.items() if name.startswith("n")}
    for label, value in v.items():
        data, gradient = values[label]
        assert shows(data.removeprefix("data "), value.data) and shows(
            gradient.removeprefix("grad "), value.grad
        )
    ops = sorted(texts(node)[0] for name, node in drawn.items() if name.startswith("op"))
    assert ops == ["*", "*", "+", "+", "tanh"]


def test_an_unlabelled_value_shows_data_and_grad_only() -> None:
    assert texts(nodes(draw_dot(Value(-2.5)).pipe(format="svg"))["n0"]) == ["data -2.500", "grad 0.000"]


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (2.0, "2.000"),
        (-1.5, "-1.500"),
        (0.0, "0.000"),
        (-0.0, "0.000"),  # the sign of a zero is the order of additions, not a number to read
        (0.70710678, "0.7071"),
        (1234.5678, "1235"),
        (1e-7, "1.000e-07"),
        (-123456789.0, "-1.235e+08"),
        (math.inf, "inf"),
        (math.nan, "nan"),
    ],
)
def test_numbers_have_four_significant_digits_with_an_exponent_where_needed(x: float, shown: str) -> None:
    assert texts(nodes(draw_dot(Value(x)).pipe(format="svg"))["n0"])[0] == f"data {shown}"


def test_local_derivatives_are_written_on_the_input_edges() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    svg = draw_dot(a * b, local_grads=True).pipe(format="svg", encoding="utf-8")
    edges = {
        g.findtext(f"{SVG}title"): texts(g)
        for g in ET.fromstring(svg).iter(f"{SVG}g")
        if g.get("class") == "edge"
    }
    # d(a*b)/da = b and d(a*b)/db = a; a is the first argument, so it is n1.
    assert edges == {"op0->n0": [], "n1->op0": ["∂ -3.000"], "n2->op0": ["∂ 2.000"]}


def fills(svg: str | bytes) -> dict[str, str]:
    """The fill colour of each drawn value's box, by its first line of text."""
    drawn = [node for name, node in nodes(svg).items() if name.startswith("n")]
    return {texts(node)[0]: str(shape(node).get("fill")) for node in drawn}


def shape(node: ET.Element) -> ET.Element:
    """The outline of a drawn node: the first path, polygon or ellipse in it."""
    return next(e for e in node.iter() if e.tag in (f"{SVG}path", f"{SVG}polygon", f"{SVG}ellipse"))


def test_colour_by_gradient_is_blue_for_positive_red_for_negative_and_deeper_for_larger() -> None:
    o, _ = neuron()
    o.backward()
    fill = fills(draw_dot(o, color_grads=True).pipe(format="svg"))

    def rgb(label: str) -> tuple[int, int, int]:
        code = fill[label]
        return int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16)

    red, _, blue = rgb("x1")  # grad -1.5, the largest
    assert red > blue
    red, _, blue = rgb("w1")  # grad 1.0
    assert blue > red
    assert fill["w2"] == "#ffffff"  # grad 0
    assert sum(rgb("n")) > sum(rgb("w1"))  # 0.5 is paler than 1.0


def test_leaves_parameters_and_the_output_look_different() -> None:
    o, v = neuron()
    picture = draw_dot(o, parameters=[v["w1"], v["w2"], v["b"]])
    drawn = nodes(picture.pipe(format="svg"))
    by_label = {texts(node)[0]: node for name, node in drawn.items() if name.startswith("n")}
    fill = fills(picture.pipe(format="svg"))
    assert len(by_label["o"].findall(f"{SVG}path") + by_label["o"].findall(f"{SVG}polygon")) >= 2  # double
    assert len({fill["o"], fill["w1"], fill["x1"], fill["n"]}) == 4  # output, parameter, leaf, op result
    assert "stroke-width" in ET.tostring(by_label["w1"]).decode()  # a parameter's border is bold
    assert "stroke-width" not in ET.tostring(by_label["x1"]).decode()


def yellowish(colour: str) -> bool:
    red, green, blue = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
    return red > 200 and green > 180 and blue < 0.8 * green


def test_a_nan_gradient_is_yellow_when_colouring_by_gradient() -> None:
    x, y = Value(-1.0, "x"), Value(2.0, "y")
    out = x.log() * y  # log(-1) is nan, and so is y's gradient
    out.label = "out"
    out.backward()
    fill = fills(draw_dot(out, color_grads=True).pipe(format="svg"))
    assert math.isnan(y.grad) and yellowish(fill["y"])
    assert not any(map(yellowish, (fill["out"], fill["x"])))  # grad 1 and 1/x * 2 = -2: blue and red


def test_leaves_have_round_corners_and_other_values_square_ones() -> None:
    o, v = neuron()
    drawn = {texts(node)[0]: node for name, node in nodes(draw_dot(o).pipe(format="svg")).items()}
    for label, value in v.items():
        outline = shape(drawn[label])
        if value.parents:
            assert outline.tag == f"{SVG}polygon", label  # four straight sides
        else:  # the corners are curves: a path with cubic Bezier (C) segments
            assert outline.tag == f"{SVG}path" and "C" in str(outline.get("d")), label


def centre(svg: str | bytes, label: str) -> tuple[float, float]:
    """Where the first line of text of the value labelled ``label`` is drawn."""
    node = next(node for node in nodes(svg).values() if texts(node)[0] == label)
    first = next(node.iter(f"{SVG}text"))
    return float(str(first.get("x"))), float(str(first.get("y")))


def test_rankdir_lays_the_graph_out_left_to_right_by_default_or_top_to_bottom() -> None:
    x = Value(0.5, "x")
    y = x.tanh().exp()  # a chain: one value per rank
    y.label = "y"
    (x0, y0), (x1, y1) = (centre(draw_dot(y).pipe(format="svg"), label) for label in ("x", "y"))
    assert x1 - x0 > 100 and abs(y1 - y0) < 1  # the input on the left, the output on the right
    picture = draw_dot(y, rankdir="TB")
    assert "rankdir=TB" in picture.source
    (x0, y0), (x1, y1) = (centre(picture.pipe(format="svg"), label) for label in ("x", "y"))
    assert y1 - y0 > 100 and abs(x1 - x0) < 1  # the input on top, the output below (SVG's y grows down)


def test_backward_steps_mark_the_parameters_in_every_frame() -> None:
    o, v = neuron()
    parameters = [v["w1"], v["w2"], v["b"]]
    marked = backward_steps(o, parameters=parameters)
    plain = fills(backward_steps(o)[0].pipe(format="svg"))
    parameter_fill = fills(draw_dot(o, parameters=parameters).pipe(format="svg"))["w1"]
    assert parameter_fill != plain["w1"]
    for frame in marked:
        fill = fills(frame.pipe(format="svg"))
        assert [fill[label] for label in ("w1", "w2", "b")] == [parameter_fill] * 3
        assert fill["x1"] == fill["x2"] == plain["x1"] != parameter_fill


def test_highlight_outlines_values_and_the_ops_and_edges_between_them() -> None:
    o, v = neuron()
    lines = [
        line.split(" [")[0].strip()
        for line in draw_dot(o, highlight=[o, v["n"], v["b"]]).source.splitlines()
        if "#e8590c" in line
    ]
    # o is n0, n is n1 and b is n3 (breadth-first from the output); tanh and + join them.
    assert sorted(lines) == sorted(
        ["n0", "op0", "op0 -> n0", "n1 -> op0", "n1", "op1", "op1 -> n1", "n3 -> op1", "n3"]
    )


# Labels never break the DOT syntax


HOSTILE = [
    "<b>",
    "{c|d}",
    '"quoted"',
    "'single'",
    "back\\slash",
    "\\N \\G \\l",
    "a\\\\b",
    "é 漢 🙂",
    "]; x -> y [",
    "&amp;",
]


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_appear_verbatim(label: str) -> None:
    assert label_text(label) == label
    assert draw_dot(Value(1.0, label)).pipe(format="png").startswith(PNG_MAGIC)


printable = st.text(
    st.characters(
        exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"), include_characters=" "
    ),
    min_size=1,
)


@given(printable)
def test_any_printable_label_round_trips_into_the_svg(label: str) -> None:
    assert label_text(label) == label


@given(st.text(min_size=1))
def test_any_text_draws_with_unprintable_characters_shown_as_python_escapes(label: str) -> None:
    assert label_text(label) == "".join(c if c.isprintable() else ascii(c)[1:-1] for c in label)


# The same program draws the same picture


def test_two_runs_of_the_same_program_write_the_same_dot_text() -> None:
    program = (
        "from autograd import Value, draw_dot\n"
        "xs = [Value(float(i), f'x{i}') for i in range(6)]\n"
        "y = (xs[0] * xs[1] + xs[2] - xs[3] / xs[4]) ** 2 + xs[5].tanh() * xs[0]\n"
        "y.backward()\n"
        "print(draw_dot(y, local_grads=True, color_grads=True, parameters=xs[:2]).source)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and "\tn0 [" in runs[0]


def test_inputs_are_drawn_in_argument_order() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    assert draw_dot(a - b).source.index("n1 -> op0") < draw_dot(a - b).source.index("n2 -> op0")
    drawn = nodes(draw_dot(a - b).pipe(format="svg"))
    assert texts(drawn["n1"])[0] == "a" and texts(drawn["n2"])[0] == "b"
    assert texts(nodes(draw_dot(b - a).pipe(format="svg"))["n1"])[0] == "b"


# Large graphs


@pytest.fixture(scope="module")
def huge() -> Value:
    """A 200,001-value graph: a chain of 100,000 multiply-adds."""
    y = Value(1.0)
    for _ in range(100_000):
        y = y * 0.999 + 0.5
    return y


def test_a_huge_graph_is_refused_at_once_with_the_size_and_the_options(huge: Value) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"more than 500 values") as refused:
        draw_dot(huge)
    assert time.perf_counter() - start < 0.5
    assert "max_nodes=" in str(refused.value) and "last=500" in str(refused.value)
    with pytest.raises(ValueError, match=r"more than 10 values"):
        draw_dot(huge, max_nodes=10)


def test_last_draws_the_values_nearest_the_output_of_a_huge_graph_quickly(huge: Value) -> None:
    start = time.perf_counter()
    svg = draw_dot(huge, last=30).pipe(format="svg")
    assert time.perf_counter() - start < 2
    drawn = nodes(svg)
    assert sum(name.startswith("n") for name in drawn) == 30
    assert any(texts(node) == ["1 more input"] for name, node in drawn.items() if name.startswith("more"))


def test_max_nodes_none_draws_a_graph_over_the_default_limit() -> None:
    y = autograd.sum(Value(float(i)) for i in range(600))
    assert sum(name.startswith("n") for name in nodes(draw_dot(y, max_nodes=None).pipe(format="svg"))) == 601


def test_draw_dot_explains_wrong_arguments() -> None:
    with pytest.raises(TypeError, match=r"draws a Value, or a node .* got float, which has no data"):
        draw_dot(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 1"):
        draw_dot(Value(1.0), last=0)


LIMITS = [(draw_dot, "last"), (draw_dot, "max_nodes"), (backward_steps, "max_nodes")]


@pytest.mark.parametrize(("draw", "option"), LIMITS)
@pytest.mark.parametrize("bad", [1.5, 2.0, math.nan, math.inf, True, "3", 0, -1])
def test_a_limit_that_is_not_a_positive_integer_is_refused_at_once(
    huge: Value, draw: Callable[..., object], option: str, bad: object
) -> None:
    start = time.perf_counter()
    with pytest.raises(
        ValueError, match=rf"^{draw.__name__}\({option}={re.escape(repr(bad))}\): {option} counts"
    ):
        draw(huge, **{option: bad})
    assert time.perf_counter() - start < 0.5


def test_a_limit_may_be_a_numpy_integer() -> None:
    np = pytest.importorskip("numpy")
    y = autograd.sum([Value(1.0), Value(2.0)]) * 2  # five values: two leaves, the sum, 2 and the product
    drawn = nodes(draw_dot(y, last=np.int64(4)).pipe(format="svg"))
    assert sum(name.startswith("n") for name in drawn) == 4
    with pytest.raises(ValueError, match="more than 4 values"):
        draw_dot(y, max_nodes=np.int64(4))
    assert len(backward_steps(y, max_nodes=np.int64(5))) == 5


# The backward pass, step by step


def test_backward_steps_draw_one_frame_per_node_in_the_backward_order() -> None:
    o, v = neuron()
    steps = backward_steps(o)
    order = list(reverse_topological(o))
    assert len(steps) == len(order) == len(v) and list(steps.order) == order
    for k, (node, frame) in enumerate(zip(order, steps, strict=True), 1):
        svg = frame.pipe(format="svg", encoding="utf-8")
        lit = [texts(g)[0] for g in nodes(svg).values() if 'stroke="#e8590c"' in ET.tostring(g).decode()]
        assert lit[0] == node.label  # the value box, then its op if it has one
        active = [texts(g)[0] for g in nodes(svg).values() if "active" in str(g.get("class")).split()]
        assert active == [node.label]  # the node the widget scrolls to
        assert f"Step {k} of {len(order)}: " in svg


def test_backward_steps_end_with_the_gradients_of_backward_and_leave_grad_alone() -> None:
    o, v = neuron()
    last = nodes(backward_steps(o)[-1].pipe(format="svg"))
    assert all(value.grad == 0.0 for value in v.values())
    o.backward()
    shown = {texts(g)[0]: texts(g)[2] for name, g in last.items() if name.startswith("n")}
    assert shown.keys() == v.keys()
    assert all(shows(shown[label].removeprefix("grad "), value.grad) for label, value in v.items())


@given(expressions(n_inputs=3, max_ops=8))
def test_backward_steps_end_with_the_gradients_of_backward_on_any_expression(
    case: tuple[Expression, list[float]],
) -> None:
    f, xs = case
    y = f(*map(Value, xs))
    graph = list(reverse_topological(y))
    for k, value in enumerate(graph):
        value.label = f"v{k}"
    last = backward_steps(y, max_nodes=None)[-1].source
    shown = dict(re.findall(r"<b>(v\d+)</b>.*?grad ([^<]*)<", last))
    y.backward()
    assert shown.keys() == {value.label for value in graph}
    assert all(shows(shown[value.label], value.grad) for value in graph), shown


def test_a_grad_still_summing_is_grey() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    ab = a * b
    ab.label = "ab"
    y = ab + a
    y.label = "y"
    steps = backward_steps(y)
    frame = [k for k, node in enumerate(steps.order) if node in (ab, y)]
    # a hears from y first (grad 1) and from a*b later (grad -3 more): grey until then.
    first = {texts(g)[0]: g for g in nodes(steps[frame[0]].pipe(format="svg")).values()}
    assert texts(first["a"])[2] == "grad 1.000" and 'fill="#737373"' in ET.tostring(first["a"]).decode()
    last = {texts(g)[0]: g for g in nodes(steps[-1].pipe(format="svg")).values()}
    assert texts(last["a"])[2] == "grad -2.000" and "#737373" not in ET.tostring(last["a"]).decode()


def test_backward_steps_show_unreached_grads_as_a_question_mark() -> None:
    o, _ = neuron()
    first = nodes(backward_steps(o)[0].pipe(format="svg"))
    shown = {texts(g)[0]: texts(g)[2] for name, g in first.items() if name.startswith("n")}
    assert shown["o"] == "grad 1.000" and shown["n"] == "grad 0.5000" and shown["x1"] == "grad ?"


def test_every_frame_has_the_same_layout() -> None:
    o, _ = neuron()

    def outlines(frame: graphviz.Digraph) -> list[str | None]:
        return [
            shape(node).get("d") or shape(node).get("points")
            for node in nodes(frame.pipe(format="svg")).values()
        ]

    assert len({tuple(outlines(frame)) for frame in backward_steps(o)}) == 1


def test_every_grad_fits_its_fixed_cell() -> None:
    y = Value(1e-9, "tiny") * Value(-123456789.0, "huge") + Value(-0.5)
    for frame in backward_steps(y):
        run = subprocess.run([layout_program(), "-Tsvg"], input=frame.source.encode(), capture_output=True)
        assert "too small" not in run.stderr.decode()


def test_backward_steps_display_as_one_self_contained_html_widget() -> None:
    o, _ = neuron()
    steps = backward_steps(o)
    widget = steps._repr_html_()
    page = ET.fromstring(widget)  # well-formed: every tag closed, every attribute quoted
    (view,) = page.findall(".//div[@class='valuegrad-view']")
    (first,) = view  # the first frame as an image, for a page that runs no script or strips <svg>
    assert first.tag == "img" and first.get("style") == "max-width:100%;height:auto"
    assert [
        texts(g)[0] for g in ET.fromstring(unpacked(first)).iter(f"{SVG}g") if "active" in str(g.get("class"))
    ] == [steps.order[0].label]
    data = page.find("script[@type='application/json']")
    assert data is not None and not set("<>&") & set(str(data.text))  # no markup inside a script
    frames = json.loads(str(data.text))
    assert [f["caption"][: len(f"Step {k} of")] for k, f in enumerate(frames, 1)] == [
        f"Step {k} of" for k in range(1, len(steps) + 1)
    ]
    for k, frame in enumerate(frames):
        svg = ET.fromstring(frame["svg"])
        assert svg.tag == f"{SVG}svg" and f"Step {k + 1} of" not in frame["svg"]  # the caption is text
        active = [g for g in svg.iter(f"{SVG}g") if "active" in str(g.get("class")).split()]
        assert [texts(g)[0] for g in active] == [steps.order[k].label]
    slider = page.find(".//input")
    assert slider is not None and (slider.get("type"), slider.get("max")) == ("range", str(len(steps) - 1))
    buttons = list(page.iter("button"))
    assert [(b.get("data-step"), b.get("class")) for b in buttons] == [
        ("-1", None),
        (None, "valuegrad-play"),
        ("1", None),
    ]
    script = page.findall("script")[-1]
    assert f'getElementById("{page.get("id")}")' in str(script.text)
    ids = re.findall(r' id="([^"]*)"', widget)
    assert ids == [page.get("id")]  # no id repeated from frame to frame
    assert steps.html() != widget  # a second display gets its own id


def test_backward_steps_write_their_frames_as_files(tmp_path: Path) -> None:
    o, v = neuron()
    paths = backward_steps(o).save(tmp_path / "steps", format="png")
    assert [p.name for p in paths] == [f"step-{k:02d}.png" for k in range(1, len(v) + 1)]
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in paths)


def test_backward_steps_refuse_a_large_graph() -> None:
    y = autograd.sum(Value(float(i)) for i in range(60))
    with pytest.raises(ValueError, match=r"backward_steps: this graph has more than 50 values"):
        backward_steps(y)
    assert len(backward_steps(y, max_nodes=61)) == 61


# Pictures of a model


def mlp_output(**options: object) -> tuple[Value, nn.MLP]:
    """MLP(2, [3, 1]) on one labelled point, after backward()."""
    model = nn.MLP(2, [3, 1], seed=1, **options)  # type: ignore[arg-type]
    out = model([Value(0.5, "x0"), Value(-1.0, "x1")])
    out.label = "out"
    out.backward()
    return out, model


def clusters(svg: str | bytes) -> dict[str, tuple[float, float, float, float]]:
    """Each drawn cluster's bounding box (left, top, right, bottom), by its label."""
    found = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "cluster":
            outline = next(e for e in g.iter() if e.tag in (f"{SVG}path", f"{SVG}polygon"))
            found[texts(g)[0]] = box(outline)
    return found


def box(element: ET.Element) -> tuple[float, float, float, float]:
    """The bounding box of a path or polygon from Graphviz (absolute coordinates only)."""
    numbers = [
        float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", str(element.get("d") or element.get("points")))
    ]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("layers.0.neurons.3.w.1", "L0.n3.w1"),
        ("layers.0.neurons.3.b", "L0.n3.b"),
        ("layers.12.neurons.10.w.0", "L12.n10.w0"),
        ("w", "w"),
        ("encoder.layers.1.neurons.0.b", "encoder.L1.n0.b"),
        ("blocks.2.scale", "b2.scale"),
    ],
)
def test_a_parameter_name_shortens_each_list_item_to_an_initial_and_its_index(name: str, short: str) -> None:
    assert short_name(name) == short


def test_names_that_would_shorten_alike_stay_whole() -> None:
    assert short_names(["nodes.0.w", "neurons.0.w", "layers.1.b"]) == {
        "nodes.0.w": "nodes.0.w",
        "neurons.0.w": "neurons.0.w",
        "layers.1.b": "L1.b",
    }


@pytest.mark.parametrize("fused", [True, False])
def test_a_model_draws_each_parameter_with_its_short_name_and_its_full_name_as_tooltip(fused: bool) -> None:
    out, model = mlp_output(fused=fused)
    svg = draw_dot(out, parameters=model, max_nodes=None).pipe(format="svg", encoding="utf-8")
    drawn = {texts(g)[0]: g for g in nodes(svg).values() if texts(g)}
    for name, p in model.named_parameters():
        node = drawn[short_name(name)]
        data, gradient = texts(node)[1:]
        assert shows(data.removeprefix("data "), p.data) and shows(gradient.removeprefix("grad "), p.grad)
        assert [a.get(f"{{{XLINK}}}title") for a in node.iter(f"{SVG}a")] == [name]
    fill = fills(svg)
    assert fill["L0.n0.w0"] == fill["L1.n0.b"] != fill["x0"]  # inputs look different from parameters
    assert "stroke-width" in ET.tostring(drawn["L0.n0.w0"]).decode()
    assert "stroke-width" not in ET.tostring(drawn["x0"]).decode()


@pytest.mark.parametrize("fused", [True, False])
def test_each_neuron_is_a_cluster_inside_its_layer_and_the_layers_read_left_to_right(fused: bool) -> None:
    out, model = mlp_output(fused=fused)
    svg = draw_dot(out, parameters=model, max_nodes=None).pipe(format="svg", encoding="utf-8")
    boxes = clusters(svg)
    assert set(boxes) == {"L0", "L0.n0", "L0.n1", "L0.n2", "L1", "L1.n0"}
    for neuron in ["L0.n0", "L0.n1", "L0.n2"]:
        assert inside(boxes[neuron], boxes["L0"])
    assert inside(boxes["L1.n0"], boxes["L1"])
    assert boxes["L0"][2] < boxes["L1"][0]  # layer 0 ends before layer 1 begins
    drawn = nodes(svg)
    layer0 = model.layers[0]
    for j, neuron in enumerate(layer0.neurons):
        # the neuron's parameters, its w.x + b (one dot node, or micrograd's * and + chain) and its relu
        relu = layer0.outputs([0.5, -1.0])[j]
        inner = [g for g in drawn.values() if texts(g) and texts(g)[0].startswith(f"L0.n{j}.")]
        ops = [g for g in drawn.values() if texts(g) in (["relu"], ["dot"], ["*"], ["+"])]
        mine = [g for g in ops if inside(bounds(g), boxes[f"L0.n{j}"])]
        assert len(inner) == len(neuron.w) + 1 and all(inside(bounds(g), boxes[f"L0.n{j}"]) for g in inner)
        assert sum(texts(g) == ["relu"] for g in mine) == 1 and relu.data >= 0
        assert len(mine) == (2 if fused else 2 * len(neuron.w) + 1)  # dot, relu; or 2 *, 2 + (b + ...), relu


def bounds(node: ET.Element) -> tuple[float, float, float, float]:
    """The bounding box of a drawn node's outline."""
    e = shape(node)
    if e.tag != f"{SVG}ellipse":
        return box(e)
    cx, cy, rx, ry = (float(str(e.get(k))) for k in ("cx", "cy", "rx", "ry"))
    return cx - rx, cy - ry, cx + rx, cy + ry


def test_a_list_of_parameters_draws_no_clusters() -> None:
    out, model = mlp_output()
    assert clusters(draw_dot(out, parameters=model.parameters()).pipe(format="svg")) == {}


def test_precision_sets_the_significant_digits_of_every_number() -> None:
    x = Value(math.pi, "x")
    y = x * x
    y.backward()
    drawn = nodes(draw_dot(y, precision=2, local_grads=True).pipe(format="svg"))
    assert texts(drawn["n1"]) == ["x", "data 3.1", "grad 6.3"]
    assert texts(drawn["n0"]) == ["data 9.9", "grad 1.0"]
    assert "∂ 3.14159" in backward_steps(y, precision=6)[0].source
    for bad in [0, -1, 2.5, True]:
        with pytest.raises(ValueError, match=r"draw_dot\(precision=.*significant digits"):
            draw_dot(y, precision=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"backward_steps\(precision=0\)"):
        backward_steps(y, precision=0)


def test_backward_steps_name_a_models_parameters() -> None:
    model = nn.Neuron(2, seed=3)
    out = model([1.0, 2.0])
    frame = nodes(backward_steps(out, parameters=model)[-1].pipe(format="svg"))
    assert {texts(g)[0] for g in frame.values() if texts(g)} >= {"w0", "w1", "b"}


def test_jupyter_shows_a_picture_scaled_to_its_column_at_most() -> None:
    out, model = mlp_output()
    shown = draw_dot(out, parameters=model)._repr_mimebundle_()
    root = ET.fromstring(shown["image/svg+xml"])
    assert root.get("style") == "max-width:100%;height:auto"
    assert root.get("viewBox") and str(root.get("width")).endswith("pt")
    # Notebooks and HTML exports show the HTML first: the same picture, as an image that fits too.
    (image, script) = ET.fromstring(f"<div>{shown['text/html']}</div>")
    assert image.tag == "img" and image.get("style") == "max-width:100%;height:auto"
    assert texts(ET.fromstring(unpacked(image))) == texts(root) and script.tag == "script"
    picture = draw_dot(out)
    assert list(picture._repr_mimebundle_(include=["image/svg+xml"])) == ["image/svg+xml"]
    assert list(picture._repr_mimebundle_(exclude=["text/html"])) == ["image/svg+xml"]
    assert list(picture._repr_mimebundle_(exclude=["image/svg+xml"])) == ["text/html"]
    assert list(picture._repr_mimebundle_(include=["text/html"])) == ["text/html"]
    previous = graphviz.set_jupyter_format("png")  # a user's choice of PNG gets PNG alone
    try:
        assert list(picture._repr_mimebundle_()) == ["image/png"]
    finally:
        graphviz.set_jupyter_format(previous)


# The tags that JupyterLab's sanitizer keeps in the HTML outputs of an untrusted notebook, among those
# a picture or the widget might use (its allowedTags, packages/apputils/src/sanitizer.ts: no <svg>,
# no <script>, whose text it drops); a repository's page cleans HTML alike.
SANITIZER_KEEPS = {"a", "b", "br", "button", "div", "i", "img", "input", "label", "p", "span"}


def test_the_html_of_every_picture_shows_where_svg_and_scripts_are_stripped() -> None:
    out, model = mlp_output()
    for shown in [
        draw_dot(out, parameters=model)._repr_mimebundle_()["text/html"],
        nn.draw_model(model, [0.5, -1.0])._repr_mimebundle_()["text/html"],
        backward_steps(out)._repr_html_(),
    ]:
        page = ET.fromstring(f"<div>{shown}</div>")
        kept = [e for e in page.iter() if e.tag != "script"]
        assert {e.tag for e in kept} <= SANITIZER_KEEPS
        images = [e for e in kept if e.tag == "img"]
        assert len(images) == 1 and "0.5000" in " ".join(texts(ET.fromstring(unpacked(images[0]))))  # x0


def unpacked(image: ET.Element) -> str:
    """The SVG document that an ``<img>`` holds in its ``data:image/svg+xml;base64,`` source."""
    kind, data = str(image.get("src")).split(",", 1)
    assert kind == "data:image/svg+xml;base64"
    return base64.b64decode(data).decode()
