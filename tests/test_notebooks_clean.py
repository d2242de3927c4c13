"""Committed notebooks carry no outputs, have one title, and import only what they use."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

LECTURES = Path(__file__).resolve().parents[1] / "lectures"
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: a code cell has outputs; run `nbstripout` (pre-commit does)"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_exactly_one_h1_title_first(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    titles = [
        line
        for src in markdown
        for line in src.splitlines()
        if re.match(r"^# \S", line)
    ]
    assert len(titles) == 1, f"{path.name}: H1 titles {titles}"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


def defined_names(source: str) -> set[str]:
    """Return the names a cell imports or assigns at its top level."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {
                (a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"
            }
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def used_names(source: str) -> set[str]:
    """Return the names a cell reads."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_imports_and_sets_only_what_the_notebook_uses(path):
    nb = nbformat.read(path, as_version=4)
    # the install cell (test_install_cell.py) is plumbing; the set-up cell comes next
    code = [
        cell.source
        for cell in nb.cells
        if cell.cell_type == "code" and "%pip install" not in cell.source
    ]
    used = set().union(*(used_names(source) for source in code))
    unused = sorted(defined_names(code[0]) - used)
    assert not unused, (
        f"{path.name}: the set-up cell defines {unused}, which no later cell uses"
    )
