"""The lecture's block diagrams, drawn with matplotlib: boxes joined by labelled arrows.

Every diagram is a figure on a white card of its own (readable in the site's light and
dark themes alike) and is returned, so a notebook can show or save it. The drawing
primitives below are shared; each public ``draw_*`` function is one of the lecture's
diagrams.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon
from torch import nn

from utils._checks import check_int, message

__all__: list[str] = ["draw_autoencoder", "draw_conv_autoencoder"]

INK = "#1a1a1a"  # text and arrows: dark on the white card
# fills of the box kinds, light enough for dark text (contrast >= 7:1 with INK)
FILLS = {
    "data": "#e8eef7",
    "network": "#fde9c9",
    "code": "#e3f1e0",
    "loss": "#f6dede",
    "plain": "#ffffff",
}


def _canvas(width: float, height: float, scale: float = 1.0) -> tuple[Figure, Axes]:
    """Return a white card ``width`` x ``height`` layout units, printed ``scale`` inches each.

    Text keeps its point size, so a ``scale`` below 1 prints it larger beside the boxes.
    """
    fig, ax = plt.subplots(figsize=(width * scale, height * scale), facecolor="white")
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.subplots_adjust(0, 0, 1, 1)
    return fig, ax


def _box(
    ax: Axes,
    center: tuple[float, float],
    text: str,
    kind: str = "network",
    size: tuple[float, float] = (1.6, 0.7),
    fontsize: float = 10,
) -> tuple[float, float, float, float]:
    """Draw a rounded box with ``text`` at ``center``; return its (left, bottom, right, top)."""
    (x, y), (w, h) = center, size
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=FILLS[kind],
            edgecolor=INK,
            linewidth=1.2,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=INK)
    return x - w / 2, y - h / 2, x + w / 2, y + h / 2


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    label: str = "",
    dashed: bool = False,
    bend: float = 0.0,
) -> None:
    """Draw an arrow from ``start`` to ``end``, with ``label`` beside its middle."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=14,
            color=INK,
            linewidth=1.3,
            linestyle="--" if dashed else "-",
            connectionstyle=f"arc3,rad={bend}",
        )
    )
    if label:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        ax.text(mx, my + 0.12, label, ha="center", va="bottom", fontsize=8.5, color=INK)


# -- autoencoders (chapter 2) -------------------------------------------------------------

# the tensors of a network diagram: height from the side, width from the channels (inches)
_TENSOR_HEIGHT = (0.22, 1.2)  # + the share of the largest side
_TENSOR_WIDTH = (0.16, 0.45)  # + sqrt(the share of the most channels)


def _trapezoid(
    ax: Axes,
    x: tuple[float, float],
    y: float,
    heights: tuple[float, float],
    text: str,
    kind: str = "network",
    fontsize: float = 12,
) -> None:
    """Draw a trapezoid from x[0] to x[1], ``heights`` tall at its two ends, ``text`` inside."""
    (left, right), (h_left, h_right) = x, heights
    corners = [
        (left, y - h_left / 2),
        (right, y - h_right / 2),
        (right, y + h_right / 2),
        (left, y + h_left / 2),
    ]
    ax.add_patch(Polygon(corners, facecolor=FILLS[kind], edgecolor=INK, linewidth=1.2))
    ax.text(
        (left + right) / 2,
        y,
        text,
        ha="center",
        va="center",
        fontsize=fontsize,
        color=INK,
    )


def _check_sizes(input_size: Any, code_size: Any) -> None:
    """Raise unless both sizes are None, or ints with 1 <= code_size < input_size."""
    if input_size is None and code_size is None:
        return
    if input_size is None or code_size is None:
        given, missing = (
            ("input_size", "code_size")
            if code_size is None
            else ("code_size", "input_size")
        )
        raise ValueError(
            message("draw_autoencoder", missing, f"an int when {given} is given", None)
        )
    input_size = check_int("draw_autoencoder", "input_size", input_size, minimum=2)
    check_int(
        "draw_autoencoder", "code_size", code_size, minimum=1, maximum=input_size - 1
    )


