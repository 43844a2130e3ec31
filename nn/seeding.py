"""Where a model's or a data set's random numbers come from: a seed, a ``random.Random``, or Python's
global generator.

The global generator is the default so that micrograd's habit carries over: after
``random.seed(1337)``, ``MLP(2, [16, 16, 1])`` draws exactly the weights micrograd's MLP would.
"""

from __future__ import annotations

import random
from collections.abc import MutableSequence
from typing import Any, Protocol


class RandomSource(Protocol):
    """What nn draws from: a ``random.Random``, or the ``random`` module itself."""

    def uniform(self, a: float, b: float) -> float: ...

    def gauss(self, mu: float, sigma: float) -> float: ...

    def shuffle(self, x: MutableSequence[Any]) -> None: ...


Seed = int | RandomSource | None


def source(seed: Seed) -> RandomSource:
    """A fresh ``random.Random(seed)`` for an int, the generator itself if given one, and Python's
    global generator for None. Pass the result on to share one stream between several draws."""
    if seed is None:
        return random
    if isinstance(seed, int):
        return random.Random(seed)
    return seed
