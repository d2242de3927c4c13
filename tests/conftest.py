"""Shared test set-up: the smoke profile, a fresh runs folder, Agg plots, and the smoke book.

The notebooks are executed once per test run, by the smoke build of the book that the
browser tests read as well (``smoke_book``); tests of what a notebook prints read the
executed copy that myst-nb leaves in ``_build/jupyter_execute`` (``executed_notebook``).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import pytest

if TYPE_CHECKING:  # imported where used: nbformat's schema checks take 2-3 s to import
    import nbformat

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
BUILD_LOCK = BUILD / ".site-build.lock"
EXECUTED = BUILD / "jupyter_execute" / "lectures"
REPORTS = BUILD / "html" / "reports" / "lectures"
BUILD_JOBS = min(os.cpu_count() or 1, 4)

# Notebooks a test executes itself inherit this environment: tiny sizes, and
# checkpoints in a folder of this test session so that no run resumes an old one.
os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("COURSE_RUNS", str(BUILD / "test-runs" / uuid.uuid4().hex[:8]))


GROUP_LOST = (
    "--dist loadgroup: this test lost its xdist_group, so the site's tests would spread "
    "over both workers and each would build and visit the whole site. pytest-xdist cannot "
    "group tests under this pytest (pytest-dev/pytest-xdist#1386): install the pytest "
    "that pyproject.toml pins (make test does)"
)


@pytest.fixture
def xdist_group_lost() -> None:
    """Fail: given only to grouped tests that pytest-xdist could not keep together."""
    pytest.fail(GROUP_LOST)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Fail the grouped tests when ``--dist loadgroup`` would not keep them on one worker.

    pytest-xdist marks a grouped test by appending ``@<group>`` to its node id; where
    pytest ignores that (pytest 9.2, pytest-dev/pytest-xdist#1386) the site's tests
    spread over both workers and each builds and visits the whole site.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            item.fixturenames.append("xdist_group_lost")


@dataclass(frozen=True)
class BookBuild:
    """The outcome of the smoke build: its exit status and its log."""

    returncode: int
    log: str


def build_smoke_book() -> BookBuild:
    """Build the book with the smoke profile, one build at a time across pytest-xdist workers.

    Each worker that needs the book builds once; two builds at the same time would race
    on the execution cache, so they take turns (the second one finds every page cached).
    Sphinx reads pages, and so runs notebooks, in as many processes as there are cores
    (at most 4): with OMP_NUM_THREADS=1 (``make test``) each notebook uses one.
    """
    BUILD_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(BUILD_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = {**os.environ, "COURSE_PROFILE": "smoke"}
        env.pop("COURSE_RUNS", None)  # the build gives its kernels an empty runs folder
        result = subprocess.run(
            [sys.executable, "-m", "book.build", "--jobs", str(BUILD_JOBS)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    return BookBuild(result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def smoke_book() -> BookBuild:
    """Return the smoke build of the book (built once per test worker, cached after)."""
    return build_smoke_book()


@pytest.fixture(scope="session")
def executed_notebook(smoke_book: BookBuild) -> Callable[[str], nbformat.NotebookNode]:
    """Return a function: notebook stem => the notebook as the smoke build executed it."""

    def read(name: str) -> nbformat.NotebookNode:
        path = EXECUTED / f"{name}.ipynb"
        report = REPORTS / f"{name}.err.log"
        if report.exists():
            pytest.fail(
                f"{name} failed in the smoke build:\n{report.read_text()[-4000:]}"
            )
        if not path.exists():
            pytest.fail(
                f"the smoke build left no executed {path.relative_to(ROOT)}; "
                f"its log ends:\n{smoke_book.log[-3000:]}"
            )
        import nbformat

        return nbformat.read(path, as_version=4)

    return read


@pytest.fixture(scope="session")
def cell_text() -> Callable[[nbformat.NotebookNode, str], str]:
    """Return a function: (executed notebook, tag) => the text output of the cell with that tag."""

    from benchmarks.notebooks import text_outputs

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
