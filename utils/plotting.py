"""The lecture's figures: scatter plots, MNIST 8s, image grids, training curves, animations.

Every function accepts NumPy arrays or torch tensors (on any device, with or
without grad), checks its input once and returns its figure (matplotlib figures
are already closed, so a notebook shows each one once by ending the cell with it).
Every figure has a name that says what it shows: a plotly figure's title, a matplotlib
figure's label (``fig.get_label()``), which an animation's ``to_jshtml()`` gives its
frame image as alt text. Importing this module changes no global setting of matplotlib
or plotly.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import plotly.graph_objects as go
import torch
from matplotlib.animation import FuncAnimation, HTMLWriter
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from utils._checks import (
    check_finite,
    check_instance,
    check_int,
    check_number,
    check_real_array,
    check_shape,
    message,
)

__all__ = [
    "plot_scatter3D",
    "plot_scatter2D",
    "plot_eights",
    "plot_eight_pair",
    "plot_image_grid",
    "plot_history",
    "animate_image_grids",
    "animate_denoising",
]

ArrayLike = Any  # np.ndarray | torch.Tensor | a (nested) list of numbers

# Every figure and animation frame is embedded in the book's pages, whose text column is about
# 688 pixels wide: image grids are 6.8 inches at 96 dpi (653 pixels) on their long side, and
# nearest-neighbour pixels keep small images sharp.
DPI = 96
GRID_INCHES = 6.8
JPEG_QUALITY = (
    75  # animation frames of photos: about a third of the PNG size, still sharp
)
PNG_COLORS = (
    64  # animation frames of drawings: a 64-colour palette makes PNGs about 3x lighter
)


# --------------------------------------------------------------------------- validation

# accepted shapes; None: any size in that dimension
Shapes = Sequence[tuple[int | None, ...]]


def _array(
    fn: str,
    arg: str,
    value: ArrayLike,
    shapes: Shapes,
    expected: str,
    min_items: int = 1,
) -> np.ndarray:
    """Return ``value`` (array, tensor on any device, or list of numbers) as a finite float array.

    Its shape must match one of ``shapes`` (described as ``expected`` in errors), with at least
    ``min_items`` items along the first dimension.
    """
    kind = f"a NumPy array or torch tensor of real numbers of shape {expected}"
    check_instance(fn, arg, value, (torch.Tensor, np.ndarray, list, tuple), kind)
    if isinstance(value, (list, tuple)):  # a list of scalar tensors, e.g. losses
        try:
            value = [
                v.detach().cpu().item() if isinstance(v, torch.Tensor) else v
                for v in value
            ]
        except RuntimeError:  # a tensor of more than one value
            raise TypeError(message(fn, arg, kind, value)) from None
    array = check_real_array(fn, arg, value, kind)
    fits = any(
        len(shape) == array.ndim
        and all(s is None or s == n for s, n in zip(shape, array.shape))
        for shape in shapes
    )
    if min_items > 1 or fits:  # the shape is right, the number of items is not
        at_least = (
            f"N >= {min_items}" if "N" in expected else f"at least {min_items} value(s)"
        )
        expected += f"{' and' if ' with ' in expected else ' with'} {at_least}"
    check_shape(fn, arg, array, expected, fits and array.shape[0] >= min_items)
    return check_finite(fn, arg, array)


def _value_range(fn: str, value_range: Any) -> tuple[float, float]:
    """Return ``value_range`` checked to be two finite numbers (low, high) with low < high."""
    pair = _array(fn, "value_range", value_range, [(2,)], "(low, high)")
    if not pair[0] < pair[1]:
        raise ValueError(
            message(
                fn, "value_range", "(low, high) with low < high", tuple(pair.tolist())
            )
        )
    return float(pair[0]), float(pair[1])


def _titles(fn: str, titles: Any, count: int, default: str) -> list[str]:
    """Return ``count`` frame titles: the given list of strings, or ``default`` numbered from 1."""
    if titles is None:
        return [default.format(i + 1) for i in range(count)]
    expected = f"None or a list of {count} str (one per frame)"
    check_instance(fn, "titles", titles, (list, tuple), expected)
    if not all(isinstance(t, str) for t in titles):
        raise TypeError(message(fn, "titles", expected, titles))
    if len(titles) != count:
        raise ValueError(message(fn, "titles", expected, titles))
    return list(titles)


def _frames(
    fn: str, arg: str, frames: Any, shapes: Shapes, expected: str
) -> list[np.ndarray]:
    """Return a non-empty list of image batches that all have the same shape."""
    kind = f"a non-empty list of arrays or tensors of shape {expected}"
    check_instance(fn, arg, frames, (list, tuple), kind)
    if not frames:
        raise ValueError(message(fn, arg, kind, frames))
    arrays = [
        _array(fn, f"{arg}[{i}]", frame, shapes, expected)
        for i, frame in enumerate(frames)
    ]
    for i, array in enumerate(arrays):
        check_shape(
            fn,
            f"{arg}[{i}]",
            array,
            f"{arrays[0].shape} like {arg}[0]",
            array.shape == arrays[0].shape,
        )
    return arrays


# --------------------------------------------------------------------------- scatter plots


def _labels(fn: str, X: np.ndarray, y: ArrayLike) -> np.ndarray:
    """Return the labels ``y`` as a 1-D array with one entry per row of ``X``."""
    labels = _array(fn, "y", y, [(None,)], "(N,)")
    if len(labels) != len(X):
        raise ValueError(
            message(
                fn,
                "y",
                f"one label per row of X ({len(X)})",
                f"{len(labels)} labels",
                raw=True,
            )
        )
    return labels


def _class_name(label: float) -> str:
    """Return a legend entry: ``class 1`` for 1.0, ``class 0.5`` for 0.5."""
    return f"class {int(label)}" if float(label).is_integer() else f"class {label:g}"


def plot_scatter3D(X: ArrayLike, y: ArrayLike, title: str | None = None) -> go.Figure:
    """Return an interactive 3-D scatter plot of the rows of ``X`` (N, 3), coloured by class ``y``."""
    X = _array("plot_scatter3D", "X", X, [(None, 3)], "(N, 3)")
    y = _labels("plot_scatter3D", X, y)
    fig = go.Figure(
        [
            go.Scatter3d(
                x=X[y == c, 0],
                y=X[y == c, 1],
                z=X[y == c, 2],
                mode="markers",
                marker={"size": 3, "opacity": 0.8},
                name=_class_name(c),
            )
            for c in np.unique(y)
        ]
    )
    # the camera a little further out and lower than plotly's default (1.25, 1.25, 1.25), so the
    # cube's nearest bottom corner and its tick labels stay inside the figure
    fig.update_layout(
        title=title or f"{len(X)} points in 3-D, coloured by class",
        height=540,
        margin={"l": 0, "r": 0, "b": 10, "t": 40},
        scene={
            "xaxis_title": "x1",
            "yaxis_title": "x2",
            "zaxis_title": "x3",
            "camera": {"eye": {"x": 1.55, "y": 1.55, "z": 1.0}},
        },
        legend_title_text="class",
    )
    return fig


def plot_scatter2D(X: ArrayLike, y: ArrayLike, title: str | None = None) -> go.Figure:
    """Return an interactive 2-D scatter plot of the rows of ``X`` (N, 2), coloured by class ``y``."""
    X = _array("plot_scatter2D", "X", X, [(None, 2)], "(N, 2)")
    y = _labels("plot_scatter2D", X, y)
    fig = go.Figure(
        [
            go.Scatter(
                x=X[y == c, 0],
                y=X[y == c, 1],
                mode="markers",
                marker={"size": 6, "opacity": 0.8},
                name=_class_name(c),
            )
            for c in np.unique(y)
        ]
    )
    fig.update_layout(
        title=title or f"{len(X)} points in 2-D, coloured by class",
        height=450,
        width=600,
        xaxis_title="z1",
        yaxis_title="z2",
        legend_title_text="class",
        margin={"t": 40},
    )
    return fig


# --------------------------------------------------------------------------- MNIST 8s

_DIGIT_BATCH_SHAPES = [(None, 1, 28, 28), (None, 28, 28)]
_ONE_DIGIT_SHAPES = [(28, 28), (1, 28, 28), (1, 1, 28, 28)]


def _show_digit(ax: Axes, image: np.ndarray, title: str | None = None) -> None:
    """Draw one 28x28 image in [0, 1] in grey, without ticks."""
    ax.imshow(image.reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
    ax.set_axis_off()
    if title:
        ax.set_title(title)


def plot_eights(
    X: ArrayLike, noise: float = 0.5, n: int = 5, seed: int | None = None
) -> Figure:
    """Return a figure of ``n`` clean 8s (top row) and the same 8s with Gaussian noise (bottom row).

    Args:
        X: images in [0, 1], shape (N, 1, 28, 28) or (N, 28, 28) with N >= n.
        noise: the standard deviation of the added noise; the noisy image is clipped to [0, 1].
        n: how many images to show.
        seed: seeds the noise, for a reproducible figure.
    """
    n = check_int("plot_eights", "n", n, minimum=1)
    X = _array(
        "plot_eights",
        "X",
        X,
        _DIGIT_BATCH_SHAPES,
        "(N, 1, 28, 28) or (N, 28, 28)",
        min_items=n,
    )
    noise = check_number("plot_eights", "noise", noise, minimum=0)
    if seed is not None:
        seed = check_int("plot_eights", "seed", seed, minimum=0)
    clean = X[:n].reshape(n, 28, 28)
    noisy = np.clip(
        clean + noise * np.random.default_rng(seed).standard_normal(clean.shape), 0, 1
    )
    fig, axes = plt.subplots(2, n, figsize=(1.6 * n, 3.6), squeeze=False)
    for i in range(n):
        _show_digit(axes[0, i], clean[i])
        _show_digit(axes[1, i], noisy[i])
    axes[0, 0].set_title("clean", loc="left")
    axes[1, 0].set_title(f"noisy (noise = {noise:g})", loc="left")
    fig.set_label(
        f"{n} MNIST 8s, clean (top row) and with Gaussian noise of standard "
        f"deviation {noise:g} (bottom row)"
    )
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_eight_pair(input_8: ArrayLike, output_8: ArrayLike) -> Figure:
    """Return a figure of one input image beside the model's output for it (each 28x28 in [0, 1])."""
    expected = "(28, 28), (1, 28, 28) or (1, 1, 28, 28)"
    images = [
        _array("plot_eight_pair", arg, value, _ONE_DIGIT_SHAPES, expected)
        for arg, value in (("input_8", input_8), ("output_8", output_8))
    ]
    fig, axes = plt.subplots(1, 2, figsize=(5, 2.8))
    for ax, image, title in zip(axes, images, ("input", "output")):
        _show_digit(ax, image, title)
    fig.set_label("An input image (left) beside the model's output for it (right)")
    fig.tight_layout()
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------- image grids

