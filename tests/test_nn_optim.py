"""nn's SGD and Adam against their update rules in closed form, against the algorithms as
torch.optim's documentation publishes them (transcribed below), and step for step against torch.optim
itself: its trajectories recorded in tests/fixtures/optimizers.json, and live where it is installed."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import nn
from autograd import Value
from nn import MLP, SGD, Adam
from nn.optim import Optimizer

import oracles
from oracles import OPTIMIZERS, installed

numbers = st.floats(-10, 10, allow_nan=False)


@st.composite
def trajectories(draw: st.DrawFn) -> tuple[list[float], list[list[float]]]:
    """Starting parameters, and the gradient they get at each step."""
    n = draw(st.integers(1, 3))
    start = draw(st.lists(numbers, min_size=n, max_size=n))
    grads = draw(st.lists(st.lists(numbers, min_size=n, max_size=n), min_size=1, max_size=6))
    return start, grads


def run_ours(
    optimizer: type[Optimizer],
    start: list[float],
    grads: list[list[float]],
    lrs: list[float] | None = None,
    **kw: Any,
) -> list[list[float]]:
    """The parameters after each step, each given its gradient (and its lr, for a schedule)."""
    params = [Value(x) for x in start]
    opt = optimizer(params, **kw)
    history = []
    for k, g in enumerate(grads):
        if lrs:
            opt.lr = lrs[k]
        opt.zero_grad()
        for p, gi in zip(params, g):
            p.grad += gi
        opt.step()
        history.append([p.data for p in params])
    return history


# The algorithms as torch.optim's documentation writes them (maximize=False, amsgrad=False), one
# parameter at a time: a second transcription, which shares nothing with nn.optim.


def published_sgd(
    start: list[float],
    grads: list[list[float]],
    lrs: list[float] | None = None,
    *,
    lr: float,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float = 0.0,
    nesterov: bool = False,
) -> list[list[float]]:
    theta, b, history = list(start), [0.0] * len(start), []
    for t, gradient in enumerate(grads, start=1):
        gamma = lrs[t - 1] if lrs else lr
        for i, g in enumerate(gradient):
            if weight_decay != 0:
                g = g + weight_decay * theta[i]
            if momentum != 0:
                b[i] = momentum * b[i] + (1 - dampening) * g if t > 1 else g
                g = g + momentum * b[i] if nesterov else b[i]
            theta[i] = theta[i] - gamma * g
        history.append(list(theta))
    return history


def published_adam(
    start: list[float],
    grads: list[list[float]],
    lrs: list[float] | None = None,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    drift: list[list[float]] | None = None,
) -> list[list[float]]:
    """Adam, and into ``drift`` (if given), for each step and parameter, how far another correct
    implementation in floats may be from it: m is only known to a few ulps of its larger term
    (torch.optim computes it as m + (1 - beta1)(g - m)), and each update divides it by
    sqrt(v_hat) + eps, which may be as small as eps; the parameters keep the difference."""
    (beta1, beta2), theta, history = betas, list(start), []
    m, v, apart = [0.0] * len(start), [0.0] * len(start), [0.0] * len(start)
    for t, gradient in enumerate(grads, start=1):
        gamma = lrs[t - 1] if lrs else lr
        for i, g in enumerate(gradient):
            if weight_decay != 0:
                g = g + weight_decay * theta[i]
            rounding = 4 * math.ulp(max(abs(m[i]), abs(g)))
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g**2
            m_hat = m[i] / (1 - beta1**t)
            v_hat = v[i] / (1 - beta2**t)
            theta[i] = theta[i] - gamma * m_hat / (math.sqrt(v_hat) + eps)
            apart[i] += gamma * rounding / (1 - beta1**t) / (math.sqrt(v_hat) + eps)
        history.append(list(theta))
        if drift is not None:
            drift.append(list(apart))
    return history


OURS: dict[str, type[Optimizer]] = {"SGD": SGD, "Adam": Adam}
PUBLISHED: dict[str, Any] = {"SGD": published_sgd, "Adam": published_adam}


def run_torch_live(
    name: str, start: list[float], grads: list[list[float]], **kw: Any
) -> list[list[float]] | None:
    """torch.optim's trajectory where PyTorch is installed, else None."""
    torch = installed("torch")
    if torch is None:
        return None
    case = {"optimizer": name, "settings": kw, "start": start, "grads": grads, "lrs": None}
    trajectory: list[list[float]] = oracles._optimizer_answer(torch, case)
    return trajectory


