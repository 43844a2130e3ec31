"""draw_model: a network drawn as textbooks draw one, a circle per neuron and an arrow per weight.

``autograd.draw_dot`` draws the computation, every value and op; this draws the model: its inputs
on the left, then each layer's neurons from top to bottom, one edge per weight, blue for a positive
weight and red for a negative one, thicker for a larger one. A neuron shows its name, activation
and bias; at a point ``x`` also its output and the gradient of the network's output with respect to
it. Every weight's name, value and gradient are in its edge's tooltip, and every neuron's in its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import autograd
from autograd import Value
from autograd.draw import NEGATIVE, POSITIVE, check_precision, number, short_name, text
from autograd.layout import Drawing

from .layers import Layer, Neuron
from .module import Module

LEGEND = (
    "blue: positive weight, red: negative; thicker: larger |w|. Hover an edge or a neuron for its numbers."
)
INPUT_FILL, NEURON_FILL, OUTPUT_FILL = "#ececec", "#fff0bf", "#d9e7f5"
TABLE = '<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{}</table>'

# A node's output at the data point and d output / d node (None: several outputs), or None without x.
Point = tuple[float, float | None] | None


def draw_model(
    model: Module,
    x: Sequence[float | Value] | None = None,
    *,
    precision: int = 4,
    rankdir: str = "LR",
) -> Drawing:
    """``model`` as a network of neurons: a ``graphviz.Digraph`` to display in Jupyter, ``.pipe()``
    or ``.render()``, as ``draw_dot``'s. ``model`` is an ``MLP``, a ``Layer``, a ``Neuron``, or a
    Module of your own whose Layers (in the order ``named_modules()`` finds them) feed each other.

    Each neuron is a node with its short name (``L0.n3``: neuron 3 of layer 0), its activation and
    its bias; each weight an edge from the input it multiplies, blue where positive and red where
    negative, its width growing with its magnitude. Without ``x``, an edge's tooltip shows the
    weight and its ``.grad`` (what the last ``backward()`` left). With ``x``, one data point, the
    model is run on it: each node shows its output, and, for a model with one output, its gradient
    ``d output / d node``, from a backward pass that leaves every ``.grad`` as it was; the
    tooltips then show ``d output / d weight``.
    """
    layers = _layers(model)
    check_precision("draw_model", precision)
    names = {id(m): name or "neuron" for name, m in model.named_modules()}
    neurons = [n for layer in layers for n in layer]
    weights = [w for n in neurons for w in (*n.w, n.b)]
    nin = len(layers[0][0].w)
    if x is None:
        points: list[list[Point]] = [[None] * len(column) for column in [range(nin), *layers]]
        grads: dict[Value, float | None] = {w: w.grad for w in weights}
    else:
        points, grads = _at(layers, x, weights)

    def num(v: float | None) -> str:
        return "?" if v is None else number(v, precision)

    graph = Drawing(
        name="model",
        graph_attr={
            "rankdir": rankdir,
            "ranksep": "1.2",
            "nodesep": "0.08",
            "splines": "line",
            "outputorder": "edgesfirst",  # nodes on top of the many edges
            "ordering": "out",  # each layer's neurons top to bottom in their order
        },
    )
    graph.attr(label=text(LEGEND), labelloc="b", fontsize="11", fontcolor="grey35")
    graph.attr("node", fontsize="11", shape="box", style="rounded,filled", margin="0.05,0.02")
    graph.attr("edge", arrowsize="0.4")
    sources = [f"x{i}" for i in range(nin)]
    with graph.subgraph(name="inputs", graph_attr={"rank": "same"}) as column:
        for i, (name, point) in enumerate(zip(sources, points[0])):
            label = _table([f"<b>x{i}</b>", *_rows(point, num)])
            column.node(name, label=label, fillcolor=INPUT_FILL, tooltip=f"input {i}")
    scale = max((abs(w.data) for n in neurons for w in n.w), default=0.0) or 1.0
    for k, layer in enumerate(layers):
        nodes = [f"L{k}n{j}" for j in range(len(layer))]
        fill = OUTPUT_FILL if k == len(layers) - 1 else NEURON_FILL
        with graph.subgraph(name=f"layer{k}", graph_attr={"rank": "same"}) as column:
            for node, neuron, point in zip(nodes, layer, points[k + 1]):
                full = names[id(neuron)]
                head = f"<b>{text(short_name(full))}</b> {text(neuron.activation)}"
                label = _table([head, f"b {num(neuron.b.data)}", *_rows(point, num)])
                tip = f"{full}: {neuron!r}, bias {num(neuron.b.data)}, grad {num(grads[neuron.b])}"
                column.node(node, label=label, fillcolor=fill, tooltip=text(tip))
        for node, neuron in zip(nodes, layer):
            for i, (source, w) in enumerate(zip(sources, neuron.w, strict=True)):
                tip = f"{names[id(neuron)]}.w.{i} = {num(w.data)}, grad {num(grads[w])}"
                graph.edge(source, node, tooltip=text(tip), **_weight_style(w.data, scale))
        sources = nodes
    return graph


def _layers(model: object) -> list[list[Neuron]]:
    """The neurons of ``model``, layer by layer: a Neuron alone, or the Layers inside a Module (an
    MLP's, a Layer itself, or those of any Module that runs its Layers one after another)."""
    if isinstance(model, Neuron):
        return [[model]]
    modules = model.named_modules() if isinstance(model, Module) else ()
    found = [m.neurons for _, m in modules if isinstance(m, Layer)]
    if found and all(len(layer[0].w) == len(before) for before, layer in itertools.pairwise(found)):
        return found
    raise TypeError(
        f"draw_model() draws an nn.MLP, Layer or Neuron, or a Module whose Layers feed each other, got "
        f"{type(model).__name__}: for any other graph of Values, draw its output with "
        f"autograd.draw_dot(output, parameters=model)"
    )


def _at(
    layers: list[list[Neuron]], x: Sequence[float | Value], weights: list[Value]
) -> tuple[list[list[Point]], dict[Value, float | None]]:
    """The model run on ``x``: for each input and each neuron, its output and ``d output / d it``,
    and ``d output / d weight`` for every weight; the gradients are None for a model with several
    outputs, which has no single output to differentiate."""
    if isinstance(x, str) or not isinstance(x, Sequence) or len(x) != len(layers[0][0].w):
        raise TypeError(
            f"draw_model(model, x): x is one data point, a list of {len(layers[0][0].w)} numbers, "
            f"got {x!r:.60}"
        )
    columns = [[v.detach() if isinstance(v, Value) else Value(v) for v in x]]
    for layer in layers:
        columns.append([n(columns[-1]) for n in layer])
    values = [v for column in columns for v in column]
    if len(columns[-1]) > 1:
        d: Sequence[float | None] = [None] * (len(values) + len(weights))
    else:
        d = autograd.grad(columns[-1][0], values + weights)
    found = dict(zip(values + weights, d))
    return [[(v.data, found[v]) for v in column] for column in columns], {w: found[w] for w in weights}


def _rows(point: Point, num: Callable[[float | None], str]) -> list[str]:
    """A node's output and gradient at the point, if there is one."""
    if point is None:
        return []
    value, grad = point
    return [f"out {num(value)}"] + ([] if grad is None else [f"grad {num(grad)}"])


def _table(rows: list[str]) -> str:
    return "<" + TABLE.format("".join(f"<tr><td>{row}</td></tr>" for row in rows)) + ">"


def _weight_style(w: float, scale: float) -> dict[str, str]:
    """Blue for a positive weight, red for a negative one; width and opacity grow with ``|w|``."""
    depth = min(abs(w) / scale, 1.0)
    alpha = round(64 + 191 * depth)
    colour = "#{:02x}{:02x}{:02x}{:02x}".format(*(POSITIVE if w >= 0 else NEGATIVE), alpha)
    return {"color": colour, "penwidth": f"{0.3 + 3.2 * depth:.2f}"}