_IMAGE_BATCH_SHAPES = [(None, 1, None, None), (None, 3, None, None)]
_IMAGE_BATCH_DESCRIPTION = "(N, C, H, W) with C in {1, 3}"


def _grid(
    images: np.ndarray, nrow: int, value_range: tuple[float, float]
) -> np.ndarray:
    """Return a batch (N, C, H, W) tiled into one (H', W', 3) image in [0, 1]."""
    from torchvision.utils import (
        make_grid,  # here, not at the top: it costs ~2 s of import
    )

    # clamps, then scales to [0, 1]
    grid = make_grid(
        torch.from_numpy(images).float(),
        nrow=nrow,
        padding=2,
        pad_value=1.0,
        normalize=True,
        value_range=value_range,
    )
    return grid.permute(1, 2, 0).numpy()  # CHW => HWC for imshow


def _axes(
    fn: str, ax: Axes | None, figsize: tuple[float, float], dpi: int | None = None
) -> Axes:
    """Return ``ax``, or the axes of a new (closed, so shown only when returned) figure."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi, layout="constrained")
        plt.close(fig)
    elif not isinstance(ax, Axes):
        check_instance(fn, "ax", ax, Axes, "None or a matplotlib Axes")
    return ax


def _show_grid(
    fn: str, ax: Axes | None, grid: np.ndarray, title: str | None, dpi: int
) -> Axes:
    """Return the axes showing ``grid`` (H, W, 3), sized to the grid when ``ax`` is None."""
    height, width = grid.shape[:2]
    scale = GRID_INCHES / max(height, width)
    # the figure has the grid's shape plus a title line, so no band of white is left around it
    figsize = (
        max(width * scale, 1.0),
        max(height * scale, 0.5) + (0.35 if title else 0.1),
    )
    ax = _axes(fn, ax, figsize, dpi)
    # nearest: sharp pixels without upscaling blur, and flat areas that PNG compresses well
    ax.imshow(grid, vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_image_grid(
    images: ArrayLike,
    nrow: int = 8,
    value_range: tuple[float, float] = (-1.0, 1.0),
    title: str | None = None,
    ax: Axes | None = None,
    dpi: int = DPI,
) -> Figure:
    """Return a figure of a batch of images (N, C, H, W), C in {1, 3}, tiled ``nrow`` per row.

    Args:
        images: the batch; values outside ``value_range`` are clipped.
        nrow: images per row of the grid.
        value_range: the (low, high) values shown as black and white; (-1, 1) for a Tanh output.
        title: the title above the grid.
        ax: draw into this axes instead of a new figure.
        dpi: pixels per inch of a new figure (``GRID_INCHES`` on its long side); unused with ``ax``.
    """
    images = _array(
        "plot_image_grid",
        "images",
        images,
        _IMAGE_BATCH_SHAPES,
        _IMAGE_BATCH_DESCRIPTION,
    )
    nrow = check_int("plot_image_grid", "nrow", nrow, minimum=1)
    low_high = _value_range("plot_image_grid", value_range)
    dpi = check_int("plot_image_grid", "dpi", dpi, minimum=1)
    fig = _show_grid(
        "plot_image_grid", ax, _grid(images, nrow, low_high), title, dpi
    ).figure
    if ax is None:
        fig.set_label(title or f"A grid of {len(images)} images, {nrow} per row")
    return fig


# --------------------------------------------------------------------------- training curves


def plot_history(
    history: dict[str, Any],
    keys: Sequence[str] | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    xlabel: str = "epoch",
    ax: Axes | None = None,
) -> Figure:
    """Return a figure with one curve per entry of a training history.

    Args:
        history: e.g. ``{"Loss_G": [...], "Loss_D": [...]}``; each a list of numbers, one per epoch.
        keys: which entries to draw (default: every entry).
        title, ylabel, xlabel: the labels of the plot.
        ax: draw into this axes instead of a new figure.
    """
    fn = "plot_history"
    check_instance(fn, "history", history, dict, "a dict of name -> list of numbers")
    if not history:
        raise ValueError(
            message(fn, "history", "a dict of at least one curve", history)
        )
    if keys is None:
        keys = list(history)
    else:
        names = f"a non-empty list of names in history {sorted(map(str, history))}"
        check_instance(fn, "keys", keys, (list, tuple), f"None or {names}")
        try:
            unknown = [k for k in keys if k not in history]
        except TypeError:  # an unhashable name, e.g. a list
            raise TypeError(message(fn, "keys", names, keys)) from None
        if not keys or unknown:
            raise ValueError(message(fn, "keys", names, keys))
    curves = {
        k: _array(fn, f"history[{k!r}]", history[k], [(None,)], "(epochs,)")
        for k in keys
    }
    new_figure = ax is None
    ax = _axes(fn, ax, (6.4, 3.6))
    if new_figure:
        ax.figure.set_label(title or f"{', '.join(map(str, keys))} per {xlabel}")
    for key, values in curves.items():
        ax.plot(
            np.arange(1, len(values) + 1),
            values,
            marker="o" if len(values) < 30 else None,
            markersize=3,
            label=str(key),
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax.figure


# --------------------------------------------------------------------------- animations


class _NamedAnimation(FuncAnimation):
    """A FuncAnimation whose ``to_jshtml`` gives the frame image its figure's label as alt text."""

    def to_jshtml(self, *args: Any, **kwargs: Any) -> str:
        """Return FuncAnimation's HTML with ``alt`` (the figure's label) on the frame image."""
        html = super().to_jshtml(*args, **kwargs)
        name = self._fig.get_label()
        if name:
            html = html.replace(
                '<img id="_anim_img', f'<img alt="{escape(name)}" id="_anim_img', 1
            )
        return html


