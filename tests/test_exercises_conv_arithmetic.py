"""Chapter 3's exercise checks: the reference answers pass, typical wrong answers get their hint."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from utils.exercises.conv_arithmetic import (
    check_lossless_downsample,
    check_upsample_48,
)


def up(c_in: int, c_out: int, k: int = 4, s: int = 2, p: int = 1, op: int = 0):
    """Return one ConvTranspose2d with batch norm and ReLU."""
    return [
        nn.ConvTranspose2d(c_in, c_out, k, s, p, output_padding=op, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(),
    ]


def reference_upsampler() -> nn.Sequential:
    """Return the notebook's reference answer: 1 => 3 => 6 => 12 => 24 => 48."""
    return nn.Sequential(
        *up(16, 64, k=3, s=1, p=0),
        *up(64, 32),
        *up(32, 16),
        *up(16, 8),
        nn.ConvTranspose2d(8, 3, 4, 2, 1),
        nn.Tanh(),
    )


def test_reference_upsampler_is_right_and_says_its_sizes():
    feedback = check_upsample_48(reference_upsampler())
    assert feedback.passed, feedback
    assert "1x1 => 3x3 => 6x6 => 12x12 => 24x24 => 48x48" in feedback.message


def test_placeholder_is_not_answered_and_does_not_raise():
    for check in (check_upsample_48, check_lossless_downsample):
        feedback = check(...)
        assert feedback.status == "not answered"
        assert str(feedback).startswith("Not answered yet")


def test_a_stack_in_training_mode_stays_in_training_mode():
    stack = reference_upsampler().train()
    check_upsample_48(stack)
    assert all(module.training for module in stack.modules())


WRONG_UPSAMPLERS = {
    "a list": (
        lambda: [nn.ConvTranspose2d(16, 3, 48)],
        "wrap the layers in nn.Sequential",
    ),
    "a class": (lambda: nn.Sequential, "is a class, not a layer"),
    "a tensor": (lambda: torch.zeros(1, 3, 48, 48), "must be an nn.Module"),
    "no transposed conv": (
        lambda: nn.Sequential(nn.Conv2d(16, 3, 1)),
        "there is no nn.ConvTranspose2d in it",
    ),
    "nn.Upsample": (
        lambda: nn.Sequential(
            nn.Upsample(scale_factor=48), nn.ConvTranspose2d(16, 3, 1)
        ),
        "nn.Upsample does the growing here",
    ),
    "wrong latent channels": (
        lambda: nn.Sequential(nn.ConvTranspose2d(100, 3, 48)),
        "the first ConvTranspose2d takes 100 channels, but the latent vector has 16",
    ),
    "channels do not chain": (
        lambda: nn.Sequential(*up(16, 64, 3, 1, 0), *up(32, 3)),
        "in_channels is the out_channels of the layer before",
    ),
    "one doubling missing (24x24)": (
        lambda: nn.Sequential(*up(16, 32, 3, 1, 0), *up(32, 16), *up(16, 8), *up(8, 3)),
        "your output is 24x24: one stride-2 upsampling layer is missing",
    ),
    "two doublings missing (12x12)": (
        lambda: nn.Sequential(*up(16, 32, 3, 1, 0), *up(32, 16), *up(16, 3)),
        "your output is 12x12: 2 stride-2 upsampling layers are missing",
    ),
    "one doubling too many (96x96)": (
        lambda: nn.Sequential(
            *up(16, 8, 3, 1, 0), *up(8, 8), *up(8, 8), *up(8, 8), *up(8, 8), *up(8, 3)
        ),
        "your output is 96x96: one stride-2 layer too many",
    ),
    "DCGAN start (32x32)": (
        lambda: nn.Sequential(*up(16, 32, 4, 1, 0), *up(32, 16), *up(16, 8), *up(8, 3)),
        "your output is 32x32: a 4x4 start that doubles only reaches powers of two",
    ),
    "k=3 s=2 without output_padding": (
        lambda: nn.Sequential(*up(16, 32, 3, 1, 0), *up(32, 16, k=3), *up(16, 3, k=3)),
        "ConvTranspose2d number 2 turns 3 into 5, not 6",
    ),
    "not square": (
        lambda: nn.Sequential(nn.ConvTranspose2d(16, 3, (48, 24))),
        "your output is 48x24, not square",
    ),
    "wrong output channels": (
        lambda: nn.Sequential(
            *up(16, 32, 3, 1, 0), *up(32, 16), *up(16, 8), *up(8, 8), *up(8, 1)
        ),
        "your output has 1 channel(s); an RGB image has 3",
    ),
    "uneven overlap (k=3, s=2)": (
        lambda: nn.Sequential(
            *up(16, 32, 3, 1, 0),
            *up(32, 16),
            *up(16, 8),
            *up(8, 8),
            *up(8, 3, k=3, op=1),
        ),
        "ConvTranspose2d number 5 has kernel_size=3, stride=2: 3 is not divisible by 2",
    ),
}


