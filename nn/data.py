"""Toy two-class data sets in the plane, in pure Python, after scikit-learn's ``make_moons``.

Each returns ``(X, y)``: ``X`` a list of ``[x0, x1]`` points and ``y`` a list of labels 0 and 1, half
of each (the first class gets the smaller half), in shuffled order, with Gaussian noise of standard
deviation ``noise`` added to every coordinate. The same ``seed`` gives the same data; ``seed`` is an
int (a NumPy integer too), a ``random.Random``, or None for Python's global generator.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .checks import whole
from .seeding import RandomSource, Seed, source

Point = tuple[float, float]
Dataset = tuple[list[list[float]], list[int]]


def _make(
    name: str, n_samples: int, noise: float, seed: Seed, point: Callable[[int, int, int, RandomSource], Point]
) -> Dataset:
    """``n_samples`` labelled points: ``point(label, i, n, rng)`` places point ``i`` of the ``n`` of
    class ``label``."""
    n = whole(n_samples)
    if n is None or n < 2:
        raise ValueError(
            f"{name}() needs a whole number n_samples >= 2, one point of each class at least, "
            f"got {n_samples!r}"
        )
    if not noise >= 0:
        raise ValueError(f"{name}() needs noise >= 0 (a standard deviation), got {noise!r}")
    rng = source(seed, name)
    counts = (n // 2, n - n // 2)
    labelled = [(point(label, i, n, rng), label) for label, n in enumerate(counts) for i in range(n)]
    rng.shuffle(labelled)
    X = [[x0 + rng.gauss(0.0, noise), x1 + rng.gauss(0.0, noise)] for (x0, x1), _ in labelled]
    return X, [label for _, label in labelled]


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: Seed = None) -> Dataset:
    """Two interleaving half circles: class 0 the upper one around (0, 0), class 1 the lower one
    around (1, 0.5), as ``sklearn.datasets.make_moons``."""

    def point(label: int, i: int, n: int, rng: RandomSource) -> Point:
        angle = math.pi * i / max(n - 1, 1)
        if label == 0:
            return math.cos(angle), math.sin(angle)
        return 1 - math.cos(angle), 0.5 - math.sin(angle)

    return _make("make_moons", n_samples, noise, seed, point)


def make_circles(n_samples: int = 100, noise: float = 0.1, seed: Seed = None, factor: float = 0.5) -> Dataset:
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor``, as
    ``sklearn.datasets.make_circles``."""
    if not 0 <= factor < 1:
        raise ValueError(f"make_circles() needs 0 <= factor < 1 (the inner radius), got {factor!r}")

    def point(label: int, i: int, n: int, rng: RandomSource) -> Point:
        radius = factor if label else 1.0
        angle = 2 * math.pi * i / n
        return radius * math.cos(angle), radius * math.sin(angle)

    return _make("make_circles", n_samples, noise, seed, point)


def make_xor(n_samples: int = 100, noise: float = 0.1, seed: Seed = None) -> Dataset:
    """Points uniform in the square [-1, 1]^2, labelled by XOR of the signs of their coordinates:
    class 0 in the first and third quadrants, class 1 in the second and fourth."""

    def point(label: int, i: int, n: int, rng: RandomSource) -> Point:
        x0 = rng.uniform(-1, 1)
        return x0, math.copysign(rng.uniform(0, 1), -x0 if label else x0)

    return _make("make_xor", n_samples, noise, seed, point)


def make_spirals(n_samples: int = 100, noise: float = 0.1, seed: Seed = None, turns: float = 1.0) -> Dataset:
    """Two interleaved spirals of ``turns`` turns each, from the centre to radius 1, the second the
    first turned by half a circle."""

    def point(label: int, i: int, n: int, rng: RandomSource) -> Point:
        radius = (i + 1) / n
        angle = 2 * math.pi * turns * radius + math.pi * label
        return radius * math.cos(angle), radius * math.sin(angle)

    return _make("make_spirals", n_samples, noise, seed, point)
