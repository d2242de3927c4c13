"""The exercises keep their format (CONTRIBUTING.md), and their student versions run.

The rules (exercise_rules.py) are tried on a fixture notebook that keeps them
(tests/fixtures/exercise_format.ipynb) and on copies of it with one mistake each, then
applied to every chapter. The student versions (book.student) are proved to run at
``smoke`` without running the notebooks a second time: the smoke build of the book
already runs every exercise cell unanswered (a student version keeps them unchanged),
and no cell left in a student version reads a name that only a solution cell defines.
"""

from __future__ import annotations

import copy
import json

import pytest
from exercise_rules import (
    EXERCISE,
    FIXTURES,
    LECTURES,
    QUIZZES,
    SOLUTION,
    chapter_number,
    code_cells,
    exercise_cell_problems,
    exercise_labels,
    label_problems,
    quiz_problems,
    read,
    self_check_problems,
    self_checks,
    solution_only_names,
    source,
    tag_problems,
    tags,
)

from book.student import student_version, write_student_notebooks

FIXTURE = FIXTURES / "exercise_format.ipynb"
FIXTURE_QUIZZES = FIXTURES / "quizzes"
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))
CHAPTERS = [path for path in NOTEBOOKS if chapter_number(path) <= "05"]
ISSUE_21 = (
    "issue 21 asks for at least 5 exercises and 2 self-checks in each chapter 00-05; "
    "this fails until the chapters' exercises are merged"
)


def quiz_files(folder=QUIZZES) -> dict[str, object]:
    """Return {quiz name: its parsed JSON} for the quizzes in ``folder``."""
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def fixture() -> dict:
    """Return a fresh copy of the fixture notebook."""
    return read(FIXTURE)


def cell_with(nb: dict, text: str) -> dict:
    """Return the one cell of ``nb`` whose source contains ``text``."""
    [cell] = [cell for cell in nb["cells"] if text in source(cell)]
    return cell


# -- the rules catch what they are for ----------------------------------------------------


def test_fixture_keeps_every_rule():
    nb = fixture()
    assert exercise_labels(nb) == ["ex99-count", "ex99-double"]
    assert label_problems(nb, "99") == []
    assert tag_problems(nb) == []
    assert exercise_cell_problems(nb) == []
    assert solution_only_names(nb) == []
    assert self_check_problems(nb, set(quiz_files(FIXTURE_QUIZZES))) == []


def test_an_exercise_without_a_solution_or_with_a_bad_label_is_caught():
    nb = fixture()
    cell_with(nb, "{solution} ex99-count")["source"] = "A worked answer, undirected."
    cell_with(nb, ":label: ex99-double")["source"] = source(
        cell_with(nb, ":label: ex99-double")
    ).replace("ex99-double", "Ex3_Double")
    problems = label_problems(nb, "99")
    assert "exercise 'ex99-count' has no {solution} or {solution-start}" in problems
    assert "label 'Ex3_Double' is not ex99-<slug> (lower case)" in problems
    assert any(
        "names 'ex99-double', which no exercise here labels" in p for p in problems
    )


def test_an_exercise_title_with_code_in_a_backtick_fence_is_caught():
    nb = fixture()
    cell = cell_with(nb, "{exercise} Double it")
    cell["source"] = source(cell).replace("Double it", "Double `x`")
    assert any(
        "a ``` fence cannot hold a title with `code`" in p
        for p in label_problems(nb, "99")
    )
    cell["source"] = source(cell).replace("```{exercise}", ":::{exercise}")
    cell["source"] = cell["source"].rstrip().removesuffix("```") + ":::\n"
    assert label_problems(nb, "99") == []


def test_a_solution_cell_without_its_tag_and_a_stray_tag_are_caught():
    nb = fixture()
    reference = cell_with(nb, "def double")
    reference["metadata"]["tags"] = []
    cell_with(nb, "## Exercises")["metadata"]["tags"] = [SOLUTION]
    problems = tag_problems(nb)
    index = nb["cells"].index(reference)
    assert f"cell {index}: part of a solution, without tag 'solution'" in problems
    assert any("tagged 'solution' but not part of a solution" in p for p in problems)


def test_a_gated_solution_left_open_is_caught():
    nb = fixture()
    nb["cells"] = [c for c in nb["cells"] if "{solution-end}" not in source(c)]
    assert "a solution-start has no solution-end" in tag_problems(nb)


def test_an_exercise_cell_without_a_check_is_caught():
    nb = fixture()
    cell_with(nb, "double = ...")["source"] = "double = ...  # your function\n"
    assert any("calls no check_" in p for p in exercise_cell_problems(nb))


def test_a_cell_that_needs_a_solution_is_caught():
    nb = fixture()
    nb["cells"].append(copy.deepcopy(cell_with(nb, "double = ...")))
    nb["cells"][-1]["source"] = "print(double(4))"
    nb["cells"][-1]["metadata"] = {}
    cell_with(nb, "double = ...")["source"] = "check_double(...)"
    problems = solution_only_names(nb)
    assert problems == [
        f"cell {len(nb['cells']) - 1} uses ['double'], which only a solution cell defines"
    ]


