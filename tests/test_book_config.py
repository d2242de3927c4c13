"""Fast checks of the book's configuration: table of contents, repository URL, bootstrap cells."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
REPO_URL = CONFIG["repository"]["url"]
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))
INSTALL_URL = re.compile(r"git\+([^\s\"'@]+)")
with open(ROOT / "pyproject.toml", "rb") as _f:
    PROJECT = tomllib.load(_f)["project"]
VERSION = PROJECT["version"]
DEPENDENCIES = [spec.replace(" ", "") for spec in PROJECT["dependencies"]]


def toc_files() -> list[str]:
    """Return the chapter files the table of contents lists, without suffix."""
    return [chapter["file"] for part in TOC["parts"] for chapter in part["chapters"]]


def first_code_cell(path: Path) -> str:
    """Return the source of the first code cell of notebook ``path``."""
    notebook = nbformat.read(path, as_version=4)
    return next(cell.source for cell in notebook.cells if cell.cell_type == "code")


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
    for name in CONFIG["sphinx"]["extra_extensions"]:
        assert importlib.util.find_spec(name) is not None, (
            f"_config.yml loads {name}: not found"
        )


def test_site_address_of_the_link_previews_is_github_pages_of_the_repository():
    # .github/workflows/book.yml publishes the site with GitHub Pages
    owner, repo = REPO_URL.removeprefix("https://github.com/").strip("/").split("/")
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


# -- the bootstrap cell ------------------------------------------------------------------------

# Runs a notebook's first cell as Colab would, with %pip faked: an install with --target
# copies this repository's utils/ there, as pip would from the tagged release.
FIRST_CELL_RUNNER = """
import pathlib, shutil, sys
from IPython.core.inputtransformer2 import TransformerManager
root, cell = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text()

class FakeIPython:
    def run_line_magic(self, name, line):
        line = line.format(**namespace)
        print("MAGIC", name, line)
        if "--target" in line:
            target = pathlib.Path(line.split("--target ")[1].split()[0])
            shutil.copytree(root / "utils", target / "utils", dirs_exist_ok=True)

namespace = {"get_ipython": FakeIPython}
exec(TransformerManager().transform_cell(cell), namespace)
import utils
print("HELPERS", utils.__file__, getattr(utils, "__course__", None))
"""


def bootstrap_of(cell: str) -> str:
    """Return a set-up cell up to the end of its ``if not ours:`` block: the install, not the imports."""
    lines = cell.splitlines()
    start = lines.index("if not ours:")
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i][:1] not in ("", " ")),
        len(lines),
    )
    return "\n".join(lines[:end]) + "\n"


def run_first_cell(path: Path, cwd: Path, home: Path) -> str:
    """Run the install part of ``path``'s first cell in a fresh Python in ``cwd``; return its output.

    The imports after it (torch: 4 s) are the notebook's own business, run by the book build.
    """
    cell = cwd / "first_cell.py"
    cell.write_text(bootstrap_of(first_code_cell(path)))
    env = {**os.environ, "HOME": str(home), "COURSE_DEVICE": "cpu", "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, "-c", FIRST_CELL_RUNNER, str(ROOT), str(cell)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_installs_the_helpers_of_this_books_version_from_its_repository(
    path,
):
    source = first_code_cell(path)
    assert INSTALL_URL.findall(source) == [REPO_URL]
    assert re.search(r'^VERSION = "(.+)"$', source, flags=re.M).group(1) == VERSION
    assert "@v{VERSION}" in source, f"{path.name}: the install is not pinned to the tag"
    pins = re.findall(r"^\s*%pip install -q ([\w-]+==\S+)$", source, flags=re.M)
    assert pins and set(pins) <= set(DEPENDENCIES), (
        f"{path.name}: the first cell pins {pins}; pyproject.toml pins "
        f"{sorted(d for d in DEPENDENCIES if '==' in d)}"
    )


def test_version_is_one_across_package_citation_changelog_and_helpers():
    import utils

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert str(citation["version"]) == VERSION
    assert (
        re.search(r"^## \[?v?(\d+\.\d+\.\d+)", changelog, flags=re.M).group(1)
        == VERSION
    )
    assert utils.__version__ == VERSION


@pytest.mark.slow
def test_first_cell_installs_nothing_where_the_helpers_are_importable(tmp_path):
    out = run_first_cell(NOTEBOOKS[0], tmp_path, tmp_path)
    assert "MAGIC" not in out
    assert f"HELPERS {ROOT / 'utils' / '__init__.py'} advanced-conv-models" in out


@pytest.mark.slow
def test_first_cell_puts_the_course_helpers_ahead_of_a_foreign_utils(tmp_path):
    (tmp_path / "utils.py").write_text(
        "HELLO = 'not the course'\n"
    )  # e.g. a Kaggle script
    out = run_first_cell(NOTEBOOKS[0], tmp_path, tmp_path)
    helpers = tmp_path / ".course-helpers" / f"v{VERSION}"
    assert f"Another module named utils ({tmp_path / 'utils.py'}) came first" in out
    assert f"--target {helpers} git+{REPO_URL}@v{VERSION}" in out
    assert f"HELPERS {helpers / 'utils' / '__init__.py'} advanced-conv-models" in out


def test_caches_left_by_a_test_run_are_not_book_pages():
    """A second `make test` finds .pytest_cache/README.md; -W would turn it into a failed build."""
    from sphinx.util.matching import Matcher

    matcher = Matcher(
        CONFIG["exclude_patterns"]
    )  # Sphinx prunes the folders that match
    for folder in (".pytest_cache", "benchmarks", "tests", "data", ".venv", "_build"):
        assert matcher(folder), f"{folder}/ would be searched for pages of the book"
    assert not matcher("lectures") and not matcher("lectures/index.md")
