"""The engine against micrograd: micrograd's demo training step, bytes per node, a deep chain.

Both sides build micrograd's graph (one node per `*` and `+`) for micrograd's demo: moons, 100 points,
MLP(2, [16, 16, 1]), SVM max-margin loss plus L2, full batch. Runs alternate, and the table reports
medians, so that a noisy shared machine slows both sides alike.

    python benchmarks/bench_engine.py   (or `make bench`, which installs micrograd==0.1.0 first)
"""

from __future__ import annotations

import itertools
import random
import sys
import time
import tracemalloc
from typing import Any

import micrograd.engine
from timing import alternate

from autograd import Value
from nn.data import make_moons

sys.setrecursionlimit(10_000)  # micrograd's recursive backward needs more than the default here


class MLP:
    """micrograd's MLP, for any Value class: one node per multiply and per add."""

    def __init__(self, value: Any, sizes: list[int], seed: int = 0) -> None:
        rng = random.Random(seed)
        self.value = value
        self.layers = [
            [
                ([value(rng.uniform(-1, 1)) for _ in range(nin)], value(0.0), i < len(sizes) - 2)
                for _ in range(nout)
            ]
            for i, (nin, nout) in enumerate(itertools.pairwise(sizes))
        ]

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for w, b, _ in layer for p in [*w, b]]

    def __call__(self, x: list[Any]) -> Any:
        for layer in self.layers:
            outs = []
            for w, b, nonlin in layer:
                act = sum((wi * xi for wi, xi in zip(w, x)), b)
                outs.append(act.relu() if nonlin else act)
            x = outs
        return x[0]


def training_step(value: Any, model: MLP, xs: list[list[float]], ys: list[float]) -> float:
    """micrograd's demo step: forward, SVM max-margin loss plus L2, backward, SGD."""
    scores = [model([value(a) for a in row]) for row in xs]
    losses = [(1 + -y * s).relu() for y, s in zip(ys, scores)]
    loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data -= 0.05 * p.grad
    return float(loss.data)


def bytes_per_node(value: Any, n: int = 100_000) -> float:
    """Memory that a chain of n multiplications holds, per node (tracemalloc)."""
    c = value(1.000001)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    x = value(1.0)
    for _ in range(n):
        x = x * c
    size = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del x
    return size / n


def chain_seconds(n: int) -> float:
    """Seconds to build and backpropagate a chain of n nodes."""
    start = time.perf_counter()
    x = Value(1.0)
    c = Value(1.0000001)
    for _ in range(n):
        x = x * c
    x.backward()
    return time.perf_counter() - start


def main(rounds: int = 7) -> None:
    xs, labels = make_moons(n_samples=100, noise=0.1, seed=1337)
    ys = [2.0 * label - 1 for label in labels]
    ours, theirs = MLP(Value, [2, 16, 16, 1]), MLP(micrograd.engine.Value, [2, 16, 16, 1])
    step = alternate(
        {
            "micrograd": lambda: training_step(micrograd.engine.Value, theirs, xs, ys),
            "valuegrad": lambda: training_step(Value, ours, xs, ys),
        },
        rounds,
    )
    mem = {"micrograd": bytes_per_node(micrograd.engine.Value), "valuegrad": bytes_per_node(Value)}
    print(f"Engine, micrograd's granularity (median of {rounds} alternating runs)\n")
    print("| measure | micrograd 0.1.0 | valuegrad | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| demo training step (s) | {step['micrograd']:.3f} | {step['valuegrad']:.3f} "
        f"| {step['micrograd'] / step['valuegrad']:.1f}x faster |"
    )
    print(
        f"| bytes per node | {mem['micrograd']:.0f} | {mem['valuegrad']:.0f} "
        f"| {mem['micrograd'] / mem['valuegrad']:.1f}x fewer |"
    )
    print(
        f"| 1,000,000-node chain, build + backward (s) | RecursionError | {chain_seconds(1_000_000):.2f} | |"
    )


if __name__ == "__main__":
    main()
