"""The course book's Sphinx extension: pages that work offline, built with a known profile.

Listed under ``sphinx.extra_extensions`` in ``_config.yml``. Its jobs live in modules of
their own:

- ``book.execution``: one execution cache per ``COURSE_PROFILE``, the kernels' set-up,
  an empty runs folder;
- ``book.outputs``: plotly figures with the site's own plotly.js (deferred, only where
  a chart is), animations without a CDN stylesheet, names for screen readers from the
  cell's alt text;
- ``book.page``: the course's CSS and templates, the Kaggle link, the folded set-up cell;
- ``book.patches``: every change to another package's behaviour.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from book import patches
from book.execution import use_profile
from book.outputs import add_plotly_script, check_plotly_bundle
from book.page import (
    add_kaggle_button,
    add_site_assets,
    name_fold_toggles,
)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the config values, event handlers and transform; apply the patches."""
    patches.apply(app)  # fails loudly on a release the patches were not written for
    app.add_config_value("course_profile", "", "env")
    app.add_config_value("course_build_key", "", "env")
    app.connect("config-inited", use_profile)
    app.connect("config-inited", add_site_assets)
    app.connect("builder-inited", check_plotly_bundle)
    app.connect("html-page-context", add_plotly_script)
    app.connect(
        "html-page-context", add_kaggle_button, priority=502
    )  # after the theme's 501
    app.connect("html-page-context", name_fold_toggles)
    app.add_css_file("course.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
