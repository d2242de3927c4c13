"""The exercises on the site: self-checks answer a click and a key press, offline and
accessibly (test_site.py checks that each notebook page offers its student notebook).

The quizzes are tried twice: on a small page made here from the fixture quizzes with
utils.quiz's settings and the site's quiz.js and exercises.css (so jupyterquiz and our
additions are tested whatever the chapters hold), and on the smoke build's chapters
that show one. Chromium is Debian's, launched as site_visits.py launches it (offline).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import test_site
from exercise_rules import FIXTURES, QUIZZES, read, self_checks
from site_visits import (
    AXE_OPTIONS,
    NOTEBOOKS,
    ROOT,
    Tab,
    blocking_violations,
    launched,
    serving,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(2400)]

# test_site.py's fixtures: Debian's Chromium, the smoke site and its server. (The tests
# that read the recorded visits of every page live in test_site.py: pytest-xdist gives
# each file its own worker, which would visit the whole site again.)
browser, site, server = test_site.browser, test_site.site, test_site.server

STATIC = ROOT / "book" / "static"
QUIZ_PAGES = [name for name in NOTEBOOKS if self_checks(read(ROOT / f"{name}.ipynb"))]
# The page's head holds what a site's page holds before its deferred MathJax has run:
# MathJax's configuration only (jupyterquiz read its missing version and threw).
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Self-check</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="exercises.css">
<script>window.MathJax = {{options: {{}}}};</script><script src="quiz.js"></script></head>
<body><main><h1>Self-check</h1>
{quizzes}
</main></body></html>
"""


def quiz_page(folder: Path, quizzes: dict[str, Path]) -> Path:
    """Write a page that shows ``quizzes`` (name => JSON file) as self_check does."""
    import jupyterquiz.dynamic.display as display_module

    from utils.quiz import _show_quiz

    shown: list = []
    original = display_module.display
    display_module.display = shown.append
    try:
        for name, path in quizzes.items():
            _show_quiz(path, name)
    finally:
        display_module.display = original
    parts = [
        obj.data
        if i % 2 == 0
        else f'<script type="text/javascript">{obj.data}</script>'
        for i, obj in enumerate(shown)
    ]
    for asset in ("quiz.js", "exercises.css"):
        shutil.copy(STATIC / asset, folder / asset)
    page = folder / "quiz.html"
    page.write_text(PAGE.format(quizzes="\n".join(parts)), encoding="utf-8")
    return page


def plain(feedback: str) -> str:
    """Return the start of a feedback as the page shows it: before any HTML or formula."""
    return " ".join(re.split(r"[$<]", feedback)[0].split())


def feedback_after(page, quiz, action) -> tuple[str, str]:
    """Do ``action``; return the class and text of the quiz's first feedback line."""
    feedback = quiz.locator(".Feedback").first
    feedback.evaluate("el => { el.className = 'Feedback'; el.textContent = ''; }")
    action()
    page.wait_for_function(
        "el => el.classList.contains('correct') || el.classList.contains('incorrect')",
        arg=feedback.element_handle(),
        timeout=10_000,
    )
    return feedback.get_attribute("class"), " ".join(feedback.inner_text().split())


def try_multiple_choice(page, quiz, question: dict) -> list[str]:
    """Click a wrong answer, then choose the right one with the keyboard; return problems."""
    answers = question["answers"]
    wrong = next(i for i, a in enumerate(answers) if not a["correct"])
    right = next(i for i, a in enumerate(answers) if a["correct"])
    buttons = quiz.locator(".MCButton")
    problems = []
    got = feedback_after(page, quiz, lambda: buttons.nth(wrong).click())
    if "incorrect" not in got[0] or not got[1].startswith(
        plain(answers[wrong]["feedback"])
    ):
        problems.append(f"a click on a wrong answer showed {got}")

    def keyboard() -> None:
        buttons.nth(right).locator("input").focus()
        page.keyboard.press("Space")

    got = feedback_after(page, quiz, keyboard)
    if "correct" not in got[0].split() or not got[1].startswith(
        plain(answers[right]["feedback"])
    ):
        problems.append(f"Space on the right answer showed {got}")
    return problems


def try_numeric(page, quiz, question: dict) -> list[str]:
    """Type a right number and a wrong one, each ended by Enter; return problems."""
    answers = question["answers"]
    right = next(a for a in answers if a["correct"] and a.get("type") == "value")
    wrong = next((a for a in answers if not a["correct"] and "value" in a), None)
    field = quiz.locator("input.Input-text").first
    problems = []
    for answer, verdict in ((right, "correct"), (wrong, "incorrect")):
        if answer is None:
            continue

        def type_it(value=answer["value"]) -> None:
            field.focus()
            page.keyboard.type(str(value))
            page.keyboard.press("Enter")

        got = feedback_after(page, quiz, type_it)
        if verdict not in got[0].split() or not got[1].startswith(
            plain(answer["feedback"])
        ):
            problems.append(f"typing {answer['value']} and Enter showed {got}")
    return problems


