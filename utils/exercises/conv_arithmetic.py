"""Checks for the coding exercises of chapter 3, convolution arithmetic.

``check_upsample_48``: a stack of transposed convolutions from a 1x1 latent vector to a
48x48 RGB image, without uneven overlap. ``check_lossless_downsample``: a stride-3
convolution whose transposed convolution with the same weights gives back its input.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from utils.exercises import Feedback, not_answered, right, unanswered, wrong

__all__ = ["check_upsample_48", "check_lossless_downsample"]

UPSAMPLE = "ex03-upsample-48"
LATENT = 16  # channels of the latent vector the stack receives
SIDE = 48  # height and width of the image it must make
LOSSLESS = "ex03-lossless-stride"
IMAGE = (3, 9, 9)  # the image the lossless convolution must keep whole
STRIDE = 3


def _first_line(error: Exception) -> str:
    """Return an exception's type and the first line of its message."""
    text = str(error).strip().splitlines()
    first = text[0].rstrip(".") if text else ""
    return f"{type(error).__name__}: {first}."


def _not_a_module(name: str, answer: Any, wanted: str) -> Feedback | None:
    """Return a hint when ``answer`` is not the ``nn.Module`` the exercise asks for."""
    if isinstance(answer, (list, tuple)):
        return wrong(
            name,
            f"a {type(answer).__name__} of layers is not a module: wrap the layers in "
            "nn.Sequential(...), without the brackets.",
        )
    if isinstance(answer, type):
        return wrong(
            name,
            f"{answer.__name__} is a class, not a layer: call it with its arguments, "
            f"e.g. {answer.__name__}(...).",
        )
    return wrong(name, f"{wanted}, got a {type(answer).__name__}.")


def _run_with_sizes(
    stack: nn.Module, latent: torch.Tensor
) -> tuple[list[tuple[int, int]], Any]:
    """Return the (height, width) after each ConvTranspose2d of ``stack``, and its output."""
    sizes = [tuple(latent.shape[-2:])]

    def record(_module: nn.Module, _inputs: Any, output: torch.Tensor) -> None:
        sizes.append(tuple(output.shape[-2:]))

    hooks = [
        module.register_forward_hook(record)
        for module in stack.modules()
        if isinstance(module, nn.ConvTranspose2d)
    ]
    training = stack.training
    stack.eval()  # batch norm on a batch of two 1x1 maps: use its running statistics
    try:
        with torch.no_grad():
            output = stack(latent)
    finally:
        stack.train(training)
        for hook in hooks:
            hook.remove()
    return sizes, output


def _size_hint(side: int, sizes: list[tuple[int, int]], layers: list) -> str:
    """Return why a stack ends at ``side`` x ``side`` instead of 48x48."""
    chain = " => ".join(f"{h}x{w}" for h, w in sizes)
    traced = f" Your sizes, layer by layer: {chain}."
    for number, (layer, (before, _), (after, _)) in enumerate(
        zip(layers, sizes, sizes[1:]), start=1
    ):
        if layer.stride[0] == 2 and abs(after - 2 * before) == 1:
            return (
                f"your output is {side}x{side}: ConvTranspose2d number {number} turns "
                f"{before} into {after}, not {2 * before}. By (i - 1)s - 2p + k + "
                "output_padding, a stride-2 layer doubles exactly with kernel_size=4, "
                "padding=1 (or kernel_size=3, padding=1, output_padding=1)." + traced
            )
    ratio = SIDE / side
    if ratio > 1 and ratio.is_integer() and math.log2(ratio).is_integer():
        missing = int(math.log2(ratio))
        layers_missing = (
            "one stride-2 upsampling layer is"
            if missing == 1
            else f"{missing} stride-2 upsampling layers are"
        )
        return f"your output is {side}x{side}: {layers_missing} missing." + traced
    if ratio < 1 and (1 / ratio).is_integer() and math.log2(1 / ratio).is_integer():
        extra = int(math.log2(1 / ratio))
        too_many = "one stride-2 layer" if extra == 1 else f"{extra} stride-2 layers"
        return f"your output is {side}x{side}: {too_many} too many." + traced
    if side & (side - 1) == 0:  # a power of two: the DCGAN's 4x4 start, doubled
        return (
            f"your output is {side}x{side}: a 4x4 start that doubles only reaches powers "
            "of two (4, 8, 16, 32, 64), so no number of doublings gives 48 = 3 x 16. "
            "Let the first layer make 3x3 (kernel_size=3, stride=1 on the 1x1 input), "
            "then double four times." + traced
        )
    return (
        f"your output is {side}x{side}, not {SIDE}x{SIDE}: work each layer out with "
        "(i - 1)s - 2p + k + output_padding." + traced
    )


