"""The toy data sets: shapes, balance, determinism, and the geometry each one promises."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import pytest

from nn.data import Dataset, make_circles, make_moons, make_spirals, make_xor

MAKERS: list[Callable[..., Dataset]] = [make_moons, make_circles, make_xor, make_spirals]


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("n", [2, 7, 100])
def test_points_are_pairs_of_floats_with_labels_0_and_1_half_each(
    make: Callable[..., Dataset], n: int
) -> None:
    X, y = make(n_samples=n, seed=0)
    assert len(X) == len(y) == n
    assert all(len(x) == 2 and all(isinstance(c, float) for c in x) for x in X)
    assert sorted(y) == [0] * (n // 2) + [1] * (n - n // 2)


@pytest.mark.parametrize("make", MAKERS)
def test_a_seed_gives_the_same_data_and_another_seed_other_data(make: Callable[..., Dataset]) -> None:
    assert make(seed=3) == make(seed=3)
    assert make(seed=3) != make(seed=4)
    random.seed(5)
    first = make()
    random.seed(5)
    assert make() == first


@pytest.mark.parametrize("make", MAKERS)
def test_the_points_are_shuffled(make: Callable[..., Dataset]) -> None:
    _, y = make(seed=0)
    assert y != sorted(y)


def test_noiseless_moons_lie_on_their_half_circles() -> None:
    X, y = make_moons(n_samples=50, noise=0.0, seed=0)
    for (a, b), label in zip(X, y):
        centre = (1.0, 0.5) if label else (0.0, 0.0)
        assert math.dist((a, b), centre) == pytest.approx(1.0)
        assert (b <= 0.5 + 1e-12) if label else (b >= -1e-12)


def test_noiseless_circles_have_radius_1_and_factor() -> None:
    X, y = make_circles(n_samples=40, noise=0.0, factor=0.3, seed=0)
    assert all(math.hypot(*x) == pytest.approx(0.3 if label else 1.0) for x, label in zip(X, y))


def test_noiseless_xor_labels_points_by_the_signs_of_their_coordinates() -> None:
    X, y = make_xor(n_samples=60, noise=0.0, seed=0)
    assert all((a * b < 0) == bool(label) for (a, b), label in zip(X, y))


def test_noiseless_spirals_stay_in_the_unit_disc() -> None:
    X, _ = make_spirals(n_samples=60, noise=0.0, seed=0)
    assert all(0 < math.hypot(*x) <= 1 + 1e-12 for x in X)


def test_noise_has_the_given_spread() -> None:
    X, _ = make_circles(n_samples=2000, noise=0.2, factor=0.0, seed=0)
    inner = [x for x in X if math.hypot(*x) < 0.6]
    spread = math.sqrt(sum(a * a + b * b for a, b in inner) / (2 * len(inner)))
    assert spread == pytest.approx(0.2, rel=0.1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_moons(n_samples=1), "n_samples >= 2"),
        (lambda: make_moons(n_samples=10.0), "n_samples >= 2"),
        (lambda: make_moons(noise=-0.1), "noise >= 0"),
        (lambda: make_circles(factor=1.5), "0 <= factor < 1"),
    ],
)
def test_bad_arguments_are_explained(call: Callable[[], Dataset], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("make", MAKERS)
def test_numpy_integers_serve_as_sizes_and_seeds(make: Callable[..., Dataset]) -> None:
    np = pytest.importorskip("numpy")
    assert make(n_samples=np.int64(10), seed=np.int64(3)) == make(n_samples=10, seed=3)


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("seed", ["x", 1.5, object()])
def test_a_seed_that_is_not_an_int_or_a_generator_is_named(
    make: Callable[..., Dataset], seed: object
) -> None:
    with pytest.raises(TypeError, match=rf"{make.__name__}\(seed=.*\) takes an int, a random.Random or None"):
        make(seed=seed)
