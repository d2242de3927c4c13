"""Wall time of executing each lecture notebook, as a student's kernel runs it, per profile.

Each run executes the notebook with nbclient (kernel working directory ``lectures/``,
as the book build and nbmake use it), with ``COURSE_PROFILE`` set and ``COURSE_RUNS``
pointing at a fresh temporary folder, so that no training resumes from a checkpoint
of an earlier run. The time includes starting the kernel. The executed notebook is
kept under the work folder, for the autoencoder's held-out MSE and for per-cell times.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
CELL_TIMEOUT_S = 1200


@dataclass
class Execution:
    """One executed notebook: its wall time, the notebook with outputs, or the error."""

    name: str
    profile: str
    seconds: float
    notebook: nbformat.NotebookNode | None = None
    error: str | None = None
    cell_seconds: list[tuple[int, float]] = field(default_factory=list)


def lecture_notebooks(folder: Path = LECTURES) -> list[Path]:
    """Return the lecture notebooks (``*.ipynb``) in file-name order."""
    return sorted(folder.glob("*.ipynb"))


def cell_seconds(notebook: nbformat.NotebookNode) -> list[tuple[int, float]]:
    """Return (cell index, seconds) of each executed code cell, from nbclient's timing metadata."""
    times = []
    for index, cell in enumerate(notebook.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = (
            timing.get("iopub.execute_input"),
            timing.get("shell.execute_reply"),
        )
        if cell.cell_type == "code" and start and end:
            seconds = (
                datetime.fromisoformat(end.replace("Z", "+00:00"))
                - datetime.fromisoformat(start.replace("Z", "+00:00"))
            ).total_seconds()
            times.append((index, seconds))
    return times


def execute(
    path: Path, profile: str, keep: Path | None = None, timeout: int = CELL_TIMEOUT_S
) -> Execution:
    """Execute the notebook at ``path`` once with ``profile``; return its wall time and outputs.

    Args:
        path: the notebook file.
        profile: the value of ``COURSE_PROFILE`` for the kernel.
        keep: where to write the executed notebook (optional).
        timeout: seconds any one cell may run before the run counts as failed.
    """
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix=f"bench-runs-{path.stem}-") as runs:
        env = {
            **os.environ,
            "COURSE_PROFILE": profile,
            "COURSE_RUNS": runs,
            "PYTHONPATH": str(ROOT),
        }
        env.pop(
            "MPLBACKEND", None
        )  # the kernel picks its inline backend, as for a student
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        start, error = time.perf_counter(), None
        try:
            client.execute(env=env)
        except (
            CellExecutionError,
            CellTimeoutError,
            DeadKernelError,
            RuntimeError,
        ) as err:
            lines = [line for line in str(err).strip().splitlines() if line.strip()]
            error = f"{type(err).__name__}: {lines[-1] if lines else ''}"[:300]
        seconds = time.perf_counter() - start
    if keep is not None:
        keep.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, keep)
    return Execution(
        path.stem, profile, seconds, notebook, error, cell_seconds(notebook)
    )


def slowest_cells(execution: Execution, n: int = 3) -> list[tuple[int, float, str]]:
    """Return the ``n`` slowest code cells as (index, seconds, first source line)."""
    if execution.notebook is None:
        return []
    top = sorted(execution.cell_seconds, key=lambda pair: -pair[1])[:n]
    cells = execution.notebook.cells
    return [
        (i, s, next((ln for ln in cells[i].source.splitlines() if ln.strip()), ""))
        for i, s in top
    ]
