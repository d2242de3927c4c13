"""Reading a student's answer: one number, or a function that must not crash the check.

The chapter modules (``clarifications``, ``generative``, ``multi_input``) share these, so
that every numeric exercise treats placeholders, wrong kinds and typical slips alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any

import numpy as np
import torch

from utils.exercises import Feedback, not_answered, right, unanswered, wrong

__all__ = ["as_number", "check_number", "call"]


def as_number(answer: Any) -> float | None:
    """Return the answer as a float if it is one real number (a 0-d tensor too), else None."""
    if isinstance(answer, torch.Tensor):
        answer = answer.item() if answer.numel() == 1 else None
    elif isinstance(answer, (np.ndarray, np.generic)):
        answer = answer.item() if np.size(answer) == 1 else None
    if isinstance(answer, bool):  # True is an int to Python, not an answer here
        return None
    if isinstance(answer, Real) and math.isfinite(float(answer)):
        return float(answer)
    return None


def check_number(
    exercise: str,
    answer: Any,
    target: float,
    *,
    tolerance: float,
    slips: Sequence[tuple[float, str]] = (),
    otherwise: str,
) -> Feedback:
    """Return right when ``answer`` is within ``tolerance`` of ``target``.

    ``slips`` pairs the result of a typical mistake with the hint that names it; an answer
    near none of them gets the hint ``otherwise``.
    """
    if unanswered(answer):
        return not_answered(exercise, "a number")
    value = as_number(answer)
    if value is None:
        return wrong(
            exercise, f"give one number, e.g. 1.25; got {type(answer).__name__}."
        )
    if abs(value - target) <= tolerance:
        return right(exercise, f"{value:g} is it.")
    for slip, hint in slips:
        if abs(value - slip) <= tolerance:
            return wrong(exercise, f"{value:g}: {hint}")
    return wrong(exercise, f"{value:g}: {otherwise}")


def call(function: Callable[..., Any], *args: Any) -> tuple[Any, str | None]:
    """Return (the function's result, None), or (None, what it raised) if it raised."""
    try:
        return function(*args), None
    except Exception as err:  # the student's code: any error becomes a hint
        return None, f"{type(err).__name__}: {err}"
