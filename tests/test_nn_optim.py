"""nn's SGD and Adam against their update rules in closed form, and step for step against
torch.optim where torch is installed."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value
from nn import MLP, SGD, Adam
from nn.optim import Optimizer

numbers = st.floats(-10, 10, allow_nan=False)


@st.composite
def trajectories(draw: st.DrawFn) -> tuple[list[float], list[list[float]]]:
    """Starting parameters, and the gradient they get at each step."""
    n = draw(st.integers(1, 3))
    start = draw(st.lists(numbers, min_size=n, max_size=n))
    grads = draw(st.lists(st.lists(numbers, min_size=n, max_size=n), min_size=1, max_size=6))
    return start, grads


def run_ours(
    optimizer: type[Optimizer], start: list[float], grads: list[list[float]], **kw: Any
) -> list[list[float]]:
    params = [Value(x) for x in start]
    opt = optimizer(params, **kw)
    history = []
    for g in grads:
        opt.zero_grad()
        for p, gi in zip(params, g):
            p.grad += gi
        opt.step()
        history.append([p.data for p in params])
    return history


def run_torch(name: str, start: list[float], grads: list[list[float]], **kw: Any) -> list[list[float]]:
    torch = pytest.importorskip("torch")
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([p], **kw)
    history = []
    for g in grads:
        opt.zero_grad()
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        history.append(p.tolist())
    return history


def assert_same(ours: list[list[float]], theirs: list[list[float]]) -> None:
    for step, (a, b) in enumerate(zip(ours, theirs)):
        assert all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9) for x, y in zip(a, b)), (step, a, b)


# Closed forms


def test_sgd_steps_against_the_gradient_by_lr() -> None:
    assert run_ours(SGD, [1.0, -2.0], [[0.5, -4.0]], lr=0.1) == [[0.95, -1.6]]


def test_sgd_momentum_starts_from_the_first_gradient_then_averages() -> None:
    m, d, lr = 0.9, 0.25, 0.1
    (first,), (second,) = run_ours(SGD, [0.0], [[1.0], [2.0]], lr=lr, momentum=m, dampening=d)
    assert first == -lr * 1.0
    assert second == pytest.approx(first - lr * (m * 1.0 + (1 - d) * 2.0))


def test_sgd_uses_the_lr_set_between_steps() -> None:
    p = Value(0.0)
    opt = SGD([p], lr=1.0)
    for lr in [1.0, 0.5]:
        opt.lr = lr
        p.grad = 1.0
        opt.step()
    assert p.data == -1.5


def test_adams_first_step_moves_each_parameter_by_lr_against_the_sign_of_its_gradient() -> None:
    lr, eps = 0.01, 1e-8
    (after,) = run_ours(Adam, [1.0, 1.0], [[3.0, -0.5]], lr=lr, eps=eps)
    assert after == pytest.approx([1.0 - lr * 3.0 / (3.0 + eps), 1.0 + lr * 0.5 / (0.5 + eps)], abs=1e-15)


def test_zero_grad_resets_every_parameter() -> None:
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    opt = SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# Against torch.optim, step for step


@given(
    trajectories(),
    st.floats(0, 1),
    st.floats(0, 0.99),
    st.floats(0, 1),
    st.floats(0, 0.1),
    st.booleans(),
)
def test_sgd_matches_torch(
    run: tuple[list[float], list[list[float]]],
    lr: float,
    momentum: float,
    dampening: float,
    weight_decay: float,
    nesterov: bool,
) -> None:
    if nesterov:
        momentum, dampening = max(momentum, 0.1), 0.0
    kw = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
    assert_same(run_ours(SGD, *run, **kw), run_torch("SGD", *run, **kw))


@given(
    trajectories(),
    st.floats(1e-4, 1),
    st.tuples(st.floats(0, 0.999), st.floats(0, 0.9999)),
    st.floats(1e-10, 1e-3),
    st.floats(0, 0.1),
)
def test_adam_matches_torch(
    run: tuple[list[float], list[list[float]]],
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
) -> None:
    kw = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
    assert_same(run_ours(Adam, *run, **kw), run_torch("Adam", *run, **kw))


# Errors that say what to do


def test_passing_the_model_instead_of_its_parameters_is_explained() -> None:
    with pytest.raises(TypeError, match=r"such as model.parameters\(\), got MLP"):
        SGD(MLP(2, [1], seed=0), lr=0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: SGD([], lr=0.1), "empty parameter list"),
        (lambda ps: SGD(ps, lr=-1), "lr >= 0"),
        (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov=True.*momentum > 0"),
        (lambda ps: Adam(ps, betas=(0.9, 1.0)), r"betas\[1\] < 1"),
        (lambda ps: Adam([1.0]), "updates Values, got float"),
    ],
)
def test_bad_settings_are_refused(make: Any, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        make([Value(0.0)])


nan, inf = math.nan, math.inf


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: SGD(ps, lr=nan), r"SGD\(lr=nan\) needs a finite lr >= 0"),
        (lambda ps: SGD(ps, lr=inf), r"SGD\(lr=inf\) needs a finite lr >= 0"),
        (lambda ps: SGD(ps, lr=0.1, momentum=-0.5), r"momentum >= 0"),
        (lambda ps: SGD(ps, lr=0.1, momentum=nan), r"momentum >= 0"),
        (lambda ps: SGD(ps, lr=1, momentum=0.9, dampening=nan), r"SGD\(dampening=nan\) needs a finite"),
        (lambda ps: SGD(ps, lr=0.1, weight_decay=-1e-4), "weight_decay >= 0"),
        (lambda ps: SGD(ps, lr=0.1, weight_decay=inf), "weight_decay >= 0"),
        (lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening = 0"),
        (lambda ps: Adam(ps, lr=-1e-3), "lr >= 0"),
        (lambda ps: Adam(ps, eps=-1e-8), "eps >= 0"),
        (lambda ps: Adam(ps, eps=nan), "eps >= 0"),
        (lambda ps: Adam(ps, weight_decay=nan), "weight_decay >= 0"),
        (lambda ps: Adam(ps, betas=(0.9,)), r"betas=\(0.9,\).*a pair"),
        (lambda ps: Adam(ps, betas=(0.9, 0.99, 0.999)), "a pair"),
        (lambda ps: Adam(ps, betas=(nan, 0.999)), r"betas\[0\] < 1"),
        (lambda ps: Adam(ps, betas=(-0.1, 0.999)), r"0 <= betas\[0\] < 1"),
    ],
)
def test_a_bad_setting_is_refused_at_construction(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make([Value(0.0)])


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr="0.1"),
        lambda ps: SGD(ps, lr=0.1, momentum=None),
        lambda ps: SGD(ps, lr=True),
        lambda ps: Adam(ps, betas=(0.9, "0.999")),
        lambda ps: Adam(ps, eps=[1e-8]),
    ],
)
def test_a_setting_that_is_not_a_number_is_named(make: Any) -> None:
    with pytest.raises(TypeError, match=r"(SGD|Adam)\([\w\[\]]+=.*\) needs a real number"):
        make([Value(0.0)])


def test_betas_must_be_a_pair() -> None:
    with pytest.raises(TypeError, match=r"Adam\(betas=0.9\) takes a pair \(beta1, beta2\)"):
        Adam([Value(0.0)], betas=0.9)  # type: ignore[arg-type]


def test_a_learning_rate_set_between_steps_is_checked_too() -> None:
    opt = SGD([Value(0.0)], lr=0.1)
    with pytest.raises(ValueError, match=r"SGD\(lr=-0.1\) needs a finite lr >= 0"):
        opt.lr = -0.1
    assert opt.lr == 0.1


@pytest.mark.parametrize("optimizer", [SGD, Adam])
def test_parameters_stay_python_floats_whatever_the_types_of_the_settings(
    optimizer: type[Optimizer], tmp_path: Any
) -> None:
    np = pytest.importorskip("numpy")
    f32 = np.float32
    settings: dict[str, Any] = (
        dict(lr=f32(0.1), momentum=f32(0.9), dampening=f32(0.1), weight_decay=f32(0.01))
        if optimizer is SGD
        else dict(lr=f32(0.1), betas=(f32(0.9), f32(0.99)), eps=f32(1e-8), weight_decay=f32(0.01))
    )
    model = MLP(2, [3, 1], seed=0)
    opt = optimizer(model.parameters(), **settings)
    for _ in range(2):
        opt.zero_grad()
        model([1.0, -2.0]).backward()
        opt.step()
        opt.lr = np.float16(0.05)
    assert all(type(p.data) is float for p in model.parameters())
    nn.save(model, tmp_path / "model.json")
    assert nn.load_into(MLP(2, [3, 1], seed=1), tmp_path / "model.json").state_dict() == model.state_dict()
