"""The lecture's DCGAN (section 4): generator, discriminator and their weight initialisation.

With ``width=64``, ``image_size=128`` and ``latent_size=200`` the two networks are
exactly the lecture's; other values scale the same design down (fewer layers for
smaller images, fewer channels for a smaller ``width``) so that it trains on a CPU.
The notebook and the benchmark both build their models here.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["Generator", "Discriminator", "weights_init"]


def _check_sizes(caller: str, image_size: object, width: object, channels: object) -> int:
    """Validate the shared arguments; return the number of stride-2 layers, log2(image_size) - 2."""
    for name, value, low in (("width", width, 1), ("channels", channels, 1)):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ValueError(f"{caller}: {name} must be an int >= {low}, got {value!r}")
    if (not isinstance(image_size, int) or isinstance(image_size, bool) or image_size < 16
            or image_size & (image_size - 1)):
        raise ValueError(f"{caller}: image_size must be a power of two >= 16 "
                         f"(16, 32, 64, 128, ...), got {image_size!r}")
    return int(math.log2(image_size)) - 2  # 4x4 is doubled this many times to reach image_size


class Generator(nn.Module):
    """Map noise (N, latent_size, 1, 1) to images (N, channels, image_size, image_size) in [-1, 1].

    Args:
        latent_size: length of the noise vector z (the lecture's ``LATENT_SIZE``, 200).
        width: channels of the last hidden layer; each earlier layer has twice as many
            (the lecture: 64, so 1024 -> 512 -> 256 -> 128 -> 64).
        image_size: side of the square output, a power of two >= 16 (the lecture: 128).
        channels: colour channels of the output (3 for RGB).
    """

    def __init__(self, latent_size: int, width: int, image_size: int, channels: int = 3) -> None:
        super().__init__()
        n_up = _check_sizes("Generator", image_size, width, channels)
        if not isinstance(latent_size, int) or isinstance(latent_size, bool) or latent_size < 1:
            raise ValueError(f"Generator: latent_size must be an int >= 1, got {latent_size!r}")
        self.latent_size, self.image_size = latent_size, image_size
        widths = [width * 2 ** (n_up - 1 - i) for i in range(n_up)]  # e.g. 1024, 512, ..., 64
        layers: list[nn.Module] = [
            # 1x1 => 4x4: the noise vector becomes a small, deep feature map
            nn.ConvTranspose2d(latent_size, widths[0], kernel_size=4, stride=1, padding=0,
                               bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.LeakyReLU(0.2, inplace=True),
        ]
        for c_in, c_out in zip(widths, widths[1:]):
            layers += [  # s x s => 2s x 2s (4x4 => 8x8 => ...), half the channels
                nn.ConvTranspose2d(c_in, c_out, kernel_size=4, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.LeakyReLU(0.2, inplace=True),
            ]
        layers += [  # image_size/2 => image_size, and `channels` colours in [-1, 1]
            nn.ConvTranspose2d(widths[-1], channels, kernel_size=4, stride=2, padding=1,
                               bias=False),
            nn.Tanh(),
        ]
        self.main = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Return images (N, channels, image_size, image_size) for noise (N, latent_size, 1, 1)."""
        return self.main(z)


class Discriminator(nn.Module):
    """Map an image (N, channels, image_size, image_size) to the probability (N, 1) that it is real.

    Args:
        width: channels of the first two layers; each later layer doubles them
            (the lecture: 64, so 64 -> 64 -> 128 -> 256 -> 512).
        image_size: side of the square input, a power of two >= 16 (the lecture: 128).
        channels: colour channels of the input (3 for RGB).
    """

    def __init__(self, width: int, image_size: int, channels: int = 3) -> None:
        super().__init__()
        n_down = _check_sizes("Discriminator", image_size, width, channels)
        self.image_size = image_size
        widths = [width] + [width * 2 ** i for i in range(n_down - 1)]  # e.g. 64, 64, 128, 256, 512
        layers: list[nn.Module] = []
        c_in = channels
        for c_out in widths:
            layers += [  # s x s => s/2 x s/2 (image_size => image_size/2 => ... => 4x4)
                nn.Conv2d(c_in, c_out, kernel_size=4, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.LeakyReLU(0.2, inplace=True),
            ]
            c_in = c_out
        layers += [
            nn.Conv2d(c_in, 1, kernel_size=4, stride=1, padding=0, bias=False),  # 4x4 => 1x1
            nn.Flatten(),  # (N, 1, 1, 1) => (N, 1): one score per image
        ]
        self.main = nn.Sequential(*layers)
        self.sigmoid = nn.Sigmoid()  # a score => a probability of "real"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return float32 probabilities (N, 1) that images (N, channels, size, size) are real."""
        scores = self.main(x)
        # The sigmoid in float32, even under autocast: bfloat16 would round p > 0.998 up to 1
        return self.sigmoid(scores.float())


def weights_init(m: nn.Module) -> None:
    """Initialise one layer as DCGAN does (use ``model.apply(weights_init)``); returns nothing.

    Convolutions get weights from N(0, 0.02); batch norms get scales from N(1, 0.02)
    and zero shifts. Other layers are left as they are.
    """
    if not isinstance(m, nn.Module):
        raise TypeError(f"weights_init: m must be a torch.nn.Module, got {type(m).__name__}")
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, mean=0.0, std=0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, mean=1.0, std=0.02)
        nn.init.zeros_(m.bias)
