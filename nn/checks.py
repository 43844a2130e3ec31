"""What nn takes as a whole number (a size, an index, a seed) and as a real number (a setting or a
parameter's value): Python's and NumPy's alike, never a bool."""

from __future__ import annotations

import operator

from autograd import Value


def whole(value: object) -> int | None:
    """``value`` as an int if it is integer-like (an int, a NumPy integer: anything with
    ``__index__``) and not a bool, else None."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]  # TypeError for anything else
    except TypeError:
        return None


def real(value: object) -> float | None:
    """``value`` as a float if it is a real number that a float can hold (a bool is not), else None."""
    if isinstance(value, bool):
        return None
    try:
        Value(value)  # type: ignore[arg-type]  # TypeError for anything that is not a real number
        return float(value)  # type: ignore[arg-type]  # OverflowError for an int beyond a float
    except (TypeError, ValueError, OverflowError):  # ValueError: Decimal("sNaN"), which float() refuses
        return None
