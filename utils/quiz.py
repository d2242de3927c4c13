"""Self-check questions on the page: jupyterquiz quizzes stored beside this module.

Each quiz is a JSON file ``utils/quizzes/<name>.json`` in jupyterquiz's format (a list of
questions, each with its answers and a feedback sentence per answer). ``self_check``
embeds it in the page, so it works in Jupyter, on Colab and on the static site, offline.
"""

from __future__ import annotations

from importlib import resources

from utils._checks import check_instance, message

__all__ = ["self_check", "quiz_names"]


def quiz_names() -> list[str]:
    """Return the names of the quizzes that ship with the helpers."""
    folder = resources.files("utils") / "quizzes"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def self_check(name: str) -> None:
    """Show the quiz ``utils/quizzes/<name>.json`` with immediate feedback per answer."""
    from jupyterquiz import display_quiz

    check_instance("self_check", "name", name, str, "a quiz name (str)")
    if name not in quiz_names():
        raise ValueError(message("self_check", "name", f"one of {quiz_names()}", name))
    with resources.as_file(
        resources.files("utils") / "quizzes" / f"{name}.json"
    ) as path:
        display_quiz(str(path), shuffle_answers=False)
