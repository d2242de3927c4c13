"""The rules of the exercises' format (CONTRIBUTING.md), for test_exercise_format.py.

Each ``*_problems`` function reads a notebook (nbformat's JSON, as a dict) and returns
what breaks a rule, one sentence a problem: an empty list means the notebook keeps it.
The quiz rules read a quiz (jupyterquiz's JSON). Reading the notebooks with ``json``
keeps these tests fast (nbformat's schema checks take 2-3 s to import).
"""

from __future__ import annotations

import ast
import functools
import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
QUIZZES = ROOT / "utils" / "quizzes"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOLUTION, EXERCISE, REMOVE_INPUT = "solution", "exercise", "remove-input"

FENCE = r"^(?:```+|:::+)"
EXERCISE_LABEL = re.compile(
    FENCE + r"\{exercise\}[^\n]*\n(?::\w[\w-]*:[^\n]*\n)*?:label:\s*(\S+)", re.M
)
EXERCISE_DIRECTIVE = re.compile(FENCE + r"\{exercise\}", re.M)
SOLUTION_OF = re.compile(FENCE + r"\{solution(?:-start)?\}\s+(\S+)", re.M)
SOLUTION_START = re.compile(FENCE + r"\{solution-start\}", re.M)
SOLUTION_END = re.compile(FENCE + r"\{solution-end\}", re.M)
SOLUTION_DIRECTIVE = re.compile(FENCE + r"\{solution(?:-start|-end)?\}", re.M)
# CommonMark ends a backtick fence's info string at a backtick: such a directive is not one.
BACKTICK_IN_TITLE = re.compile(r"^```+\{[\w-]+\}[^\n]*`", re.M)
SELF_CHECK = re.compile(r"\bself_check\(\s*[\"']([^\"']+)[\"']\s*\)")
QUESTION_TYPES = {"multiple_choice", "many_choice", "numeric"}
# jupyterquiz writes a quiz's text as HTML (with $...$ for MathJax): Markdown is shown raw.
MARKDOWN_CODE = re.compile(r"`[^`]+`")


def read(path: Path) -> dict[str, Any]:
    """Return the notebook at ``path`` as JSON."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source(cell: dict[str, Any]) -> str:
    """Return a cell's source as one string."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def tags(cell: dict[str, Any]) -> list[str]:
    """Return a cell's tags."""
    return cell.get("metadata", {}).get("tags", [])


def chapter_number(path: Path) -> str:
    """Return the two-digit chapter number of a notebook (``03_...`` => ``03``)."""
    return Path(path).name[:2]


# -- exercises and solutions ------------------------------------------------------------


def exercise_labels(nb: dict[str, Any]) -> list[str]:
    """Return the labels of the notebook's ``{exercise}`` directives, in order."""
    labels = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            labels += EXERCISE_LABEL.findall(source(cell))
    return labels


def label_problems(nb: dict[str, Any], chapter: str) -> list[str]:
    """Return exercises without a label of the form ex<NN>-<slug>, or without a solution."""
    problems = []
    labels = exercise_labels(nb)
    directives = sum(
        len(EXERCISE_DIRECTIVE.findall(source(c)))
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
    )
    if directives != len(labels):
        problems.append(
            f"{directives - len(labels)} {{exercise}} directive(s) have no :label:"
        )
    solved = {
        label
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for label in SOLUTION_OF.findall(source(cell))
    }
    for label in labels:
        if not re.fullmatch(rf"ex{chapter}-[a-z0-9]+(?:-[a-z0-9]+)*", label):
            problems.append(f"label {label!r} is not ex{chapter}-<slug> (lower case)")
        if label not in solved:
            problems.append(
                f"exercise {label!r} has no {{solution}} or {{solution-start}}"
            )
    for cell in nb["cells"]:
        for line in BACKTICK_IN_TITLE.findall(source(cell)):
            problems.append(
                f"{line!r}: a ``` fence cannot hold a title with `code` "
                "(it is not read as a directive): open it with ::: and close it with :::"
            )
    for label in sorted(solved - set(labels)):
        problems.append(f"a solution names {label!r}, which no exercise here labels")
    if len(set(labels)) != len(labels):
        problems.append(f"a label is used twice: {labels}")
    return problems


