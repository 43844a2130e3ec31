"""Neuron, Layer and MLP: micrograd's signatures and numbers, PyTorch's init, and the n-ary neuron
against micrograd's graph."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, grad
from nn import MLP, Layer, Neuron

from oracles import INIT_BOUNDS, MICROGRAD_WEIGHTS


def test_micrograds_demo_model_has_337_parameters() -> None:
    assert len(MLP(2, [16, 16, 1]).parameters()) == 337


def test_a_call_returns_a_value_for_one_output_and_a_list_for_several() -> None:
    x = [1.0, -2.0, 0.5]
    one = MLP(3, [4, 1], init="kaiming_uniform", seed=0)
    hidden = [h.data for h in one.layers[0].outputs(x)]
    assert isinstance(one(x), Value) and one(x).data == one.layers[1].neurons[0](hidden).data
    several = MLP(3, [4, 2], init="kaiming_uniform", seed=0)
    hidden = [h.data for h in several.layers[0].outputs(x)]
    out = several([1.0, Value(-2.0), 0.5])
    assert isinstance(out, list)
    assert [o.data for o in out] == [n(hidden).data for n in several.layers[1].neurons]  # in neuron order
    layer = Layer(3, 1, init="kaiming_uniform", seed=0)
    assert isinstance(layer(x), Value) and layer(x).data == layer.neurons[0](x).data


def test_a_layer_reads_one_input_leaf_per_number_and_each_neurons_bias_directly() -> None:
    layer = Layer(2, 3, seed=0)
    outs = layer.outputs([1.0, 2.0])
    assert isinstance(outs, list) and len(outs) == 3
    for neuron, out in zip(layer.neurons, outs):
        dot = out.parents[0]
        assert dot.parents[:2] == tuple(neuron.w) and dot.parents[-1] is neuron.b  # w0 w1, x0 x1, then b
        wx = sum(w.data * x for w, x in zip(neuron.w, [1.0, 2.0]))
        assert dot.data == pytest.approx(wx + neuron.b.data)
    inputs = {a.parents[0].parents[2:4] for a in outs}
    assert len(inputs) == 1  # every neuron reads the same two input leaves
    (x0, x1) = inputs.pop()
    assert (x0.data, x1.data) == (1.0, 2.0)
    leaves = {p for a in outs for p in a.parents[0].parents}
    assert len(leaves) == 2 + 3 * 3  # the inputs and the parameters: no constant input for the biases
    assert isinstance(Layer(2, 1, seed=0).outputs([1.0, 2.0]), list)


def test_a_layer_behind_one_of_another_width_says_so() -> None:
    for fused in (True, False):
        model = MLP(2, [3, 1], seed=0, fused=fused)
        model.layers[1] = Layer(4, 1, seed=0, fused=fused)
        with pytest.raises(ValueError, match=r"Layer\(4, 1, activation='relu'\) takes 4 inputs, got 3"):
            model([1.0, 2.0])


def test_a_layer_of_mixed_neurons_gives_each_its_own_graph_and_activation() -> None:
    layer = Layer(2, 3, seed=0)
    layer.neurons[1].fused = False
    layer.neurons[2].activation = "tanh"
    x = [0.5, -1.0]
    assert [a.data for a in layer.outputs(x)] == pytest.approx([n(x).data for n in layer.neurons])
    assert [a.op for a in layer.outputs(x)] == ["relu", "relu", "tanh"]


def test_a_hidden_layer_of_width_one_works() -> None:
    model = MLP(2, [1, 1, 3], seed=0)
    model.load_state_dict(
        {
            "layers.0.neurons.0.w.0": 0.5,
            "layers.0.neurons.0.w.1": -0.25,
            "layers.0.neurons.0.b": 0.1,
            "layers.1.neurons.0.w.0": 2.0,
            "layers.1.neurons.0.b": 0.3,
            **{f"layers.2.neurons.{j}.w.0": w for j, w in enumerate([1.0, -1.0, 0.5])},
            **{f"layers.2.neurons.{j}.b": b for j, b in enumerate([0.0, 0.25, -0.5])},
        }
    )
    out = model([1.0, -2.0])
    # h1 = relu(0.5 + 0.5 + 0.1) = 1.1, h2 = relu(2 * 1.1 + 0.3) = 2.5, out = (1, -1, 0.5) * 2.5 + b
    assert [o.data for o in out] == pytest.approx([2.5, -2.25, 0.75], abs=1e-15)
    autograd.sum(out).backward()
    # d sum / d h2 = 1 - 1 + 0.5, d h2 / d h1 = 2, d h1 / d w = x
    assert [w.grad for w in model.layers[0].neurons[0].w] == pytest.approx([1.0, -2.0], abs=1e-15)
    assert model.layers[1].neurons[0].w[0].grad == pytest.approx(0.5 * 1.1)


def test_micrograds_layout_relu_hidden_layers_linear_output_uniform_weights_zero_bias() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    assert [n.activation for layer in model.layers for n in layer.neurons[:1]] == ["relu", "relu", "linear"]
    assert all(-1 <= w.data <= 1 for layer in model.layers for n in layer.neurons for w in n.w)
    assert all(n.b.data == 0 for layer in model.layers for n in layer.neurons)


def test_after_random_seed_the_weights_are_micrograds() -> None:
    """micrograd 0.1.0's weights after random.seed(1337), recorded in tests/fixtures/micrograd.json."""
    theirs = MICROGRAD_WEIGHTS["demo model, seed 1337"]
    random.seed(1337)
    assert [p.data for p in MLP(2, [16, 16, 1]).parameters()] == theirs


