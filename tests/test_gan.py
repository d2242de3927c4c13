"""Notebook 04's DCGAN and GAN results: the notebook's own definitions, at every profile's sizes.

The models are not re-typed here: ``notebook_code`` runs the notebook's cells
tagged ``dcgan-definitions``. The lecture's parameter counts are checked against the
lecture's facts page by ``test_lecture_scale.py``, from what the notebook prints.
"""

from __future__ import annotations

import math
import re

import pytest
import torch
from notebook_code import GANS, definitions, run_through
from torch import nn

from benchmarks import gan_quality
from utils.profiles import PROFILES, GanSizes

ALL_SIZES = sorted(
    {
        (sizes.image_size, sizes.width, sizes.latent_size)
        for profile in PROFILES.values()
        for sizes in (profile.gan, profile.gan_small_images)
    }
)


@pytest.fixture(scope="module")
def dcgan() -> dict:
    return definitions(GANS, "dcgan-definitions")


@pytest.mark.parametrize("image_size, width, latent_size", ALL_SIZES)
@torch.no_grad()
def test_each_profiles_networks_map_noise_to_images_and_images_to_probabilities(
    dcgan, image_size, width, latent_size
):
    netG = dcgan["Generator"](latent_size, width, image_size).eval()
    netD = dcgan["Discriminator"](width, image_size).eval()
    fake = netG(torch.randn(2, latent_size, 1, 1))
    assert fake.shape == (2, 3, image_size, image_size)
    assert fake.abs().max() <= 1  # Tanh: the range of the normalised faces
    score = netD(fake)
    assert score.shape == (2, 1) and ((score > 0) & (score < 1)).all()


@pytest.mark.parametrize("image_size, n_layers", [(16, 3), (32, 4), (64, 5), (128, 6)])
def test_each_doubling_of_the_image_adds_one_layer_to_each_network(
    dcgan, image_size, n_layers
):
    def convolutions(net):
        return [
            m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))
        ]

    assert len(convolutions(dcgan["Generator"](8, 4, image_size))) == n_layers
    assert len(convolutions(dcgan["Discriminator"](4, image_size))) == n_layers


@pytest.mark.parametrize("image_size", [8, 48, 100])
def test_an_image_size_that_is_not_a_power_of_two_from_16_is_refused(dcgan, image_size):
    for build in (
        lambda: dcgan["Generator"](8, 4, image_size),
        lambda: dcgan["Discriminator"](4, image_size),
    ):
        with pytest.raises(
            ValueError, match=rf"image_size must be .*, got {image_size}"
        ):
            build()


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
    net = dcgan["Discriminator"](8, 16).apply(dcgan["weights_init"])
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
    netD = dcgan["Discriminator"](8, 16).eval()
    calls = []
    netD.main.register_forward_hook(lambda m, i, out: calls.append(out.shape))
    netD.sigmoid.register_forward_hook(lambda m, i, out: calls.append(out.dtype))
    netD(torch.randn(2, 3, 16, 16))
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
