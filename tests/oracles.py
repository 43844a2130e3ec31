"""The answers of PyTorch (and of micrograd) that the tests compare with, recorded in tests/fixtures/.

Each ``Oracle`` is a set of cases (named inputs, fixed in this file) and the function that asks the
reference library for its answer to one case. ``tests/fixtures/record.py`` (``make fixtures``) asks
it for every case and writes the answers to ``tests/fixtures/<name>.json``, so that a test reads
PyTorch's answer even where PyTorch is not installed. Where it is installed, reading an answer also
recomputes it live and fails if the file disagrees: a stale fixture is caught at once. A case whose
inputs changed here since the file was written fails everywhere, with or without PyTorch.

JSON has no inf or nan, so the files write them as the strings ``"inf"``, ``"-inf"`` and ``"nan"``.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import json
import math
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from autograd import ops
from autograd.testing import DOMAINS, OPS, Expression, Step

FIXTURES = Path(__file__).parent / "fixtures"
REGENERATE = "run `make fixtures` to record it again"
NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def encode(x: Any) -> Any:
    """``x`` as strict JSON data: non-finite floats become strings, tuples lists."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, list | tuple):
        return [encode(v) for v in x]
    if isinstance(x, dict):
        return {k: encode(v) for k, v in x.items()}
    return x


def decode(x: Any) -> Any:
    """The inverse of ``encode`` (every string that names a non-finite float is one)."""
    if isinstance(x, str):
        return NON_FINITE.get(x, x)
    if isinstance(x, list):
        return [decode(v) for v in x]
    if isinstance(x, dict):
        return {k: decode(v) for k, v in x.items()}
    return x


def same(a: Any, b: Any, rel: float = 1e-12) -> bool:
    """``a`` and ``b`` agree: numbers to ``rel`` (nan with nan, inf with the same inf), recursively."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], rel) for k in a)
    if isinstance(a, float | int) and isinstance(b, float | int):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or math.isclose(a, b, rel_tol=rel, abs_tol=0.0)
    return bool(a == b)


@dataclass(frozen=True)
class Oracle:
    """Cases ``{key: inputs}`` and ``answer(library, inputs)``, the reference library's answer."""

    name: str  # the fixture is tests/fixtures/<name>.json
    library: str  # the module that answers, imported only to record or to check live
    cases: dict[str, Any]
    answer: Callable[[ModuleType, Any], Any]
    live: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # For cases drawn by Hypothesis when recording, kept in the fixture beside their answers (``cases``
    # is then read from the fixture).
    draw: Callable[[], dict[str, Any]] | None = None

    def keys(self) -> list[str]:
        return list(self.cases)

    def __getitem__(self, key: str) -> Any:
        """The recorded answer to case ``key``; checked against the library itself where it is installed."""
        stored = _fixture(self.name)["cases"].get(key)
        assert stored is not None, f"tests/fixtures/{self.name}.json has no case {key!r}: {REGENERATE}"
        assert json.dumps(stored["inputs"]) == json.dumps(encode(self.cases[key])), (
            f"the inputs of case {key!r} changed since tests/fixtures/{self.name}.json was written: "
            f"{REGENERATE}"
        )
        recorded = decode(stored["answer"])
        library = installed(self.library)
        if library is not None:
            if key not in self.live:
                self.live[key] = decode(encode(self.answer(library, self.cases[key])))
            assert same(self.live[key], recorded), (
                f"{self.library} now answers case {key!r} of tests/fixtures/{self.name}.json otherwise: "
                f"{self.live[key]!r}, recorded {recorded!r}: {REGENERATE}"
            )
        return recorded

    def record(self, library: ModuleType) -> dict[str, Any]:
        """The fixture's contents: every case's inputs and the library's answer."""
        cases = self.draw() if self.draw else self.cases
        return {
            "recorded with": f"{self.library.split('.')[0]} {library_version(library)}",
            "cases": {
                key: {"inputs": encode(inputs), "answer": encode(self.answer(library, inputs))}
                for key, inputs in cases.items()
            },
        }


