"""``python -m nn.demo``: micrograd's demo, trained with this library, and its pictures.

micrograd's demo trains ``MLP(2, [16, 16, 1])`` on 100 points of the moons data set with the SVM
hinge loss plus an L2 penalty (1e-4 times the sum of squared parameters), by full-batch gradient
descent with a learning rate falling from 1.0 to 0.1 over 100 steps, and reaches 100% accuracy.
This does the same with ``nn``, then writes into ``--out``:

- ``decision_boundary.png``: the model's score over the plane, its zero line, and the data;
- ``loss.png``: the loss and the accuracy at every step;
- ``neuron.svg``: one neuron of the first layer on one input, with the gradients of its backward
  pass, drawn as micrograd's graph (one node per multiply and add);
- ``model.json``: the trained parameters, which ``nn.load_into(model, path)`` reads back.

This module alone uses tqdm and matplotlib (the ``demo`` extra); the rest of ``nn`` needs only the
standard library.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure
from tqdm import tqdm  # type: ignore[import-untyped]  # tqdm ships no type information

import autograd
from autograd import Value, draw_dot, no_grad

from .data import Dataset, make_circles, make_moons, make_spirals, make_xor
from .io import save
from .layers import MLP, Neuron
from .losses import hinge_loss
from .optim import SGD

DATASETS = {"moons": make_moons, "circles": make_circles, "xor": make_xor, "spirals": make_spirals}
ALPHA = 1e-4  # the weight of micrograd's L2 penalty
GRID = 60  # the decision boundary is drawn from the model's scores on a GRID x GRID grid


def loss_and_accuracy(model: MLP, X: list[list[float]], labels: list[int]) -> tuple[Value, float]:
    """micrograd's demo loss (hinge plus L2) for labels -1/+1, and the fraction classified right."""
    scores = [model(x) for x in X]
    params = model.parameters()
    loss = hinge_loss(scores, labels) + ALPHA * autograd.dot(params, params)  # L2: sum of p * p
    right = sum((s.data > 0) == (y > 0) for s, y in zip(scores, labels))
    return loss, right / len(labels)


def train(
    model: MLP, X: list[list[float]], labels: list[int], steps: int, compiled: bool = False
) -> list[tuple[float, float]]:
    """micrograd's training loop: ``steps`` full-batch steps of SGD with the learning rate falling
    linearly from 1.0 to 0.1. Returns the loss and the accuracy before each step.

    ``compiled``: record the graph once and replay it (``autograd.compile``), for the same losses."""
    optimizer = SGD(model.parameters(), lr=1.0)
    step = autograd.compile(loss_and_accuracy(model, X, labels)[0], model.parameters()) if compiled else None
    history = []
    bar = tqdm(range(steps), desc="training", unit="step", file=sys.stderr, disable=None)
    for k in bar:
        optimizer.zero_grad()
        if step is None:
            loss, accuracy = loss_and_accuracy(model, X, labels)
            loss.backward()
            value = loss.data
        else:  # the scores for the accuracy from a forward pass that records nothing
            with no_grad():
                accuracy = loss_and_accuracy(model, X, labels)[1]
            value = step()
        optimizer.lr = 1.0 - 0.9 * k / steps
        optimizer.step()
        history.append((value, accuracy))
        bar.set_postfix(loss=f"{value:.4f}", accuracy=f"{accuracy:.0%}")
    return history


def plot_decision_boundary(model: MLP, data: Dataset, path: Path) -> None:
    X, y = data
    lows = [min(x[i] for x in X) - 0.5 for i in (0, 1)]
    highs = [max(x[i] for x in X) + 0.5 for i in (0, 1)]
    axes = [[lo + (hi - lo) * j / (GRID - 1) for j in range(GRID)] for lo, hi in zip(lows, highs)]
    with no_grad():
        scores = [[model([a, b]).data for a in axes[0]] for b in axes[1]]
    fig = Figure(figsize=(6, 5), layout="constrained")
    ax = fig.subplots()
    levels = [k / 2 for k in range(-6, 7)]  # scores beyond +-3 share the end colours
    filled = ax.contourf(axes[0], axes[1], scores, levels=levels, cmap="RdBu", extend="both", alpha=0.8)
    ax.contour(axes[0], axes[1], scores, levels=[0.0], colors="black", linewidths=1.5)
    ax.scatter([x[0] for x in X], [x[1] for x in X], c=y, cmap="RdBu", vmin=-0.5, vmax=1.5, edgecolors="k")
    fig.colorbar(filled, ax=ax, label="score (class 1 where > 0)")
    ax.set(title=f"{model!r}: decision boundary", xlabel="x0", ylabel="x1")
    fig.savefig(path, dpi=120)


