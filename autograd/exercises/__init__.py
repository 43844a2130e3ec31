"""Checked exercises for the teaching notebooks: ``check(name, answer)`` says whether an answer is right.

In a notebook::

    from autograd.exercises import check

    def power(x, k):
        raise NotImplementedError  # the learner's stub
    check("power", power)          # prints: not attempted yet / done / wrong, with a counterexample

``check`` runs the answer (a function, a class, a number) against the engine on cases Hypothesis
draws and prints one of three things: done; not attempted yet (the answer is ``...``, ``None``, or
raises ``NotImplementedError``); or wrong, with the smallest case Hypothesis shrinks to (the inputs,
the expected and the obtained value) and, for an exercise about a graph, that graph drawn with the
wrong node outlined. It never raises for a wrong or unfinished answer, so a notebook whose exercises
are unsolved still runs top to bottom. ``verdict(name, answer)`` returns the same finding as a
``Verdict`` instead of printing it (for tests).

``check`` speaks English; the Chinese notebooks (``notebooks/zh/``) make it speak Chinese with one
set-up cell, ``set_language("zh")``, and every report after it, counterexamples included, is in
Chinese. Errors of the library itself stay English.

The pattern: one module per notebook, named for its subject (``chain_rule`` for notebook 01,
``build``, ``backprop``, ...), listed in ``MODULES`` below. A module defines each exercise as a
judge registered with ``core.exercise(name, cases)``: ``judge(answer, case)`` builds the engine's
result and the answer's on one case and returns ``None`` or a ``core.Mismatch``. Every sentence the
learner reads goes through ``text.say``; a module adds its own with ``text.add_texts``, in English
and in Chinese (a test fails when a key has no Chinese). Adding a notebook's exercises is one new
module and its name in ``MODULES``. The reference solutions live apart, in ``notebooks/solutions/``,
and the tests check them, and a planted wrong answer for each exercise, against these judges.
"""

from importlib import import_module

from .core import EXERCISES, Verdict, check, verdict
from .text import set_language

__all__ = ["EXERCISES", "MODULES", "Verdict", "check", "set_language", "verdict"]

# One per notebook, in the order of the series.
MODULES = ("chain_rule", "build", "backprop", "training", "checking", "beyond")

for _module in MODULES:
    import_module(f"{__name__}.{_module}")
