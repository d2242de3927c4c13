"""The landing page's version and data table come from the build, not from typed-in text."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
import tomllib
from docutils import nodes

from book import landing

ROOT = Path(__file__).resolve().parents[1]


def executed(tmp_path: Path, name: str, *texts: str) -> None:
    """Write an executed notebook ``name`` whose cells printed ``texts``."""
    cells = [
        {
            "cell_type": "code",
            "source": "",
            "metadata": {},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": text}],
        }
        for text in texts
    ]
    (tmp_path / f"{name}.ipynb").write_text(json.dumps({"cells": cells}))


def test_version_is_pyprojects():
    with open(ROOT / "pyproject.toml", "rb") as f:
        assert landing.book_version() == tomllib.load(f)["project"]["version"]


def test_data_lines_are_what_the_notebook_printed_about_its_sources(tmp_path):
    executed(
        tmp_path,
        "02_autoencoders",
        "Device: cpu\nMNIST: the bundled subset in data/x\n",
        "loss 0.1\n",
        "Faces: 100 bundled faces\n",
    )
    nb = json.loads((tmp_path / "02_autoencoders.ipynb").read_text())
    assert landing.data_lines(nb) == [
        "MNIST: the bundled subset in data/x",
        "Faces: 100 bundled faces",
    ]


def test_data_table_has_a_row_per_notebook_that_named_its_data(tmp_path):
    executed(tmp_path, "02_autoencoders", "MNIST: the full data set\n")
    executed(tmp_path, "03_convolution_arithmetic", "no data here\n")
    executed(tmp_path, "04_gans", "Faces: colour LFW, 13,233 images\n")
    table = landing.data_table(tmp_path)
    text = table.astext()
    assert isinstance(table, nodes.table)
    assert "02_autoencoders.ipynb" in text and "MNIST: the full data set" in text
    assert "04_gans.ipynb" in text and "13,233 images" in text
    assert "03_convolution_arithmetic" not in text


def test_data_table_says_so_when_no_notebook_named_its_data(tmp_path):
    assert "No notebook" in landing.data_table(tmp_path).astext()


@pytest.mark.slow
def test_built_landing_page_lists_the_data_lines_the_notebooks_printed(smoke_site):
    page = (smoke_site / "lectures" / "index.html").read_text()
    printed = [
        line
        for path in sorted(
            (ROOT / "_build" / "jupyter_execute" / "lectures").glob("*.ipynb")
        )
        for line in landing.data_lines(json.loads(path.read_text()))
    ]
    assert any(line.startswith("MNIST: ") for line in printed)
    assert any(line.startswith("Faces: ") for line in printed)
    for line in printed:
        assert html.escape(line, quote=False) in page, line
    assert f"version {landing.book_version()}" in page
