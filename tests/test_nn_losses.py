"""nn's losses against their closed forms, and against torch.nn.functional: its answers recorded in
tests/fixtures/losses.json, and live where PyTorch is installed."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from nn import binary_cross_entropy_with_logits, cross_entropy, hinge_loss, mse_loss

import oracles
from oracles import LOSSES, installed

TOL = 1e-10
logits = st.floats(-50, 50, allow_nan=False)


def values(xs: list[float]) -> list[Value]:
    return [Value(x) for x in xs]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


LOSSES_BY_NAME: dict[str, Callable[..., Value]] = {
    "mse_loss": mse_loss,
    "hinge_loss": hinge_loss,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
}


def ours(loss: str, preds: list[Any], targets: Any) -> tuple[float, list[Any]]:
    """nn's loss and its gradient with respect to each prediction (nested as ``preds`` is)."""
    values = [[Value(z) for z in row] if isinstance(row, list) else Value(row) for row in preds]
    out = LOSSES_BY_NAME[loss](values, targets)
    out.backward()
    return out.data, [[z.grad for z in row] if isinstance(row, list) else row.grad for row in values]


def assert_close_nested(got: Any, want: Any) -> None:
    if isinstance(want, list):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_close_nested(g, w)
    else:
        assert close(got, want), (got, want)


# The textbook formulas, in floats, with their gradients d loss / d pred_i written out: an oracle that
# shares nothing with nn (and PyTorch, live, where it is installed).


def softmax(zs: list[float]) -> list[float]:
    top = max(zs)
    es = [math.exp(z - top) for z in zs]
    return [e / math.fsum(es) for e in es]


def formula(loss: str, preds: list[Any], targets: Any) -> tuple[float, list[Any]]:
    if loss == "cross_entropy" and isinstance(targets, int):
        top = max(preds)  # -log softmax(z)[t] = log sum_i e^z_i - z_t, taken out of e^z before it overflows
        log_sum = top + math.log(math.fsum(math.exp(z - top) for z in preds))
        return log_sum - preds[targets], [p - (i == targets) for i, p in enumerate(softmax(preds))]
    n = len(preds)
    if loss == "cross_entropy":
        rows = [formula(loss, row, t) for row, t in zip(preds, targets)]
        return math.fsum(r for r, _ in rows) / n, [[d / n for d in g] for _, g in rows]
    if loss == "mse_loss":
        terms = [((p - t) ** 2, 2 * (p - t)) for p, t in zip(preds, targets)]
    elif loss == "hinge_loss":
        terms = [(max(0.0, 1 - y * s), -y if 1 - y * s > 0 else 0.0) for s, y in zip(preds, targets)]
    else:  # log(1 + e^x) - x t, and its derivative sigmoid(x) - t = (1 + tanh(x / 2)) / 2 - t
        terms = [
            (max(x, 0.0) + math.log1p(math.exp(-abs(x))) - x * t, 0.5 + 0.5 * math.tanh(x / 2) - t)
            for x, t in zip(preds, targets)
        ]
    return math.fsum(v for v, _ in terms) / n, [d / n for _, d in terms]


def assert_matches_formula_and_torch(loss: str, preds: list[Any], targets: Any) -> None:
    """nn's loss and gradient against the formula, and against PyTorch where it is installed."""
    got = ours(loss, preds, targets)
    assert_close_nested(list(got), list(formula(loss, preds, targets)))
    torch = installed("torch")
    if torch is not None:
        theirs = oracles._loss_answer(torch, {"loss": loss, "preds": preds, "targets": targets})
        assert_close_nested(list(got), [theirs["loss"], theirs["grad"]])


@pytest.mark.parametrize("key", LOSSES.keys())
def test_losses_match_pytorch(key: str) -> None:
    case, expected = LOSSES.cases[key], LOSSES[key]
    loss, grads = ours(case["loss"], case["preds"], case["targets"])
    assert close(loss, expected["loss"])
    assert_close_nested(grads, expected["grad"])


@pytest.mark.parametrize("key", LOSSES.keys())
def test_the_formulas_match_pytorch(key: str) -> None:
    """The oracle of the property tests below, itself checked against PyTorch's recorded answers."""
    case, expected = LOSSES.cases[key], LOSSES[key]
    loss, grads = formula(case["loss"], case["preds"], case["targets"])
    assert_close_nested([loss, grads], [expected["loss"], expected["grad"]])


# Closed forms


