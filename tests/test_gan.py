"""The DCGAN of section 4: the lecture's layers at the gpu profile, smaller profiles that fit, DCGAN init."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from utils.gan import Discriminator, Generator, weights_init
from utils.profiles import PROFILES

LECTURE = PROFILES["gpu"].gan

# The lecture's layers, written out: (layer type, in channels, out channels, kernel, stride, padding).
LECTURE_GENERATOR = [
    (nn.ConvTranspose2d, 200, 1024, 4, 1, 0),
    (nn.ConvTranspose2d, 1024, 512, 4, 2, 1),
    (nn.ConvTranspose2d, 512, 256, 4, 2, 1),
    (nn.ConvTranspose2d, 256, 128, 4, 2, 1),
    (nn.ConvTranspose2d, 128, 64, 4, 2, 1),
    (nn.ConvTranspose2d, 64, 3, 4, 2, 1),
]
LECTURE_DISCRIMINATOR = [
    (nn.Conv2d, 3, 64, 4, 2, 1),
    (nn.Conv2d, 64, 64, 4, 2, 1),
    (nn.Conv2d, 64, 128, 4, 2, 1),
    (nn.Conv2d, 128, 256, 4, 2, 1),
    (nn.Conv2d, 256, 512, 4, 2, 1),
    (nn.Conv2d, 512, 1, 4, 1, 0),
]


def conv_layers(model: nn.Module) -> list[tuple]:
    """Return the model's convolutions as (type, in, out, kernel, stride, padding)."""
    return [(type(m), m.in_channels, m.out_channels, m.kernel_size[0], m.stride[0], m.padding[0])
            for m in model.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]


def expected_parameters(layers: list[tuple], batch_norms: list[int]) -> int:
    """Return the parameter count of bias-free convolutions plus batch norms (a scale and a shift each)."""
    return sum(c_in * c_out * k * k for _, c_in, c_out, k, _, _ in layers) + 2 * sum(batch_norms)


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def test_gpu_profile_is_the_lecture_scale():
    assert (LECTURE.image_size, LECTURE.width, LECTURE.latent_size) == (128, 64, 200)
    assert (LECTURE.batch_size, LECTURE.epochs) == (64, 50)


