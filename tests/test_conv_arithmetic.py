"""Tests of utils.conv_arithmetic: the size formulas against PyTorch's layers, and the
numbers the drawings write against PyTorch's functions."""

from __future__ import annotations

import base64
import io
import itertools
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.animation import AbstractMovieWriter, FuncAnimation
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image
from torch import nn

from utils.conv_arithmetic import (
    animate_convolution,
    animate_transposed_convolution,
    conv2d_output_size,
    conv_transpose2d_output_size,
    plot_transposed_convolution,
)


# --------------------------------------------------------------------------- reading drawings back
def drawn_grid(fig: Figure, name: str) -> np.ndarray:
    """Return the numbers written in the cells whose gid is ``"<name> R C"``, as a float array."""
    cells = {}
    for text in fig.findobj(Text):
        parts = (text.get_gid() or "").split()
        if len(parts) == 3 and parts[0] == name:
            cells[int(parts[1]), int(parts[2])] = text.get_text()
    assert cells, f"no cells named {name!r} were drawn"
    rows = 1 + max(r for r, _ in cells)
    cols = 1 + max(c for _, c in cells)
    grid = np.full((rows, cols), np.nan)
    for (r, c), label in cells.items():
        grid[r, c] = float(label) if label else np.nan
    return grid


class FrameGrabber(AbstractMovieWriter):
    """A movie writer that keeps, for each frame, the numbers drawn in the named grids."""

    def __init__(self, *names: str) -> None:
        super().__init__()
        self.names = names
        self.frames: list[dict[str, np.ndarray]] = []

    def setup(self, fig: Figure, outfile: str, dpi: float | None = None) -> None:
        super().setup(fig, outfile, dpi)

    def grab_frame(self, **savefig_kwargs) -> None:
        self.frames.append({name: drawn_grid(self.fig, name) for name in self.names})

    def finish(self) -> None:
        pass


def play(anim: FuncAnimation, *names: str) -> FrameGrabber:
    """Draw every frame of ``anim`` through the public ``save`` API; return what was grabbed."""
    grabber = FrameGrabber(*names)
    anim.save("unused.frames", writer=grabber)  # the grabber writes no file
    return grabber


# --------------------------------------------------------------------------- size formulas
def torch_size(layer: nn.Module, size: int) -> int | None:
    """Return the height of ``layer``'s output for a size x size input, or None when it fails."""
    try:
        with torch.no_grad():
            out = layer(torch.zeros(1, 1, size, size))
    except RuntimeError:
        return None
    return out.shape[-1] if out.numel() else None


def formula_size(function, *args, **kwargs) -> int | None:
    """Return the formula's size, or None when it rejects the combination as too small."""
    try:
        return function(*args, **kwargs)
    except ValueError as error:
        assert "for an output size >= 1" in str(error)
        return None


CONV_GRID = list(
    itertools.product((1, 2, 4, 5, 7, 8), (1, 2, 3, 5), (1, 2, 3), (0, 1, 2))
)
TRANSPOSED_GRID = [
    (size, kernel, stride, padding, output_padding)
    for size, kernel, stride, padding in itertools.product(
        (1, 2, 3, 5), (1, 2, 3, 4), (1, 2, 3), (0, 1, 2)
    )
    for output_padding in range(stride)
]


@pytest.mark.parametrize("size,kernel,stride,padding", CONV_GRID)
def test_conv2d_output_size_matches_nn_conv2d(size, kernel, stride, padding):
    layer = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding)
    expected = torch_size(layer, size)
    assert formula_size(conv2d_output_size, size, kernel, stride, padding) == expected


@pytest.mark.parametrize("size,kernel,stride,padding,output_padding", TRANSPOSED_GRID)
def test_conv_transpose2d_output_size_matches_nn_conv_transpose2d(
    size, kernel, stride, padding, output_padding
):
    layer = nn.ConvTranspose2d(
        1, 1, kernel, stride=stride, padding=padding, output_padding=output_padding
    )
    expected = torch_size(layer, size)
    got = formula_size(
        conv_transpose2d_output_size, size, kernel, stride, padding, output_padding
    )
    assert got == expected


@pytest.mark.parametrize(
    "size,kernel,stride,padding,dilation",
    [(7, 3, 1, 0, 2), (9, 3, 2, 2, 3), (5, 2, 1, 1, 2), (4, 3, 1, 0, 2)],
)
def test_size_formulas_account_for_dilation(size, kernel, stride, padding, dilation):
    conv = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation)
    assert formula_size(
        conv2d_output_size, size, kernel, stride, padding, dilation
    ) == torch_size(conv, size)
    transposed = nn.ConvTranspose2d(
        1, 1, kernel, stride=stride, padding=padding, dilation=dilation
    )
    assert formula_size(
        conv_transpose2d_output_size, size, kernel, stride, padding, dilation=dilation
    ) == torch_size(transposed, size)


