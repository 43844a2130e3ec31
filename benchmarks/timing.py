"""Timing on a shared, noisy machine: alternate the contenders and take medians."""

import gc
import statistics
import time
from collections.abc import Callable


def alternate(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds per call of each contender, calling them in turn `rounds` times.

    A call's time includes collecting the garbage it made: micrograd's closures make every node a
    cycle that only the collector frees, and a training loop pays for that sooner or later. What
    exists before the first call (modules, models, data) is frozen out of the collector's sight, so
    that no contender pays for traversing it.
    """
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    try:
        for _ in range(rounds):
            for name, run in contenders.items():
                start = time.perf_counter()
                run()
                gc.collect()
                times[name].append(time.perf_counter() - start)
    finally:
        gc.unfreeze()
    return {name: statistics.median(t) for name, t in times.items()}