def test_lecture_generator_has_the_lecture_layers_and_parameter_count():
    net = Generator(LECTURE.latent_size, LECTURE.width, LECTURE.image_size)
    assert conv_layers(net) == LECTURE_GENERATOR
    assert all(m.bias is None for m in net.modules() if isinstance(m, nn.ConvTranspose2d))
    norms = [m.num_features for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    assert norms == [1024, 512, 256, 128, 64]  # after every layer but the last
    relus = [m for m in net.modules() if isinstance(m, nn.LeakyReLU)]
    assert len(relus) == 5 and all(r.negative_slope == 0.2 and r.inplace for r in relus)
    assert isinstance(list(net.modules())[-1], nn.Tanh)
    assert n_params(net) == expected_parameters(LECTURE_GENERATOR, norms) == 14_424_960


def test_lecture_discriminator_has_the_lecture_layers_and_parameter_count():
    net = Discriminator(LECTURE.width, LECTURE.image_size)
    assert conv_layers(net) == LECTURE_DISCRIMINATOR
    assert all(m.bias is None for m in net.modules() if isinstance(m, nn.Conv2d))
    norms = [m.num_features for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    assert norms == [64, 64, 128, 256, 512]
    relus = [m for m in net.modules() if isinstance(m, nn.LeakyReLU)]
    assert len(relus) == 5 and all(r.negative_slope == 0.2 for r in relus)
    assert [type(m) for m in list(net.modules())[-2:]] == [nn.Flatten, nn.Sigmoid]
    assert n_params(net) == expected_parameters(LECTURE_DISCRIMINATOR, norms) == 2_831_360


@torch.no_grad()
def test_lecture_models_map_noise_to_128px_images_and_images_to_probabilities():
    gen = Generator(LECTURE.latent_size, LECTURE.width, LECTURE.image_size).eval()
    disc = Discriminator(LECTURE.width, LECTURE.image_size).eval()
    fake = gen(torch.randn(2, LECTURE.latent_size, 1, 1))
    assert fake.shape == (2, 3, 128, 128)
    assert fake.abs().max() <= 1  # Tanh
    score = disc(fake)
    assert score.shape == (2, 1)
    assert ((score > 0) & (score < 1)).all()  # Sigmoid


@pytest.mark.parametrize("profile", ["smoke", "cpu"])
@torch.no_grad()
def test_smaller_profiles_produce_their_image_size(profile):
    sizes = PROFILES[profile].gan
    gen = Generator(sizes.latent_size, sizes.width, sizes.image_size).eval()
    disc = Discriminator(sizes.width, sizes.image_size).eval()
    fake = gen(torch.randn(3, sizes.latent_size, 1, 1))
    assert fake.shape == (3, 3, sizes.image_size, sizes.image_size)
    assert disc(fake).shape == (3, 1)


@pytest.mark.parametrize("image_size, n_layers", [(16, 3), (32, 4), (64, 5), (256, 7)])
@torch.no_grad()
def test_layer_count_grows_with_image_size(image_size, n_layers):
    gen = Generator(8, 4, image_size, channels=1).eval()
    disc = Discriminator(4, image_size, channels=1).eval()
    assert len(conv_layers(gen)) == len(conv_layers(disc)) == n_layers
    assert gen(torch.randn(2, 8, 1, 1)).shape == (2, 1, image_size, image_size)
    assert disc(torch.randn(2, 1, image_size, image_size)).shape == (2, 1)


def test_weights_init_draws_dcgan_statistics():
    torch.manual_seed(0)
    conv, deconv = nn.Conv2d(64, 64, 4, bias=True), nn.ConvTranspose2d(64, 64, 4, bias=False)
    norm = nn.BatchNorm2d(4096)
    linear = nn.Linear(3, 3)
    linear_before = linear.weight.clone()
    for layer in (conv, deconv, norm, linear):
        weights_init(layer)
    for weight in (conv.weight, deconv.weight):
        assert abs(weight.mean().item()) < 0.002
        assert weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert torch.count_nonzero(conv.bias) == 0
    assert norm.weight.mean().item() == pytest.approx(1.0, abs=0.002)
    assert norm.weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert torch.count_nonzero(norm.bias) == 0
    assert torch.equal(linear.weight, linear_before)  # other layers are left alone


def test_weights_init_reaches_every_layer_through_apply():
    torch.manual_seed(0)
    net = Discriminator(8, 16).apply(weights_init)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            assert m.weight.std().item() < 0.03  # PyTorch's default init is far wider here
        if isinstance(m, nn.BatchNorm2d):
            assert (m.weight - 1).abs().max().item() < 0.1


@pytest.mark.parametrize("build, message", [
    (lambda: Generator(200, 64, 100), "Generator: image_size must be a power of two >= 16"),
    (lambda: Generator(200, 64, 8), "got 8"),
    (lambda: Generator(200, 64, 128.0), "got 128.0"),
    (lambda: Generator(0, 64, 128), "Generator: latent_size must be an int >= 1, got 0"),
    (lambda: Generator(200, 0, 128), "Generator: width must be an int >= 1, got 0"),
    (lambda: Generator(200, 64, 128, channels=0), "channels must be an int >= 1"),
    (lambda: Discriminator(64, 48), "Discriminator: image_size must be a power of two >= 16"),
    (lambda: Discriminator(-1, 128), "Discriminator: width must be an int >= 1, got -1"),
    (lambda: Discriminator(True, 128), "width must be an int >= 1, got True"),
])
def test_bad_arguments_raise_a_clear_error(build, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build()


def test_weights_init_rejects_what_is_not_a_module():
    with pytest.raises(TypeError, match="weights_init: m must be a torch.nn.Module, got Tensor"):
        weights_init(torch.zeros(3))


@torch.no_grad()
def test_discriminator_keeps_confident_probabilities_below_one_under_bfloat16_autocast():
    torch.manual_seed(0)
    disc = Discriminator(8, 16).eval()
    x = torch.randn(1, 3, 16, 16)
    last_conv = disc.main[-2]
    last_conv.weight *= 7.0 / disc.main(x).item()  # a score of about 7: p = 0.9991
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert disc.main(x).dtype == torch.bfloat16  # the convolutions do run in bfloat16
        p = disc(x)
    assert p.dtype == torch.float32
    assert 0.998 < p.item() < 1.0  # in bfloat16 the sigmoid would round it to exactly 1


@torch.no_grad()
def test_discriminator_runs_its_layer_stack_as_one_module_so_summaries_list_it():
    """forward calls ``main`` itself (not a slice of it), so torchsummary sees every layer once."""
    disc = Discriminator(8, 16).eval()
    calls = []
    disc.main.register_forward_hook(lambda m, i, out: calls.append(out.shape))
    disc.sigmoid.register_forward_hook(lambda m, i, out: calls.append(out.dtype))
    disc(torch.randn(2, 3, 16, 16))
    assert calls == [torch.Size([2, 1]), torch.float32]
