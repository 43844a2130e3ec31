"""python -m nn.demo, end to end in a temporary folder; and micrograd's result: 100% on moons."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_nn_io import read_strictly

import autograd
import nn
from autograd import Value
from nn import MLP, SGD, hinge_loss
from nn.data import make_moons
from nn.demo import main

from oracles import MICROGRAD_DEMO_STEPS, run_micrograd_demo

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_the_demo_writes_its_pictures_and_model(tmp_path: Path) -> None:
    out = tmp_path / "pictures"
    result = subprocess.run(
        [sys.executable, "-m", "nn.demo", "--steps", "3", "--out", str(out), "--hidden", "4", "--seed", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "moons, MLP(2, [4, 1], activation='relu'), 3 steps" in result.stdout
    assert "final accuracy" in result.stdout
    assert len(result.stderr) < 500  # no progress bar when stderr is not a terminal
    assert sorted(p.name for p in out.iterdir()) == [
        "decision_boundary.png",
        "loss.png",
        "model.json",
        "model.svg",
        "neuron.svg",
    ]
    for png in ["decision_boundary.png", "loss.png"]:
        assert (out / png).read_bytes().startswith(PNG_MAGIC)
    svg = ET.parse(out / "neuron.svg").getroot()
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"w.0", "w.1", "b", "x.0", "x.1", "out", "*", "+", "relu"} <= texts
    drawn = ET.parse(out / "model.svg").getroot()
    texts = {t.text for t in drawn.iter("{http://www.w3.org/2000/svg}text")}
    assert {"x0", "x1", "L0.n0", "L0.n3", "L1.n0"} <= texts  # draw_model: the network's neurons
    saved = read_strictly(out / "model.json")
    assert len(saved) == len(MLP(2, [4, 1]).parameters())


@pytest.mark.parametrize("dataset", ["circles", "xor", "spirals"])
def test_every_data_set_runs(tmp_path: Path, dataset: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--steps", "2", "--hidden", "3", "--dataset", dataset, "--out", str(tmp_path)])
    assert capsys.readouterr().out.startswith(f"{dataset}, ")
    nn.load_into(MLP(2, [3, 1]), tmp_path / "model.json")


def test_bad_options_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--steps", "0"])
    assert "at least 1" in capsys.readouterr().err


def test_the_full_demo_reaches_100_percent_on_moons_as_micrograds_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "moons, MLP(2, [16, 16, 1], activation='relu'), 100 steps" in out
    assert "final accuracy 100%" in out


def unwritable_places(tmp_path: Path) -> list[tuple[Path, str]]:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    places = [(a_file, "is a file, not a folder"), (a_file / "pictures", "cannot write into")]
    if Path("/proc/self").is_dir():  # a place no one may write, root included
        places.append((Path("/proc/valuegrad-demo"), "cannot write into"))
    return places


def test_an_output_folder_that_cannot_be_written_is_refused_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for out, message in unwritable_places(tmp_path):
        with pytest.raises(SystemExit) as exit:
            main(["--out", str(out)])  # the full 100 steps, were it to train
        assert exit.value.code == 2
        captured = capsys.readouterr()
        assert captured.out == ""  # no training happened: it prints its result when done
        *_, last = captured.err.strip().splitlines()
        assert last.startswith(f"python -m nn.demo: error: argument --out: {out}")
        assert message in last, last


def test_micrograds_demo_runs_unchanged_with_its_imports_swapped() -> None:
    """micrograd's demo.ipynb loop, as written, on autograd.Value and nn.MLP: micrograd's numbers for
    its first steps (recorded from micrograd 0.1.0 in tests/fixtures/micrograd-demo.json), and 100% at
    the end."""
    steps = run_micrograd_demo(Value, MLP, 100)
    assert len(steps) == 100
    theirs = MICROGRAD_DEMO_STEPS["first steps"]
    for (loss, accuracy), (their_loss, their_accuracy) in zip(steps, theirs, strict=False):
        assert loss == pytest.approx(their_loss, rel=1e-12) and accuracy == their_accuracy
    assert steps[-1][1] == 100.0


def demo_model(folder: Path, *options: str) -> dict[str, float]:
    main(["--steps", "1", "--hidden", "3", "--out", str(folder), *options])
    saved: dict[str, float] = json.loads((folder / "model.json").read_text())
    return saved


def test_the_seed_option_chooses_the_data_and_the_weights_and_defaults_to_1337(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = demo_model(tmp_path / "default")
    assert demo_model(tmp_path / "1337", "--seed", "1337") == default
    other = demo_model(tmp_path / "7", "--seed", "7")
    assert other != default
    # one step of SGD (lr 1.0) on hinge + 1e-4 L2 from MLP(2, [3, 1], seed=7) on make_moons(seed=7)
    X, y = make_moons(n_samples=100, noise=0.1, seed=7)
    model = MLP(2, [3, 1], seed=7)
    params = model.parameters()
    loss = hinge_loss([model(x) for x in X], [2 * v - 1 for v in y]) + 1e-4 * autograd.dot(params, params)
    loss.backward()
    SGD(params, lr=1.0).step()
    assert other == pytest.approx(model.state_dict(), rel=1e-12, abs=1e-15)
