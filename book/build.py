"""Build the course book into ``_build/html``: the last step of ``make book``.

``python -m book.build [--all]`` runs Jupyter Book's own command,
``jupyter-book build . -W -n --keep-going``, with the profile ``COURSE_PROFILE`` gives
(unset: by device), and says where to open the site. Warnings fail the build. Sphinx only
reports a page's warnings when it reads the page, so after a failed build the next one
re-reads every page (``--all``; executed notebooks still come from the cache).
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


def build_command(root: Path = ROOT, rebuild_all: bool = False) -> list[str]:
    """Return the jupyter-book command that builds the site strictly (warnings are errors)."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(root), "-W", "-n", "--keep-going"]
    return command + ["--all"] if rebuild_all else command


def build(root: Path = ROOT, rebuild_all: bool = False) -> int:
    """Build the book (its log goes to this process's output); return the exit status."""
    env = {**os.environ, "COURSE_PROFILE": profile_name()}
    return subprocess.run(
        build_command(root, rebuild_all), cwd=root, env=env
    ).returncode


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
    profile = profile_name()
    failed_before = FAILED_MARKER.exists()
    print(
        f"Building the book with COURSE_PROFILE={profile}"
        + (" (re-reading every page: the last build failed)" if failed_before else ""),
        flush=True,
    )
    start = time.perf_counter()
    status = build(ROOT, args.rebuild_all or failed_before)
    index = BUILD_DIR / "html" / "index.html"
    seconds = time.perf_counter() - start
    if status != 0 or not index.exists():
        BUILD_DIR.mkdir(exist_ok=True)
        FAILED_MARKER.touch()
        print(
            f"\nBook build FAILED after {seconds:.0f} s: exit status {status} "
            "(see the log above; a warning fails the build)",
            file=sys.stderr,
        )
        return status or 1
    FAILED_MARKER.unlink(missing_ok=True)
    print(
        f"\nBook built with COURSE_PROFILE={profile} in {seconds:.0f} s.\n"
        f"Open {index.as_uri()}\n"
        f"or serve it: python -m http.server --directory {index.parent} 8000"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
