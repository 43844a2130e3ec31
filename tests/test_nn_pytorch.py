"""nn.to_torch and nn.from_torch against PyTorch itself, in float64: the same outputs and gradients
on random models and inputs, exact round trips, and the same training run step for step with nn and
with torch.optim. The conversions are skipped, with the reason, where PyTorch is not installed; the
training runs compare with PyTorch's recorded answers there; the errors for a missing PyTorch are
tested everywhere."""

from __future__ import annotations

import ast
import itertools
import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value
from nn import (
    MLP,
    SGD,
    Adam,
    Layer,
    Module,
    Neuron,
    binary_cross_entropy_with_logits,
    from_torch,
    hinge_loss,
    to_torch,
)
from nn.data import make_moons
from nn.layers import Activation

from oracles import TRAINING, TRAINING_L2, TRAINING_STEPS

NO_TORCH = "PyTorch is not installed (pip install 'valuegrad[torch]'): nothing to compare with"
ACTIVATIONS: list[Activation] = list(get_args(Activation))
TOLERANCE = 1e-12


@pytest.fixture(scope="module")
def torch() -> ModuleType:
    return pytest.importorskip("torch", reason=NO_TORCH)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def layers_of(model: Module) -> list[list[Neuron]]:
    """The neurons of each layer of an MLP, a Layer or a Neuron, input side first."""
    if isinstance(model, MLP):
        return [layer.neurons for layer in model.layers]
    if isinstance(model, Layer):
        return [model.neurons]
    assert isinstance(model, Neuron)
    return [[model]]


def linears_of(sequential: Any) -> list[Any]:
    return [m for m in sequential if type(m).__name__ == "Linear"]


# Random models, inputs and torch.nn.Sequentials

sizes = st.integers(1, 4)
seeds = st.integers(0, 2**32 - 1)
inits = st.sampled_from(["uniform", "kaiming_uniform"])  # kaiming_uniform draws biases other than 0


@st.composite
def models(draw: st.DrawFn) -> MLP | Layer | Neuron:
    nin, activation, init, seed = draw(sizes), draw(st.sampled_from(ACTIVATIONS)), draw(inits), draw(seeds)
    kind = draw(st.sampled_from([MLP, Layer, Neuron]))
    if kind is MLP:
        nouts = draw(st.lists(sizes, min_size=1, max_size=3))
        return MLP(nin, nouts, activation=activation, init=init, seed=seed)
    if kind is Layer:
        return Layer(nin, draw(sizes), activation=activation, init=init, seed=seed)
    return Neuron(nin, activation=activation, init=init, seed=seed)


@st.composite
def batches(draw: st.DrawFn, nin: int) -> list[list[float]]:
    point = st.lists(st.floats(-3, 3), min_size=nin, max_size=nin)
    return draw(st.lists(point, min_size=1, max_size=4))


@st.composite
def sequentials(draw: st.DrawFn, torch: ModuleType) -> Any:
    """A torch.nn.Sequential that from_torch converts: Linears with a shared hidden activation and a
    linear end, or one Linear and an activation; sometimes float32, sometimes with Identity modules."""
    widths = draw(st.lists(sizes, min_size=2, max_size=4))
    names = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}
    hidden = draw(st.sampled_from([None, *names.values()]))
    dtype = draw(st.sampled_from([torch.float64, torch.float32]))
    torch.manual_seed(draw(seeds))
    modules = []
    for i, (nin, nout) in enumerate(itertools.pairwise(widths)):
        modules.append(torch.nn.Linear(nin, nout, dtype=dtype))
        if draw(st.booleans()):
            modules.append(torch.nn.Identity())
        if hidden and i < len(widths) - 2:
            modules.append(getattr(torch.nn, hidden)())
    if len(modules) == 1 and draw(st.booleans()):  # one Linear with an activation: a Neuron or Layer
        modules.append(getattr(torch.nn, draw(st.sampled_from(list(names.values()))))())
    return torch.nn.Sequential(*modules)


def assert_same_function(torch: ModuleType, model: Module, sequential: Any, X: list[list[float]]) -> None:
    """``model`` and ``sequential`` give the same outputs on ``X``, and after a backward pass of the
    same weighted sum of the outputs, the same gradients for every weight, bias and input."""
    xs = [[Value(v) for v in x] for x in X]
    outs = [model(x) for x in xs]
    rows = [out if isinstance(out, list) else [out] for out in outs]
    coefficients = [[1.0 + 0.5 * i - 0.25 * j for j in range(len(row))] for i, row in enumerate(rows)]
    autograd.sum([c * o for row, cs in zip(rows, coefficients) for o, c in zip(row, cs)]).backward()

    Xt = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    theirs = sequential.double()(Xt)
    (theirs * torch.tensor(coefficients, dtype=torch.float64)).sum().backward()

    for ours, expected in zip([[o.data for o in row] for row in rows], theirs.tolist()):
        assert all(map(close, ours, expected)), ("outputs", ours, expected)
    for ours, expected in zip([[v.grad for v in x] for x in xs], Xt.grad.tolist()):
        assert all(map(close, ours, expected)), ("input gradients", ours, expected)
    layers, linears = layers_of(model), linears_of(sequential)
    assert len(layers) == len(linears)
    for k, (neurons, linear) in enumerate(zip(layers, linears)):
        for j, n in enumerate(neurons):
            weight_grads, bias_grad = linear.weight.grad[j].tolist(), linear.bias.grad[j].item()
            assert all(map(close, [w.grad for w in n.w], weight_grads)), (k, j, "weights")
            assert close(n.b.grad, bias_grad), (k, j, "bias")


