"""Fast checks of the book's configuration: table of contents, extensions, logo, exclusions.

The notebooks' install cell has its own tests (test_install_cell.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


def toc_files() -> list[str]:
    """Return the chapter files the table of contents lists, without suffix."""
    return [chapter["file"] for part in TOC["parts"] for chapter in part["chapters"]]


# -- table of contents ----------------------------------------------------------------------


def test_toc_lists_every_page_in_lectures_and_nothing_else():
    pages = {
        p.relative_to(ROOT).with_suffix("").as_posix()
        for p in LECTURES.iterdir()
        if p.suffix in (".ipynb", ".md")
    }
    assert pages == set(toc_files()) | {TOC["root"]}


def chapter_title(path: Path) -> str:
    """Return the H1 title of a notebook or Markdown page."""
    if path.suffix == ".ipynb":
        text = "\n".join(
            c.source
            for c in nbformat.read(path, as_version=4).cells
            if c.cell_type == "markdown"
        )
    else:
        text = path.read_text()
    return next(line[2:] for line in text.splitlines() if line.startswith("# "))


def test_chapters_are_listed_in_the_order_of_their_numbers_and_titles_carry_them():
    """A new chapter is a file NN_name in lectures/ whose title starts "NN.", listed in order."""
    files = [Path(f).name for f in toc_files()]
    assert files == sorted(files), (
        f"the table of contents is not in file-number order: {files}"
    )
    for name in files:
        path = next(LECTURES.glob(f"{name}.*"))
        number = int(name.split("_")[0])
        assert chapter_title(path).startswith(f"{number}. "), (
            f"{path.name}: its title should start with '{number}. ', got {chapter_title(path)!r}"
        )


def test_extensions_named_in_the_config_are_importable():
    local = CONFIG["sphinx"]["local_extensions"]
    assert all((ROOT / folder).resolve() == ROOT for folder in local.values())
    for name in [*CONFIG["sphinx"]["extra_extensions"], *local]:
        assert importlib.util.find_spec(name) is not None, (
            f"_config.yml loads {name}: not found"
        )


def test_site_address_of_the_link_previews_is_github_pages_of_the_repository():
    # .github/workflows/book.yml publishes the site with GitHub Pages
    owner, repo = (
        CONFIG["repository"]["url"]
        .removeprefix("https://github.com/")
        .strip("/")
        .split("/")
    )
    site = CONFIG["sphinx"]["config"]["ogp_site_url"]
    assert site == f"https://{owner}.github.io/{repo}/"


def test_config_logo_is_the_one_the_project_draws():
    logo = ROOT / CONFIG["logo"]
    spec = importlib.util.spec_from_file_location(
        "draw_logo", ROOT / "images" / "draw_logo.py"
    )
    draw_logo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draw_logo)
    assert logo.read_text() == draw_logo.logo_svg()


def test_caches_left_by_a_test_run_are_not_book_pages():
    """A second `make test` finds .pytest_cache/README.md; -W would turn it into a failed build."""
    from sphinx.util.matching import Matcher

    matcher = Matcher(
        CONFIG["exclude_patterns"]
    )  # Sphinx prunes the folders that match
    for folder in (
        ".pytest_cache",
        ".nbmake",  # nbmake's executed copies (make test)
        "benchmarks",
        "tests",
        "data",
        ".venv",
        "_build",
    ):
        assert matcher(folder), f"{folder}/ would be searched for pages of the book"
    assert not matcher("lectures") and not matcher("lectures/index.md")