def tag_problems(nb: dict[str, Any]) -> list[str]:
    """Return cells whose ``solution`` tag does not match what they are.

    Solution cells are the markdown cells of ``{solution}``, ``{solution-start}`` and
    ``{solution-end}``, and the code cells between a start and its end.
    """
    problems, gated = [], False
    for index, cell in enumerate(nb["cells"]):
        text, tagged = source(cell), SOLUTION in tags(cell)
        is_markdown = cell["cell_type"] == "markdown"
        is_solution = gated or (is_markdown and bool(SOLUTION_DIRECTIVE.search(text)))
        if is_markdown and SOLUTION_START.search(text):
            if gated:
                problems.append(f"cell {index}: a solution-start inside another one")
            gated = True
        if is_markdown and SOLUTION_END.search(text):
            if not gated:
                problems.append(f"cell {index}: a solution-end without its start")
            gated = False
        if is_solution and not tagged:
            problems.append(f"cell {index}: part of a solution, without tag 'solution'")
        if tagged and not is_solution:
            problems.append(
                f"cell {index}: tagged 'solution' but not part of a solution"
            )
        if tagged and EXERCISE in tags(cell):
            problems.append(f"cell {index}: tagged both 'solution' and 'exercise'")
        if is_markdown and gated and EXERCISE_DIRECTIVE.search(text):
            problems.append(f"cell {index}: an exercise inside a gated solution")
    if gated:
        problems.append("a solution-start has no solution-end")
    return problems


# -- code: checks, names ----------------------------------------------------------------


