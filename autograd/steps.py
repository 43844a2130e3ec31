"""backward_steps: the backward pass as a slideshow, one picture per node.

Step k shows the k-th node of the backward order passing its gradient to its inputs: each input's
grad grows by the local derivative on its edge times the node's grad. The gradients are computed by
the loop of ``backward()`` itself (``backpropagate``), into a dict, so the user's ``.grad`` stay as
they were. In Jupyter the steps show as one self-contained HTML widget (inline SVG, a slider, and a few
lines of JavaScript), which keeps working in a static HTML export of the notebook.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from .draw import Scene, number, picture, values_within
from .engine import Value, backpropagate
from .graph import reverse_topological
from .layout import Drawing

MAX_STEPS = 50
LEGEND = "Grey grads are sums still waiting for other consumers; ? marks a grad not reached yet."
# Width in points of a Times character at 14 pt, generous so that every grad fits its fixed cell.
CHAR_WIDTH = 7.5

_ids = itertools.count()

# The widget's script holds no `<` or `&`, so the widget is also well-formed XML.
SCRIPT = """(function () {
  var root = document.getElementById("%s");
  var frames = root.querySelectorAll(".valuegrad-frame");
  var slider = root.querySelector("input");
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i));
    slider.value = i;
    frames.forEach(function (frame, j) { frame.style.display = j === i ? "" : "none"; });
  }
  slider.addEventListener("input", function () { show(Number(slider.value)); });
  root.querySelectorAll("button").forEach(function (button) {
    button.addEventListener("click", function () {
      show(Number(slider.value) + Number(button.dataset.step));
    });
  });
})();"""


class BackwardSteps:
    """The frames of a backward pass: ``steps[k]`` is a Drawing, ``steps.order[k]`` its node."""

    def __init__(self, order: tuple[Value, ...], frames: tuple[Drawing, ...]) -> None:
        self.order = order
        self.frames = frames

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"<BackwardSteps: {len(self)} frames>"

    def __getitem__(self, step: int) -> Drawing:
        return self.frames[step]

    def __iter__(self) -> Iterator[Drawing]:
        return iter(self.frames)

    def save(self, directory: str | Path, format: str = "svg") -> list[Path]:
        """Write each frame to ``directory`` as ``step-01.svg``, ``step-02.svg``, ...; return the paths."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        digits = max(2, len(str(len(self))))
        paths = [folder / f"step-{k:0{digits}d}.{format}" for k in range(1, len(self) + 1)]
        for path, frame in zip(paths, self.frames, strict=True):
            path.write_bytes(frame.pipe(format=format))
        return paths

    def html(self) -> str:
        """One self-contained HTML widget: every frame as inline SVG, a slider and two buttons."""
        uid = f"valuegrad-steps-{next(_ids)}"
        hidden = ' style="display:none"'
        frames = "".join(
            f'<div class="valuegrad-frame"{hidden if k else ""}>'
            f"{_inline(frame.pipe(format='svg', encoding='utf-8'))}</div>"
            for k, frame in enumerate(self.frames)
        )
        controls = (
            '<button type="button" data-step="-1">&#9664; previous</button> '
            f'<input type="range" min="0" max="{len(self) - 1}" value="0" step="1" aria-label="step"/> '
            '<button type="button" data-step="1">next &#9654;</button>'
        )
        return (
            f'<div id="{uid}" class="valuegrad-steps"><div>{controls}</div>{frames}'
            f"<script>{SCRIPT % uid}</script></div>"
        )

    _repr_html_ = html


def _inline(svg: str) -> str:
    """An SVG document as an element to put inside HTML: no XML prolog or doctype, and no ``id``
    attributes, which would repeat from frame to frame (text in an SVG has its quotes escaped, so
    ``id="`` only ever starts an attribute)."""
    return re.sub(r' id="[^"]*"', "", svg[svg.index("<svg") :])


def backward_steps(
    root: Value, *, parameters: Iterable[Value] = (), rankdir: str = "LR", max_nodes: int | None = MAX_STEPS
) -> BackwardSteps:
    """The backward pass from ``root`` as one picture per node, in the order ``backward()`` visits
    them (reverse topological: each node after every node that consumes it).

    Frame k highlights the k-th node, its op and its input edges, labelled with the local
    derivatives, and shows the gradients as they stand once that node has passed its gradient on.
    ``.grad`` is neither read nor written. Graphs of more than ``max_nodes`` values are refused,
    since every frame draws the whole graph.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps() takes a Value, got {type(root).__name__}")
    nodes = values_within(root, max_nodes, "backward_steps", "Every step draws the whole graph.")
    order = tuple(reverse_topological(root))
    states = _backward(root)
    widest = max(len(number(g)) for grads, _ in states for g in grads.values())
    width = math.ceil(CHAR_WIDTH * len(f"grad {'0' * widest}")) + 10  # and the cell's padding
    marked = frozenset(parameters)
    frames = tuple(
        picture(
            nodes,
            Scene(
                rankdir=rankdir,
                parameters=marked,
                local_grads=True,
                grads=grads,
                pending=pending,
                highlight=frozenset([node]),
                active=node,
                caption=(_caption(k, len(order), node, grads[node]), LEGEND),
                grad_width=width,
            ),
        )
        for k, (node, (grads, pending)) in enumerate(zip(order, states, strict=True), 1)
    )
    return BackwardSteps(order, frames)


def _backward(root: Value) -> list[tuple[dict[Value, float], frozenset[Value]]]:
    """After each step of the backward pass (``backpropagate``, as ``backward()`` runs it, leaves
    included): the gradients so far, and the values whose gradient still waits for a consumer."""
    waiting = Counter(parent for node in reverse_topological(root) for parent in node.parents)
    grads: dict[Value, float] = {}
    reached = {root}  # a value shows a grad once a consumer has passed it one, if only a skipped 0
    states = []

    def snapshot(node: Value) -> None:
        for parent in node.parents:
            waiting[parent] -= 1
            reached.add(parent)
        states.append(
            ({v: grads.get(v, 0.0) for v in reached}, frozenset(v for v, n in waiting.items() if n))
        )

    backpropagate(root, grads, leaves=True, visit=snapshot)
    return states


def _caption(step: int, count: int, node: Value, grad: float) -> str:
    name, g = f" {node.label}" if node.label else "", number(grad)
    if not node.parents:
        return f"Step {step} of {count}: the leaf{name} has no inputs, so its grad {g} is final."
    sends = f"sends its grad {g} to its inputs: input.grad += ∂ * {g}"
    return f"Step {step} of {count}: the {node.op} node{name} {sends}"
