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

from utils.runtime import get_profile_name

ROOT = Path(__file__).resolve().parents[1]
BUILD_DIR = ROOT / "_build"
FAILED_MARKER = BUILD_DIR / ".book_build_failed"
JUPYTER_BOOK = "import sys; from jupyter_book.cli.main import main; sys.exit(main())"


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


def build(root: Path = ROOT, rebuild_all: bool = False) -> tuple[int, int]:
    """Build the book, echoing its log; return (exit status, number of warnings)."""
    env = {**os.environ, "COURSE_PROFILE": get_profile_name()}
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
    args = parser.parse_args(argv)
    profile = get_profile_name()
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
    status, warnings = build(ROOT, rebuild_all)
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
