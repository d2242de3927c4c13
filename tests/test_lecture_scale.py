"""At the ``gpu`` profile the book is the lecture: sizes, settings and parameter counts.

The numbers on the right-hand side come from the lecture's facts page (``lecture_facts``);
the left-hand side is what the notebooks print when the smoke build runs them (their
``lecture-params`` cells build the lecture-sized models from the notebooks' own classes)
or what the ``gpu`` profile sets.
"""

from __future__ import annotations

import re
from pathlib import Path

import lecture_facts as lecture
import nbformat
import pytest

from utils.profiles import PROFILES

GPU = PROFILES["gpu"]


def printed_integers(text: str) -> set[int]:
    """Return every integer in ``text``, with thousands separators allowed (9,585)."""
    return {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\d|\d", text)}


@pytest.mark.slow
def test_denoiser_notebook_prints_the_lectures_parameter_count(
    executed_notebook, cell_text
):
    text = cell_text(executed_notebook("02_autoencoders"), "lecture-params")
    assert lecture.DENOISER_PARAMS in printed_integers(text), text


@pytest.mark.slow
def test_dcgan_notebook_prints_the_lectures_parameter_counts(
    executed_notebook, cell_text
):
    text = cell_text(executed_notebook("04_gans"), "lecture-params")
    numbers = printed_integers(text)
    assert lecture.GENERATOR_PARAMS in numbers, text
    assert lecture.DISCRIMINATOR_PARAMS in numbers, text


def test_gpu_denoiser_sizes_are_the_lectures():
    sizes = GPU.denoiser
    assert (
        sizes.max_train_images is None
    )  # every 8 of the training set: the lecture's 5,851
    assert (sizes.batch_size, sizes.epochs) == (
        lecture.DENOISER_BATCH,
        lecture.DENOISER_EPOCHS,
    )
    assert sizes.learning_rate == pytest.approx(lecture.DENOISER_LR)


def test_gpu_dcgan_sizes_are_the_lectures():
    sizes = GPU.gan
    assert sizes.image_size == lecture.GAN_IMAGE_SIZE
    assert sizes.latent_size == lecture.GAN_LATENT
    assert (sizes.batch_size, sizes.epochs) == (lecture.GAN_BATCH, lecture.GAN_EPOCHS)
    assert sizes.learning_rate == pytest.approx(lecture.GAN_LR)
    assert sizes.max_images is None  # every face found


def notebook_source(name: str) -> str:
    """Return the text of every cell of ``lectures/<name>.ipynb``, markdown and code."""
    path = Path(__file__).resolve().parents[1] / "lectures" / f"{name}.ipynb"
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


def test_what_02_says_the_lecture_printed_is_the_lectures():
    source = notebook_source("02_autoencoders")
    prose = re.search(
        r"loss of ([\d.]+) after its first\s+epoch and ([\d.]+) after\s+its "
        r"(\w+), on ([\d,]+) 8s",
        source,
    )
    printed = re.search(
        r"the lecture: \"\s*\"([\d.]+) -> ([\d.]+) over (\d+) epochs on ([\d,]+) 8s",
        source,
    )
    params = re.search(r"The lecture's network has \*\*([\d,]+) parameters\*\*", source)
    assert prose and printed and params, "02 no longer states the lecture's results"
    for first, final, eights in (prose.group(1, 2, 4), printed.group(1, 2, 4)):
        assert float(first) == lecture.DENOISER_FIRST_LOSS
        assert float(final) == lecture.DENOISER_FINAL_LOSS
        assert int(eights.replace(",", "")) == lecture.DENOISER_EIGHTS
    assert int(printed.group(3)) == lecture.DENOISER_EPOCHS
    assert int(params.group(1).replace(",", "")) == lecture.DENOISER_PARAMS
