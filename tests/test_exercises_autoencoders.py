"""Chapter 2's exercise checks and self-checks: reference answers pass, typical wrong answers
get their hint, an unanswered placeholder is "not answered yet"."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import torch
from torch import nn

from utils.exercises.autoencoders import (
    check_code_size,
    check_encoder_params,
    check_noisy_background_mse,
    noisy_background_mse,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "lectures" / "02_autoencoders.ipynb"


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    """Return the chapter's encoder block: 3x3 convolution, ReLU, 2x2 max-pool."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)
    )


def deconv_block(c_in: int, c_out: int, k: int) -> nn.Sequential:
    """Return the chapter's decoder block: stride-2 transposed convolution and ReLU."""
    return nn.Sequential(nn.ConvTranspose2d(c_in, c_out, k, stride=2), nn.ReLU())


class Denoiser(nn.Module):
    """The lecture's denoiser (LECTURE_FACTS 2.2) with a code of ``code`` channels."""

    def __init__(self, code: int = 8, first_decoder_in: int | None = None) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            conv_block(1, 32), conv_block(32, 16), conv_block(16, code)
        )
        self.decoder = nn.Sequential(
            deconv_block(first_decoder_in or code, 8, 3),
            deconv_block(8, 16, 2),
            deconv_block(16, 32, 2),
            nn.Conv2d(32, 1, 3, padding=1),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def test_placeholders_are_not_answered_and_do_not_raise():
    for check in (check_encoder_params, check_noisy_background_mse, check_code_size):
        feedback = check(...)
        assert feedback.status == "not answered"
        assert str(feedback).startswith("Not answered yet")


# -- ex02-encoder-params ------------------------------------------------------------------


def test_the_lectures_encoder_count_is_right():
    # LECTURE_FACTS: 320, 4,624 and 1,160 in the three encoder convolutions
    feedback = check_encoder_params(320 + 4_624 + 1_160)
    assert feedback.passed and "6,104" in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (6_048, "weights only"),  # biases forgotten
        (560, "every input channel"),  # one 3x3 kernel per output channel
        (2_072, "9 weights per input channel"),  # k instead of k x k
        (9_585, "whole network"),  # the lecture's total, decoder included
        (320, "first convolution only"),
        (6_000, "plus one bias per output channel"),  # anything else: the recipe
    ],
)
def test_typical_wrong_encoder_counts_get_their_hint(answer, hint):
    feedback = check_encoder_params(answer)
    assert feedback.status == "wrong" and hint in feedback.message


def test_an_encoder_count_that_is_not_a_number_is_wrong_not_an_error():
    assert "as a number" in check_encoder_params("6104").message
    assert check_encoder_params(torch.tensor(6104)).passed


# -- ex02-noise-floor ---------------------------------------------------------------------


def test_the_noise_floor_is_what_the_chapters_noise_gives():
    rng = torch.Generator().manual_seed(0)
    noisy = (0.5 * torch.randn(2_000_000, generator=rng)).clamp(0, 1)
    assert noisy.pow(2).mean().item() == pytest.approx(noisy_background_mse(), abs=1e-3)


def test_a_noise_floor_from_the_tables_is_right():
    assert check_noisy_background_mse(0.1151).passed
    assert check_noisy_background_mse(
        0.25 * (0.9772 - 0.5 - 2 * 0.0540) + 0.0228
    ).passed


@pytest.mark.parametrize(
    "answer, hint",
    [
        (0.25, "variance of the noise before clipping"),
        (0.125, "not the large ones"),
        (0.0923, "left out the draws above 2"),
        (0.2, "three ranges"),
    ],
)
def test_typical_wrong_noise_floors_get_their_hint(answer, hint):
    feedback = check_noisy_background_mse(answer)
    assert feedback.status == "wrong" and hint in feedback.message


# -- ex02-code-size -----------------------------------------------------------------------


def test_a_denoiser_with_any_code_size_is_right():
    feedback = check_code_size(lambda channels: Denoiser(code=channels))
    assert feedback.passed, feedback


def test_the_notebooks_reference_answer_is_right():
    """The reference cell, run on the notebook's own blocks and network."""
    cells = {c.id: c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells}
    namespace = {"nn": nn, "torch": torch, "check_code_size": check_code_size}
    exec(cells["cell-23"], namespace)  # conv_block, deconv_block
    exec(cells["cell-23-model"], namespace)  # ConvAutoencoder
    exec(cells["ex02-code-size-reference"], namespace)
    assert check_code_size(namespace["denoiser_with_code"]).passed


@pytest.mark.parametrize(
    "build, hint",
    [
        (lambda c: Denoiser(code=c, first_decoder_in=8), "the decoder fails"),
        (lambda c: Denoiser(), "the code is 8x3x3: the encoder's last convolution"),
        (lambda c: nn.Linear(3, 2), "with .encoder and .decoder"),
        (lambda c: 1 / 0, "raised ZeroDivisionError"),
        (Denoiser(), "pass the function itself"),
    ],
)
def test_typical_wrong_code_size_answers_get_their_hint(build, hint):
    feedback = check_code_size(build)
    assert feedback.status == "wrong" and hint in feedback.message, feedback


def test_a_wider_network_than_the_chapters_is_caught_by_its_parameter_count():
    def wider(channels: int) -> nn.Module:
        model = Denoiser(code=channels)
        model.decoder[1] = deconv_block(8, 24, 2)
        model.decoder[2] = deconv_block(24, 32, 2)
        return model

    feedback = check_code_size(wider)
    assert feedback.status == "wrong" and "parameters" in feedback.message


def test_a_function_left_with_its_placeholder_body_is_not_answered():
    def denoiser_with_code(code_channels: int) -> nn.Module: ...

    assert check_code_size(denoiser_with_code).status == "not answered"


# -- self-checks ---------------------------------------------------------------------------


def quizzes() -> list[Path]:
    """Return chapter 2's quiz files."""
    return sorted((ROOT / "utils" / "quizzes").glob("02-*.json"))


def test_chapter_2_shows_each_of_its_quizzes_in_the_notebook():
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    names = [path.stem for path in quizzes()]
    assert len(names) >= 2
    for name in names:
        assert f'self_check("{name}")' in source, name


@pytest.mark.parametrize("path", quizzes(), ids=lambda p: p.name)
def test_every_question_has_one_right_answer_and_feedback_on_each(path):
    for question in json.loads(path.read_text()):
        answers = question["answers"]
        assert sum(a["correct"] for a in answers) == 1, question["question"]
        assert all(len(a["feedback"]) > 20 for a in answers), question["question"]
