"""nn: neurons, layers, MLPs, losses and optimizers on top of ``autograd``, with PyTorch's names.

micrograd's demo runs unchanged with its imports swapped (``from autograd import Value``,
``from nn import MLP``). Toy data sets live in ``nn.data``; ``python -m nn.demo`` trains one.
``to_torch`` and ``from_torch`` carry a model over to PyTorch and back (PyTorch is imported only then).
``draw_model`` needs the ``graphviz`` package and is imported on first use, as ``autograd.draw_dot``.
"""

from typing import Any

from .io import load_into, save
from .layers import MLP, Layer, Neuron
from .losses import binary_cross_entropy_with_logits, cross_entropy, hinge_loss, mse_loss
from .module import Module
from .optim import SGD, Adam
from .pytorch import from_torch, to_torch

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "Layer",
    "Module",
    "Neuron",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "draw_model",
    "from_torch",
    "hinge_loss",
    "load_into",
    "mse_loss",
    "save",
    "to_torch",
]


def __getattr__(name: str) -> Any:
    if name == "draw_model":
        from .draw import draw_model

        return draw_model
    raise AttributeError(f"module 'nn' has no attribute {name!r}")
