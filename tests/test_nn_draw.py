"""nn.draw_model: a network as neurons and weights, laid out for real and read back from its SVG."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest

import nn
from autograd import Value
from autograd.draw import number

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}title"


def drawn(svg: str) -> tuple[dict[str, ET.Element], dict[str, ET.Element]]:
    """The drawn nodes and edges of an SVG picture, by their DOT names (``x0``, ``L0n1``, ``x0->L0n1``)."""
    root = ET.fromstring(svg)
    found: dict[str, dict[str, ET.Element]] = {"node": {}, "edge": {}}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") in found:
            found[str(g.get("class"))][str(g.findtext(f"{SVG}title")).replace("&#45;&gt;", "->")] = g
    return found["node"], found["edge"]


def texts(g: ET.Element) -> list[str]:
    return [(t.text or "").replace("\xa0", " ") for t in g.iter(f"{SVG}text")]


def tooltip(g: ET.Element) -> str:
    return str(next(a.get(XLINK) for a in g.iter(f"{SVG}a")))


def stroke(edge: ET.Element) -> tuple[str, float]:
    path = next(edge.iter(f"{SVG}path"))
    return str(path.get("stroke")), float(str(path.get("stroke-width", "1")))


def test_one_node_per_input_and_neuron_and_one_edge_per_weight() -> None:
    model = nn.MLP(3, [4, 2], seed=0)
    nodes, edges = drawn(nn.draw_model(model).pipe(format="svg", encoding="utf-8"))
    assert sorted(nodes) == sorted(["x0", "x1", "x2"] + [f"L0n{j}" for j in range(4)] + ["L1n0", "L1n1"])
    assert len(edges) == 3 * 4 + 4 * 2
    for name, p in model.named_parameters():
        if ".w." in name:  # layers.L.neurons.J.w.I: the edge from input I of layer L to its neuron J
            layer, neuron, i = (int(name.split(".")[k]) for k in (1, 3, 5))
            source = f"x{i}" if layer == 0 else f"L{layer - 1}n{i}"
            assert tooltip(edges[f"{source}->L{layer}n{neuron}"]) == f"{name} = {number(p.data)}, grad 0.000"
    assert texts(nodes["L0n3"]) == ["L0.n3", " relu", "b 0.000"]
    assert texts(nodes["L1n1"]) == ["L1.n1", " linear", "b 0.000"]
    assert tooltip(nodes["L1n1"]).startswith("layers.1.neurons.1: Neuron(4, activation='linear'), bias 0.000")


def test_edges_are_blue_for_positive_weights_red_for_negative_and_wider_for_larger() -> None:
    model = nn.Neuron(4, seed=0)
    for w, value in zip(model.w, [0.9, 0.1, -0.3, -0.9]):
        w.data = value
    _, edges = drawn(nn.draw_model(model).pipe(format="svg", encoding="utf-8"))
    (c0, w0), (c1, w1), (c2, w2), (c3, w3) = (stroke(edges[f"x{i}->L0n0"]) for i in range(4))
    assert c0.startswith("#4285d6") and c1.startswith("#4285d6")  # blue
    assert c2.startswith("#d64842") and c3.startswith("#d64842")  # red
    assert w0 > w1 and w3 > w2 and w0 == w3


def central_difference(f: object, p: Value, eps: float = 1e-6) -> float:
    x = p.data
    p.data = x + eps
    up = f()  # type: ignore[operator]
    p.data = x - eps
    down = f()  # type: ignore[operator]
    p.data = x
    return (up - down) / (2 * eps)


def test_at_a_point_neurons_show_their_output_and_gradients_match_central_differences() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=4)
    point = [0.3, -0.7]
    before = [p.grad for p in model.parameters()]
    nodes, edges = drawn(nn.draw_model(model, point, precision=6).pipe(format="svg", encoding="utf-8"))
    assert [p.grad for p in model.parameters()] == before  # .grad left as it was

    def out() -> float:
        return float(model(point).data)

    hidden = model.layers[0].outputs(point)
    for j, h in enumerate(hidden):
        rows = texts(nodes[f"L0n{j}"])
        assert f"out {number(h.data, 6)}" in rows
        # d out / d h_j: nudge the neuron's output by nudging its bias through tanh's inverse slope
        g = float(rows[-1].split()[-1])
        slope = 1 - h.data**2
        assert g * slope == pytest.approx(central_difference(out, model.layers[0].neurons[j].b), rel=1e-4)
    assert f"out {number(out(), 6)}" in texts(nodes["L1n0"]) and texts(nodes["L1n0"])[-1] == "grad 1.00000"
    for name, p in model.named_parameters():
        if ".w." in name:
            layer, neuron, i = (int(name.split(".")[k]) for k in (1, 3, 5))
            source = f"x{i}" if layer == 0 else f"L0n{i}"
            shown = float(tooltip(edges[f"{source}->L{layer}n{neuron}"]).split("grad ")[1])
            assert shown == pytest.approx(central_difference(out, p), rel=1e-4, abs=1e-9)


def test_a_model_with_several_outputs_shows_values_but_no_gradients() -> None:
    model = nn.Layer(2, 3, seed=0)
    nodes, _ = drawn(nn.draw_model(model, [1.0, 2.0]).pipe(format="svg", encoding="utf-8"))
    for j, value in enumerate(model.outputs([1.0, 2.0])):
        assert texts(nodes[f"L0n{j}"])[-1] == f"out {number(value.data)}"


class Stack(nn.Module):
    """Layers one after another, each with its own activation: an MLP whose last layer has one too."""

    def __init__(self, *layers: nn.Layer) -> None:
        self.layers = list(layers)

    def forward(self, x: list[float]) -> list[Value]:
        out: list[Value] = [Value(v) for v in x]
        for layer in self.layers:
            out = layer.outputs(out)
        return out


def test_a_module_of_layers_draws_as_its_layers_one_after_another() -> None:
    stack = Stack(nn.Layer(2, 3, activation="sigmoid", seed=1), nn.Layer(3, 1, activation="sigmoid", seed=2))
    point = [0.8, -0.4]
    nodes, edges = drawn(nn.draw_model(stack, point, precision=6).pipe(format="svg", encoding="utf-8"))
    assert len(nodes) == 2 + 3 + 1 and len(edges) == 2 * 3 + 3 * 1
    assert texts(nodes["L1n0"])[:2] == ["L1.n0", " sigmoid"]
    assert f"out {number(stack(point)[0].data, 6)}" in texts(nodes["L1n0"])
    for name, p in stack.named_parameters():
        if ".w." in name:
            layer, neuron, i = (int(name.split(".")[k]) for k in (1, 3, 5))
            source = f"x{i}" if layer == 0 else f"L0n{i}"
            shown = float(tooltip(edges[f"{source}->L{layer}n{neuron}"]).split("grad ")[1])
            assert shown == pytest.approx(
                central_difference(lambda: stack(point)[0].data, p), rel=1e-4, abs=1e-9
            )


def test_micrograds_demo_model_draws_in_under_two_seconds() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=1337)
    start = time.perf_counter()
    svg = nn.draw_model(model, [0.5, -0.3]).pipe(format="svg", encoding="utf-8")
    assert time.perf_counter() - start < 2
    nodes, edges = drawn(svg)
    assert len(nodes) == 2 + 16 + 16 + 1 and len(edges) == 2 * 16 + 16 * 16 + 16


def test_draw_model_explains_what_it_draws() -> None:
    with pytest.raises(
        TypeError, match=r"draw_model\(\) draws an nn.MLP, Layer or Neuron, or a .*, got Value"
    ):
        nn.draw_model(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"a Module whose Layers feed each other, got Stack"):
        nn.draw_model(Stack(nn.Layer(2, 3), nn.Layer(2, 1)))  # 3 outputs into 2 inputs
    with pytest.raises(TypeError, match=r"x is one data point, a list of 2 numbers, got 1.0"):
        nn.draw_model(nn.MLP(2, [1]), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"a list of 2 numbers, got \[1.0\]"):
        nn.draw_model(nn.MLP(2, [1]), [1.0])
    with pytest.raises(ValueError, match=r"draw_model\(precision=0\)"):
        nn.draw_model(nn.MLP(2, [1]), precision=0)