@pytest.mark.parametrize("name", WRONG_UPSAMPLERS)
def test_typical_wrong_upsampler_fails_with_its_hint(name):
    make, hint = WRONG_UPSAMPLERS[name]
    feedback = check_upsample_48(make())
    assert feedback.status == "wrong", feedback
    assert hint in feedback.message, feedback.message


def one_hot_downsample() -> nn.Conv2d:
    """Return the notebook's reference answer: space-to-depth, 3x9x9 => 27x3x3."""
    layer = nn.Conv2d(3, 27, kernel_size=3, stride=3, bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.eye(27).view(27, 3, 3, 3))
    return layer


def orthogonal_downsample() -> nn.Conv2d:
    """Return a stride-3 convolution whose 27 kernels are orthonormal but not one-hot."""
    layer = nn.Conv2d(3, 27, kernel_size=3, stride=3, bias=False)
    q, _ = torch.linalg.qr(
        torch.randn(27, 27, generator=torch.Generator().manual_seed(1))
    )
    with torch.no_grad():
        layer.weight.copy_(q.view(27, 3, 3, 3))
    return layer


@pytest.mark.parametrize("make", [one_hot_downsample, orthogonal_downsample])
def test_lossless_downsample_accepts_any_orthonormal_kernels(make):
    feedback = check_lossless_downsample(make())
    assert feedback.passed, feedback
    assert "3x9x9 => 27x3x3 and back" in feedback.message


def with_bias() -> nn.Conv2d:
    layer = one_hot_downsample()
    layer.bias = nn.Parameter(torch.ones(27))
    return layer


WRONG_DOWNSAMPLES = {
    "a list": (lambda: [one_hot_downsample()], "wrap the layers in nn.Sequential"),
    "a sequential": (
        lambda: nn.Sequential(one_hot_downsample()),
        "must be one nn.Conv2d",
    ),
    "grey input": (lambda: nn.Conv2d(1, 9, 3, 3, bias=False), "in_channels=3"),
    "stride 2": (lambda: nn.Conv2d(3, 27, 3, 2, bias=False), "asks for stride=3"),
    "a bias": (with_bias, "use bias=False"),
    "kernel too small": (
        lambda: nn.Conv2d(3, 27, 1, 3, bias=False),
        "smaller than the stride: the window jumps over pixels",
    ),
    "3x9x9 into 2x2": (
        lambda: nn.Conv2d(3, 27, 3, 3, padding=0, dilation=2, bias=False),
        "the layer turns 9x9 into 2x2",
    ),
    "too few channels": (
        lambda: nn.Conv2d(3, 9, 3, 3, bias=False),
        "keeps 81 numbers of the image's 243",
    ),
    "random weights": (
        lambda: nn.Conv2d(3, 27, 3, 3, bias=False),
        "the weights must make C^T C = I",
    ),
}


@pytest.mark.parametrize("name", WRONG_DOWNSAMPLES)
def test_typical_wrong_downsample_fails_with_its_hint(name):
    make, hint = WRONG_DOWNSAMPLES[name]
    feedback = check_lossless_downsample(make())
    assert feedback.status == "wrong", feedback
    assert hint in feedback.message, feedback.message


@pytest.mark.slow
def test_the_pages_reference_answers_are_right_and_its_exercise_cells_unanswered(
    executed_notebook,
):
    from notebook_code import text_outputs

    cells = executed_notebook("03_convolution_arithmetic").cells
    said = {
        tag: [text_outputs(c) for c in cells if tag in c.metadata.get("tags", [])]
        for tag in ("exercise", "solution")
    }
    for label in ("ex03-upsample-48", "ex03-lossless-stride"):
        assert any(f"Right ({label})" in text for text in said["solution"]), label
        assert any(f"Not answered yet ({label})" in text for text in said["exercise"])
