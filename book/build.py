"""Build the course book into ``_build/html``: what ``make book`` runs.

``python -m book.build [--all]`` runs ``jupyter-book build . -W -n --keep-going``
with the profile ``COURSE_PROFILE`` gives (unset: by device). Warnings fail the build.
The notebooks' outputs are cached per profile by ``book.extension``, so an unchanged
rebuild takes seconds and a page run with one profile is never served for another.
Sphinx only reports a page's warnings when it reads the page, so after a failed build
the next one re-reads every page (``--all``; executed notebooks still come from the cache).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from book.profile import profile_name

ROOT = Path(__file__).resolve().parents[1]
BUILD_DIR = ROOT / "_build"
FAILED_MARKER = BUILD_DIR / ".book_build_failed"
# jupyter-book's CLI has no option for Sphinx's parallel jobs; its build_sphinx() takes
# one, so the command wraps it (SPHINX_JOBS, read by the snippet) before calling the CLI.
JUPYTER_BOOK = (
    "import functools, os, sys; import jupyter_book.sphinx as s; "
    "s.build_sphinx = functools.partial(s.build_sphinx, jobs=int(os.environ['SPHINX_JOBS'])); "
    "from jupyter_book.cli.main import main; sys.exit(main())"
)


def build_command(root: Path = ROOT, rebuild_all: bool = False) -> list[str]:
    """Return the jupyter-book command that builds the site strictly (warnings are errors)."""
    command = [
        sys.executable,
        "-c",
        JUPYTER_BOOK,
        "build",
        str(root),
        "-W",
        "-n",
        "--keep-going",
    ]
    return command + ["--all"] if rebuild_all else command


def is_warning(line: str) -> bool:
    """Return True for a Sphinx warning or error line of the build log."""
    return "WARNING:" in line or "ERROR:" in line


def build(
    root: Path = ROOT, rebuild_all: bool = False, jobs: int = 1
) -> tuple[int, int]:
    """Build the book with ``jobs`` Sphinx processes, echoing its log; return (status, warnings).

    With ``jobs`` > 1 Sphinx reads pages in parallel, so that many notebooks execute at once.
    """
    env = {**os.environ, "COURSE_PROFILE": profile_name(), "SPHINX_JOBS": str(jobs)}
    warnings = 0
    with subprocess.Popen(
        build_command(root, rebuild_all),
        cwd=root,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            warnings += is_warning(line)
    return process.returncode, warnings


def positive_int(text: str) -> int:
    """Return ``text`` as an int of at least 1 (argparse type for --jobs)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of at least 1, got {text!r}"
        )
    return value


def main(argv: list[str] | None = None) -> int:
    """Build the site and say where to open it; return non-zero when the build failed."""
    parser = argparse.ArgumentParser(
        prog="python -m book.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--all",
        action="store_true",
        dest="rebuild_all",
        help="re-read every page (executed notebooks still come from the cache)",
    )
    parser.add_argument(
        "--jobs",
        type=positive_int,
        default=1,
        help="pages read (notebooks executed) at once; each notebook uses all its threads, "
        "so more than 1 suits OMP_NUM_THREADS=1 (make test) or a machine with cores to spare",
    )
    args = parser.parse_args(argv)
    profile = profile_name()
    rebuild_all = args.rebuild_all or FAILED_MARKER.exists()
    print(
        f"Building the book with COURSE_PROFILE={profile}"
        + (
            " (re-reading every page: the last build failed)"
            if FAILED_MARKER.exists()
            else ""
        ),
        flush=True,
    )
    start = time.perf_counter()
    status, warnings = build(ROOT, rebuild_all, args.jobs)
    index = BUILD_DIR / "html" / "index.html"
    seconds = time.perf_counter() - start
    if status != 0 or warnings or not index.exists():
        BUILD_DIR.mkdir(exist_ok=True)
        FAILED_MARKER.touch()
        print(
            f"\nBook build FAILED after {seconds:.0f} s: exit status {status}, {warnings} warnings "
            "(see the log above; a warning fails the build)",
            file=sys.stderr,
        )
        return status or 1
    FAILED_MARKER.unlink(missing_ok=True)
    print(
        f"\nBook built with COURSE_PROFILE={profile} in {seconds:.0f} s, 0 warnings.\n"
        f"Open {index.as_uri()}\n"
        f"or serve it: python -m http.server --directory {index.parent} 8000"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
