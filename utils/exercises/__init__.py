"""Feedback for the coding exercises at the end of each chapter.

Each chapter's checks live in a module of their own (``utils.exercises.<chapter>``) and
return a :class:`Feedback`: right, wrong with a hint that says why, or not answered yet
(the student's cell still holds ``...``). A check never raises on a wrong answer, so a
student notebook runs top to bottom with its exercises unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Feedback", "right", "wrong", "not_answered", "unanswered"]

Status = Literal["right", "wrong", "not answered"]
_MARKS = {"right": "Right", "wrong": "Not yet", "not answered": "Not answered yet"}


@dataclass(frozen=True)
class Feedback:
    """The outcome of one check: its exercise, its status and a sentence for the student."""

    exercise: str
    status: Status
    message: str

    @property
    def passed(self) -> bool:
        """Return True when the answer is right."""
        return self.status == "right"

    def __str__(self) -> str:
        return f"{_MARKS[self.status]} ({self.exercise}): {self.message}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the sentence, not the dataclass, as a cell's result in Jupyter."""
        printer.text(str(self))


def unanswered(answer: Any) -> bool:
    """Return True while the student's answer is still the placeholder ``...``."""
    return answer is Ellipsis


def right(exercise: str, message: str = "well done.") -> Feedback:
    """Return the feedback for a right answer."""
    return Feedback(exercise, "right", message)


def wrong(exercise: str, hint: str) -> Feedback:
    """Return the feedback for a wrong answer, with a hint that says why."""
    return Feedback(exercise, "wrong", hint)


def not_answered(exercise: str, what: str = "your answer") -> Feedback:
    """Return the feedback for a cell whose ``...`` has not been replaced yet."""
    return Feedback(
        exercise, "not answered", f"replace the ... with {what}, then run the cell."
    )
