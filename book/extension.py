"""The course book's Sphinx extension: pages that work offline, built with a known profile.

Listed under ``sphinx.extra_extensions`` in ``_config.yml``. It

- keeps one Jupyter execution cache per ``COURSE_PROFILE`` (the cache keys on notebook
  content only, so a page executed with ``smoke`` must never be served for ``cpu``) and
  tells the landing page which profile built the site (``{{ course_profile }}``);
- draws plotly figures (plotly 7 leaves only ``application/vnd.plotly.v1+json`` in a
  notebook) with one copy of plotly.js served from ``_static``;
- drops the CDN stylesheet that ``anim.to_jshtml()`` links (the theme's own icons draw
  the animation buttons);
- names every chart and animation for screen readers: a plotly chart is a
  ``role="figure"`` with an ``aria-label``, an animation's frame image gets ``alt`` text
  and its slider a label, each taken from the cell's alt text (``mystnb: image: alt:``),
  else the chart's title;
- serves ``book/static/course.css`` (code cells 88 characters wide without sideways
  scrolling) and two theme templates from ``book/templates`` whose buttons are named
  by what they show (axe-core's ``label-content-name-mismatch``);
- adds "Open in Kaggle" to each notebook's launch menu and folds the set-up cell;
- keeps every script once per page (sphinx-thebe's settings are added twice);
- shows each progress bar in its final state (with ``nb_merge_streams``).

The two ``*MimeRenderer`` classes are myst-nb plugins, registered as entry points in
``pyproject.toml`` (group ``myst_nb.mime_renderers``).
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import re
import shutil
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from book.profile import profile_name
from utils.files import atomic_write

LOGGER = logging.getLogger(__name__)

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_CLASS = "course-plotly"
HTML_BUILDERS = ("html", "dirhtml", "singlehtml")
ROOT = Path(__file__).resolve().parents[1]
UTILS_DIR = ROOT / "utils"
BOOK_DIR = Path(__file__).resolve().parent
STATIC_DIR = BOOK_DIR / "static"
TEMPLATES_DIR = BOOK_DIR / "templates"
FINGERPRINT_FILE = "course-fingerprint.txt"
# matplotlib's jshtml template links Font Awesome 4 from a CDN for its buttons.
_CDN_STYLESHEET = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*"\s*/?>'
)
# The frame image and the frame slider of matplotlib's jshtml player (no name in its template).
_ANIM_IMG = re.compile(r'<img id="(_anim_img\w+)"')
_ANIM_SLIDER = re.compile(r'(<input id="_anim_slider\w+" type="range")')
_TAG = re.compile(r"<[^>]*>")
# myst-nb names every folded cell's toggle "Toggle hidden content", which is not what it shows.
_FOLD_SUMMARY = '<summary aria-label="Toggle hidden content">'


# -- accessible names -------------------------------------------------------------------


def cell_alt_text(data: Any) -> str:
    """Return the alt text that an output's cell gives its figure (``mystnb: image: alt:``), or ''."""
    image = data.cell_metadata.get("mystnb", {}).get("image", {})
    return " ".join(str(image.get("alt", "")).split())


def plotly_title(figure: dict[str, Any]) -> str:
    """Return the plain text of a plotly figure's title (``layout.title.text``), or ''."""
    title = figure.get("layout", {}).get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(_TAG.sub(" ", str(text or "")).split())


def name_animation(html: str, name: str) -> str:
    """Return jshtml with its frame image named ``name`` and its frame slider labelled."""
    if name:
        html = _ANIM_IMG.sub(
            lambda m: f'{m.group(0)} alt="{escape(name)}"', html, count=1
        )
    return _ANIM_SLIDER.sub(r'\1 aria-label="Animation frame"', html, count=1)


def name_fold_toggles(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict,
    doctree: nodes.document | None,
) -> None:
    """Let each folded cell's toggle be named by its visible text ("Show the set-up code")."""
    if "body" in context:
        context["body"] = context["body"].replace(_FOLD_SUMMARY, "<summary>")