def test_mse_loss_is_the_mean_squared_error_with_gradient_2_error_over_n() -> None:
    preds = values([1.0, 2.0, 3.0])
    loss = mse_loss(preds, [1.0, 0.0, 5.0])
    loss.backward()
    assert loss.data == pytest.approx(8 / 3)
    assert [p.grad for p in preds] == pytest.approx([0.0, 4 / 3, -4 / 3])


def test_mse_loss_takes_single_numbers_and_values_as_targets() -> None:
    pred, target = Value(3.0), Value(1.0)
    loss = mse_loss(pred, target)
    loss.backward()
    assert (loss.data, pred.grad, target.grad) == (4.0, 4.0, -4.0)


def test_hinge_loss_is_micrograds_max_margin_loss() -> None:
    scores = values([2.0, 0.5, -1.0, 0.25])
    loss = hinge_loss(scores, [1, 1, 1, -1])
    loss.backward()
    # relu(1 - y s) for each: 0, 0.5, 2, 1.25
    assert loss.data == pytest.approx(3.75 / 4)
    assert [s.grad for s in scores] == [0.0, -0.25, -0.25, 0.25]


def test_binary_cross_entropy_with_logits_at_zero_is_log_2_with_gradient_sigmoid_minus_target() -> None:
    x = Value(0.0)
    loss = binary_cross_entropy_with_logits(x, 1.0)
    loss.backward()
    assert loss.data == pytest.approx(math.log(2))
    assert x.grad == -0.5


def test_cross_entropy_of_equal_logits_is_log_of_the_class_count() -> None:
    zs = values([0.0, 0.0, 0.0])
    loss = cross_entropy(zs, 1)
    loss.backward()
    assert loss.data == pytest.approx(math.log(3))
    assert [z.grad for z in zs] == pytest.approx([1 / 3, -2 / 3, 1 / 3])


def test_cross_entropy_of_a_batch_is_the_mean_of_its_rows() -> None:
    rows = [[1.0, 2.0], [0.5, -0.5], [3.0, 0.0]]
    targets = [0, 1, 0]
    batch = cross_entropy([values(r) for r in rows], targets).data
    assert batch == pytest.approx(sum(cross_entropy(values(r), t).data for r, t in zip(rows, targets)) / 3)


# Numerical stability: logits of +-1000 give finite and exact results.


@pytest.mark.parametrize(
    ("logit", "target", "loss", "grad"),
    [(1000, 1, 0, 0), (1000, 0, 1000, 1), (-1000, 1, 1000, -1), (-1000, 0, 0, 0)],
)
def test_binary_cross_entropy_with_logits_is_exact_for_huge_logits(
    logit: float, target: float, loss: float, grad: float
) -> None:
    x = Value(logit)
    out = binary_cross_entropy_with_logits([x], [target])
    out.backward()
    assert (out.data, x.grad) == (loss, grad)


@pytest.mark.parametrize(("target", "loss"), [(0, 0.0), (1, 2000.0)])
def test_cross_entropy_is_exact_for_huge_logits(target: int, loss: float) -> None:
    zs = values([1000.0, -1000.0])
    out = cross_entropy(zs, target)
    out.backward()
    assert out.data == loss
    assert [z.grad for z in zs] == ([0.0, 0.0] if target == 0 else [1.0, -1.0])


# Against the formulas and PyTorch, on random data


@given(st.lists(st.tuples(logits, logits), min_size=1, max_size=8))
def test_mse_loss_matches_the_formula(pairs: list[tuple[float, float]]) -> None:
    assert_matches_formula_and_torch("mse_loss", [p for p, _ in pairs], [t for _, t in pairs])


@given(st.lists(st.tuples(logits, st.sampled_from([-1.0, 1.0])), min_size=1, max_size=8))
def test_hinge_loss_matches_the_formula(pairs: list[tuple[float, float]]) -> None:
    assert_matches_formula_and_torch("hinge_loss", [s for s, _ in pairs], [y for _, y in pairs])


@given(st.lists(st.tuples(st.floats(-1000, 1000), st.floats(0, 1)), min_size=1, max_size=8))
def test_binary_cross_entropy_with_logits_matches_the_formula(pairs: list[tuple[float, float]]) -> None:
    xs, ts = [x for x, _ in pairs], [t for _, t in pairs]
    assert_matches_formula_and_torch("binary_cross_entropy_with_logits", xs, ts)


@given(st.lists(logits, min_size=1, max_size=6), st.data())
def test_cross_entropy_of_one_example_matches_the_formula(zs: list[float], data: st.DataObject) -> None:
    assert_matches_formula_and_torch("cross_entropy", zs, data.draw(st.integers(0, len(zs) - 1)))


