"""Checks for the exercises of chapter 2, autoencoders.

``check_encoder_params``: the parameter count of the denoiser's three encoder
convolutions, by hand. ``check_noisy_background_mse``: the expected squared error that
the clipped noise puts on a background pixel, by hand. ``check_code_size``: a function
that builds the chapter's denoiser with a code of any number of channels.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import torch
from torch import nn

from utils.exercises import Feedback, not_answered, right, unanswered, wrong

__all__ = ["check_encoder_params", "check_noisy_background_mse", "check_code_size"]

ENCODER_PARAMS = "ex02-encoder-params"
NOISE_FLOOR = "ex02-noise-floor"
CODE_SIZE = "ex02-code-size"

# the denoiser's convolutions: (input channels, output channels, kernel side)
ENCODER = [(1, 32, 3), (32, 16, 3), (16, 8, 3)]
NOISE = 0.5  # the chapter's noise: 0.5 times a standard normal, then clipped to [0, 1]
NOISE_TOLERANCE = 0.002  # the exercise asks for 4 decimals of a value read from tables


def _conv_params(c_in: int, c_out: int, k: int, bias: bool = True) -> int:
    """Return the parameters of a Conv2d(c_in, c_out, k): its weights, and its biases."""
    return c_in * c_out * k * k + (c_out if bias else 0)


def _number(name: str, answer: Any, what: str) -> Feedback | float:
    """Return ``answer`` as a float, or the feedback for an answer that is not a number."""
    if isinstance(answer, bool) or not isinstance(answer, (Real, torch.Tensor)):
        return wrong(name, f"give {what} as a number, got a {type(answer).__name__}.")
    if isinstance(answer, torch.Tensor):
        if answer.numel() != 1:
            return wrong(
                name, f"give one number, got a tensor of shape {tuple(answer.shape)}."
            )
        answer = answer.item()
    return float(answer)


def check_encoder_params(answer: Any) -> Feedback:
    """Check the total number of parameters of the encoder's three convolutions."""
    if unanswered(answer):
        return not_answered(ENCODER_PARAMS, "your total (an int)")
    value = _number(ENCODER_PARAMS, answer, "the total")
    if isinstance(value, Feedback):
        return value
    layers = [_conv_params(*layer) for layer in ENCODER]
    total = sum(layers)
    hints = {
        sum(_conv_params(*layer, bias=False) for layer in ENCODER): (
            "that counts the weights only: each output channel has a bias too."
        ),
        sum(c_out * k * k + c_out for _, c_out, k in ENCODER): (
            "each kernel covers every input channel: a 3x3 kernel on 32 channels has "
            "32 x 3 x 3 weights, not 3 x 3."
        ),
        sum(c_in * c_out * k + c_out for c_in, c_out, k in ENCODER): (
            "a 3x3 kernel has 3 x 3 = 9 weights per input channel, not 3."
        ),
        9_585: "that is the whole network, decoder included: count the encoder only.",
        layers[0]: "that is the first convolution only: add the other two.",
    }
    if value == total:
        terms = " + ".join(f"{n:,}" for n in layers)
        return right(ENCODER_PARAMS, f"{terms} = {total:,} parameters.")
    return wrong(
        ENCODER_PARAMS,
        hints.get(
            value,
            f"{value:g} is not it: per convolution, count input channels x output "
            "channels x 3 x 3 weights, plus one bias per output channel.",
        ),
    )


def _phi(z: float) -> float:
    """Return the standard normal density at ``z``."""
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def _cdf(z: float) -> float:
    """Return the standard normal distribution function at ``z``."""
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def noisy_background_mse(noise: float = NOISE) -> float:
    """Return E[clip(noise * eps, 0, 1)^2] for eps ~ N(0, 1): the error on a pixel at 0."""
    a = 1 / noise  # above this draw the pixel is clipped to 1
    second_moment = _cdf(a) - 0.5 - a * _phi(a)  # E[eps^2; 0 < eps < a]
    return noise**2 * second_moment + (1 - _cdf(a))


