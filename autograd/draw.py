"""draw_dot: a computation graph as a Graphviz picture, with every value's data and grad.

Each value is a box holding its label, data and grad; each op is its own small ellipse between its
inputs and its output, as in micrograd's pictures. Values are named n0, n1, ... breadth-first from
the output and inputs are drawn in argument order, so the same program writes the same DOT text on
every run. All text goes through ``text()``, so no label can break the DOT syntax.

It reads a node only through ``data``, ``grad``, ``label``, ``parents``, ``local_grads`` and ``op``
(the ``Node`` protocol), so it draws a ``Value`` class a learner wrote with those names as well.
"""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from .layout import Drawing

MAX_NODES = 500

# Fill colours say what a value is (when they are not showing gradients); the border says it too.
OUTPUT_FILL, PARAMETER_FILL, LEAF_FILL = "#d9e7f5", "#fff0bf", "#ececec"
POSITIVE, NEGATIVE, NAN_FILL = (66, 133, 214), (214, 72, 66), "#f5d44b"
HIGHLIGHT = "#e8590c"
NODE_FIELDS = ("data", "grad", "label", "parents", "local_grads", "op")


class Node(Protocol):
    """What draw_dot reads of a node: ``autograd.Value``, or any class with these names."""

    @property
    def data(self) -> float: ...
    @property
    def grad(self) -> float: ...
    @property
    def label(self) -> str: ...
    @property
    def parents(self) -> Sequence[Node]: ...
    @property
    def local_grads(self) -> Sequence[float]: ...
    @property
    def op(self) -> str: ...


N = TypeVar("N", bound=Node)

TABLE = '<table border="0" cellborder="0" cellspacing="0" cellpadding="5"><tr>{}</tr></table>'


@dataclass(frozen=True)
class Scene:
    """What a picture shows besides the graph: draw_dot's options, or one step of backward_steps.

    ``grads`` maps a value to the gradient to show (by default its ``.grad``); a value missing from
    it shows ``grad ?``, and one in ``pending`` shows its partial sum in grey. ``active`` is the
    value whose op is passing gradients back: its op and all its input edges are highlighted. The
    ``caption`` lines are written above the picture. ``grad_width``, in points, fixes the size of
    every grad cell so that all frames share one layout.
    """

    rankdir: str = "LR"
    local_grads: bool = False
    color_grads: bool = False
    highlight: frozenset[Node] = frozenset()
    parameters: frozenset[Node] = frozenset()
    grads: Mapping[Any, float] | None = None  # Any: Mapping's keys are invariant, and hold Values
    pending: frozenset[Node] = frozenset()
    active: Node | None = None
    caption: tuple[str, ...] = ()
    grad_width: int | None = None

    def grad(self, node: Node) -> float | None:
        return node.grad if self.grads is None else self.grads.get(node)


def text(s: str) -> str:
    """``s`` as the text of an HTML-like label: every character shown as itself.

    XML's special characters become entities, and a backslash is doubled, since Graphviz reads
    ``\\N``, ``\\G`` and ``\\\\`` in label text as escapes. A character that cannot be printed (a
    newline, a tab, a control or format character) is shown as Python writes it in a string literal
    (``\\n``, ``\\x00``), so a label is one visible line and holds nothing that DOT or SVG forbids.
    """
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in s)
    return html.escape(shown).replace("\\", "\\\\")


def number(x: float) -> str:
    """micrograd's four decimals, switching to an exponent where they would hide the value."""
    return f"{x:.4f}" if x == 0 or not math.isfinite(x) or 1e-4 <= abs(x) < 1e6 else f"{x:.4e}"


def nearest(root: N, count: int) -> dict[N, int]:
    """The ``count`` values nearest ``root`` (or all of them), numbered breadth-first from ``root``
    with parents in argument order. Stops as soon as it has ``count``, however big the graph."""
    numbers = {root: 0}
    order: list[Any] = [root]  # parents are Nodes of the same class as root
    for node in order:  # `order` grows while it is read: a breadth-first queue
        for parent in node.parents:
            if parent not in numbers:
                if len(order) == count:
                    return numbers
                numbers[parent] = len(order)
                order.append(parent)
    return numbers


def values_within(root: N, max_nodes: int | None, caller: str, advice: str) -> dict[N, int]:
    """Every value of the graph, numbered as by ``nearest``, or a ValueError that names the limit and
    the option that raises it when there are more than ``max_nodes``: counts no further than that."""
    nodes = nearest(root, sys.maxsize if max_nodes is None else max_nodes + 1)
    if max_nodes is not None and len(nodes) > max_nodes:
        raise ValueError(
            f"{caller}: this graph has more than {max_nodes} values, too many for Graphviz to lay "
            f"out quickly. {advice} To draw it anyway, raise the limit: {caller}(root, "
            f"max_nodes=N), or max_nodes=None for no limit."
        )
    return nodes