@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_cross_entropy_of_a_batch_matches_the_formula(rows: int, classes: int, data: st.DataObject) -> None:
    zs = data.draw(
        st.lists(st.lists(logits, min_size=classes, max_size=classes), min_size=rows, max_size=rows)
    )
    targets = data.draw(st.lists(st.integers(0, classes - 1), min_size=rows, max_size=rows))
    assert_matches_formula_and_torch("cross_entropy", zs, targets)


# Errors that say what to do


def test_a_missing_target_is_named() -> None:
    with pytest.raises(ValueError, match=r"one target per prediction.*2 predictions and 1 targets"):
        mse_loss(values([1.0, 2.0]), [1.0])


def test_hinge_loss_says_how_to_turn_0_1_labels_into_plus_minus_1() -> None:
    with pytest.raises(ValueError, match=r"labels -1 or \+1, got 0 at index 1.*\[2 \* v - 1 for v in y\]"):
        hinge_loss(values([1.0, 2.0]), [1, 0])


def test_cross_entropy_names_the_valid_class_indices() -> None:
    with pytest.raises(ValueError, match="class index from 0 to 2 for 3 logits, got 3"):
        cross_entropy(values([1.0, 2.0, 3.0]), 3)


def test_cross_entropy_takes_numpy_integers_as_class_indices() -> None:
    np = pytest.importorskip("numpy")
    logits = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]
    assert cross_entropy(logits[0], np.int64(1)).data == cross_entropy(logits[0], 1).data
    batch = cross_entropy(logits, [0, 2]).data
    assert cross_entropy(logits, np.array([0, 2])).data == batch
    assert cross_entropy(logits, [np.int32(0), np.int64(2)]).data == batch


@pytest.mark.parametrize("target", [1.0, "1", True])
def test_cross_entropy_refuses_a_class_index_that_is_not_a_whole_number(target: object) -> None:
    with pytest.raises(ValueError, match="class index from 0 to 1 for 2 logits"):
        cross_entropy([1.0, 2.0], target)  # type: ignore[call-overload]


def error(call: Callable[[], object]) -> str:
    """``call()``'s exception as the user reads it: its type and its whole message."""
    with pytest.raises(Exception) as raised:
        call()
    return f"{type(raised.value).__name__}: {raised.value}"


NEEDS = "needs one target per prediction and at least one of each, got"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mse_loss([1.0, 2.0], [1.0]), f"ValueError: mse_loss() {NEEDS} 2 predictions and 1 targets"),
        (lambda: mse_loss([], []), f"ValueError: mse_loss() {NEEDS} 0 predictions and 0 targets"),
        (
            lambda: hinge_loss([1.0], [1.0, -1.0]),
            f"ValueError: hinge_loss() {NEEDS} 1 predictions and 2 targets",
        ),
        (
            lambda: hinge_loss([1.0, 2.0], [1, 0]),
            "ValueError: hinge_loss() takes labels -1 or +1, got 0 at index 1: turn 0/1 labels into -1/+1 "
            "with [2 * v - 1 for v in y]",
        ),
        (
            lambda: binary_cross_entropy_with_logits([1.0, 2.0], [1.0]),
            f"ValueError: binary_cross_entropy_with_logits() {NEEDS} 2 predictions and 1 targets",
        ),
        (
            lambda: cross_entropy([], 0),
            "ValueError: cross_entropy() needs at least one logit per example, got none",
        ),
        (
            lambda: cross_entropy([[]], [0]),
            "ValueError: cross_entropy() needs at least one logit per example, got none",
        ),
        (
            lambda: cross_entropy([1.0, 2.0, 3.0], 3),
            "ValueError: cross_entropy() takes a class index from 0 to 2 for 3 logits, got 3",
        ),
        (
            lambda: cross_entropy([1.0, 2.0], -1),
            "ValueError: cross_entropy() takes a class index from 0 to 1 for 2 logits, got -1",
        ),
        (
            lambda: cross_entropy([[1.0, 2.0]], [0, 1]),
            "ValueError: cross_entropy() needs one class index per row of logits and at least one row, "
            "got 1 rows and 2 indices",
        ),
        (
            lambda: cross_entropy([], []),
            "ValueError: cross_entropy() needs one class index per row of logits and at least one row, "
            "got 0 rows and 0 indices",
        ),
    ],
)
def test_every_error_names_the_loss_and_what_it_got(call: Callable[[], object], message: str) -> None:
    assert error(call) == message


def test_the_last_class_and_a_single_row_are_valid() -> None:
    assert cross_entropy([0.0, 0.0, 0.0], 2).data == pytest.approx(math.log(3))
    assert cross_entropy([[0.0, 0.0]], [1]).data == pytest.approx(math.log(2))
