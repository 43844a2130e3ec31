"""Saving a model's parameters to a JSON file and loading them back, with no pickle anywhere: a
model file is data, and loading one never runs code."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import TypeVar

from .module import Module

M = TypeVar("M", bound=Module)


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model.state_dict()`` to ``path`` as JSON, atomically.

    The JSON goes to a new file beside ``path``, is flushed to disk, and then renamed over ``path``
    in one step, so a crash at any moment leaves either the previous file or the new one, whole.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8") as f:
            json.dump(model.state_dict(), f, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
        _sync_directory(path.parent)  # so that the rename itself survives a power cut
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _sync_directory(folder: Path) -> None:
    if os.name == "posix":
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def load_into(model: M, path: str | os.PathLike[str]) -> M:
    """Set ``model``'s parameters from a file that ``save`` wrote, and return the model.

    The model must be built like the saved one (same sizes); if the file does not fit it, the error
    lists the keys that differ and the model is left unchanged.
    """
    with open(path, encoding="utf-8") as f:
        try:
            state = json.load(f)
        except ValueError as e:  # bad JSON, or bytes that are not UTF-8 text
            raise ValueError(
                f"{os.fspath(path)!r} is not a saved model: it is not valid JSON ({e})"
            ) from None
    model.load_state_dict(state)
    return model
