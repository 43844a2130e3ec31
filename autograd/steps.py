"""backward_steps: the backward pass as a slideshow, one picture per node.

Step k shows the k-th node of the backward order passing its gradient to its inputs: each input's
grad grows by the local derivative on its edge times the node's grad. The gradients are computed by
the loop of ``backward()`` itself (``backpropagate``), into a dict, so the user's ``.grad`` stay as
they were. In Jupyter the steps show as one self-contained HTML widget (inline SVG, buttons, a
slider and a few lines of JavaScript), which keeps working in a static HTML export of the notebook.
"""

from __future__ import annotations

import html
import itertools
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from .draw import Model, Scene, check_precision, limit, number, parameter_names, picture, values_within
from .engine import Value, backpropagate
from .graph import reverse_topological
from .layout import Drawing, image, inline, width_px

MAX_STEPS = 50
LEGEND = "Grey grads are sums still waiting for other consumers; ? marks a grad not reached yet."
# Width in points of a Times character at 12 pt, generous so that every grad fits its fixed cell.
CHAR_WIDTH = 6.5

_ids = itertools.count()

# Interval of the play button, in milliseconds, and the smallest scale at which a frame is shown:
# a wider frame scrolls sideways (following the node being explained) rather than shrink its text
# below three quarters of its size.
INTERVAL, MIN_SCALE = 1500, 0.75
VIEW = "max-width:100%;overflow-x:auto"

# The widget's script holds no `<` or `&`, so the widget is also well-formed XML. Its frames are JSON
# in a script element, which a page that strips scripts drops: only the first frame is then shown.
SCRIPT = """(function () {
  var root = document.getElementById("%(uid)s");
  var frames = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  var slider = root.querySelector("input");
  var view = root.querySelector(".valuegrad-view");
  var caption = root.querySelector(".valuegrad-caption");
  var play = root.querySelector(".valuegrad-play");
  var timer = null;
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i));
    slider.value = i;
    caption.textContent = frames[i].caption;
    view.innerHTML = frames[i].svg;
    var node = view.querySelector(".active");
    if (node) {  // scroll the node being explained to the middle of the view
      var box = node.getBoundingClientRect(), seen = view.getBoundingClientRect();
      view.scrollLeft += box.left + box.width / 2 - seen.left - seen.width / 2;
    }
    return i;
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = "\\u25b6 play";
  }
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (Number(slider.value) === frames.length - 1) { show(0); }
    play.textContent = "\\u275a\\u275a pause";
    timer = setInterval(function () {
      if (show(Number(slider.value) + 1) === frames.length - 1) { stop(); }
    }, %(interval)d);
  });
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  root.querySelectorAll("button[data-step]").forEach(function (button) {
    button.addEventListener("click", function () {
      stop();
      show(Number(slider.value) + Number(button.dataset.step));
    });
  });
  root.querySelector(".valuegrad-controls").hidden = false;
  root.querySelector(".valuegrad-static").remove();
  show(0);
})();"""


