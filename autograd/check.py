"""Gradient checks: reverse-mode derivatives against central differences, as in PyTorch's gradcheck.

``gradcheck`` compares each d f / d x_i from ``grad`` with (f(x + eps e_i) - f(x - eps e_i)) / 2 eps.
``gradgradcheck`` compares each d2 f / dx_i dx_j from ``grad(..., create_graph=True)`` with central
differences of the first reverse-mode gradient. A failed check raises ``GradcheckError``, whose message is
a table of every derivative compared, so a learner sees at once which input is wrong and by how much.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .engine import Value, grad
from .graph import topological_order
from .modes import enable_grad
from .ops import is_number, to_float

EPS = 1e-6
ATOL = 1e-5
RTOL = 1e-3

OK = "ok"
MISMATCH = "MISMATCH"
KINK = "not differentiable"
NOT_FINITE = "not finite"
EDGE = "near a domain edge"
CANCELLATION = "cancellation"

# Where a derivative fails, how far the check looks for the edge of f's domain (up to 2**8 eps
# away), and which other steps it tries: eps/4 ... eps/256, and 10 eps ... 10**4 eps.
EDGE_SEARCH = 8
OTHER_STEPS = 4

_EXPLANATIONS = {
    MISMATCH: "the analytical derivative is wrong: check the derivative rules, and look for .data or "
    "float() inside f, which cut the graph",
    KINK: "f has a kink within eps of this point (relu or abs at 0, or a branch on .data), where "
    "the derivative is only a convention: check at another point",
    NOT_FINITE: "f or its derivative is inf or nan at this point or within eps of it: check inside "
    "the domain of every op (no log or sqrt of a negative, no division by zero)",
    EDGE: "the point is within a few eps of the edge of f's domain (f is inf or nan there: log or sqrt "
    "near 0), where f bends too sharply for central differences with this eps; a smaller eps agrees "
    "with the analytical value: check again with a smaller eps",
    CANCELLATION: "the numerical side lost its digits to cancellation: rounding error swamps "
    "f(x + eps) - f(x - eps), as where f subtracts large, nearly equal numbers ((x + 1e8) - 1e8) or "
    "x is so large that x + eps rounds; a larger eps agrees with the analytical value: check again "
    "with a larger eps",
}

Inputs = Sequence[Value | float] | Value | float


class GradcheckError(AssertionError):
    """A gradient check failed. An AssertionError, so pytest shows the table as the failure."""


@dataclass(frozen=True, slots=True)
class _Row:
    """One derivative compared: which inputs (``"0"``, or ``"0, 1"`` for d2/dx0 dx1) at which values."""

    inputs: str
    values: str
    numerical: float
    analytical: float
    verdict: str


def gradcheck(
    f: Callable[..., Value],
    inputs: Inputs,
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
    raise_exception: bool = True,
) -> bool:
    """Whether d f / d x_i from reverse mode agrees with central differences for every input.

    ``f`` takes ``len(inputs)`` Values and returns a Value; ``inputs`` are numbers or Values (only
    their data is used). Agreement means |analytical - numerical| <= atol + rtol |numerical|. When
    they disagree this raises ``GradcheckError`` with a table of every input, or returns False
    when ``raise_exception`` is False. A kink or an inf or nan within eps is reported as such, and
    so is a correct derivative that central differences miss at this eps: too close to the edge of
    f's domain (a smaller eps agrees) or lost to rounding (a larger eps agrees). ``eps`` must be
    positive, ``atol`` and ``rtol`` at least 0, all finite: anything else raises at once.
    """
    eps, atol, rtol = _options("gradcheck", eps=eps, atol=atol, rtol=rtol)
    x = _point(inputs)
    leaves, out = _evaluate(f, x)
    analytical = grad(out, leaves)
    judge = _Judge(eps, atol, rtol, finite=True)
    kinked = _kinked(out, leaves)
    rows = []
    for i, xi in enumerate(x):
        along = _value_along(f, x, i)
        numerical, verdict = judge.verdict(along, out.data, analytical[i], kinked[i])
        rows.append(_Row(str(i), _number(xi), numerical, analytical[i], verdict))
    return _report("gradcheck", "reverse-mode gradients", rows, judge, raise_exception)


def gradgradcheck(
    f: Callable[..., Value],
    inputs: Inputs,
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
    raise_exception: bool = True,
) -> bool:
    """Whether the second derivatives d2 f / dx_i dx_j agree with central differences of the gradient.

    The analytical side differentiates ``grad(f(x), x, create_graph=True)`` once more; the numerical
    side is (g(x + eps e_j) - g(x - eps e_j)) / 2 eps for the reverse-mode gradient g. Arguments,
    agreement and the report are as in ``gradcheck``.
    """
    eps, atol, rtol = _options("gradgradcheck", eps=eps, atol=atol, rtol=rtol)
    x = _point(inputs)
    leaves, out = _evaluate(f, x)
    first = grad(out, leaves, create_graph=True)
    hessian = [grad(g, leaves) for g in first]
    judge = _Judge(eps, atol, rtol, finite=math.isfinite(out.data))
    kinked = _kinked(out, leaves)
    gradient = functools.cache(functools.partial(_gradient, f, x))  # each row i reads the same ones
    rows = []
    for i, gi in enumerate(first):
        for j in range(len(x)):
            kink = kinked[i] or kinked[j]
            along = _gradient_along(gradient, i, j)
            numerical, verdict = judge.verdict(along, gi.data, hessian[i][j], kink)
            values = f"{_number(x[i])}, {_number(x[j])}"
            rows.append(_Row(f"{i}, {j}", values, numerical, hessian[i][j], verdict))
    return _report("gradgradcheck", "second derivatives", rows, judge, raise_exception)


def _options(check: str, *, eps: float, atol: float, rtol: float) -> tuple[float, float, float]:
    """``eps``, ``atol`` and ``rtol`` as floats; a TypeError or ValueError naming the option unless
    each is a real number, finite, with eps > 0 and atol, rtol >= 0."""
    rules = [
        ("eps", eps, "the step of the central differences", "a finite number > 0", EPS),
        ("atol", atol, "the absolute tolerance", "a finite number >= 0", ATOL),
        ("rtol", rtol, "the relative tolerance", "a finite number >= 0", RTOL),
    ]
    checked = []
    for name, value, meaning, must, default in rules:
        if isinstance(value, bool) or not is_number(value):
            raise TypeError(
                f"{check}({name}={value!r:.60}): {name} is {meaning} and must be {must}, "
                f"got {type(value).__name__}; the default is {default:g}"
            )
        number = to_float(value)
        if not math.isfinite(number) or number < 0 or (name == "eps" and number == 0):
            raise ValueError(
                f"{check}({name}={value!r}): {name} is {meaning} and must be {must}; "
                f"the default is {default:g}"
            )
        checked.append(number)
    return checked[0], checked[1], checked[2]


def _point(inputs: Inputs) -> list[float]:
    """The numbers to check at: one input, or a sequence of them, each a number or a Value."""
    many = inputs if isinstance(inputs, Iterable) else [inputs]
    return [x.data if isinstance(x, Value) else Value(x).data for x in many]


def _evaluate(f: Callable[..., Value], x: Sequence[float]) -> tuple[list[Value], Value]:
    """Fresh leaves holding ``x``, and ``f`` of them (recorded even inside ``no_grad()``)."""
    leaves = [Value(xi) for xi in x]
    with enable_grad():
        out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(
            f"the function being checked must return a Value, got {type(out).__name__}: "
            f"build its result from its input Values with Value operations"
        )
    return leaves, out


def _gradient(f: Callable[..., Value], x: Sequence[float], j: int, step: float) -> tuple[float, ...]:
    """The reverse-mode gradient of ``f`` at ``x`` with input ``j`` moved by ``step``."""
    leaves, out = _evaluate(f, _shifted(x, j, step))
    return grad(out, leaves)


def _shifted(x: Sequence[float], i: int, step: float) -> list[float]:
    return [xj + step if j == i else xj for j, xj in enumerate(x)]


def _value_along(f: Callable[..., Value], x: Sequence[float], i: int) -> Callable[[float], float]:
    """``f`` along input ``i``: its value at ``x`` with that input moved by a step."""
    return lambda step: _evaluate(f, _shifted(x, i, step))[1].data


def _gradient_along(
    gradient: Callable[[int, float], tuple[float, ...]], i: int, j: int
) -> Callable[[float], float]:
    """d f / d x_i along input ``j``, from ``gradient(j, step)``."""
    return lambda step: gradient(j, step)[i]


def _kinked(out: Value, leaves: Sequence[Value]) -> list[bool]:
    """For each leaf, whether it feeds an op whose arguments sit on one of its kinks (relu or abs at 0,
    as the op table says), where it has no derivative."""
    upstream: set[Value] = set()
    for node in topological_order(out):
        op = node._operation
        if op is not None and op.kink is not None and op.kink(*op.args([p.data for p in node.parents])):
            for parent in node.parents:
                upstream.update(topological_order(parent))
    return [leaf in upstream for leaf in leaves]


@dataclass(frozen=True, slots=True)
class _Judge:
    """Verdicts on derivatives at one point: the step and tolerances, and what f's graph shows there."""

    eps: float
    atol: float
    rtol: float
    finite: bool  # f's value is finite

    def close(self, a: float, b: float) -> bool:
        return abs(a - b) <= self.atol + self.rtol * abs(b)

    def verdict(
        self, phi: Callable[[float], float], mid: float, analytical: float, kink: bool
    ) -> tuple[float, str]:
        """The central difference of ``phi`` (f along one input, as a function of the step) at eps,
        and the verdict on ``analytical``, its derivative at step 0, where its value is ``mid``.

        A kink shows as one-sided differences that disagree. The verdict is ``KINK`` there when a relu
        or abs sits exactly at 0, or when central differences disagree with an analytical value that is
        one of the one-sided derivatives or between them (a subgradient). Where f is differentiable,
        central differences err by about C eps**2 + R / eps. The first term, from f's curvature, is
        large close to the edge of f's domain and vanishes as eps shrinks: the verdict is ``EDGE``
        where f is inf or nan a few eps away and a smaller eps agrees. The second, from rounding, is
        large where f cancels large numbers and vanishes as eps grows: ``CANCELLATION`` where a larger
        eps agrees. A wrong derivative is off at every eps (``MISMATCH``).
        """
        minus, plus = phi(-self.eps), phi(self.eps)
        numerical = (plus - minus) / (2 * self.eps)
        if not (self.finite and all(map(math.isfinite, (minus, mid, plus, numerical, analytical)))):
            return numerical, NOT_FINITE
        left, right = (mid - minus) / self.eps, (plus - mid) / self.eps
        agree = self.close(analytical, numerical)
        smooth = self.close(left, right)
        between = min(left, right) <= analytical <= max(left, right) or any(
            self.close(analytical, side) for side in (left, right)
        )
        if kink and not (agree and smooth):
            return numerical, KINK
        if agree:
            return numerical, OK
        smaller, larger = ([self.eps * base**k for k in range(1, OTHER_STEPS + 1)] for base in (1 / 4, 10))
        if self.edge_near(phi) and self.agrees(phi, analytical, smaller):
            return numerical, EDGE
        if self.agrees(phi, analytical, larger):
            return numerical, CANCELLATION
        return numerical, KINK if not smooth and between else MISMATCH

    def agrees(self, phi: Callable[[float], float], analytical: float, steps: Iterable[float]) -> bool:
        """Whether the central difference with one of ``steps`` is finite and agrees with ``analytical``."""
        differences = ((phi(step) - phi(-step)) / (2 * step) for step in steps)
        return any(math.isfinite(d) and self.close(analytical, d) for d in differences)

    def edge_near(self, phi: Callable[[float], float]) -> bool:
        """Whether ``phi`` is inf or nan within ``2**EDGE_SEARCH`` steps of eps, on either side."""
        steps = (side * self.eps * 2**k for k in range(1, EDGE_SEARCH + 1) for side in (-1, 1))
        return any(not math.isfinite(phi(step)) for step in steps)


