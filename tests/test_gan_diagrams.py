"""Notebook 04's block diagrams (utils.diagrams): what each box says, on a white card.

The diagrams stand in for the lecture's GAN figures (LECTURE_FACTS.md, section 4: "the GAN's
structure" and "the GAN training loop"), so the tests read the text the figures draw and
check that every named step of the lecture's loop is there.
"""

from __future__ import annotations

import matplotlib
import nbformat
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from notebook_code import GANS

import utils.diagrams as diagrams
from utils.diagrams import draw_gan_structure, draw_gan_training_step

matplotlib.use("Agg")

DRAWINGS = [draw_gan_structure, draw_gan_training_step]


def texts(fig: Figure) -> str:
    """Return every text the figure draws, joined by newlines."""
    return "\n".join(t.get_text() for t in fig.axes[0].texts)


@pytest.mark.parametrize("draw", DRAWINGS, ids=lambda f: f.__name__)
def test_each_diagram_is_a_returned_closed_figure_on_a_white_card(draw):
    fig = draw()
    assert isinstance(fig, Figure)
    assert to_rgb(fig.get_facecolor()) == (1.0, 1.0, 1.0)  # readable in the dark theme
    assert fig.get_label(), "no description for alt text"
    assert not matplotlib.pyplot.fignum_exists(fig.number)  # closed: shown once


@pytest.mark.parametrize("draw", DRAWINGS, ids=lambda f: f.__name__)
def test_each_diagram_is_exported(draw):
    assert draw.__name__ in diagrams.__all__


def test_structure_shows_noise_to_generator_to_fake_and_both_images_to_the_discriminator():
    said = texts(draw_gan_structure())
    for part in ("noise", "generator", "fake image", "real image", "discriminator"):
        assert part in said, part
    assert "probability" in said and "real" in said


def test_training_step_detaches_the_fake_for_d_and_backpropagates_through_d_into_g():
    said = texts(draw_gan_training_step())
    phase_1, phase_2 = said.index("Phase 1"), said.index("Phase 2")
    assert phase_1 < phase_2
    assert "fake.detach()" in said[phase_1:phase_2]
    assert "label 1" in said[phase_1:phase_2] and "label 0" in said[phase_1:phase_2]
    assert "into $D$ only" in said and "optimizerD.step()" in said
    assert "through $D$ into $G$" in said[phase_2:]
    assert "optimizerG.step()" in said[phase_2:]
    assert "detach" not in said[phase_2:].replace("not detached", "")


@pytest.mark.parametrize("draw", DRAWINGS, ids=lambda f: f.__name__)
def test_the_notebook_shows_each_diagram_with_alt_text(draw):
    notebook = nbformat.read(GANS, as_version=4)
    [cell] = [
        c
        for c in notebook.cells
        if c.cell_type == "code" and f"{draw.__name__}()" in c.source
    ]
    alt = cell.metadata["mystnb"]["image"]["alt"]
    assert len(alt) > 80, alt


def test_the_structure_diagram_comes_before_the_first_section():
    notebook = nbformat.read(GANS, as_version=4)
    sources = [c.source for c in notebook.cells]
    first_section = next(i for i, s in enumerate(sources) if s.startswith("## "))
    shown = next(i for i, s in enumerate(sources) if "draw_gan_structure()" in s)
    assert shown < first_section
