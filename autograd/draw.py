"""draw_dot: a computation graph as a Graphviz picture, with every value's data and grad.

Each value is a box holding its label, data and grad; each op is its own small ellipse between its
inputs and its output, as in micrograd's pictures. Values are named n0, n1, ... breadth-first from
the output and inputs are drawn in argument order, so the same program writes the same DOT text on
every run. All text goes through ``text()``, so no label can break the DOT syntax.

It reads a node only through ``data``, ``grad``, ``label``, ``parents``, ``local_grads`` and ``op``
(the ``Node`` protocol), so it draws a ``Value`` class a learner wrote with those names as well.

Given a model (anything with ``named_parameters()``, such as an ``nn.Module``), each parameter is
drawn with a short form of its dotted name, and the values computed inside one module (a neuron) are
grouped in a Graphviz cluster, nested in the clusters of the modules around it (its layer).
"""

from __future__ import annotations

import html
import math
import operator
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, SupportsIndex, TypeVar

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


class Model(Protocol):
    """What draw_dot reads of a model: its parameters by dotted name, as ``nn.Module`` gives them."""

    def named_parameters(self) -> Iterable[tuple[str, Any]]: ...


N = TypeVar("N", bound=Node)

TABLE = '<table border="0" cellborder="0" cellspacing="0" cellpadding="2">{}</table>'


@dataclass(frozen=True)
class Scene:
    """What a picture shows besides the graph: draw_dot's options, or one step of backward_steps.

    ``grads`` maps a value to the gradient to show (by default its ``.grad``); a value missing from
    it shows ``grad ?``, and one in ``pending`` shows its partial sum in grey. ``active`` is the
    value whose op is passing gradients back: its op and all its input edges are highlighted. The
    ``caption`` lines are written above the picture. ``grad_width``, in points, fixes the size of
    every grad cell so that all frames share one layout. ``names`` holds the dotted name of each
    parameter of a model, and ``modules`` the name and description of each module inside it.
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
    precision: int = 4
    names: Mapping[Any, str] = field(default_factory=dict)
    modules: Mapping[str, str] = field(default_factory=dict)

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


def number(x: float, precision: int = 4) -> str:
    """``x`` to ``precision`` significant digits, trailing zeros kept (``2.000``, ``0.7071``), with an
    exponent where the digits would not reach the point or would start far after it (``1.235e+08``).
    Zero is ``0.000`` whatever its sign: ``-0.0`` and ``0.0`` differ only in the order of the additions
    that made them (a leaf's ``.grad`` starts at ``0.0``), which a picture has no reason to show."""
    shown = f"{x + 0.0:#.{precision}g}"  # -0.0 + 0.0 is 0.0
    return shown[:-1] if shown.endswith(".") else shown  # '#' leaves a bare point: '1235.'


def short_name(name: str) -> str:
    """A dotted parameter name shortened to fit a box: each list item becomes its list's initial and
    its index, so ``layers.0.neurons.3.w.1`` is ``L0.n3.w1``. An initial ``l`` is written ``L``, which
    cannot be read as the digit 1."""
    parts: list[str] = []
    for part in name.split("."):
        if part.isdigit() and parts:
            initial = parts[-1][:1]
            parts[-1] = ("L" if initial == "l" else initial) + part
        else:
            parts.append(part)
    return ".".join(parts)


def short_names(names: Iterable[str]) -> dict[str, str]:
    """Each name's ``short_name``, or the name itself where two would shorten alike."""
    shorts = {name: short_name(name) for name in names}
    counts = Counter(shorts.values())
    return {name: short if counts[short] == 1 else name for name, short in shorts.items()}


def owner(name: str) -> str:
    """The dotted name of the module that holds the parameter ``name`` (``layers.0.neurons.3`` for
    ``layers.0.neurons.3.w.1`` and for ``layers.0.neurons.3.b``; ``""`` for the model itself)."""
    parts = name.split(".")
    if len(parts) > 1 and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts[:-1])


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


