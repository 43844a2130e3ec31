"""The exercises of notebook 04, training an MLP.

``autograd`` knows nothing of ``nn``, so the references here are the engine (for the L2 step, the
cross-entropy and the mini-batch gradient) or a closed form (the parameter count, Adam's update, a
float written as text); the tests check those closed forms against ``nn`` itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ..engine import Value
from ..engine import sum as value_sum
from ..testing import reals
from .core import Mismatch, Note, close, exercise, shown
from .text import add_texts, say

add_texts(
    {
        "en": {
            "n_parameters.expected": "{count} parameters",
            "adam_step.inputs": "gradients, one per step: {grads}",
            "adam_step.theta": "theta after step {step}",
            "full_batch_grad.inputs": "w = {w}, examples (x, y) = {examples}, batch sizes = {sizes}",
            "exact_text.expected": "a string that float() reads back as exactly {x}",
        },
        "zh": {
            "n_parameters.expected": "{count} 个参数",
            "adam_step.inputs": "每一步的梯度，依次为：{grads}",
            "adam_step.theta": "第 {step} 步之后的 theta",
            "full_batch_grad.inputs": "w = {w}，样本 (x, y) = {examples}，各批的大小 = {sizes}",
            "exact_text.expected": "一个字符串，float() 读回来恰好是 {x}",
        },
    }
)


def _number(name: str, obtained: object, expected: float) -> Mismatch | None:
    """A number against the reference, written as ``name = value``."""
    if close(obtained, expected):
        return None
    return Mismatch(f"{name} = {shown(expected)}", f"{name} = {obtained!r}")


_SHAPES = st.tuples(st.integers(1, 5), st.lists(st.integers(1, 20), min_size=1, max_size=4))


@exercise("n_parameters", _SHAPES, show=lambda case: f"nin = {case[0]}, nouts = {case[1]}")
def n_parameters(answer: Callable[..., Any], case: tuple[int, list[int]]) -> Mismatch | None:
    """n_parameters(nin, nouts): the parameters of MLP(nin, nouts): each neuron has one weight per
    input of its layer and a bias, sum over layers of (inputs + 1) * outputs."""
    nin, nouts = case
    expected = sum((n_in + 1) * n_out for n_in, n_out in zip([nin, *nouts], nouts))
    obtained = answer(nin, list(nouts))
    if obtained == expected:
        return None
    return Mismatch(Note("n_parameters.expected", count=expected), f"{obtained!r}")


_SGD = st.tuples(reals(-3, 3), reals(-3, 3), reals(0.01, 1), reals(0, 0.5))


@exercise(
    "sgd_step_l2", _SGD, show=lambda c: f"theta = {c[0]!r}, grad = {c[1]!r}, lr = {c[2]!r}, alpha = {c[3]!r}"
)
def sgd_step_l2(answer: Callable[..., Any], case: tuple[float, float, float, float]) -> Mismatch | None:
    """sgd_step_l2(theta, grad, lr, alpha): theta after one SGD step on loss + alpha * theta^2, where
    ``grad`` is the loss's own gradient: theta - lr (grad + 2 alpha theta)."""
    theta, g, lr, alpha = case
    t = Value(theta)
    (g * t + alpha * t * t).backward()  # a loss whose own gradient is g, plus the penalty
    return _number("theta", answer(theta, g, lr, alpha), theta - lr * t.grad)


_LOGITS = st.tuples(st.floats(-1000, 1000) | reals(-5, 5), st.sampled_from([0.0, 1.0]))


@exercise("bce_with_logits", _LOGITS, show=lambda case: f"score = {case[0]!r}, target = {case[1]!r}")
def bce_with_logits(answer: Callable[..., Any], case: tuple[float, float]) -> Mismatch | None:
    """bce_with_logits(score, target): -t log(sigmoid(s)) - (1 - t) log(1 - sigmoid(s)), finite for
    every finite score: log(1 + e^s) - t s, with log(1 + e^s) = relu(s) + log(1 + e^-|s|)."""
    s, t = case
    v = Value(s)
    expected = (v.relu() + (1 + (-abs(v)).exp()).log() - t * v).data
    return _number("loss", answer(s, t), expected)


_GRADS = st.lists(reals(-10, 10), min_size=1, max_size=5)


@exercise("adam_step", _GRADS, show=lambda grads: say("adam_step.inputs", grads=repr(grads)))
def adam_step(answer: Callable[..., Any], grads: list[float]) -> Mismatch | None:
    """adam_step(theta, g, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8) -> (theta, m, v): step
    t (from 1) of Adam on one parameter, with the bias corrections m / (1 - beta1^t) and
    v / (1 - beta2^t), as torch.optim.Adam. One parameter from 0 is stepped with each gradient."""
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    theta = m = v = 0.0
    state: Any = (0.0, 0.0, 0.0)  # the answer's (theta, m, v)
    for t, g in enumerate(grads, 1):
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        theta -= lr * (m / (1 - beta1**t)) / (math.sqrt(v / (1 - beta2**t)) + eps)
        state = answer(state[0], g, state[1], state[2], t)
        found = _number(say("adam_step.theta", step=t), state[0], theta)
        if found:
            return found
    return None


@st.composite
def _batches(draw: st.DrawFn) -> tuple[float, list[tuple[float, float]], list[int]]:
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    examples = draw(st.lists(st.tuples(reals(-2, 2), reals(-2, 2)), min_size=sum(sizes), max_size=sum(sizes)))
    return draw(reals(-2, 2)), examples, sizes


def _mean_loss_grad(w: float, examples: list[tuple[float, float]]) -> float:
    v = Value(w)
    (value_sum((v * x - y) ** 2 for x, y in examples) / len(examples)).backward()
    return v.grad


@exercise(
    "full_batch_grad",
    _batches(),
    show=lambda case: say(
        "full_batch_grad.inputs", w=repr(case[0]), examples=repr(case[1]), sizes=repr(case[2])
    ),
)
def full_batch_grad(
    answer: Callable[..., Any], case: tuple[float, list[tuple[float, float]], list[int]]
) -> Mismatch | None:
    """full_batch_grad(batch_grads, batch_sizes): the gradient of the mean loss over all examples,
    from the gradients of each batch's mean loss: their mean weighted by the batch sizes. The loss of
    an example (x, y) is (w x - y)^2, and the batches split the examples in order."""
    w, examples, sizes = case
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    batch_grads = [_mean_loss_grad(w, examples[s : s + n]) for s, n in zip(starts, sizes, strict=True)]
    return _number("dC/dw", answer(batch_grads, list(sizes)), _mean_loss_grad(w, examples))


@exercise("exact_text", st.floats(allow_nan=False, allow_infinity=False), show=lambda x: f"x = {x!r}")
def exact_text(answer: Callable[..., Any], x: float) -> Mismatch | None:
    """exact_text(x): x written as text that float() reads back exactly, sign of zero included, as
    a saved model must be for the loaded one to score every point as before."""
    text = answer(x)
    try:
        back = float(text) if isinstance(text, str) else None
    except ValueError:
        back = None
    if back is not None and back == x and math.copysign(1, back) == math.copysign(1, x):
        return None
    return Mismatch(Note("exact_text.expected", x=repr(x)), repr(text))