# Outputs and gradients against PyTorch


@given(st.data())
def test_to_torch_computes_the_same_outputs_and_gradients(torch: ModuleType, data: st.DataObject) -> None:
    model = data.draw(models())
    X = data.draw(batches(len(layers_of(model)[0][0].w)))
    sequential = to_torch(model)
    assert all(p.dtype == torch.float64 for p in sequential.parameters())
    assert_same_function(torch, model, sequential, X)


@given(st.data())
def test_from_torch_computes_the_same_outputs_and_gradients(torch: ModuleType, data: st.DataObject) -> None:
    sequential = data.draw(sequentials(torch))
    X = data.draw(batches(linears_of(sequential)[0].in_features))
    assert_same_function(torch, from_torch(sequential), sequential, X)


@given(st.data())
def test_a_linear_alone_becomes_an_mlp_of_one_layer(torch: ModuleType, data: st.DataObject) -> None:
    nin, nout = data.draw(sizes), data.draw(sizes)
    torch.manual_seed(data.draw(seeds))
    linear = torch.nn.Linear(nin, nout, dtype=torch.float64)
    model = from_torch(linear)
    assert repr(model) == f"MLP({nin}, [{nout}], activation='relu')"
    assert_same_function(torch, model, torch.nn.Sequential(linear), data.draw(batches(nin)))


def test_every_activation_of_nn_has_its_torch_module(torch: ModuleType) -> None:
    expected = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    for activation in ACTIVATIONS:
        modules = list(to_torch(Layer(3, 2, activation=activation, seed=0)))
        assert [type(m) for m in modules[1:]] == ([expected[activation]] if activation != "linear" else [])


def test_the_demo_model_becomes_the_sequential_one_would_write(torch: ModuleType) -> None:
    sequential = to_torch(MLP(2, [16, 16, 1], seed=1337))
    written = torch.nn.Sequential(
        torch.nn.Linear(2, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 1),
    )
    assert str(sequential) == str(written)


def test_to_torch_leaves_torchs_random_generator_alone(torch: ModuleType) -> None:
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    to_torch(MLP(2, [16, 16, 1], seed=0))
    assert torch.equal(torch.rand(3), expected)


# Round trips


def structure(model: Module) -> list[list[tuple[int, str, list[float], float]]]:
    """Every neuron of every layer, as (inputs, activation, weights, bias): all that a model computes."""
    return [
        [(len(n.w), n.activation, [w.data for w in n.w], n.b.data) for n in ns] for ns in layers_of(model)
    ]


@given(models())
def test_from_torch_of_to_torch_gives_the_model_back_exactly(
    torch: ModuleType, model: MLP | Layer | Neuron
) -> None:
    back = from_torch(to_torch(model))
    assert structure(back) == structure(model)
    neurons = layers_of(model)[0]
    # Where two kinds compute the same, from_torch chooses: a linear Neuron or Layer comes back as an
    # MLP of one layer, a Layer of one neuron as a Neuron.
    if isinstance(model, MLP) or (neurons[0].activation != "linear" and len(neurons) > 1):
        assert type(back) is type(model)
        assert back.state_dict() == model.state_dict()


@given(st.data())
def test_to_torch_of_from_torch_gives_the_sequential_back_exactly(
    torch: ModuleType, data: st.DataObject
) -> None:
    sequential = data.draw(sequentials(torch))
    original = torch.nn.Sequential(*(m for m in sequential if type(m) is not torch.nn.Identity)).double()
    back = to_torch(from_torch(sequential))
    assert str(back) == str(original)
    expected = original.state_dict()
    assert back.state_dict().keys() == expected.keys()
    assert all(torch.equal(tensor, expected[name]) for name, tensor in back.state_dict().items())


# Training side by side: the same model, weights, data and steps, with nn and with PyTorch (whose
# losses and final weights are recorded in tests/fixtures/training.json, and checked live where it is
# installed)