def draw_autoencoder(
    input_size: int | None = None, code_size: int | None = None
) -> Figure:
    """Return the autoencoder as a diagram: input, encoder, code, decoder, reconstruction.

    With ``input_size`` and ``code_size`` the input, code and reconstruction boxes say
    how many numbers each holds (the code must be the smaller: it is the bottleneck).
    """
    _check_sizes(input_size, code_size)
    counts = {"x": "", "z": ""}
    if input_size is not None:
        counts = {"x": f"\n{input_size:,} numbers", "z": f"\n{code_size:,} numbers"}
    fig, ax = _canvas(8.6, 3.5)
    y, tall, short = 2.3, 1.9, 0.85
    _box(ax, (0.8, y), "input\n$x$" + counts["x"], "data", (1.3, tall), fontsize=12)
    _trapezoid(ax, (1.75, 3.35), y, (tall, short), "encoder\n$f$")
    _box(ax, (4.3, y), "code\n$z = f(x)$" + counts["z"], "code", (1.3, short + 0.3), 12)
    _trapezoid(ax, (5.25, 6.85), y, (short, tall), "decoder\n$g$")
    _box(
        ax,
        (7.8, y),
        "reconstruction\n$\\hat{x} = g(z)$" + counts["x"],
        "data",
        (1.45, tall),
        fontsize=11,
    )
    for start, end in ((1.45, 1.75), (3.35, 3.65), (4.95, 5.25), (6.85, 7.1)):
        _arrow(ax, (start, y), (end, y))
    ax.text(
        4.3, y + 0.8, "bottleneck", ha="center", fontsize=11, color=INK, style="italic"
    )
    _box(
        ax,
        (4.3, 0.45),
        "reconstruction error: MSE($x$, $\\hat{x}$)",
        "loss",
        (3.8, 0.62),
        fontsize=12,
    )
    _arrow(ax, (0.8, y - tall / 2), (2.4, 0.45), dashed=True, bend=0.2)
    _arrow(ax, (7.8, y - tall / 2), (6.2, 0.45), dashed=True, bend=-0.2)
    fig.set_label(
        "Autoencoder: the input x goes through the encoder f into a small code z "
        "(the bottleneck); the decoder g rebuilds x-hat from z; the loss compares x-hat "
        "with x"
    )
    plt.close(fig)
    return fig


def _describe(layer: nn.Module) -> str:
    """Return a short name for one layer: 'conv 3x3', 'conv-T 2x2, stride 2', 'ReLU'."""
    if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
        k, s = layer.kernel_size, layer.stride
        name = "conv-T" if isinstance(layer, nn.ConvTranspose2d) else "conv"
        stride = f", stride {s[0]}" if s[0] != 1 else ""
        padding = layer.padding
        pad = f", pad {padding[0]}" if isinstance(padding, tuple) and padding[0] else ""
        return f"{name} {k[0]}\u00d7{k[1]}{stride}{pad}"
    if isinstance(layer, nn.MaxPool2d):
        return f"max-pool {layer.kernel_size}"
    names = {nn.Sigmoid: "sigmoid", nn.BatchNorm2d: "batch norm", nn.Linear: "linear"}
    return names.get(type(layer), type(layer).__name__)


def _steps(part: nn.Sequential) -> list[list[nn.Module]]:
    """Return the layers of ``part`` in steps: a layer with weights starts a new step."""
    steps: list[list[nn.Module]] = []
    for child in part:
        layers = list(child) if isinstance(child, nn.Sequential) else [child]
        has_weights = any(p.numel() for p in child.parameters())
        if has_weights or not steps:
            steps.append(layers)
        else:  # an activation on its own joins the step before it
            steps[-1].extend(layers)
    return steps


def _trace(
    model: nn.Module, input_shape: tuple[int, int, int]
) -> list[tuple[str, str, tuple[int, ...]]]:
    """Return (part, label, output shape) for every step of the encoder and the decoder."""
    device = next(model.parameters()).device
    x = torch.zeros((1, *input_shape), device=device)
    trace = []
    with torch.no_grad():
        for part_name in ("encoder", "decoder"):
            for layers in _steps(getattr(model, part_name)):
                for layer in layers:
                    x = layer(x)
                names = [_describe(layer) for layer in layers]
                label = names[0] + ("\n" + ", ".join(names[1:]) if names[1:] else "")
                trace.append((part_name, label, tuple(x.shape[1:])))
    return trace


def _check_model(model: Any, input_shape: Any) -> tuple[int, int, int]:
    """Raise unless ``model`` has Sequential ``encoder`` and ``decoder``; return the shape."""
    caller = "draw_conv_autoencoder"
    parts = [getattr(model, name, None) for name in ("encoder", "decoder")]
    if not isinstance(model, nn.Module) or not all(
        isinstance(part, nn.Sequential) and len(part) for part in parts
    ):
        raise TypeError(
            message(
                caller,
                "model",
                "an nn.Module with nn.Sequential encoder and decoder",
                model,
            )
        )
    ok = (
        isinstance(input_shape, tuple)
        and len(input_shape) == 3
        and all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 1
            for n in input_shape
        )
    )
    if not ok:
        raise ValueError(
            message(
                caller,
                "input_shape",
                "(channels, height, width) of ints >= 1",
                input_shape,
            )
        )
    return input_shape