def plot_loss(history: list[tuple[float, float]], path: Path) -> None:
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    ax.plot([loss for loss, _ in history], color="tab:blue", label="loss (hinge + L2)")
    ax.set(xlabel="step", yscale="log", title="training")
    ax.set_ylabel("loss (hinge + L2)", color="tab:blue")
    right = ax.twinx()
    right.plot([accuracy for _, accuracy in history], color="tab:orange", label="accuracy")
    right.set(ylim=(0, 1.05))
    right.set_ylabel("accuracy", color="tab:orange")
    fig.savefig(path, dpi=120)


def draw_neuron(model: MLP, X: list[list[float]], path: Path) -> None:
    """The first neuron of the first layer, rebuilt as micrograd's graph with the trained weights,
    on the first input that it does not zero out (so that gradients flow), after backward()."""
    trained = model.layers[0].neurons[0]
    neuron = Neuron(len(trained.w), activation=trained.activation, seed=0, fused=False)
    neuron.load_state_dict(trained.state_dict())
    for name, p in neuron.named_parameters():
        p.label = name
    with no_grad():
        x = next((x for x in X if neuron(x).data > 0), X[0])
    out = neuron([Value(v, label=f"x.{i}") for i, v in enumerate(x)])
    out.label = "out"
    out.backward()
    path.write_bytes(draw_dot(out, parameters=neuron.parameters()).pipe(format="svg"))


def positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"needs a whole number of at least 1, got {text}")
    return number


def output_folder(text: str) -> Path:
    """The folder ``--out`` names, made if need be and checked writable before any training."""
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise argparse.ArgumentTypeError(f"{text}: cannot write into it ({e.strerror or e})") from None
    return folder


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m nn.demo",
        description="Train micrograd's demo MLP with nn and write its pictures.",
    )
    parser.add_argument("--steps", type=positive, default=100, help="training steps (default 100)")
    parser.add_argument(
        "--seed", type=int, default=1337, help="seed of the data and the weights (default 1337)"
    )
    parser.add_argument("--dataset", choices=DATASETS, default="moons", help="the data set (default moons)")
    parser.add_argument(
        "--hidden", type=positive, nargs="+", default=[16, 16], help="hidden layer widths (default 16 16)"
    )
    parser.add_argument(
        "--out", type=output_folder, default="demo-output", help="output folder (default demo-output)"
    )
    parser.add_argument(
        "--compile", action="store_true", help="train through the graph compiled once (autograd.compile)"
    )
    args = parser.parse_args(argv)

    X, y = data = DATASETS[args.dataset](n_samples=100, noise=0.1, seed=args.seed)
    labels = [2 * label - 1 for label in y]
    model = MLP(2, [*args.hidden, 1], seed=args.seed)
    start = time.perf_counter()
    history = train(model, X, labels, args.steps, compiled=args.compile)
    seconds = time.perf_counter() - start
    with no_grad():
        loss, accuracy = loss_and_accuracy(model, X, labels)
    print(
        f"{args.dataset}, {model!r}, {args.steps} steps in {seconds:.1f} s: "
        f"loss {loss.data:.4f}, final accuracy {accuracy:.0%}"
    )

    out = args.out
    plot_decision_boundary(model, data, out / "decision_boundary.png")
    plot_loss(history, out / "loss.png")
    draw_neuron(model, X, out / "neuron.svg")
    save(model, out / "model.json")
    print(f"wrote decision_boundary.png, loss.png, neuron.svg and model.json into {out}/")


if __name__ == "__main__":
    main()
