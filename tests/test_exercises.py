"""The exercise checks are honest: every reference solution passes, a planted wrong answer to every
exercise is rejected with its counterexample, a stub is "not attempted", and the committed notebooks
are unsolved.

The reference solutions live in notebooks/solutions/, one module per notebook; the wrong answers
are written here, each the mistake a learner plausibly makes.
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from string import Formatter
from types import ModuleType
from typing import Any

import nbformat
import numpy as np
import pytest

from autograd import Value, draw_dot, grad
from autograd.exercises import EXERCISES, MODULES, check, set_language, verdict
from autograd.exercises.text import TEXTS
from autograd.ops import real

ROOT = Path(__file__).parent.parent
SOLUTIONS = ROOT / "notebooks" / "solutions"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"solutions_{name}", SOLUTIONS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


chain_rule, build, backprop, training, checking, beyond = (_load(name) for name in MODULES)
REFERENCE: dict[str, Any] = {
    name: answer
    for module in (chain_rule, build, backprop, training, checking, beyond)
    for name, answer in module.SOLUTIONS.items()
}


def test_every_exercise_has_a_reference_solution() -> None:
    assert set(REFERENCE) == set(EXERCISES)
    assert {path.stem for path in SOLUTIONS.glob("*.py")} == set(MODULES)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_the_reference_solution_passes(name: str) -> None:
    result = verdict(name, REFERENCE[name])
    assert result.status == "done", str(result)


# The planted mistakes. Build's answers make nodes of the notebook's own Value class.
V = build.Value
sig = backprop.sigma
sig_p = backprop.sigma_prime


def _assigning_backward(root: Any) -> None:
    root.grad = 1.0
    for node in reversed(build.topological_order(root)):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad = local * node.grad  # = where += belongs


def _backward_without_seed(root: Any) -> None:
    for node in reversed(build.topological_order(root)):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad += local * node.grad


def _recursive_sort(root: Any) -> list[Any]:
    order: list[Any] = []
    seen: set[Any] = set()

    def visit(node: Any) -> None:
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def _sort_without_seen(root: Any) -> list[Any]:
    order, stack = [], [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        else:
            stack.append((node, True))
            stack.extend((parent, False) for parent in node.parents)
    return order


def _backward_without_factor(root: Any) -> None:
    root.grad = 1.0
    for node in reversed(build.topological_order(root)):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad += local  # the node's own grad, the chain rule's other factor, left out


def _step_without_zeroing(parameters: list[Any], lr: float) -> None:
    for p in parameters:
        p.data -= lr * p.grad


def _step_uphill(parameters: list[Any], lr: float) -> None:
    for p in parameters:
        p.data += lr * p.grad
        p.grad = 0.0


def _adam_without_correction(theta, g, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):  # type: ignore[no-untyped-def]
    m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
    return theta - lr * m / (math.sqrt(v) + eps), m, v


def _adam_without_sqrt(theta, g, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):  # type: ignore[no-untyped-def]
    m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
    return theta - lr * (m / (1 - beta1**t)) / (v / (1 - beta2**t) + eps), m, v


def _normalize_by_data(x: Any, y: Any) -> Any:
    return x / Value(math.sqrt(x.data**2 + y.data**2))


class _DualWithoutProductRule(beyond.Dual):  # type: ignore[misc,name-defined]
    def __mul__(self, other: Any) -> Any:
        other = beyond.Dual.lift(other)
        return type(self)(self.data * other.data, self.tangent * other.data)

    __rmul__ = __mul__


class _DualWithoutChainFactor(beyond.Dual):  # type: ignore[misc,name-defined]
    def sin(self) -> Any:
        return type(self)(math.sin(self.data), math.cos(self.data))


class _DualWithoutReflection(beyond.Dual):  # type: ignore[misc,name-defined]
    __radd__ = None  # type: ignore[assignment]
    __rmul__ = None  # type: ignore[assignment]


class _DualLiftingOnTheLeftOnly:
    """Numbers work as 2 * x and 1 + x, but x * 2 and x + 1 fail: __add__ and __mul__ never lift."""

    def __init__(self, value: float, derivative: float = 0.0) -> None:
        self.value, self.derivative = value, derivative

    def __add__(self, other: Any) -> Any:
        return type(self)(self.value + other.value, self.derivative + other.derivative)

    def __mul__(self, other: Any) -> Any:
        return type(self)(
            self.value * other.value, self.derivative * other.value + self.value * other.derivative
        )

    def __radd__(self, number: float) -> Any:
        return type(self)(number + self.value, self.derivative)

    def __rmul__(self, number: float) -> Any:
        return type(self)(number * self.value, number * self.derivative)

    def sin(self) -> Any:
        return type(self)(math.sin(self.value), math.cos(self.value) * self.derivative)


def _gradient_times_v(f: Any, point: list[float], v: list[float]) -> list[float]:
    xs = [Value(p) for p in point]
    return [g * vi for g, vi in zip(grad(f(*xs), xs), v)]


def _first_row_times_v(f: Any, point: list[float], v: list[float]) -> list[float]:
    xs = [Value(p) for p in point]
    first = grad(f(*xs), xs, create_graph=True)
    row = grad(first[0], xs)
    return [h * vi for h, vi in zip(row, v)]


def _pure_newton(f: Any, point: tuple[float, float]) -> list[float]:
    xs = [Value(p) for p in point]
    first = grad(f(*xs), xs, create_graph=True)
    g = [d.data for d in first]
    (a, b), (c, d) = [list(grad(gi, xs)) for gi in first]
    det = a * d - b * c
    return [point[0] - (d * g[0] - b * g[1]) / det, point[1] - (a * g[1] - c * g[0]) / det]


WRONG: dict[str, list[tuple[str, Any, str]]] = {
    # exercise: [(the mistake, the answer, a text the report must show)]
    "slope_zero": [("g' without its factor 2: 3x - 4 = 0", 4 / 3, "g'(1.3333333333333333) = 4.0")],
    "best_h": [
        ("h^(p+1) = eps / c, the p lost", lambda p, c, eps: (eps / c) ** (1 / (p + 1)), "p = 2"),
        ("the square root for every p", lambda p, c, eps: math.sqrt(eps / (p * c)), "p = 2"),
    ],
    "grads_of_C": [
        ("dC/dk = 1, the factor f missing", lambda a, b, k, f: (b * f, a * f, 1.0, a * b + k), "dC/dk = 1.0"),
        ("dC/df = k, the wrong node", lambda a, b, k, f: (b * f, a * f, f, k), "dC/df"),
    ],
    "dt_da": [
        ("the inner factor b missing", lambda a, b: 1 - math.tanh(a * b) ** 2, "dt/da = 1.0"),
        ("tanh' taken at a", lambda a, b: (1 - math.tanh(a) ** 2) * b, "dt/da"),
    ],
    "backward_twice": [("the grads reset each call", 6.0, "a.grad = 6.0")],
    "power": [
        ("off by one: k x^k", lambda x, k: V(x.data**k, (x,), (k * x.data**k,)), "local_grads"),
        ("the factor k missing", lambda x, k: V(x.data**k, (x,), (x.data ** (k - 1),)), "local_grads"),
        ("no parents recorded", lambda x, k: V(x.data**k), "parents = ()"),
        (
            "(x) for (x,): parents not a tuple",
            lambda x, k: V(x.data**k, (x), (k * x.data ** (k - 1),)),
            "with its comma",
        ),
    ],
    "exp": [
        ("the input's data as the derivative", lambda x: V(math.exp(x.data), (x,), (x.data,)), "x = 0.0"),
        ("a .data leak: a new leaf", lambda x: V(math.exp(x.data)), "parents = ()"),
    ],
    "topological_order": [
        ("recursion", _recursive_sort, "RecursionError"),
        ("no record of the nodes seen", _sort_without_seen, "more than once"),
        ("the order reversed", lambda root: build.topological_order(root)[::-1], "comes before its parent"),
        ("off by one: the root left out", lambda root: build.topological_order(root)[:-1], "missing"),
    ],
    "backward": [
        ("= instead of +=", _assigning_backward, "y = x0 + x0"),
        ("the root's grad never set to 1", _backward_without_seed, "expected: x0.grad = 1.0"),
        ("the factor node.grad missing", _backward_without_factor, "parent.grad += local * node.grad"),
    ],
    "train_step": [
        ("the grads not zeroed", _step_without_zeroing, "p0.grad = 1.0"),
        ("a step up the gradient", _step_uphill, "p0.data = 1.0"),
    ],
    "delta_tanh": [
        ("sigmoid's derivative kept", lambda z, y: 2 / len(y) * (np.tanh(z) - y) * sig_p(z), "z = [0.0]"),
        ("the 2/n of the mean left out", lambda z, y: (np.tanh(z) - y) * (1 - np.tanh(z) ** 2), "delta"),
    ],
    "delta_bce": [
        ("sigma' kept", lambda z, y: (sig(z) - y) * sig_p(z) / len(y), "delta = [0.125]"),
        ("the mean's 1/n left out", lambda z, y: sig(z) - y, "delta"),
    ],
    "delta1_from_delta3": [
        ("sigma'(z2) missing", lambda W2, W3, z1, z2, d3: (W2.T @ (W3.T @ d3)) * sig_p(z1), "delta1"),
        (
            "W2 not transposed",
            lambda W2, W3, z1, z2, d3: (W2 @ ((W3.T @ d3) * sig_p(z2))) * sig_p(z1),
            "W2 =",
        ),
    ],
    "batch_grad_W": [
        (
            "the sum, not the mean",
            lambda W, b, A, Y: (
                (2 / W.shape[0] * (sig(W @ A + b[:, None]) - Y) * sig_p(W @ A + b[:, None])) @ A.T
            ),
            "dC/dW",
        ),
    ],
    "should_stop": [
        ("the sign kept", lambda ps: max(p.grad for p in ps) < 1e-3, "should_stop = True"),
        ("a .data leak", lambda ps: max(abs(p.data) for p in ps) < 1e-3, "should_stop = False"),
    ],
    # notebook 04
    "n_parameters": [
        (
            "the biases forgotten",
            lambda nin, nouts: sum(a * b for a, b in zip([nin, *nouts], nouts)),
            "parameters",
        ),
        (
            "one bias per layer",
            lambda nin, nouts: sum(a * b + 1 for a, b in zip([nin, *nouts], nouts)),
            "parameters",
        ),
    ],
    "sgd_step_l2": [
        ("the penalty's factor 2 lost", lambda t, g, lr, a: t - lr * (g + a * t), "theta ="),
        ("the penalty added uphill", lambda t, g, lr, a: t - lr * (g - 2 * a * t), "theta ="),
    ],
    "bce_with_logits": [
        ("log(1 + e^s) as written", lambda s, t: math.log(1 + math.exp(s)) - t * s, "OverflowError"),
        (
            "log of sigmoids",
            lambda s, t: (
                -t * math.log(1 / (1 + math.exp(-s))) - (1 - t) * math.log(1 - 1 / (1 + math.exp(-s)))
            ),
            "score =",
        ),
    ],
    "adam_step": [
        ("no bias correction", _adam_without_correction, "theta after step 1"),
        ("the square root forgotten", _adam_without_sqrt, "theta after step"),
    ],
    "full_batch_grad": [
        ("the plain mean of the batches", lambda grads, sizes: sum(grads) / len(grads), "batch sizes = [1, "),
        ("the sum of the batches", lambda grads, sizes: sum(grads), "dC/dw"),
    ],
    "exact_text": [
        ("six decimals", lambda x: f"{x:.6f}", "x ="),
        ("a float, not text", lambda x: x, "x ="),
    ],
    # notebook 05
    "normalize": [("the norm from .data", _normalize_by_data, "d/dy = 0.0")],
    "logsumexp_values": [
        (
            "m not added back",
            lambda *xs: sum((x - max(xs, key=lambda v: v.data)).exp() for x in xs).log(),
            "value",
        ),
    ],
    "softplus_rule": [
        ("1 / (1 - e^-x), the sign slipped", lambda out, x: (1 / (1 - math.e**-x),), "x = 0.0"),
        ("the float inside x", lambda out, x: (1 / (1 + math.exp(-real(x))),), "second derivatives"),
    ],
    "hypot_rule": [("the partials swapped", lambda out, x, y: (y / out, x / out), "d/dx")],
    "cube_rule": [("3 * real(x) ** 2", lambda out, x: (3 * real(x) ** 2,), "second derivatives")],
    # notebook 06
    "dual": [
        ("the product rule's second term lost", _DualWithoutProductRule, "d/dx = "),
        ("sin without the chain factor", _DualWithoutChainFactor, "sin"),
        ("a number on the left not handled (no __radd__, __rmul__)", _DualWithoutReflection, "TypeError"),
        ("numbers lifted on the left only", _DualLiftingOnTheLeftOnly, "AttributeError"),
    ],
    "hvp": [
        ("the gradient times v, entry by entry", _gradient_times_v, "Hv ="),
        ("the Hessian's first row only", _first_row_times_v, "Hv ="),
    ],
    "damped_newton_step": [("pure Newton, never halved", _pure_newton, "new point")],
    "relu_gradient_factor": [
        ("c once per layer, the output's too", lambda h, c: c ** (h + 1), "factor"),
        ("linear in the depth", lambda h, c: c * h, "factor"),
    ],
    "linear_backward": [
        ("dW transposed", lambda A, W, dZ: (dZ @ W, A.T @ dZ, dZ.sum(axis=0)), "dW: an array of shape"),
        ("db the mean, not the sum", lambda A, W, dZ: (dZ @ W, dZ.T @ A, dZ.mean(axis=0)), "db ="),
    ],
}

CASES = [
    (name, mistake, answer, shown) for name, wrongs in WRONG.items() for mistake, answer, shown in wrongs
]


def test_every_exercise_has_a_planted_wrong_answer() -> None:
    assert set(WRONG) == set(EXERCISES)


@pytest.mark.parametrize(
    ("name", "mistake", "answer", "shown"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES]
)
def test_a_wrong_answer_is_rejected_with_its_counterexample(
    name: str, mistake: str, answer: Any, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = verdict(name, answer)
    assert result.status == "wrong", f"{mistake} passed the check of {name}"
    check(name, answer)
    report = capsys.readouterr().out
    assert report.startswith(f"✗ {name}: not yet") and ("expected" in report or "raised" in report)
    assert shown in report, report


# Right answers in another form than the reference's, which the checks must accept too.
OTHER_FORMS: list[tuple[str, str, Any]] = [
    ("grads_of_C", "a NumPy array", lambda a, b, k, f: np.array([b * f, a * f, f, a * b + k])),
    ("should_stop", "NumPy's bool", lambda ps: np.max(np.abs([p.grad for p in ps])) < 1e-3),
    ("power", "lists, not tuples", lambda x, k: V(x.data**k, [x], [k * x.data ** (k - 1)])),
]


@pytest.mark.parametrize(
    ("name", "form", "answer"), OTHER_FORMS, ids=[f"{c[0]}: {c[1]}" for c in OTHER_FORMS]
)
def test_a_right_answer_in_another_form_passes(name: str, form: str, answer: Any) -> None:
    result = verdict(name, answer)
    assert result.status == "done", f"{form}: {result}"


def _stub(*args: object) -> Any:
    raise NotImplementedError


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_stub_is_not_attempted(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    stub = ... if not callable(REFERENCE[name]) else _stub
    assert verdict(name, stub).status == "not attempted"
    check(name, stub)
    assert "not attempted" in capsys.readouterr().out


def test_an_error_in_the_answer_is_reported_not_raised() -> None:
    result = verdict("dt_da", lambda a, b: 1 / 0)
    assert result.status == "wrong" and "ZeroDivisionError" in str(result) and "a = 0.0" in str(result)


def test_an_unknown_exercise_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"no exercise 'powr'.*power"):
        verdict("powr", 1.0)


def test_the_counterexample_of_a_graph_is_drawn_with_the_wrong_node_outlined() -> None:
    mismatch = verdict("backward", _assigning_backward).mismatch
    assert mismatch is not None and mismatch.graph is not None
    [wrong] = mismatch.highlight
    assert wrong.label == "x0" and wrong.grad == 1.0
    assert "#e8590c" in draw_dot(mismatch.graph, highlight=mismatch.highlight).source


def test_draw_dot_draws_a_learners_own_value_class_as_it_draws_autograds() -> None:
    def neuron(make: Callable[..., Any], mul: Callable[..., Any]) -> Any:
        x, w = make(2.0, label="x"), make(-3.0, label="w")
        return mul(x, w)

    ours = neuron(
        lambda d, label: V(d, label=label), lambda x, w: V(x.data * w.data, (x, w), (w.data, x.data), "*")
    )
    theirs = neuron(Value, lambda x, w: x * w)
    assert draw_dot(ours, local_grads=True).source == draw_dot(theirs, local_grads=True).source


def _fields(sentence: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(sentence) if field is not None}


def test_every_sentence_has_a_chinese_twin_with_the_same_fields() -> None:
    # A module of exercises added without its Chinese sentences fails here, naming the keys.
    english, chinese = TEXTS["en"], TEXTS["zh"]
    assert sorted(english.keys() - chinese.keys()) == [], "sentences with no Chinese"
    assert sorted(chinese.keys() - english.keys()) == [], "Chinese sentences with no English"
    differ = [key for key in english if _fields(english[key]) != _fields(chinese[key])]
    assert differ == [], "sentences whose Chinese fills in other fields than the English"


@pytest.fixture
def chinese() -> Iterator[None]:
    set_language("zh")
    try:
        yield
    finally:
        set_language("en")


def _english_phrases() -> list[str]:
    """The English of the reports: every run of two or more words in a sentence, and the titles."""
    english = TEXTS["en"]
    phrases = [english["field"].format(title=english[key]) for key in ("inputs", "expected", "obtained")]
    for sentence in english.values():
        for literal, *_ in Formatter().parse(sentence):
            for piece in re.split(r"[.:,;()]", literal):
                words = [w for w in piece.split() if re.fullmatch(r"[A-Za-z']+", w)]
                if len(words) >= 2:
                    phrases.append(piece.strip())
    return phrases


# The texts of WRONG that are words, not numbers, in the Chinese report.
IN_CHINESE = {
    "more than once": "出现了不止一次",
    "with its comma": "逗号不能少",
    "dW: an array of shape": "dW: 形状为",
    "comes before its parent": "排在了它的父节点",
    "missing": "缺了",
    "expected: x0.grad = 1.0": "应为： x0.grad = 1.0",
    "parameters": "个参数",
    "theta after step 1": "第 1 步之后的 theta",
    "theta after step": "步之后的 theta",
    "batch sizes = [1, ": "各批的大小 = [1, ",
    "second derivatives": "二阶导数",
    "new point": "新的点",
    "factor": "倍数",
}


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize(
    ("name", "mistake", "answer", "shown"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES]
)
def test_a_wrong_answer_is_reported_in_chinese_with_its_counterexample(
    name: str, mistake: str, answer: Any, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    check(name, answer)
    report = capsys.readouterr().out
    assert report.startswith(f"✗ {name}：还不对") and ("应为：" in report or "抛出了" in report), report
    assert IN_CHINESE.get(shown, shown) in report, report
    assert [phrase for phrase in _english_phrases() if phrase in report] == [], report


@pytest.mark.usefixtures("chinese")
def test_a_stub_and_a_solution_are_answered_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    check("power", _stub)
    check("power", REFERENCE["power"])
    assert capsys.readouterr().out.splitlines() == [
        TEXTS["zh"]["stub"].format(name="power"),
        TEXTS["zh"]["done"].format(name="power"),
    ]


def test_an_unknown_language_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"set_language\(\): .*'fr'.*en, zh"):
        set_language("fr")


ZH = ROOT / "notebooks" / "zh"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(ZH.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_the_committed_notebooks_are_unsolved(path: Path) -> None:
    stub = TEXTS["zh" if path.parent == ZH else "en"]["stub"]
    cells = nbformat.read(path, as_version=4).cells
    checks = [c for c in cells if "check" in c.metadata.get("tags", [])]
    for cell in checks:
        printed = "".join(out.get("text", "") for out in cell.outputs)
        called = re.match(r'check\("(\w+)"', cell.source)
        assert called, f"{path.name}: a check cell is check(name, answer): {cell.source!r}"
        expected = stub.format(name=called[1])
        assert printed == expected + "\n", f"{path.name}: {cell.source!r} printed {printed!r}"
    exercises = [c for c in cells if "exercise" in c.metadata.get("tags", [])]
    assert len(exercises) == len(checks)


# The closed-form references of notebook 04's checks, against nn, which autograd may not import.
def test_the_parameter_count_of_the_check_is_nn_s() -> None:
    from nn import MLP

    def count(nin: int, nouts: list[int]) -> int:
        return len(MLP(nin, nouts, seed=0).parameters())

    assert verdict("n_parameters", count).status == "done"


def test_the_adam_step_of_the_check_is_nn_adam() -> None:
    from nn import Adam

    p = Value(0.0)
    optimizer = Adam([p], lr=0.1)
    theta, m, v = 0.0, 0.0, 0.0
    for t, g in enumerate([3.0, -0.5, 2.0, 1e-3], 1):
        p.grad = g
        optimizer.step()
        theta, m, v = training.adam_step(theta, g, m, v, t)
        assert theta == pytest.approx(p.data, rel=1e-12)


def test_exact_text_is_what_nn_save_needs(tmp_path: Path) -> None:
    from nn import MLP, load_into, save

    model = MLP(2, [3, 1], seed=1)
    save(model, tmp_path / "model.json")
    loaded = load_into(MLP(2, [3, 1], seed=2), tmp_path / "model.json")
    assert [training.exact_text(p.data) for p in loaded.parameters()] == [
        repr(p.data) for p in model.parameters()
    ]
