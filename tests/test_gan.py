"""Notebook 04's DCGAN and GAN results: the notebook's own definitions, at every profile's sizes.

The models are not re-typed here: ``notebook_code`` runs the notebook's cells
tagged ``dcgan-definitions``. The lecture's parameter counts are checked against the
lecture's facts page by ``test_lecture_scale.py``, from what the notebook prints.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import math
import re

import lecture_facts as lecture
import pytest
import torch
from notebook_code import GANS, code_cells, definitions, run_through, tagged_sources
from torch import nn

from benchmarks import gan_quality
from utils.profiles import PROFILES, GanSizes

ALL_SIZES = sorted(
    {
        sizes
        for profile in PROFILES.values()
        for sizes in (profile.gan, profile.gan_small_images)
    },
    key=lambda sizes: (sizes.image_size, sizes.width, sizes.latent_size),
)
SMALLEST = ALL_SIZES[0]


@pytest.fixture(scope="module")
def dcgan() -> dict:
    return definitions(GANS, "dcgan-definitions")


def build(sizes: GanSizes) -> dict:
    """Run the notebook's build cell at ``sizes`` on the CPU; return its namespace."""
    namespace = definitions(GANS, "dcgan-definitions")
    namespace.update(sizes=sizes, device=torch.device("cpu"))
    with contextlib.redirect_stdout(io.StringIO()):  # the build cell prints netG
        return definitions(GANS, "dcgan-build", namespace)


def convolutions(net: nn.Module) -> list[nn.Module]:
    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]


@pytest.mark.parametrize("sizes", ALL_SIZES, ids=str)
@torch.no_grad()
def test_each_profiles_networks_map_noise_to_images_and_images_to_probabilities(sizes):
    built = build(sizes)
    netG, netD = built["netG"].eval(), built["netD"].eval()
    fake = netG(torch.randn(2, sizes.latent_size, 1, 1))
    assert fake.shape == (2, 3, sizes.image_size, sizes.image_size)
    assert fake.abs().max() <= 1  # Tanh: the range of the normalised faces
    score = netD(fake)
    assert score.shape == (2, 1) and ((score > 0) & (score < 1)).all()


@pytest.mark.parametrize(
    "image_size, generator, discriminator",
    [(128, "Generator", "Discriminator"), (32, "SmallGenerator", "SmallDiscriminator")],
)
def test_128_pixels_build_the_lectures_six_layer_networks_32_the_four_layer_ones(
    image_size, generator, discriminator
):
    sizes = dataclasses.replace(SMALLEST, image_size=image_size)
    built = build(sizes)
    assert type(built["netG"]).__name__ == generator
    assert type(built["netD"]).__name__ == discriminator
    n_layers = 6 if image_size == 128 else 4
    assert (
        len(convolutions(built["netG"])) == len(convolutions(built["netD"])) == n_layers
    )


@pytest.mark.parametrize("image_size", [32, 64, 256])
def test_the_lectures_networks_refuse_another_image_size(dcgan, image_size):
    for build_one in (
        lambda: dcgan["Generator"](8, 4, image_size),
        lambda: dcgan["Discriminator"](4, image_size),
    ):
        with pytest.raises(
            ValueError, match=rf"image_size must be 128 .*, got {image_size}"
        ):
            build_one()


@pytest.mark.parametrize(
    "name", ["Generator", "Discriminator", "SmallGenerator", "SmallDiscriminator"]
)
def test_each_network_is_written_out_layer_by_layer_not_built_by_a_loop(name):
    """The lecture writes one line per layer; a student edits a layer, not a loop."""
    [source] = [
        s for s in tagged_sources(GANS, "dcgan-definitions") if f"class {name}(" in s
    ]
    tree = ast.parse(source)
    [cls] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
    loops = (
        ast.For,
        ast.While,
        ast.ListComp,
        ast.GeneratorExp,
        ast.SetComp,
        ast.DictComp,
    )
    assert not [n for n in ast.walk(cls) if isinstance(n, loops)], f"{name} uses a loop"
    layers = [
        n.func.attr
        for n in ast.walk(cls)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in ("Conv2d", "ConvTranspose2d")
    ]
    assert len(layers) == (6 if not name.startswith("Small") else 4), layers


