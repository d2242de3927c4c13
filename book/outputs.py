"""How the book draws notebook outputs: plotly figures and matplotlib animations.

- plotly figures (plotly 7 leaves only ``application/vnd.plotly.v1+json`` in a notebook)
  are drawn with plotly.js's official ``gl3d`` partial bundle (the 2-D and 3-D scatters
  the book draws, 1.75 MB instead of 4.7 MB), vendored in ``book/static/plotly/`` and so
  copied into ``_static`` once per site. Pages with a chart load the small
  ``book/static/course-plotly.js``, deferred; it fetches plotly.js and draws each chart
  when the chart comes near the screen, so the text paints first and a reader who never
  scrolls to a chart never pays for it. A chart is as wide as the page, up to the width
  its figure asks for, so it fits a phone;
- ``anim.to_jshtml()`` loses the CDN stylesheet it links (the theme's own icons draw the
  animation buttons);
- every chart and animation is named for screen readers: a plotly chart is a
  ``role="figure"`` with an ``aria-label``, an animation's frame image gets ``alt`` text
  and its slider a label, each taken from the cell's alt text (``mystnb: image: alt:``),
  else the chart's title.

The two ``*MimeRenderer`` classes are myst-nb plugins, registered as entry points in
``pyproject.toml`` (group ``myst_nb.mime_renderers``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_CLASS = "course-plotly"
HTML_BUILDERS = ("html", "dirhtml", "singlehtml")
# npm's plotly.js-gl3d-dist-min, vendored with its licence (book/static/plotly/README.md),
# and the script that loads it and draws the charts (both under book/static).
PLOTLY_JS = "plotly/plotly-gl3d.min.js"
CHART_LOADER_JS = "course-plotly.js"
PLOTLY_JS_FILE = Path(__file__).resolve().parent / "static" / PLOTLY_JS
_BUNDLE_VERSION = re.compile(r"plotly\.js \(gl3d - minified\) v(\d+)\.(\d+)\.(\d+)")
# matplotlib's jshtml template links Font Awesome 4 from a CDN for its buttons.
_CDN_STYLESHEET = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*"\s*/?>'
)
# The frame image and the frame slider of matplotlib's jshtml player (no name in its
# template; a helper may have put an alt attribute anywhere in the image's tag).
_ANIM_IMG = re.compile(r'<img\b[^>]*\bid="_anim_img\w+"[^>]*>')
_ALT = re.compile(r'\s+alt="[^"]*"')
_ANIM_SLIDER = re.compile(r'(<input id="_anim_slider\w+" type="range")')
_TAG = re.compile(r"<[^>]*>")


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
    """Return jshtml with its frame image named ``name`` and its frame slider labelled.

    ``name`` (the cell's alt text) replaces any alt text the image had, as a cell's alt
    text does for every other figure.
    """
    if name:
        html = _ANIM_IMG.sub(
            lambda m: (
                m.group(0).replace("<img", f'<img alt="{escape(name)}"', 1)
                if _ALT.search(m.group(0)) is None
                else _ALT.sub(f' alt="{escape(name)}"', m.group(0), count=1)
            ),
            html,
            count=1,
        )
    return _ANIM_SLIDER.sub(r'\1 aria-label="Animation frame"', html, count=1)


# -- plotly figures with the site's own plotly.js -----------------------------------------


def bundle_version(path: Path = PLOTLY_JS_FILE) -> str:
    """Return the version that the vendored plotly.js bundle's header names, e.g. "4.1.1"."""
    with path.open(encoding="utf-8") as bundle:
        match = _BUNDLE_VERSION.search(bundle.read(500))
    if match is None:
        raise ValueError(
            f"bundle_version: {path} must start with plotly.js's gl3d header "
            "'plotly.js (gl3d - minified) vX.Y.Z', got none"
        )
    return ".".join(match.groups())


def check_plotly_bundle(app: Sphinx) -> None:
    """Warn (an error under -W) when the vendored plotly.js is not plotly.py's major version.

    plotly.py writes figures for the plotly.js it bundles; another major version of the
    library may not draw them.
    """
    import plotly
    from plotly.offline import get_plotlyjs_version

    vendored, expected = bundle_version(), get_plotlyjs_version()
    if vendored.split(".")[0] != expected.split(".")[0]:
        LOGGER.warning(
            "book/static/%s is plotly.js %s but plotly.py %s writes figures for "
            "plotly.js %s: vendor the gl3d bundle of that version "
            "(book/static/plotly/README.md)",
            PLOTLY_JS,
            vendored,
            plotly.__version__,
            expected,
        )


def plotly_figure_html(figure: dict[str, Any], div_id: str, name: str = "") -> str:
    """Return a div and the JSON of ``Plotly.newPlot``'s arguments that draw ``figure`` in it.

    ``course-plotly.js`` draws the div from the JSON that follows it. A figure's fixed
    ``width`` becomes the div's ``max-width``: the chart fills a narrower page and
    follows its resizing (``responsive``). A ``name`` makes the div a figure with that
    accessible name (not ``role="img"``: the chart's buttons must stay reachable inside).
    """
    layout = dict(figure.get("layout", {}))
    config = {"responsive": True, "displaylogo": False, **figure.get("config", {})}
    height = f"{layout['height']}px" if "height" in layout else "525px"
    width = layout.pop("width", None)
    max_width = f" max-width:{width}px;" if width else ""
    arguments = [figure.get("data", []), layout, config]
    # "<" only occurs inside JSON strings, where \u003c is the same character.
    text = json.dumps(arguments, separators=(",", ":")).replace("<", "\\u003c")
    label = f' role="figure" aria-label="{escape(name)}"' if name else ""
    return (
        f'<div id="{div_id}" class="plotly-graph-div"{label} '
        f'style="height:{height}; width:100%;{max_width}"></div>\n'
        f'<script type="application/json">{text}</script>\n'
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
    """Load the chart loader, deferred, on the pages that draw a plotly figure only."""
    if doctree is not None and any(
        PLOTLY_CLASS in node["classes"] for node in doctree.findall(nodes.raw)
    ):
        # data-plotly: where plotly.js is, relative to the loader (both in _static)
        app.add_js_file(
            CHART_LOADER_JS,
            loading_method="defer",
            **{"data-plotly": f"{PLOTLY_JS}?v={bundle_version()}"},
        )


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
