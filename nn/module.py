"""Module: the base class of everything with parameters, as ``torch.nn.Module``.

A module's parameters are the Values among its attributes, alone or nested in lists, tuples and
dicts, in the order they were assigned; its submodules are the Modules among them, likewise. Names
follow the attributes, with items named by their index or key, so an MLP's parameters are called
``layers.0.neurons.3.w.1`` and ``layers.0.neurons.3.b``, as PyTorch would name them, and a matrix
held as a list of rows ``W`` has parameters ``W.0.0``, ``W.0.1``, ...
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from autograd import Value

from .checks import real


class Module:
    """Parameters, gradients, modes and state dicts for any model built from Values."""

    training: bool = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(): define forward() to say what a call computes"
        )

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module (named ``prefix``) and every module inside it,
        each once, even one shared or referred back to."""
        for path, module in _walk(self)[0]:
            yield _join(prefix, path), module

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """``(dotted name, parameter)`` for every parameter once, even one shared between modules,
        under the name where it is first found."""
        names: set[str] = set()
        for p, (path, key) in _walk(self)[1].items():
            name = _join(path, str(key))
            if name in names:
                raise ValueError(
                    f"{type(self).__name__} has two parameters named {name!r}, which a state dict "
                    f"cannot tell apart: give the dict keys that name them distinct strings"
                )
            names.add(name)
            yield name, p

    def parameters(self) -> list[Value]:
        """Every parameter once, as a list (micrograd's ``model.parameters()``), in the order of
        ``named_parameters()``. It builds no names: micrograd's loop calls it twice a step."""
        return list(_walk(self)[1])

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0: gradients accumulate across ``backward()`` calls."""
        for p in self.parameters():
            p.grad = 0.0

    def train(self, mode: bool = True) -> Module:
        """Put this module and every module inside it in training mode (``eval()`` undoes it)."""
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Put this module and every module inside it in evaluation mode: ``train(False)``."""
        return self.train(False)

    def state_dict(self) -> dict[str, float]:
        """``{name: number}`` for every parameter: plain data that ``json.dumps`` can write."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from ``state``, which must name each of them exactly once.

        Everything is checked before anything is assigned: on a missing key, an unexpected key or a
        value that is not a number, the error lists every offending key and the model is unchanged.
        """
        model = type(self).__name__
        if not isinstance(state, Mapping):
            raise TypeError(
                f"{model}.load_state_dict() takes a dict of parameter names to numbers, "
                f"such as one from state_dict(), got {type(state).__name__}"
            )
        params = dict(self.named_parameters())
        numbers: dict[str, float] = {}
        wrong: list[str] = []
        for name, value in state.items():
            if name in params:
                number = real(value)
                if number is None:
                    wrong.append(f"{name!r} is {type(value).__name__} {value!r:.40}")
                else:
                    numbers[name] = number
        missing = [repr(name) for name in params if name not in state]
        unexpected = [repr(name) for name in state if name not in params]
        if missing or unexpected or wrong:
            problems = [
                f"  {what}: {', '.join(keys)}"
                for what, keys in [
                    ("missing keys (parameters of the model that the dict lacks)", missing),
                    ("unexpected keys (in the dict, not parameters of the model)", unexpected),
                    ("values that are not numbers", wrong),
                ]
                if keys
            ]
            raise ValueError(
                f"{model}.load_state_dict() loaded nothing; the model is unchanged.\n"
                + "\n".join(problems)
                + f"\nA state dict must come from a model built like this one: its keys are "
                f"{model}.state_dict().keys()."
            )
        for name, p in params.items():
            p.data = numbers[name]


def _walk(root: Module) -> tuple[list[tuple[str, Module]], dict[Value, tuple[str, object]]]:
    """The modules inside ``root`` and the Values they hold, each once, in PyTorch's order.

    Modules come in depth-first pre-order, ``root`` first, named by their dotted path. Each maps its
    own Values (those reachable from its attributes through lists, tuples and dicts, in attribute,
    item and key order) to where they were first found: the path of their container and their key
    there. Each module's own Values come before those of its submodules. An object met a second
    time, even through a cycle, is not walked again.

    This is the one walk behind ``parameters()``, ``named_parameters()`` and ``named_modules()``.
    It builds no name for a Value, only for containers and modules, as ``parameters()`` runs every
    training step.
    """
    modules: list[tuple[str, Module]] = []
    values: dict[Value, tuple[str, object]] = {}
    seen: set[int] = set()  # ids of the modules and containers walked so far
    todo: list[tuple[str, Module]] = [("", root)]
    while todo:
        path, module = todo.pop()
        if id(module) in seen:  # shared: walked already, under its first name
            continue
        seen.add(id(module))
        modules.append((path, module))
        submodules: list[tuple[str, Module]] = []
        stack: list[tuple[str, Iterator[tuple[object, object]]]] = [(path, iter(vars(module).items()))]
        while stack:
            base, items = stack[-1]
            for key, item in items:
                if isinstance(item, Value):
                    if item not in values:
                        values[item] = (base, key)
                elif isinstance(item, Module):
                    submodules.append((_join(base, str(key)), item))
                elif isinstance(item, _CONTAINERS) and id(item) not in seen:
                    seen.add(id(item))
                    contents = item.items() if isinstance(item, dict) else enumerate(item)
                    stack.append((_join(base, str(key)), iter(contents)))
                    break  # walk the container first, then come back to the rest of this one
            else:
                stack.pop()
        todo += reversed(submodules)  # so that the first one is walked next
    return modules, values


_CONTAINERS = (list, tuple, dict)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
