"""nn.save and nn.load_into: JSON files, written atomically, read without running code."""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import nn
from autograd import Value
from nn import MLP, Module

posix_only = pytest.mark.skipif(os.name != "posix", reason="kills and stops a process with POSIX signals")


def no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON: strict readers refuse it")


def read_strictly(path: Path) -> Any:
    """The file as a strict JSON reader (a browser's, Go's, jq's) reads it: no NaN or Infinity tokens."""
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=no_constant)


def test_save_then_load_into_restores_the_model(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    saved = MLP(2, [4, 1], seed=0)
    nn.save(saved, path)
    loaded = nn.load_into(MLP(2, [4, 1], seed=1), path)
    assert loaded.state_dict() == saved.state_dict()
    assert read_strictly(path) == saved.state_dict()


def test_save_replaces_an_existing_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    nn.save(MLP(2, [1], seed=0), path)
    nn.save(MLP(2, [1], seed=1), path)
    assert read_strictly(path) == MLP(2, [1], seed=1).state_dict()
    assert os.listdir(tmp_path) == ["model.json"]


def test_a_file_that_is_not_json_is_named(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    path.write_bytes(b"\x80\x04\x95 pickled bytes")
    with pytest.raises(ValueError, match=r"model.pkl' is not a saved model: it is not valid JSON"):
        nn.load_into(MLP(2, [1], seed=0), path)


def test_a_file_for_another_model_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    nn.save(MLP(2, [3, 1], seed=0), path)
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"missing keys.*'layers\.0\.neurons\.3\.w\.0'"):
        nn.load_into(model, path)
    assert model.state_dict() == before


def test_nn_never_imports_pickle() -> None:
    sources = Path(nn.__file__).parent.glob("*.py")
    assert not any(
        "pickle" in line for src in sources for line in src.read_text().splitlines() if "import" in line
    )


class Big(Module):
    """Parameters enough for a save to take a while, so that a kill lands in the middle of one."""

    def __init__(self, n: int = 50_000) -> None:
        self.w = [Value(i / 7) for i in range(n)]


WRITER = """
import sys
sys.path.insert(0, sys.argv[4])
from nn import save
from test_nn_io import Big
model = Big(int(sys.argv[3]))
print("ready", flush=True)
for _ in range(int(sys.argv[2])):
    save(model, sys.argv[1])
"""


def temporaries(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def start_writer(path: Path, saves: int, size: int = 50_000) -> subprocess.Popen[str]:
    """A process that saves Big(size) to ``path`` ``saves`` times; returns once one of its saves has
    made its temporary file."""
    before = set(temporaries(path.parent))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(saves), str(size), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    deadline = time.monotonic() + 60
    while set(temporaries(path.parent)) <= before and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    return writer


def wait_until_written(writer: subprocess.Popen[str], folder: Path) -> None:
    """Return once the writer's temporary file holds some of its JSON (or the writer has ended)."""
    deadline = time.monotonic() + 60
    while writer.poll() is None and time.monotonic() < deadline:
        for name in temporaries(folder):
            with contextlib.suppress(FileNotFoundError):  # renamed the moment it was listed
                if os.path.getsize(folder / name):
                    return
        time.sleep(0.0005)


@posix_only
def test_a_save_killed_midway_leaves_the_previous_file_whole_and_the_next_save_clears_its_leftovers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "model.json"
    nn.save(Big(), path)
    before = path.read_bytes()
    mine = tmp_path / ".model.json.notes.tmp"  # the user's own file, whose name only looks like ours
    mine.write_text("keep me")
    for _ in range(20):  # a kill may land just after a save has renamed its file: try again
        writer = start_writer(path, saves=1000)
        writer.kill()
        writer.wait()
        if len(temporaries(tmp_path)) > 1:  # its file and mine
            break
    leftovers = [name for name in temporaries(tmp_path) if name != mine.name]
    assert leftovers, "no kill landed mid-save in 20 tries"
    assert path.read_bytes() == before

    small = MLP(2, [3, 1], seed=0)
    nn.save(small, path)
    assert temporaries(tmp_path) == [mine.name]
    assert mine.read_text() == "keep me"
    assert read_strictly(path) == small.state_dict()


@posix_only
def test_a_save_killed_with_its_json_half_written_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    old = MLP(2, [3, 1], seed=0)
    nn.save(old, path)
    before = path.read_bytes()
    whole = len(json.dumps(Big().state_dict(), indent=1))
    for _ in range(20):  # the kill must land after some of the JSON is written and before the rest
        writer = start_writer(path, saves=1)
        wait_until_written(writer, tmp_path)
        writer.kill()
        writer.wait()
        written = [(tmp_path / name).read_text() for name in temporaries(tmp_path)]
        if written and 0 < len(written[0]) < whole:
            break
        for name in temporaries(tmp_path):
            (tmp_path / name).unlink()
    assert written and 0 < len(written[0]) < whole, "no kill landed mid-write in 20 tries"
    with pytest.raises(ValueError):
        json.loads(written[0])  # what the killed save had written: half a file
    assert path.read_bytes() == before
    assert nn.load_into(MLP(2, [3, 1], seed=2), path).state_dict() == old.state_dict()


WRITER_ON_A_FULL_DISK = """
import errno, resource, signal, sys
sys.path.insert(0, sys.argv[2])
from nn import save
from test_nn_io import Big
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so that a write beyond the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
try:
    save(Big(), sys.argv[1])
except OSError as e:
    print(errno.errorcode[e.errno])
"""


@posix_only
def test_a_save_that_fails_to_write_raises_and_leaves_the_previous_file_and_nothing_else(
    tmp_path: Path,
) -> None:
    path = tmp_path / "model.json"
    nn.save(MLP(2, [3, 1], seed=0), path)
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", WRITER_ON_A_FULL_DISK, str(path), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout == "EFBIG\n", result.stderr  # the file grew past 8 KiB, as on a full disk
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]


@posix_only
def test_a_save_does_not_clear_the_file_of_a_save_still_running(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    writer = start_writer(path, saves=1)
    wait_until_written(writer, tmp_path)  # past its lock: a file made but not yet locked is fair game
    os.kill(writer.pid, signal.SIGSTOP)  # paused mid-save, as a busy machine may pause it
    try:
        running = temporaries(tmp_path)
        assert len(running) == 1
        nn.save(MLP(2, [3, 1], seed=0), path)
        assert temporaries(tmp_path) == running
    finally:
        os.kill(writer.pid, signal.SIGCONT)
    assert writer.wait(timeout=120) == 0
    assert temporaries(tmp_path) == []
    assert read_strictly(path) == Big().state_dict()  # its save finished last


@posix_only
def test_saves_racing_to_one_path_all_succeed_and_leave_one_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    writers = [start_writer(path, saves=40, size=300) for _ in range(4)]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0, 0]
    assert os.listdir(tmp_path) == ["model.json"]
    assert read_strictly(path) == Big(300).state_dict()


def test_saving_through_a_symbolic_link_writes_the_file_it_points_to(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    real = tmp_path / "runs" / "model-v2.json"
    nn.save(MLP(2, [1], seed=0), real)
    link = tmp_path / "model.json"
    link.symlink_to(Path("runs") / "model-v2.json")
    model = MLP(2, [1], seed=1)
    nn.save(model, link)
    assert link.is_symlink()
    assert read_strictly(real) == model.state_dict()
    assert sorted(os.listdir(tmp_path / "runs")) == ["model-v2.json"]


def test_saving_through_a_dangling_symbolic_link_creates_the_file_it_points_to(tmp_path: Path) -> None:
    link = tmp_path / "model.json"
    link.symlink_to("model-v3.json")
    model = MLP(2, [1], seed=1)
    nn.save(model, link)
    assert link.is_symlink()
    assert read_strictly(tmp_path / "model-v3.json") == model.state_dict()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_save_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    nn.save(MLP(2, [1], seed=0), path)
    path.chmod(0o640)
    nn.save(MLP(2, [1], seed=1), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_non_finite_parameters_are_written_as_strict_json_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    model = MLP(2, [1], seed=0)
    w = model.layers[0].neurons[0].w
    w[0].data, w[1].data, model.layers[0].neurons[0].b.data = math.nan, math.inf, -math.inf
    nn.save(model, path)
    assert list(read_strictly(path).values()) == ["NaN", "Infinity", "-Infinity"]
    loaded = nn.load_into(MLP(2, [1], seed=1), path)
    a, b = loaded.layers[0].neurons[0].w
    assert math.isnan(a.data)
    assert (b.data, loaded.layers[0].neurons[0].b.data) == (math.inf, -math.inf)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"layers.0.neurons.0.b": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "[1.0, 2.0, 3.0]",
        '"layers.0.neurons.0.b"',
    ],
)
def test_a_file_that_is_not_a_state_dict_is_refused_and_changes_nothing(tmp_path: Path, text: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(text)
    model = MLP(2, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"model.json' is not a saved model"):
        nn.load_into(model, path)
    assert model.state_dict() == before


@pytest.mark.parametrize(
    ("value", "shown"), [([1.0], "is list [1.0]"), ("abc", "is str 'abc'"), ({"a": 1}, "is dict {'a': 1}")]
)
def test_a_saved_value_that_is_not_a_number_is_named_as_it_is_in_the_file(
    tmp_path: Path, value: object, shown: str
) -> None:
    path = tmp_path / "model.json"
    model = MLP(2, [1], seed=0)
    path.write_text(json.dumps(model.state_dict() | {"layers.0.neurons.0.w.1": value}), encoding="utf-8")
    with pytest.raises(ValueError) as error:
        nn.load_into(model, path)
    assert f"  values that are not numbers: 'layers.0.neurons.0.w.1' {shown}\n" in str(error.value)


def test_a_file_that_holds_a_list_says_so(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError) as error:
        nn.load_into(MLP(2, [1], seed=0), path)
    assert str(error.value) == (
        f"{str(path)!r} is not a saved model: it holds a JSON list, "
        "not an object of parameter names to numbers"
    )


def test_a_saved_file_has_one_parameter_a_line_so_that_two_saves_diff_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    model = MLP(2, [1], seed=0)
    nn.save(model, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and len(lines) == len(model.parameters()) + 2
    assert lines[1] == f' "layers.0.neurons.0.w.0": {model.layers[0].neurons[0].w[0].data!r},'