def test_a_self_check_cell_showing_its_code_or_naming_no_quiz_is_caught():
    nb = fixture()
    cell = cell_with(nb, 'self_check("99-fixture")')
    cell["metadata"]["tags"] = []
    cell["source"] = 'self_check("99-fixtur")'
    index = nb["cells"].index(cell)
    assert self_check_problems(nb, set(quiz_files(FIXTURE_QUIZZES))) == [
        f"cell {index}: a self-check cell without tag 'remove-input'",
        f"cell {index}: self_check('99-fixtur'): no such quiz file",
    ]


def test_fixture_quizzes_are_valid_and_broken_ones_are_caught():
    quizzes = quiz_files(FIXTURE_QUIZZES)
    assert quizzes and all(quiz_problems(q) == [] for q in quizzes.values())
    [question] = copy.deepcopy(quizzes["99-fixture"])
    question["answers"][1]["feedback"] = "Wrong."
    question["question"] = "What does `nn.CrossEntropyLoss` take?"
    assert quiz_problems([question]) == [
        "question 0, answer 1: a wrong answer needs a feedback that says why",
        "question 0: `code` in backticks shows raw: write <code>...</code>",
    ]
    [numeric] = copy.deepcopy(quizzes["99-fixture-numeric"])
    numeric["answers"] = [a for a in numeric["answers"] if a["type"] != "range"]
    assert quiz_problems([numeric]) == [
        "question 0: needs a wrong 'range' or 'default' answer, so any number gets a hint"
    ]
    assert quiz_problems({"question": "?"}) == [
        "a quiz must be a JSON list of 1 to 3 questions"
    ]


# -- the student version ----------------------------------------------------------------


def test_student_version_drops_solutions_and_outputs_and_keeps_exercise_cells():
    original = fixture()
    student = json.loads(student_version(FIXTURE))
    kept = [c for c in original["cells"] if SOLUTION not in tags(c)]
    assert [source(c) for c in student["cells"]] == [source(c) for c in kept]
    assert not any(SOLUTION in tags(c) for c in student["cells"])
    assert sum(EXERCISE in tags(c) for c in student["cells"]) == 1
    assert "{solution" not in json.dumps(student["cells"])
    assert all(
        c.get("outputs") == [] and c.get("execution_count") is None
        for c in student["cells"]
        if c["cell_type"] == "code"
    )


def test_student_version_clears_outputs_of_an_executed_notebook(tmp_path):
    executed = fixture()
    for _, cell in code_cells(executed):
        cell["execution_count"] = 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x\n"}]
    path = tmp_path / "executed.ipynb"
    path.write_text(json.dumps(executed))
    student = json.loads(student_version(path))
    assert all(c["outputs"] == [] for c in student["cells"] if c["cell_type"] == "code")


def test_make_student_writes_every_notebook(tmp_path):
    written = write_student_notebooks(tmp_path)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    assert all(p.parent == tmp_path / "lectures" for p in written)


def test_student_version_of_a_missing_file_says_which():
    with pytest.raises(FileNotFoundError, match="got .*nowhere.ipynb"):
        student_version(LECTURES / "nowhere.ipynb")


# -- every chapter ------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_is_labelled_by_its_chapter_and_has_a_solution(path):
    assert label_problems(read(path), chapter_number(path)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_solution_tags_sit_on_solution_cells_and_only_there(path):
    assert tag_problems(read(path)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_coding_exercise_cell_calls_a_check_it_imports(path):
    assert exercise_cell_problems(read(path)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_version_uses_no_name_that_only_a_solution_defines(path):
    assert solution_only_names(read(path)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_self_checks_hide_their_code_and_name_a_quiz_that_ships(path):
    assert self_check_problems(read(path), set(quiz_files())) == []


@pytest.mark.parametrize("name", sorted(quiz_files()) or ["(none yet)"])
def test_quiz_is_valid_jupyterquiz_with_a_reason_for_every_answer(name):
    quizzes = quiz_files()
    if name == "(none yet)":
        pytest.fail(f"utils/quizzes holds no quiz: {ISSUE_21}")
    assert quiz_problems(quizzes[name]) == []


def test_every_quiz_that_ships_is_shown_by_a_chapter():
    shown = {name for path in NOTEBOOKS for _, name, _ in self_checks(read(path))}
    assert set(quiz_files()) - shown == set()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_five_exercises_and_two_self_checks(path):
    nb = read(path)
    counts = (len(exercise_labels(nb)), len(self_checks(nb)))
    assert counts[0] >= 5 and counts[1] >= 2, (
        f"{path.name}: {counts[0]} exercises, {counts[1]} self-checks: {ISSUE_21}"
    )


# -- the student versions run (the smoke build ran their cells) ---------------------------


def text_of(cell: dict) -> str:
    """Return the text a code cell printed or showed, and its error if it raised."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(source({"source": output["text"]}))
        elif output["output_type"] == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
        else:
            parts.append(
                source({"source": output.get("data", {}).get("text/plain", "")})
            )
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_cells_ran_unanswered_and_reference_solutions_pass(
    path, executed_notebook
):
    executed = executed_notebook(path.stem)
    for index, cell in code_cells(executed):
        if EXERCISE in tags(cell):
            assert "Not answered yet" in text_of(cell), (
                f"{path.name}, cell {index}: the unanswered exercise printed "
                f"{text_of(cell)!r}, not 'Not answered yet (...)'"
            )
        if SOLUTION in tags(cell) and "check_" in source(cell):
            assert "Right (" in text_of(cell), (
                f"{path.name}, cell {index}: the reference solution's check printed "
                f"{text_of(cell)!r}"
            )