def limit(value: object, option: str, caller: str) -> int | None:
    """``value``, a limit on the number of values drawn, as an int, or None for no limit; a
    ValueError naming the option for anything but a positive integer (a NumPy one too) or None,
    checked before any drawing, since a limit that compares oddly would let any graph through."""
    if value is None:
        return None
    if isinstance(value, SupportsIndex) and not isinstance(value, bool) and operator.index(value) >= 1:
        return operator.index(value)
    raise ValueError(
        f"{caller}({option}={value!r:.60}): {option} counts values, so it must be a whole number "
        f"of at least 1 (such as {option}=50), or None for no limit"
    )


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
    parameters: Iterable[Node] | Model = (),
    precision: int = 4,
    max_nodes: int | None = MAX_NODES,
    last: int | None = None,
) -> Drawing:
    """The graph that computed ``root`` as a ``graphviz.Digraph``: display it in Jupyter, or call
    ``.pipe(format=...)``, ``.render(outfile=...)`` or read ``.source`` (the DOT text).

    Each value shows its label, data and grad (whatever ``.grad`` holds: call ``root.backward()``
    first to see gradients). The output has a double border, leaves have round corners, and
    parameters a bold one. ``root`` is a ``Value``, or a node of a class of your own with ``data``,
    ``grad``, ``label``, ``parents`` (a tuple of nodes), ``local_grads`` (one number per parent) and
    ``op``.

    - ``parameters``: the values to mark as parameters: a list, or a model (an ``nn.Module``, or
      anything with ``named_parameters()``), whose parameters are then drawn with their names
      shortened (``L0.n3.w1``; the full name is the tooltip) and whose neurons' values are grouped.
    - ``local_grads``: write d output / d input, recorded when the op ran, on each input edge.
    - ``color_grads``: fill each value blue for a positive gradient and red for a negative one,
      deeper for a larger one (yellow for nan).
    - ``highlight``: values to outline, with the ops and edges between two of them.
    - ``precision``: significant digits of every number shown.
    - ``max_nodes``: refuse a graph of more values than this, which Graphviz would take minutes to
      lay out; ``last=N`` instead draws only the N values nearest the output.
    """
    missing = [name for name in NODE_FIELDS if not hasattr(root, name)]
    if missing:
        raise TypeError(
            f"draw_dot() draws a Value, or a node of your own with {', '.join(NODE_FIELDS)}; got "
            f"{type(root).__name__}, which has no {', '.join(missing)}"
        )
    max_nodes, last = limit(max_nodes, "max_nodes", "draw_dot"), limit(last, "last", "draw_dot")
    check_precision("draw_dot", precision)
    if last is not None:
        nodes = nearest(root, last)
    else:
        advice = f"Draw only the values nearest the output with draw_dot(root, last={max_nodes})."
        nodes = values_within(root, max_nodes, "draw_dot", advice)
    marked, names, modules = parameter_names(parameters)
    scene = Scene(
        rankdir=rankdir,
        local_grads=local_grads,
        color_grads=color_grads,
        highlight=frozenset(highlight),
        parameters=marked,
        precision=precision,
        names=names,
        modules=modules,
    )
    return picture(nodes, scene, format)


def check_precision(caller: str, precision: object) -> None:
    if isinstance(precision, bool) or not isinstance(precision, int) or precision < 1:
        raise ValueError(
            f"{caller}(precision={precision!r}): precision is the number of significant digits "
            f"shown, a whole number of at least 1 (the default is 4)"
        )


def parameter_names(
    parameters: Iterable[Node] | Model,
) -> tuple[frozenset[Node], dict[Any, str], dict[str, str]]:
    """The parameters to mark; for a model, also each one's dotted name, and the dotted name and
    description of each module inside the model (from ``named_modules()``, where it has one)."""
    if not callable(getattr(parameters, "named_parameters", None)):
        return frozenset(parameters), {}, {}  # type: ignore[arg-type]  # not a Model, so an iterable
    model: Any = parameters
    names = {p: name for name, p in model.named_parameters()}
    found = model.named_modules() if callable(getattr(model, "named_modules", None)) else ()
    modules = {name: f"{name}: {module!r}" for name, module in found if name}
    return frozenset(names), names, modules


def picture(nodes: Mapping[Any, int], scene: Scene, format: str = "svg") -> Drawing:
    """The Digraph of ``nodes`` (Nodes, numbered as by ``nearest``) as ``scene`` says."""
    graph = Drawing(format=format, graph_attr={"rankdir": scene.rankdir, "ranksep": "0.3", "nodesep": "0.15"})
    graph.attr("node", fontsize="12")
    graph.attr("edge", fontsize="12", arrowsize="0.6")
    if scene.caption:
        lines = '<br align="left"/>'.join(map(text, scene.caption))
        graph.attr(label=f'<{lines}<br align="left"/>>', labelloc="t", labeljust="l", fontsize="14")
    grads = [g for g in map(scene.grad, nodes) if g is not None and math.isfinite(g)]
    scale = max(map(abs, grads), default=0.0)
    lit = scene.highlight
    clusters = _Clusters(nodes, scene)
    shown = short_names(scene.names.values())
    for node, i in nodes.items():
        box = clusters(node) or graph
        name = scene.names.get(node)
        label = shown[name] if name is not None else str(node.label)
        tooltip = {"tooltip": name} if name is not None else {}
        style = _value_style(node, i == 0, scene, scale)
        box.node(f"n{i}", label=_value_label(node, label, scene), **style, **tooltip)
        if not node.parents:
            continue
        op = f"op{i}"
        active = node is scene.active
        op_lit = active or (node in lit and any(p in lit for p in node.parents))
        box.node(op, label=f"<{text(node.op)}>", margin="0.03,0.01", height="0.3", **_lit(op_lit))
        graph.edge(op, f"n{i}", **_lit(op_lit))
        missing = 0
        for parent, d in zip(node.parents, node.local_grads, strict=True):
            if parent not in nodes:
                missing += 1
                continue
            on_edge = {"label": f"<∂ {number(d, scene.precision)}>"} if scene.local_grads else {}
            on_edge |= clusters.gap(parent, node)
            graph.edge(f"n{nodes[parent]}", op, **on_edge, **_lit(active or (node in lit and parent in lit)))
        if missing:
            more = f"<{missing} more input{'s' if missing > 1 else ''}>"
            graph.node(f"more{i}", label=more, shape="plaintext", fontcolor="grey40")
            graph.edge(f"more{i}", op, style="dashed", color="grey60")
    clusters.attach(graph)
    return graph