def _tensor_size(
    shape: tuple[int, ...], largest: tuple[int, int]
) -> tuple[float, float]:
    """Return (width, height) in inches of the box that stands for a tensor of ``shape``."""
    channels, side = shape[0], shape[-1]
    width = _TENSOR_WIDTH[0] + _TENSOR_WIDTH[1] * (channels / largest[0]) ** 0.5
    height = _TENSOR_HEIGHT[0] + _TENSOR_HEIGHT[1] * side / largest[1]
    return width, height


def draw_conv_autoencoder(
    model: nn.Module, input_shape: tuple[int, int, int] = (1, 28, 28)
) -> Figure:
    """Return a diagram of a convolutional autoencoder's layers and the shape after each.

    ``model`` needs ``encoder`` and ``decoder`` (``nn.Sequential``); a zero image of
    ``input_shape`` is passed through them (no training, no randomness), so the shapes
    drawn are the model's own. The encoder runs left to right along the top, the decoder
    back along the bottom; each box's height stands for the side, its width for the
    channels.
    """
    input_shape = _check_model(model, input_shape)
    trace = _trace(model, input_shape)
    shapes = [input_shape] + [shape for _, _, shape in trace]
    largest = (max(s[0] for s in shapes), max(s[-1] for s in shapes))
    n_encoder = sum(part == "encoder" for part, _, _ in trace)
    n_decoder = len(trace) - n_encoder
    gap, top, bottom = 2.35, 3.75, 1.35
    xs_top = [0.9 + gap * i for i in range(n_encoder + 1)]
    xs_bottom = (
        list(np.linspace(xs_top[-1], xs_top[0], n_decoder))
        if n_decoder > 1
        else [xs_top[-1]]
    )
    places = [(x, top) for x in xs_top] + [(float(x), bottom) for x in xs_bottom]
    fig, ax = _canvas(xs_top[-1] + 1.9, 5.0)
    sizes = [_tensor_size(shape, largest) for shape in shapes]
    for i, (shape, (x, y), (w, h)) in enumerate(zip(shapes, places, sizes)):
        role = {0: "input", n_encoder: "code", len(shapes) - 1: "output"}.get(i, "")
        kind = "code" if i == n_encoder else "data"
        _box(ax, (x, y), "", kind, (w, h))
        numbers = f" = {np.prod(shape):,} numbers" if i == n_encoder else ""
        text = (
            "\u00d7".join(str(n) for n in shape)
            + numbers
            + (f"\n{role}" if role else "")
        )
        ax.text(
            x, y - h / 2 - 0.08, text, ha="center", va="top", fontsize=11, color=INK
        )
    for i, (_, label, _) in enumerate(trace):
        (x0, y0), (x1, y1) = places[i], places[i + 1]
        (w0, h0), (w1, h1) = sizes[i], sizes[i + 1]
        if y0 == y1:  # along a row: from edge to edge, the label above
            step = 1 if x1 > x0 else -1
            _arrow(
                ax, (x0 + step * (w0 / 2 + 0.06), y0), (x1 - step * (w1 / 2 + 0.06), y1)
            )
            ax.text(
                (x0 + x1) / 2,
                y0 + 0.1,
                label,
                ha="center",
                va="bottom",
                fontsize=10.5,
                color=INK,
            )
        else:  # from the code down to the decoder's row, the label beside
            _arrow(ax, (x0, y0 - h0 / 2 - 0.55), (x1, y1 + h1 / 2 + 0.06))
            ax.text(
                x0 + 0.12,
                (y0 + y1) / 2 - 0.25,
                label,
                ha="left",
                va="center",
                fontsize=10.5,
                color=INK,
            )
    ax.text(
        xs_top[0] - 0.6,
        4.75,
        "encoder \u2192",
        ha="left",
        fontsize=12,
        color=INK,
        weight="bold",
    )
    ax.text(
        xs_top[-1] + 0.6,
        0.1,
        "\u2190 decoder",
        ha="right",
        fontsize=12,
        color=INK,
        weight="bold",
    )
    fig.set_label(
        "Convolutional autoencoder: shapes "
        + " -> ".join("x".join(map(str, s)) for s in shapes)
    )
    plt.close(fig)
    return fig


# -- generative adversarial networks (chapter 4) ------------------------------------------

__all__ += ["draw_gan_structure", "draw_gan_training_step"]


