"""Drawings and output sizes of convolutions and transposed convolutions.

Every drawing is derived from the kernel size, the stride and the padding
alone, so a reader can rerun it with other values. The numbers written in the
cells are small integers (or the caller's values) and always equal what
PyTorch computes for the same layer.

The text artists that hold numbers carry a ``gid`` (``"output R C"``,
``"result R C"``, ...) so that tests can read back what was drawn.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from utils._checks import (
    check_finite,
    check_instance,
    check_int,
    check_real_array,
    check_shape,
    message,
)
from utils.plotting import PaletteFramesAnimation

__all__ = [
    "conv2d_output_size",
    "conv_transpose2d_output_size",
    "animate_convolution",
    "animate_transposed_convolution",
    "plot_transposed_convolution",
    "plot_transposed_as_convolution",
]

# Looks of the drawings (module constants, not rcParams: importing changes nothing).
_CELL_INCHES = 0.32
_DPI = 112  # cell numbers about 14 px high, the window's weights about 10 px: readable on a phone
_INTERVAL_MS = 800
_MAX_FRAMES = 64
_MAX_PARTIALS = 16
_MAX_SPREAD = 20  # cells a side of the zero-inserted input: numbers stay readable
_INPUT_COLOR = "#dbe9f6"
_PADDING_COLOR = "#d9d9d9"
_KERNEL_COLOR = "#fdd0a2"
_ACTIVE_COLOR = "#fd8d3c"
_WINDOW_COLOR = "#2171b5"
_DONE_COLOR = "#c7e9c0"
_EMPTY_COLOR = "white"
_CROPPED_COLOR = "#e0e0e0"


# --------------------------------------------------------------------------- sizes
def _conv_size(
    func: str,
    size: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    size_name: str = "size",
) -> int:
    """Return the checked output size of a convolution (the shared body of the public function)."""
    size = check_int(func, size_name, size, minimum=1)
    kernel_size = check_int(func, "kernel_size", kernel_size, minimum=1)
    stride = check_int(func, "stride", stride, minimum=1)
    padding = check_int(func, "padding", padding, minimum=0)
    dilation = check_int(func, "dilation", dilation, minimum=1)
    dilated_kernel = dilation * (kernel_size - 1) + 1
    if size + 2 * padding < dilated_kernel:  # the output would have fewer than one cell
        raise ValueError(
            message(
                func,
                size_name,
                f">= {dilated_kernel - 2 * padding} for an output size >= 1: the "
                f"padded input must hold the kernel, {dilated_kernel} cells wide with "
                f"kernel_size={kernel_size}, dilation={dilation} (padding={padding})",
                size,
            )
        )
    return (size + 2 * padding - dilated_kernel) // stride + 1


def _conv_transpose_size(
    func: str,
    size: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    output_padding: Any,
    dilation: Any,
    size_name: str = "size",
) -> int:
    """Return the checked output size of a transposed convolution (the shared body)."""
    size = check_int(func, size_name, size, minimum=1)
    kernel_size = check_int(func, "kernel_size", kernel_size, minimum=1)
    stride = check_int(func, "stride", stride, minimum=1)
    padding = check_int(func, "padding", padding, minimum=0)
    output_padding = check_int(func, "output_padding", output_padding, minimum=0)
    dilation = check_int(func, "dilation", dilation, minimum=1)
    if output_padding >= max(stride, dilation):
        # PyTorch's own rule: output_padding only picks among the sizes a stride makes ambiguous.
        raise ValueError(
            message(
                func,
                "output_padding",
                f"smaller than stride or dilation (< {max(stride, dilation)} "
                f"with stride={stride}, dilation={dilation})",
                output_padding,
            )
        )
    uncropped = (size - 1) * stride + dilation * (kernel_size - 1) + output_padding + 1
    # padding crops 2 * padding cells from the uncropped output
    if uncropped - 2 * padding < 1:
        raise ValueError(
            message(
                func,
                "padding",
                f"<= {(uncropped - 1) // 2} for an output size >= 1: it crops "
                f"2 * padding cells from an uncropped output of {uncropped} ({size_name}={size}, "
                f"kernel_size={kernel_size}, stride={stride})",
                padding,
            )
        )
    return uncropped - 2 * padding


def conv2d_output_size(
    size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Return the height (or width) of ``nn.Conv2d``'s output for an input of ``size``.

    PyTorch's formula: ``floor((size + 2*padding - dilation*(kernel_size - 1) - 1) / stride) + 1``.
    """
    return _conv_size(
        "conv2d_output_size", size, kernel_size, stride, padding, dilation
    )