class _Clusters:
    """Where each value goes: the cluster of the innermost module that computed it, if any.

    A parameter belongs to the module that holds it. An op's value belongs to a module when all of
    its parameter inputs do (a neuron's ``w . x + b``), or, with no parameter inputs, when all of its
    inputs do (the neuron's activation, or a step of micrograd's chain of ``+``).
    """

    def __init__(self, nodes: Mapping[Any, int], scene: Scene) -> None:
        owners = {p: owner(name) for p, name in scene.names.items()}
        self.homes: dict[Any, str] = {}
        for node in _forward(nodes):
            if node in owners:
                self.homes[node] = owners[node]
            elif node.parents:
                held = {owners[p] for p in node.parents if p in owners}
                inputs = held or {self.homes.get(p, "") for p in node.parents}
                if len(inputs) == 1:
                    self.homes[node] = inputs.pop()
        self.modules = scene.modules or {home: home for home in self.homes.values() if home}
        self.shown = short_names(self.modules)
        self.clusters: dict[str, Drawing] = {}

    def __call__(self, node: Any) -> Drawing | None:
        """The cluster to draw ``node`` in (made on first use, with its enclosing modules'), or None."""
        home = self.homes.get(node, "")
        if not home:
            return None
        for path in self.modules:
            if path not in self.clusters and (home == path or home.startswith(path + ".")):
                tip = text(self.modules[path])
                attrs = {"label": text(self.shown[path]), "tooltip": tip, "labeljust": "l"}
                self.clusters[path] = Drawing(name=f"cluster_{len(self.clusters)}", graph_attr=attrs)
        return self.clusters[home]

    def gap(self, parent: Any, node: Any) -> dict[str, str]:
        """An edge from one module's cluster into another's spans two ranks, so that the parameters
        of the second (one rank before the op that reads them) sit to the right of the first: the
        layers then read from left to right instead of climbing a staircase."""
        homes = self.homes.get(parent, ""), self.homes.get(node, "")
        return {"minlen": "2"} if all(homes) and homes[0] != homes[1] else {}

    def attach(self, graph: Drawing) -> None:
        """Add every cluster to the cluster of its enclosing module, or to ``graph``: innermost first,
        since a subgraph is copied into its parent when it is added."""
        order = list(self.modules)
        paths = sorted(self.clusters, key=lambda path: (-path.count("."), order.index(path)))
        for path in paths:
            enclosing = [other for other in self.clusters if path.startswith(other + ".")]
            parent = self.clusters[max(enclosing, key=len)] if enclosing else graph
            parent.subgraph(self.clusters[path])


def _forward(nodes: Mapping[N, int]) -> list[N]:
    """``nodes``, each after every one of its parents among them (a depth-first search, as in
    ``autograd.graph``, on ``.parents``, so that it sorts any Node)."""
    order: list[Any] = []
    expanded: set[Any] = set()
    for start in nodes:
        stack: list[tuple[Any, bool]] = [(start, False)]
        while stack:
            node, ready = stack.pop()
            if ready:
                order.append(node)
            elif node not in expanded:
                expanded.add(node)
                stack.append((node, True))
                stack += [(p, False) for p in node.parents if p in nodes and p not in expanded]
    return order


def _lit(on: bool) -> dict[str, str]:
    return {"color": HIGHLIGHT, "penwidth": "2.5"} if on else {}


def _value_label(node: Node, label: str, scene: Scene) -> str:
    """The label, data and grad of a value, one above the other, which keeps the box narrow."""
    g = scene.grad(node)
    grad = "grad ?" if g is None else f"grad {number(g, scene.precision)}"
    if g is None or node in scene.pending:
        grad = f'<font color="grey45"><i>{grad}</i></font>'
    size = f' fixedsize="true" width="{scene.grad_width}" height="20"' if scene.grad_width else ""
    cells = [f"<td><b>{text(label)}</b></td>"] if label else []
    cells += [f"<td>data {number(node.data, scene.precision)}</td>", f"<td{size}>{grad}</td>"]
    return "<" + TABLE.format("".join(f"<tr>{cell}</tr>" for cell in cells)) + ">"


def _value_style(node: Node, output: bool, scene: Scene, scale: float) -> dict[str, str]:
    parameter = node in scene.parameters
    styles = ["filled"] + (["rounded"] if parameter or not node.parents else [])
    style = {"shape": "box", "style": ",".join(styles), "margin": "0.06,0.02"}
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
    if node is scene.active:
        style["class"] = "active"  # the widget of backward_steps scrolls to it
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