@functools.cache
def python_source(text: str) -> str:
    """Return a code cell's source as plain Python (IPython's magics turned into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(text)


def names(text: str) -> tuple[set[str], set[str]]:
    """Return (the names a cell binds, the names it reads), at any depth."""
    tree = ast.parse(python_source(text))
    bound, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, loaded


def called_checks(text: str) -> list[str]:
    """Return the names of the ``check_*`` functions a cell calls."""
    tree = ast.parse(python_source(text))
    return [
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("check_")
    ]


def code_cells(nb: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Return (index, cell) for the notebook's code cells."""
    return [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def exercise_cell_problems(nb: dict[str, Any]) -> list[str]:
    """Return ``exercise`` cells that call no check, or a check not imported before."""
    problems, student_bound = [], set()
    for index, cell in code_cells(nb):
        if SOLUTION in tags(cell):
            continue
        bound, _ = names(source(cell))
        if EXERCISE in tags(cell):
            checks = called_checks(source(cell))
            if not checks:
                problems.append(
                    f"cell {index}: an exercise cell that calls no check_..."
                )
            for check in checks:
                if check not in bound | student_bound:
                    problems.append(
                        f"cell {index}: calls {check} without importing it "
                        "(import it in the exercise cell)"
                    )
        student_bound |= bound
    return problems


def solution_only_names(nb: dict[str, Any]) -> list[str]:
    """Return the uses, outside solutions, of names that only solution cells bind.

    The student version has no solution cells: such a use is a NameError there.
    """
    solution_bound, student_bound = set(), set()
    for _, cell in code_cells(nb):
        bound, _ = names(source(cell))
        (solution_bound if SOLUTION in tags(cell) else student_bound).update(bound)
    only = solution_bound - student_bound
    problems = []
    for index, cell in code_cells(nb):
        if SOLUTION not in tags(cell):
            used = sorted(names(source(cell))[1] & only)
            if used:
                problems.append(
                    f"cell {index} uses {used}, which only a solution cell defines"
                )
    return problems


def self_checks(nb: dict[str, Any]) -> list[tuple[int, str, list[str]]]:
    """Return (cell index, quiz name, the cell's tags) for each ``self_check`` call."""
    return [
        (index, name, tags(cell))
        for index, cell in code_cells(nb)
        for name in SELF_CHECK.findall(source(cell))
    ]


def self_check_problems(nb: dict[str, Any], quizzes: set[str]) -> list[str]:
    """Return self-check cells without ``remove-input``, or naming a quiz not in ``quizzes``."""
    problems = []
    for index, name, cell_tags in self_checks(nb):
        if REMOVE_INPUT not in cell_tags:
            problems.append(
                f"cell {index}: a self-check cell without tag 'remove-input'"
            )
        if name not in quizzes:
            problems.append(f"cell {index}: self_check({name!r}): no such quiz file")
    return problems


# -- quizzes ----------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    """Return True for an int or a float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def says_why(feedback: Any) -> bool:
    """Return True for a feedback of a few words (not only "wrong" or "try again")."""
    return isinstance(feedback, str) and len(feedback.split()) >= 4


def answer_problems(where: str, kind: str, answer: Any) -> list[str]:
    """Return what is wrong with one answer of a question of type ``kind``."""
    if not isinstance(answer, dict) or not isinstance(answer.get("correct"), bool):
        return [f"{where}: an answer must be an object with 'correct': true/false"]
    problems = []
    if kind in ("multiple_choice", "many_choice"):
        if not isinstance(answer.get("answer"), str) or not answer["answer"].strip():
            problems.append(f"{where}: no 'answer' text")
    elif answer.get("type") == "value":
        if not is_number(answer.get("value")):
            problems.append(f"{where}: 'value' must be a number")
    elif answer.get("type") == "range":
        bounds = answer.get("range")
        if not (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(map(is_number, bounds))
            and bounds[0] < bounds[1]
        ):
            problems.append(f"{where}: 'range' must be [low, high] with low < high")
    elif answer.get("type") != "default":
        problems.append(f"{where}: 'type' must be value, range or default")
    if not says_why(answer.get("feedback")):
        verdict = "right" if answer["correct"] else "wrong"
        problems.append(f"{where}: a {verdict} answer needs a feedback that says why")
    return problems


def question_problems(where: str, question: Any) -> list[str]:
    """Return what is wrong with one question of a quiz."""
    if not isinstance(question, dict):
        return [f"{where}: a question must be an object"]
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        return [
            f"{where}: 'type' must be one of {sorted(QUESTION_TYPES)}, got {kind!r}"
        ]
    problems = []
    text = question.get("question")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: no 'question' text")
    answers = question.get("answers")
    if not isinstance(answers, list) or len(answers) < 2:
        return problems + [f"{where}: 'answers' must list at least two answers"]
    for number, answer in enumerate(answers):
        problems += answer_problems(f"{where}, answer {number}", kind, answer)
    flags = [a.get("correct") for a in answers if isinstance(a, dict)]
    if True not in flags or False not in flags:
        problems.append(f"{where}: needs a right answer and a wrong one")
    texts = [text] + [
        str(a.get(k, ""))
        for a in answers
        if isinstance(a, dict)
        for k in ("answer", "feedback")
    ]
    if any(MARKDOWN_CODE.search(t or "") for t in texts):
        problems.append(
            f"{where}: `code` in backticks shows raw: write <code>...</code>"
        )
    catch_all = [
        a
        for a in answers
        if isinstance(a, dict)
        and a.get("type") in ("range", "default")
        and a.get("correct") is False
    ]
    if kind == "numeric" and not catch_all:
        problems.append(
            f"{where}: needs a wrong 'range' or 'default' answer, so any number gets a hint"
        )
    if kind == "numeric" and "precision" in question:
        if not (isinstance(question["precision"], int) and question["precision"] > 0):
            problems.append(f"{where}: 'precision' must be a whole number > 0")
    return problems


def quiz_problems(quiz: Any) -> list[str]:
    """Return what keeps ``quiz`` (parsed JSON) from being a course self-check."""
    if not isinstance(quiz, list) or not 1 <= len(quiz) <= 3:
        return ["a quiz must be a JSON list of 1 to 3 questions"]
    problems = []
    for number, question in enumerate(quiz):
        problems += question_problems(f"question {number}", question)
    return problems
