"""autograd.compile against graph size: compile time and replay time from 10^4 to 10^6 edges.

The graph: tanh layers of 50 neurons, each neuron one ``autograd.dot`` node over the layer before
(50 weights, 50 inputs: 100 edges) and a tanh (1 edge), every layer sharing one weight matrix, then
their sum; as many layers as make the edges. Each size is built and compiled once (wall and CPU
time), replayed three times (the best is shown), and the interpreted engine's forward and backward on
the same graph are timed beside it; the gradients of both must be equal. Both times must grow
linearly: the per-edge columns stay flat.

    python benchmarks/bench_compile.py   (or `make bench`)
"""

from __future__ import annotations

import gc
import random
import time

import autograd
from autograd import Value
from autograd.graph import topological_order

WIDTH = 50
SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000)


def layers(n_layers: int) -> tuple[list[Value], list[Value], Value]:
    """The weights, the inputs, and the sum of the last layer of ``n_layers`` tanh layers."""
    rng = random.Random(0)
    ws = [Value(rng.uniform(-1, 1) / WIDTH**0.5) for _ in range(WIDTH * WIDTH)]
    h = xs = [Value(rng.uniform(-1, 1)) for _ in range(WIDTH)]
    rows = [ws[i * WIDTH : (i + 1) * WIDTH] for i in range(WIDTH)]
    for _ in range(n_layers):
        h = [z.tanh() for z in autograd.dot(rows, h)]
    return ws, xs, autograd.sum(h)


def main() -> None:
    print("autograd.compile: compile and replay time against graph size (one run each)\n")
    print(
        "| edges | lines | compile s | compile CPU s | CPU µs/edge | replay ms | replay µs/edge "
        "| interpreted ms |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for target in SIZES:
        gc.collect()
        start = time.perf_counter()
        ws, xs, out = layers(max(1, round(target / (WIDTH * (2 * WIDTH + 1)))))
        out.backward()
        interpreted = time.perf_counter() - start
        inputs = ws + xs
        expected = [x.grad for x in inputs]
        edges = sum(len(n._prev) for n in topological_order(out))
        start, cpu = time.perf_counter(), time.process_time()
        step = autograd.compile(out, inputs)
        built, built_cpu = time.perf_counter() - start, time.process_time() - cpu
        replays = []
        for _ in range(3):
            for x in inputs:
                x.grad = 0.0
            gc.collect()
            start = time.perf_counter()
            step()
            replays.append(time.perf_counter() - start)
            assert [x.grad for x in inputs] == expected, "the compiled gradients differ from backward()'s"
        replay = min(replays)
        print(
            f"| {edges:,} | {step.source.count(chr(10)):,} | {built:.2f} | {built_cpu:.2f} "
            f"| {built_cpu / edges * 1e6:.1f} | {replay * 1e3:.1f} | {replay / edges * 1e6:.2f} "
            f"| {interpreted * 1e3:.0f} |"
        )
        del out, step


if __name__ == "__main__":
    main()