def test_size_formulas_accept_numpy_integers():
    assert conv2d_output_size(np.int64(5), np.int32(3)) == 3
    assert conv_transpose2d_output_size(np.int64(3), 3, stride=np.int64(2)) == 7


# --------------------------------------------------------------------------- animations
CONV_ANIMATIONS = [(5, 3, 1, 0), (5, 3, 1, 1), (5, 3, 2, 1), (4, 2, 2, 0), (6, 3, 2, 2)]


@pytest.mark.parametrize("size,kernel,stride,padding", CONV_ANIMATIONS)
def test_animate_convolution_fills_one_output_cell_per_frame_with_torch_values(
    size, kernel, stride, padding
):
    anim = animate_convolution(size, kernel, stride, padding)
    out = conv2d_output_size(size, kernel, stride, padding)
    assert isinstance(anim, FuncAnimation)
    assert len(list(anim.new_frame_seq())) == out * out

    frames = play(anim, "input", "kernel", "output").frames
    assert len(frames) == out * out
    for n, frame in enumerate(frames):
        # one new cell per frame
        assert np.count_nonzero(~np.isnan(frame["output"])) == n + 1
    last = frames[-1]
    padded = last["input"]
    assert padded.shape == (size + 2 * padding,) * 2
    inside = padded[padding : padding + size, padding : padding + size]
    border = np.ones_like(padded, dtype=bool)
    border[padding : padding + size, padding : padding + size] = False
    assert np.all(padded[border] == 0)  # the padding cells hold zeros
    expected = F.conv2d(
        torch.tensor(inside)[None, None],
        torch.tensor(last["kernel"])[None, None],
        stride=stride,
        padding=padding,
    )[0, 0]
    np.testing.assert_array_equal(last["output"], expected.numpy())


TRANSPOSED_ANIMATIONS = [
    (2, 3, 1, 0),
    (2, 3, 2, 0),
    (3, 3, 2, 1),
    (2, 2, 2, 0),
    (3, 2, 3, 0),
    (3, 4, 2, 1),
]


@pytest.mark.parametrize("size,kernel,stride,padding", TRANSPOSED_ANIMATIONS)
def test_animate_transposed_convolution_adds_one_input_cell_per_frame_and_matches_torch(
    size, kernel, stride, padding
):
    anim = animate_transposed_convolution(size, kernel, stride, padding)
    out = conv_transpose2d_output_size(size, kernel, stride, padding)
    full = (size - 1) * stride + kernel
    assert len(list(anim.new_frame_seq())) == size * size

    grabber = play(anim, "input", "kernel", "output")
    frames = grabber.frames
    assert len(frames) == size * size
    x = torch.tensor(frames[-1]["input"])
    w = torch.tensor(frames[-1]["kernel"])
    # after frame n the first n + 1 input cells were added
    for n, frame in enumerate(frames):
        used = torch.zeros_like(x).flatten()
        used[: n + 1] = 1
        partial = F.conv_transpose2d(
            (x * used.view_as(x))[None, None],
            w[None, None],
            stride=stride,
            padding=padding,
        )[0, 0]
        np.testing.assert_array_equal(frame["output"], partial.numpy())
    assert frames[-1]["output"].shape == (out, out)
    cropped = [
        t
        for t in grabber.fig.findobj(Text)
        if (t.get_gid() or "").startswith("cropped ")
    ]
    # the border that padding removes is drawn
    assert len(cropped) == full * full - out * out


# --------------------------------------------------------------------------- static figure
STATIC_CASES = [
    (np.array([[1, 2], [3, 4]]), np.array([[1, 0], [2, 1]]), 1, 0),
    (np.array([[1, 2], [3, 4]]), np.array([[1, 0, 1], [2, 1, 0], [0, 1, 1]]), 2, 1),
    (np.array([[0.5, -1.25, 2.0]]), np.array([[1.5], [-0.5]]), 2, 0),
    (torch.arange(9.0).reshape(3, 3), torch.ones(3, 3), 2, 1),
]


