"""Input checks shared by the whole package: one rule, one message format.

TypeError for the wrong kind, ValueError for the wrong value, and every message reads
``"{caller}: {name} must be {expected}, got {got!r}"`` (``must have shape`` for shapes), e.g.
``conv2d_output_size: stride must be an int >= 1, got 0``.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from numbers import Integral, Real
from typing import Any

import numpy as np
import torch

__all__ = [
    "message",
    "check_int",
    "check_number",
    "check_choice",
    "check_instance",
    "check_shape",
    "check_finite",
    "check_real_array",
]

_MAX_REPR = 80  # a tensor or a long list is cut short in the message


def _shown(got: Any) -> str:
    """Return ``repr(got)`` on one line, cut to ``_MAX_REPR`` characters."""
    text = " ".join(repr(got).split())  # a tensor's repr spans lines
    return text if len(text) <= _MAX_REPR else text[: _MAX_REPR - 3] + "..."


def message(
    caller: str, name: str, expected: str, got: Any, *, raw: bool = False
) -> str:
    """Return the package's one error message; ``raw`` shows ``got`` as given, not as its repr."""
    return f"{caller}: {name} must be {expected}, got {got if raw else _shown(got)}"


def _bounds(minimum: float | None, maximum: float | None, strict: bool = False) -> str:
    """Return the bounds as words: '', ' >= 1', ' > 0', ' <= 9', ' between 1 and 9'."""
    if minimum is not None and maximum is not None:
        return f" between {minimum} and {maximum}"
    if minimum is not None:
        return f" {'>' if strict else '>='} {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def check_int(
    caller: str,
    name: str,
    value: Any,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """Return ``value`` as an int; it must be an integer (not a bool) within the bounds."""
    expected = "an int" + _bounds(minimum, maximum)
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(message(caller, name, expected, value))
    if (minimum is not None and value < minimum) or (
        maximum is not None and value > maximum
    ):
        raise ValueError(message(caller, name, expected, value))
    return int(value)


def check_number(
    caller: str,
    name: str,
    value: Any,
    *,
    minimum: float | None = None,
    positive: bool = False,
) -> float:
    """Return ``value`` as a float; it must be a finite real number (not a bool) within the bounds."""
    if positive:
        expected = "a finite number" + _bounds(minimum or 0, None, strict=True)
    else:
        expected = "a finite number" + _bounds(minimum, None)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(message(caller, name, expected, value))
    number = float(value)
    too_small = minimum is not None and (
        number < minimum or (positive and number == minimum)
    )
    if not math.isfinite(number) or too_small or (positive and number <= 0):
        raise ValueError(message(caller, name, expected, value))
    return number


def check_choice(caller: str, name: str, value: Any, choices: Collection[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``; a value of another kind is a TypeError."""
    try:
        if value in choices:
            return value
    except TypeError:  # an unhashable value tested against a set
        pass
    expected = "one of " + ", ".join(repr(choice) for choice in choices)
    same_kind = any(isinstance(value, type(choice)) for choice in choices)
    raise (ValueError if same_kind else TypeError)(
        message(caller, name, expected, value)
    )


def check_instance(
    caller: str, name: str, value: Any, types: type | tuple[type, ...], expected: str
) -> Any:
    """Return ``value`` if it is an instance of ``types``; ``expected`` describes them in words."""
    if not isinstance(value, types):
        raise TypeError(message(caller, name, expected, value))
    return value


def check_shape(caller: str, name: str, array: Any, expected: str, ok: bool) -> Any:
    """Return ``array`` if ``ok``, else a ValueError naming its shape; ``expected``: '(N, 3)'."""
    if not ok:  # "must have shape", as the house style's example reads
        raise ValueError(
            f"{caller}: {name} must have shape {expected}, got {tuple(array.shape)}"
        )
    return array


def check_finite(caller: str, name: str, array: Any) -> Any:
    """Return ``array`` (NumPy or torch) if all its values are finite, else a ValueError."""
    finite = array.isfinite() if hasattr(array, "isfinite") else np.isfinite(array)
    bad = int((~finite).sum())
    if bad:
        raise ValueError(
            message(
                caller,
                name,
                "finite (no NaN or infinity)",
                f"{bad} NaN or infinite value(s)",
                raw=True,
            )
        )
    return array


def check_real_array(caller: str, name: str, value: Any, expected: str) -> np.ndarray:
    """Return a tensor (any device), NumPy array, list or tuple of real numbers as float64."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        if value.is_complex() or value.dtype == torch.bool:
            got = f"a {value.dtype} tensor"
            raise TypeError(message(caller, name, expected, got, raw=True))
        return value.double().numpy()
    try:
        array = np.asarray(value)
        if array.dtype.kind in "iufO":  # integers, floats, Python objects
            array = array.astype(np.float64)
    except (TypeError, ValueError):  # text among numbers, ragged lists
        raise TypeError(message(caller, name, expected, value)) from None
    if array.dtype != np.float64:  # bool, complex, text, dates
        if isinstance(value, np.ndarray):
            got = f"a {value.dtype} array"
            raise TypeError(message(caller, name, expected, got, raw=True))
        raise TypeError(message(caller, name, expected, value))
    return array
