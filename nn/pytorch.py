"""The bridge to PyTorch: ``to_torch`` and ``from_torch`` move a model across with its exact weights.

An ``MLP`` becomes the ``torch.nn.Sequential`` one would write by hand, in float64: a
``torch.nn.Linear`` per layer (neuron j's weights are row j of ``weight``, its bias ``bias[j]``),
each followed by its activation module (``ReLU``, ``Tanh``, ``Sigmoid``; none for a linear layer).
So the same input gives the same outputs and the same gradients, and training goes on where it
left off. PyTorch is optional (``pip install 'valuegrad[torch]'``); this module imports it only when
one of its functions is called, so ``import nn`` stays free of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .layers import MLP, Activation, Layer, Neuron
from .module import Module

if TYPE_CHECKING:
    import torch

_TORCH_NAMES: dict[Activation, str] = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}
_SUPPORTED = "Linear, ReLU, Tanh, Sigmoid and Identity"


def _need_torch(caller: str) -> None:
    """Raise an ImportError that says what to install, where PyTorch is missing."""
    try:
        importlib.import_module("torch")
    except ImportError as e:
        raise ImportError(
            f"nn.{caller}() needs PyTorch, which is not installed: pip install 'valuegrad[torch]'"
        ) from e


def _stages(model: Module) -> list[tuple[list[Neuron], Activation]]:
    """The layers of ``model`` as (neurons, their shared activation), input side first."""
    if isinstance(model, MLP):
        layers = [layer.neurons for layer in model.layers]
    elif isinstance(model, Layer):
        layers = [model.neurons]
    elif isinstance(model, Neuron):
        layers = [[model]]
    else:
        raise TypeError(
            f"nn.to_torch() converts an nn.MLP, Layer or Neuron, got {type(model).__name__}: "
            f"write its forward() in PyTorch by hand, or build it from those"
        )
    stages: list[tuple[list[Neuron], Activation]] = []
    for i, neurons in enumerate(layers):
        activations = sorted({n.activation for n in neurons})
        if len(activations) > 1:
            raise ValueError(
                f"nn.to_torch() needs one activation per layer, as a torch.nn.Linear is followed by one "
                f"module: layer {i} of {model!r} mixes {', '.join(map(repr, activations))}"
            )
        stages.append((neurons, neurons[0].activation))
    return stages


def to_torch(model: MLP | Layer | Neuron) -> torch.nn.Sequential:
    """The ``torch.nn.Sequential`` of ``Linear`` and activation modules that computes what ``model``
    does, in float64, with its weights and biases copied exactly.

    ``to_torch(MLP(2, [16, 16, 1]))`` is ``Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(),
    Linear(16, 1))``. It takes a batch: an input of shape ``(N, nin)`` gives outputs ``(N, nout)``.
    """
    _need_torch("to_torch")
    import torch

    modules: list[torch.nn.Module] = []
    for neurons, activation in _stages(model):
        # made on the meta device, with no random initial weights: torch's global generator is untouched
        shape = torch.nn.Linear(len(neurons[0].w), len(neurons), dtype=torch.float64, device="meta")
        linear = shape.to_empty(device="cpu")
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=torch.float64))
        modules.append(linear)
        if activation != "linear":
            modules.append(getattr(torch.nn, _TORCH_NAMES[activation])())
    return torch.nn.Sequential(*modules)


def from_torch(module: torch.nn.Module) -> MLP | Layer | Neuron:
    """The nn model that computes what ``module`` does, with its weights and biases exactly.

    ``module`` is a ``torch.nn.Linear``, or a ``torch.nn.Sequential`` of ``Linear`` modules each
    followed by at most one activation (``ReLU``, ``Tanh``, ``Sigmoid``; ``Identity`` anywhere is
    skipped). One that ends with a ``Linear`` becomes an ``MLP``, whose hidden layers must share an
    activation; a single ``Linear`` followed by an activation becomes a ``Neuron`` (one output) or a
    ``Layer``. So ``from_torch(to_torch(model))`` gives back ``model``'s kind, sizes and weights
    exactly, except where two kinds compute the same: a linear Neuron or Layer comes back as an ``MLP``
    of one layer, and a Layer of one neuron as a Neuron. Anything else raises an error that names the
    module it cannot convert.
    """
    _need_torch("from_torch")
    stages = _torch_stages(module)
    sizes = [stages[0][0].in_features] + [linear.out_features for linear, _ in stages]
    last = stages[-1][1]
    model: MLP | Layer | Neuron
    if last == "linear":
        hidden = sorted({activation for _, activation in stages[:-1]})
        if len(hidden) > 1:
            raise ValueError(
                f"nn.from_torch() makes an nn.MLP, whose hidden layers share one activation; "
                f"this Sequential mixes {', '.join(map(repr, hidden))}"
            )
        # seed=0 leaves Python's global generator alone; the weights drawn are overwritten below
        model = MLP(sizes[0], sizes[1:], activation=hidden[0] if hidden else "relu", seed=0)
        layers = [layer.neurons for layer in model.layers]
    elif len(stages) > 1:
        raise ValueError(
            f"nn.from_torch() makes an nn.MLP, whose last layer is linear; this Sequential ends with "
            f"{_TORCH_NAMES[last]}(): drop it and apply it to the output (or use a loss that takes logits)"
        )
    elif sizes[1] == 1:
        model = Neuron(sizes[0], activation=last, seed=0)
        layers = [[model]]
    else:
        model = Layer(sizes[0], sizes[1], activation=last, seed=0)
        layers = [model.neurons]
    for (linear, _), neurons in zip(stages, layers):
        weight, bias = linear.weight.detach().double().tolist(), linear.bias.detach().double().tolist()
        for n, row, b in zip(neurons, weight, bias):
            for w, x in zip(n.w, row):
                w.data = x
            n.b.data = b
    return model


def _torch_stages(module: torch.nn.Module) -> list[tuple[torch.nn.Linear, Activation]]:
    """Each ``Linear`` of ``module`` (a Sequential, or one Linear) with the activation that follows it,
    checking that the sizes chain."""
    import torch

    if isinstance(module, torch.nn.Sequential):
        children = list(module)
    elif isinstance(module, torch.nn.Linear):
        children = [module]
    else:
        raise TypeError(
            f"nn.from_torch() converts a torch.nn.Sequential of {_SUPPORTED} modules, or one Linear, "
            f"got {type(module).__name__}"
        )
    activations: dict[type[torch.nn.Module], Activation] = {
        getattr(torch.nn, name): activation for activation, name in _TORCH_NAMES.items()
    }
    stages: list[tuple[torch.nn.Linear, Activation]] = []
    for position, child in enumerate(children):
        where = f"{child!r} at position {position} of the Sequential" if child is not module else repr(child)
        if type(child) is torch.nn.Identity:
            continue
        if isinstance(child, torch.nn.Linear):
            if child.bias is None:
                raise ValueError(
                    f"nn.from_torch() cannot convert {where}: nn's neurons always have a bias; "
                    f"build it with bias=True (a bias of 0 computes the same)"
                )
            if stages and stages[-1][0].out_features != child.in_features:
                raise ValueError(
                    f"nn.from_torch() cannot convert {where}: it takes {child.in_features} inputs, "
                    f"but the Linear before it gives {stages[-1][0].out_features}"
                )
            stages.append((child, "linear"))
        elif type(child) in activations:
            if not stages or stages[-1][1] != "linear":
                raise ValueError(
                    f"nn.from_torch() cannot convert {where}: an activation must follow a Linear, "
                    f"at most one per Linear"
                )
            stages[-1] = (stages[-1][0], activations[type(child)])
        else:
            raise ValueError(f"nn.from_torch() cannot convert {where}: nn has only {_SUPPORTED}")
    if not stages:
        raise ValueError(f"nn.from_torch() found no Linear in {module!r}: there is nothing to convert")
    return stages
