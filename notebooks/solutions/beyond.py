"""Reference solutions to the exercises of notebook 06, beyond first derivatives.

``SOLUTIONS`` maps each exercise's name to its answer, as the notebook passes it to ``check``.
"""

import math

import numpy as np

from autograd import Value, grad


# 1. Forward mode: each number carries its tangent along. Seeding both inputs with 1 gives the
#    derivative along the direction (1, 1): the sum of the two partials, autograd.jvp's J v.
class Dual:
    def __init__(self, data, tangent=0.0):
        self.data, self.tangent = data, tangent

    @staticmethod
    def lift(other):
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.data + other.data, self.tangent + other.tangent)

    __radd__ = __add__

    def __mul__(self, other):
        other = Dual.lift(other)
        return Dual(self.data * other.data, self.tangent * other.data + self.data * other.tangent)

    __rmul__ = __mul__

    def sin(self):
        return Dual(math.sin(self.data), math.cos(self.data) * self.tangent)


# 2. g . v is one number; its gradient is H v. Two reverse passes, whatever n (autograd.hvp makes
#    one forward pass with duals of Values and one reverse pass instead).
def hvp(f, point, v):
    xs = [Value(p) for p in point]
    g = grad(f(*xs), xs, create_graph=True)
    return list(grad(sum(gi * vi for gi, vi in zip(g, v)), xs))


# 3. Newton's direction, halved until f decreases.
def damped_newton_step(f, point):
    xs = [Value(p) for p in point]
    first = grad(f(*xs), xs, create_graph=True)
    g = [d.data for d in first]
    (a, b), (c, d) = [list(grad(gi, xs)) for gi in first]
    det = a * d - b * c
    step = [(d * g[0] - b * g[1]) / det, (a * g[1] - c * g[0]) / det]
    t = 1.0
    for _ in range(21):
        candidate = [point[0] - t * step[0], point[1] - t * step[1]]
        if f(*candidate) < f(*point):
            return candidate
        t /= 2
    return list(point)


# 4. With zero biases a ReLU network is homogeneous: scaling every weight by c scales the output by
#    c per layer, and d out / d W(1) by c once per layer above the first, c ** hidden_layers.
#    Weights too large explode the gradient geometrically with depth; too small, it vanishes.
def relu_gradient_factor(hidden_layers, c):
    return c**hidden_layers


# 5. Z = A W^T + b: the transposes of notebook 03 on the other side, and db sums over examples.
def linear_backward(A, W, dZ):
    return dZ @ W, dZ.T @ A, dZ.sum(axis=0)


SOLUTIONS = {
    "dual": Dual,
    "hvp": hvp,
    "damped_newton_step": damped_newton_step,
    "relu_gradient_factor": relu_gradient_factor,
    "linear_backward": linear_backward,
}
