"""Every change the book makes to another package's behaviour, in one place.

Each patch names the release it was written for and the upstream source or issue that
makes it necessary; :func:`apply` refuses to run on another release (``PatchVersionError``),
so an upgrade fails loudly at the start of the build instead of changing pages silently.
Check then whether the new release still needs the patch: remove it, or re-pin it.

- ``myst-nb`` 1.4.0: the executed copies of pages read from the cache get their outputs
  (:func:`complete_executed_copies`), and each stream is merged as a terminal shows it,
  so that a tqdm bar shows its final state (:func:`coalesce_streams`);
- Sphinx 7.4: each script is kept once per page (:func:`drop_duplicate_scripts`).
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from utils.files import atomic_write

# The releases the patches were written for (pinned in pyproject.toml's `book` extra).
WRITTEN_FOR = {"myst-nb": ("1.4.0",), "sphinx": ("7.4.7",)}


class PatchVersionError(RuntimeError):
    """An installed package is a release that book/patches.py was not written for."""


def check_version(package: str, installed: str | None = None) -> None:
    """Raise PatchVersionError unless ``package`` is a release the patches were written for."""
    installed = installed or version(package)
    if installed not in WRITTEN_FOR[package]:
        raise PatchVersionError(
            f"book/patches.py: {package} must be {' or '.join(WRITTEN_FOR[package])} "
            f"(the release its patches were written for), got {installed}. Check each "
            f"patch of {package} there against the new release, then update WRITTEN_FOR."
        )


def complete_executed_copies(app: Sphinx, env: Any) -> None:
    """Put the cached outputs into myst-nb's copies in ``_build/jupyter_execute``.

    When a page's notebook comes from the execution cache (as every page does after
    nbmake, see the Makefile), myst-nb 1.4.0 writes the copy from the notebook it read,
    not from the one it merged with the cache: a copy with no outputs (``NbParser.parse``
    in ``myst_nb/sphinx_.py`` writes ``notebook``, not ``nb_client.notebook``; no upstream
    issue found). The landing page's data table reads these copies, so each copy whose
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

    Replaces myst-nb 1.4.0's own merge (``nb_merge_streams``,
    ``myst_nb.core.utils.coalesce_streams``), which ends every chunk with a newline before
    handling ``\r``, so that each redraw of a tqdm bar became a new line (no upstream
    issue found). Unlike it, this leaves the cached outputs intact.
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
    twice on every page, and the second ``const THEBE_JS_URL`` is a JavaScript error:
    the builder adds a script with no file once as ``None`` and once as ``''``. Fixed
    upstream by sphinx-doc/sphinx#13402 (merged in March 2025, after the 7.x series that
    jupyter-book 1.x requires).
    """
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (str(script.filename or ""), tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def apply(app: Sphinx) -> None:
    """Check the installed releases, then connect the patches to the build ``app``."""
    check_version("myst-nb")
    check_version("sphinx")
    import myst_nb.core.render

    myst_nb.core.render.coalesce_streams = coalesce_streams
    app.connect(
        "env-updated", complete_executed_copies
    )  # after reading, before writing
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