def test_the_lectures_networks_have_the_lectures_channels_at_the_gpu_profile():
    """Each convolution's (in, out, kernel, stride, padding, bias), from the facts page."""
    built = build(PROFILES["gpu"].gan)
    generator = [
        (m.in_channels, m.out_channels, m.kernel_size[0], m.stride[0], m.padding[0])
        for m in convolutions(built["netG"])
    ]
    channels = [lecture.GAN_LATENT] + lecture.GENERATOR_CHANNELS + [3]
    expected = [(channels[0], channels[1], 4, 1, 0)] + [
        (c_in, c_out, 4, 2, 1) for c_in, c_out in zip(channels[1:], channels[2:])
    ]
    assert generator == expected
    discriminator = [
        (m.in_channels, m.out_channels) for m in convolutions(built["netD"])
    ]
    d_channels = lecture.DISCRIMINATOR_CHANNELS + [1]
    assert discriminator == list(zip(d_channels, d_channels[1:]))


def test_only_the_discriminators_last_convolution_has_a_bias(dcgan):
    """A bias before a batch norm cancels out; the lecture keeps the one before the sigmoid."""
    lecture = GanSizes.lecture()
    netG = dcgan["Generator"](lecture.latent_size, lecture.width, lecture.image_size)
    netD = dcgan["Discriminator"](lecture.width, lecture.image_size)
    with_bias = [
        m
        for net in (netG, netD)
        for m in net.modules()
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)) and m.bias is not None
    ]
    last_conv = [m for m in netD.modules() if isinstance(m, nn.Conv2d)][-1]
    assert with_bias == [last_conv]


def test_weights_init_draws_dcgan_statistics(dcgan):
    torch.manual_seed(0)
    conv, deconv = nn.Conv2d(64, 64, 4), nn.ConvTranspose2d(64, 64, 4, bias=False)
    norm, linear = nn.BatchNorm2d(4096), nn.Linear(3, 3)
    linear_before = linear.weight.clone()
    for layer in (conv, deconv, norm, linear):
        dcgan["weights_init"](layer)
    for weight in (conv.weight, deconv.weight):
        assert abs(weight.mean().item()) < 0.002
        assert weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert norm.weight.mean().item() == pytest.approx(1.0, abs=0.002)
    assert norm.weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert torch.count_nonzero(norm.bias) == 0
    assert torch.equal(linear.weight, linear_before)  # other layers are left alone


def test_weights_init_reaches_every_layer_through_apply(dcgan):
    torch.manual_seed(0)
    net = dcgan["SmallDiscriminator"](8).apply(dcgan["weights_init"])
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            assert (
                m.weight.std().item() < 0.03
            )  # PyTorch's default init is far wider here
        if isinstance(m, nn.BatchNorm2d):
            assert (m.weight - 1).abs().max().item() < 0.1


@torch.no_grad()
def test_discriminator_calls_its_layer_stack_and_sigmoid_once_so_summaries_list_them(
    dcgan,
):
    netD = dcgan["SmallDiscriminator"](8).eval()
    calls = []
    netD.main.register_forward_hook(lambda m, i, out: calls.append(out.shape))
    netD.sigmoid.register_forward_hook(lambda m, i, out: calls.append(out.dtype))
    netD(torch.randn(2, 3, 32, 32))
    assert calls == [torch.Size([2, 1]), torch.float32]


# --------------------------------------------------------------------------- profiles


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_dcgan_size_that_differs_from_the_lectures_says_why(name):
    for sizes in (PROFILES[name].gan, PROFILES[name].gan_small_images):
        rows = {row[0]: row for row in sizes._table()}
        for size in sizes.differences():
            assert rows[size][3].strip(), (
                f"{name}: {size} differs from the lecture's, no why"
            )
        assert f"<td>{sizes.LECTURE['image_size']}</td>" in sizes._repr_html_()