def check_upsample_48(upsampler: Any) -> Feedback:
    """Return whether ``upsampler`` maps (N, 16, 1, 1) to (N, 3, 48, 48) with even overlap."""
    if unanswered(upsampler):
        return not_answered(UPSAMPLE, "your nn.Sequential of nn.ConvTranspose2d layers")
    if not isinstance(upsampler, nn.Module):
        return _not_a_module(
            UPSAMPLE, upsampler, "upsampler must be an nn.Module (an nn.Sequential)"
        )
    modules = list(upsampler.modules())
    layers = [m for m in modules if isinstance(m, nn.ConvTranspose2d)]
    if any(isinstance(m, nn.Upsample) for m in modules):
        return wrong(
            UPSAMPLE,
            "nn.Upsample does the growing here: this exercise grows the image with "
            "nn.ConvTranspose2d layers only.",
        )
    if not layers:
        return wrong(
            UPSAMPLE,
            "there is no nn.ConvTranspose2d in it: grow the 1x1 input with transposed "
            "convolutions.",
        )
    if layers[0].in_channels != LATENT:
        return wrong(
            UPSAMPLE,
            f"the first ConvTranspose2d takes {layers[0].in_channels} channels, but the "
            f"latent vector has {LATENT}: give it in_channels={LATENT}.",
        )
    parameter = next(upsampler.parameters())
    rng = torch.Generator().manual_seed(0)
    latent = torch.randn(2, LATENT, 1, 1, generator=rng).to(parameter.device)
    try:
        sizes, output = _run_with_sizes(upsampler, latent)
    except Exception as error:  # any failure of the student's module is feedback
        return wrong(
            UPSAMPLE,
            f"the stack fails on a (2, {LATENT}, 1, 1) batch with {_first_line(error)} "
            "Check that each layer's in_channels is the out_channels of the layer "
            "before it.",
        )
    if not isinstance(output, torch.Tensor) or output.ndim != 4:
        return wrong(UPSAMPLE, "the stack must return one tensor (N, C, H, W).")
    _, channels, height, width = output.shape
    if height != width:
        return wrong(
            UPSAMPLE,
            f"your output is {height}x{width}, not square: use the same kernel size, "
            "stride and padding for height and width.",
        )
    if height != SIDE:
        return wrong(UPSAMPLE, _size_hint(height, sizes, layers))
    if channels != 3:
        return wrong(
            UPSAMPLE,
            f"the size is right, but your output has {channels} channel(s); an RGB "
            "image has 3: give the last ConvTranspose2d out_channels=3.",
        )
    for number, layer in enumerate(layers, start=1):
        (k, _), (s, _) = layer.kernel_size, layer.stride
        if k % s:
            return wrong(
                UPSAMPLE,
                f"the size is right, but ConvTranspose2d number {number} has "
                f"kernel_size={k}, stride={s}: {k} is not divisible by {s}, so some "
                "output cells get more blocks than their neighbours (a checkerboard). "
                "Use a kernel size divisible by the stride, e.g. 4 with stride 2.",
            )
    chain = " => ".join(f"{h}x{w}" for h, w in sizes)
    return right(
        UPSAMPLE,
        f"{chain}, 3 channels, and every kernel size is divisible by its stride.",
    )


def check_lossless_downsample(layer: Any) -> Feedback:
    """Return whether ``layer`` (a stride-3 Conv2d) is undone by its transposed convolution."""
    if unanswered(layer):
        return not_answered(LOSSLESS, "your nn.Conv2d")
    if not isinstance(layer, nn.Conv2d):
        return _not_a_module(LOSSLESS, layer, "layer must be one nn.Conv2d")
    channels, height, width = IMAGE
    if layer.in_channels != channels:
        return wrong(
            LOSSLESS,
            f"the layer takes {layer.in_channels} channel(s); the image is RGB: "
            f"in_channels={channels}.",
        )
    if layer.stride != (STRIDE, STRIDE):
        return wrong(
            LOSSLESS, f"the stride is {layer.stride}; the exercise asks for stride=3."
        )
    if layer.bias is not None and bool(layer.bias.detach().abs().max() > 0):
        return wrong(
            LOSSLESS,
            "the layer has a bias, which the transposed convolution does not take away "
            "again: use bias=False.",
        )
    if min(layer.kernel_size) < STRIDE:
        return wrong(
            LOSSLESS,
            f"kernel_size={layer.kernel_size} is smaller than the stride: the window "
            "jumps over pixels, which no later layer can bring back. Use kernel_size=3 "
            "(the stride), padding=0.",
        )
    rng = torch.Generator().manual_seed(0)
    image = torch.rand(2, *IMAGE, generator=rng).to(layer.weight.device)
    try:
        with torch.no_grad():
            code = layer(image)
    except Exception as error:  # any failure of the student's layer is feedback
        return wrong(
            LOSSLESS, f"the layer fails on a 3x9x9 image: {_first_line(error)}"
        )
    if code.shape[-2:] != (height // STRIDE, width // STRIDE):
        return wrong(
            LOSSLESS,
            f"the layer turns 9x9 into {code.shape[-2]}x{code.shape[-1]}; with stride 3 "
            "it should make 3x3 blocks into single cells: kernel_size=3, padding=0.",
        )
    needed = channels * STRIDE**2
    if layer.out_channels < needed:
        return wrong(
            LOSSLESS,
            f"with {layer.out_channels} output channels the layer keeps "
            f"{code[0].numel()} numbers of the image's {channels * height * width}: "
            f"the rest is lost for any weights. It needs at least s^2 x C_in = {needed} "
            "output channels.",
        )
    with torch.no_grad():
        back = F.conv_transpose2d(
            code,
            layer.weight,
            stride=layer.stride,
            padding=layer.padding,
            dilation=layer.dilation,
            groups=layer.groups,
        )
    if back.shape != image.shape or not torch.allclose(back, image, atol=1e-4):
        if back.shape == image.shape:
            got = f"misses the image by up to {(back - image).abs().max().item():.3g}"
        else:
            got = f"gives shape {tuple(back.shape)}, not {tuple(image.shape)}"
        return wrong(
            LOSSLESS,
            "enough channels, but the round trip through the transposed convolution "
            f"{got}: the weights must make C^T C = I. For example, give each output "
            "channel a kernel with a single 1 that picks one (channel, row, column) of "
            "a 3x3 block.",
        )
    return right(
        LOSSLESS,
        f"{channels}x{height}x{width} => {layer.out_channels}x{code.shape[-2]}x"
        f"{code.shape[-1]} and back, exactly: C^T undoes C here.",
    )