def library_version(library: ModuleType) -> str:
    top = importlib.import_module(library.__name__.split(".")[0])
    return str(getattr(top, "__version__", None) or metadata.version(top.__name__))


@cache
def _fixture(name: str) -> dict[str, Any]:
    path = FIXTURES / f"{name}.json"
    assert path.exists(), f"tests/fixtures/{name}.json is missing: {REGENERATE}"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def installed(name: str) -> ModuleType | None:
    """The module ``name`` if it can be imported, else None: the live oracle where there is one."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _float64(torch: ModuleType, xs: Any, grad: bool = True) -> Any:
    return torch.tensor(xs, dtype=torch.float64, requires_grad=grad)


# Losses: each case is a loss, its predictions and its targets; the answer the loss and its gradient.


def _loss_answer(torch: ModuleType, case: dict[str, Any]) -> dict[str, Any]:
    functional = torch.nn.functional
    preds = _float64(torch, case["preds"])
    loss = case["loss"]
    if loss == "cross_entropy":
        out = functional.cross_entropy(preds, torch.tensor(case["targets"]))
    elif loss == "hinge_loss":  # micrograd's loss has no torch function of its own
        out = torch.relu(1 - _float64(torch, case["targets"], grad=False) * preds).mean()
    else:
        out = getattr(functional, loss)(preds, _float64(torch, case["targets"], grad=False))
    out.backward()
    return {"loss": out.item(), "grad": preds.grad.tolist()}


def _loss_cases() -> dict[str, Any]:
    rng = random.Random(17)

    def numbers(n: int, scale: float) -> list[float]:
        return [round(rng.uniform(-scale, scale), 6) for _ in range(n)]

    cases: dict[str, Any] = {
        # at the hinge: y s = 1 exactly, where relu'(0) = 0, and y s = 1 - 2**-20 just inside
        "hinge_loss at the margin": {
            "loss": "hinge_loss",
            "preds": [1.0, -1.0, 1 - 2**-20],
            "targets": [1, -1, 1],
        },
        "binary_cross_entropy_with_logits of huge logits": {
            "loss": "binary_cross_entropy_with_logits",
            "preds": [1000.0, -1000.0, 1000.0, -1000.0, 0.0, 40.0],
            "targets": [1.0, 1.0, 0.0, 0.0, 0.5, 0.25],
        },
        "cross_entropy of huge logits": {
            "loss": "cross_entropy",
            "preds": [[1000.0, -1000.0, 0.0]] * 2,
            "targets": [0, 1],
        },
    }
    for k, n in enumerate([1, 3, 8]):
        cases[f"mse_loss {k}"] = {"loss": "mse_loss", "preds": numbers(n, 10), "targets": numbers(n, 10)}
        cases[f"hinge_loss {k}"] = {
            "loss": "hinge_loss",
            "preds": numbers(n, 3),
            "targets": [rng.choice([-1, 1]) for _ in range(n)],
        }
        cases[f"binary_cross_entropy_with_logits {k}"] = {
            "loss": "binary_cross_entropy_with_logits",
            "preds": numbers(n, 20),
            "targets": [round(rng.random(), 6) for _ in range(n)],
        }
        cases[f"cross_entropy of one example {k}"] = {
            "loss": "cross_entropy",
            "preds": numbers(n + 1, 10),
            "targets": rng.randrange(n + 1),
        }
        cases[f"cross_entropy of a batch {k}"] = {
            "loss": "cross_entropy",
            "preds": [numbers(3, 10) for _ in range(n)],
            "targets": [rng.randrange(3) for _ in range(n)],
        }
    return cases


LOSSES = Oracle("losses", "torch", _loss_cases(), _loss_answer)


# Optimizers: each case is an optimizer's settings, a start, the gradient at each step and, for a
# schedule, the lr of each step; the answer the parameters after each step.


def _optimizer_answer(torch: ModuleType, case: dict[str, Any]) -> list[list[float]]:
    p = _float64(torch, case["start"])
    optimizer = getattr(torch.optim, case["optimizer"])([p], **case["settings"])
    trajectory = []
    for k, g in enumerate(case["grads"]):
        if case["lrs"]:
            optimizer.param_groups[0]["lr"] = case["lrs"][k]
        optimizer.zero_grad()
        p.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        trajectory.append(p.tolist())
    return trajectory


OPTIMIZER_SETTINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "SGD": ("SGD", {"lr": 0.1}),
    "SGD momentum": ("SGD", {"lr": 0.1, "momentum": 0.9}),
    "SGD momentum dampening": ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}),
    "SGD nesterov": ("SGD", {"lr": 0.1, "momentum": 0.8, "nesterov": True}),
    "SGD weight decay": ("SGD", {"lr": 0.1, "weight_decay": 0.3}),
    "SGD everything": ("SGD", {"lr": 0.05, "momentum": 0.7, "dampening": 0.2, "weight_decay": 0.1}),
    "SGD nesterov weight decay": (
        "SGD",
        {"lr": 0.05, "momentum": 0.6, "weight_decay": 0.2, "nesterov": True},
    ),
    "Adam": ("Adam", {"lr": 0.01}),
    "Adam betas": ("Adam", {"lr": 0.1, "betas": (0.5, 0.6)}),
    "Adam large eps": ("Adam", {"lr": 0.1, "betas": (0.8, 0.9), "eps": 0.5}),
    "Adam weight decay": ("Adam", {"lr": 0.1, "betas": (0.7, 0.8), "weight_decay": 0.3}),
}


def _optimizer_cases() -> dict[str, Any]:
    rng = random.Random(3)

    def numbers(n: int) -> list[float]:
        return [round(rng.uniform(-5, 5), 6) for _ in range(n)]

    cases = {}
    for key, (optimizer, settings) in OPTIMIZER_SETTINGS.items():
        grads = [numbers(3) for _ in range(8)]
        grads[3][1] = 0.0  # a step without gradient still moves a parameter with momentum
        case = {"optimizer": optimizer, "settings": settings, "start": numbers(3), "grads": grads}
        cases[key] = {**case, "lrs": None}
        lrs = [settings["lr"] * (1 - k / 10) for k in range(8)]  # a schedule set between steps
        cases[f"{key}, lr scheduled"] = {**case, "lrs": lrs}
    return cases


OPTIMIZERS = Oracle("optimizers", "torch", _optimizer_cases(), _optimizer_answer)


# torch.nn.Linear's init: weights from kaiming_uniform_(a=sqrt(5)), bias from uniform(+-1/sqrt(fan_in)).


def _init_answer(torch: ModuleType, nin: int) -> dict[str, float]:
    linear = torch.nn.Linear(nin, 1)
    fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(linear.weight)
    gain = torch.nn.init.calculate_gain("leaky_relu", math.sqrt(5))
    return {"weight": gain * math.sqrt(3 / fan_in), "bias": 1 / math.sqrt(fan_in)}


INIT_BOUNDS = Oracle("init", "torch", {f"nin={n}": n for n in (1, 2, 3, 9, 16, 100)}, _init_answer)


# The demo's model trained in PyTorch: the losses of each step and the weights at the end.

TRAINING_STEPS = 20
TRAINING_L2 = 1e-4  # the demo's penalty


def _training_answer(torch: ModuleType, case: dict[str, Any]) -> dict[str, Any]:
    from nn import MLP, to_torch
    from nn.data import make_moons

    X, y = make_moons(n_samples=case["points"], noise=0.1, seed=case["seed"])
    sequential = to_torch(MLP(2, [16, 16, 1], seed=case["seed"]))
    optimizer = getattr(torch.optim, case["optimizer"])(sequential.parameters(), **case["settings"])
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    losses = []
    for _ in range(TRAINING_STEPS):
        scores = sequential(Xt).squeeze(1)
        if case["loss"] == "hinge + L2":
            penalty = sum((p * p).sum() for p in sequential.parameters())
            loss = torch.relu(1 - (2 * yt - 1) * scores).mean() + TRAINING_L2 * penalty
        else:
            loss = torch.nn.functional.binary_cross_entropy_with_logits(scores, yt)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    linears = [m for m in sequential if type(m).__name__ == "Linear"]
    return {
        "losses": losses,
        "layers": [{"weight": m.weight.tolist(), "bias": m.bias.tolist()} for m in linears],
    }


TRAINING = Oracle(
    "training",
    "torch",
    {
        f"{optimizer}, {loss}": {
            "optimizer": optimizer,
            "settings": {"SGD": {"lr": 0.1, "momentum": 0.9}, "Adam": {"lr": 0.05}}[optimizer],
            "loss": loss,
            "points": 50,
            "seed": 1337,
        }
        for optimizer, loss in [
            ("SGD", "hinge + L2"),
            ("Adam", "hinge + L2"),
            ("Adam", "binary cross-entropy"),
        ]
    },
    _training_answer,
)


# micrograd 0.1.0's MLP after random.seed(seed): its parameters, in its order.


def _micrograd_answer(micrograd_nn: ModuleType, case: dict[str, Any]) -> list[float]:
    state = random.getstate()
    try:
        random.seed(case["seed"])
        return [p.data for p in micrograd_nn.MLP(case["nin"], case["nouts"]).parameters()]
    finally:
        random.setstate(state)


MICROGRAD_WEIGHTS = Oracle(
    "micrograd",
    "micrograd.nn",
    {"demo model, seed 1337": {"seed": 1337, "nin": 2, "nouts": [16, 16, 1]}},
    _micrograd_answer,
)


# Every op of the table at the edges of its domain, with a gradient g arriving from above: 1, or inf,
# -inf or nan, which make 0 * g a nan wherever PyTorch's backward multiplies instead of masking. For
# each row of arguments the answer is the op's value and the gradient of each argument.

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1000.0, -1000.0, 1e-300, math.inf, -math.inf, math.nan]
UPSTREAM = [1.0, math.inf, -math.inf, math.nan]
EXPONENTS = [2.0, 3.0, 0.5, -1.0, 0.0]  # x ** c: the ops "**2", ..., "**0"


def edge_rows(op: ops.Op) -> list[list[float]]:
    """Arguments at the edges of ``op``'s domain: each edge for one argument, every pair for two, and
    short rows for the n-ary ops (dot's weights, then its inputs)."""
    if op.group is not None:
        return [[a, b, c, d] for a, b in itertools.pairwise(EDGES) for c, d in ((0.0, 2.0), (math.inf, -1.0))]
    if len(op.domain) == 2:
        return [[x, y] for x in EDGES for y in EDGES]
    return [[x] for x in EDGES]


def power_rows(c: float) -> list[list[float]]:
    """The edges for ``x ** c``, but -0.0 and -inf to a fractional power, where PyTorch's ``t ** 0.5``
    is ``sqrt`` (-0.0 with a derivative of -inf; nan) and its ``t ** tensor(0.5)`` is C's pow (+0.0
    with +inf; inf), as here."""
    return [[x] for x in EDGES if not (c % 1 and x in (0, -math.inf) and math.copysign(1, x) < 0)]


def _in_torch(torch: ModuleType, case: dict[str, Any], tensors: list[Any]) -> Any:
    """The case's function of ``tensors`` in PyTorch: ``torch.<name>``, ``x ** c``, or an expression."""
    if "power" in case:
        return tensors[0] ** case["power"]
    if "expression" in case:
        return EXPRESSIONS[case["expression"]](*tensors)
    function = functools.reduce(getattr, case["torch"].split("."), torch)
    if case["group"] is not None:  # sum of one stacked tensor, dot of two
        op = next(op for op in ops.TABLE if op.name == case["group"])
        return function(*(torch.stack(list(a)) for a in op.args(tensors)))
    return function(*tensors)


def _edges_answer(torch: ModuleType, case: dict[str, Any]) -> list[list[Any]]:
    """For each row: the value, and each argument's gradient with ``g`` from above."""
    answers = []
    for xs in case["rows"]:
        tensors = [_float64(torch, x) for x in xs]
        out = _in_torch(torch, case, tensors)
        out.backward(torch.tensor(case["g"], dtype=torch.float64))
        answers.append([out.item(), [t.grad.item() for t in tensors]])
    return answers


# Expressions of two inputs whose backward pass meets a gradient of exactly 0, which backward() skips
# unless a local derivative is inf or nan; written once, for Values and for tensors alike.
EXPRESSIONS: dict[str, Callable[..., Any]] = {
    "x * y * 0": lambda x, y: x * y * 0.0,
    "relu(x * y)": lambda x, y: (x * y).relu(),
    "log(x) * 0 + y": lambda x, y: x.log() * 0.0 + y,
}
TORCH_NAMES = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}