def _number(x: float) -> str:
    return f"{x:.6g}"


def _report(check: str, what: str, rows: list[_Row], judge: _Judge, raise_exception: bool) -> bool:
    failed = [row for row in rows if row.verdict != OK]
    if not failed:
        return True
    if not raise_exception:
        return False
    header = (
        f"{check} failed for {len(failed)} of {len(rows)} derivatives: {what} against central "
        f"differences (eps={judge.eps:g}, atol={judge.atol:g}, rtol={judge.rtol:g})"
    )
    notes = [
        f"{verdict}: {_EXPLANATIONS[verdict]}"
        for verdict in _EXPLANATIONS
        if any(r.verdict == verdict for r in rows)
    ]
    raise GradcheckError("\n".join([header, *_table(rows), *notes]))


def _table(rows: list[_Row]) -> list[str]:
    """The rows as aligned text: input, value, numerical, analytical, absolute and relative error, verdict."""
    head = ["input", "value", "numerical", "analytical", "abs error", "rel error", "verdict"]
    cells = [head]
    for row in rows:
        error = abs(row.analytical - row.numerical)
        relative = error / abs(row.numerical) if row.numerical else (0.0 if error == 0 else math.inf)
        numbers = (row.numerical, row.analytical, error, relative)
        cells.append([row.inputs, row.values, *map(_number, numbers), row.verdict])
    widths = [max(len(line[k]) for line in cells) for k in range(len(head))]
    return ["  ".join(c.rjust(w) for c, w in zip(line[:-1], widths)) + "  " + line[-1] for line in cells]
