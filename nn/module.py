"""Module: the base class of everything with parameters, as ``torch.nn.Module``.

A module's parameters are the Values among its attributes, alone or in a list, in the order they
were assigned; its submodules are the Modules among them, alone or in a list. Names follow the
attributes, with list items named by their index, so an MLP's parameters are called
``layers.0.neurons.3.w.1`` and ``layers.0.neurons.3.b``, as PyTorch would name them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from autograd import Value


class Module:
    """Parameters, gradients, modes and state dicts for any model built from Values."""

    training: bool = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(): define forward() to say what a call computes"
        )

    def _members(self) -> list[tuple[str, Value | Module]]:
        """The Values and Modules among the attributes, by name, list items as ``name.index``."""
        members: list[tuple[str, Value | Module]] = []
        for name, attr in vars(self).items():
            if isinstance(attr, _MEMBER):
                members.append((name, attr))
            elif isinstance(attr, list | tuple):
                members += [(f"{name}.{i}", item) for i, item in enumerate(attr) if isinstance(item, _MEMBER)]
        return members

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module (named ``prefix``) and every module inside it."""
        yield prefix, self
        for name, member in self._members():
            if isinstance(member, Module):
                yield from member.named_modules(_join(prefix, name))

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """``(dotted name, parameter)`` for every parameter once, even one shared between modules."""
        seen: set[Value] = set()
        for prefix, module in self.named_modules():
            for name, member in module._members():
                if isinstance(member, Value) and member not in seen:
                    seen.add(member)
                    yield _join(prefix, name), member

    def parameters(self) -> list[Value]:
        """Every parameter once, as a list (micrograd's ``model.parameters()``), in the order of
        ``named_parameters()``. A plain walk with no generators: micrograd's loop calls it twice a step."""
        found: dict[Value, None] = {}
        self._gather(found)
        return list(found)

    def _gather(self, found: dict[Value, None]) -> None:
        """Add this module's own parameters to ``found``, then those of its submodules."""
        submodules = []
        for _, member in self._members():
            if isinstance(member, Module):
                submodules.append(member)
            else:
                found[member] = None
        for module in submodules:
            module._gather(found)

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
                number = _as_float(value)
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


_MEMBER = (Value, Module)  # what _members() collects: a tuple, which isinstance checks fastest


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _as_float(value: object) -> float | None:
    """``value`` as a float if it is a real number that a float can hold (a bool is not), else None."""
    if isinstance(value, bool):
        return None
    try:
        Value(value)  # type: ignore[arg-type]  # TypeError for anything that is not a real number
        return float(value)  # type: ignore[arg-type]  # OverflowError for an int beyond a float
    except (TypeError, OverflowError):
        return None