def test_the_same_seed_builds_the_same_model_and_a_shared_generator_continues() -> None:
    assert MLP(2, [4, 1], seed=7).state_dict() == MLP(2, [4, 1], seed=7).state_dict()
    assert MLP(2, [4, 1], seed=7).state_dict() != MLP(2, [4, 1], seed=8).state_dict()
    rng = random.Random(7)
    assert Neuron(2, seed=rng).state_dict() != Neuron(2, seed=rng).state_dict()


@pytest.mark.parametrize("key", INIT_BOUNDS.keys())
def test_kaiming_uniform_is_torch_linears_bound(key: str) -> None:
    """torch.nn.Linear's bounds (tests/fixtures/init.json): gain * sqrt(3 / fan_in) for the weights,
    from kaiming_uniform_(a=sqrt(5)), and 1 / sqrt(fan_in) for the bias."""
    nin, bounds = INIT_BOUNDS.cases[key], INIT_BOUNDS[key]
    layer = Layer(nin, 300, init="kaiming_uniform", seed=0)
    weights = [w.data for n in layer.neurons for w in n.w]
    biases = [n.b.data for n in layer.neurons]
    for drawn, bound in [(weights, bounds["weight"]), (biases, bounds["bias"])]:
        assert max(map(abs, drawn)) <= bound * (1 + 1e-15)
        assert max(map(abs, drawn)) > 0.95 * bound  # uniform over the whole interval
        assert min(drawn) < 0 < max(drawn)


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("relu", lambda z: max(z, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
        ("linear", lambda z: z),
    ],
)
def test_a_neuron_is_its_activation_of_w_dot_x_plus_b(activation: str, f: object) -> None:
    n = Neuron(3, activation=activation, init="kaiming_uniform", seed=1)  # type: ignore[arg-type]
    x = [0.5, -2.0, 1.5]
    z = sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data
    assert n(x).data == pytest.approx(f(z))  # type: ignore[operator]


def test_nonlin_false_is_linear_whatever_the_activation() -> None:
    assert Neuron(2, nonlin=False, activation="tanh").activation == "linear"


@given(st.lists(st.floats(-3, 3), min_size=2, max_size=2), st.sampled_from(["relu", "tanh", "sigmoid"]))
def test_the_dot_neuron_and_micrograds_graph_agree_on_values_and_gradients(x: list[float], act: str) -> None:
    fused = MLP(2, [4, 3, 1], activation=act, seed=3)  # type: ignore[arg-type]
    spelled_out = MLP(2, [4, 3, 1], activation=act, seed=3, fused=False)  # type: ignore[arg-type]
    xs = [Value(v) for v in x]
    a, b = fused(xs), spelled_out(xs)
    assert a.data == pytest.approx(b.data, rel=1e-12, abs=1e-12)
    ga = grad(a, [*fused.parameters(), *xs])
    gb = grad(b, [*spelled_out.parameters(), *xs])
    assert ga == pytest.approx(gb, rel=1e-12, abs=1e-12)


