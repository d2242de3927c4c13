"""The checks of chapter 5's exercises: the reference passes, typical slips get their hint."""

from __future__ import annotations

import torch
from torch import nn

from utils.exercises.multi_input import (
    check_flatten_96,
    check_linear_head,
    check_noise_floor,
    check_without_table,
)


class TwoInputs(nn.Module):
    """The lecture's two branches (image 3x64x64 => 5, table 10 => 5) and a given head."""

    def __init__(self, head: nn.Module):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(16, 8, 5, stride=2, padding=1),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(1800, 5),
        )
        self.fc = nn.Sequential(nn.Linear(10, 50), nn.ReLU(), nn.Linear(50, 5))
        self.head = head

    def forward(self, image, data):
        return self.head(torch.cat((self.cnn(image), self.fc(data)), dim=1))


class LinearHead(TwoInputs):
    def __init__(self):
        super().__init__(nn.Linear(10, 1))


class HiddenHead(TwoInputs):  # the lecture's MultiModel: the typical unchanged answer
    def __init__(self):
        super().__init__(nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 1)))


def test_flatten_96_reference_passes_and_slips_are_named():
    assert check_flatten_96(8 * 23 * 23).passed
    assert "64 x 64" in check_flatten_96(1800).message
    assert "padding" in check_flatten_96(8 * 22 * 22).message
    assert check_flatten_96(...).status == "not answered"


def test_noise_floor_reference_passes_and_the_unscaled_noise_is_named():
    assert check_noise_floor(0.2**2 / (2 + 0.2**2), noise=0.2).passed
    assert check_noise_floor(0.5**2 / (2 + 0.5**2), noise=0.5).passed
    unscaled = check_noise_floor(0.04, noise=0.2)
    assert unscaled.status == "wrong" and "2 + NOISE^2" in unscaled.message
    assert check_noise_floor(..., noise=0.2).status == "not answered"


def without_table_case():
    torch.manual_seed(0)
    return HiddenHead(), torch.rand(4, 3, 64, 64), torch.randn(4, 10)


def test_without_table_reference_passes():
    model, images, table = without_table_case()

    def reference(model, images, table):
        return model(images, torch.zeros_like(table))

    assert check_without_table(reference, model, images, table).passed


def test_without_table_blanking_the_image_instead_is_named():
    model, images, table = without_table_case()

    def blank_image(model, images, table):
        return model(torch.zeros_like(images), table)

    feedback = check_without_table(blank_image, model, images, table)
    assert feedback.status == "wrong" and "blanked the image" in feedback.message


def test_without_table_keeping_the_table_or_returning_a_number_fails():
    model, images, table = without_table_case()
    same = check_without_table(lambda m, i, t: m(i, t), model, images, table)
    assert "with the table" in same.message
    number = check_without_table(lambda m, i, t: 0.5, model, images, table)
    assert number.status == "wrong" and "predictions" in number.message
    assert check_without_table(..., model, images, table).status == "not answered"


def test_linear_head_reference_passes_and_the_kept_hidden_layer_is_named():
    assert check_linear_head(LinearHead).passed
    hidden = check_linear_head(HiddenHead)
    assert hidden.status == "wrong" and "hidden layer" in hidden.message
    assert "class" in check_linear_head(LinearHead()).message
    assert check_linear_head(...).status == "not answered"


def test_placeholder_bodies_are_not_answered():
    class Placeholder(nn.Module):
        def __init__(self):
            super().__init__()
            ...

        def forward(self, image, data): ...

    assert check_linear_head(Placeholder).status == "not answered"
    model, images, table = without_table_case()
    feedback = check_without_table(lambda m, i, t: None, model, images, table)
    assert feedback.status == "not answered"