def _edge_cases() -> dict[str, Any]:
    cases: dict[str, Any] = {}
    for op in ops.TABLE:
        if op.torch is not None:
            for g in UPSTREAM:
                spec = {"torch": op.torch, "group": op.name if op.group else None}
                cases[f"{op.name} with {g} from above"] = {**spec, "rows": edge_rows(op), "g": g}
    for c in EXPONENTS:
        for g in UPSTREAM:
            cases[f"**{c:g} with {g} from above"] = {"power": c, "rows": power_rows(c), "g": g}
    softplus = {"torch": "nn.functional.softplus", "group": None, "rows": [[x] for x in EDGES]}
    for g in UPSTREAM:  # an op defined by a test, as a user would add one
        cases[f"softplus with {g} from above"] = {**softplus, "g": g}
    xs, ys = (
        [-2.0, -0.0, 0.0, 0.5, 2.0, math.inf, math.nan],
        [-1.0, 0.0, 0.5, 2.0, 3.0, -0.5, math.inf, math.nan],
    )
    for name, torch_name in TORCH_NAMES.items():
        rows = [[x, y] for x in xs for y in ys]
        cases[f"{name} at more edges"] = {"torch": torch_name, "group": None, "rows": rows, "g": 1.0}
    for name in EXPRESSIONS:
        rows = [[x, y] for x in EDGES for y in (-2.0, 0.0, 2.0, math.inf)]
        cases[f"{name} at the edges"] = {"expression": name, "rows": rows, "g": 1.0}
    return cases


