"""How an answer is checked: registered exercises, the search for a counterexample, the verdict.

An exercise is a strategy of cases and a judge. ``judge(answer, case)`` runs the learner's answer
on one case, against the engine, and returns ``None`` when they agree or a ``Mismatch`` saying what
was expected and what was obtained. ``verdict`` asks Hypothesis for a case where they disagree; if
there is one, Hypothesis shrinks it to the smallest, which is what the learner reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

try:
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample
except ImportError as error:
    raise ImportError(
        "autograd.exercises needs Hypothesis, which the 'hypothesis' extra installs: "
        "pip install 'valuegrad[hypothesis]'"
    ) from error

from .text import say

SEARCH = settings(
    max_examples=100,
    derandomize=True,  # the same cases on every run, so a notebook's saved output never goes stale
    database=None,  # nothing written beside the learner's notebook
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.generate, Phase.shrink),
)


class Note:
    """A sentence of ``text.TEXTS`` with its fields, rendered in the language of the moment it is read."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        self.fields = fields

    def __str__(self) -> str:
        return say(self.key, **self.fields)

    def __repr__(self) -> str:
        return f"Note({self.key!r}, **{self.fields!r})"


@dataclass(frozen=True)
class Mismatch:
    """How an answer went wrong on one case: ``expected`` and ``obtained`` as the learner should read
    them (``"x.grad = 2.0"``), and, for an exercise about a graph, the node whose graph to draw
    with the wrong nodes outlined. ``note`` says more where the numbers alone do not."""

    expected: str | Note
    obtained: str | Note
    graph: Any = None
    highlight: tuple[Any, ...] = ()
    note: Note | None = None


Judge = Callable[[Any, Any], "Mismatch | None"]


@dataclass(frozen=True)
class Exercise:
    """``cases`` draws the inputs, ``show(case)`` writes them as the learner would (``x = 0.5``),
    ``judge`` compares answer and engine on a case; the fixed ``examples`` are tried once Hypothesis
    finds nothing (a chain too deep for a recursive sort, say)."""

    name: str
    cases: st.SearchStrategy[Any]
    judge: Judge
    show: Callable[[Any], str] = repr
    examples: tuple[Any, ...] = ()


EXERCISES: dict[str, Exercise] = {}


def exercise(
    name: str,
    cases: st.SearchStrategy[Any] | None = None,
    *,
    show: Callable[[Any], str] = repr,
    examples: tuple[Any, ...] = (),
) -> Callable[[Judge], Judge]:
    """Register the decorated judge as the exercise ``name``. Without ``cases`` the judge is called
    once, with ``None``: for an answer that is a number, not a function of inputs."""

    def register(judge: Judge) -> Judge:
        if name in EXERCISES:
            raise ValueError(f"exercise(): the name {name!r} is taken: exercise names are unique")
        EXERCISES[name] = Exercise(name, st.none() if cases is None else cases, judge, show, examples)
        return judge

    return register


Status = Literal["done", "not attempted", "wrong"]


@dataclass(frozen=True)
class Verdict:
    """What ``check`` says: the status and, for a wrong answer, the case and its mismatch."""

    name: str
    status: Status
    inputs: str = ""
    mismatch: Mismatch | None = None

    def __str__(self) -> str:
        if self.mismatch is None:
            return say("done" if self.status == "done" else "stub", name=self.name)
        lines = [say("wrong" if self.inputs else "wrong_value", name=self.name)]
        rows = [("inputs", self.inputs), ("expected", self.mismatch.expected)]
        rows.append(("obtained", self.mismatch.obtained))
        shown = [(say("field", title=say(key)), str(value)) for key, value in rows if str(value)]
        width = max(len(field) for field, _ in shown)
        lines += [f"    {field:<{width}} {value}" for field, value in shown]
        if self.mismatch.note is not None:
            lines.append(f"    {self.mismatch.note}")
        return "\n".join(lines)


class NotAttempted(Exception):
    """The answer is still a stub."""


def is_stub(answer: object) -> bool:
    """``...`` or ``None`` as the answer itself: the stub of an exercise whose answer is a value."""
    return answer is ... or answer is None


def _judged(exercise: Exercise, answer: object, case: object) -> Mismatch | None:
    """The judge's finding, with any exception of the learner's code turned into a mismatch."""
    try:
        return exercise.judge(answer, case)
    except NotImplementedError as error:
        raise NotAttempted from error
    except Exception as error:  # the learner's code may fail in any way; say how, do not stop
        return Mismatch("", Note("raised", error=f"{type(error).__name__}: {error}"))


def verdict(name: str, answer: object) -> Verdict:
    """Judge ``answer`` to the exercise ``name`` on the cases Hypothesis draws, then on the fixed
    examples, and return the verdict of the smallest case where it disagrees with the engine."""
    if name not in EXERCISES:
        raise ValueError(say("unknown", name=name, names=", ".join(sorted(EXERCISES))))
    exercise = EXERCISES[name]
    if is_stub(answer):
        return Verdict(name, "not attempted")
    stubbed = False

    def disagrees(case: object) -> bool:
        nonlocal stubbed
        try:
            return _judged(exercise, answer, case) is not None
        except NotAttempted:
            stubbed = True
            return True

    try:
        cases = [find(exercise.cases, disagrees, settings=SEARCH)]
    except NoSuchExample:
        cases = list(exercise.examples)
    if stubbed:
        return Verdict(name, "not attempted")
    for case in cases:
        try:
            mismatch = _judged(exercise, answer, case)
        except NotAttempted:
            return Verdict(name, "not attempted")
        if mismatch is not None:
            return Verdict(name, "wrong", exercise.show(case), mismatch)
    return Verdict(name, "done")


def check(name: str, answer: object) -> None:
    """Print whether ``answer`` solves the exercise ``name``: done, not attempted yet, or wrong with
    the smallest counterexample (drawn, in Jupyter, when the exercise is about a graph). It never
    raises for a wrong or unfinished answer, so a notebook with unsolved exercises runs through."""
    result = verdict(name, answer)
    print(result)
    if result.mismatch is not None and result.mismatch.graph is not None:
        _show_graph(result.mismatch)


def _show_graph(mismatch: Mismatch) -> None:
    """Display the counterexample's graph in Jupyter, the wrong nodes outlined; elsewhere nothing."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is None:
        return
    from ..draw import draw_dot

    try:
        picture = draw_dot(mismatch.graph, local_grads=True, highlight=mismatch.highlight)
    except Exception:  # a node of the learner's own that draw_dot cannot read: the text must do
        return
    print(say("graph_drawn"))
    display(picture)  # type: ignore[no-untyped-call]


def close(obtained: object, expected: float, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    """``obtained`` is a real number within rounding of ``expected`` (both nan counts as equal)."""
    if isinstance(obtained, bool) or not isinstance(obtained, (int, float)):
        try:
            obtained = float(obtained)  # type: ignore[arg-type]  # a NumPy scalar, say
        except (TypeError, ValueError):
            return False
    if math.isnan(expected):
        return math.isnan(obtained)
    return math.isclose(obtained, expected, rel_tol=rel, abs_tol=abs_)


def shown(x: object) -> str:
    """A number as Python writes it (every digit), anything else as its repr."""
    return repr(float(x)) if isinstance(x, (int, float)) and not isinstance(x, bool) else repr(x)
