"""Fast checks of the book's configuration: table of contents, repository URL, bootstrap cells."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
REPO_URL = CONFIG["repository"]["url"]
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))
INSTALL_URL = re.compile(r"git\+([^\s\"'@]+)")


def toc_files() -> list[str]:
    """Return the chapter files the table of contents lists, without suffix."""
    return [chapter["file"] for part in TOC["parts"] for chapter in part["chapters"]]


def first_code_cell(path: Path) -> str:
    """Return the source of the first code cell of notebook ``path``."""
    notebook = nbformat.read(path, as_version=4)
    return next(cell.source for cell in notebook.cells if cell.cell_type == "code")


def bootstrap_statement(source: str) -> str:
    """Return the first statement (the try/except that installs the helpers) as Python code."""
    python = TransformerManager().transform_cell(source)
    return ast.unparse(ast.parse(python).body[0])


class FakeIPython:
    """Stands in for ``get_ipython()``: records the magics a cell runs instead of running them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def run_line_magic(self, name: str, line: str) -> None:
        self.calls.append((name, line))


# -- table of contents ----------------------------------------------------------------------


def test_toc_lists_every_page_in_lectures_and_nothing_else():
    pages = {p.relative_to(ROOT).with_suffix("").as_posix()
             for p in LECTURES.iterdir() if p.suffix in (".ipynb", ".md")}
    assert pages == set(toc_files()) | {TOC["root"]}


def chapter_title(path: Path) -> str:
    """Return the H1 title of a notebook or Markdown page."""
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                         if c.cell_type == "markdown")
    else:
        text = path.read_text()
    return next(line[2:] for line in text.splitlines() if line.startswith("# "))


def test_chapters_are_listed_in_the_order_of_their_numbers_and_titles_carry_them():
    """A new chapter is a file NN_name in lectures/ whose title starts "NN.", listed in order."""
    files = [Path(f).name for f in toc_files()]
    assert files == sorted(files), f"the table of contents is not in file-number order: {files}"
    for name in files:
        path = next(LECTURES.glob(f"{name}.*"))
        number = int(name.split("_")[0])
        assert chapter_title(path).startswith(f"{number}. "), \
            f"{path.name}: its title should start with '{number}. ', got {chapter_title(path)!r}"


def test_extensions_named_in_the_config_are_importable():
    for name in CONFIG["sphinx"]["extra_extensions"]:
        assert importlib.util.find_spec(name) is not None, f"_config.yml loads {name}: not found"


def test_config_logo_is_the_one_the_project_draws():
    logo = ROOT / CONFIG["logo"]
    spec = importlib.util.spec_from_file_location("draw_logo", ROOT / "images" / "draw_logo.py")
    draw_logo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draw_logo)
    assert logo.read_text() == draw_logo.logo_svg()


# -- the bootstrap cell ------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_from_exactly_the_config_repository(path):
    source = first_code_cell(path)
    assert "%pip install" in source, f"{path.name}: the first code cell does not install the helpers"
    assert INSTALL_URL.findall(source) == [REPO_URL]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_bootstrap_installs_from_the_repository_when_utils_is_missing(path, monkeypatch):
    monkeypatch.setitem(sys.modules, "utils", None)  # as on Colab: `import utils...` fails
    ipython = FakeIPython()
    exec(bootstrap_statement(first_code_cell(path)), {"get_ipython": lambda: ipython})
    assert len(ipython.calls) == 1
    magic, line = ipython.calls[0]
    assert magic == "pip" and line.startswith("install")
    assert f'"git+{REPO_URL}"' in line


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_bootstrap_installs_nothing_when_utils_is_importable(path):
    ipython = FakeIPython()
    exec(bootstrap_statement(first_code_cell(path)), {"get_ipython": lambda: ipython})
    assert ipython.calls == []


def test_caches_left_by_a_test_run_are_not_book_pages():
    """A second `make test` finds .pytest_cache/README.md; -W would turn it into a failed build."""
    from sphinx.util.matching import Matcher

    matcher = Matcher(CONFIG["exclude_patterns"])  # Sphinx prunes the folders that match
    for folder in (".pytest_cache", "benchmarks", "tests", "data", ".venv", "_build"):
        assert matcher(folder), f"{folder}/ would be searched for pages of the book"
    assert not matcher("lectures") and not matcher("lectures/index.md")