EDGE_ANSWERS = Oracle("edges", "torch", _edge_cases(), _edges_answer)


def edge_answers(key: str) -> list[tuple[list[float], float, list[float]]]:
    """Case ``key`` of ``EDGE_ANSWERS`` as (arguments, PyTorch's value, PyTorch's gradients) rows."""
    rows = EDGE_ANSWERS.cases[key]["rows"]
    return [(xs, value, grads) for xs, (value, grads) in zip(rows, EDGE_ANSWERS[key], strict=True)]


def edge_answer(key: str, xs: list[float]) -> tuple[float, list[float]]:
    """PyTorch's value and gradients for the row ``xs`` (nan matching nan) of case ``key``."""
    wanted = json.dumps(encode(xs))  # as text, so that -0.0 is not 0.0 and nan is nan
    return next(
        (value, grads) for row, value, grads in edge_answers(key) if json.dumps(encode(row)) == wanted
    )


# Forward mode: each op's value and tangents from torch.func.jvp, at points inside its domain.


def _domain_rows(name: str) -> list[list[float]]:
    """Five points inside op ``name``'s domain (``autograd.testing.DOMAINS``), the same on every run."""
    rng = random.Random(name)
    n = {"sum": 3, "dot": 4}.get(name, len(DOMAINS[name]))
    intervals = DOMAINS[name] * n if name in ("sum", "dot") else DOMAINS[name]
    return [[round(rng.uniform(*rng.choice(intervals[i])), 6) for i in range(n)] for _ in range(5)]