def conv_transpose2d_output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """Return the height (or width) of ``nn.ConvTranspose2d``'s output for an input of ``size``.

    PyTorch's formula: ``(size - 1)*stride - 2*padding + dilation*(kernel_size - 1)
    + output_padding + 1``.
    """
    return _conv_transpose_size(
        "conv_transpose2d_output_size",
        size,
        kernel_size,
        stride,
        padding,
        output_padding,
        dilation,
    )


# --------------------------------------------------------------------------- drawing helpers
def _fmt(value: float) -> str:
    """Return ``value`` written short: integers without a point, others with 3 significant digits."""
    value = float(value) + 0.0  # turns -0.0 into 0.0
    if value == round(value) and abs(value) < 1e6:
        return str(int(round(value)))
    return f"{value:.3g}"


def _canvas(width_cells: float, height_cells: float) -> tuple[Figure, Axes]:
    """Return a figure with one frameless axes measured in cells (row 0 at the top)."""
    margin = 0.8  # room for titles wider than the leftmost grid
    fig = plt.figure(
        figsize=((width_cells + margin) * _CELL_INCHES, height_cells * _CELL_INCHES),
        dpi=_DPI,
    )
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-margin, width_cells)
    ax.set_ylim(height_cells - 0.1, -0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _grid(
    ax: Axes,
    left: float,
    top: float,
    values: np.ndarray | None,
    shape: tuple[int, int],
    title: str,
    gid: str,
    color: str = _EMPTY_COLOR,
    fontsize: float = 9,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw a grid of cells at (left, top) with ``values`` written in them; return its patches and texts."""
    rows, cols = shape
    patches = np.empty(shape, dtype=object)
    texts = np.empty(shape, dtype=object)
    for r in range(rows):
        for c in range(cols):
            patches[r, c] = ax.add_patch(
                Rectangle(
                    (left + c, top + r),
                    1,
                    1,
                    facecolor=color,
                    edgecolor="0.35",
                    linewidth=0.8,
                )
            )
            label = "" if values is None else _fmt(values[r, c])
            texts[r, c] = ax.text(
                left + c + 0.5,
                top + r + 0.5,
                label,
                ha="center",
                va="center",
                fontsize=fontsize,
                gid=f"{gid} {r} {c}",
            )
    ax.text(left + cols / 2, top - 0.35, title, ha="center", va="bottom", fontsize=8)
    return patches, texts


def _example_values(size: int, high: int, seed: int) -> torch.Tensor:
    """Return a size x size input of small integers in [0, high) from a private random stream."""
    rng = torch.Generator().manual_seed(seed)
    return torch.randint(0, high, (size, size), generator=rng).float()


def _example_kernel(size: int) -> torch.Tensor:
    """Return a size x size kernel of 0, 1 and 2 in which every row and column holds each value."""
    rows, cols = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    return ((2 * rows + cols) % 3).float()


def _as_matrix(func: str, name: str, values: Any) -> torch.Tensor:
    """Return ``values`` (NumPy array or tensor, any device) as a finite 2-D float64 CPU tensor."""
    expected = "a 2-D NumPy array or torch tensor of numbers"
    check_instance(
        func, name, values, (torch.Tensor, np.ndarray, list, tuple), expected
    )
    tensor = torch.as_tensor(check_real_array(func, name, values, expected))
    check_shape(
        func,
        name,
        tensor,
        "(H, W) with H, W >= 1",
        tensor.ndim == 2 and tensor.numel() > 0,
    )
    return check_finite(func, name, tensor)  # float64, as check_real_array returns


def _check_frames(func: str, input_size: int, frames: int, unit: str) -> None:
    """Raise when an animation would need more than ``_MAX_FRAMES`` frames."""
    if frames > _MAX_FRAMES:
        raise ValueError(
            message(
                func,
                "input_size",
                f"small enough for at most {_MAX_FRAMES} frames (one per {unit}, "
                f"{frames} here)",
                input_size,
            )
        )


# --------------------------------------------------------------------------- convolution
def animate_convolution(
    input_size: int = 5, kernel_size: int = 3, stride: int = 1, padding: int = 0
) -> FuncAnimation:
    """Return an animation of a kernel sliding over a (padded) input, one frame per output cell.

    The padded border is shaded grey and holds zeros; the window shows the kernel's
    weights in its corners; the output cell it produces is highlighted and filled in.
    The numbers equal ``torch.nn.functional.conv2d`` on the same values.

    Args:
        input_size: height and width of the square input.
        kernel_size: height and width of the square kernel.
        stride: step of the window, in cells.
        padding: zeros added on every side of the input.

    Returns:
        A ``FuncAnimation`` whose figure is already closed; show it with
        ``HTML(anim.to_jshtml())``.
    """
    func = "animate_convolution"
    out = _conv_size(func, input_size, kernel_size, stride, padding, 1, "input_size")
    _check_frames(func, input_size, out * out, "output cell")
    x = _example_values(input_size, 4, seed=3)
    kernel = _example_kernel(kernel_size)
    x_padded = F.pad(x, (padding,) * 4)
    y = F.conv2d(x[None, None], kernel[None, None], stride=stride, padding=padding)[
        0, 0
    ]

    side = input_size + 2 * padding
    height = max(side, kernel_size, out) + 2.2
    k_left = side + 1.2
    o_left = k_left + kernel_size + 1.2
    fig, ax = _canvas(o_left + out + 0.3, height)
    in_patches, in_texts = _grid(
        ax,
        0,
        1,
        x_padded.numpy(),
        (side, side),
        f"input {input_size}x{input_size}, padding {padding}",
        "input",
    )
    for (r, c), patch in np.ndenumerate(in_patches):
        inside = (
            padding <= r < padding + input_size and padding <= c < padding + input_size
        )
        patch.set_facecolor(_INPUT_COLOR if inside else _PADDING_COLOR)
        in_texts[r, c].set_color("black" if inside else "0.45")
    _grid(
        ax,
        k_left,
        1,
        kernel.numpy(),
        (kernel_size, kernel_size),
        f"kernel, stride {stride}",
        "kernel",
        color=_KERNEL_COLOR,
    )
    # centred beside the input (out <= side)
    out_top = 1 + (max(side, kernel_size) - out) / 2
    out_patches, out_texts = _grid(
        ax, o_left, out_top, None, (out, out), f"output {out}x{out}", "output"
    )
    window = ax.add_patch(
        Rectangle(
            (0, 1),
            kernel_size,
            kernel_size,
            facecolor=_WINDOW_COLOR,
            alpha=0.25,
            edgecolor=_WINDOW_COLOR,
            linewidth=2.5,
        )
    )
    weights = [
        ax.text(
            0,
            0,
            f"×{_fmt(kernel[i, j])}",
            fontsize=7,
            color=_WINDOW_COLOR,
            ha="right",
            va="bottom",
        )
        for i in range(kernel_size)
        for j in range(kernel_size)
    ]
    caption = ax.text(0, height - 0.2, "", fontsize=8, va="bottom")

    def draw(frame: int) -> list:
        r, c = divmod(frame, out)
        window.set_xy((c * stride, 1 + r * stride))
        for n, text in enumerate(weights):
            i, j = divmod(n, kernel_size)
            text.set_position((c * stride + j + 0.97, 1 + r * stride + i + 0.98))
        for (i, j), patch in np.ndenumerate(out_patches):
            done = i * out + j <= frame
            patch.set_facecolor(
                _ACTIVE_COLOR
                if (i, j) == (r, c)
                else _DONE_COLOR
                if done
                else _EMPTY_COLOR
            )
            out_texts[i, j].set_text(_fmt(y[i, j]) if done else "")
        caption.set_text(f"output[{r}, {c}] = sum(window × kernel) = {_fmt(y[r, c])}")
        return [window, caption, *weights, *out_patches.ravel(), *out_texts.ravel()]

    fig.set_label(
        f"Convolution of a {input_size}x{input_size} input, padding {padding}, with a "
        f"{kernel_size}x{kernel_size} kernel, stride {stride}: a {out}x{out} output, "
        "one cell per frame"
    )
    anim = PaletteFramesAnimation(fig, draw, frames=out * out, interval=_INTERVAL_MS)
    plt.close(fig)
    return anim


# --------------------------------------------------------------------------- transposed convolution
def _shade_cropped(patches: np.ndarray, texts: np.ndarray, padding: int) -> None:
    """Shade the border of width ``padding`` that PyTorch crops from a transposed convolution."""
    rows, cols = patches.shape
    for (r, c), patch in np.ndenumerate(patches):
        if not (padding <= r < rows - padding and padding <= c < cols - padding):
            patch.set_facecolor(_CROPPED_COLOR)
            texts[r, c].set_color("0.45")


def _kept_gid(prefix: str, r: int, c: int, full: tuple[int, int], padding: int) -> str:
    """Return the gid of cell (r, c) of an uncropped output: kept cells in PyTorch's indices."""
    if padding <= r < full[0] - padding and padding <= c < full[1] - padding:
        return f"{prefix} {r - padding} {c - padding}"
    return f"cropped {r} {c}"


def animate_transposed_convolution(
    input_size: int = 2, kernel_size: int = 3, stride: int = 1, padding: int = 0
) -> FuncAnimation:
    """Return an animation of a transposed convolution, one frame per input cell.

    Each frame takes one input value, multiplies the whole kernel by it and adds
    the product into the output window that starts at ``stride`` times the cell's
    position; the output shows the running sums. ``padding`` crops that many
    cells from every side of the result, as ``nn.ConvTranspose2d`` does (the
    cropped border is shaded grey). The kept numbers equal
    ``torch.nn.functional.conv_transpose2d`` on the same values.

    Args:
        input_size: height and width of the square input.
        kernel_size: height and width of the square kernel.
        stride: step between the windows of neighbouring input cells, in output cells.
        padding: cells cropped from every side of the output.

    Returns:
        A ``FuncAnimation`` whose figure is already closed.
    """
    func = "animate_transposed_convolution"
    out = _conv_transpose_size(
        func, input_size, kernel_size, stride, padding, 0, 1, "input_size"
    )
    _check_frames(func, input_size, input_size * input_size, "input cell")
    x = _example_values(input_size, 3, seed=5) + 1  # 1..3: every step adds something
    kernel = _example_kernel(kernel_size)
    full = (input_size - 1) * stride + kernel_size
    # The running sums after each frame: the scatter view of conv_transpose2d.
    sums = torch.zeros(input_size * input_size + 1, full, full)
    reached = torch.zeros(input_size * input_size + 1, full, full, dtype=torch.bool)
    for n in range(input_size * input_size):
        i, j = divmod(n, input_size)
        rows = slice(i * stride, i * stride + kernel_size)
        cols = slice(j * stride, j * stride + kernel_size)
        sums[n + 1], reached[n + 1] = sums[n], reached[n]
        sums[n + 1, rows, cols] += x[i, j] * kernel
        reached[n + 1, rows, cols] = True

    height = max(input_size, kernel_size, full) + 2.2
    k_left = input_size + 1.2
    o_left = k_left + kernel_size + 1.2
    fig, ax = _canvas(o_left + full + 0.3, height)
    in_patches, _ = _grid(
        ax,
        0,
        1,
        x.numpy(),
        (input_size, input_size),
        f"input {input_size}x{input_size}",
        "input",
        color=_INPUT_COLOR,
    )
    _grid(
        ax,
        k_left,
        1,
        kernel.numpy(),
        (kernel_size, kernel_size),
        f"kernel, stride {stride}",
        "kernel",
        color=_KERNEL_COLOR,
    )
    title = (
        f"output {out}x{out}"
        if padding == 0
        else f"{full}x{full}, padding {padding} crops to {out}x{out}"
    )
    out_patches, out_texts = _grid(
        ax, o_left, 1, sums[0].numpy(), (full, full), title, "full"
    )
    for (r, c), text in np.ndenumerate(out_texts):
        text.set_gid(_kept_gid("output", r, c, (full, full), padding))
    window = ax.add_patch(
        Rectangle(
            (o_left, 1),
            kernel_size,
            kernel_size,
            fill=False,
            edgecolor=_ACTIVE_COLOR,
            linewidth=2.5,
        )
    )
    caption = ax.text(0, height - 0.2, "", fontsize=8, va="bottom")

    def draw(frame: int) -> list:
        i, j = divmod(frame, input_size)
        for (r, c), patch in np.ndenumerate(in_patches):
            patch.set_facecolor(_ACTIVE_COLOR if (r, c) == (i, j) else _INPUT_COLOR)
        for (r, c), patch in np.ndenumerate(out_patches):
            active = (
                i * stride <= r < i * stride + kernel_size
                and j * stride <= c < j * stride + kernel_size
            )
            patch.set_facecolor(
                _KERNEL_COLOR
                if active
                else _DONE_COLOR
                if reached[frame + 1, r, c]
                else _EMPTY_COLOR
            )
            out_texts[r, c].set_text(_fmt(sums[frame + 1, r, c]))
        _shade_cropped(out_patches, out_texts, padding)
        window.set_xy((o_left + j * stride, 1 + i * stride))
        caption.set_text(
            f"x[{i}, {j}] = {_fmt(x[i, j])}: add {_fmt(x[i, j])} × kernel "
            f"at rows {i * stride}-{i * stride + kernel_size - 1}, "
            f"columns {j * stride}-{j * stride + kernel_size - 1}"
        )
        return [
            window,
            caption,
            *in_patches.ravel(),
            *out_patches.ravel(),
            *out_texts.ravel(),
        ]

    fig.set_label(
        f"Transposed convolution of a {input_size}x{input_size} input with a "
        f"{kernel_size}x{kernel_size} kernel, stride {stride}, padding {padding}: a "
        f"{out}x{out} output, one input cell added per frame"
    )
    anim = PaletteFramesAnimation(
        fig, draw, frames=input_size * input_size, interval=_INTERVAL_MS
    )
    plt.close(fig)
    return anim


def plot_transposed_convolution(
    x: Any, kernel: Any, stride: int = 1, padding: int = 0
) -> Figure:
    """Return a figure of how a transposed convolution spreads each input value times the kernel.

    Left: the input and the kernel. Middle: one partial product per input cell,
    ``x[i, j] * kernel`` placed at ``stride * (i, j)`` in the uncropped output,
    laid out like the input cells. Right: their sum (the border that ``padding``
    crops is shaded grey) and the output of ``torch.nn.functional.conv_transpose2d``,
    which the figure checks equals the cropped sum.

    Args:
        x: the input, shape (H, W), NumPy array or tensor (any device).
        kernel: the kernel, shape (kH, kW).
        stride: step between neighbouring partial products, in output cells.
        padding: cells cropped from every side of the sum.

    Returns:
        The matplotlib figure (already closed; end a notebook cell with it to show it).
    """
    func = "plot_transposed_convolution"
    x = _as_matrix(func, "x", x)
    kernel = _as_matrix(func, "kernel", kernel)
    (h, w), (kh, kw) = x.shape, kernel.shape
    if h * w > _MAX_PARTIALS:
        raise ValueError(
            message(
                func,
                "x",
                f"a matrix of at most {_MAX_PARTIALS} cells (one panel each)",
                f"shape {(h, w)}",
                raw=True,
            )
        )
    out_h = _conv_transpose_size(func, h, kh, stride, padding, 0, 1, "height of x")
    out_w = _conv_transpose_size(func, w, kw, stride, padding, 0, 1, "width of x")
    full = ((h - 1) * stride + kh, (w - 1) * stride + kw)

    partials = torch.zeros(h, w, *full, dtype=torch.float64)
    for i in range(h):
        for j in range(w):
            partials[
                i, j, i * stride : i * stride + kh, j * stride : j * stride + kw
            ] = x[i, j] * kernel
    total = partials.sum(dim=(0, 1))
    result = F.conv_transpose2d(
        x[None, None], kernel[None, None], stride=stride, padding=padding
    )[0, 0]
    cropped = total[padding : full[0] - padding, padding : full[1] - padding]
    if result.shape != cropped.shape or not torch.allclose(result, cropped):
        # the drawing and PyTorch disagree: a bug in this module, not in the caller
        raise AssertionError(f"{func}: the drawn sum disagrees with conv_transpose2d")

    left_width = max(w, kw, 2.5)
    p_left = left_width + 1.5
    p_width = w * (full[1] + 1.2) - 1.2
    s_left = p_left + p_width + 1.5
    r_left = s_left + full[1] + 1.5
    height = max(h + kh + 1.4, h * (full[0] + 1.4) - 1.4, full[0]) + 1.4
    fig, ax = _canvas(r_left + out_w + 0.3, height)

    _grid(ax, 0, 1, x.numpy(), (h, w), f"input x {h}x{w}", "x", color=_INPUT_COLOR)
    _grid(
        ax,
        0,
        h + 2.4,
        kernel.numpy(),
        (kh, kw),
        f"kernel, stride {stride}",
        "kernel",
        color=_KERNEL_COLOR,
    )
    for i in range(h):
        for j in range(w):
            left, top = p_left + j * (full[1] + 1.2), 1 + i * (full[0] + 1.4)
            block = partials[i, j].numpy()
            patches, texts = _grid(
                ax,
                left,
                top,
                block,
                full,
                f"x[{i},{j}]·kernel",
                f"partial {i} {j}",
                fontsize=8,
            )
            for (r, c), text in np.ndenumerate(texts):
                if (
                    i * stride <= r < i * stride + kh
                    and j * stride <= c < j * stride + kw
                ):
                    patches[r, c].set_facecolor(_KERNEL_COLOR)
                else:
                    text.set_text("")  # this input cell adds nothing here
            if j < w - 1:
                ax.text(
                    left + full[1] + 0.6,
                    top + full[0] / 2,
                    "+",
                    ha="center",
                    va="center",
                )
    mid = 1 + min(height - 2.4, full[0]) / 2
    ax.text(s_left - 0.75, mid, "=", ha="center", va="center", fontsize=12)
    sum_patches, sum_texts = _grid(
        ax,
        s_left,
        1,
        total.numpy(),
        full,
        "sum" if padding == 0 else f"sum, crop {padding}",
        "sum",
    )
    _shade_cropped(sum_patches, sum_texts, padding)
    ax.text(r_left - 0.75, mid, "→", ha="center", va="center", fontsize=12)
    _grid(
        ax,
        r_left,
        1 + padding,
        result.numpy(),
        (out_h, out_w),
        "PyTorch",
        "result",
        color=_DONE_COLOR,
    )
    fig.set_label(
        f"Transposed convolution of a {h}x{w} input with a {kh}x{kw} kernel, stride "
        f"{stride}, padding {padding}: {h * w} partial products summed into a "
        f"{out_h}x{out_w} output"
    )
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------- the convolution view
def _spread(
    x: torch.Tensor, stride: int, border: tuple[int, int]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ``x`` with ``stride - 1`` zeros between its cells and a zero border, and each cell's kind.

    Kinds: 0 border (padding), 1 inserted zero, 2 input value.
    """
    (h, w), (bh, bw) = x.shape, border
    shape = ((h - 1) * stride + 1 + 2 * bh, (w - 1) * stride + 1 + 2 * bw)
    values = torch.zeros(shape, dtype=x.dtype)
    kinds = torch.zeros(shape, dtype=torch.long)
    kinds[bh : shape[0] - bh, bw : shape[1] - bw] = 1
    rows = slice(bh, bh + (h - 1) * stride + 1, stride)
    cols = slice(bw, bw + (w - 1) * stride + 1, stride)
    values[rows, cols] = x
    kinds[rows, cols] = 2
    return values, kinds


def _check_view(
    func: str, x: torch.Tensor, kernel: torch.Tensor, stride: Any, padding: Any
) -> tuple[int, int, tuple[int, int]]:
    """Return the checked stride, padding and output shape of the convolution view."""
    (h, w), (kh, kw) = x.shape, kernel.shape
    out = (
        _conv_transpose_size(func, h, kh, stride, padding, 0, 1, "height of x"),
        _conv_transpose_size(func, w, kw, stride, padding, 0, 1, "width of x"),
    )
    if padding > min(kh, kw) - 1:  # the border k - 1 - p would be negative
        raise ValueError(
            message(func, "padding", f"<= kernel size - 1 = {min(kh, kw) - 1}", padding)
        )
    side = max(
        (h - 1) * stride + 1 + 2 * (kh - 1 - padding),
        (w - 1) * stride + 1 + 2 * (kw - 1 - padding),
    )
    if side > _MAX_SPREAD:
        raise ValueError(
            message(
                func,
                "x",
                f"small enough for a zero-inserted input of at most {_MAX_SPREAD} "
                f"cells a side ({side} here)",
                f"shape {(h, w)}",
                raw=True,
            )
        )
    return stride, padding, out


def plot_transposed_as_convolution(
    x: Any,
    kernel: Any,
    stride: int = 1,
    padding: int = 0,
    cell: tuple[int, int] = (0, 0),
) -> Figure:
    """Return a figure of a transposed convolution done as a stride-1 convolution.

    Two rows of panels: the input, the kernel and the kernel flipped by 180 degrees;
    below them the input with ``stride - 1`` zeros inserted between its cells and
    ``k - 1 - padding`` zeros around it (grey: border, white: inserted zeros, blue:
    input values) and the output of the stride-1 convolution of that with the
    flipped kernel. The window that makes output cell ``cell`` is framed. The
    figure checks that the output equals ``torch.nn.functional.conv_transpose2d``.

    Args:
        x: the input, shape (H, W), NumPy array or tensor (any device).
        kernel: the kernel, shape (kH, kW).
        stride: the transposed convolution's stride.
        padding: its padding, at most the kernel size - 1.
        cell: (row, column) of the output cell whose window is framed.

    Returns:
        The matplotlib figure (already closed; end a notebook cell with it to show it).
    """
    func = "plot_transposed_as_convolution"
    x = _as_matrix(func, "x", x)
    kernel = _as_matrix(func, "kernel", kernel)
    stride, padding, (out_h, out_w) = _check_view(func, x, kernel, stride, padding)
    check_instance(func, "cell", cell, tuple, "a (row, column) tuple")
    check_shape(func, "cell", np.asarray(cell), "(2,): (row, column)", len(cell) == 2)
    row = check_int(func, "cell[0]", cell[0], minimum=0, maximum=out_h - 1)
    col = check_int(func, "cell[1]", cell[1], minimum=0, maximum=out_w - 1)
    (h, w), (kh, kw) = x.shape, kernel.shape
    spread, kinds = _spread(x, stride, (kh - 1 - padding, kw - 1 - padding))
    flipped = kernel.flip(0, 1)
    output = F.conv2d(spread[None, None], flipped[None, None])[0, 0]
    result = F.conv_transpose2d(
        x[None, None], kernel[None, None], stride=stride, padding=padding
    )[0, 0]
    if output.shape != result.shape or not torch.allclose(output, result):
        raise AssertionError(f"{func}: the stride-1 convolution disagrees with PyTorch")

    panels = [
        (x, "x", f"input {h}x{w}", _INPUT_COLOR),
        (kernel, "kernel", "kernel", _KERNEL_COLOR),
        (flipped, "flipped", "flipped kernel", _KERNEL_COLOR),
        (spread, "spread", f"zeros inserted, border {kh - 1 - padding}", _EMPTY_COLOR),
        (output, "output", "stride-1 convolution", _DONE_COLOR),
    ]
    # two rows, so that the figure stays readable on a phone: the input and the
    # kernels on top, the spread input and the output below
    rows = [panels[:3], panels[3:]]
    widths = [sum(v.shape[1] + 1.2 for v, *_ in row) - 1.2 for row in rows]
    tops = [1.0, 1 + max(v.shape[0] for v, *_ in rows[0]) + 1.4]
    height = tops[1] + max(v.shape[0] for v, *_ in rows[1]) + 0.3
    fig, ax = _canvas(max(widths) + 0.3, height)
    corners = {}
    for row_panels, top in zip(rows, tops):
        left = 0.0
        for values, gid, title, color in row_panels:
            patches, _ = _grid(
                ax, left, top, values.numpy(), tuple(values.shape), title, gid, color
            )
            corners[gid] = (left, top, patches)
            left += values.shape[1] + 1.2
    kind_colors = [_PADDING_COLOR, _EMPTY_COLOR, _INPUT_COLOR]
    for (r, c), patch in np.ndenumerate(corners["spread"][2]):
        patch.set_facecolor(kind_colors[kinds[r, c]])
    # the window over the spread input starts at the output cell's own row and column
    for gid, size in (("spread", (kw, kh)), ("output", (1, 1))):
        left, top, _ = corners[gid]
        ax.add_patch(
            Rectangle(
                (left + col, top + row),
                *size,
                fill=False,
                edgecolor=_WINDOW_COLOR,
                linewidth=2.5,
            )
        )
    fig.set_label(
        f"Transposed convolution of a {h}x{w} input with a {kh}x{kw} kernel, stride "
        f"{stride}, padding {padding}, as a stride-1 convolution of the flipped kernel "
        f"over the input spread out to {spread.shape[0]}x{spread.shape[1]}: a "
        f"{out_h}x{out_w} output"
    )
    plt.close(fig)
    return fig
