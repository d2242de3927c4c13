"""Same profile, same seed, same numbers: a notebook executed twice prints the same losses."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

LECTURES = Path(__file__).resolve().parents[1] / "lectures"
TIMING = re.compile(r"\d+(\.\d+)?\s*(s|sec|seconds|it/s|s/it)\b")


def printed_lines(path: Path, runs: Path) -> list[str]:
    """Execute the notebook with checkpoints in ``runs``; return its stdout lines without timings."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(LECTURES)}})
    client.execute(env={**os.environ, "COURSE_RUNS": str(runs)})
    # One text per cell: how the kernel splits a cell's prints into stream messages varies.
    texts = ["".join(out.text for out in cell.outputs
                     if out.output_type == "stream" and out.name == "stdout")
             for cell in nb.cells if cell.cell_type == "code"]
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    return [line for line in lines if not TIMING.search(line) and str(runs) not in line]


@pytest.mark.slow
@pytest.mark.xdist_group("reproducible")
def test_denoiser_notebook_prints_identical_losses_twice(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    path = LECTURES / "02_autoencoders.ipynb"
    first = printed_lines(path, tmp_path / "first")
    second = printed_lines(path, tmp_path / "second")
    assert any(re.search(r"\d\.\d{3}", line) for line in first), "the notebook printed no losses"
    assert first == second