def draw_dot(
    root: Node,
    format: str = "svg",
    rankdir: str = "LR",
    *,
    local_grads: bool = False,
    color_grads: bool = False,
    highlight: Iterable[Node] = (),
    parameters: Iterable[Node] = (),
    max_nodes: int | None = MAX_NODES,
    last: int | None = None,
) -> Drawing:
    """The graph that computed ``root`` as a ``graphviz.Digraph``: display it in Jupyter, or call
    ``.pipe(format=...)``, ``.render(outfile=...)`` or read ``.source`` (the DOT text).

    Each value shows its label, data and grad (whatever ``.grad`` holds: call ``root.backward()``
    first to see gradients). The output has a double border, leaves have round corners, and the
    values in ``parameters`` (such as ``model.parameters()``) a bold one. ``root`` is a ``Value``, or
    a node of a class of your own with ``data``, ``grad``, ``label``, ``parents`` (a tuple of nodes),
    ``local_grads`` (one number per parent) and ``op``.

    - ``local_grads``: write d output / d input, recorded when the op ran, on each input edge.
    - ``color_grads``: fill each value blue for a positive gradient and red for a negative one,
      deeper for a larger one (yellow for nan).
    - ``highlight``: values to outline, with the ops and edges between two of them.
    - ``max_nodes``: refuse a graph of more values than this, which Graphviz would take minutes to
      lay out; ``last=N`` instead draws only the N values nearest the output.
    """
    missing = [name for name in NODE_FIELDS if not hasattr(root, name)]
    if missing:
        raise TypeError(
            f"draw_dot() draws a Value, or a node of your own with {', '.join(NODE_FIELDS)}; got "
            f"{type(root).__name__}, which has no {', '.join(missing)}"
        )
    if last is not None:
        if last < 1:
            raise ValueError(f"draw_dot(last={last}) draws the last N values: N must be at least 1")
        nodes = nearest(root, last)
    else:
        advice = f"Draw only the values nearest the output with draw_dot(root, last={max_nodes})."
        nodes = values_within(root, max_nodes, "draw_dot", advice)
    scene = Scene(
        rankdir=rankdir,
        local_grads=local_grads,
        color_grads=color_grads,
        highlight=frozenset(highlight),
        parameters=frozenset(parameters),
    )
    return picture(nodes, scene, format)


def picture(nodes: Mapping[Any, int], scene: Scene, format: str = "svg") -> Drawing:
    """The Digraph of ``nodes`` (Nodes, numbered as by ``nearest``) as ``scene`` says."""
    graph = Drawing(format=format, graph_attr={"rankdir": scene.rankdir})
    if scene.caption:
        lines = '<br align="left"/>'.join(map(text, scene.caption))
        graph.attr(label=f'<{lines}<br align="left"/>>', labelloc="t", labeljust="l")
    grads = [g for g in map(scene.grad, nodes) if g is not None and math.isfinite(g)]
    scale = max(map(abs, grads), default=0.0)
    lit = scene.highlight
    for node, i in nodes.items():
        graph.node(f"n{i}", label=_value_label(node, scene), **_value_style(node, i == 0, scene, scale))
        if not node.parents:
            continue
        op = f"op{i}"
        active = node is scene.active
        op_lit = active or (node in lit and any(p in lit for p in node.parents))
        graph.node(op, label=f"<{text(node.op)}>", **_lit(op_lit))
        graph.edge(op, f"n{i}", **_lit(op_lit))
        missing = 0
        for parent, d in zip(node.parents, node.local_grads, strict=True):
            if parent not in nodes:
                missing += 1
                continue
            label = {"label": f"<∂ {number(d)}>"} if scene.local_grads else {}
            graph.edge(f"n{nodes[parent]}", op, **label, **_lit(active or (node in lit and parent in lit)))
        if missing:
            more = f"<{missing} more input{'s' if missing > 1 else ''}>"
            graph.node(f"more{i}", label=more, shape="plaintext", fontcolor="grey40")
            graph.edge(f"more{i}", op, style="dashed", color="grey60")
    return graph


def _lit(on: bool) -> dict[str, str]:
    return {"color": HIGHLIGHT, "penwidth": "2.5"} if on else {}


def _value_label(node: Node, scene: Scene) -> str:
    g = scene.grad(node)
    grad = "grad ?" if g is None else f"grad {number(g)}"
    if g is None or node in scene.pending:
        grad = f'<font color="grey45"><i>{grad}</i></font>'
    size = f' fixedsize="true" width="{scene.grad_width}" height="28"' if scene.grad_width else ""
    cells = [f"<td><b>{text(str(node.label))}</b></td>"] if node.label else []
    cells += [f"<td>data {number(node.data)}</td>", f"<td{size}>{grad}</td>"]
    return f"<{TABLE.format('<vr/>'.join(cells))}>"


def _value_style(node: Node, output: bool, scene: Scene, scale: float) -> dict[str, str]:
    parameter = node in scene.parameters
    styles = ["filled"] + (["rounded"] if parameter or not node.parents else [])
    style = {"shape": "box", "style": ",".join(styles), "margin": "0"}
    if output:
        style["peripheries"] = "2"
    if parameter:
        style["penwidth"] = "2.5"
    if scene.color_grads:
        style["fillcolor"] = _grad_fill(scene.grad(node), scale)
    else:
        kinds = [(output, OUTPUT_FILL), (parameter, PARAMETER_FILL), (not node.parents, LEAF_FILL)]
        style["fillcolor"] = next((fill for kind, fill in kinds if kind), "white")
    if node in scene.highlight:
        style |= {"color": HIGHLIGHT, "penwidth": "3.5"}
    return style


def _grad_fill(g: float | None, scale: float) -> str:
    """White for a zero gradient, up to a deep blue (positive) or red (negative) for the largest."""
    if g is None:
        return "white"
    if math.isnan(g):
        return NAN_FILL
    depth = 1.0 if math.isinf(g) else abs(g) / scale if scale else 0.0
    rgb = (round(255 + 0.8 * depth * (c - 255)) for c in (POSITIVE if g > 0 else NEGATIVE))
    return "#{:02x}{:02x}{:02x}".format(*rgb)
