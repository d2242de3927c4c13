"""Chapter 4's exercise checks: the reference answers pass, typical mistakes get their hint."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from utils.exercises.gans import check_discriminator_loss, check_generator_64

bce = nn.BCELoss()


def reference_loss(D_real, D_fake):
    return bce(D_real, torch.ones_like(D_real)) + bce(D_fake, torch.zeros_like(D_fake))


def block(c_in, c_out, first=False):
    """One transposed-convolution block of a DCGAN generator."""
    stride, padding = (1, 0) if first else (2, 1)
    return [
        nn.ConvTranspose2d(c_in, c_out, 4, stride, padding, bias=False),
        nn.BatchNorm2d(c_out),
        nn.LeakyReLU(0.2),
    ]


def generator(sides: int, out_channels: int = 3, tanh: bool = True, latent: int = 100):
    """A generator 1x1 => 4 => ... with ``sides`` stride-2 layers after the first."""
    layers = block(latent, 64, first=True)
    for _ in range(sides - 1):
        layers += block(64, 64)
    layers += [nn.ConvTranspose2d(64, out_channels, 4, 2, 1, bias=False)]
    layers += [nn.Tanh()] if tanh else [nn.Identity()]
    return nn.Sequential(*layers)


def test_the_placeholder_is_not_answered_yet():
    assert check_discriminator_loss(...).status == "not answered"
    assert check_generator_64(...).status == "not answered"


def test_the_reference_discriminator_loss_passes():
    assert check_discriminator_loss(reference_loss).passed


@pytest.mark.parametrize(
    "mistake, hint",
    [
        (
            lambda r, f: bce(r, torch.zeros_like(r)) + bce(f, torch.ones_like(f)),
            "swapped",
        ),
        (lambda r, f: bce(r, torch.ones_like(r)), "only the real batch"),
        (lambda r, f: bce(f, torch.zeros_like(f)), "only the fakes"),
        (lambda r, f: reference_loss(r, f) / 2, "mean of the two terms"),
        (lambda r, f: reference_loss(r, f).item(), "as a tensor"),
        (lambda r: r, "raised TypeError"),
    ],
)
def test_a_typical_discriminator_loss_mistake_gets_its_hint(mistake, hint):
    feedback = check_discriminator_loss(mistake)
    assert feedback.status == "wrong" and hint in feedback.message, feedback


def test_the_reference_generator_passes_and_stays_in_training_mode():
    model = generator(sides=4)  # 4 => 8 => 16 => 32 => 64
    assert check_generator_64(model).passed
    assert model.training


@pytest.mark.parametrize(
    "model, hint",
    [
        (generator(sides=3), "your output is 32x32: one upsampling layer is missing"),
        (generator(sides=2), "your output is 16x16: two upsampling layers are missing"),
        (generator(sides=5), "128x128: one layer too many"),
        (generator(sides=4, out_channels=1), "1 channels: RGB needs 3"),
        (generator(sides=4, tanh=False), "nn.Tanh()"),
        (generator(sides=4, latent=64), "the noise has latent_size = 100"),
        ("a generator", "expected an nn.Module, got str"),
    ],
)
def test_a_typical_generator_mistake_gets_its_hint(model, hint):
    feedback = check_generator_64(model)
    assert feedback.status == "wrong" and hint in feedback.message, feedback
