"""nn against micrograd and against pure Python: one step of micrograd's demo.

The step: moons, 100 points, ``MLP(2, [16, 16, 1])``, SVM hinge loss plus 1e-4 times the sum of
squared parameters, backward, SGD with micrograd's falling learning rate. Five contenders take it:

- micrograd 0.1.0 running its own demo loop;
- the same loop, character for character, with the imports swapped to ``autograd.Value`` and
  ``nn.MLP`` (whose neurons are one ``autograd.dot`` node each);
- nn's own loop, as ``python -m nn.demo`` runs it (``hinge_loss``, the L2 penalty as one
  ``autograd.dot`` node, ``nn.SGD``);
- the same step through ``autograd.compile``: nn's graph recorded once, replayed as generated
  Python (``python -m nn.demo --compile``); compiling it is a row of its own;
- the same network written out by hand on lists of floats, forward and backward, with no graph at
  all: the floor for pure Python. Twice: dense, doing every multiply-add of backpropagation, and
  sparse, skipping the neurons whose gradient is 0, as ``backward()`` skips such nodes.

All six start from the same weights, so they must compute the same losses step after step (the
script checks). Runs alternate between the contenders (see ``timing.alternate``), and the table
reports medians, so that a noisy shared machine slows every contender alike.

    python benchmarks/bench_nn.py   (or `make bench`, which installs micrograd==0.1.0 first)
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable
from operator import mul
from typing import Any

from nn import MLP, SGD
from nn.data import make_moons
from nn.demo import loss_and_accuracy

try:
    import micrograd.engine
    import micrograd.nn
except ImportError:
    sys.exit("bench_nn needs micrograd 0.1.0: run `make bench`, or `pip install micrograd==0.1.0`")

from timing import alternate

import autograd

STEPS = 100  # micrograd's demo length, which sets its learning-rate schedule
DENSE = "hand-written floats, dense backward (the floor)"
COMPILED = "nn's graph compiled once, replayed (autograd.compile)"
COMPILE = "autograd.compile of nn's graph (once, not per step)"
SPARSE = "hand-written floats, skipping zero gradients"
SEED = 1337

Data = tuple[list[list[float]], list[int]]
Step = Callable[[int], tuple[float, float]]  # step k -> (loss, accuracy)


def micrograd_loop(value: Any, model: Any, data: Data) -> Step:
    """micrograd's demo loop (demo.ipynb, ``loss()`` and the training cell) for any Value and MLP."""
    X, y = data

    def step(k: int) -> tuple[float, float]:
        inputs = [list(map(value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        acc = sum(accuracy) / len(accuracy)

        model.zero_grad()
        total_loss.backward()

        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        return float(total_loss.data), acc

    return step


def nn_loop(model: MLP, data: Data) -> Step:
    """nn.demo's loop: nn's losses and nn.SGD."""
    X, y = data
    optimizer = SGD(model.parameters(), lr=1.0)

    def step(k: int) -> tuple[float, float]:
        loss, accuracy = loss_and_accuracy(model, X, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.lr = 1.0 - 0.9 * k / STEPS
        optimizer.step()
        return loss.data, accuracy

    return step


def compiled_loop(model: MLP, data: Data) -> Step:
    """nn's step through ``autograd.compile``: the graph recorded once, each step a replay. No scores
    come out of the replay, so no accuracy (None)."""
    X, y = data
    optimizer = SGD(model.parameters(), lr=1.0)
    step = autograd.compile(loss_and_accuracy(model, X, y)[0], model.parameters())

    def replay(k: int) -> tuple[float, Any]:
        optimizer.zero_grad()
        loss: float = step()
        optimizer.lr = 1.0 - 0.9 * k / STEPS
        optimizer.step()
        return loss, None

    return replay


def compiling(model: MLP, data: Data) -> Callable[[], None]:
    """Compile nn's demo graph, recorded once beforehand."""
    loss = loss_and_accuracy(model, *data)[0]

    def compile_once() -> None:
        autograd.compile(loss, model.parameters())

    return compile_once


def by_hand(model: MLP, data: Data, *, sparse: bool) -> Step:
    """The same network and step on lists of floats: weights ``W[layer][neuron][input]``.

    Dense, the backward pass does every multiply-add of backpropagation. Sparse, it skips each
    neuron whose gradient is exactly 0 (a ReLU that is off, a point the hinge loss ignores), as
    ``Value.backward()`` skips each node whose gradient is 0.
    """
    X, y = data
    W = [[[w.data for w in n.w] for n in layer.neurons] for layer in model.layers]
    B = [[n.b.data for n in layer.neurons] for layer in model.layers]
    last = len(W) - 1
    alpha = 1e-4

    def step(k: int) -> tuple[float, float]:
        gW = [[[0.0] * len(row) for row in layer] for layer in W]
        gB = [[0.0] * len(layer) for layer in B]
        scale = 1.0 / len(X)
        loss = 0.0
        right = 0
        for x, label in zip(X, y):
            # forward, keeping each layer's input
            inputs = []
            a = x
            for i in range(len(W)):
                inputs.append(a)
                z = [sum(map(mul, row, a), b) for row, b in zip(W[i], B[i])]
                a = z if i == last else [v if v > 0 else 0.0 for v in z]
            score = a[0]
            right += (label > 0) == (score > 0)
            margin = 1 - label * score
            loss += max(margin, 0.0) * scale
            if sparse and margin <= 0:
                continue
            # backward: d is d loss / d (this layer's output)
            d = [-label * scale if margin > 0 else 0.0]
            for i in range(last, -1, -1):
                a = inputs[i]
                back = [0.0] * len(a)
                for j, dj in enumerate(d):
                    if sparse and dj == 0:
                        continue
                    gW[i][j] = [g + dj * ak for g, ak in zip(gW[i][j], a)]
                    gB[i][j] += dj
                    back = [bk + dj * w for bk, w in zip(back, W[i][j])]
                d = [bk if ak > 0 else 0.0 for bk, ak in zip(back, a)]  # through the relu before
        learning_rate = 1.0 - 0.9 * k / 100
        for i in range(len(W)):
            for j, row in enumerate(W[i]):
                loss += alpha * sum(w * w for w in row) + alpha * B[i][j] ** 2
                W[i][j] = [w - learning_rate * (g + 2 * alpha * w) for w, g in zip(row, gW[i][j])]
                B[i][j] -= learning_rate * (gB[i][j] + 2 * alpha * B[i][j])
        return loss, right / len(X)

    return step


def contenders() -> dict[str, Step]:
    X, y = make_moons(n_samples=100, noise=0.1, seed=SEED)
    data = (X, [2 * label - 1 for label in y])
    # micrograd's MLP and nn's draw the same weights from Python's global generator.
    random.seed(SEED)
    theirs = micrograd.nn.MLP(2, [16, 16, 1])
    random.seed(SEED)
    ours = MLP(2, [16, 16, 1])
    return {
        "micrograd 0.1.0, its demo loop": micrograd_loop(micrograd.engine.Value, theirs, data),
        "nn.MLP, micrograd's loop with imports swapped": micrograd_loop(autograd.Value, ours, data),
        "nn.MLP, nn's loop (hinge_loss, SGD)": nn_loop(MLP(2, [16, 16, 1], seed=SEED), data),
        COMPILED: compiled_loop(MLP(2, [16, 16, 1], seed=SEED), data),
        DENSE: by_hand(MLP(2, [16, 16, 1], seed=SEED), data, sparse=False),
        SPARSE: by_hand(MLP(2, [16, 16, 1], seed=SEED), data, sparse=True),
    }


def recorded(step: Step, history: list[tuple[float, float]]) -> Callable[[], None]:
    """A call that takes the next step and keeps its loss and accuracy in ``history``."""
    return lambda: history.append(step(len(history)))


def main(rounds: int = 9) -> None:
    """Print the per-step medians as a Markdown table, each contender taking one step per round."""
    steps = contenders()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    timed = {name: recorded(step, results[name]) for name, step in steps.items()}
    X, y = make_moons(n_samples=100, noise=0.1, seed=SEED)
    timed[COMPILE] = compiling(MLP(2, [16, 16, 1], seed=SEED), (X, [2 * label - 1 for label in y]))
    medians = alternate(timed, rounds)
    reference = results["micrograd 0.1.0, its demo loop"]
    for name, history in results.items():
        for k, ((loss, accuracy), (expected, expected_accuracy)) in enumerate(zip(history, reference)):
            if not math.isclose(loss, expected, rel_tol=1e-9) or accuracy not in (expected_accuracy, None):
                raise AssertionError(
                    f"{name} computed loss {loss!r} and accuracy {accuracy} at step {k}; "
                    f"micrograd {expected!r} and {expected_accuracy}"
                )
    micrograd_time = medians["micrograd 0.1.0, its demo loop"]
    print(f"nn: one training step of micrograd's demo (median of {rounds} alternating runs)\n")
    print("| contender | ms per step | speed-up over micrograd | time / floor | time / sparse floor |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, median in medians.items():
        if name == COMPILE:
            print(f"| {name} | {median * 1e3:.0f} | | {median / medians[DENSE]:.0f}x | |")
            continue
        print(
            f"| {name} | {median * 1e3:.1f} | {micrograd_time / median:.0f}x "
            f"| {median / medians[DENSE]:.2f}x | {median / medians[SPARSE]:.2f}x |"
        )
    print(f"\nAll contenders computed the same loss and accuracy at each of the {rounds} steps.")
    same = results[COMPILED] and [loss for loss, _ in results[COMPILED]] == [
        loss for loss, _ in results["nn.MLP, nn's loop (hinge_loss, SGD)"]
    ]
    print(f"The compiled step's losses equal nn's loop's to the last bit: {same}.")


if __name__ == "__main__":
    main()
