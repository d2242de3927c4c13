"""Self-check questions on the page: jupyterquiz quizzes stored beside this module.

Each quiz is a JSON file ``utils/quizzes/<name>.json`` in jupyterquiz's format (a list of
questions, each with its answers and a feedback sentence per answer). ``self_check``
embeds it in the page, so it works in Jupyter, on Colab and on the static site, offline.
"""

from __future__ import annotations

import random
from importlib import resources
from pathlib import Path

from utils._checks import check_instance, message

__all__ = ["self_check", "quiz_names"]

# jupyterquiz's colours, changed where its defaults read poorly (WCAG 2.1 AA asks 4.5:1):
# the feedback text and the answered button's fill sit on the page's white, with white
# text on the fill; the number field is dark with white text (its default grey was 1.7:1).
COLORS = {
    "--jq-multiple-choice-bg": "#392061",
    "--jq-many-choice-bg": "#8a3300",
    "--jq-numeric-bg": "#392061",
    "--jq-numeric-input-bg": "#2b2b2b",
    "--jq-numeric-input-label": "#101010",
    "--jq-correct-color": "#1a7333",
    "--jq-incorrect-color": "#b3261e",
    "--jq-text-color": "#fafafa",
    "--jq-link-color": "#c6d8ff",
}


def quiz_names() -> list[str]:
    """Return the names of the quizzes that ship with the helpers."""
    folder = resources.files("utils") / "quizzes"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def self_check(name: str) -> None:
    """Show the quiz ``utils/quizzes/<name>.json`` with immediate feedback per answer."""
    check_instance("self_check", "name", name, str, "a quiz name (str)")
    if name not in quiz_names():
        raise ValueError(message("self_check", "name", f"one of {quiz_names()}", name))
    with resources.as_file(
        resources.files("utils") / "quizzes" / f"{name}.json"
    ) as path:
        _show_quiz(path, name)


def _show_quiz(path: Path, name: str) -> None:
    """Show the jupyterquiz quiz in the file ``path`` with the course's colours.

    jupyterquiz draws its element id from Python's ``random``: it is seeded here by the
    quiz's name, so a page's output is the same on every run, and the notebook's own
    random numbers are left as they were.
    """
    from jupyterquiz import display_quiz

    state = random.getstate()
    random.seed(f"self_check:{name}")
    try:
        display_quiz(str(path), shuffle_answers=False, colors=COLORS)
    finally:
        random.setstate(state)
