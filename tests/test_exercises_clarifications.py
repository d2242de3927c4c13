"""The checks of chapter 0's exercises: the reference passes, typical slips get their hint."""

from __future__ import annotations

import torch
from torch import nn

from utils.exercises.clarifications import (
    check_cross_entropy,
    check_features_128,
    check_flat_features,
    check_parameter_counts,
)


def reference_flat_features(layers: nn.Module, input_shape: tuple[int, ...]) -> int:
    """The reference solution: one dummy image through the layers, values counted."""
    with torch.no_grad():
        return layers(torch.zeros(1, *input_shape)).numel()


def test_cross_entropy_reference_passes_and_slips_get_their_hint():
    assert check_cross_entropy(1.417).passed
    assert check_cross_entropy(torch.tensor(1.4170)).passed  # a 0-d tensor is a number
    probability = check_cross_entropy(0.2424)
    assert probability.status == "wrong" and "natural log" in probability.message
    other_class = check_cross_entropy(0.417)
    assert other_class.status == "wrong" and "true class is 1" in other_class.message
    assert "never negative" in check_cross_entropy(-1.417).message


def test_cross_entropy_placeholder_and_wrong_kind():
    assert check_cross_entropy(...).status == "not answered"
    assert check_cross_entropy("1.417").status == "wrong"
    assert check_cross_entropy(True).status == "wrong"


def test_parameter_counts_reference_passes_and_forgotten_biases_are_named():
    assert check_parameter_counts(16 * (8 * 9 + 1), 324 * 128 + 128).passed
    no_bias = check_parameter_counts(16 * 8 * 9, 324 * 128 + 128)
    assert no_bias.status == "wrong" and "bias" in no_bias.message
    one_kernel = check_parameter_counts(16 * 10, 324 * 128 + 128)
    assert "per input channel" in one_kernel.message
    linear = check_parameter_counts(16 * (8 * 9 + 1), 324 * 128)
    assert "Linear" in linear.message and "bias" in linear.message
    assert check_parameter_counts(1168, ...).status == "not answered"


def test_features_128_reference_passes_and_the_64_answer_is_named():
    assert check_features_128(4 * 20 * 20).passed
    assert "64x64" in check_features_128(324).message
    assert "product" in check_features_128((4, 20, 20)).message
    assert check_features_128(...).status == "not answered"


def test_flat_features_reference_passes_on_every_test_network():
    assert check_flat_features(reference_flat_features).passed


def test_flat_features_hard_coded_324_fails_on_the_second_network():
    feedback = check_flat_features(lambda layers, shape: 324)
    assert feedback.status == "wrong" and "test_CNN only" in feedback.message


def test_flat_features_counting_a_whole_batch_is_named():
    def batch_of_two(layers, shape):
        return layers(torch.zeros(2, *shape)).numel()

    feedback = check_flat_features(batch_of_two)
    assert feedback.status == "wrong" and "one image" in feedback.message


def test_flat_features_returning_the_shape_or_raising_gets_a_hint():
    shape = check_flat_features(lambda layers, s: layers(torch.zeros(1, *s)).shape)
    assert "one int" in shape.message
    raising = check_flat_features(lambda layers, s: layers(torch.zeros(*s[1:])))
    assert raising.status == "wrong" and "raised" in raising.message
    assert check_flat_features(...).status == "not answered"
    assert check_flat_features(324).status == "wrong"


def test_flat_features_whose_body_is_the_placeholder_is_not_answered():
    def flat_features(layers, input_shape): ...

    assert check_flat_features(flat_features).status == "not answered"