def assert_same(
    ours: list[list[float]],
    theirs: list[list[float]],
    tolerance: float = 1e-9,
    slack: list[list[float]] | None = None,
) -> None:
    """Each parameter after each step within ``tolerance``, plus its ``slack`` where one is given."""
    assert len(ours) == len(theirs)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        more = slack[step] if slack else [0.0] * len(a)
        assert all(
            math.isclose(x, y, rel_tol=tolerance, abs_tol=tolerance + d) for x, y, d in zip(a, b, more)
        ), (
            step,
            a,
            b,
        )


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


# Against torch.optim, step for step: its recorded trajectories


@pytest.mark.parametrize("key", OPTIMIZERS.keys())
def test_optimizers_match_torch_optim_step_for_step(key: str) -> None:
    case = OPTIMIZERS.cases[key]
    ours = run_ours(OURS[case["optimizer"]], case["start"], case["grads"], case["lrs"], **case["settings"])
    assert_same(ours, OPTIMIZERS[key], tolerance=1e-12)


@pytest.mark.parametrize("key", OPTIMIZERS.keys())
def test_the_published_algorithms_match_torch_optim(key: str) -> None:
    """The oracle of the property tests below, itself checked against torch.optim's recorded steps."""
    case = OPTIMIZERS.cases[key]
    published = PUBLISHED[case["optimizer"]](case["start"], case["grads"], case["lrs"], **case["settings"])
    assert_same(published, OPTIMIZERS[key], tolerance=1e-12)


# Against the published algorithms on random settings and gradients (and torch.optim, where installed)


