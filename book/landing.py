"""The landing page's facts about this build, taken from the build itself, never typed in.

- ``{{ course_version }}``: the book's version, from ``pyproject.toml``;
- the ``course-data`` directive: a table of the data each notebook used, made from the
  ``MNIST: `` and ``Faces: `` lines the executed notebooks printed (``utils.data`` prints
  exactly one such line for each source it picks).

Listed under ``sphinx.extra_extensions`` in ``_config.yml``.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[1]
DATA_LINE = re.compile(r"^(MNIST|Faces): (.+)$", flags=re.M)


def book_version(root: Path = ROOT) -> str:
    """Return the version in ``pyproject.toml``."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


class course_data(nodes.General, nodes.Element):  # noqa: N801 (docutils' naming)
    """Where the data table goes once every notebook has run."""


class CourseDataDirective(SphinxDirective):
    """``{course-data}``: a placeholder for the table of the data each notebook used."""

    def run(self) -> list[nodes.Node]:
        """Return the placeholder node."""
        return [course_data()]


def data_lines(notebook: dict[str, Any]) -> list[str]:
    """Return the ``MNIST: ...`` and ``Faces: ...`` lines an executed notebook printed."""
    lines = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            lines += [
                f"{kind}: {rest.strip()}" for kind, rest in DATA_LINE.findall(text)
            ]
    return lines


def data_table(executed: Path) -> nodes.Node:
    """Return a table with one row per executed notebook that printed where its data came from."""
    rows = []
    for path in sorted(executed.glob("*.ipynb")):
        lines = data_lines(json.loads(path.read_text()))
        if lines:
            rows.append((path.stem, lines))
    if not rows:
        return nodes.paragraph(
            text="No notebook of this build printed where its data came from."
        )
    table = nodes.table(classes=["course-data"])
    group = nodes.tgroup(cols=2)
    table += group
    group += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=4)]
    head, body = nodes.thead(), nodes.tbody()
    group += [head, body]
    head += _row([nodes.Text("notebook"), nodes.Text("data it used, as it printed")])
    for stem, lines in rows:
        text = nodes.line_block()
        for line in lines:
            text += nodes.line(text=line)
        body += _row([nodes.literal(text=f"{stem}.ipynb"), text])
    return table


def _row(cells: list[nodes.Node]) -> nodes.row:
    """Return a table row holding ``cells``."""
    row = nodes.row()
    for content in cells:
        entry = nodes.entry()
        entry += (
            content
            if isinstance(content, nodes.Element)
            else nodes.paragraph("", "", content)
        )
        row += entry
    return row


def fill_data_table(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each ``course-data`` placeholder with the table of this build's data."""
    for node in doctree.findall(course_data):
        node.replace_self(
            data_table(Path(app.outdir).parent / "jupyter_execute" / "lectures")
        )


def pages_with_data_table(
    app: Sphinx, env: Any, added: set, changed: set, removed: set
) -> list[str]:
    """Return the landing page when a notebook is about to run again (its table may change)."""
    index = app.config.root_doc
    notebooks = {
        doc for doc in added | changed if str(env.doc2path(doc)).endswith(".ipynb")
    }
    return [index] if notebooks and index not in changed else []


def add_version(app: Sphinx, config: Any) -> None:
    """Make ``{{ course_version }}`` available to the pages."""
    config.myst_substitutions = {
        **config.myst_substitutions,
        "course_version": book_version(),
    }


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, the table filler and the version substitution."""
    app.add_node(course_data)
    app.add_directive("course-data", CourseDataDirective)
    app.connect("config-inited", add_version, priority=600)
    app.connect("env-get-outdated", pages_with_data_table)
    app.connect("doctree-resolved", fill_data_table)
    return {
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "version": book_version(),
    }
