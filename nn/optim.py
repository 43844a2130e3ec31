"""SGD and Adam, step for step as ``torch.optim``'s (one parameter group; ``lr`` may be changed
between steps for a schedule)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value


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
        _non_negative(name, lr=lr)
        self.lr = lr

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0, before the next ``backward()``."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} has no step(): define how it updates parameters")


def _non_negative(name: str, **settings: float) -> None:
    for setting, value in settings.items():
        if not value >= 0:
            raise ValueError(f"{name} needs {setting} >= 0, got {value!r}")


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
        _non_negative("SGD", momentum=momentum, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD(nesterov=True) needs momentum > 0 and dampening = 0, as in PyTorch")
        self.momentum = momentum
        self.dampening = dampening
        self.weight_decay = weight_decay
        self.nesterov = nesterov
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
        _non_negative("Adam", eps=eps, weight_decay=weight_decay)
        for i, beta in enumerate(betas):
            if not 0 <= beta < 1:
                raise ValueError(f"Adam needs 0 <= betas[{i}] < 1, got {beta!r}")
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
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
