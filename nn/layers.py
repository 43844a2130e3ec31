"""Neuron, Layer and MLP, with micrograd's signatures and a few of PyTorch's options.

``MLP(2, [16, 16, 1])`` is micrograd's demo model: ReLU hidden layers, a linear last layer, weights
drawn from uniform(-1, 1) and biases 0, for 337 parameters in all.

A neuron computes ``w . x + b`` as ONE ``autograd.dot(w, x, bias=b)`` node, whose last input is
the bias, then its activation: two nodes, however many inputs it has, which is what makes training
fast. A Layer makes the dot nodes of all its neurons in one ``autograd.dot`` call on its weight
matrix and its biases, which reads the inputs once. ``fused=False`` builds micrograd's graph instead (one
``*`` node per weight and a chain of ``+`` nodes), which draws the arithmetic step by step for
teaching pictures; both give the same numbers and the same gradients.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

import autograd
from autograd import Value

from .checks import whole
from .module import Module
from .seeding import Seed, source

Activation = Literal["relu", "tanh", "sigmoid", "linear"]
Init = Literal["uniform", "kaiming_uniform"]

_ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": lambda act: act,
}
_INITS = ("uniform", "kaiming_uniform")


def _size(owner: str, name: str, size: object) -> int:
    """``size`` as an int, if it is a positive whole number (a NumPy integer too)."""
    number = whole(size)
    if number is None or number < 1:
        raise ValueError(f"{owner} needs a positive whole number for {name}, got {size!r}")
    return number


def _point(model: Module, x: object, nin: int) -> list[Value]:
    """One data point of ``nin`` numbers or Values, as Values (one new leaf per number)."""
    point = list(x) if isinstance(x, Iterable) and not isinstance(x, str) else None
    if point is None or any(isinstance(v, Iterable) for v in point):
        raise TypeError(
            f"{model!r} takes one data point, a list of numbers or Values, got {x!r:.60}: "
            f"for a batch, call the model once per point: [model(x) for x in X]"
        )
    _check_width(model, len(point), nin)
    return [v if isinstance(v, Value) else Value(v) for v in point]


def _check_width(model: Module, got: int, nin: int) -> None:
    if got != nin:
        raise ValueError(
            f"{model!r} takes {nin} inputs, got {got}: "
            f"the input size must match the nin the model was built with"
        )


class Neuron(Module):
    """``activation(w . x + b)`` for ``nin`` inputs; linear (no activation) when ``nonlin=False``.

    ``init="uniform"`` is micrograd's: weights from uniform(-1, 1), bias 0. ``init="kaiming_uniform"``
    is what ``torch.nn.Linear`` does: weights and bias from uniform(-1/sqrt(nin), 1/sqrt(nin)), which
    is ``kaiming_uniform_(a=sqrt(5))``. ``seed`` is an int, a ``random.Random``, or None for Python's
    global generator (as micrograd draws).
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        activation: Activation = "relu",
        init: Init = "uniform",
        seed: Seed = None,
        fused: bool = True,
    ) -> None:
        nin = _size("Neuron", "nin", nin)
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"Neuron(activation={activation!r}) is not an activation here: choose one of "
                f"{', '.join(map(repr, _ACTIVATIONS))}"
            )
        if init not in _INITS:
            raise ValueError(
                f"Neuron(init={init!r}) is not a weight init here: choose 'uniform' (micrograd's) "
                f"or 'kaiming_uniform' (torch.nn.Linear's)"
            )
        rng = source(seed, "Neuron")
        bound = 1.0 if init == "uniform" else 1.0 / math.sqrt(nin)
        self.w = [Value(rng.uniform(-bound, bound)) for _ in range(nin)]
        self.b = Value(0.0 if init == "uniform" else rng.uniform(-bound, bound))
        self.activation: Activation = activation if nonlin else "linear"
        self.fused = fused

    def forward(self, x: Sequence[Value | float]) -> Value:
        return _ACTIVATIONS[self.activation](self._affine(_point(self, x, len(self.w))))

    def _affine(self, x: list[Value]) -> Value:
        """``w . x + b``: one dot node with the bias as its last input, or micrograd's chain."""
        if self.fused:
            return autograd.dot(self.w, x, bias=self.b)
        return sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that each see the same ``nin`` inputs; keywords go to every Neuron.

    A call returns a list of ``nout`` Values, or a single Value when ``nout`` is 1 (as micrograd's).
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        nonlin: bool = True,
        activation: Activation = "relu",
        init: Init = "uniform",
        seed: Seed = None,
        fused: bool = True,
    ) -> None:
        nin, nout = _size("Layer", "nin", nin), _size("Layer", "nout", nout)
        rng = source(seed, "Layer")
        self.neurons = [
            Neuron(nin, nonlin, activation=activation, init=init, seed=rng, fused=fused) for _ in range(nout)
        ]

    def _fire(self, x: list[Value]) -> list[Value]:
        """``outputs(x)`` for a data point already lifted to Values."""
        neurons = self.neurons
        _check_width(self, len(x), len(neurons[0].w))  # a layer may sit behind one of another width
        if all(n.fused for n in neurons):  # one dot node per neuron, reading the inputs once
            acts = autograd.dot([n.w for n in neurons], x, bias=[n.b for n in neurons])
        else:
            acts = [n._affine(x) for n in neurons]
        return [_ACTIVATIONS[n.activation](act) for n, act in zip(neurons, acts)]

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """Every neuron's output, as a list even for one neuron."""
        return self._fire(_point(self, x, len(self.neurons[0].w)))

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        n = self.neurons[0]
        return f"Layer({len(n.w)}, {len(self.neurons)}, activation={n.activation!r})"


class MLP(Module):
    """Layers of sizes ``nouts`` on ``nin`` inputs: ``activation`` on every hidden layer, the last linear.

    A call on a list of numbers or Values returns a Value when the last layer has one output, else a
    list. A hidden layer of width 1 works (micrograd's would pass a bare Value to the next layer).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        activation: Activation = "relu",
        init: Init = "uniform",
        seed: Seed = None,
        fused: bool = True,
    ) -> None:
        listed = list(nouts) if isinstance(nouts, Iterable) and not isinstance(nouts, str) else []
        if not listed:
            raise ValueError(f"MLP needs a list of layer sizes such as MLP(2, [16, 16, 1]), got {nouts!r}")
        sizes = [_size("MLP", "nin", nin), *(_size("MLP", f"nouts[{i}]", n) for i, n in enumerate(listed))]
        rng = source(seed, "MLP")
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                nonlin=i != len(listed) - 1,
                activation=activation,
                init=init,
                seed=rng,
                fused=fused,
            )
            for i in range(len(listed))
        ]
        self.activation = activation

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        out = _point(self, x, len(self.layers[0].neurons[0].w))
        for layer in self.layers:
            out = layer._fire(out)
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        nin = len(self.layers[0].neurons[0].w)
        nouts = [len(layer.neurons) for layer in self.layers]
        return f"MLP({nin}, {nouts}, activation={self.activation!r})"
