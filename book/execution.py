"""The book's execution set-up: one jupyter-cache per profile, quiet kernels, empty runs.

- one Jupyter execution cache per ``COURSE_PROFILE`` (the cache keys on notebook content
  only, so a page executed with ``smoke`` must never be served for ``cpu``), cleared when
  ``utils/`` changes; the landing page learns which profile built the site
  (``{{ course_profile }}``);
- the kernels log errors only and start with an empty checkpoint folder (``COURSE_RUNS``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from book.profile import PROFILE_NAMES, profile_name

LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
UTILS_DIR = ROOT / "utils"
BOOK_DIR = Path(__file__).resolve().parent
FINGERPRINT_FILE = "course-fingerprint.txt"
# The modules of the Sphinx extension: a change to one of them re-reads every page.
EXTENSION_MODULES = (
    "extension.py",
    "execution.py",
    "outputs.py",
    "page.py",
    "patches.py",
)


# -- one execution cache per profile ---------------------------------------------------


def files_fingerprint(folder: Path, paths: list[Path]) -> str:
    """Return a short hash of the names (relative to ``folder``) and contents of ``paths``."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(
            path.relative_to(folder).as_posix().encode()
            + b"\0"
            + path.read_bytes()
            + b"\0"
        )
    return digest.hexdigest()[:12]


def utils_fingerprint(folder: Path = UTILS_DIR) -> str:
    """Return a short hash of every helper module the notebooks import (all of ``utils/``)."""
    return files_fingerprint(folder, list(folder.rglob("*.py")))


def site_fingerprint(folder: Path = BOOK_DIR) -> str:
    """Return a short hash of what shapes the pages here: the extension, its templates and CSS."""
    paths = [
        *(folder / name for name in EXTENSION_MODULES),
        *folder.glob("templates/*"),
        *folder.glob("static/*"),
    ]
    return files_fingerprint(folder, [path for path in paths if path.is_file()])


def profile_cache_dir(base: Path, profile: str, fingerprint: str) -> Path:
    """Return ``base/profile``, emptied first when it holds runs of other helper code."""
    cache = Path(base) / profile
    stamp = cache / FINGERPRINT_FILE
    if cache.exists() and (
        not stamp.exists() or stamp.read_text().strip() != fingerprint
    ):
        LOGGER.info(f"utils/ changed since the notebooks ran: clearing {cache}")
        shutil.rmtree(cache)
    cache.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n")
    return cache


# Run in each kernel as it starts, leaving no name behind: at exit, move every object to
# the permanent generation, so that the interpreter's last garbage collections skip the
# heap of torch and its friends. A kernel with torchvision loaded then stops in about
# 0.5 s instead of 2-3 s, and the build waits for each kernel to stop.
FREEZE_AT_EXIT = "import atexit as _atexit, gc as _gc; _atexit.register(_gc.freeze); del _atexit, _gc"


def kernel_profile(build_dir: Path) -> Path:
    """Give the build's kernels an IPython profile; return its config file.

    The kernels log errors only (ipykernel 7 warns on every start that its loopback TCP
    link is not encrypted, and a build log must show no warning that is not about the
    book) and stop quickly (``FREEZE_AT_EXIT``).
    """
    ipython_dir = Path(build_dir) / "ipython"
    config = ipython_dir / "profile_default" / "ipython_kernel_config.py"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        'c.IPKernelApp.log_level = "ERROR"\n'
        f"c.IPKernelApp.exec_lines = [{FREEZE_AT_EXIT!r}]\n"
    )
    os.environ["IPYTHONDIR"] = str(ipython_dir)
    return config


def fresh_runs_dir(build_dir: Path, profile: str) -> Path:
    """Point the build's kernels at an empty checkpoint folder ``_build/runs/<profile>``.

    A page the build executes must show the training run its own code made, never one
    resumed from an earlier build or from a student's ``data/runs``; pages served from
    the execution cache are not re-run, so emptying the folder loses nothing.
    """
    runs = Path(build_dir) / "runs" / profile
    shutil.rmtree(runs, ignore_errors=True)
    runs.mkdir(parents=True)
    os.environ["COURSE_RUNS"] = str(runs)
    return runs


def use_profile(app: Sphinx, config: Config) -> None:
    """Pick the profile, point myst-nb at its cache, and expose it to the pages."""
    profile = profile_name()
    os.environ["COURSE_PROFILE"] = (
        profile  # the kernels this build starts use the same scale
    )
    kernel_profile(Path(app.outdir).parent)
    fresh_runs_dir(Path(app.outdir).parent, profile)
    fingerprint = utils_fingerprint()
    base = Path(
        config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    )
    if not base.is_absolute():
        base = Path(app.srcdir) / base
    config.nb_execution_cache_path = str(profile_cache_dir(base, profile, fingerprint))
    # A value with rebuild="env": when it changes, Sphinx re-reads every page.
    # ... and so does a change to this extension, its templates or its CSS.
    config.course_build_key = f"{profile}-{fingerprint}-{site_fingerprint()}"
    config.course_profile = profile
    config.myst_substitutions = {**config.myst_substitutions, "course_profile": profile}
    LOGGER.info(
        f"COURSE_PROFILE={profile}; execution cache {config.nb_execution_cache_path}"
    )


# -- nbmake's executed copies into the book's cache ---------------------------------------


def with_outputs_of(source: Path, executed: Path) -> Any:
    """Return the notebook ``source`` with the outputs and counts of its executed copy.

    The copy cannot be cached as it is: nbclient adds timings to each cell's metadata,
    which jupyter-cache hashes, so the book would not find it for the source notebook.
    """
    import nbformat

    notebook = nbformat.read(source, as_version=4)
    ran = nbformat.read(executed, as_version=4)
    if [c.source for c in notebook.cells] != [c.source for c in ran.cells]:
        raise ValueError(
            f"{executed} is not an executed copy of {source}: their cells differ"
        )
    for cell, run in zip(notebook.cells, ran.cells):
        if cell.cell_type == "code":
            cell.outputs = run.outputs
            cell.execution_count = run.execution_count
    return notebook


def cache_executed(base: Path, profile: str, pairs: list[tuple[Path, Path]]) -> Path:
    """Put each (source, executed copy) pair into the book's cache for ``profile``.

    Return the cache folder: the one ``use_profile`` points myst-nb at, so that the
    book build finds these pages executed and runs none of them again.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    folder = profile_cache_dir(base, profile, utils_fingerprint())
    cache = get_cache(folder)
    for source, executed in pairs:
        bundle = CacheBundleIn(with_outputs_of(source, executed), str(source))
        cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    """``python -m book.execution PROFILE COPY...``: cache nbmake's executed copies.

    Each copy lies at ``.nbmake/<PROFILE>/<path of its source notebook>`` (Makefile).
    """
    import sys

    profile, *copies = sys.argv[1:] if argv is None else argv
    if profile not in PROFILE_NAMES:
        raise SystemExit(f"PROFILE must be one of {PROFILE_NAMES}, got {profile!r}")
    copies_root = ROOT / ".nbmake" / profile
    pairs = [
        (ROOT / Path(copy).resolve().relative_to(copies_root), Path(copy))
        for copy in copies
    ]
    folder = cache_executed(ROOT / "_build" / ".jupyter_cache", profile, pairs)
    print(f"cached {len(pairs)} executed notebooks in {folder.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