def _tangents_answer(torch: ModuleType, case: dict[str, Any]) -> list[list[list[float]]]:
    """For each row, for each argument i: the value and the tangent along e_i."""
    from torch_forms import TORCH

    answers = []
    for xs in case["rows"]:
        primals = tuple(_float64(torch, x, grad=False) for x in xs)
        row = []
        for i in range(len(xs)):
            directions = tuple(_float64(torch, 1.0 if j == i else 0.0, grad=False) for j in range(len(xs)))
            value, tangent = torch.func.jvp(TORCH[case["op"]], primals, directions)
            row.append([value.item(), tangent.item()])
        answers.append(row)
    return answers


TANGENTS = Oracle(
    "tangents", "torch", {op: {"op": op, "rows": _domain_rows(op)} for op in OPS}, _tangents_answer
)


# Random expressions of autograd.testing, drawn once when recording (derandomized) and kept in the
# fixture: torch.autograd.functional's jacobian, jvp and vjp of every node, hessian and hvp of the last.


def expression(case: dict[str, Any]) -> Expression:
    """The case's expression, rebuilt from its steps."""
    return Expression(case["n"], tuple(Step(op, tuple(args)) for op, args in case["steps"]))


def _graph_answer(torch: ModuleType, case: dict[str, Any]) -> dict[str, Any]:
    from torch_forms import torch_function

    functional = torch.autograd.functional
    f = expression(case)

    def tensors(xs: list[float]) -> tuple[Any, ...]:
        return tuple(_float64(torch, x, grad=False) for x in xs)

    def plain(result: Any) -> Any:
        return [plain(r) for r in result] if isinstance(result, tuple | list) else result.item()

    nodes, last, xs = torch_function(f, every_node=True), torch_function(f), tensors(case["xs"])
    return {
        "jacobian": plain(functional.jacobian(nodes, xs)),
        "jvp": plain(functional.jvp(nodes, xs, tensors(case["v_in"]))),
        "vjp": plain(functional.vjp(nodes, xs, tensors(case["v_nodes"]))),
        "hessian": plain(functional.hessian(last, xs)),
        "hvp": plain(functional.hvp(last, xs, tensors(case["v_in"]))),
    }