@given(
    trajectories(),
    st.floats(0, 1),
    st.floats(0, 0.99),
    st.floats(0, 1),
    st.floats(0, 0.1),
    st.booleans(),
)
def test_sgd_matches_the_published_algorithm(
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
    ours = run_ours(SGD, *run, **kw)
    assert_same(ours, published_sgd(*run, **kw))
    theirs = run_torch_live("SGD", *run, **kw)
    if theirs is not None:
        assert_same(ours, theirs)


@given(
    trajectories(),
    st.floats(1e-4, 1),
    st.tuples(st.floats(0, 0.999), st.floats(0, 0.9999)),
    st.floats(1e-10, 1e-3),
    st.floats(0, 0.1),
)
# Found by `make fuzz`: the second update is m / eps with m = 1e-10, whose last digits torch's lerp loses.
@example(run=([0.0], [[1.0], [0.0]]), lr=1.0, betas=(1e-10, 0.0), eps=1e-10, weight_decay=0.0)
def test_adam_matches_the_published_algorithm(
    run: tuple[list[float], list[list[float]]],
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
) -> None:
    kw = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
    ours, drift = run_ours(Adam, *run, **kw), []
    assert_same(ours, published_adam(*run, **kw, drift=drift))
    theirs = run_torch_live("Adam", *run, **kw)
    if theirs is not None:  # torch.optim rounds m otherwise, which an update by lr / eps magnifies
        assert_same(ours, theirs, slack=drift)


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


def error(call: Any) -> str:
    """``call()``'s exception as the user reads it: its type and its whole message."""
    with pytest.raises(Exception) as raised:
        call()
    return f"{type(raised.value).__name__}: {raised.value}"


def lr_set_to(lr: float) -> None:
    SGD([Value(0.0)], lr=0.1).lr = lr


MESSAGES = [
    (
        lambda: SGD(MLP(2, [1], seed=0), lr=0.1),
        "TypeError: SGD takes the parameters to update, such as model.parameters(), got MLP",
    ),
    (lambda: SGD([], lr=0.1), "ValueError: SGD got an empty parameter list: pass model.parameters()"),
    (lambda: Adam([1.0]), "TypeError: Adam updates Values, got float among the parameters"),
    (lambda: SGD([Value(0.0)], lr=-1), "ValueError: SGD(lr=-1) needs a finite lr >= 0"),
    (lambda: SGD([Value(0.0)], lr="a"), "TypeError: SGD(lr='a') needs a real number, got str"),
    (lambda: SGD([Value(0.0)], lr=math.inf), "ValueError: SGD(lr=inf) needs a finite lr >= 0"),
    (lambda: lr_set_to(-2), "ValueError: SGD(lr=-2) needs a finite lr >= 0"),
    (
        lambda: SGD([Value(0.0)], lr=0.1, momentum=-0.5),
        "ValueError: SGD(momentum=-0.5) needs a finite momentum >= 0",
    ),
    (
        lambda: SGD([Value(0.0)], lr=0.1, dampening=math.nan),
        "ValueError: SGD(dampening=nan) needs a finite dampening",
    ),
    (
        lambda: SGD([Value(0.0)], lr=0.1, dampening=None),
        "TypeError: SGD(dampening=None) needs a real number, got NoneType",
    ),
    (
        lambda: SGD([Value(0.0)], lr=0.1, weight_decay=-1),
        "ValueError: SGD(weight_decay=-1) needs a finite weight_decay >= 0",
    ),
    (
        lambda: SGD([Value(0.0)], lr=0.1, nesterov=True),
        "ValueError: SGD(nesterov=True) needs momentum > 0 and dampening = 0, as in PyTorch",
    ),
    (
        lambda: SGD([Value(0.0)], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        "ValueError: SGD(nesterov=True) needs momentum > 0 and dampening = 0, as in PyTorch",
    ),
    (
        lambda: Adam([Value(0.0)], betas=(0.9, 1.0)),
        "ValueError: Adam(betas=(0.9, 1.0)) needs 0 <= betas[1] < 1, got 1.0",
    ),
    (
        lambda: Adam([Value(0.0)], betas=(-0.1, 0.9)),
        "ValueError: Adam(betas=(-0.1, 0.9)) needs 0 <= betas[0] < 1, got -0.1",
    ),
    (
        lambda: Adam([Value(0.0)], betas=("a", 0.9)),
        "TypeError: Adam(betas[0]='a') needs a real number, got str",
    ),
    (
        lambda: Adam([Value(0.0)], betas=(0.9,)),
        "ValueError: Adam(betas=(0.9,)) takes a pair (beta1, beta2), such as (0.9, 0.999)",
    ),
    (lambda: Adam([Value(0.0)], eps=-1e-8), "ValueError: Adam(eps=-1e-08) needs a finite eps >= 0"),
    (
        lambda: Adam([Value(0.0)], weight_decay=math.inf),
        "ValueError: Adam(weight_decay=inf) needs a finite weight_decay >= 0",
    ),
    (lambda: Adam([Value(0.0)], lr=-1), "ValueError: Adam(lr=-1) needs a finite lr >= 0"),
    (
        lambda: Optimizer([Value(0.0)], lr=0.1).step(),
        "NotImplementedError: Optimizer has no step(): define how it updates parameters",
    ),
]


@pytest.mark.parametrize(("call", "message"), MESSAGES)
def test_every_error_names_the_optimizer_the_setting_and_the_rule(call: Any, message: str) -> None:
    assert error(call) == message


def test_the_defaults_are_pytorchs() -> None:
    """SGD(momentum=0, dampening=0, weight_decay=0, nesterov=False) and Adam(lr=1e-3, betas=(0.9,
    0.999), eps=1e-8, weight_decay=0), as torch.optim's, through the published algorithms."""
    start, grads = [1.0, -2.0, 0.5], [[0.5, -4.0, 0.0], [1.0, 2.0, -3.0], [0.25, 0.0, 1.0]]
    assert_same(run_ours(SGD, start, grads, lr=0.1), published_sgd(start, grads, lr=0.1), tolerance=1e-15)
    assert_same(run_ours(Adam, start, grads), published_adam(start, grads), tolerance=1e-15)
    assert Adam([Value(0.0)]).lr == 1e-3


def test_betas_of_zero_are_allowed() -> None:
    """beta = 0 keeps no history: m and v are the last gradient and its square."""
    assert_same(run_ours(Adam, [1.0], [[2.0], [-3.0]], lr=0.1, betas=(0.0, 0.0)), [[0.9], [1.0]], 1e-8)


def test_without_weight_decay_a_step_does_not_read_the_parameter() -> None:
    """An infinite parameter stays infinite, as in torch.optim (0 * inf would make it nan)."""
    for optimizer in (SGD(p := [Value(math.inf)], lr=0.1, momentum=0.9), Adam(q := [Value(-math.inf)])):
        for v in (*p, *q):
            v.grad = 1.0
        optimizer.step()
    assert p[0].data == math.inf and q[0].data == -math.inf
