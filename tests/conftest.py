"""Shared test set-up: the smoke profile, Agg plots, and fixtures that read the smoke run.

``make test`` runs in three steps (Makefile): nbmake executes each notebook once, in a
copy under ``.nbmake/smoke/``; ``jupyter-book build`` makes the smoke site from
those runs (every page found in its cache); then pytest runs this folder, one worker per
core (pytest-xdist). Tests of what a notebook printed read nbmake's copies
(``executed_notebook``); the browser tests read ``_build/html`` (test_site.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import pytest

if TYPE_CHECKING:  # imported where used: nbformat's schema checks take 2-3 s to import
    import nbformat

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
EXECUTED = ROOT / ".nbmake" / "smoke"  # nbmake's executed copies (Makefile)
SITE = BUILD / "html"  # the smoke site (Makefile)
RUN_FIRST = "run `make test` (its first steps execute the notebooks and build the site)"

# Notebooks a test executes itself inherit this environment: tiny sizes, and
# checkpoints in a folder of this test session so that no run resumes an old one.
os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("COURSE_RUNS", str(BUILD / "test-runs" / uuid.uuid4().hex[:8]))


def read_executed(name: str) -> nbformat.NotebookNode:
    """Return nbmake's executed copy of ``lectures/<name>.ipynb``; fail if missing or stale."""
    import nbformat

    path = EXECUTED / "lectures" / f"{name}.ipynb"
    if not path.exists():
        pytest.fail(f"no executed copy {path.relative_to(ROOT)}: {RUN_FIRST}")
    executed = nbformat.read(path, as_version=4)
    source = nbformat.read(ROOT / "lectures" / f"{name}.ipynb", as_version=4)
    if [c.source for c in executed.cells] != [c.source for c in source.cells]:
        pytest.fail(f"{path.relative_to(ROOT)} is older than its notebook: {RUN_FIRST}")
    return executed


@pytest.fixture(scope="session")
def executed_notebook() -> Callable[[str], nbformat.NotebookNode]:
    """Return a function: notebook stem => the notebook as nbmake executed it at smoke."""
    return read_executed


@pytest.fixture(scope="session")
def smoke_site() -> Path:
    """Return the folder of the smoke site that ``make test`` built; fail if there is none."""
    if not (SITE / "index.html").exists():
        pytest.fail(f"no site in {SITE.relative_to(ROOT)}: {RUN_FIRST}")
    return SITE


@pytest.fixture(scope="session")
def cell_text() -> Callable[[nbformat.NotebookNode, str], str]:
    """Return a function: (executed notebook, tag) => the text output of the cell with that tag."""
    from notebook_code import text_outputs

    def read(nb: nbformat.NotebookNode, tag: str) -> str:
        cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
        if len(cells) != 1:
            pytest.fail(f"expected exactly one cell tagged {tag!r}, found {len(cells)}")
        return text_outputs(cells[0])

    return read


def check_jsonschema(schema: str, path: Path) -> tuple[int, str]:
    """Check ``path`` against check-jsonschema's built-in (vendored, offline) ``schema``.

    Return its exit status and output. The command runs in this process through click's
    test runner: a process of its own spends about 3 s importing jsonschema.
    """
    from check_jsonschema import main
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["--builtin-schema", schema, str(path)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output
