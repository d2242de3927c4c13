"""Notebook cells outside Jupyter: run a notebook's tagged code, read what a cell printed.

A notebook that defines a model for students to read and edit (``04_gans``'s DCGAN)
tags those cells, e.g. ``dcgan-definitions``; :func:`definitions` executes exactly
those cells and returns what they define. There is no second copy of the model to
drift away from the notebook's. :func:`text_outputs` and :func:`tagged_text` read an
executed notebook (nbmake's copies under ``.nbmake/``, or a benchmark's run).

The tests import this module as ``notebook_code``, the benchmarks as
``tests.notebook_code``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
GANS = ROOT / "lectures" / "04_gans.ipynb"
# What the notebooks' set-up cells import, so that tagged cells run on their own.
PREAMBLE = "import math\nimport torch\nfrom torch import nn\n"
MAGIC = re.compile(r"^(\s*)[%!].*$", re.MULTILINE)


def code_cells(path: str | Path) -> list[nbformat.NotebookNode]:
    """Return the code cells of notebook ``path``, in order."""
    notebook = nbformat.read(Path(path), as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def tagged_sources(path: str | Path, tags: str | Iterable[str]) -> list[str]:
    """Return the source of each code cell of ``path`` carrying one of ``tags``, in order."""
    wanted = {tags} if isinstance(tags, str) else set(tags)
    sources = [
        cell.source
        for cell in code_cells(path)
        if wanted & set(cell.get("metadata", {}).get("tags", []))
    ]
    if not sources:
        raise ValueError(
            f"tagged_sources: notebook {path} must have a code cell tagged "
            f"{' or '.join(sorted(wanted))}, got none"
        )
    return sources


def run_source(source: str, namespace: dict[str, Any], label: str) -> None:
    """Execute one cell's ``source`` in ``namespace``; IPython magics become ``pass``."""
    exec(compile(MAGIC.sub(r"\1pass", source), label, "exec"), namespace)


def definitions(
    path: str | Path, tags: str | Iterable[str], namespace: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Execute the code cells of ``path`` tagged with any of ``tags``; return their namespace.

    A new namespace starts with ``PREAMBLE``'s imports; a given one is used as it is
    (and returned), so a caller can set the names that the cells read first (``sizes``,
    ``device``) and run several tags in turn. Functions defined by the cells look up
    global names (``netD``, ``optimizerD``, ...) in this dict when they are called.
    """
    if namespace is None:
        namespace = {"__name__": f"notebook:{Path(path).stem}"}
        run_source(PREAMBLE, namespace, "<preamble>")
    for index, source in enumerate(tagged_sources(path, tags)):
        run_source(source, namespace, f"{Path(path).name}[{tags} {index}]")
    return namespace


def run_through(
    path: str | Path, tag: str, namespace: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Execute every code cell of ``path`` in order, up to the cell tagged ``tag``; return the namespace.

    As a kernel would run the notebook top to bottom and stop there (set-up cell
    included: its install step does nothing where the helpers are importable).
    """
    cells = code_cells(path)
    tagged = [
        i
        for i, cell in enumerate(cells)
        if tag in cell.get("metadata", {}).get("tags", [])
    ]
    if not tagged:
        raise ValueError(
            f"run_through: notebook {path} must have a code cell tagged {tag!r}, got none"
        )
    if namespace is None:
        namespace = {"__name__": f"notebook:{Path(path).stem}"}
    for index, cell in enumerate(cells[: tagged[0] + 1]):
        run_source(cell.source, namespace, f"{Path(path).name}[code cell {index}]")
    return namespace


def text_outputs(cell: nbformat.NotebookNode) -> str:
    """Return what a code cell printed or displayed as text, in order."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def tagged_text(notebook: nbformat.NotebookNode, tag: str) -> str:
    """Return the printed text of the one code cell tagged ``tag``; ValueError if not one."""
    cells = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and tag in cell.get("metadata", {}).get("tags", [])
    ]
    if len(cells) != 1:
        raise ValueError(
            f"tagged_text: expected one code cell tagged {tag!r}, got {len(cells)}"
        )
    return text_outputs(cells[0])
