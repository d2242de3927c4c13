"""Checks for the exercises of chapter 5 (the image branch's size, the noise floor,
a model without one input, a head without a hidden layer)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from utils.conv_arithmetic import conv2d_output_size
from utils.exercises import Feedback, not_answered, right, unanswered, wrong
from utils.exercises._answers import call, check_number

__all__ = [
    "check_flatten_96",
    "check_noise_floor",
    "check_without_table",
    "check_linear_head",
]


def _image_features(size: int, padding: int = 1) -> int:
    """Return the flattened size of the lecture's image branch for a size x size image."""
    size = conv2d_output_size(size, kernel_size=3, stride=2, padding=padding)
    size = conv2d_output_size(size, kernel_size=5, stride=2, padding=padding)
    return 8 * size * size


def check_flatten_96(answer: Any) -> Feedback:
    """Check the inputs the image branch's Linear needs for a 3 x 96 x 96 image."""
    return check_number(
        "ex05-flatten-96",
        answer,
        _image_features(96),
        tolerance=0,
        slips=[
            (_image_features(64), "that is the 64 x 64 image's count."),
            (_image_features(96, padding=0), "both convolutions have padding=1."),
            (
                _image_features(96) // 8,
                "that is one channel's map; the second "
                "convolution has 8 output channels.",
            ),
        ],
        otherwise="apply the size rule twice, k=3 then k=5, both with s=2 and p=1, "
        "then multiply by the 8 channels.",
    )


def check_noise_floor(answer: Any, noise: float) -> Feedback:
    """Check the image + table model's best possible MSE for the generator's ``noise``."""
    scale2 = 2 + noise**2  # the price is divided by sqrt(2 + noise^2)
    return check_number(
        "ex05-noise-floor",
        answer,
        noise**2 / scale2,
        tolerance=5e-4,
        slips=[
            (noise**2, "the noise is scaled with the price: divide by 2 + NOISE^2."),
            (
                noise / scale2**0.5,
                "that is the scaled noise's standard deviation; the "
                "MSE is its variance.",
            ),
            (
                (1 + noise**2) / scale2,
                "that is the floor of a model with one input; "
                "with both, only the noise is left.",
            ),
        ],
        otherwise="the price is (photo + table + noise) / sqrt(2 + NOISE^2), and a "
        "perfect model leaves only the noise term.",
    )


def check_without_table(
    predict_without_table: Any,
    model: nn.Module,
    images: torch.Tensor,
    table: torch.Tensor,
) -> Feedback:
    """Check a function (model, images, table) -> predictions with the table blanked."""
    exercise = "ex05-without-table"
    if unanswered(predict_without_table):
        return not_answered(exercise, "your function")
    if not callable(predict_without_table):
        return wrong(exercise, "define predict_without_table(model, images, table).")
    model.eval()
    with torch.no_grad():
        got, error = call(predict_without_table, model, images, table)
        expected = model(images, torch.zeros_like(table))
        with_table = model(images, table)
        without_image = model(torch.zeros_like(images), table)
    if error:
        return wrong(exercise, f"it raised {error}.")
    if got is None:  # the body is still the placeholder ...
        return not_answered(exercise, "your code (the function returns nothing)")
    if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
        shape = (
            tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__
        )
        return wrong(
            exercise,
            f"return the model's predictions, shape "
            f"{tuple(expected.shape)}; got {shape}.",
        )
    got = got.detach()
    if torch.allclose(got, expected, atol=1e-5):
        return right(exercise, "the table branch now sees the average house's row.")
    if torch.allclose(got, with_table, atol=1e-5):
        return wrong(
            exercise,
            "these are the predictions with the table: replace the table with zeros.",
        )
    if torch.allclose(got, without_image, atol=1e-5):
        return wrong(exercise, "you blanked the image, not the table.")
    return wrong(
        exercise,
        "blank the table with zeros, each standardised column's "
        "average; random values are not 'no information'.",
    )


def check_linear_head(model_class: Any) -> Feedback:
    """Check a MultiModel whose head is a single nn.Linear(10, 1)."""
    exercise = "ex05-linear-head"
    if unanswered(model_class):
        return not_answered(exercise, "your class")
    if not isinstance(model_class, type):
        return wrong(
            exercise,
            "give the class itself (e.g. LinearHeadModel), not an "
            "instance or a function.",
        )
    model, error = call(model_class)
    if error:
        return wrong(
            exercise, f"{getattr(model_class, '__name__', 'it')}() raised {error}."
        )
    if not isinstance(model, nn.Module):
        return wrong(exercise, "give a subclass of nn.Module.")
    with torch.no_grad():
        out, error = call(model, torch.zeros(2, 3, 64, 64), torch.zeros(2, 10))
    if out is None and error is None:  # forward is still the placeholder ...
        return not_answered(exercise, "your layers and forward (it returns nothing)")
    if error or not isinstance(out, torch.Tensor) or tuple(out.shape) != (2, 1):
        got = error or (tuple(out.shape) if isinstance(out, torch.Tensor) else out)
        return wrong(
            exercise, f"on 2 images and 2 rows it should give (2, 1); got {got}."
        )
    counts = sum(p.numel() for p in model.parameters())
    branches = _image_features(64) * 5 + 5 + 448 + 3208 + 805  # as in MultiModel
    if counts == branches + 11:
        return right(
            exercise, f"both branches, then one Linear(10, 1): {counts:,} parameters."
        )
    if counts == branches + 61:
        return wrong(exercise, "the head still has its hidden layer (10 => 5 => 1).")
    return wrong(
        exercise,
        f"{counts:,} parameters; the lecture's two branches and a "
        f"head of one Linear(10, 1) have {branches + 11:,}.",
    )