def test_the_dot_neuron_is_two_nodes_and_micrograds_one_per_multiply() -> None:
    def ops(v: Value) -> list[str]:
        return [v.op, *(op for p in v.parents for op in ops(p))]

    x = [1.0, 2.0, 3.0]
    assert [op for op in ops(Neuron(3, seed=0)(x)) if op] == ["relu", "dot"]
    assert sorted(op for op in ops(Neuron(3, seed=0, fused=False)(x)) if op) == ["*"] * 3 + ["+"] * 3 + [
        "relu"
    ]


def test_reprs_read_like_the_constructor() -> None:
    assert repr(MLP(2, [16, 1], seed=0)) == "MLP(2, [16, 1], activation='relu')"
    assert repr(Layer(2, 3, activation="tanh", seed=0)) == "Layer(2, 3, activation='tanh')"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MLP(2, 16), r"list of layer sizes such as MLP\(2, \[16, 16, 1\]\)"),
        (lambda: MLP(2, 16.0), r"list of layer sizes such as MLP"),
        (lambda: MLP(2, "16"), r"list of layer sizes such as MLP"),
        (lambda: MLP(2, [16, 0]), r"positive whole number for nouts\[1\], got 0"),
        (lambda: Neuron(2, activation="gelu"), "choose one of 'relu', 'tanh', 'sigmoid', 'linear'"),
        (lambda: Neuron(2, init="xavier"), "choose 'uniform'"),
        (
            lambda: MLP(3, [2], seed=0)([1.0, 2.0]),
            r"MLP\(3, \[2\], activation='relu'\) takes 3 inputs, got 2",
        ),
        (lambda: Layer(3, 2, seed=0)([1.0, 2.0]), r"Layer\(3, 2, activation='relu'\) takes 3 inputs, got 2"),
        (lambda: Neuron(3, seed=0)([1.0]), r"Neuron\(3, activation='relu'\) takes 3 inputs, got 1"),
    ],
)
def test_mistakes_are_explained(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


@pytest.mark.parametrize("point", [1.0, [[1.0, 2.0], [3.0, 4.0]], "ab"])
def test_a_model_called_on_anything_but_one_point_says_how_to_call_it(point: object) -> None:
    with pytest.raises(TypeError, match=r"takes one data point.*call the model once per point"):
        MLP(2, [4, 1], seed=0)(point)


def test_a_data_point_may_be_any_iterable_of_numbers() -> None:
    model = MLP(2, [4, 1], seed=0)
    assert model(x for x in [1.0, 2.0]).data == model([1.0, 2.0]).data


# NumPy integers, as Value takes NumPy scalars; anything else named


def test_numpy_integers_serve_as_sizes_and_seeds() -> None:
    np = pytest.importorskip("numpy")
    expected = MLP(2, [3, 1], seed=3).state_dict()
    assert MLP(np.int64(2), [np.int32(3), np.int64(1)], seed=np.int64(3)).state_dict() == expected
    assert MLP(2, np.array([3, 1]), seed=3).state_dict() == expected
    assert Layer(np.int8(2), np.uint16(3), seed=np.int64(3)).state_dict() == Layer(2, 3, seed=3).state_dict()
    assert Neuron(np.int64(2), seed=np.int64(3)).state_dict() == Neuron(2, seed=3).state_dict()


@pytest.mark.parametrize("seed", ["abc", 1.5, b"1", [1], True])
@pytest.mark.parametrize("make", [lambda seed: MLP(2, [1], seed=seed), lambda seed: Neuron(2, seed=seed)])
def test_a_seed_that_is_not_an_int_or_a_generator_is_named(make: Any, seed: object) -> None:
    with pytest.raises(TypeError, match=r"\(seed=.*\) takes an int, a random.Random or None"):
        make(seed)


@pytest.mark.parametrize("size", [1.5, 2.0, "2", True, None])
def test_a_size_that_is_not_a_whole_number_is_named(size: object) -> None:
    with pytest.raises(ValueError, match=r"MLP needs a positive whole number for nin, got"):
        MLP(size, [1])  # type: ignore[arg-type]