def _draw_graphs() -> dict[str, Any]:
    """Thirty expressions of one to three inputs and up to 12 ops, with directions for jvp, vjp, hvp."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from autograd.testing import expressions, reals

    drawn: dict[str, Any] = {}
    graphs = st.integers(1, 3).flatmap(lambda n: expressions(n_inputs=n, max_ops=12))

    @settings(derandomize=True, max_examples=100, database=None, deadline=None)
    @given(graphs, st.data())
    def collect(f_xs: tuple[Expression, list[float]], data: st.DataObject) -> None:
        f, xs = f_xs
        direction = lambda n: data.draw(st.lists(reals(-2, 2), min_size=n, max_size=n))  # noqa: E731
        steps = [[step.op, list(step.args)] for step in f.steps]
        case = {"n": f.n_inputs, "steps": steps, "xs": xs, "v_in": direction(len(xs))}
        drawn.setdefault(repr(f), {**case, "v_nodes": direction(len(xs) + len(steps))})

    collect()
    return {f"graph {k}: {source}": case for k, (source, case) in enumerate(list(drawn.items())[:30])}


def _recorded_cases(name: str) -> dict[str, Any]:
    path = FIXTURES / f"{name}.json"
    if not path.exists():
        return {}
    cases: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return {key: decode(case["inputs"]) for key, case in cases.items()}


FUNCTIONAL = Oracle("graphs", "torch", _recorded_cases("graphs"), _graph_answer, draw=_draw_graphs)


# The shapes of torch.autograd.functional's answers: one input or output a number, several a tuple.
SHAPES: dict[str, Callable[..., Any]] = {
    "R->R": lambda x: (x * x).sin(),
    "R^2->R": lambda x, y: (x * y).sin(),
    "R->R^2": lambda x: (x * x, x.exp()),
    "R^2->R^3": lambda x, y: (x * y, x.exp(), y),
}


def _shapes_answer(torch: ModuleType, case: dict[str, Any]) -> dict[str, Any]:
    functional = torch.autograd.functional
    f = SHAPES[case["shape"]]

    def tensors(xs: float | list[float]) -> Any:
        return _float64(torch, xs, grad=False) if isinstance(xs, float) else tuple(tensors(x) for x in xs)

    def plain(result: Any) -> Any:
        return [plain(r) for r in result] if isinstance(result, tuple | list) else result.item()

    x, v_in, v_out = tensors(case["x"]), tensors(case["v_in"]), tensors(case["v_out"])
    answer = {
        "jacobian": plain(functional.jacobian(f, x)),
        "jvp": plain(functional.jvp(f, x, v_in)),
        "vjp": plain(functional.vjp(f, x, v_out)),
    }
    if case["shape"].endswith("->R"):
        answer |= {"hessian": plain(functional.hessian(f, x)), "hvp": plain(functional.hvp(f, x, v_in))}
    return answer


FUNCTIONAL_SHAPES = Oracle(
    "shapes",
    "torch",
    {
        "R->R": {"shape": "R->R", "x": 0.5, "v_in": 2.0, "v_out": 3.0},
        "R^2->R": {"shape": "R^2->R", "x": [0.5, -1.5], "v_in": [2.0, 1.0], "v_out": 3.0},
        "R->R^2": {"shape": "R->R^2", "x": 0.5, "v_in": 2.0, "v_out": [3.0, -1.0]},
        "R^2->R^3": {"shape": "R^2->R^3", "x": [0.5, -1.5], "v_in": [2.0, 1.0], "v_out": [3.0, -1.0, 0.25]},
    },
    _shapes_answer,
)


# micrograd's demo (demo.ipynb), its loop as written there, only the imports chosen by the caller and
# scikit-learn's make_moons replaced by nn.data's (as numpy arrays, as scikit-learn returns them).
MICROGRAD_DEMO = """
np.random.seed(1337)
random.seed(1337)
X, y = make_moons(n_samples=100, noise=0.1)

