"""Tests of utils.plotting: right figure types, the right pixels, clear errors, no global changes."""

from __future__ import annotations

import html
import json
import re
import runpy
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
    fig = plot_scatter3D(
        as_kind(X, kind), as_kind(y.astype(float), kind), title="blobs"
    )
    assert isinstance(fig, go.Figure)
    assert [t.type for t in fig.data] == ["scatter3d"] * 3
    assert sum(len(t.x) for t in fig.data) == 30
    assert np.allclose(fig.data[1].z, X[y == 1, 2])
    assert fig.layout.title.text == "blobs"


def test_scatter3D_camera_stands_back_so_the_whole_cube_shows():
    # plotly's default eye (1.25, 1.25, 1.25) cut off the cube's bottom corner and its x1 labels
    eye = plot_scatter3D(RNG.random((4, 3)), np.arange(4) % 2).layout.scene.camera.eye
    assert np.hypot(np.hypot(eye.x, eye.y), eye.z) > np.sqrt(3 * 1.25**2)
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
    assert np.allclose(
        fig.axes[0].images[0].get_array(), fig.axes[2].images[0].get_array()
    )


@pytest.mark.parametrize("kind", KINDS)
def test_plot_eight_pair_shows_input_beside_output(kind):
    # (1,1,28,28), (1,28,28)
    fig = plot_eight_pair(as_kind(EIGHTS[:1], kind), as_kind(EIGHTS[1], kind))
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
    history = {
        "Loss_G": as_kind(np.array([3.0, 2.0, 1.5]), kind),
        "Loss_D": [torch.tensor(0.7), 0.6, 0.5],
        "D_real": [0.9, 0.8, 0.7],
    }
    fig = plot_history(
        history, keys=["Loss_G", "Loss_D"], title="losses", ylabel="loss"
    )
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
    frames = [
        as_kind(np.full((4, 3, 8, 8), v, dtype=np.float32), kind)
        for v in (-1.0, 0.0, 1.0)
    ]
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
    outputs = [
        as_kind(np.full((3, 1, 28, 28), v, dtype=np.float32), kind) for v in (0.4, 0.6)
    ]
    anim = animate_denoising(as_kind(noisy, kind), outputs, as_kind(clean, kind))
    assert isinstance(anim, FuncAnimation) and is_closed(anim._fig)
    assert list(anim.new_frame_seq()) == [0, 1]
    anim.to_jshtml()
    rows = [np.asarray(ax.images[0].get_array())[16, 16, 0] for ax in anim._fig.axes]
    # noisy, output after the last epoch, clean
    assert np.allclose(rows, [0.2, 0.6, 0.9])
    assert anim._fig.get_suptitle() == "after epoch 2"


def test_animate_image_grids_page_weight_stays_under_1_mb_for_16_frames_of_16_images():
    # the GAN notebook's animation: 16 frames of 16 32x32 colour images (2 rows of 8, page wide),
    # smooth with a little noise, as photos are (PNG frames of these would weigh about 3x more)
    gen = torch.Generator().manual_seed(0)
    frames = [
        torch.nn.functional.interpolate(
            torch.rand(16, 3, 8, 8, generator=gen) * 2 - 1, size=32, mode="bilinear"
        )
        + 0.05 * torch.randn(16, 3, 32, 32, generator=gen)
        for _ in range(16)
    ]
    html = animate_image_grids(frames).to_jshtml()
    assert len(re.findall(r"data:image/jpeg;base64", html)) == 16
    assert len(html) < 1_000_000, f"{len(html) / 1e6:.2f} MB"


def rendered_figure(anim: FuncAnimation) -> Figure:
    """Return the figure of ``anim`` after rendering it (an unrendered animation warns when deleted)."""
    anim.to_jshtml()
    return anim._fig


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: plot_image_grid(np.zeros((4, 3, 8, 8)), **kw),
        lambda **kw: rendered_figure(
            animate_image_grids([np.zeros((4, 3, 8, 8))], **kw)
        ),
        lambda **kw: rendered_figure(animate_denoising(EIGHTS, [EIGHTS], EIGHTS, **kw)),
    ],
    ids=["plot_image_grid", "animate_image_grids", "animate_denoising"],
)
def test_dpi_sets_figure_resolution_with_sharp_pixels(make):
    fig = make(dpi=100)
    assert fig.dpi == 100
    assert all(
        image.get_interpolation() == "nearest" for ax in fig.axes for image in ax.images
    )


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_plots_accept_cuda_tensors():
    X = torch.rand(5, 1, 28, 28, device="cuda", requires_grad=True)
    assert isinstance(plot_eights(X), Figure)
    assert isinstance(plot_image_grid(X), Figure)
    assert isinstance(
        plot_scatter2D(X[:, 0, 0, :2], torch.arange(5, device="cuda")), go.Figure
    )


# --------------------------------------------------------------------------- figures and names

