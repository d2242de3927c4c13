"""What the chapters' checks and self-checks build on: utils.exercises and utils.quiz."""

from __future__ import annotations

import random
import re

import pytest
from exercise_rules import FIXTURES

from utils.exercises import Feedback, not_answered, right, unanswered, wrong
from utils.quiz import COLORS, _show_quiz, quiz_names, self_check


def check_double(answer) -> Feedback:
    """A check in the chapters' style: doubles its input."""
    if unanswered(answer):
        return not_answered("ex99-double", "a function of one number")
    if answer(3) == 6:
        return right("ex99-double", "double(3) is 6.")
    return wrong("ex99-double", f"double(3) gave {answer(3)}: multiply by 2.")


def test_placeholder_is_not_answered_and_says_what_to_put_in():
    feedback = check_double(...)
    assert feedback.status == "not answered" and not feedback.passed
    assert str(feedback) == (
        "Not answered yet (ex99-double): replace the ... with a function of one "
        "number, then run the cell."
    )


def test_wrong_answer_fails_with_its_hint():
    feedback = check_double(lambda x: x + 2 if x != 3 else 9)
    assert feedback.status == "wrong" and not feedback.passed
    assert str(feedback) == "Not yet (ex99-double): double(3) gave 9: multiply by 2."


def test_right_answer_passes():
    feedback = check_double(lambda x: 2 * x)
    assert feedback.passed
    assert str(feedback) == "Right (ex99-double): double(3) is 6."


def test_only_the_ellipsis_is_unanswered():
    assert unanswered(...)
    assert not any(unanswered(v) for v in (None, 0, "", "...", [...]))


def test_feedback_shows_its_sentence_as_a_cells_result():
    from IPython.lib.pretty import pretty

    assert pretty(right("ex99-x")) == "Right (ex99-x): well done."


# -- self-checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("no-such-quiz", ValueError, "self_check: name must be one of"),
        (3, TypeError, "self_check: name must be a quiz name (str), got 3"),
    ],
)
def test_self_check_with_a_bad_name_says_what_it_expected(name, error, words):
    with pytest.raises(error, match=re.escape(words)) as raised:
        self_check(name)
    if error is ValueError:
        assert "got 'no-such-quiz'" in str(raised.value)
        assert str(quiz_names()) in str(raised.value)


@pytest.fixture
def shown(monkeypatch) -> list:
    """Collect what jupyterquiz displays (instead of showing it)."""
    import jupyterquiz.dynamic.display as display_module

    objects: list = []
    monkeypatch.setattr(display_module, "display", objects.append)
    return objects


def test_quiz_is_embedded_whole_with_the_course_colours(shown):
    _show_quiz(FIXTURES / "quizzes" / "99-fixture.json", "99-fixture")
    html, script = shown
    assert f"--jq-correct-color: {COLORS['--jq-correct-color']};" in html.data
    assert 'data-shuffleanswers="False"' in html.data
    # the questions travel with the page, not fetched from a URL
    assert script.data.startswith("var questions")
    assert "nn.CrossEntropyLoss" in script.data


def test_quiz_output_is_the_same_each_run_and_leaves_random_alone(shown):
    random.seed(7)
    expected = random.random()
    random.seed(7)
    path = FIXTURES / "quizzes" / "99-fixture.json"
    _show_quiz(path, "99-fixture")
    _show_quiz(path, "99-fixture")
    assert random.random() == expected
    assert shown[0].data == shown[2].data  # same element id
    _show_quiz(path, "99-other")
    assert shown[4].data != shown[0].data
