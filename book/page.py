"""Page tweaks: the course's CSS and templates, the Kaggle link, named fold toggles.

- serves ``book/static/course.css`` (code cells 88 characters wide without sideways
  scrolling) and two theme templates from ``book/templates`` whose buttons are named by
  what they show (axe-core's ``label-content-name-mismatch``);
- adds "Open in Kaggle" to each notebook's launch menu;
- names each folded cell's toggle by what it shows. (The notebooks' install cells are
  tagged ``remove-input``: myst-nb leaves their source off the page.)
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

BOOK_DIR = Path(__file__).resolve().parent
STATIC_DIR = BOOK_DIR / "static"
TEMPLATES_DIR = BOOK_DIR / "templates"
# myst-nb names every folded cell's toggle "Toggle hidden content", which is not what it shows.
_FOLD_SUMMARY = '<summary aria-label="Toggle hidden content">'


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


# -- launch links ---------------------------------------------------------------------


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
