"""The exercises of notebook 06, beyond first derivatives.

The references are the engine's own: its forward mode (``autograd.forward.Dual``) for the dual
numbers, ``autograd.hvp`` (forward over reverse) for the learner's Hessian-vector product (reverse
over reverse), the Hessian by ``grad(..., create_graph=True)`` twice for Newton's step, and
gradients through a small ReLU network for the exploding gradients.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

from ..engine import Value, dot, grad
from ..engine import sum as value_sum
from ..forward import Dual
from ..functional import hvp as engine_hvp
from ..testing import reals
from .core import Mismatch, Note, close, exercise, shown
from .text import add_texts

add_texts(
    {
        "en": {
            "beyond.dual": "{source} = {data}, d/d{name} = {tangent}",
            "beyond.dual_obtained": "data {data}, tangent {tangent}",
            "beyond.point": "new point {point}",
            "beyond.factor": "factor {factor}",
            "beyond.matrix": "an array of shape {shape}",
            "beyond.shape": "shape {shape}",
        },
        "zh": {
            "beyond.dual": "{source} = {data}，d/d{name} = {tangent}",
            "beyond.dual_obtained": "数值（.data）{data}，切向量（.tangent）{tangent}",
            "beyond.point": "新的点 {point}",
            "beyond.factor": "倍数 {factor}",
            "beyond.matrix": "形状为 {shape} 的数组",
            "beyond.shape": "形状 {shape}",
        },
    }
)


def _list(xs: Sequence[float]) -> str:
    return f"[{', '.join(map(shown, xs))}]"


# Expressions of +, * and sin, with numbers on either side, as source and as a function of two inputs.
DUAL_EXPRESSIONS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("x * y + sin(x)", lambda x, y: x * y + x.sin()),
    ("2 * sin(x * x + 3 * y) + y", lambda x, y: 2 * (x * x + 3 * y).sin() + y),
    ("1 + x * sin(y * y)", lambda x, y: 1 + x * (y * y).sin()),
    ("sin(x + 1) * y * 3", lambda x, y: (x + 1).sin() * y * 3),
]


@exercise("dual", st.tuples(reals(-3, 3), reals(-3, 3)), show=lambda c: f"x = {c[0]!r}, y = {c[1]!r}")
def dual(answer: Any, case: tuple[float, float]) -> Mismatch | None:
    """Dual(data, tangent) with +, * (numbers on either side) and .sin(): f of duals seeded with
    tangent 1 on one input and 0 on the other gives f and its partial derivative there, as the
    engine's own ``autograd.forward.Dual`` does."""
    for source, f in DUAL_EXPRESSIONS:
        for i, name in enumerate("xy"):
            seeds = [1.0 if j == i else 0.0 for j in range(len(case))]
            out = f(*map(Dual, case, seeds))
            result = f(*map(answer, case, seeds))
            if not (close(result.data, out.data) and close(result.tangent, out.tangent)):
                return Mismatch(
                    Note(
                        "beyond.dual",
                        source=source,
                        data=shown(out.data),
                        name=name,
                        tangent=shown(out.tangent),
                    ),
                    Note("beyond.dual_obtained", data=repr(result.data), tangent=repr(result.tangent)),
                )
    return None


def _rosenbrock(x: Any, y: Any) -> Any:
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _three(x: Any, y: Any, z: Any) -> Any:
    return x * y * z + (x * z).sin() + y**2


_HVP_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "rosenbrock(x, y)": _rosenbrock,
    "x*y*z + sin(x*z) + y**2": _three,
}


def _hessian(f: Callable[..., Any], point: Sequence[float]) -> list[list[float]]:
    xs = [Value(v) for v in point]
    return [list(grad(g, xs)) for g in grad(f(*xs), xs, create_graph=True)]


@st.composite
def _hvp_cases(draw: st.DrawFn) -> tuple[str, list[float], list[float]]:
    name = draw(st.sampled_from(sorted(_HVP_FUNCTIONS)))
    n = _HVP_FUNCTIONS[name].__code__.co_argcount
    vector = st.lists(reals(-2, 2), min_size=n, max_size=n)
    return name, draw(vector), draw(vector)


@exercise("hvp", _hvp_cases(), show=lambda c: f"f = {c[0]}, point = {_list(c[1])}, v = {_list(c[2])}")
def hvp(answer: Callable[..., Any], case: tuple[str, list[float], list[float]]) -> Mismatch | None:
    """hvp(f, point, v): the Hessian of f at point times v, as a list, by differentiating the one
    number (grad f) . v; the reference is the engine's ``autograd.hvp``, forward over reverse."""
    name, point, v = case
    _, expected = engine_hvp(_HVP_FUNCTIONS[name], list(point), list(v))
    obtained = answer(_HVP_FUNCTIONS[name], list(point), list(v))
    values = [float(x) for x in obtained]
    if len(values) == len(expected) and all(
        close(a, b, rel=1e-9, abs_=1e-9) for a, b in zip(values, expected)
    ):
        return None
    return Mismatch(f"Hv = {_list(expected)}", f"Hv = {_list(values)}")


def _damped_newton(point: Sequence[float]) -> list[float]:
    xs = [Value(v) for v in point]
    g = [d.data for d in grad(_rosenbrock(*xs), xs, create_graph=True)]
    (a, b), (c, d) = _hessian(_rosenbrock, point)
    det = a * d - b * c
    step = [(d * g[0] - b * g[1]) / det, (a * g[1] - c * g[0]) / det]
    start, t = _rosenbrock(*point), 1.0
    for _ in range(21):
        candidate = [point[0] - t * step[0], point[1] - t * step[1]]
        if _rosenbrock(*candidate) < start:
            return candidate
        t /= 2
    return list(point)


