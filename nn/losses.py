"""Losses, averaged over the examples, as ``torch.nn.functional``'s with ``reduction="mean"``.

Each takes one prediction or a list of them (Values or plain numbers) and returns one Value to call
``backward()`` on. The mean is one ``autograd.sum`` node divided by the count, so a batch of any size
adds two nodes, not a chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, overload

import autograd
from autograd import Value

from .checks import whole

Scalar = Value | float


def _value(x: Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _listed(xs: Scalar | Sequence[Scalar]) -> list[Scalar]:
    return list(xs) if isinstance(xs, Iterable) else [xs]


def _pairs(
    loss: str, preds: Scalar | Sequence[Scalar], targets: Scalar | Sequence[Scalar]
) -> list[tuple[Value, Scalar]]:
    """``(prediction as a Value, target)`` for each example, checking there is one target each."""
    ps, ts = _listed(preds), _listed(targets)
    if len(ps) != len(ts) or not ps:
        raise ValueError(
            f"{loss}() needs one target per prediction and at least one of each, "
            f"got {len(ps)} predictions and {len(ts)} targets"
        )
    return [(_value(p), t) for p, t in zip(ps, ts)]


def _mean(terms: list[Value]) -> Value:
    return autograd.sum(terms) / len(terms)


def mse_loss(preds: Scalar | Sequence[Scalar], targets: Scalar | Sequence[Scalar]) -> Value:
    """Mean squared error: mean_i (pred_i - target_i)^2."""
    return _mean([(p - t) ** 2 for p, t in _pairs("mse_loss", preds, targets)])


def hinge_loss(scores: Scalar | Sequence[Scalar], labels: Scalar | Sequence[Scalar]) -> Value:
    """The SVM max-margin loss of micrograd's demo: mean_i relu(1 - y_i s_i), for labels y_i = -1 or +1.

    An example scores no loss once it is on the right side with a margin of 1 (``y s >= 1``).
    """
    pairs = _pairs("hinge_loss", scores, labels)
    for i, (_, y) in enumerate(pairs):
        if y not in (-1, 1):
            raise ValueError(
                f"hinge_loss() takes labels -1 or +1, got {y!r} at index {i}: turn 0/1 labels "
                f"into -1/+1 with [2 * v - 1 for v in y]"
            )
    return _mean([(1 - y * s).relu() for s, y in pairs])


def _softplus(x: Value) -> Value:
    """log(1 + e^x), as x + log(1 + e^-x) when x >= 0 so that e^x is never taken of a large x.

    Both branches have derivative sigmoid(x), so the gradient is exact everywhere, 0 included.
    """
    if x.data >= 0:
        return x + (1 + (-x).exp()).log()
    return (1 + x.exp()).log()


def binary_cross_entropy_with_logits(
    logits: Scalar | Sequence[Scalar], targets: Scalar | Sequence[Scalar]
) -> Value:
    """mean_i -[t_i log sigmoid(x_i) + (1 - t_i) log(1 - sigmoid(x_i))] for targets t_i in [0, 1].

    Computed as softplus(x) - x t, which equals it and stays finite and exact for logits of +-1000,
    where sigmoid itself would round to 0 or 1 and the log to -inf.
    """
    return _mean(
        [_softplus(x) - x * t for x, t in _pairs("binary_cross_entropy_with_logits", logits, targets)]
    )


def _cross_entropy_one(logits: Sequence[Scalar], target: object) -> Value:
    """-log softmax(logits)[target] = logsumexp(logits) - logits[target], with the largest logit
    taken out before exponentiating so that no e^x overflows."""
    if not logits:
        raise ValueError("cross_entropy() needs at least one logit per example, got none")
    index = whole(target)
    if index is None or not 0 <= index < len(logits):
        raise ValueError(
            f"cross_entropy() takes a class index from 0 to {len(logits) - 1} for {len(logits)} "
            f"logits, got {target!r}"
        )
    zs = [_value(z) for z in logits]
    top = max(z.data for z in zs)
    return autograd.sum([(z - top).exp() for z in zs]).log() + top - zs[index]


@overload
def cross_entropy(logits: Sequence[Scalar], target_index: int) -> Value: ...


@overload
def cross_entropy(logits: Sequence[Sequence[Scalar]], target_index: Sequence[int]) -> Value: ...


def cross_entropy(logits: Sequence[Any], target_index: int | Sequence[int]) -> Value:
    """-log softmax(logits)[target_index] for one example (a list of logits and a class index), or
    its mean over a batch (a list of such lists and a list of class indices), as PyTorch's. A class
    index may be a NumPy integer, and the indices of a batch a NumPy array."""
    if isinstance(target_index, str) or not isinstance(target_index, Iterable):
        return _cross_entropy_one(logits, target_index)
    rows, targets = list(logits), list(target_index)
    if len(rows) != len(targets) or not rows:
        raise ValueError(
            f"cross_entropy() needs one class index per row of logits and at least one row, "
            f"got {len(rows)} rows and {len(targets)} indices"
        )
    return _mean([_cross_entropy_one(row, t) for row, t in zip(rows, targets)])