def test_the_gpu_profile_trains_one_dcgan_whatever_faces_it_finds():
    gpu = PROFILES["gpu"]  # its sizes are the lecture's: test_lecture_scale.py
    assert gpu.gan_small_images == gpu.gan


# --------------------------------------------------------------------------- executed notebook


@pytest.fixture(scope="module")
def gans(executed_notebook):
    return executed_notebook("04_gans")


@pytest.mark.slow
def test_autograd_confirms_both_generator_loss_gradients(gans, cell_text):
    text = cell_text(gans, "gradient-check")
    assert re.search(r"minimax loss: True", text), text
    assert re.search(r"non-saturating loss: True", text), text


@pytest.mark.slow
def test_quality_figures_are_printed_and_finite(gans):
    found = gan_quality.results(gans)
    assert all(math.isfinite(value) for value in found.values()), found
    assert 0 < found["d_real"] < 1 and 0 < found["d_fake"] < 1
    assert found["diversity"] > 0
    figures = gan_quality.figures(gans)
    assert figures and not any(f.error for f in figures)


@pytest.mark.slow
def test_the_one_dimensional_panels_are_described_from_the_run(gans, cell_text):
    lines = cell_text(gans, "gan1d-panels").splitlines()
    assert [line[:3] for line in lines[:4]] == ["(a)", "(b)", "(c)", "(d)"]
    assert len(lines) == 5  # and one sentence on how far the run got


def test_a_failed_notebook_gives_a_failed_quality_figure():
    from benchmarks.notebooks import Execution

    figures = gan_quality.figures(Execution("04_gans", "cpu", 1.0, error="boom"))
    assert len(figures) == 1 and "boom" in figures[0].error


def test_running_the_notebook_to_a_tag_that_is_not_there_names_it():
    with pytest.raises(
        ValueError, match="run_through: .* tagged 'no-such-cell', got none"
    ):
        run_through(GANS, "no-such-cell")


# --------------------------------------------------------------------------- the page's code


def test_the_lecture_log_the_notebook_prints_is_the_facts_pages():
    [source] = tagged_sources(GANS, "lecture-log")
    tree = ast.parse(source)
    [value] = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and node.targets[0].id == "lecture_log"
    ]
    typed = ast.literal_eval(value)
    assert {epoch: row for epoch, row in enumerate(typed, 1)} == lecture.GAN_EXAMPLE_LOG


def _bound_names(tree: ast.AST) -> set[str]:
    """Return every name a piece of code binds: assignments, imports, defs, arguments."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def test_no_cell_uses_a_name_that_only_a_later_cell_defines():
    """Run out of order or one by one, a cell must not need a name defined further down."""
    import builtins

    from IPython.core.inputtransformer2 import TransformerManager

    import utils.plotting

    cells = [cell.source for cell in code_cells(GANS)]
    trees = [ast.parse(TransformerManager().transform_cell(src)) for src in cells]
    known = set(dir(builtins)) | set(utils.plotting.__all__)  # the star import
    for index, tree in enumerate(trees):
        known |= _bound_names(tree)
        used = {
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        }
        later = set().union(*(_bound_names(t) for t in trees[index + 1 :]))
        early = sorted((used - known) & later)
        assert not early, f"code cell {index} uses {early}, defined only later"


def test_code_cells_are_short_and_the_training_cell_at_most_30_lines():
    cells = code_cells(GANS)
    # the first cell (install and imports) is the set-up cell's own business
    lengths = {i: len(c.source.splitlines()) for i, c in enumerate(cells) if i > 0}
    assert max(lengths.values()) <= 40, lengths
    [training] = tagged_sources(GANS, "dcgan-training")
    assert len(training.splitlines()) <= 30


def test_a_profile_image_size_without_networks_in_the_notebook_is_refused():
    with pytest.raises(ValueError, match="image_size must be one of 32, 128, got 64"):
        dataclasses.replace(PROFILES["cpu"].gan, image_size=64)
