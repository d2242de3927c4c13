"""How the book draws notebook outputs: plotly figures and matplotlib animations.

- plotly figures (plotly 7 leaves only ``application/vnd.plotly.v1+json`` in a notebook)
  are drawn with one copy of plotly.js served from ``_static``;
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

import filecmp
import hashlib
import json
import re
import shutil
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_CLASS = "course-plotly"
HTML_BUILDERS = ("html", "dirhtml", "singlehtml")
# matplotlib's jshtml template links Font Awesome 4 from a CDN for its buttons.
_CDN_STYLESHEET = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*"\s*/?>'
)
# The frame image and the frame slider of matplotlib's jshtml player (no name in its template).
_ANIM_IMG = re.compile(r'<img id="(_anim_img\w+)"')
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
    """Return jshtml with its frame image named ``name`` and its frame slider labelled."""
    if name:
        html = _ANIM_IMG.sub(
            lambda m: f'{m.group(0)} alt="{escape(name)}"', html, count=1
        )
    return _ANIM_SLIDER.sub(r'\1 aria-label="Animation frame"', html, count=1)


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