def check_noisy_background_mse(answer: Any) -> Feedback:
    """Check the expected squared error of a noisy background pixel (noise 0.5, clipped)."""
    if unanswered(answer):
        return not_answered(NOISE_FLOOR, "your value (a number with 4 decimals)")
    value = _number(NOISE_FLOOR, answer, "the expected squared error")
    if isinstance(value, Feedback):
        return value
    a, expected = 1 / NOISE, noisy_background_mse()
    without_top = NOISE**2 * (_cdf(a) - 0.5 - a * _phi(a))
    hints = [
        (
            NOISE**2,
            "that is the variance of the noise before clipping: a negative "
            "draw is clipped to 0 and adds no error at all.",
        ),
        (
            NOISE**2 / 2,
            "you clipped the negative draws but not the large ones: a draw "
            "above 2 is clipped to 1, so its error is 1, not (0.5 draw)^2.",
        ),
        (
            without_top,
            "you left out the draws above 2: each is clipped to 1 and adds "
            f"an error of 1, with probability {1 - _cdf(a):.4f}.",
        ),
    ]
    if abs(value - expected) <= NOISE_TOLERANCE:
        return right(
            NOISE_FLOOR,
            f"{expected:.4f}: 0.25 x {(expected - (1 - _cdf(a))) / NOISE**2:.4f} from the "
            f"draws between 0 and 2, plus {1 - _cdf(a):.4f} from those above 2.",
        )
    for wrong_value, hint in hints:
        if abs(value - wrong_value) <= NOISE_TOLERANCE:
            return wrong(NOISE_FLOOR, hint)
    return wrong(
        NOISE_FLOOR,
        f"{value:g} is not it: split the draws into three ranges (below 0, between 0 "
        "and 2, above 2) and add what each contributes to the expected squared error.",
    )


def _first_line(error: Exception) -> str:
    """Return an exception's type and the first line of its message."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def _denoiser_params(code_channels: int) -> int:
    """Return the parameters of the chapter's denoiser with a code of ``code_channels``."""
    convs = [
        (1, 32, 3),
        (32, 16, 3),
        (16, code_channels, 3),  # the encoder's last: the code
        (code_channels, 8, 3),  # the decoder's first: from the code
        (8, 16, 2),
        (16, 32, 2),
        (32, 1, 3),
    ]
    return sum(_conv_params(*conv) for conv in convs)


def _check_one(build: Any, channels: int) -> Feedback | None:
    """Return the feedback for ``build(channels)``, or None when that model is right."""
    try:
        model = build(channels)
    except Exception as error:  # the student's code: say what it raised, do not raise
        return wrong(
            CODE_SIZE, f"calling it with {channels} raised {_first_line(error)}"
        )
    if model is None or model is Ellipsis:
        return not_answered(CODE_SIZE, "the body of your function (it returns None)")
    if not isinstance(model, nn.Module) or not all(
        isinstance(getattr(model, part, None), nn.Module)
        for part in ("encoder", "decoder")
    ):
        return wrong(
            CODE_SIZE,
            f"it should return a model with .encoder and .decoder, as ConvAutoencoder "
            f"has; got a {type(model).__name__}.",
        )
    model = model.cpu()
    images = torch.rand(2, 1, 28, 28)
    with torch.no_grad():
        try:
            code = model.encoder(images)
        except Exception as error:
            return wrong(
                CODE_SIZE, f"the encoder fails on 1x28x28 images: {_first_line(error)}"
            )
        shape = "x".join(map(str, code.shape[1:]))
        if tuple(code.shape[1:]) != (channels, 3, 3):
            if code.dim() == 4 and code.shape[1] != channels:
                return wrong(
                    CODE_SIZE,
                    f"with code_channels={channels} the code is {shape}: the encoder's "
                    "last convolution sets the code's channels; give it code_channels.",
                )
            return wrong(
                CODE_SIZE,
                f"the code is {shape}, not {channels}x3x3: change the channels only, "
                "keep the sizes.",
            )
        try:
            output = model(images)
        except Exception as error:
            return wrong(
                CODE_SIZE,
                f"with a code of {channels} channels the decoder fails "
                f"({_first_line(error)}): its first layer must take code_channels "
                "input channels and still give the 8 that the next layer expects.",
            )
    if tuple(output.shape[1:]) != (1, 28, 28):
        return wrong(
            CODE_SIZE, f"the output is {tuple(output.shape[1:])}, not (1, 28, 28)."
        )
    if output.min() < 0 or output.max() > 1:
        return wrong(CODE_SIZE, "outputs outside [0, 1]: keep the sigmoid at the end.")
    count, expected = (
        sum(p.numel() for p in model.parameters()),
        _denoiser_params(channels),
    )
    if count != expected:
        return wrong(
            CODE_SIZE,
            f"with a code of {channels} channels your model has {count:,} parameters, "
            f"the chapter's network with that code {expected:,}: change only the "
            "encoder's last convolution and the decoder's first.",
        )
    return None


def check_code_size(answer: Any) -> Feedback:
    """Check a function code_channels -> the chapter's denoiser with that many code channels."""
    if unanswered(answer):
        return not_answered(CODE_SIZE, "your function")
    if not callable(answer) or isinstance(answer, nn.Module):
        return wrong(
            CODE_SIZE,
            f"pass the function itself (its name, no brackets), got a {type(answer).__name__}.",
        )
    for channels in (2, 16):
        feedback = _check_one(answer, channels)
        if feedback is not None:
            return feedback
    return right(
        CODE_SIZE,
        f"codes of 2x3x3 and 16x3x3 numbers, {_denoiser_params(2):,} and "
        f"{_denoiser_params(16):,} parameters; the rest is the chapter's network.",
    )
