"""Is a change slower? One step of the demo, this checkout against another commit, in one process.

    python benchmarks/ab_step.py 2c3378c [rounds, default 100]

The other commit's ``autograd`` and ``nn`` are taken with ``git archive`` and imported under other
names (``before_autograd``, ``before_nn``), so that both run in one process, in turn, step after
step: the noise of a shared machine then falls on both alike, which separate processes do not
achieve. The step is ``python -m nn.demo``'s (moons, ``MLP(2, [16, 16, 1])``, hinge loss plus L2,
backward, SGD, then collecting the garbage, since where the collector runs depends on what was
allocated before: compare whole steps. Each row is the fastest CPU time over the rounds; the ratio
is this checkout's over the other's.
"""

from __future__ import annotations

import gc
import importlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PHASES = ("forward", "loss", "backward", "SGD step", "collecting garbage")
ROOT = Path(__file__).resolve().parent.parent


def extract(commit: str, into: Path) -> None:
    """``autograd`` and ``nn`` at ``commit`` as the packages ``before_autograd`` and ``before_nn``."""
    command = ["git", "archive", "--format=tar", commit, "autograd", "nn"]
    archive = subprocess.run(command, cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            package, rest = member.name.split("/", 1)
            target = into / f"before_{package}" / rest
            target.parent.mkdir(parents=True, exist_ok=True)
            text = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith(".py"):
                source = re.sub(
                    r"^(\s*)import autograd$",
                    r"\1import before_autograd as autograd",
                    text.decode(),
                    flags=re.M,
                )
                text = re.sub(r"^(\s*)from (autograd|nn)\b", r"\1from before_\2", source, flags=re.M).encode()
            target.write_bytes(text)


def step(prefix: str) -> Callable[[], list[float]]:
    """The demo's step with the packages ``{prefix}autograd`` and ``{prefix}nn``; it returns the CPU
    seconds of each phase."""
    autograd = importlib.import_module(f"{prefix}autograd")
    nn = importlib.import_module(f"{prefix}nn")
    data = importlib.import_module(f"{prefix}nn.data")
    losses = importlib.import_module(f"{prefix}nn.losses")
    X, y = data.make_moons(n_samples=100, noise=0.1, seed=1337)
    labels = [2 * t - 1 for t in y]
    model = nn.MLP(2, [16, 16, 1], seed=1337)
    optimizer = nn.SGD(model.parameters(), lr=0.01)

    def run() -> list[float]:
        t0 = time.process_time()
        scores = [model(x) for x in X]
        t1 = time.process_time()
        params = model.parameters()
        loss = losses.hinge_loss(scores, labels) + 1e-4 * autograd.dot(params, params)
        t2 = time.process_time()
        optimizer.zero_grad()
        loss.backward()
        t3 = time.process_time()
        optimizer.step()
        t4 = time.process_time()
        del scores, loss
        gc.collect()
        t5 = time.process_time()
        return [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]

    return run


def main() -> None:
    commit = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory() as folder:
        extract(commit, Path(folder))
        sys.path[:0] = [folder, str(ROOT)]
        runs = {commit: step("before_"), "this checkout": step("")}
        times: dict[str, list[list[float]]] = {name: [] for name in runs}
        gc.collect()
        gc.freeze()
        for k in range(rounds):
            for name in runs if k % 2 else reversed(runs):  # each goes first every other round
                times[name].append(runs[name]())
    print(f"one demo step: the fastest of {rounds} rounds in CPU time (ms), each phase and the whole step")
    print(f"| phase | {commit} | this checkout | ratio |\n|---|---:|---:|---:|")
    rows = [(phase, [min(t[j] for t in times[name]) for name in runs]) for j, phase in enumerate(PHASES)]
    rows.append(("whole step", [min(map(sum, times[name])) for name in runs]))
    for phase, (before, after) in rows:
        print(f"| {phase} | {before * 1e3:.2f} | {after * 1e3:.2f} | {after / before:.3f} |")


if __name__ == "__main__":
    main()
