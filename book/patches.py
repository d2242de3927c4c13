"""Every change the book makes to other packages' behaviour, in one place.

- myst-nb 1.4's executed copies of pages read from the cache get their outputs;
- each stream is merged as a terminal shows it (tqdm bars in their final state);
- each script is kept once per page (sphinx-thebe's settings are added twice);
- pages are read in parallel, one page per chunk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from utils.files import atomic_write


def complete_executed_copies(app: Sphinx, env: Any) -> None:
    """Put the cached outputs into myst-nb's copies in ``_build/jupyter_execute``.

    When a page is read again but its notebook comes from the execution cache (the
    extension or a template changed, or ``--all``), myst-nb 1.4 writes the copy from the
    notebook it read, not from the one it merged with the cache: a copy with no outputs.
    The landing page's data table and the tests read these copies, so each copy whose
    code cells show no run gets its cache record merged in (jupyter-cache's own merge).
    """
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(app.config.nb_execution_cache_path)
    for path in sorted((Path(app.outdir).parent / "jupyter_execute").rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        if not code or any(cell.get("execution_count") for cell in code):
            continue
        try:
            _, merged = cache.merge_match_into_notebook(notebook)
        except KeyError:  # never executed with this code: nothing to merge
            continue
        atomic_write(path, nbformat.writes(merged).encode("utf-8"))


# -- progress bars ----------------------------------------------------------------------


def terminal_text(text: str) -> str:
    r"""Return ``text`` as a terminal leaves it: ``\r`` restarts its line, ``\b`` erases a character."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        kept: list[str] = []
        for char in line.rstrip("\r").rsplit("\r", 1)[-1]:
            if char != "\b":
                kept.append(char)
            elif kept:
                kept.pop()
        lines.append("".join(kept))
    return "\n".join(lines).rstrip() + "\n"


def coalesce_streams(outputs: list[Any]) -> list[Any]:
    r"""Return the outputs with each stream merged into its first output, as a terminal shows it.

    Replaces myst-nb's own merge (``nb_merge_streams``), which ends every chunk with a
    newline before handling ``\r``, so that each redraw of a tqdm bar became a new line.
    """
    merged: list[Any] = []
    streams: dict[str, Any] = {}
    for output in outputs:
        if output.get("output_type") != "stream":
            merged.append(output)
        elif output["name"] in streams:
            streams[output["name"]]["text"] += output["text"]
        else:
            streams[output["name"]] = output = type(output)(
                output
            )  # leave the cached one intact
            merged.append(output)
    for output in streams.values():
        output["text"] = terminal_text(output["text"])
    return merged


def drop_duplicate_scripts(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict,
    doctree: nodes.document | None,
) -> None:
    """Keep each script once (whatever its priority).

    Under Sphinx 7.4 the inline settings of sphinx-thebe and sphinx-togglebutton end up
    twice on every page, and the second ``const THEBE_JS_URL`` is a JavaScript error.
    """
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (str(script.filename or ""), tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


# Extensions the book loads that do not declare whether Sphinx may read pages in
# parallel (so Sphinx reads serially, with a warning: an error under -W). Both keep no
# state per page: sphinx-multitoc-numbering (always loaded by sphinx-external-toc) only
# renumbers `numbered: true` tocs, in the main process after reading, and our _toc.yml
# numbers nothing; sphinx-mathjax-offline copies MathJax into _static when the build ends;
# sphinx-jupyterbook-latex (loaded by jupyter-book) acts only for LaTeX builders.
PARALLEL_SAFE_EXTENSIONS = (
    "sphinx_multitoc_numbering",
    "sphinx-mathjax-offline",
    "sphinx_jupyterbook_latex",
)


def one_page_per_chunk(
    names: list[str], nproc: int, maxbatch: int = 10
) -> list[list[str]]:
    """Split ``names`` into chunks of one page each (for ``sphinx.builders.make_chunks``).

    Sphinx gives each of its ``nproc`` processes a chunk of pages in turn, as many pages
    as it takes to split the book evenly by count. Pages are not even: with two
    processes, one read 00-03 (about 45 s of notebooks) while the other was done with
    04-index in 28 s and sat idle. With a page per chunk, a process takes the next page
    as soon as it is free.
    """
    return [[name] for name in names]


def allow_parallel_read(app: Sphinx) -> None:
    """Let Sphinx read pages, and so execute notebooks, in parallel (``book.build --jobs``)."""
    import sphinx.builders

    for name in PARALLEL_SAFE_EXTENSIONS:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True
    sphinx.builders.make_chunks = one_page_per_chunk