@pytest.mark.parametrize("x,kernel,stride,padding", STATIC_CASES)
def test_plot_transposed_convolution_writes_torch_numbers(x, kernel, stride, padding):
    fig = plot_transposed_convolution(x, kernel, stride=stride, padding=padding)
    assert isinstance(fig, Figure)
    x_t = torch.as_tensor(np.asarray(x, dtype=np.float64))
    w_t = torch.as_tensor(np.asarray(kernel, dtype=np.float64))
    expected = F.conv_transpose2d(
        x_t[None, None], w_t[None, None], stride=stride, padding=padding
    )[0, 0].numpy()
    np.testing.assert_allclose(drawn_grid(fig, "result"), expected, rtol=5e-3)
    total = drawn_grid(fig, "sum")
    crop = total[padding : total.shape[0] - padding, padding : total.shape[1] - padding]
    np.testing.assert_allclose(crop, expected, rtol=5e-3)


def test_plot_transposed_convolution_draws_one_partial_product_per_input_cell():
    x, kernel = np.array([[1, 2], [3, 4]]), np.array([[1, 0, 1], [2, 1, 0], [0, 1, 1]])
    fig = plot_transposed_convolution(x, kernel, stride=2)
    for i, j in itertools.product(range(2), range(2)):
        cells = {}
        for text in fig.findobj(Text):
            parts = (text.get_gid() or "").split()
            if parts[:3] == ["partial", str(i), str(j)] and text.get_text():
                cells[int(parts[3]), int(parts[4])] = float(text.get_text())
        # x[i, j] * kernel, placed at stride * (i, j) in the 5x5 uncropped output
        expected = {
            (2 * i + r, 2 * j + c): x[i, j] * kernel[r, c]
            for r, c in itertools.product(range(3), range(3))
        }
        assert cells == expected


def test_plot_transposed_convolution_accepts_tensors_that_require_grad():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    fig = plot_transposed_convolution(x, torch.ones(2, 2, requires_grad=True))
    np.testing.assert_array_equal(
        drawn_grid(fig, "result"), [[1, 3, 2], [4, 10, 6], [3, 7, 4]]
    )


def first_frame_width(page: str) -> int:
    """Return the width in pixels of the first PNG frame of a to_jshtml() page."""
    encoded = re.search(r'data:image/png;base64,([^"]+)"', page).group(1)
    png = base64.b64decode(re.sub(r"[\\\s]", "", encoded))  # JS line continuations
    return Image.open(io.BytesIO(png)).width


@pytest.mark.slow
def test_the_notebooks_animations_are_page_sized_and_light(executed_notebook):
    notebook = executed_notebook("03_convolution_arithmetic")
    pages = [
        "".join(output["data"]["text/html"])
        for cell in notebook.cells
        if cell.cell_type == "code" and "to_jshtml()" in cell.source
        for output in cell.outputs
        if "text/html" in output.get("data", {})
    ]
    frames = [page.count("data:image/png;base64") for page in pages]
    assert 25 in frames, frames
    # the 5x5 stride-1 example: about 660 px wide, so the numbers in the cells are readable
    assert 600 < first_frame_width(pages[frames.index(25)]) <= 688
    # palette PNG frames keep pages light: its 25 frames weigh under 450 kB (full-colour
    # PNG frames: 1.1 MB), and no animation's frames more than 18 kB each
    assert len(pages[frames.index(25)]) < 450_000
    assert all(len(page) < 18_000 * count for page, count in zip(pages, frames)), [
        f"{len(page) / 1e3:.0f} kB for {count} frames"
        for page, count in zip(pages, frames)
    ]


@pytest.mark.parametrize(
    "make, says",
    [
        (
            lambda: animate_convolution(3, 3, stride=2, padding=1),
            "Convolution of a 3x3 input, padding 1, with a 3x3 kernel, stride 2: a 2x2 output",
        ),
        (
            lambda: animate_transposed_convolution(2, 3, stride=2),
            "Transposed convolution of a 2x2 input with a 3x3 kernel, stride 2, padding 0: a 5x5 output",
        ),
        (
            lambda: plot_transposed_convolution(
                np.ones((2, 2)), np.ones((3, 3)), stride=2, padding=1
            ),
            "Transposed convolution of a 2x2 input with a 3x3 kernel, stride 2, padding 1: 4 partial "
            "products summed into a 3x3 output",
        ),
    ],
    ids=[
        "animate_convolution",
        "animate_transposed_convolution",
        "plot_transposed_convolution",
    ],
)
def test_drawings_are_named_after_their_sizes(make, says):
    figure = make()
    if isinstance(figure, FuncAnimation):
        alt = figure.to_jshtml().split('<img alt="', 1)[1].split('"', 1)[0]
        figure = figure._fig
        assert alt == figure.get_label()
    assert figure.get_label().startswith(says)
