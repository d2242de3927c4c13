"""Checks for the exercises of chapter 0 (cross-entropy, parameter counts, shapes)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from utils.exercises import Feedback, not_answered, right, unanswered, wrong
from utils.exercises._answers import as_number, call, check_number

__all__ = [
    "EXERCISE_LOGITS",
    "EXERCISE_TARGET",
    "check_cross_entropy",
    "check_parameter_counts",
    "check_features_128",
    "check_flat_features",
]

EXERCISE_LOGITS = (2.0, 1.0, 0.1)  # one example's logits for classes 0, 1 and 2
EXERCISE_TARGET = 1  # its true class


def _cross_entropy(logits: tuple[float, ...], target: int) -> float:
    """Return -log softmax(logits)[target], in plain Python."""
    return math.log(sum(math.exp(z) for z in logits)) - logits[target]


def check_cross_entropy(answer: Any) -> Feedback:
    """Check the cross-entropy of EXERCISE_LOGITS with true class EXERCISE_TARGET."""
    loss = _cross_entropy(EXERCISE_LOGITS, EXERCISE_TARGET)
    p_true = math.exp(-loss)
    return check_number(
        "ex00-cross-entropy",
        answer,
        loss,
        tolerance=5e-3,
        slips=[
            (
                _cross_entropy(EXERCISE_LOGITS, 0),
                "that is the loss if the true class "
                "were 0; the true class is 1, the second logit.",
            ),
            (
                p_true,
                "that is the probability of the true class; the loss is minus "
                "its natural log.",
            ),
            (
                -math.log10(p_true),
                "that uses the base-10 log; PyTorch uses the natural log.",
            ),
            (-loss, "the loss is -log p, and p <= 1, so it is never negative."),
        ],
        otherwise="compute the log of the sum of e^z over the three logits, then "
        "subtract the true class's logit.",
    )


def check_parameter_counts(conv: Any, linear: Any) -> Feedback:
    """Check the parameter counts of Conv2d(8, 16, 3) and Linear(324, 128)."""
    exercise = "ex00-parameter-counts"
    if unanswered(conv) or unanswered(linear):
        return not_answered(exercise, "the two counts")
    conv_right = sum(p.numel() for p in nn.Conv2d(8, 16, 3).parameters())
    linear_right = sum(p.numel() for p in nn.Linear(324, 128).parameters())
    conv_hints = {
        16 * 8 * 3 * 3: "each of the 16 output channels also has a bias.",
        16 * (3 * 3 + 1): "an output channel has one 3x3 kernel per input channel, 8 "
        "of them, not one.",
        16 * 8 * 3 * 3 + 8: "one bias per output channel: 16, not 8.",
    }
    linear_hints = {
        324 * 128: "each of the 128 outputs also has a bias.",
        324 * 128 + 324: "one bias per output: 128, not 324.",
    }
    for got, expected, hints, name in [
        (conv, conv_right, conv_hints, "Conv2d(8, 16, 3)"),
        (linear, linear_right, linear_hints, "Linear(324, 128)"),
    ]:
        value = as_number(got)
        if value is None:
            return wrong(exercise, f"give {name}'s count as one number.")
        if value != expected:
            hint = hints.get(int(value), "weights plus biases: count both.")
            return wrong(exercise, f"{name}: {value:g} is not it; {hint}")
    return right(exercise, f"{conv_right:,} and {linear_right:,} parameters.")


def check_features_128(answer: Any) -> Feedback:
    """Check the flattened size of test_CNN's output for a 3x128x128 image."""
    if isinstance(answer, (tuple, list, torch.Size)):
        return wrong(
            "ex00-features-128",
            f"{tuple(answer)} is the shape; the Linear layer needs the product.",
        )
    return check_number(
        "ex00-features-128",
        answer,
        4 * 20 * 20,  # 128 => 124 => 62 => 60 => 20, with 4 channels
        tolerance=0,
        slips=[
            (324, "that is the 64x64 image's count; follow 128 through the layers."),
            (20 * 20, "that is one channel's map; there are 4 channels."),
            (
                4 * 40 * 40,
                "a max-pooling layer's stride is its kernel size: "
                "MaxPool2d(3) divides by 3.",
            ),
        ],
        otherwise="follow 128 through the table's four layers with the size rule, "
        "then multiply channels x height x width.",
    )


_FLAT_CASES: list[tuple[Callable[[], nn.Module], tuple[int, int, int], int]] = [
    (  # the lecture's test_CNN
        lambda: nn.Sequential(
            nn.Conv2d(3, 8, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 4, 3),
            nn.ReLU(),
            nn.MaxPool2d(3),
            nn.Dropout(0.2),
        ),
        (3, 64, 64),
        324,
    ),
    (  # an MNIST-sized block
        lambda: nn.Sequential(
            nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)
        ),
        (1, 28, 28),
        6 * 14 * 14,
    ),
    (  # a non-square kernel on a non-square image
        lambda: nn.Sequential(nn.Conv2d(3, 4, (3, 5), stride=2)),
        (3, 32, 48),
        4 * 15 * 22,
    ),
]


def check_flat_features(flat_features: Any) -> Feedback:
    """Check a function (layers, input_shape) -> values per image after nn.Flatten."""
    exercise = "ex00-flat-features"
    if unanswered(flat_features):
        return not_answered(exercise, "your function")
    if not callable(flat_features):
        return wrong(exercise, "define a function flat_features(layers, input_shape).")
    torch.manual_seed(0)
    for number, (make_layers, shape, expected) in enumerate(_FLAT_CASES, 1):
        got, error = call(flat_features, make_layers(), shape)
        where = f"on case {number} ({shape} through {len(make_layers())} layers)"
        if error:
            return wrong(
                exercise,
                f"{where} it raised {error}. Did you add the batch "
                "dimension, torch.zeros(1, *input_shape)?",
            )
        if got is None:  # the body is still the placeholder ...
            return not_answered(exercise, "your code (the function returns nothing)")
        if isinstance(got, (tuple, list, torch.Size)):
            return wrong(
                exercise,
                f"{where} it returned the shape {tuple(got)}: "
                "return the number of values, one int.",
            )
        value = as_number(got)
        if value != expected:
            return wrong(exercise, _flat_hint(value, expected, number, where))
    return right(exercise, "it agrees with PyTorch on all three test networks.")


def _flat_hint(value: float | None, expected: int, number: int, where: str) -> str:
    """Return the hint for a wrong flat_features result."""
    if value is None:
        return f"{where} it returned no number."
    if value % expected == 0 and value > expected:
        return (
            f"{where} it returned {value:g}, {value / expected:g} times the answer: "
            "count the values of one image, not of the whole batch."
        )
    if number > 1 and value == 324:
        return f"{where} it returned 324: right for test_CNN only; compute it."
    return f"{where} it returned {value:g}, expected {expected}."
