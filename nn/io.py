"""Saving a model's parameters to a JSON file and loading them back, with no pickle anywhere: a
model file is data, and loading one never runs code."""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
import uuid
from pathlib import Path
from typing import IO, Any, TypeVar

from .module import Module

if sys.platform != "win32":
    import fcntl

M = TypeVar("M", bound=Module)

# Strict JSON has no NaN or Infinity: a non-finite parameter is written as one of these strings.
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model.state_dict()`` to ``path`` as strict JSON, atomically.

    The JSON goes to a new file beside ``path``, is flushed to disk, and then renamed over ``path``
    in one step, so a crash at any moment leaves either the previous file or the new one, whole.
    The new file keeps the mode of the one it replaces, and a symbolic link is written through, to
    the file it points to. A non-finite parameter is written as the string ``"NaN"``,
    ``"Infinity"`` or ``"-Infinity"``, which ``load_into`` reads back as a float. The temporary
    files of saves to ``path`` that were killed midway are removed.
    """
    target = Path(os.path.realpath(path))  # through symbolic links, to the file they point to
    state = {name: _spelled(x) for name, x in model.state_dict().items()}
    temporary, f = _claim_temporary(target)
    try:
        with f:
            _remove_stale_temporaries(target, temporary)
            json.dump(state, f, indent=1, allow_nan=False)
            f.write("\n")
            f.flush()
            _keep_mode(target, temporary)
            os.fsync(f.fileno())
            if sys.platform != "win32":  # rename while still locked, so no other save takes it for stale
                os.replace(temporary, target)
        if sys.platform == "win32":  # Windows renames no open file
            os.replace(temporary, target)
        _sync_directory(target.parent)  # so that the rename itself survives a power cut
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _spelled(x: float) -> float | str:
    """``x`` as strict JSON holds it: a finite float as a number, any other as a string."""
    x = float(x)  # a NumPy float32 a user assigned to .data, say, which json cannot write
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _claim_temporary(target: Path) -> tuple[Path, IO[str]]:
    """A new, empty temporary file beside ``target``, open for writing and locked until closed: a
    locked temporary file is a save still running, an unlocked one a save that was killed."""
    while True:
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        f = open(temporary, "x", encoding="utf-8")  # noqa: SIM115  # save() closes it
        if sys.platform == "win32":  # no locks: the stale files of killed saves stay
            return temporary, f
        fcntl.flock(f, fcntl.LOCK_EX)
        if os.fstat(f.fileno()).st_nlink:  # not removed as stale by another save before we locked it
            return temporary, f
        f.close()


def _remove_stale_temporaries(target: Path, own: Path) -> None:
    """Remove the temporary files that saves to ``target`` left when killed: those of its name
    pattern that no running save holds locked."""
    if sys.platform == "win32":
        return
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{32}}\.tmp")
    for entry in os.scandir(target.parent):
        if not pattern.fullmatch(entry.name) or entry.name == own.name:
            continue
        try:
            descriptor = os.open(entry.path, os.O_RDONLY)
        except OSError:  # renamed by its save in the meantime, or not ours to read
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: its save runs
            os.unlink(entry.path)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def _keep_mode(target: Path, temporary: Path) -> None:
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:  # a new file: the mode open() gave it
        return
    os.chmod(temporary, mode)


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
        except RecursionError:
            raise ValueError(
                f"{os.fspath(path)!r} is not a saved model: its JSON is nested too deeply for a "
                f"state dict, which maps names to numbers"
            ) from None
    if not isinstance(state, dict):
        raise ValueError(
            f"{os.fspath(path)!r} is not a saved model: it holds a JSON {type(state).__name__}, "
            f"not an object of parameter names to numbers"
        )
    model.load_state_dict({name: _read(value) for name, value in state.items()})
    return model


def _read(value: Any) -> Any:
    """A number as it was saved: the spelled-out non-finite ones as floats."""
    return _NON_FINITE.get(value, value) if isinstance(value, str) else value