def try_quizzes(page, quizzes: list[list[dict]]) -> list[str]:
    """Answer the first question of each quiz on ``page``; return what went wrong."""
    shown = page.locator(".Quiz")
    if shown.count() != sum(len(quiz) for quiz in quizzes):
        return [f"{shown.count()} questions drawn, {sum(map(len, quizzes))} expected"]
    problems, first = [], 0
    for quiz in quizzes:
        question = shown.nth(first)
        question.scroll_into_view_if_needed()
        kind = quiz[0]["type"]
        if kind in ("multiple_choice", "many_choice"):
            problems += try_multiple_choice(page, question, quiz[0])
        elif kind == "numeric":
            problems += try_numeric(page, question, quiz[0])
        first += len(quiz)
    return problems


def quiz_accessibility(page) -> list[dict]:
    """Run axe-core over the page's answered quizzes; return the blocking violations."""
    from axe_playwright_python.sync_playwright import Axe

    # let the answered buttons' colour transitions end before contrast is measured
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
    return blocking_violations(
        Axe().run(page, {"include": [[".Quiz"]]}, AXE_OPTIONS).response
    )


def quiz_names_on(name: str) -> list[str]:
    """Return the quizzes a notebook page shows, in page order."""
    return [quiz for _, quiz, _ in self_checks(read(ROOT / f"{name}.ipynb"))]


def pages_to_try(pages: list[str]) -> list[str]:
    """Return the first page that shows each kind of question (the visits check the rest)."""
    chosen, kinds = [], set()
    for name in pages:
        shown = {
            question["type"]
            for quiz in quiz_names_on(name)
            for question in json.loads((QUIZZES / f"{quiz}.json").read_text())
        }
        if shown - kinds:
            chosen.append(name)
            kinds |= shown
    return chosen


# -- the fixture page ---------------------------------------------------------------------


def test_fixture_quiz_answers_a_click_and_keys_with_its_feedback(browser, tmp_path):
    files = {p.stem: p for p in sorted((FIXTURES / "quizzes").glob("*.json"))}
    quiz_page(tmp_path, files)
    quizzes = [json.loads(path.read_text()) for path in files.values()]
    with launched(browser) as chromium, serving(tmp_path) as base:
        tab = Tab(chromium, base)
        page, visit = tab.open("quiz")
        problems = try_quizzes(page, quizzes)
        violations = quiz_accessibility(page)
        statuses = page.locator(".Quiz .Feedback[role=status]").count()
        labelled = page.locator("label.InpLabel[for]").count()
        field = page.locator(".Quiz input.Input-text").first
        field.fill("")
        field.focus()
        pasted = field.evaluate(
            """el => {
                const data = new DataTransfer();
                data.setData("text/plain", "42");
                const event = new ClipboardEvent("paste", {clipboardData: data,
                                                           cancelable: true});
                return el.dispatchEvent(event);  // false: a handler refused the paste
            }"""
        )
        page.locator(".MCButton input").first.focus()
        outline = page.locator(".MCButton").first.evaluate(
            "el => getComputedStyle(el).outlineStyle"
        )
    assert problems == []
    assert violations == []
    assert statuses == len(quizzes), "each feedback line is announced (role=status)"
    assert labelled == 1, "the number field is named by its visible label"
    assert pasted, "the number field takes a pasted answer"
    assert outline != "none", "the focused answer button shows the focus"
    assert visit.errors == [] and visit.blocked == []


# -- the book's chapters ------------------------------------------------------------------


def test_chapter_quizzes_answer_a_click_and_keys_with_their_feedback(browser, server):
    assert QUIZ_PAGES, (
        "no chapter shows a self-check yet: issue 21 asks for 2 in each chapter "
        "(this fails until the chapters' exercises are merged)"
    )
    problems, violations = {}, {}
    pages = pages_to_try(QUIZ_PAGES)
    with launched(browser) as chromium:
        tab = Tab(chromium, server)
        for name in pages:
            quizzes = [
                json.loads((QUIZZES / f"{quiz}.json").read_text())
                for quiz in quiz_names_on(name)
            ]
            page, visit = tab.open(name)
            problems[name] = try_quizzes(page, quizzes) + visit.errors + visit.blocked
            violations[name] = quiz_accessibility(page)
    assert problems == {name: [] for name in pages}
    assert violations == {name: [] for name in pages}
