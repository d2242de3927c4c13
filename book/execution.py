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

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from book.profile import profile_name

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


def create_execution_cache(folder: Path) -> None:
    """Create jupyter-cache's database in ``folder`` now, before Sphinx forks its readers.

    Under ``book.build --jobs N`` the first notebook of each parallel reader would find no
    database and create its tables at the same moment as the other ("table settings already
    exists"). An existing database is left as it is.
    """
    from jupyter_cache import get_cache

    get_cache(folder).db.dispose()  # creates the tables; no connection crosses the fork


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
    create_execution_cache(Path(config.nb_execution_cache_path))
    # A value with rebuild="env": when it changes, Sphinx re-reads every page.
    # ... and so does a change to this extension, its templates or its CSS.
    config.course_build_key = f"{profile}-{fingerprint}-{site_fingerprint()}"
    config.course_profile = profile
    config.myst_substitutions = {**config.myst_substitutions, "course_profile": profile}
    LOGGER.info(
        f"COURSE_PROFILE={profile}; execution cache {config.nb_execution_cache_path}"
    )
