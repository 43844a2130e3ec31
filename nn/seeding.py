"""Where a model's or a data set's random numbers come from: a seed, a ``random.Random``, or Python's
global generator.

The global generator is the default so that micrograd's habit carries over: after
``random.seed(1337)``, ``MLP(2, [16, 16, 1])`` draws exactly the weights micrograd's MLP would.
"""

from __future__ import annotations

import random
from collections.abc import MutableSequence
from typing import Any, Protocol, runtime_checkable

from .checks import whole


@runtime_checkable
class RandomSource(Protocol):
    """What nn draws from: a ``random.Random``, or the ``random`` module itself."""

    def uniform(self, a: float, b: float) -> float: ...

    def gauss(self, mu: float, sigma: float) -> float: ...

    def shuffle(self, x: MutableSequence[Any]) -> None: ...


Seed = int | RandomSource | None


def source(seed: Seed, owner: str) -> RandomSource:
    """A fresh ``random.Random(seed)`` for an int (a NumPy integer too), the generator itself if given
    one, and Python's global generator for None. Pass the result on to share one stream between
    several draws. ``owner`` names the function that took the seed, for the error on anything else."""
    if seed is None:
        return random
    number = whole(seed)
    if number is not None:
        return random.Random(number)
    if isinstance(seed, RandomSource):
        return seed
    raise TypeError(
        f"{owner}(seed={seed!r:.40}) takes an int, a random.Random or None (Python's global "
        f"generator) as its seed, got {type(seed).__name__}"
    )
