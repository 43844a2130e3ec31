"""SGD and Adam, step for step as ``torch.optim``'s (one parameter group; ``lr`` may be changed
between steps for a schedule).

Every setting is checked when it is given, as ``torch.optim`` checks them, and also refused when not
finite (a nan setting would turn every parameter into nan at the first step). Settings are kept
as Python floats whatever their type, so that parameters stay Python floats too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value

from .checks import real


class Optimizer:
    """Holds the parameters to update: ``step()`` moves them along ``-grad``, ``zero_grad()`` resets."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        name = type(self).__name__
        if not isinstance(params, Iterable):
            raise TypeError(
                f"{name} takes the parameters to update, such as model.parameters(), "
                f"got {type(params).__name__}"
            )
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{name} got an empty parameter list: pass model.parameters()")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"{name} updates Values, got {type(p).__name__} among the parameters")
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate, which a schedule may set between steps (checked like the others)."""
        return self._lr

    @lr.setter
    def lr(self, lr: float) -> None:
        self._lr = _non_negative(type(self).__name__, "lr", lr)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0, before the next ``backward()``."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} has no step(): define how it updates parameters")


def _real(owner: str, name: str, value: object) -> float:
    """The setting ``name`` of optimizer ``owner`` as a Python float, if it is a real number."""
    number = real(value)
    if number is None:
        raise TypeError(f"{owner}({name}={value!r:.40}) needs a real number, got {type(value).__name__}")
    return number


def _finite(owner: str, name: str, value: object) -> float:
    number = _real(owner, name, value)
    if not math.isfinite(number):
        raise ValueError(f"{owner}({name}={value!r}) needs a finite {name}")
    return number


def _non_negative(owner: str, name: str, value: object) -> float:
    number = _real(owner, name, value)
    if not 0 <= number < math.inf:
        raise ValueError(f"{owner}({name}={value!r}) needs a finite {name} >= 0")
    return number


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``. For each parameter p with gradient g::

    g = g + weight_decay * p
    buf = g on the first step, else momentum * buf + (1 - dampening) * g   (if momentum)
    g = g + momentum * buf if nesterov else buf                             (if momentum)
    p = p - lr * g
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _non_negative("SGD", "momentum", momentum)
        self.dampening = _finite("SGD", "dampening", dampening)
        self.weight_decay = _non_negative("SGD", "weight_decay", weight_decay)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("SGD(nesterov=True) needs momentum > 0 and dampening = 0, as in PyTorch")
        self.buffers: list[float] | None = None

    def step(self) -> None:
        lr, momentum, decay = self.lr, self.momentum, self.weight_decay
        grads = [p.grad + decay * p.data for p in self.params] if decay else [p.grad for p in self.params]
        if momentum:
            if self.buffers is None:
                self.buffers = grads
            else:
                keep = 1 - self.dampening
                self.buffers = [momentum * b + keep * g for b, g in zip(self.buffers, grads)]
            buffers = self.buffers
            grads = [g + momentum * b for g, b in zip(grads, buffers)] if self.nesterov else buffers
        for p, g in zip(self.params, grads):
            p.data -= lr * g


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``. At step t, for each parameter p with gradient g::

    g = g + weight_decay * p
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g^2
    p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, Iterable):
            raise TypeError(f"Adam(betas={betas!r:.40}) takes a pair (beta1, beta2), such as (0.9, 0.999)")
        pair = tuple(_real("Adam", f"betas[{i}]", beta) for i, beta in enumerate(betas))
        if len(pair) != 2:
            raise ValueError(f"Adam(betas={betas!r:.40}) takes a pair (beta1, beta2), such as (0.9, 0.999)")
        for i, beta in enumerate(pair):
            if not 0 <= beta < 1:
                raise ValueError(f"Adam(betas={betas!r}) needs 0 <= betas[{i}] < 1, got {beta!r}")
        self.betas = pair
        self.eps = _non_negative("Adam", "eps", eps)
        self.weight_decay = _non_negative("Adam", "weight_decay", weight_decay)
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        (beta1, beta2), eps, decay = self.betas, self.eps, self.weight_decay
        self.t += 1
        step_size = self.lr / (1 - beta1**self.t)
        root_correction = math.sqrt(1 - beta2**self.t)
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad + decay * p.data if decay else p.grad
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            p.data -= step_size * m[i] / (math.sqrt(v[i]) / root_correction + eps)