class BackwardSteps:
    """The frames of a backward pass: ``steps[k]`` is a Drawing, ``steps.order[k]`` its node."""

    def __init__(self, order: tuple[Value, ...], nodes: Mapping[Value, int], scenes: Iterable[Scene]) -> None:
        self.order = order
        scenes = tuple(scenes)
        self.frames = tuple(picture(nodes, scene) for scene in scenes)
        # The widget writes each caption above its frame, as text that stays readable at any scale.
        self._widget = [(s.caption[0], picture(nodes, replace(s, caption=()))) for s in scenes]

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
        """One self-contained HTML widget: the step's caption, its picture, and buttons (previous,
        play/pause, next) and a slider that move through the steps.

        The picture fills the width of its column and never more: one that would shrink below
        ``MIN_SCALE`` of its size is shown at that scale in a view that scrolls sideways, and every
        step scrolls it to the node being explained. The first step is written into the page as an
        image, whole and scaled to the column, so it shows where scripts do not run and where a
        sanitizer strips ``<svg>`` (a notebook on a repository page, or not yet run in JupyterLab);
        the controls and the other steps need the script.
        """
        uid = f"valuegrad-steps-{next(_ids)}"
        captions = [caption for caption, _ in self._widget]
        svgs = [drawing.pipe(format="svg", encoding="utf-8") for _, drawing in self._widget]
        frames = [{"caption": c, "svg": inline(svg, _scrolling(svg))} for c, svg in zip(captions, svgs)]
        data = json.dumps(frames, ensure_ascii=False)
        for c in "<>&":  # as JSON escapes, so that the data holds no markup
            data = data.replace(c, f"\\u{ord(c):04x}")
        controls = (
            '<button type="button" data-step="-1">&#9664; previous</button> '
            '<button type="button" class="valuegrad-play">&#9654; play</button> '
            '<button type="button" data-step="1">next &#9654;</button> '
            f'<input type="range" min="0" max="{len(self) - 1}" value="0" step="1" aria-label="step"/>'
        )
        static = f"Step 1 of {len(self)} is shown; run the notebook to step through the others."
        return (
            f'<div id="{uid}" class="valuegrad-steps" style="max-width:100%">'
            f'<div class="valuegrad-controls" hidden="hidden">{controls}</div>'
            f'<p class="valuegrad-static"><i>{html.escape(static)}</i></p>'
            f'<p class="valuegrad-caption">{html.escape(captions[0])}</p>'
            f'<div class="valuegrad-view" style="{VIEW}">{image(svgs[0])}</div>'
            f'<p class="valuegrad-legend">{html.escape(LEGEND)}</p>'
            f'<script type="application/json">{data}</script>'
            f"<script>{SCRIPT % {'uid': uid, 'interval': INTERVAL}}</script></div>"
        )

    _repr_html_ = html


def _scrolling(svg: str) -> str:
    """The width of a frame that the script shows: its column's, unless that would shrink it below
    ``MIN_SCALE``, and never more than its own."""
    width = width_px(svg)
    return f"width:min({width:.0f}px, max(100%, {MIN_SCALE * width:.0f}px));height:auto;max-width:none"


def backward_steps(
    root: Value,
    *,
    parameters: Iterable[Value] | Model = (),
    rankdir: str = "LR",
    precision: int = 4,
    max_nodes: int | None = MAX_STEPS,
) -> BackwardSteps:
    """The backward pass from ``root`` as one picture per node, in the order ``backward()`` visits
    them (reverse topological: each node after every node that consumes it).

    Frame k highlights the k-th node, its op and its input edges, labelled with the local
    derivatives, and shows the gradients as they stand once that node has passed its gradient on.
    ``.grad`` is neither read nor written. ``parameters`` and ``precision`` are draw_dot's. Graphs
    of more than ``max_nodes`` values are refused, since every frame draws the whole graph.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps() takes a Value, got {type(root).__name__}")
    check_precision("backward_steps", precision)
    count = limit(max_nodes, "max_nodes", "backward_steps")
    nodes = values_within(root, count, "backward_steps", "Every step draws the whole graph.")
    order = tuple(reverse_topological(root))
    states = _backward(root)
    widest = max(len(number(g, precision)) for grads, _ in states for g in grads.values())
    width = math.ceil(CHAR_WIDTH * len(f"grad {'0' * widest}")) + 10  # and the cell's padding
    marked, names, modules = parameter_names(parameters)
    scenes = tuple(
        Scene(
            rankdir=rankdir,
            parameters=marked,
            names=names,
            modules=modules,
            local_grads=True,
            grads=grads,
            pending=pending,
            highlight=frozenset([node]),
            active=node,
            caption=(_caption(k, len(order), node, grads[node], precision), LEGEND),
            grad_width=width,
            precision=precision,
        )
        for k, (node, (grads, pending)) in enumerate(zip(order, states, strict=True), 1)
    )
    return BackwardSteps(order, nodes, scenes)


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


def _caption(step: int, count: int, node: Value, grad: float, precision: int) -> str:
    g = number(grad, precision)
    if not node.parents:
        leaf = f"the leaf {node.label}" if node.label else "this leaf"
        return f"Step {step} of {count}: {leaf} has no inputs, so its grad {g} is final."
    output = f'the output of the "{node.op}" op'
    who = f"{node.label}, {output}," if node.label else output
    return f"Step {step} of {count}: {who} sends its grad {g} to its inputs: input.grad += ∂ * {g}"
