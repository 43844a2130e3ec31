"""The exercises of notebook 03, backpropagation step by step, in the notation of layers.

The answers take and return NumPy arrays, as the notebook's equations do (NumPy comes with the
``notebooks`` extra; it is imported only when one of these checks runs). The engine is the
reference: each case is built from ``Value``s and differentiated with ``backward()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from hypothesis import strategies as st

from ..engine import Value, dot
from ..engine import sum as value_sum
from ..testing import reals
from .core import Mismatch, Note, close, exercise, shown
from .text import add_texts, say

add_texts(
    {
        "en": {
            "backprop.shape": "a 1-D array of {count} number(s)",
            "backprop.matrix": "a {rows}x{columns} array",
            "should_stop.expected": "should_stop = {stop}: the largest |grad| is {largest}",
            "should_stop.inputs": "the parameters' grads: {grads}",
        },
        "zh": {
            "backprop.shape": "由 {count} 个数组成的一维数组",
            "backprop.matrix": "一个 {rows}x{columns} 的数组",
            "should_stop.expected": "should_stop = {stop}：最大的 |grad| 是 {largest}",
            "should_stop.inputs": "各参数的 grad：{grads}",
        },
    }
)

Matrix = list[list[float]]


def _vector(n: int, low: float = -3.0, high: float = 3.0) -> st.SearchStrategy[list[float]]:
    return st.lists(reals(low, high), min_size=n, max_size=n)


def _matrix(rows: int, columns: int) -> st.SearchStrategy[Matrix]:
    return st.lists(_vector(columns), min_size=rows, max_size=rows)


def _floats(obtained: Any) -> list[float] | None:
    """An answer as a flat list of floats (a NumPy array, a list, a tuple), or None if it is not."""
    try:
        return [float(x) for x in obtained]
    except (TypeError, ValueError):
        return None


def _compare(name: str, obtained: Any, expected: Sequence[float]) -> Mismatch | None:
    """A vector answer against the engine's, written as ``delta = [0.1, -0.2]``."""
    values = _floats(obtained)
    if values is None or len(values) != len(expected):
        return Mismatch(Note("backprop.shape", count=len(expected)), repr(obtained))
    if all(map(close, values, expected)):
        return None
    return Mismatch(f"{name} = {_list(expected)}", f"{name} = {_list(values)}")


def _list(xs: Sequence[float]) -> str:
    return f"[{', '.join(map(shown, xs))}]"


def _arrays(*lists: Any) -> list[Any]:
    import numpy as np

    return [np.array(x, dtype=float) for x in lists]


def _mse(outputs: Sequence[Value], targets: Sequence[float]) -> Value:
    """The mean squared error, as nn.mse_loss computes it."""
    return value_sum((o - t) ** 2 for o, t in zip(outputs, targets, strict=True)) / len(outputs)


_OUTPUTS = st.integers(1, 3).flatmap(lambda n: st.tuples(_vector(n), _vector(n, -1.0, 1.0)))


def _show_zy(case: tuple[list[float], list[float]]) -> str:
    return f"z = {_list(case[0])}, y = {_list(case[1])}"


@exercise("delta_tanh", _OUTPUTS, show=_show_zy)
def delta_tanh(answer: Callable[..., Any], case: tuple[list[float], list[float]]) -> Mismatch | None:
    """delta_tanh(z, y): delta^(L) of a tanh output layer under the mean squared error,
    (2/n) (tanh(z) - y) * (1 - tanh(z)^2)."""
    z, y = case
    zs = [Value(x) for x in z]
    _mse([v.tanh() for v in zs], y).backward()
    return _compare("delta", answer(*_arrays(z, y)), [v.grad for v in zs])


_TARGETS = st.integers(1, 3).flatmap(lambda n: st.tuples(_vector(n), _vector(n, 0.0, 1.0)))


@exercise("delta_bce", _TARGETS, show=_show_zy)
def delta_bce(answer: Callable[..., Any], case: tuple[list[float], list[float]]) -> Mismatch | None:
    """delta_bce(z, y): delta^(L) of a sigmoid output under the binary cross-entropy averaged over the
    n outputs, (sigmoid(z) - y) / n: the sigma' cancels."""
    z, y = case
    zs = [Value(x) for x in z]
    # -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z)), written as log(1 + e^z) - y z
    loss = value_sum((1 + v.exp()).log() - t * v for v, t in zip(zs, y, strict=True)) / len(zs)
    loss.backward()
    return _compare("delta", answer(*_arrays(z, y)), [v.grad for v in zs])


@st.composite
def _three_layers(draw: st.DrawFn) -> tuple[Matrix, Matrix, list[float], list[float], list[float]]:
    n1, n2, n3 = (draw(st.integers(1, 3)) for _ in range(3))
    return (
        draw(_matrix(n2, n1)),
        draw(_matrix(n3, n2)),
        draw(_vector(n1)),
        draw(_vector(n2)),
        draw(_vector(n3)),
    )


