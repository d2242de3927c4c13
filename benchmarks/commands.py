"""Wall time of the project's two commands as a user types them: ``make book`` and ``make test``.

``make book`` runs in a scratch copy of the working tree (tracked files and untracked
ones git does not ignore, modification times kept, ``.venv`` linked), so the cold build
starts from an empty ``_build`` and the developer's own ``_build`` and its execution
caches of every profile stay untouched. ``make test`` runs in such a copy too, cold and
then with nothing changed, exactly as an instructor runs it before publishing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.results import Figure, runs_note

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# "after set-up": never let a missing or older install stamp start a pip install mid-benchmark
MAKE = ["make", "--old-file=.venv/.installed"]
COURSE_VARIABLES = (
    "COURSE_PROFILE",
    "COURSE_RUNS",
    "COURSE_DEVICE",
    "COURSE_DATA",
    "FACES_DIR",
)


def clean_env(**extra: str) -> dict[str, str]:
    """Return this process's environment without the course's variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in COURSE_VARIABLES}
    env.pop("MPLBACKEND", None)
    return {**env, **extra}


def working_tree_files(root: Path = ROOT) -> list[str]:
    """Return the files of the working tree: tracked, and untracked ones git does not ignore."""
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [name for name in out.stdout.split("\0") if name and (root / name).is_file()]


def scratch_copy(target: Path, root: Path = ROOT) -> Path:
    """Copy the working tree to ``target`` (emptied first) with ``.venv`` linked; return ``target``.

    The commands run with ``make --old-file=.venv/.installed``, so the shared virtual
    environment is used as it is and never reinstalled.
    """
    if target.exists():
        shutil.rmtree(target)
    for name in working_tree_files(root):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, destination)
    (target / ".venv").symlink_to(root / ".venv", target_is_directory=True)
    return target


def run_timed(
    command: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float
) -> tuple[float, str | None]:
    """Run ``command``, its output going to ``log``; return (seconds, error or None)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        with log.open("w") as out:
            status = subprocess.run(
                command,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            ).returncode
    except subprocess.TimeoutExpired:
        return (
            time.perf_counter() - start,
            f"timed out after {timeout:.0f} s (log: {log})",
        )
    seconds = time.perf_counter() - start
    return (
        seconds,
        None if status == 0 else f"exit status {status}: {first_problem(log)}",
    )


def first_problem(log: Path) -> str:
    """Return the log's first warning or error line (else its last line) and where the log is."""
    lines = [
        ANSI.sub("", line).strip()
        for line in log.read_text(errors="replace").splitlines()
    ]
    lines = [line for line in lines if line]
    problem = next(
        (ln for ln in lines if "WARNING:" in ln or "ERROR:" in ln or "FAILED" in ln),
        lines[-1] if lines else "no output",
    )
    return f"{problem[:160]} (log: {log})"


def measure_book(
    work: Path,
    profile: str = "cpu",
    cached_repeat: int = 3,
    cold: bool = True,
    timeout: float = 3600,
) -> list[Figure]:
    """Return the wall time of ``make book`` cold (1 run) and cached (``cached_repeat`` runs).

    Without ``cold`` the first, uncounted build still fills the scratch cache; only the
    cached figure is reported then.
    """
    copy = scratch_copy(work / "book-tree")
    runs = Path(tempfile.mkdtemp(prefix="bench-book-runs-"))
    env = clean_env(COURSE_PROFILE=profile, COURSE_RUNS=str(runs), PYTHONPATH=str(copy))
    logs = work / "logs"
    try:
        cold_s, cold_error = run_timed(
            [*MAKE, "book"], copy, env, logs / "book-cold.log", timeout
        )
        cached_s, cached_error = [], cold_error
        if cold_error is None:
            for i in range(cached_repeat):
                seconds, cached_error = run_timed(
                    [*MAKE, "book"], copy, env, logs / f"book-cached-{i}.log", timeout
                )
                if cached_error:
                    break
                cached_s.append(seconds)
    finally:  # the logs stay in work/logs; the copy would only hold a second set of pages
        shutil.rmtree(runs, ignore_errors=True)
        shutil.rmtree(copy, ignore_errors=True)
    figures = []
    if cold:
        figures.append(
            Figure(
                f"make book ({profile}), cold: empty cache",
                "s",
                [cold_s],
                target=600.0,
                note="1 run (takes minutes); scratch copy",
                error=cold_error,
            )
        )
    figures.append(
        Figure(
            f"make book ({profile}), cached: nothing changed",
            "s",
            cached_s,
            target=15.0,
            error=cached_error,
            note=runs_note(cached_repeat) + " after the cold build",
        )
    )
    return figures


def measure_tests(work: Path, repeat: int = 1, timeout: float = 3600) -> list[Figure]:
    """Return the wall time of ``make test`` cold (1 run) and with the notebooks unchanged.

    Both run in a scratch copy of the working tree (the venv already set up): cold, its
    ``_build`` and ``.nbmake`` do not exist yet; then ``repeat`` runs with nothing changed,
    which execute no notebook.
    """
    copy = scratch_copy(work / "test-tree")
    env = clean_env(PYTHONPATH=str(copy))
    logs = work / "logs"
    try:
        cold_s, cold_error = run_timed(
            [*MAKE, "test"], copy, env, logs / "make-test-cold.log", timeout
        )
        cached_s, cached_error = [], cold_error
        if cold_error is None:
            for i in range(repeat):
                seconds, cached_error = run_timed(
                    [*MAKE, "test"], copy, env, logs / f"make-test-{i}.log", timeout
                )
                if cached_error:
                    break
                cached_s.append(seconds)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    return [
        Figure(
            "make test (after set-up), cold: no _build",
            "s",
            [cold_s],
            target=90.0,  # issue 22
            note="1 run; scratch copy",
            error=cold_error,
        ),
        Figure(
            "make test (after set-up), notebooks unchanged",
            "s",
            cached_s,
            target=45.0,  # issue 22
            note=runs_note(repeat, "1 run (takes minutes)") + " after the cold run",
            error=cached_error,
        ),
    ]
