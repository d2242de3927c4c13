"""What every notebook's smoke run shows: its own training, never a resumed one.

nbmake runs each notebook top to bottom once per ``make test`` (one pass/fail line per
notebook, before these tests); these tests read its executed copies, so ``make test``
never runs a notebook twice.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from lecture_facts import FACTS_PAGE

pytestmark = pytest.mark.slow

LECTURES = Path(__file__).resolve().parents[1] / "lectures"
NOTEBOOKS = sorted(p.stem for p in LECTURES.glob("*.ipynb"))
SHARED_FACTS = Path(__file__).resolve().parents[2] / "shared" / "LECTURE_FACTS.md"


def test_facts_page_is_the_courses_own_copy():
    if not SHARED_FACTS.exists():
        pytest.skip(f"{SHARED_FACTS} is not beside this checkout")
    assert FACTS_PAGE.read_text() == SHARED_FACTS.read_text(), (
        f"{FACTS_PAGE} differs from {SHARED_FACTS}: copy the course's page again"
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_book_shows_the_training_its_own_code_did_not_a_resumed_run(
    executed_notebook, name
):
    """Each build executes into an empty runs folder, whatever data/runs holds."""
    nb = executed_notebook(name)
    printed = "".join(
        out.get("text", "") for cell in nb.cells for out in cell.get("outputs", [])
    )
    assert "Resumed after epoch" not in printed
    if "Checkpoint(" in "".join(c.source for c in nb.cells if c.cell_type == "code"):
        assert "training from scratch" in printed, f"{name} did not say it trained anew"


FRAME_IMAGE = re.compile(r'<img\b[^>]*\bid="_anim_img\w+"[^>]*>')
ALT = re.compile(r'\balt="([^"]*)"')


def animation_alt_texts(nb) -> list[str]:
    """Return the alt text (``mystnb: image: alt:``) of each cell that shows an animation."""
    return [
        " ".join(
            cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "").split()
        )
        for cell in nb.cells
        if cell.cell_type == "code"
        and any(
            "_anim_img" in str(out.get("data", {}).get("text/html", ""))
            for out in cell.get("outputs", [])
        )
    ]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_animation_on_the_page_says_what_its_cells_alt_text_says(
    executed_notebook, smoke_site, name
):
    wanted = animation_alt_texts(executed_notebook(name))
    assert all(wanted), f"{name}: give each animation cell `mystnb: image: alt:` text"
    page = (smoke_site / "lectures" / f"{name}.html").read_text()
    shown = [
        html.unescape(next(iter(ALT.findall(tag)), ""))
        for tag in FRAME_IMAGE.findall(page)
    ]
    assert shown == wanted
