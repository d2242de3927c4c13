"""At the ``gpu`` profile the book is the lecture: sizes, settings and parameter counts.

The numbers on the right-hand side come from the lecture's facts page (``lecture_facts``);
the left-hand side is what the notebooks print when the smoke build runs them (their
``lecture-params`` cells build the lecture-sized models from the notebooks' own classes)
or what the ``gpu`` profile sets.
"""

from __future__ import annotations

import re

import lecture_facts as lecture
import pytest

from utils.profiles import PROFILES

GPU = PROFILES["gpu"]


def printed_integers(text: str) -> set[int]:
    """Return every integer in ``text``, with thousands separators allowed (9,585)."""
    return {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\d|\d", text)}


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_denoiser_notebook_prints_the_lectures_parameter_count(
    executed_notebook, cell_text
):
    text = cell_text(executed_notebook("02_autoencoders"), "lecture-params")
    assert lecture.DENOISER_PARAMS in printed_integers(text), text


@pytest.mark.slow
@pytest.mark.xdist_group("site")
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
