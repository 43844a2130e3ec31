"""Grad modes as decorators of generators, coroutines and async generators.

The mode is on while the decorated code runs and only then: for each step of a generator or a
coroutine, and never for the code that drives it between two steps. Each mode is observed through
ops alone: whether a product records its parents, and whether ``log(-1)`` raises.
"""

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pytest

from autograd import Value, detect_anomaly, enable_grad, no_grad

Observed = tuple[bool, bool]
DEFAULT = (True, False)


def mode_now() -> Observed:
    """(whether ops record their parents, whether an op that makes a nan raises), seen from outside."""
    x = Value(-1.0)
    try:
        y = x.log()
    except FloatingPointError:
        return (x * x).parents == (x, x), True
    return y.parents == (x,), False


# (the decorator, the mode its driver runs in, the mode the decorated code must run in)
SWITCHES = [
    pytest.param(no_grad, nullcontext, (False, False), id="no_grad"),
    pytest.param(enable_grad, no_grad, (True, False), id="enable_grad inside no_grad"),
    pytest.param(detect_anomaly, nullcontext, (True, True), id="detect_anomaly"),
]
Switch = Callable[[], Any]
Driver = Callable[[], AbstractContextManager[Any]]


def test_the_observer_tells_every_mode_apart() -> None:
    assert mode_now() == DEFAULT
    with no_grad():
        assert mode_now() == (False, False)
        with enable_grad():
            assert mode_now() == (True, False)
    with detect_anomaly():
        assert mode_now() == (True, True)


@pytest.mark.parametrize(("switch", "driver", "inside"), SWITCHES)
def test_a_decorated_function_runs_in_the_mode(switch: Switch, driver: Driver, inside: Observed) -> None:
    @switch()
    def f() -> Observed:
        return mode_now()

    with driver():
        outside = mode_now()
        assert (f(), mode_now()) == (inside, outside)


@pytest.mark.parametrize(("switch", "driver", "inside"), SWITCHES)
def test_a_decorated_generator_runs_each_step_in_the_mode_and_its_driver_in_its_own(
    switch: Switch, driver: Driver, inside: Observed
) -> None:
    @switch()
    def steps() -> Iterator[Any]:
        sent = yield mode_now()
        yield mode_now(), sent
        return "done"

    with driver():
        outside = mode_now()
        generator = steps()
        first = next(generator)
        between = mode_now()  # the consumer's own code between two steps
        second = generator.send("sent")
        with pytest.raises(StopIteration) as stop:
            next(generator)
        assert (first, second, stop.value.value) == (inside, (inside, "sent"), "done")
        assert between == outside == mode_now()


@pytest.mark.parametrize(("switch", "driver", "inside"), SWITCHES)
def test_a_thrown_exception_and_close_reach_the_generator_in_the_mode(
    switch: Switch, driver: Driver, inside: Observed
) -> None:
    seen: list[tuple[str, Observed]] = []

    @switch()
    def guarded() -> Iterator[int]:
        try:
            yield 1
        except KeyError:
            seen.append(("caught", mode_now()))
            yield 2
        finally:
            seen.append(("finally", mode_now()))

    with driver():
        outside = mode_now()
        generator = guarded()
        assert next(generator) == 1
        assert generator.throw(KeyError("k")) == 2
        generator.close()
        assert mode_now() == outside
    assert seen == [("caught", inside), ("finally", inside)]

    unhandled = guarded()
    next(unhandled)
    with pytest.raises(ValueError, match="passed on"):
        unhandled.throw(ValueError("passed on"))


@pytest.mark.parametrize(("switch", "driver", "inside"), SWITCHES)
def test_a_decorated_coroutine_runs_in_the_mode_and_not_between_its_steps(
    switch: Switch, driver: Driver, inside: Observed
) -> None:
    @switch()
    async def waits(seconds: float) -> tuple[Observed, Observed]:
        before = mode_now()
        await asyncio.sleep(seconds)
        return before, mode_now()

    with driver():
        outside = mode_now()
        coroutine = waits(0)
        coroutine.send(None)  # runs up to the sleep, which suspends it once
        between = mode_now()
        with pytest.raises(StopIteration) as stop:
            coroutine.send(None)
        assert stop.value.value == (inside, inside) and between == outside == mode_now()
        assert asyncio.run(waits(0.001)) == (inside, inside)


@pytest.mark.parametrize(("switch", "driver", "inside"), SWITCHES)
def test_a_decorated_async_generator_runs_each_step_in_the_mode(
    switch: Switch, driver: Driver, inside: Observed
) -> None:
    @switch()
    async def ticks() -> AsyncIterator[Observed]:
        for _ in range(2):
            await asyncio.sleep(0)
            yield mode_now()

    async def consume() -> list[Observed]:
        seen = []
        async for observed in ticks():
            seen += [observed, mode_now()]  # the consumer's code between steps
        return seen

    with driver():
        outside = mode_now()
        assert asyncio.run(consume()) == [inside, outside, inside, outside]


def test_decorated_functions_keep_their_kind_name_and_binding() -> None:
    class Model:
        @no_grad()
        def rows(self) -> Iterator[Value]:
            yield Value(2.0) * self.scale()

        @no_grad()
        async def later(self) -> Value:
            return Value(2.0) * self.scale()

        @no_grad()
        async def stream(self) -> AsyncIterator[Value]:
            yield Value(2.0) * self.scale()

        def scale(self) -> Value:
            return Value(3.0)

    model = Model()
    assert inspect.isgeneratorfunction(Model.rows) and Model.rows.__name__ == "rows"
    assert inspect.iscoroutinefunction(Model.later) and Model.later.__name__ == "later"
    assert inspect.isasyncgenfunction(Model.stream) and Model.stream.__name__ == "stream"
    assert [v.parents for v in model.rows()] == [()]
    assert asyncio.run(model.later()).parents == ()

    async def first() -> Value:
        return await anext(aiter(model.stream()))

    assert asyncio.run(first()).parents == ()