y = y*2 - 1 # make y be -1 or 1

model = MLP(2, [16, 16, 1]) # 2-layer neural network
print(model)
print("number of parameters", len(model.parameters()))

# loss function
def loss(batch_size=None):

    # inline DataLoader :)
    if batch_size is None:
        Xb, yb = X, y
    else:
        ri = np.random.permutation(X.shape[0])[:batch_size]
        Xb, yb = X[ri], y[ri]
    inputs = [list(map(Value, xrow)) for xrow in Xb]

    # forward the model to get scores
    scores = list(map(model, inputs))

    # svm "max-margin" loss
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    total_loss = data_loss + reg_loss

    # also get accuracy
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
    return total_loss, sum(accuracy) / len(accuracy)

total_loss, acc = loss()
print(total_loss, acc)

# optimization
for k in range(100):

    # forward
    total_loss, acc = loss()

    # backward
    model.zero_grad()
    total_loss.backward()

    # update (sgd)
    learning_rate = 1.0 - 0.9*k/100
    for p in model.parameters():
        p.data -= learning_rate * p.grad

    if k % 1 == 0:
        print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")
"""


def run_micrograd_demo(value: type, mlp: type, steps: int) -> list[tuple[float, float]]:
    """micrograd's demo loop with ``Value`` and ``MLP`` from wherever they were imported, for ``steps``
    steps: the loss and accuracy of each step."""
    import numpy as np

    from nn.data import make_moons as moons

    def make_moons(n_samples: int, noise: float) -> tuple[Any, Any]:
        X, y = moons(n_samples=n_samples, noise=noise, seed=1337)
        return np.array(X), np.array(y)

    printed: list[str] = []
    namespace = {"np": np, "random": random, "make_moons": make_moons, "Value": value, "MLP": mlp}
    namespace |= {"print": lambda *args: printed.append(" ".join(map(str, args)))}
    state = random.getstate()
    try:
        exec(MICROGRAD_DEMO.replace("range(100)", f"range({steps})"), namespace)
    finally:
        random.setstate(state)
    found = (re.fullmatch(r"step \d+ loss (\S+), accuracy (\S+)%", line) for line in printed)
    return [(float(m[1]), float(m[2])) for m in found if m]


MICROGRAD_DEMO_STEPS = Oracle(
    "micrograd-demo",
    "micrograd.nn",
    {"first steps": 4},
    lambda micrograd_nn, steps: run_micrograd_demo(
        importlib.import_module("micrograd.engine").Value, micrograd_nn.MLP, steps
    ),
)


def every_oracle() -> Iterator[Oracle]:
    """Every Oracle of this module, for the script that records them."""
    yield from (o for o in globals().values() if isinstance(o, Oracle))
