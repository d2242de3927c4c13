"""Student versions of the notebooks: the solutions removed and the outputs cleared.

A cell tagged ``solution`` (a folded worked solution, or a coding exercise's gated
reference answer) is dropped by nbconvert's ``TagRemovePreprocessor``, and every output
by its ``ClearOutputPreprocessor``; a cell tagged ``exercise`` (the student's ``...``
and the check call) stays. One function makes them for both users:

- ``python -m book.student [OUT]`` (what ``make student`` runs) writes the student
  version of every notebook in ``lectures/`` to ``OUT/lectures/`` (default
  ``_build/student``);
- as a Sphinx extension (``_config.yml``) it ships each notebook page's student version
  with the site, as ``student/<page>_student.ipynb``, and offers it in the page's
  download menu. The site needs nothing built beforehand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
DEFAULT_OUT = ROOT / "_build" / "student"
SOLUTION_TAG = "solution"
EXERCISE_TAG = "exercise"
SITE_FOLDER = "student"  # under the site's root
BUTTON_LABEL = "download-student-notebook-button"


def student_exporter() -> Any:
    """Return nbconvert's notebook exporter set to drop solution cells and clear outputs.

    The same as ``jupyter nbconvert --to notebook --ClearOutputPreprocessor.enabled=True
    --TagRemovePreprocessor.remove_cell_tags=solution``.
    """
    from nbconvert.exporters import NotebookExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {SOLUTION_TAG}
    config.ClearOutputPreprocessor.enabled = True
    return NotebookExporter(config=config)


def student_version(notebook: Path) -> str:
    """Return the student version of the notebook file ``notebook`` (nbformat JSON text)."""
    if not Path(notebook).is_file():
        raise FileNotFoundError(
            f"student_version: notebook must be an existing .ipynb file, got {notebook}"
        )
    body, _ = student_exporter().from_filename(str(notebook))
    return body


def write_student_version(notebook: Path, target: Path) -> Path:
    """Write the student version of ``notebook`` to ``target``; return ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(student_version(notebook), encoding="utf-8")
    return target


def write_student_notebooks(
    out: Path = DEFAULT_OUT, source: Path = LECTURES
) -> list[Path]:
    """Write the student version of every notebook in ``source`` to ``out/<folder name>``."""
    notebooks = sorted(Path(source).glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(
            f"write_student_notebooks: source must hold .ipynb files, got none in {source}"
        )
    folder = Path(out) / Path(source).name
    return [write_student_version(path, folder / path.name) for path in notebooks]


# -- the site ---------------------------------------------------------------------------


def site_path(pagename: str) -> str:
    """Return where the site keeps the student version of page ``pagename``."""
    return f"{SITE_FOLDER}/{pagename}_student.ipynb"


def notebook_pages(app: Any) -> dict[str, Path]:
    """Return {page name: its notebook} for every notebook page of the book."""
    pages = {}
    for docname in sorted(app.env.found_docs):
        path = Path(app.env.doc2path(docname))
        if path.suffix == ".ipynb":
            pages[docname] = path
    return pages


def write_site_copies(app: Any, exception: Exception | None) -> None:
    """Write each notebook page's student version into the built site."""
    if exception is not None or app.builder.format != "html":
        return
    for pagename, path in notebook_pages(app).items():
        write_student_version(path, Path(app.outdir) / site_path(pagename))


def add_download_entry(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Add "Student notebook (.ipynb)" to a notebook page's download menu."""
    groups = [
        group
        for group in context.get("header_buttons", [])
        if group.get("label") == "download-buttons"
    ]
    if not groups or not str(app.env.doc2path(pagename)).endswith(".ipynb"):
        return
    groups[0]["buttons"].append(
        {
            "type": "link",
            "url": context["pathto"](site_path(pagename), 1),
            "text": "Student notebook (.ipynb)",
            "tooltip": "The exercises without their solutions, to work through",
            "icon": "fas fa-user-graduate",
            "label": BUTTON_LABEL,
        }
    )


def setup(app: Any) -> dict[str, Any]:
    """Register the download entry and the copies written when the build ends."""
    # after the theme's handler (priority 501), which builds the download menu
    app.connect("html-page-context", add_download_entry, priority=502)
    app.connect("build-finished", write_site_copies)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    """Write the student notebooks and say where they are."""
    parser = argparse.ArgumentParser(
        prog="python -m book.student", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "out", nargs="?", type=Path, default=DEFAULT_OUT, help="folder to write to"
    )
    args = parser.parse_args(argv)
    written = write_student_notebooks(args.out)
    for path in written:
        print(path)
    print(f"{len(written)} student notebooks written to {written[0].parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
