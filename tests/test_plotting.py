"""Tests of utils.plotting: right figure types, the right pixels, clear errors, no global changes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

from utils.plotting import (
    DPI,
    GRID_INCHES,
    animate_denoising,
    animate_image_grids,
    plot_eight_pair,
    plot_eights,
    plot_history,
    plot_image_grid,
    plot_scatter2D,
    plot_scatter3D,
)

ROOT = Path(__file__).resolve().parents[1]
RNG = np.random.default_rng(0)
EIGHTS = RNG.random((6, 1, 28, 28)).astype(np.float32)
KINDS = ["numpy", "torch"]


def as_kind(array: np.ndarray, kind: str):
    """Return ``array`` unchanged (numpy) or as a float tensor that requires grad (torch)."""
    if kind == "numpy":
        return array
    return torch.tensor(array, dtype=torch.float32, requires_grad=True)


def is_closed(fig: Figure) -> bool:
    """Return True when pyplot no longer manages ``fig`` (so a notebook does not show it twice)."""
    return fig.number not in plt.get_fignums()


# --------------------------------------------------------------------------- right types, both kinds

@pytest.mark.parametrize("kind", KINDS)
def test_scatter3D_returns_plotly_figure_with_one_trace_per_class(kind):
    X, y = RNG.random((30, 3)), np.arange(30) % 3
    fig = plot_scatter3D(as_kind(X, kind), as_kind(y.astype(float), kind), title="blobs")
    assert isinstance(fig, go.Figure)
    assert [t.type for t in fig.data] == ["scatter3d"] * 3
    assert sum(len(t.x) for t in fig.data) == 30
    assert np.allclose(fig.data[1].z, X[y == 1, 2])
    assert fig.layout.title.text == "blobs"


def test_scatter3D_camera_stands_back_so_the_whole_cube_shows():
    # plotly's default eye (1.25, 1.25, 1.25) cut off the cube's bottom corner and its x1 labels
    eye = plot_scatter3D(RNG.random((4, 3)), np.arange(4) % 2).layout.scene.camera.eye
    assert np.hypot(np.hypot(eye.x, eye.y), eye.z) > np.sqrt(3 * 1.25 ** 2)
    assert eye.z < 1.25


@pytest.mark.parametrize("kind", KINDS)
def test_scatter2D_returns_plotly_figure_with_one_trace_per_class(kind):
    X, y = RNG.random((20, 2)), np.arange(20) % 2
    fig = plot_scatter2D(as_kind(X, kind), as_kind(y.astype(float), kind))
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == ["class 0", "class 1"]
    assert np.allclose(fig.data[0].y, X[y == 0, 1])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape", [(6, 1, 28, 28), (6, 28, 28)])
def test_plot_eights_shows_clean_row_above_clipped_noisy_row(kind, shape):
    X = EIGHTS.reshape(shape)
    fig = plot_eights(as_kind(X, kind), noise=0.5, n=4, seed=1)
    assert isinstance(fig, Figure) and is_closed(fig)
    images = [ax.images[0].get_array() for ax in fig.axes]
    assert len(images) == 8
    for i in range(4):
        assert np.allclose(images[i], EIGHTS[i, 0])  # top row: the clean images
        noisy = np.asarray(images[4 + i])
        assert noisy.min() >= 0.0 and noisy.max() <= 1.0  # clipped
        assert not np.allclose(noisy, EIGHTS[i, 0])  # noise was added


def test_plot_eights_noise_is_reproducible_and_leaves_global_rng_alone():
    state = np.random.get_state()[1].copy()
    first = plot_eights(EIGHTS, seed=3).axes[-1].images[0].get_array()
    second = plot_eights(EIGHTS, seed=3).axes[-1].images[0].get_array()
    assert np.array_equal(first, second)
    assert np.array_equal(np.random.get_state()[1], state)


def test_plot_eights_without_noise_shows_the_same_image_twice():
    fig = plot_eights(EIGHTS, noise=0.0, n=2)
    assert np.allclose(fig.axes[0].images[0].get_array(), fig.axes[2].images[0].get_array())


@pytest.mark.parametrize("kind", KINDS)
def test_plot_eight_pair_shows_input_beside_output(kind):
    fig = plot_eight_pair(as_kind(EIGHTS[:1], kind), as_kind(EIGHTS[1], kind))  # (1,1,28,28), (1,28,28)
    assert isinstance(fig, Figure) and is_closed(fig)
    left, right = (ax.images[0].get_array() for ax in fig.axes)
    assert np.allclose(left, EIGHTS[0, 0]) and np.allclose(right, EIGHTS[1, 0])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("channels", [1, 3])
def test_plot_image_grid_tiles_batch_and_maps_value_range_to_unit(kind, channels):
    images = np.full((10, channels, 8, 8), -1.0, dtype=np.float32)
    images[0] = 1.0  # first image white, the rest black
    fig = plot_image_grid(as_kind(images, kind), nrow=5, title="samples")
    assert isinstance(fig, Figure) and is_closed(fig)
    grid = np.asarray(fig.axes[0].images[0].get_array())
    assert grid.shape == (2 + 2 * 10, 2 + 5 * 10, 3)  # 2 rows, 5 columns, padding 2
    assert np.allclose(grid[2:10, 2:10], 1.0) and np.allclose(grid[2:10, 12:20], 0.0)
    assert fig.axes[0].get_title() == "samples"


def test_plot_image_grid_draws_into_given_axes_and_returns_its_figure():
    fig, axes = plt.subplots(1, 2)
    plt.close(fig)
    assert plot_image_grid(torch.zeros(4, 1, 8, 8), ax=axes[1]) is fig
    assert len(axes[1].images) == 1 and len(axes[0].images) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_plot_history_draws_one_curve_per_key_against_epochs(kind):
    history = {"Loss_G": as_kind(np.array([3.0, 2.0, 1.5]), kind),
               "Loss_D": [torch.tensor(0.7), 0.6, 0.5], "D_real": [0.9, 0.8, 0.7]}
    fig = plot_history(history, keys=["Loss_G", "Loss_D"], title="losses", ylabel="loss")
    assert isinstance(fig, Figure) and is_closed(fig)
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["Loss_G", "Loss_D"]
    assert list(lines[0].get_xdata()) == [1, 2, 3]
    assert np.allclose(lines[1].get_ydata(), [0.7, 0.6, 0.5])
    assert fig.axes[0].get_xlabel() == "epoch" and fig.axes[0].get_ylabel() == "loss"


def test_plot_history_draws_every_key_by_default():
    fig = plot_history({"a": [1.0, 2.0], "b": [2.0, 1.0]})
    assert len(fig.axes[0].get_lines()) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_animate_image_grids_has_one_frame_per_batch_and_closed_figure(kind):
    frames = [as_kind(np.full((4, 3, 8, 8), v, dtype=np.float32), kind) for v in (-1.0, 0.0, 1.0)]
    anim = animate_image_grids(frames, titles=["a", "b", "c"], nrow=2)
    assert isinstance(anim, FuncAnimation)
    fig = anim._fig
    assert is_closed(fig)
    assert list(anim.new_frame_seq()) == [0, 1, 2]
    html = anim.to_jshtml()
    assert len(re.findall(r"frames\[\d+\]", html)) == 3
    assert fig.axes[0].get_title() == "c"  # the last frame drawn shows the last batch
    assert np.allclose(fig.axes[0].images[0].get_array()[2:10, 2:10], 1.0)


@pytest.mark.parametrize("kind", KINDS)
def test_animate_denoising_rows_show_noisy_output_per_epoch_clean(kind):
    noisy = np.full((3, 1, 28, 28), 0.2, dtype=np.float32)
    clean = np.full((3, 28, 28), 0.9, dtype=np.float32).reshape(3, 1, 28, 28)
    outputs = [as_kind(np.full((3, 1, 28, 28), v, dtype=np.float32), kind) for v in (0.4, 0.6)]
    anim = animate_denoising(as_kind(noisy, kind), outputs, as_kind(clean, kind))
    assert isinstance(anim, FuncAnimation) and is_closed(anim._fig)
    assert list(anim.new_frame_seq()) == [0, 1]
    anim.to_jshtml()
    rows = [np.asarray(ax.images[0].get_array())[16, 16, 0] for ax in anim._fig.axes]
    assert np.allclose(rows, [0.2, 0.6, 0.9])  # noisy, output after the last epoch, clean
    assert anim._fig.get_suptitle() == "after epoch 2"


def test_animate_image_grids_page_weight_stays_under_1_mb_for_16_frames_of_16_images():
    # the GAN notebook's animation: 16 frames of 16 32x32 colour images (2 rows of 8, page wide),
    # smooth with a little noise (PNG frames weighed about 3x as much as these JPEG frames)
    gen = torch.Generator().manual_seed(0)
    frames = [torch.nn.functional.interpolate(torch.rand(16, 3, 8, 8, generator=gen) * 2 - 1,
                                              size=32, mode="bilinear")
              + 0.05 * torch.randn(16, 3, 32, 32, generator=gen) for _ in range(16)]
    html = animate_image_grids(frames).to_jshtml()
    assert len(re.findall(r"data:image/jpeg;base64", html)) == 16
    assert len(html) < 1_000_000, f"{len(html) / 1e6:.2f} MB"


def rendered_figure(anim: FuncAnimation) -> Figure:
    """Return the figure of ``anim`` after rendering it (an unrendered animation warns when deleted)."""
    anim.to_jshtml()
    return anim._fig


@pytest.mark.parametrize("make", [
    lambda **kw: plot_image_grid(np.zeros((4, 3, 8, 8)), **kw),
    lambda **kw: rendered_figure(animate_image_grids([np.zeros((4, 3, 8, 8))], **kw)),
    lambda **kw: rendered_figure(animate_denoising(EIGHTS, [EIGHTS], EIGHTS, **kw)),
], ids=["plot_image_grid", "animate_image_grids", "animate_denoising"])
def test_dpi_sets_figure_resolution_with_a_light_default_and_sharp_pixels(make):
    assert make().dpi == DPI
    fig = make(dpi=100)
    assert fig.dpi == 100
    assert all(image.get_interpolation() == "nearest" for ax in fig.axes for image in ax.images)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_plots_accept_cuda_tensors():
    X = torch.rand(5, 1, 28, 28, device="cuda", requires_grad=True)
    assert isinstance(plot_eights(X), Figure)
    assert isinstance(plot_image_grid(X), Figure)
    assert isinstance(plot_scatter2D(X[:, 0, 0, :2], torch.arange(5, device="cuda")), go.Figure)


# --------------------------------------------------------------------------- bad input

GOOD_X3, GOOD_Y = np.zeros((5, 3)), np.zeros(5)
NAN_EIGHTS = EIGHTS.copy()
NAN_EIGHTS[0, 0, 0, 0] = np.nan
GRID = np.zeros((4, 3, 8, 8))

BAD_INPUTS = [
    # (function, kwargs, error, argument named in the message)
    (plot_scatter3D, dict(X=np.zeros((5, 2)), y=GOOD_Y), ValueError, "X"),
    (plot_scatter3D, dict(X=GOOD_X3, y=np.zeros(4)), ValueError, "y"),
    (plot_scatter3D, dict(X=np.full((5, 3), np.nan), y=GOOD_Y), ValueError, "X"),
    (plot_scatter3D, dict(X=np.zeros((0, 3)), y=np.zeros(0)), ValueError, "X"),
    (plot_scatter3D, dict(X="points", y=GOOD_Y), TypeError, "X"),
    (plot_scatter3D, dict(X=GOOD_X3, y=np.zeros((5, 1))), ValueError, "y"),
    (plot_scatter3D, dict(X=GOOD_X3, y=["a", "b", "a", "b", "a"]), TypeError, "y"),
    (plot_scatter2D, dict(X=GOOD_X3, y=GOOD_Y), ValueError, "X"),
    (plot_scatter2D, dict(X=np.zeros((5, 2)), y=np.array([0, 1, np.inf, 0, 1])), ValueError, "y"),
    (plot_scatter2D, dict(X=torch.zeros(5, 2, dtype=torch.bool), y=GOOD_Y), TypeError, "X"),
    (plot_eights, dict(X=EIGHTS[:, :, :, :20]), ValueError, "X"),
    (plot_eights, dict(X=np.zeros((5, 3, 28, 28))), ValueError, "X"),
    (plot_eights, dict(X=NAN_EIGHTS), ValueError, "X"),
    (plot_eights, dict(X=EIGHTS, noise=-0.1), ValueError, "noise"),
    (plot_eights, dict(X=EIGHTS, noise=float("nan")), ValueError, "noise"),
    (plot_eights, dict(X=EIGHTS, noise="0.5"), TypeError, "noise"),
    (plot_eights, dict(X=EIGHTS, n=0), ValueError, "n"),
    (plot_eights, dict(X=EIGHTS, n=2.5), TypeError, "n"),
    (plot_eights, dict(X=EIGHTS, seed=-1), ValueError, "seed"),
    (plot_eight_pair, dict(input_8=EIGHTS[:2], output_8=EIGHTS[0]), ValueError, "input_8"),
    (plot_eight_pair, dict(input_8=EIGHTS[0], output_8=np.zeros(784)), ValueError, "output_8"),
    (plot_eight_pair, dict(input_8=EIGHTS[0], output_8=NAN_EIGHTS[0]), ValueError, "output_8"),
    (plot_eight_pair, dict(input_8=None, output_8=EIGHTS[0]), TypeError, "input_8"),
    (plot_image_grid, dict(images=np.zeros((3, 8, 8))), ValueError, "images"),
    (plot_image_grid, dict(images=np.zeros((3, 2, 8, 8))), ValueError, "images"),
    (plot_image_grid, dict(images=np.zeros((0, 3, 8, 8))), ValueError, "images"),
    (plot_image_grid, dict(images=torch.full((2, 1, 4, 4), float("inf"))), ValueError, "images"),
    (plot_image_grid, dict(images=GRID, nrow=0), ValueError, "nrow"),
    (plot_image_grid, dict(images=GRID, value_range=(1.0, -1.0)), ValueError, "value_range"),
    (plot_image_grid, dict(images=GRID, value_range=(0.0, 1.0, 2.0)), ValueError, "value_range"),
    (plot_image_grid, dict(images=GRID, ax="left"), TypeError, "ax"),
    (plot_history, dict(history=[1.0, 2.0]), TypeError, "history"),
    (plot_history, dict(history={}), ValueError, "history"),
    (plot_history, dict(history={"a": [1.0]}, keys=["b"]), ValueError, "keys"),
    (plot_history, dict(history={"a": [1.0]}, keys="a"), TypeError, "keys"),
    (plot_history, dict(history={"a": [1.0, np.nan]}), ValueError, "history['a']"),
    (plot_history, dict(history={"a": []}), ValueError, "history['a']"),
    (plot_history, dict(history={"a": [[1.0, 2.0]]}), ValueError, "history['a']"),
    (animate_image_grids, dict(frames=[]), ValueError, "frames"),
    (animate_image_grids, dict(frames=torch.zeros(2, 4, 3, 8, 8)), TypeError, "frames"),
    (animate_image_grids, dict(frames=[GRID, GRID[:2]]), ValueError, "frames"),
    (animate_image_grids, dict(frames=[GRID, GRID], titles=["one"]), ValueError, "titles"),
    (animate_image_grids, dict(frames=[GRID], interval=0), ValueError, "interval"),
    (animate_image_grids, dict(frames=[GRID], dpi=0), ValueError, "dpi"),
    (animate_image_grids, dict(frames=[GRID], dpi=72.5), TypeError, "dpi"),
    (plot_image_grid, dict(images=GRID, dpi="high"), TypeError, "dpi"),
    (animate_denoising, dict(noisy=EIGHTS, outputs=[EIGHTS], clean=EIGHTS, dpi=-1), ValueError, "dpi"),
    (animate_denoising, dict(noisy=EIGHTS, outputs=[EIGHTS], clean=EIGHTS[:3]), ValueError, "clean"),
    (animate_denoising, dict(noisy=EIGHTS, outputs=[], clean=EIGHTS), ValueError, "outputs"),
    (animate_denoising, dict(noisy=EIGHTS, outputs=[EIGHTS, NAN_EIGHTS], clean=EIGHTS),
     ValueError, "outputs[1]"),
    (animate_denoising, dict(noisy=EIGHTS, outputs=[EIGHTS[:2]], clean=EIGHTS), ValueError, "outputs[0]"),
]


@pytest.mark.parametrize("fn, kwargs, error, arg", BAD_INPUTS,
                         ids=[f"{c[0].__name__}-{c[3]}-{i}" for i, c in enumerate(BAD_INPUTS)])
def test_bad_input_raises_error_naming_function_argument_and_what_was_got(fn, kwargs, error, arg):
    with pytest.raises(error) as info:
        fn(**kwargs)
    message = str(info.value)
    assert message.startswith(f"{fn.__name__}: ")
    assert re.search(rf"(^|\W){re.escape(arg)}(\W|$)", message), message
    assert "got" in message


def test_too_few_eights_message_states_expected_and_received_shape():
    with pytest.raises(ValueError) as info:
        plot_eights(np.zeros((2, 28, 28)), n=3)
    assert str(info.value) == ("plot_eights: X must have shape (N, 1, 28, 28) or (N, 28, 28) "
                               "with N >= 3, got (2, 28, 28)")


def test_no_figure_left_open_after_bad_or_good_calls():
    before = set(plt.get_fignums())
    plot_eights(EIGHTS)
    with pytest.raises(ValueError):
        plot_eights(NAN_EIGHTS)
    assert set(plt.get_fignums()) == before


# --------------------------------------------------------------------------- no global state

IMPORT_CHECK = """
import matplotlib, plotly.io as pio
rc, renderer, template = dict(matplotlib.rcParams), pio.renderers.default, pio.templates.default
import utils.plotting
changed = sorted(k for k, v in matplotlib.rcParams.items() if rc.get(k) != v)
assert not changed, f"rcParams changed on import: {changed}"
assert pio.renderers.default == renderer, f"plotly renderer {renderer!r} -> {pio.renderers.default!r}"
assert pio.templates.default == template, f"plotly template {template!r} -> {pio.templates.default!r}"
"""


def test_import_changes_no_matplotlib_rcparams_or_plotly_defaults():
    # a fresh interpreter: in this one the module was imported before any snapshot could be taken
    result = subprocess.run([sys.executable, "-c", IMPORT_CHECK], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_star_import_exports_exactly_the_public_plotters():
    import utils.plotting as plotting

    assert sorted(plotting.__all__) == sorted(
        ["plot_scatter3D", "plot_scatter2D", "plot_eights", "plot_eight_pair", "plot_image_grid",
         "plot_history", "animate_image_grids", "animate_denoising"])
    namespace: dict = {}
    exec("from utils.plotting import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == set(plotting.__all__)


@pytest.mark.parametrize("nrow, count", [(8, 16), (8, 64), (2, 6)])
def test_image_grid_figure_fills_the_page_width_and_has_the_grid_shape(nrow, count):
    fig = plot_image_grid(np.zeros((count, 3, 32, 32)), nrow=nrow, title="t")
    grid = fig.axes[0].images[0].get_array().shape
    width, height = fig.get_size_inches()
    assert max(width, height - 0.35) == pytest.approx(GRID_INCHES)  # about 650 px, the column is 688
    assert height - 0.35 == pytest.approx(width * grid[0] / grid[1])  # no band of white below


def test_animate_denoising_is_page_wide_with_large_digits_and_light_palette_frames():
    anim = animate_denoising(EIGHTS, [EIGHTS] * 3, EIGHTS)
    html = anim.to_jshtml()
    fig = anim._fig
    assert fig.get_size_inches()[0] * fig.dpi > 600
    digit_px = fig.axes[0].get_window_extent().height * 28 / 30  # a 30 px row holds a 28 px digit
    assert digit_px > 60
    assert len(re.findall(r"data:image/png;base64", html)) == 3
    assert len(html) < 200_000, f"{len(html) / 1e3:.0f} kB"  # RGBA PNG frames weighed about 2x