class _JpegFramesAnimation(_NamedAnimation):
    """A FuncAnimation whose ``to_jshtml`` embeds JPEG frames: photos as PNG weigh about 3x more."""

    def save(
        self,
        filename: Any,
        writer: Any = None,
        *args: Any,
        savefig_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Save as ``FuncAnimation.save`` does, with JPEG frames when ``writer`` is an HTMLWriter."""
        # the writer to_jshtml passes; others keep their format
        if isinstance(writer, HTMLWriter):
            writer.frame_format = "jpeg"
            savefig_kwargs = {
                "pil_kwargs": {"quality": JPEG_QUALITY},
                **(savefig_kwargs or {}),
            }
        return super().save(
            filename, writer, *args, savefig_kwargs=savefig_kwargs, **kwargs
        )


class _PaletteHTMLWriter(HTMLWriter):
    """An HTMLWriter that stores each PNG frame with a palette of ``PNG_COLORS`` colours."""

    def grab_frame(self, **savefig_kwargs: Any) -> None:
        """Grab the frame as HTMLWriter does, then re-encode it with a palette."""
        # matplotlib's internal list of embedded frames
        frames = getattr(self, "_saved_frames", None)
        # another matplotlib: keep its plain PNG frames
        if not isinstance(frames, list):
            super().grab_frame(**savefig_kwargs)
            return
        count = len(frames)
        super().grab_frame(**savefig_kwargs)
        if len(frames) > count:  # not past the embed limit
            frames[-1] = _palette_png(frames[-1])


def _palette_png(base64_png: str) -> str:
    """Return a base64 PNG re-encoded with at most ``PNG_COLORS`` colours (flat drawings lose nothing visible)."""
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(base64_png))).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(PNG_COLORS, dither=Image.Dither.NONE).save(
        buffer, format="png", optimize=True
    )
    return base64.encodebytes(buffer.getvalue()).decode("ascii")


class PaletteFramesAnimation(_NamedAnimation):
    """A FuncAnimation whose ``to_jshtml`` embeds palette PNG frames: drawings weigh about 3x less."""

    def save(
        self, filename: Any, writer: Any = None, *args: Any, **kwargs: Any
    ) -> None:
        """Save as ``FuncAnimation.save`` does, with palette PNG frames when ``writer`` is an HTMLWriter."""
        # the one to_jshtml passes
        if type(writer) is HTMLWriter and writer.frame_format == "png":
            writer = _PaletteHTMLWriter(
                fps=writer.fps,
                embed_frames=writer.embed_frames,
                default_mode=writer.default_mode,
            )
        return super().save(filename, writer, *args, **kwargs)


def animate_image_grids(
    frames: list[ArrayLike],
    titles: list[str] | None = None,
    nrow: int = 8,
    value_range: tuple[float, float] = (-1.0, 1.0),
    interval: int = 300,
    dpi: int = DPI,
) -> FuncAnimation:
    """Return an animation of image grids, one frame per batch (N, C, H, W), e.g. samples per epoch.

    Show it in a notebook with ``HTML(anim.to_jshtml())``; the figure is already closed.

    Args:
        frames: the batches, all of one shape, C in {1, 3}.
        titles: one title per frame (default: ``epoch 1``, ``epoch 2``, ...).
        nrow: images per row of each grid.
        value_range: the (low, high) values shown as black and white.
        interval: milliseconds between frames.
        dpi: pixels per inch (the figure is ``GRID_INCHES`` on its long side); each frame is a JPEG
            in the page, so a higher ``dpi`` makes the page heavier.
    """
    fn = "animate_image_grids"
    batches = _frames(
        fn, "frames", frames, _IMAGE_BATCH_SHAPES, _IMAGE_BATCH_DESCRIPTION
    )
    labels = _titles(fn, titles, len(batches), "epoch {}")
    nrow = check_int(fn, "nrow", nrow, minimum=1)
    low_high = _value_range(fn, value_range)
    interval = check_int(fn, "interval", interval, minimum=1)
    dpi = check_int(fn, "dpi", dpi, minimum=1)
    grids = [_grid(batch, nrow, low_high) for batch in batches]
    ax = _show_grid(fn, None, grids[0], labels[0], dpi)
    fig, image = ax.figure, ax.images[0]
    fig.set_label(
        f"Animation of {len(grids)} grids of {len(batches[0])} images, "
        f"from {labels[0]} to {labels[-1]}"
    )

    def draw(i: int) -> list:
        image.set_data(grids[i])
        ax.set_title(labels[i])
        return [image]

    return _JpegFramesAnimation(
        fig, draw, frames=len(grids), interval=interval, blit=False
    )


def animate_denoising(
    noisy: ArrayLike,
    outputs: list[ArrayLike],
    clean: ArrayLike,
    titles: list[str] | None = None,
    interval: int = 400,
    dpi: int = DPI,
) -> FuncAnimation:
    """Return an animation of the denoiser's progress: noisy inputs, outputs at each epoch, clean targets.

    Args:
        noisy: the noisy inputs, (N, 1, 28, 28) or (N, 28, 28) in [0, 1].
        outputs: one batch per epoch: the model's outputs on ``noisy`` after that epoch.
        clean: the clean targets of the same shape.
        titles: one title per frame (default: ``after epoch 1``, ...).
        interval: milliseconds between frames.
        dpi: pixels per inch (the figure is ``GRID_INCHES`` wide); each frame is a PNG in the page,
            so a higher ``dpi`` makes it heavier.
    """
    fn, expected = "animate_denoising", "(N, 1, 28, 28) or (N, 28, 28)"
    noisy = _array(fn, "noisy", noisy, _DIGIT_BATCH_SHAPES, expected)
    clean = _array(fn, "clean", clean, _DIGIT_BATCH_SHAPES, expected)
    epochs = _frames(fn, "outputs", outputs, _DIGIT_BATCH_SHAPES, expected)
    for arg, array in (("clean", clean), ("outputs[0]", epochs[0])):
        check_shape(
            fn, arg, array, f"{noisy.shape} like noisy", array.shape == noisy.shape
        )
    labels = _titles(fn, titles, len(epochs), "after epoch {}")
    interval = check_int(fn, "interval", interval, minimum=1)
    dpi = check_int(fn, "dpi", dpi, minimum=1)
    n = len(noisy)
    rows = [
        _grid(a.reshape(n, 1, 28, 28), n, (0.0, 1.0)) for a in (noisy, epochs[0], clean)
    ]
    # GRID_INCHES wide: 1.3 inches of row labels, then the rows of digits at their own aspect,
    # 0.12 inches apart, under a title line; the figure fits them with no white band
    label, gap, top, bottom = 1.3, 0.12, 0.45, 0.08
    row_height = (GRID_INCHES - label - 0.05) * rows[0].shape[0] / rows[0].shape[1]
    height = top + 3 * row_height + 2 * gap + bottom
    fig, axes = plt.subplots(3, 1, figsize=(GRID_INCHES, height), dpi=dpi)
    fig.subplots_adjust(
        left=label / GRID_INCHES,
        right=1 - 0.05 / GRID_INCHES,
        top=1 - top / height,
        bottom=bottom / height,
        hspace=gap / row_height,
    )
    plt.close(fig)
    for ax, row, name in zip(
        axes, rows, ("noisy input", "model output", "clean target")
    ):
        ax.imshow(row, vmin=0.0, vmax=1.0, interpolation="nearest")  # compresses well
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(name, rotation=0, ha="right", va="center")
    outputs_image = axes[1].images[0]
    grids = [_grid(a.reshape(n, 1, 28, 28), n, (0.0, 1.0)) for a in epochs]
    title = fig.suptitle(labels[0], y=1 - 0.06 / height, va="top")
    fig.set_label(
        f"Animation of {n} noisy inputs, the model's outputs for them ({labels[0]} "
        f"to {labels[-1]}) and the clean targets"
    )

    def draw(i: int) -> list:
        outputs_image.set_data(grids[i])
        title.set_text(labels[i])
        return [outputs_image, title]

    return PaletteFramesAnimation(
        fig, draw, frames=len(grids), interval=interval, blit=False
    )