def _gan_structure(ax: Axes) -> None:
    """Draw noise -> G -> fake, real and fake -> D -> 'real or fake?' into ``ax``."""
    _box(ax, (0.9, 0.8), "noise $z$", kind="data", size=(1.3, 0.6))
    _box(ax, (2.9, 0.8), "generator $G$", size=(1.7, 0.7))
    _box(ax, (4.9, 0.8), "fake image\n$G(z)$", kind="data", size=(1.4, 0.7))
    _box(
        ax, (4.9, 2.2), "real image $x$\n(training data)", kind="data", size=(1.8, 0.7)
    )
    _box(ax, (7.1, 1.5), "discriminator $D$", size=(1.9, 0.7))
    _box(
        ax,
        (9.3, 1.5),
        "$D(\\cdot)$: probability\nthe image is real",
        kind="code",
        size=(1.9, 0.8),
        fontsize=9,
    )
    _arrow(ax, (1.55, 0.8), (2.05, 0.8))
    _arrow(ax, (3.75, 0.8), (4.2, 0.8))
    _arrow(ax, (5.6, 0.95), (6.15, 1.35))
    _arrow(ax, (5.8, 2.05), (6.15, 1.65))
    _arrow(ax, (8.05, 1.5), (8.35, 1.5))


def draw_gan_structure() -> Figure:
    """Return the GAN's structure: noise -> generator -> fake; real and fake -> discriminator."""
    fig, ax = _canvas(10.4, 3.0, scale=0.75)
    _gan_structure(ax)
    fig.set_label(
        "GAN structure: noise z -> generator G -> fake image G(z); the real image x and "
        "the fake both go into the discriminator D, which outputs the probability that "
        "its input is real"
    )
    plt.close(fig)
    return fig


def _phase(ax: Axes, y: float, title: str, discriminator_phase: bool) -> None:
    """Draw one phase of a GAN step in the band around height ``y``."""
    ax.text(0.15, y + 0.95, title, fontsize=10.5, fontweight="bold", color=INK)
    _box(ax, (0.9, y), "noise $z$", kind="data", size=(1.2, 0.6))
    _box(ax, (2.7, y), "$G$", size=(1.0, 0.6))
    fake = "fake.detach()" if discriminator_phase else "fake\n(not detached)"
    _box(ax, (4.6, y), fake, kind="data", size=(1.7, 0.6), fontsize=9)
    _box(
        ax,
        (6.8, y),
        "$D$" + (" (updated)" if not discriminator_phase else ""),
        size=(1.6, 0.6),
    )
    _arrow(ax, (1.5, y), (2.2, y))
    _arrow(ax, (3.2, y), (3.75, y))
    _arrow(ax, (5.45, y), (6.0, y))
    if discriminator_phase:
        _box(
            ax,
            (4.6, y + 0.68),
            "real batch $x$",
            kind="data",
            size=(1.7, 0.45),
            fontsize=9,
        )
        _arrow(ax, (5.45, y + 0.68), (6.0, y + 0.2))
        loss = "BCE: $x$ vs label 1,\nfake vs label 0"
    else:
        loss = "BCE: fake\nvs label 1"
    _box(ax, (9.0, y), loss, kind="loss", size=(2.0, 0.7), fontsize=9)
    _arrow(ax, (7.6, y), (8.0, y))
    if discriminator_phase:  # the gradient stops at the detached fake
        _arrow(ax, (8.2, y - 0.4), (6.8, y - 0.35), dashed=True, bend=-0.2)
        ax.text(
            7.5,
            y - 0.75,
            "backward: into $D$ only; optimizerD.step()",
            ha="center",
            fontsize=8.5,
            color=INK,
        )
    else:  # through D into G
        _arrow(ax, (8.2, y - 0.4), (2.7, y - 0.35), dashed=True, bend=-0.12)
        ax.text(
            5.4,
            y - 0.95,
            "backward: through $D$ into $G$; optimizerG.step()",
            ha="center",
            fontsize=8.5,
            color=INK,
        )


def draw_gan_training_step() -> Figure:
    """Return one GAN training step: D's phase on a detached fake, then G's phase through D."""
    fig, ax = _canvas(10.4, 5.0, scale=0.75)
    _phase(ax, 3.6, "Phase 1: train the discriminator", discriminator_phase=True)
    _phase(
        ax, 1.3, "Phase 2: train the generator (same fakes)", discriminator_phase=False
    )
    fig.set_label(
        "One GAN training step: phase 1 scores a real batch (label 1) and the detached "
        "fake (label 0) with D and updates only D; phase 2 scores the same fake with the "
        "updated D against label 1, and the gradient flows back through D into G, which "
        "alone is updated"
    )
    plt.close(fig)
    return fig