_POINTS = st.tuples(reals(-2, 2), reals(-2, 2)).filter(
    lambda p: abs(1200 * p[0] ** 2 - 400 * p[1] + 2) > 1e-3  # det H = 200 (1200x^2 - 400y + 2) - ... != 0
)


@exercise("damped_newton_step", _POINTS, show=lambda p: f"point = ({p[0]!r}, {p[1]!r})")
def damped_newton_step(answer: Callable[..., Any], point: tuple[float, float]) -> Mismatch | None:
    """damped_newton_step(f, point): p - t H^-1 grad f for Rosenbrock's f, t the first of 1, 1/2,
    1/4, ... (at most 20 halvings) for which f decreases; the point itself if none does."""
    expected = _damped_newton(point)
    obtained = [float(x) for x in answer(_rosenbrock, tuple(point))]
    if len(obtained) == 2 and all(close(a, b, rel=1e-9, abs_=1e-12) for a, b in zip(obtained, expected)):
        return None
    return Mismatch(Note("beyond.point", point=_list(expected)), Note("beyond.point", point=_list(obtained)))


def _first_layer_gradient(weights: list[list[list[float]]], scale: float) -> float:
    """|d out / d W(1)| of a ReLU network without biases, every weight multiplied by ``scale``."""
    layers = [[[Value(w * scale) for w in row] for row in layer] for layer in weights]
    a: list[Any] = [0.5, -0.3]
    for k, layer in enumerate(layers):
        z = [dot(row, a) for row in layer]
        a = z if k == len(layers) - 1 else [v.relu() for v in z]
    first = [w for row in layers[0] for w in row]
    return math.hypot(*grad(a[0], first))


@exercise(
    "relu_gradient_factor",
    st.tuples(st.integers(1, 4), reals(0.5, 3), st.integers(0, 1000)),
    show=lambda c: f"hidden layers = {c[0]}, c = {c[1]!r} (network seed {c[2]})",
)
def relu_gradient_factor(answer: Callable[..., Any], case: tuple[int, float, int]) -> Mismatch | None:
    """relu_gradient_factor(hidden_layers, c): how many times larger |d out / d W(1)| gets when every
    weight of a ReLU network with zero biases is multiplied by c: c ** hidden_layers."""
    depth, c, seed = case
    rng = random.Random(seed)
    widths = [2] + [3] * depth + [1]
    weights = [
        [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)]
        for n_in, n_out in itertools.pairwise(widths)
    ]
    before = _first_layer_gradient(weights, 1.0)
    if before == 0:  # every path through a ReLU that is off: no ratio to measure
        return None
    expected = _first_layer_gradient(weights, c) / before
    obtained = answer(depth, c)
    return (
        None
        if close(obtained, expected, rel=1e-7)
        else Mismatch(
            Note("beyond.factor", factor=shown(expected)), Note("beyond.factor", factor=repr(obtained))
        )
    )


@st.composite
def _linear_cases(draw: st.DrawFn) -> tuple[list[list[float]], list[list[float]], list[list[float]]]:
    m, n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))

    def matrix(rows: int, columns: int) -> list[list[float]]:
        return draw(
            st.lists(st.lists(reals(-2, 2), min_size=columns, max_size=columns), min_size=rows, max_size=rows)
        )

    return matrix(m, n_in), matrix(n_out, n_in), matrix(m, n_out)


@exercise("linear_backward", _linear_cases(), show=lambda c: f"A = {c[0]!r}, W = {c[1]!r}, dZ = {c[2]!r}")
def linear_backward(answer: Callable[..., Any], case: tuple[list[list[float]], ...]) -> Mismatch | None:
    """linear_backward(A, W, dZ) -> (dA, dW, db) for Z = A W^T + b, the examples the rows of A, dZ
    the gradient of the loss at Z: dA = dZ W, dW = dZ^T A, db = dZ summed over the examples."""
    import numpy as np

    a, w, dz = case
    av = [[Value(x) for x in row] for row in a]
    wv = [[Value(x) for x in row] for row in w]
    bv = [Value(0.0) for _ in w]
    z = [[dot(wrow, arow) + b for wrow, b in zip(wv, bv, strict=True)] for arow in av]
    value_sum(
        g * zij for zrow, grow in zip(z, dz, strict=True) for zij, g in zip(zrow, grow, strict=True)
    ).backward()
    expected: dict[str, Any] = {
        "dA": [[v.grad for v in row] for row in av],
        "dW": [[v.grad for v in row] for row in wv],
        "db": [v.grad for v in bv],
    }
    obtained = answer(*(np.array(x, dtype=float) for x in case))
    for (name, wanted), got in zip(expected.items(), obtained, strict=True):
        array = np.asarray(got, dtype=float)
        if array.shape != np.shape(wanted):
            return Mismatch(
                f"{name}: " + str(Note("beyond.matrix", shape=np.shape(wanted))),
                f"{name}: " + str(Note("beyond.shape", shape=array.shape)),
            )
        if not np.allclose(array, wanted, rtol=1e-9, atol=1e-12):
            return Mismatch(
                f"{name} = {np.round(wanted, 6).tolist()}", f"{name} = {np.round(array, 6).tolist()}"
            )
    return None
