"""What the pages say the lecture does, held against the facts page and the notebooks' own output.

The numbers live in test_lecture_numbers.py and test_lecture_scale.py; these are the claims
in words: what the lecture stresses, which transforms it uses, what it animates.
"""

from __future__ import annotations

import re

import lecture_facts as lecture
import pytest

pytestmark = pytest.mark.slow


def markdown_before(notebook, tag: str) -> str:
    """Return the markdown between the code cell tagged ``tag`` and the code cell before it."""
    cells = notebook.cells
    at = next(i for i, c in enumerate(cells) if tag in c.metadata.get("tags", []))
    text = []
    for cell in reversed(cells[:at]):
        if cell.cell_type == "code":
            break
        text.insert(0, cell.source)
    return "\n".join(text)


def test_03_shows_the_point_the_lecture_stresses(executed_notebook, cell_text):
    assert lecture.STRESSES_SHAPE_NOT_VALUES, "the facts page no longer says this"
    notebook = executed_notebook("03_convolution_arithmetic")
    printed = cell_text(notebook, "shape-comes-back")
    assert "same shape as the input: True" in printed
    assert "same values as the input: False" in printed
    said = markdown_before(notebook, "shape-comes-back")
    assert (
        "the point the lecture stresses: the shape comes back, not the values" in said
    )


def test_04_uses_the_lectures_transforms_and_names_each_change(
    executed_notebook, cell_text
):
    notebook = executed_notebook("04_gans")
    printed = cell_text(notebook, "face-transform")  # print(transform): Compose(...)
    steps = re.findall(r"^ {4}(\w+)\(", printed, flags=re.M)
    added = [step for step in steps if step not in lecture.FACE_TRANSFORMS]
    assert [s for s in steps if s in lecture.FACE_TRANSFORMS] == lecture.FACE_TRANSFORMS
    mean, std = lecture.FACE_NORMALIZE
    normalize = f"Normalize(mean=({mean}, {mean}, {mean}), std=({std}, {std}, {std}))"
    assert normalize in printed
    said = markdown_before(notebook, "face-transform")
    changes = {1: "one change", 2: "two changes", 3: "three changes"}[len(added)]
    assert f"the lecture's pipeline, with {changes}" in said
    assert "center crop" in said and "CenterCrop" in added
    for step in lecture.FACE_TRANSFORMS_COMMENTED_OUT:  # switched on here: say so
        assert step in added
        assert f"`{step}` is switched on: the lecture comments it out" in said


def test_04_animates_the_fixed_noise_as_the_lecture_does(executed_notebook):
    assert lecture.ANIMATES_FIXED_NOISE, "the facts page no longer says this"
    notebook = executed_notebook("04_gans")
    [cell] = [
        c
        for c in notebook.cells
        if "fixed-noise-animation" in c.metadata.get("tags", [])
    ]
    html = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
    assert "animation" in html.lower() and html.count("<img") >= 1
    said = markdown_before(notebook, "fixed-noise-animation")
    assert "as in the lecture's animation of its fixed noise" in " ".join(said.split())


def test_04_says_where_the_lecture_ran_as_the_facts_page_does():
    """The device the lecture's run printed, and the epochs behind its animation vs its code's."""
    import nbformat

    notebook = nbformat.read(
        lecture.FACTS_PAGE.parents[1] / "lectures" / "04_gans.ipynb", 4
    )
    text = " ".join(
        " ".join(c.source.split()) for c in notebook.cells if c.cell_type == "markdown"
    )
    assert f"printed `Using device: {lecture.LECTURE_DEVICE}`" in text
    assert f'"for around {lecture.ANIMATION_EPOCHS} epochs"' in text
    assert f"the lecture's code sets {lecture.GAN_EPOCHS} epochs" in text
    assert lecture.ANIMATION_EPOCHS != lecture.GAN_EPOCHS  # why the page points it out
