"""nn.save and nn.load_into: JSON files, written atomically, read without running code."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import nn
from nn import MLP


def test_save_then_load_into_restores_the_model(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    saved = MLP(2, [4, 1], seed=0)
    nn.save(saved, path)
    loaded = nn.load_into(MLP(2, [4, 1], seed=1), path)
    assert loaded.state_dict() == saved.state_dict()
    assert json.loads(path.read_text()) == saved.state_dict()


def test_save_replaces_an_existing_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    nn.save(MLP(2, [1], seed=0), path)
    nn.save(MLP(2, [1], seed=1), path)
    assert json.loads(path.read_text()) == MLP(2, [1], seed=1).state_dict()
    assert os.listdir(tmp_path) == ["model.json"]


def crash(*args: Any, **kwargs: Any) -> None:
    raise KeyboardInterrupt("the power went out")


@pytest.mark.parametrize("where", ["json.dump", "os.fsync", "os.replace"])
def test_a_crash_mid_save_leaves_the_previous_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path = tmp_path / "model.json"
    old = MLP(2, [3, 1], seed=0)
    nn.save(old, path)
    before = path.read_bytes()
    if where == "json.dump":
        # Write half of the new file, then die.
        def half_then_crash(obj: Any, f: Any, **kw: Any) -> None:
            f.write(json.dumps(obj, **kw)[:100])
            f.flush()
            crash()

        monkeypatch.setattr(json, "dump", half_then_crash)
    else:
        monkeypatch.setattr(os, where.removeprefix("os."), crash)
    with pytest.raises(KeyboardInterrupt):
        nn.save(MLP(2, [3, 1], seed=1), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert nn.load_into(MLP(2, [3, 1], seed=2), path).state_dict() == old.state_dict()
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
