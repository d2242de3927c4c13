"""Checks for the coding exercises of chapter 4 (generative adversarial networks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from utils.exercises import Feedback, not_answered, right, unanswered, wrong

__all__ = ["check_discriminator_loss", "check_generator_64"]


def _reference_loss(D_real: torch.Tensor, D_fake: torch.Tensor) -> torch.Tensor:
    """Return the lecture's discriminator loss: BCE on real (label 1) plus on fake (label 0)."""
    bce = nn.BCELoss()
    return bce(D_real, torch.ones_like(D_real)) + bce(D_fake, torch.zeros_like(D_fake))


def _loss_hint(got: float, D_real: torch.Tensor, D_fake: torch.Tensor) -> str:
    """Return a hint naming the typical mistake whose value ``got`` matches."""
    bce = nn.BCELoss()
    ones, zeros = torch.ones_like(D_real), torch.zeros_like(D_real)
    mistakes = {
        "the labels are swapped: real images get label 1, fakes label 0": bce(
            D_real, zeros
        )
        + bce(D_fake, ones),
        "only the real batch is scored: add the fakes' term with label 0": bce(
            D_real, ones
        ),
        "only the fakes are scored: add the real batch's term with label 1": bce(
            D_fake, zeros
        ),
        "this is the mean of the two terms: the lecture adds them": _reference_loss(
            D_real, D_fake
        )
        / 2,
    }
    for hint, value in mistakes.items():
        if abs(got - value.item()) < 1e-4:
            return hint
    return "the value differs from BCE(D_real, 1) + BCE(D_fake, 0) on a test batch"


def check_discriminator_loss(
    loss_D: Callable[[torch.Tensor, torch.Tensor], Any] | Any,
) -> Feedback:
    """Check a function (D_real, D_fake) => the discriminator's loss of section 4.2."""
    exercise = "ex04-discriminator-loss"
    if unanswered(loss_D):
        return not_answered(exercise, "your function")
    if not callable(loss_D):
        return wrong(exercise, f"expected a function, got {type(loss_D).__name__}")
    rng = torch.Generator().manual_seed(0)
    D_real = torch.rand(8, 1, generator=rng) * 0.8 + 0.1  # D's probabilities
    D_fake = torch.rand(8, 1, generator=rng) * 0.8 + 0.1
    try:
        got = loss_D(D_real, D_fake)
    except Exception as error:  # the student's code: show what went wrong
        return wrong(exercise, f"calling it raised {type(error).__name__}: {error}")
    if not isinstance(got, torch.Tensor) or got.numel() != 1:
        return wrong(
            exercise, "return one number as a tensor, so that .backward() works"
        )
    if abs(got.item() - _reference_loss(D_real, D_fake).item()) < 1e-4:
        return right(exercise, "BCE on the real batch with 1 plus on the fakes with 0.")
    return wrong(exercise, _loss_hint(got.item(), D_real, D_fake))


def _output_of(model: nn.Module, latent_size: int) -> torch.Tensor | str:
    """Return the model's output for two noise vectors, or a hint when it fails."""
    noise = torch.randn(
        2, latent_size, 1, 1, generator=torch.Generator().manual_seed(0)
    )
    training = model.training
    try:
        with torch.no_grad():
            return model.eval()(noise)
    except RuntimeError as error:
        first = next((m for m in model.modules() if hasattr(m, "in_channels")), None)
        if first is not None and first.in_channels != latent_size:
            return (
                f"the first layer takes {first.in_channels} channels: the noise has "
                f"latent_size = {latent_size}"
            )
        return f"the model fails on noise of shape (2, {latent_size}, 1, 1): {error}"
    finally:
        model.train(training)


def check_generator_64(model: nn.Module | Any, latent_size: int = 100) -> Feedback:
    """Check a generator that maps noise (N, latent_size, 1, 1) to images (N, 3, 64, 64)."""
    exercise = "ex04-generator-64"
    if unanswered(model):
        return not_answered(exercise, "your generator")
    if not isinstance(model, nn.Module):
        return wrong(exercise, f"expected an nn.Module, got {type(model).__name__}")
    out = _output_of(model, latent_size)
    if isinstance(out, str):
        return wrong(exercise, out)
    if out.dim() != 4:
        return wrong(exercise, f"the output has shape {tuple(out.shape)}: expected 4-D")
    side = out.shape[-1]
    if side < 64:
        missing = {32: "one upsampling layer is", 16: "two upsampling layers are"}
        what = missing.get(side, "more than two upsampling layers are")
        return wrong(exercise, f"your output is {side}x{side}: {what} missing")
    if side > 64:
        return wrong(exercise, f"your output is {side}x{side}: one layer too many")
    if out.shape[1] != 3:
        return wrong(exercise, f"the output has {out.shape[1]} channels: RGB needs 3")
    has_tanh = any(isinstance(m, nn.Tanh) for m in model.modules())
    if not has_tanh or out.min() < -1 or out.max() > 1:
        return wrong(
            exercise, "values leave [-1, 1]: end with nn.Tanh(), like the faces"
        )
    if not any(isinstance(m, nn.BatchNorm2d) for m in model.modules()):
        return wrong(exercise, "no BatchNorm2d: DCGAN normalises each hidden layer")
    return right(
        exercise,
        "noise 1x1 => 4 => 8 => 16 => 32 => 64, three RGB channels in [-1, 1].",
    )