def _show_three(case: tuple[Matrix, Matrix, list[float], list[float], list[float]]) -> str:
    w2, w3, z1, z2, d3 = case
    return f"W2 = {w2!r}, W3 = {w3!r}, z1 = {_list(z1)}, z2 = {_list(z2)}, delta3 = {_list(d3)}"


@exercise("delta1_from_delta3", _three_layers(), show=_show_three)
def delta1_from_delta3(
    answer: Callable[..., Any], case: tuple[Matrix, Matrix, list[float], list[float], list[float]]
) -> Mismatch | None:
    """delta1_from_delta3(W2, W3, z1, z2, delta3): delta^(1) of a three-layer sigmoid network,
    ((W2^T ((W3^T delta3) * sigma'(z2))) * sigma'(z1)."""
    w2, w3, z1, z2, d3 = case
    z1s = [Value(x) for x in z1]
    a1 = [v.sigmoid() for v in z1s]
    # z2 = W2 a1 + b2 with the bias that makes z2 the given numbers: any z2 is some network's.
    z2s = [dot(row, a1) + (z - dot(row, a1).data) for row, z in zip(w2, z2, strict=True)]
    a2 = [v.sigmoid() for v in z2s]
    z3s = [dot(row, a2) for row in w3]
    dot(d3, z3s).backward()  # a loss whose gradient at z3 is delta3
    return _compare("delta1", answer(*_arrays(w2, w3, z1, z2, d3)), [v.grad for v in z1s])


@st.composite
def _batches(draw: st.DrawFn) -> tuple[Matrix, list[float], Matrix, Matrix]:
    n_in, n_out, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    targets = st.lists(_vector(m, 0.0, 1.0), min_size=n_out, max_size=n_out)
    return draw(_matrix(n_out, n_in)), draw(_vector(n_out)), draw(_matrix(n_in, m)), draw(targets)


def _show_batch(case: tuple[Matrix, list[float], Matrix, Matrix]) -> str:
    w, b, a, y = case
    return f"W = {w!r}, b = {_list(b)}, A = {a!r}, Y = {y!r}"


@exercise("batch_grad_W", _batches(), show=_show_batch)
def batch_grad_w(
    answer: Callable[..., Any], case: tuple[Matrix, list[float], Matrix, Matrix]
) -> Mismatch | None:
    """batch_grad_W(W, b, A, Y): dC/dW for one sigmoid layer, the examples the columns of A and Y, C
    the mean over the m examples of the mean squared error: Delta A^T / m, with
    Delta = (2/n) (sigma(Z) - Y) * sigma'(Z) and Z = W A + b."""
    w, b, a, y = case
    ws = [[Value(x) for x in row] for row in w]
    m = len(a[0])
    columns = [[row[i] for row in a] for i in range(m)]
    targets = [[row[i] for row in y] for i in range(m)]
    outputs = [[(dot(row, x) + bias).sigmoid() for row, bias in zip(ws, b, strict=True)] for x in columns]
    (value_sum(_mse(o, t) for o, t in zip(outputs, targets, strict=True)) / m).backward()
    expected = [[v.grad for v in row] for row in ws]
    obtained = answer(*_arrays(w, b, a, y))
    try:
        rows = [[float(x) for x in row] for row in obtained]
    except (TypeError, ValueError):
        rows = []
    if [len(row) for row in rows] != [len(row) for row in w]:
        return Mismatch(Note("backprop.matrix", rows=len(w), columns=len(w[0])), repr(obtained))
    if all(map(close, chain.from_iterable(rows), chain.from_iterable(expected))):
        return None
    return Mismatch(f"dC/dW = {expected!r}", f"dC/dW = {rows!r}")


_GRADS = st.lists(st.floats(-2e-3, 2e-3) | reals(-1, 1), min_size=1, max_size=5)


@exercise("should_stop", _GRADS, show=lambda grads: say("should_stop.inputs", grads=_list(grads)))
def should_stop(answer: Callable[[list[Value]], Any], grads: list[float]) -> Mismatch | None:
    """should_stop(parameters): True when the largest |p.grad| is below 1e-3."""
    parameters = []
    for i, g in enumerate(grads):
        p = Value(float(i + 1), label=f"p{i}")  # data that is not small, so reading it is wrong
        p.grad = g
        parameters.append(p)
    largest = max(abs(g) for g in grads)
    stop = largest < 1e-3
    obtained = answer(parameters)
    # NumPy's bool (np.max(...) < 1e-3) counts: its type is numpy.bool_, named "bool" since NumPy 2.
    numpy_bool = type(obtained).__module__ == "numpy" and type(obtained).__name__ in ("bool", "bool_")
    if obtained is stop or (numpy_bool and bool(obtained) is stop):
        return None
    return Mismatch(
        Note("should_stop.expected", stop=stop, largest=shown(largest)), f"should_stop = {obtained!r}"
    )