def nn_training(case: dict[str, Any]) -> tuple[MLP, list[float]]:
    X, y = make_moons(n_samples=case["points"], noise=0.1, seed=case["seed"])
    model = MLP(2, [16, 16, 1], seed=case["seed"])
    optimizer = {"SGD": SGD, "Adam": Adam}[case["optimizer"]](model.parameters(), **case["settings"])
    losses = []
    for _ in range(TRAINING_STEPS):
        scores = [model(x) for x in X]
        if case["loss"] == "hinge + L2":
            params = model.parameters()
            loss = hinge_loss(scores, [2 * t - 1 for t in y]) + TRAINING_L2 * autograd.dot(params, params)
        else:
            loss = binary_cross_entropy_with_logits(scores, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    return model, losses


@pytest.mark.parametrize("key", TRAINING.keys())
def test_training_with_nn_and_with_pytorch_gives_the_same_losses_and_weights(key: str) -> None:
    model, our_losses = nn_training(TRAINING.cases[key])
    expected = TRAINING[key]
    assert our_losses[-1] < our_losses[0] / 2  # it trained: the comparison is not of a model standing still
    for step, (a, b) in enumerate(zip(our_losses, expected["losses"], strict=True)):
        assert close(a, b), (step, a, b)
    for neurons, linear in zip(layers_of(model), expected["layers"], strict=True):
        for n, row, bias in zip(neurons, linear["weight"], linear["bias"], strict=True):
            assert all(map(close, [w.data for w in n.w], row)) and close(n.b.data, bias)


# Errors that say what to do


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda t: t.nn.Conv2d(1, 1, 3), "converts a torch.nn.Sequential .*, or one Linear, got Conv2d"),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.LeakyReLU(), t.nn.Linear(3, 1)),
            r"cannot convert LeakyReLU\(negative_slope=0.01\) at position 1 of the Sequential",
        ),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Dropout(0.5), t.nn.Linear(3, 1)),
            r"cannot convert Dropout\(p=0.5, inplace=False\) at position 1",
        ),
        (lambda t: t.nn.Sequential(t.nn.Linear(2, 3, bias=False)), "at position 0 .* always have a bias"),
        (lambda t: t.nn.Linear(2, 3, bias=False), r"convert Linear\(in_features=2.*\): nn's neurons always"),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Linear(4, 1)),
            "takes 4 inputs, but the Linear before it gives 3",
        ),
        (lambda t: t.nn.Sequential(t.nn.ReLU(), t.nn.Linear(2, 1)), "an activation must follow a Linear"),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Tanh(), t.nn.Linear(3, 1)),
            r"Tanh\(\) at position 2 .* at most one per Linear",
        ),
        (
            lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Linear(3, 1), t.nn.Sigmoid()),
            r"last layer is linear; this Sequential ends with Sigmoid\(\): drop it",
        ),
        (
            lambda t: t.nn.Sequential(
                t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Linear(3, 3), t.nn.Tanh(), t.nn.Linear(3, 1)
            ),
            "share one activation; this Sequential mixes 'relu', 'tanh'",
        ),
        (lambda t: t.nn.Sequential(t.nn.Identity()), "found no Linear"),
    ],
)
def test_from_torch_names_what_it_cannot_convert(
    torch: ModuleType, build: Callable[[ModuleType], Any], message: str
) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        from_torch(build(torch))


def test_to_torch_refuses_a_model_it_cannot_convert(torch: ModuleType) -> None:
    class Pair(Module):
        def __init__(self) -> None:
            self.a, self.b = Neuron(2, seed=0), Neuron(2, seed=1)

    with pytest.raises(TypeError, match=r"converts an nn\.MLP, Layer or Neuron, got Pair"):
        to_torch(Pair())  # type: ignore[arg-type]
    layer = Layer(2, 2, seed=0)
    layer.neurons[1].activation = "tanh"
    with pytest.raises(ValueError, match=r"layer 0 of Layer\(2, 2.* mixes 'relu', 'tanh'"):
        to_torch(layer)


@pytest.mark.parametrize("convert", [to_torch, from_torch])
def test_without_pytorch_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, convert: Callable[[Any], Any]
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # how Python marks a module as not importable
    with pytest.raises(
        ImportError, match=r"needs PyTorch, which is not installed: pip install 'valuegrad\[torch\]'"
    ):
        convert(MLP(2, [1], seed=0))


def test_nn_uses_only_the_standard_library_and_autograd() -> None:
    """Every import in nn's modules, at the top or inside a function, is of the standard library,
    autograd or nn itself; but PyTorch in nn/pytorch.py and tqdm and matplotlib in the demo (the
    `demo` extra), which the README names."""
    allowed = set(sys.stdlib_module_names) | {"autograd", "nn"}
    extras = {"pytorch.py": {"torch"}, "demo.py": {"tqdm", "matplotlib"}}
    for source in Path(nn.__file__).parent.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        imported = {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        }
        imported |= {
            str(node.module)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 0
        }
        tops = {name.split(".")[0] for name in imported}
        assert tops <= allowed | extras.get(source.name, set()), (source.name, tops - allowed)
    # and at run time, with no site-packages at all (-S): nothing else is even reachable
    program = (
        "import sys, nn, nn.data, nn.io\n"
        "tops = {name.split('.')[0] for name in sys.modules}\n"
        "print(sorted(tops - set(sys.stdlib_module_names) - {'__main__', 'autograd', 'nn'}))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(nn.__file__).parent.parent)}
    run = subprocess.run([sys.executable, "-S", "-c", program], env=env, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run.stderr


def test_importing_nn_does_not_import_pytorch() -> None:
    check = "import sys, nn; assert 'torch' not in sys.modules, 'import nn imported torch'"
    subprocess.run([sys.executable, "-c", check], check=True)