FIGURES = {  # name: (make the figure, what its name must say about the input)
    "plot_scatter3D": (
        lambda: plot_scatter3D(RNG.random((30, 3)), np.arange(30) % 3),
        "30 points in 3-D",
    ),
    "plot_scatter2D": (
        lambda: plot_scatter2D(RNG.random((20, 2)), np.arange(20) % 2),
        "20 points in 2-D",
    ),
    "plot_eights": (lambda: plot_eights(EIGHTS, noise=0.3, n=4), "4 MNIST 8s"),
    "plot_eight_pair": (lambda: plot_eight_pair(EIGHTS[0], EIGHTS[1]), "output"),
    "plot_image_grid": (
        lambda: plot_image_grid(np.zeros((10, 3, 8, 8)), nrow=5),
        "10 images, 5 per row",
    ),
    "plot_history": (
        lambda: plot_history({"Loss_G": [2.0, 1.0], "Loss_D": [0.5, 0.7]}),
        "Loss_G, Loss_D per epoch",
    ),
    "animate_image_grids": (
        lambda: animate_image_grids([np.zeros((4, 3, 8, 8))] * 2),
        "2 grids of 4 images",
    ),
    "animate_denoising": (
        lambda: animate_denoising(EIGHTS, [EIGHTS, EIGHTS], EIGHTS),
        "6 noisy inputs",
    ),
}


def figure_name(figure) -> str:
    """Return the name a figure carries: a plotly title or a matplotlib figure's label."""
    if isinstance(figure, go.Figure):
        return figure.layout.title.text
    if isinstance(figure, FuncAnimation):
        figure.to_jshtml()  # an animation never drawn warns when it is deleted
        figure = figure._fig
    return figure.get_label()


@pytest.mark.parametrize("make, says", FIGURES.values(), ids=FIGURES.keys())
def test_every_figure_is_named_after_what_it_shows(make, says):
    assert says in figure_name(make())


def test_a_given_title_names_the_figure():
    assert (
        figure_name(plot_scatter2D(RNG.random((4, 2)), np.arange(4) % 2, title="codes"))
        == "codes"
    )
    assert (
        figure_name(plot_image_grid(np.zeros((4, 3, 8, 8)), title="faces")) == "faces"
    )
    assert figure_name(plot_history({"a": [1.0]}, title="loss")) == "loss"


@pytest.mark.parametrize("name", ["animate_image_grids", "animate_denoising"])
def test_animation_pages_give_the_frame_image_the_figures_name_as_alt_text(name):
    anim = FIGURES[name][0]()
    (alt,) = re.findall(r'<img alt="([^"]*)" id="_anim_img', anim.to_jshtml())
    assert html.unescape(alt) == anim._fig.get_label() != ""


# --------------------------------------------------------------------------- no global state


@pytest.mark.parametrize("module", ["plotting", "conv_arithmetic"])
def test_importing_changes_no_matplotlib_rcparams_or_plotly_defaults(module):
    # the module was imported when this file was: run its code once more, from known settings
    renderer, template = pio.renderers.default, pio.templates.default
    pio.renderers.default, pio.templates.default = "json", "ggplot2"
    with matplotlib.rc_context():  # puts back whatever the module's code might change
        matplotlib.rcdefaults()
        rc = dict(matplotlib.rcParams)
        runpy.run_path(str(ROOT / "utils" / f"{module}.py"), run_name=f"utils.{module}")
        changed = sorted(k for k, v in matplotlib.rcParams.items() if rc.get(k) != v)
    after = (pio.renderers.default, pio.templates.default)
    pio.renderers.default, pio.templates.default = renderer, template
    assert not changed, f"rcParams changed on import: {changed}"
    assert after == ("json", "ggplot2"), f"plotly defaults changed on import: {after}"


def test_star_import_gives_the_notebooks_every_plotter_they_call_and_nothing_else():
    import utils.plotting as plotting

    called = set()
    for notebook in sorted((ROOT / "lectures").glob("*.ipynb")):
        source = "\n".join(
            "".join(cell["source"])
            for cell in json.loads(notebook.read_text())["cells"]
        )
        called |= set(re.findall(r"\b((?:plot|animate)_\w+)\(", source))
    # the drawings of utils.conv_arithmetic are imported by name
    called &= set(dir(plotting))
    namespace: dict = {}
    exec("from utils.plotting import *", namespace)
    exported = {k for k in namespace if not k.startswith("__")}
    assert called and called <= exported
    assert exported == set(plotting.__all__)
    assert all(callable(getattr(plotting, name)) for name in exported)


@pytest.mark.parametrize("nrow, count", [(8, 16), (8, 64), (2, 6)])
def test_image_grid_figure_fills_the_page_width_and_has_the_grid_shape(nrow, count):
    fig = plot_image_grid(np.zeros((count, 3, 32, 32)), nrow=nrow, title="t")
    grid = fig.axes[0].images[0].get_array().shape
    width, height = fig.get_size_inches()
    # about 650 px, the column is 688
    assert max(width, height - 0.35) == pytest.approx(GRID_INCHES)
    # no band of white below
    assert height - 0.35 == pytest.approx(width * grid[0] / grid[1])


def test_animate_denoising_is_page_wide_with_large_digits_and_light_palette_frames():
    anim = animate_denoising(EIGHTS, [EIGHTS] * 3, EIGHTS)
    html = anim.to_jshtml()
    fig = anim._fig
    assert fig.get_size_inches()[0] * fig.dpi > 600
    # a 30 px row holds a 28 px digit
    digit_px = fig.axes[0].get_window_extent().height * 28 / 30
    assert digit_px > 60
    assert len(re.findall(r"data:image/png;base64", html)) == 3
    # full-colour PNG frames: about 2x
    assert len(html) < 200_000, f"{len(html) / 1e3:.0f} kB"
