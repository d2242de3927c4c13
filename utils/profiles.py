"""The sizes each scale profile uses: one table for every notebook.

``smoke`` only proves that the code runs (the tests use it), ``cpu`` gives real
results on a laptop in a few minutes per notebook, and ``gpu`` is the lecture's
own scale. ``COURSE_PROFILE`` picks one (see :func:`utils.runtime.get_profile_name`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

import torch

from utils.runtime import PROFILE_NAMES, get_profile_name


class _Sizes:
    """Shows a sizes dataclass as a two-column table in a notebook, one line per size in text."""

    def _rows(self) -> list[tuple[str, object]]:
        """Return (name, value) for every size."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def __str__(self) -> str:
        width = max(len(name) for name, _ in self._rows())
        lines = [f"{name:<{width}}  {value}" for name, value in self._rows()]
        return f"{type(self).__name__}\n" + "\n".join(f"  {line}" for line in lines)

    def _repr_html_(self) -> str:
        cells = "".join(f"<tr><td><code>{name}</code></td><td>{value}</td></tr>"
                        for name, value in self._rows())
        return (f"<table><caption>{type(self).__name__}</caption>"
                f"<tr><th>size</th><th>value</th></tr>{cells}</table>")


@dataclass(frozen=True)
class DenoiserSizes(_Sizes):
    """Sizes of the denoising autoencoder on MNIST 8s (section 2.2)."""

    epochs: int
    batch_size: int
    max_train_images: int | None  # None: every 8 in the training set
    noise: float = 0.5
    learning_rate: float = 1e-3  # Adam's default


@dataclass(frozen=True)
class GanSizes(_Sizes):
    """Sizes of the DCGAN on faces (section 4); ``width=64`` and 128x128 is the lecture's."""

    image_size: int
    width: int  # channels of the discriminator's first layer; the generator mirrors it
    latent_size: int
    batch_size: int
    epochs: int
    max_images: int | None  # None: every face found
    learning_rate: float = 2e-4  # the lecture's (and the DCGAN paper's) Adam learning rate


@dataclass(frozen=True)
class Gan1DSizes(_Sizes):
    """Sizes of the tiny 1-D GAN that reproduces the paper's picture (section 4)."""

    steps: int
    batch_size: int


@dataclass(frozen=True)
class MultiInputSizes(_Sizes):
    """Sizes of the image + table house-price task (section 5)."""

    n_train: int
    n_test: int
    epochs: int
    batch_size: int


@dataclass(frozen=True)
class Profile:
    """All sizes of one profile, one field per notebook that trains something."""

    name: str
    denoiser: DenoiserSizes
    gan: GanSizes
    gan1d: Gan1DSizes
    multi_input: MultiInputSizes


PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        name="smoke",
        denoiser=DenoiserSizes(epochs=2, batch_size=32, max_train_images=64),
        gan=GanSizes(image_size=16, width=8, latent_size=16, batch_size=16, epochs=2,
                     max_images=32),
        gan1d=Gan1DSizes(steps=60, batch_size=64),
        multi_input=MultiInputSizes(n_train=128, n_test=64, epochs=2, batch_size=32),
    ),
    "cpu": Profile(
        name="cpu",
        denoiser=DenoiserSizes(epochs=20, batch_size=8, max_train_images=400, learning_rate=3e-3),
        gan=GanSizes(image_size=32, width=32, latent_size=100, batch_size=25, epochs=150,
                     max_images=100, learning_rate=5e-4),
        gan1d=Gan1DSizes(steps=2000, batch_size=128),
        multi_input=MultiInputSizes(n_train=2000, n_test=500, epochs=15, batch_size=64),
    ),
    "gpu": Profile(
        name="gpu",
        denoiser=DenoiserSizes(epochs=20, batch_size=32, max_train_images=None, learning_rate=3e-3),
        gan=GanSizes(image_size=128, width=64, latent_size=200, batch_size=64, epochs=50,
                     max_images=None),
        gan1d=Gan1DSizes(steps=3000, batch_size=256),
        multi_input=MultiInputSizes(n_train=8000, n_test=2000, epochs=30, batch_size=128),
    ),
}


def get_profile(name: str | None = None, device: torch.device | None = None,
                verbose: bool = True) -> Profile:
    """Return the sizes of profile ``name``; by default the one ``COURSE_PROFILE`` or the device picks."""
    why = "given"
    if name is None:
        why = "set by COURSE_PROFILE" if os.environ.get("COURSE_PROFILE") else "chosen from the device"
        name = get_profile_name(device)
    if name not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILE_NAMES)}, got {name!r}")
    if verbose:
        print(f"Profile: {name} ({why}; COURSE_PROFILE=smoke|cpu|gpu changes it)")
    return PROFILES[name]
