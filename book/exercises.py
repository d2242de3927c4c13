"""The exercises and self-checks on the site: readable, and usable from the keyboard.

Listed under ``sphinx.extra_extensions`` in ``_config.yml`` (after ``sphinx_exercise``,
which draws the exercises). ``utils.quiz.self_check`` shows a quiz with jupyterquiz,
which inlines its own script and style in the cell's output (nothing is fetched). This
extension adds

- ``book/static/exercises.css`` to every page: a link inside an exercise's tinted box
  dark enough to read, the keyboard's focus shown on a quiz's answer buttons, and a
  quiz's feedback on a light background in dark mode;
- ``book/static/quiz.js`` to each page that shows a quiz, and only there: it names each
  number field by its visible label and makes each feedback line a status that screen
  readers announce.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

# jupyterquiz's container div carries these data attributes (pyproject.toml pins it).
QUIZ_MARKER = "data-shufflequestions="


def shows_a_quiz(doctree: nodes.document | None) -> bool:
    """Return True when the page's outputs include a jupyterquiz quiz."""
    return doctree is not None and any(
        QUIZ_MARKER in node.astext() for node in doctree.findall(nodes.raw)
    )


def add_quiz_script(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Load quiz.js on the pages that show a quiz."""
    if shows_a_quiz(doctree):
        app.add_js_file("quiz.js", priority=600)  # after MathJax's configuration (500)


def setup(app: Any) -> dict[str, Any]:
    """Register the stylesheet and the page handler; ``book.extension`` serves ``book/static``."""
    app.add_css_file("exercises.css")
    app.connect("html-page-context", add_quiz_script)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
