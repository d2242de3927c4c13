"""Shared test set-up: the smoke profile, a fresh runs folder, Agg plots, and the smoke book.

The notebooks are executed once per test run, by the smoke build of the book that the
browser tests read as well (``smoke_book``); tests of what a notebook prints read the
executed copy that myst-nb leaves in ``_build/jupyter_execute`` (``executed_notebook``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import threading
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
# The environment of the session, for the processes started behind the tests: a test
# running meanwhile may have monkeypatched os.environ.
SESSION_ENV = dict(os.environ)


def run_behind(
    command: list[str], env: dict[str, str] | None = None, **options
) -> subprocess.CompletedProcess:
    """Run ``command`` for work behind the tests and capture its output (``options``: run's).

    It runs in the repository root and the session's environment (unless ``env`` is
    given), whatever a test running meanwhile has ``chdir``-ed to or monkeypatched.
    """
    return subprocess.run(
        command,
        cwd=ROOT,
        env=SESSION_ENV if env is None else env,
        capture_output=True,
        **options,
    )


@dataclass(frozen=True)
class BookBuild:
    """The outcome of the smoke build: its exit status and its log."""

    returncode: int
    log: str


def build_smoke_book() -> BookBuild:
    """Build the book with the smoke profile, one build at a time across test processes.

    Two builds at the same time would race on the execution cache, so they take turns (the
    second one finds every page cached). Sphinx reads pages, and so runs notebooks, in as
    many processes as there are cores (at most 4): with OMP_NUM_THREADS=1 (``make test``)
    each notebook uses one.
    """
    BUILD_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(BUILD_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = {**SESSION_ENV, "COURSE_PROFILE": "smoke"}
        env.pop("COURSE_RUNS", None)  # the build gives its kernels an empty runs folder
        result = run_behind(
            [sys.executable, "-m", "book.build", "--jobs", str(BUILD_JOBS)],
            env=env,
            text=True,
        )
    return BookBuild(result.returncode, result.stdout + result.stderr)


# -- work behind the tests ----------------------------------------------------------------


class Behind:
    """Work that waits on processes of its own, done in threads behind the tests.

    The smoke build (the notebooks' kernels), the site's visits (Chromium) and the tests
    marked ``behind`` (a subprocess each) mostly wait, so the other tests run meanwhile on
    the other core. A test that needs a result before it is ready waits for it.
    """

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(8, "behind-the-tests")
        self._jobs: dict[str, concurrent.futures.Future] = {}
        self._lock = threading.Lock()
        self._cleanup = contextlib.ExitStack()
        self._site: tuple[Path, str] | None = None

    def start(self, name: str, job: Callable[[], object]) -> None:
        """Start ``job`` under ``name``, unless it has started already."""
        with self._lock:
            if name not in self._jobs:
                self._jobs[name] = self._pool.submit(job)

    def result(self, name: str, job: Callable[[], object]):
        """Return what the job ``name`` returned (started now with ``job`` if it was not)."""
        self.start(name, job)
        return self._jobs[name].result()

    def serve_site(self) -> tuple[Path, str]:
        """Return a copy of the smoke build's site and the base URL of its loopback server.

        Both are made on first use, once the build has ended. The browser reads the copy,
        so that a second build (``build_again``) may rewrite the site meanwhile.
        """
        from site_visits import SITE, serving

        with self._lock:
            if self._site is None:
                copy = Path(self._cleanup.enter_context(tempfile.TemporaryDirectory()))
                shutil.copytree(SITE, copy / "html")
                base = self._cleanup.enter_context(serving(copy / "html"))
                self._site = (copy / "html", base)
            return self._site

    def close(self) -> None:
        """Drop the jobs not started, wait for the others, stop the server, delete the copy."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._cleanup.close()


BEHIND = Behind()


def visit_the_site() -> dict:
    """Visit every page of the smoke build once it is built (the job ``visits``)."""
    from site_visits import visit_pages

    if BEHIND.result("smoke_book", build_smoke_book).returncode != 0:
        raise RuntimeError("the smoke build failed: its log is in test_site's failures")
    return visit_pages(BEHIND.serve_site()[1])


UNCHANGED = "0 added, 0 changed, 0 removed"  # Sphinx's log when it reads no page


def build_again() -> BookBuild:
    """Return a build of the book that started with nothing changed since the last one.

    When the book was built before this session and nothing changed since, the session's
    own smoke build is one. Otherwise the book is built a second time, once the copy of
    the site that the browser reads has been taken.
    """
    first = BEHIND.result("smoke_book", build_smoke_book)
    if UNCHANGED in first.log:
        return first
    BEHIND.serve_site()
    return build_smoke_book()


def runs_the_whole_folder(config: pytest.Config) -> bool:
    """Return True for a run of every test (``make test``): no selection by file, -k, -m or --lf."""
    tests = Path(__file__).parent
    return (
        not config.option.collectonly
        and not getattr(config.option, "lf", False)
        and not config.option.keyword
        and not config.option.markexpr
        and all(Path(arg).resolve() in (tests, ROOT) for arg in config.args)
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``behind`` marker; start the smoke build at once for a whole run."""
    config.addinivalue_line(
        "markers",
        "behind(name, job): run job() in a thread behind the tests from the end of "
        "collection; the test reads what it returned from the fixture `behind`",
    )
    if runs_the_whole_folder(config):
        start_the_site()  # build and visit while collection imports torch and co.


def start_the_site(visit: bool = True) -> None:
    """Start the smoke build and, when ``visit`` and the browser tools are there, the visits."""
    BEHIND.start("smoke_book", build_smoke_book)
    if visit:
        from site_visits import missing_tools

        if missing_tools() is None:  # else the browser fixture skips (or fails in CI)
            BEHIND.start("visits", visit_the_site)


def fixtures_of(item: pytest.Item) -> tuple[str, ...]:
    """Return the fixtures ``item`` needs, directly or through others (none for a non-test)."""
    return tuple(getattr(item, "fixturenames", ()))


def reads_the_book(item: pytest.Item) -> bool:
    """Return True when ``item`` needs the smoke build."""
    return "smoke_book" in fixtures_of(item)


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that read the smoke build slow, and run them last, behind the others."""
    for item in items:
        if reads_the_book(item):
            item.add_marker(pytest.mark.slow)  # so make test-fast builds nothing
    items.sort(key=reads_the_book)  # stable: each group keeps its order


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start what the selected tests will need: the smoke build, the visits, marked jobs."""
    if session.config.option.collectonly:
        return
    needed = {name for item in session.items for name in fixtures_of(item)}
    if "smoke_book" in needed:
        start_the_site(visit="visits" in needed)
    for item in session.items:
        marker = item.get_closest_marker("behind")
        skipped = any(m.args[:1] == (True,) for m in item.iter_markers("skipif"))
        if marker and not skipped:
            BEHIND.start(*marker.args)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Wait for the work behind the tests, stop its server, and freeze the heap.

    Freezing moves every object to the permanent generation, so that the interpreter's
    last garbage collections skip torch's heap: the run ends 2-3 s sooner.
    """
    BEHIND.close()
    gc.freeze()


@pytest.fixture
def behind(request: pytest.FixtureRequest):
    """Return what the job of the test's ``behind(name, job)`` marker returned."""
    marker = request.node.get_closest_marker("behind")
    if marker is None:
        pytest.fail(
            "the fixture `behind` needs a @pytest.mark.behind(name, job) marker"
        )
    return BEHIND.result(*marker.args)


@pytest.fixture(scope="session")
def smoke_book() -> BookBuild:
    """Return the smoke build of the book (built behind the other tests, or now)."""
    return BEHIND.result("smoke_book", build_smoke_book)


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