def add_site_assets(app: Sphinx, config: Config) -> None:
    """Serve ``book/static`` (the course's CSS) and let ``book/templates`` override the theme's."""
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]
    config.templates_path = [str(TEMPLATES_DIR), *config.templates_path]


# -- one execution cache per profile ---------------------------------------------------


def files_fingerprint(folder: Path, paths: list[Path]) -> str:
    """Return a short hash of the names (relative to ``folder``) and contents of ``paths``."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(
            path.relative_to(folder).as_posix().encode()
            + b"\0"
            + path.read_bytes()
            + b"\0"
        )
    return digest.hexdigest()[:12]


def utils_fingerprint(folder: Path = UTILS_DIR) -> str:
    """Return a short hash of every helper module the notebooks import (all of ``utils/``)."""
    return files_fingerprint(folder, list(folder.rglob("*.py")))


def site_fingerprint(folder: Path = BOOK_DIR) -> str:
    """Return a short hash of what shapes the pages here: this extension, its templates and CSS."""
    paths = [
        folder / "extension.py",
        *folder.glob("templates/*"),
        *folder.glob("static/*"),
    ]
    return files_fingerprint(folder, [path for path in paths if path.is_file()])


def profile_cache_dir(base: Path, profile: str, fingerprint: str) -> Path:
    """Return ``base/profile``, emptied first when it holds runs of other helper code."""
    cache = Path(base) / profile
    stamp = cache / FINGERPRINT_FILE
    if cache.exists() and (
        not stamp.exists() or stamp.read_text().strip() != fingerprint
    ):
        LOGGER.info(f"utils/ changed since the notebooks ran: clearing {cache}")
        shutil.rmtree(cache)
    cache.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n")
    return cache


# Run in each kernel as it starts, leaving no name behind: at exit, move every object to
# the permanent generation, so that the interpreter's last garbage collections skip the
# heap of torch and its friends. A kernel with torchvision loaded then stops in about
# 0.5 s instead of 2-3 s, and the build waits for each kernel to stop.
FREEZE_AT_EXIT = "import atexit as _atexit, gc as _gc; _atexit.register(_gc.freeze); del _atexit, _gc"


def kernel_profile(build_dir: Path) -> Path:
    """Give the build's kernels an IPython profile; return its config file.

    The kernels log errors only (ipykernel 7 warns on every start that its loopback TCP
    link is not encrypted, and a build log must show no warning that is not about the
    book) and stop quickly (``FREEZE_AT_EXIT``).
    """
    ipython_dir = Path(build_dir) / "ipython"
    config = ipython_dir / "profile_default" / "ipython_kernel_config.py"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        'c.IPKernelApp.log_level = "ERROR"\n'
        f"c.IPKernelApp.exec_lines = [{FREEZE_AT_EXIT!r}]\n"
    )
    os.environ["IPYTHONDIR"] = str(ipython_dir)
    return config


def fresh_runs_dir(build_dir: Path, profile: str) -> Path:
    """Point the build's kernels at an empty checkpoint folder ``_build/runs/<profile>``.

    A page the build executes must show the training run its own code made, never one
    resumed from an earlier build or from a student's ``data/runs``; pages served from
    the execution cache are not re-run, so emptying the folder loses nothing.
    """
    runs = Path(build_dir) / "runs" / profile
    shutil.rmtree(runs, ignore_errors=True)
    runs.mkdir(parents=True)
    os.environ["COURSE_RUNS"] = str(runs)
    return runs


def create_execution_cache(folder: Path) -> None:
    """Create jupyter-cache's database in ``folder`` now, before Sphinx forks its readers.

    Under ``book.build --jobs N`` the first notebook of each parallel reader would find no
    database and create its tables at the same moment as the other ("table settings already
    exists"). An existing database is left as it is.
    """
    from jupyter_cache import get_cache

    get_cache(folder).db.dispose()  # creates the tables; no connection crosses the fork


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


def use_profile(app: Sphinx, config: Config) -> None:
    """Pick the profile, point myst-nb at its cache, and expose it to the pages."""
    profile = profile_name()
    os.environ["COURSE_PROFILE"] = (
        profile  # the kernels this build starts use the same scale
    )
    kernel_profile(Path(app.outdir).parent)
    fresh_runs_dir(Path(app.outdir).parent, profile)
    fingerprint = utils_fingerprint()
    base = Path(
        config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    )
    if not base.is_absolute():
        base = Path(app.srcdir) / base
    config.nb_execution_cache_path = str(profile_cache_dir(base, profile, fingerprint))
    create_execution_cache(Path(config.nb_execution_cache_path))
    # A value with rebuild="env": when it changes, Sphinx re-reads every page.
    # ... and so does a change to this extension, its templates or its CSS.
    config.course_build_key = f"{profile}-{fingerprint}-{site_fingerprint()}"
    config.course_profile = profile
    config.myst_substitutions = {**config.myst_substitutions, "course_profile": profile}
    LOGGER.info(
        f"COURSE_PROFILE={profile}; execution cache {config.nb_execution_cache_path}"
    )


# -- plotly figures with the site's own plotly.js -----------------------------------------


def plotly_js_name() -> str:
    """Return the file name under ``_static`` of the installed plotly.js."""
    from plotly.offline import get_plotlyjs_version

    return f"plotly-{get_plotlyjs_version()}.min.js"


def plotly_figure_html(figure: dict[str, Any], div_id: str, name: str = "") -> str:
    """Return a div and a script that draw ``figure`` (plotly's JSON) with ``Plotly.newPlot``.

    A ``name`` makes the div a figure with that accessible name (not ``role="img"``: the
    chart's buttons must stay reachable inside it).
    """
    layout = figure.get("layout", {})
    config = {"responsive": True, "displaylogo": False, **figure.get("config", {})}
    height = f"{layout['height']}px" if "height" in layout else "525px"
    width = f"{layout['width']}px" if "width" in layout else "100%"
    args = ", ".join(
        # "<" only occurs inside JSON strings, where \u003c is the same character.
        json.dumps(part, separators=(",", ":")).replace("<", "\\u003c")
        for part in (figure.get("data", []), layout, config)
    )
    label = f' role="figure" aria-label="{escape(name)}"' if name else ""
    return (
        f'<div id="{div_id}" class="plotly-graph-div"{label} style="height:{height}; width:{width};"></div>\n'
        f'<script type="text/javascript">Plotly.newPlot("{div_id}", {args});</script>\n'
    )


class PlotlyMimeRenderer:
    """myst-nb plugin: render ``application/vnd.plotly.v1+json`` outputs on HTML pages."""

    mime_priority_overrides = [(builder, PLOTLY_MIME, 5) for builder in HTML_BUILDERS]

    @staticmethod
    def handle_mime(
        renderer: Any, data: Any, inline: bool
    ) -> list[nodes.Element] | None:
        """Return a raw HTML node drawing the figure, or None for other mime types."""
        if data.mime_type != PLOTLY_MIME:
            return None
        figure = (
            json.loads(data.content)
            if isinstance(data.content, (str, bytes))
            else data.content
        )
        document = renderer.renderer.document
        count = document.get("course_plotly_count", 0) + 1
        document["course_plotly_count"] = count
        digest = hashlib.sha1(json.dumps(figure, sort_keys=True).encode()).hexdigest()[
            :10
        ]
        name = cell_alt_text(data) or plotly_title(figure)
        html = plotly_figure_html(figure, f"plotly-{digest}-{count}", name)
        return [nodes.raw("", html, format="html", classes=["output", PLOTLY_CLASS])]


def add_plotly_script(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict,
    doctree: nodes.document | None,
) -> None:
    """Load the site's plotly.js on the pages that draw a plotly figure, and only there."""
    if doctree is not None and any(
        PLOTLY_CLASS in node["classes"] for node in doctree.findall(nodes.raw)
    ):
        app.add_js_file(plotly_js_name())


def copy_plotly_js(app: Sphinx, exception: Exception | None) -> None:
    """Copy plotly.js from the installed plotly package into the site's ``_static`` once."""
    if exception is not None or app.builder.format != "html":
        return
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = Path(app.outdir) / "_static" / plotly_js_name()
    if not target.exists() or not filecmp.cmp(source, target, shallow=True):
        shutil.copyfile(source, target)


# -- matplotlib animations --------------------------------------------------------------


class JsAnimationMimeRenderer:
    """myst-nb plugin: show ``anim.to_jshtml()`` without its CDN stylesheet, with names."""

    mime_priority_overrides: list[tuple[str, str, int]] = []

    @staticmethod
    def handle_mime(
        renderer: Any, data: Any, inline: bool
    ) -> list[nodes.Element] | None:
        """Return the animation's HTML minus the Font Awesome 4 link; None for other outputs.

        The frame image's alt text is the cell's (``mystnb: image: alt:``).
        """
        if data.mime_type != "text/html" or "_anim_img" not in data.string:
            return None
        html = name_animation(_CDN_STYLESHEET.sub("", data.string), cell_alt_text(data))
        nodes_ = renderer.render_text_html(replace(data, content=html))
        for node in nodes_:
            node["classes"].append("course-animation")
        return nodes_


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


# -- launch links and the set-up cell ---------------------------------------------------


def kaggle_url(repository_url: str, branch: str, path_in_repo: str) -> str:
    """Return the link that opens a notebook of the repository on Kaggle."""
    return f"https://kaggle.com/kernels/welcome?src={repository_url.rstrip('/')}/blob/{branch}/{path_in_repo}"


def add_kaggle_button(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict,
    doctree: nodes.document | None,
) -> None:
    """Append "Kaggle" to the launch menu the theme built for a notebook page."""
    groups = [
        b
        for b in context.get("header_buttons", [])
        if b.get("label") == "launch-buttons"
    ]
    if not groups or not str(app.env.doc2path(pagename)).endswith(".ipynb"):
        return
    options = app.config.html_theme_options
    folder = options.get("path_to_docs", "").strip("/")
    path_in_repo = f"{folder}/{pagename}.ipynb" if folder else f"{pagename}.ipynb"
    groups[0]["buttons"].append(
        {
            "type": "link",
            "text": "Kaggle",
            "tooltip": "Open in Kaggle",
            "icon": "fab fa-kaggle",
            "label": "launch-kaggle-button",
            "url": kaggle_url(
                options["repository_url"],
                options.get("repository_branch", "main"),
                path_in_repo,
            ),
        }
    )


class FoldSetupCell(SphinxPostTransform):
    """Fold the source of a notebook's first code cell when it is the bootstrap and set-up.

    Its output (the device and profile it chose) stays visible. Runs before
    myst-nb's ``HideInputCells`` (priority 199), which does the folding.
    """

    default_priority = 150
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        """Mark the first code cell ``hide_mode="input"`` if it installs the helpers."""
        for node in self.document.findall(nodes.container):
            if node.get("nb_element") == "cell_code":
                if "%pip install" in node.astext() and not node.get("hide_mode"):
                    node["hide_mode"] = "input"
                    node["prompt_show"] = "Show the set-up code"
                    node["prompt_hide"] = "Hide the set-up code"
                return


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


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the config values, event handlers and transform."""
    app.connect("builder-inited", allow_parallel_read)  # once every extension is loaded
    app.connect(
        "env-updated", complete_executed_copies
    )  # after reading, before writing
    app.add_config_value("course_profile", "", "env")
    app.add_config_value("course_build_key", "", "env")
    app.connect("config-inited", use_profile)
    app.connect("config-inited", add_site_assets)
    app.connect("html-page-context", add_plotly_script)
    app.connect(
        "html-page-context", add_kaggle_button, priority=502
    )  # after the theme's 501
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", name_fold_toggles)
    app.add_css_file("course.css")
    app.connect("build-finished", copy_plotly_js)
    app.add_post_transform(FoldSetupCell)
    import myst_nb.core.render

    myst_nb.core.render.coalesce_streams = (
        coalesce_streams  # see coalesce_streams' docstring
    )
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
