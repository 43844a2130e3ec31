"""nn's losses against their closed forms, and against torch.nn.functional where torch is installed."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from nn import binary_cross_entropy_with_logits, cross_entropy, hinge_loss, mse_loss

TOL = 1e-10
logits = st.floats(-50, 50, allow_nan=False)


def values(xs: list[float]) -> list[Value]:
    return [Value(x) for x in xs]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


def assert_matches_torch(loss: Callable[..., Value], torch_loss: str, xs: list[Any], target: Any) -> None:
    """``loss`` and its gradient with respect to ``xs`` equal torch's, in float64."""
    torch = pytest.importorskip("torch")
    ours = [values(row) if isinstance(row, list) else Value(row) for row in xs]
    out = loss(ours, target)
    out.backward()
    theirs = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    expected = getattr(torch.nn.functional, torch_loss)(
        theirs, torch.tensor(target, dtype=torch.long if torch_loss == "cross_entropy" else torch.float64)
    )
    expected.backward()
    assert close(out.data, expected.item())
    flat = [v for row in ours for v in (row if isinstance(row, list) else [row])]
    assert all(close(v.grad, g) for v, g in zip(flat, theirs.grad.flatten().tolist()))


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


# Against PyTorch, on random data


@given(st.lists(st.tuples(logits, logits), min_size=1, max_size=8))
def test_mse_loss_matches_torch(pairs: list[tuple[float, float]]) -> None:
    assert_matches_torch(mse_loss, "mse_loss", [p for p, _ in pairs], [t for _, t in pairs])


@given(st.lists(st.tuples(logits, st.sampled_from([-1.0, 1.0])), min_size=1, max_size=8))
def test_hinge_loss_matches_torch_relu_of_one_minus_margin(pairs: list[tuple[float, float]]) -> None:
    torch = pytest.importorskip("torch")
    scores = values([s for s, _ in pairs])
    loss = hinge_loss(scores, [y for _, y in pairs])
    loss.backward()
    s = torch.tensor([s for s, _ in pairs], dtype=torch.float64, requires_grad=True)
    expected = torch.relu(1 - torch.tensor([y for _, y in pairs], dtype=torch.float64) * s).mean()
    expected.backward()
    assert close(loss.data, expected.item())
    assert all(close(v.grad, g) for v, g in zip(scores, s.grad.tolist()))


@given(st.lists(st.tuples(st.floats(-1000, 1000), st.floats(0, 1)), min_size=1, max_size=8))
def test_binary_cross_entropy_with_logits_matches_torch(pairs: list[tuple[float, float]]) -> None:
    assert_matches_torch(
        binary_cross_entropy_with_logits,
        "binary_cross_entropy_with_logits",
        [x for x, _ in pairs],
        [t for _, t in pairs],
    )


@given(st.lists(logits, min_size=1, max_size=6), st.data())
def test_cross_entropy_of_one_example_matches_torch(zs: list[float], data: st.DataObject) -> None:
    target = data.draw(st.integers(0, len(zs) - 1))
    torch = pytest.importorskip("torch")
    ours = values(zs)
    loss = cross_entropy(ours, target)
    loss.backward()
    theirs = torch.tensor(zs, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(theirs, torch.tensor(target))
    expected.backward()
    assert close(loss.data, expected.item())
    assert all(close(v.grad, g) for v, g in zip(ours, theirs.grad.tolist()))


@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_cross_entropy_of_a_batch_matches_torch(rows: int, classes: int, data: st.DataObject) -> None:
    zs = data.draw(
        st.lists(st.lists(logits, min_size=classes, max_size=classes), min_size=rows, max_size=rows)
    )
    targets = data.draw(st.lists(st.integers(0, classes - 1), min_size=rows, max_size=rows))
    assert_matches_torch(cross_entropy, "cross_entropy", zs, targets)


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
