"""Committed notebooks carry no outputs and follow the lecture's conventions."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

LECTURES = Path(__file__).resolve().parents[1] / "lectures"
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
             and (cell.outputs or cell.execution_count is not None)]
    assert dirty == [], f"{path.name}: cells {dirty} carry outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_exactly_one_h1_title_first(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    titles = [line for src in markdown for line in src.splitlines() if re.match(r"^# \S", line)]
    assert len(titles) == 1, f"{path.name}: H1 titles {titles}"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_sets_up_device_profile_and_seed(path):
    nb = nbformat.read(path, as_version=4)
    first = next(cell.source for cell in nb.cells if cell.cell_type == "code")
    for needed in ("import utils", "get_device()", "get_profile(", "seed_everything("):
        assert needed in first, f"{path.name}: first code cell lacks {needed!r}"
