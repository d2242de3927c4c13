"""The self-checks on the site: jupyterquiz's quizzes, keyboard- and screen-reader-friendly.

``utils.quiz.self_check`` shows a quiz with jupyterquiz, which inlines its own script and
style in the cell's output (nothing is fetched). Listed under ``sphinx.extra_extensions``
in ``_config.yml``, this extension adds ``book/static/quiz.js`` and ``quiz.css`` to each
page that shows a quiz, and only there: they name the number fields by their visible
label, make each feedback line a status that screen readers announce, and show the
keyboard's focus on the answer buttons.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

# jupyterquiz's container div carries these data attributes (utils/quiz.py pins the version).
QUIZ_MARKER = "data-shufflequestions="


def shows_a_quiz(doctree: nodes.document | None) -> bool:
    """Return True when the page's outputs include a jupyterquiz quiz."""
    return doctree is not None and any(
        QUIZ_MARKER in node.astext() for node in doctree.findall(nodes.raw)
    )


def add_quiz_assets(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Load quiz.js and quiz.css on the pages that show a quiz."""
    if shows_a_quiz(doctree):
        app.add_js_file("quiz.js")
        app.add_css_file("quiz.css")


def setup(app: Any) -> dict[str, Any]:
    """Register the page handler; ``book.extension`` serves ``book/static``."""
    app.connect("html-page-context", add_quiz_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
