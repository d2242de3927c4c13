"""The sizes each scale profile uses: one table for every notebook.

``smoke`` only proves that the code runs (the tests use it), ``cpu`` gives real
results on a laptop in a few minutes per notebook, and ``gpu`` is the lecture's
own scale. ``COURSE_PROFILE`` picks one (see :func:`utils.runtime.get_profile_name`).
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, fields
from typing import ClassVar

import torch

from utils._checks import check_choice, check_int
from utils.runtime import PROFILE_NAMES, get_profile_name


class _Sizes:
    """A profile's sizes for one notebook, shown as a table next to the lecture's values.

    A subclass sets ``LECTURE`` to the lecture's value of each size (``None``: the lecture
    has no such model) and may declare ``why: InitVar[dict[str, str] | None] = None`` so
    that each profile row says why a size differs from the lecture's.
    """

    LECTURE: ClassVar[dict[str, object] | None] = None

    def __post_init__(self, why: Mapping[str, str] | None = None) -> None:
        object.__setattr__(self, "_why", dict(why or {}))

    @classmethod
    def lecture(cls) -> _Sizes:
        """Return the lecture's sizes (the ``gpu`` profile's), or raise if it has none."""
        if cls.LECTURE is None:
            raise ValueError(f"{cls.__name__}: the lecture has no such model")
        return cls(**cls.LECTURE)

    def _rows(self) -> list[tuple[str, object]]:
        """Return (name, value) for every size."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def differences(self) -> dict[str, tuple[object, object]]:
        """Return {size: (this profile's value, the lecture's)} for each size that differs."""
        lecture = self.LECTURE or {}
        return {
            name: (value, lecture[name])
            for name, value in self._rows()
            if name in lecture and value != lecture[name]
        }

    def _table(self) -> list[tuple[str, ...]]:
        """Return (size, value[, the lecture's, why]) as text, one tuple per size."""
        if self.LECTURE is None:
            return [(name, str(value)) for name, value in self._rows()]
        why = getattr(self, "_why", {})
        return [
            (
                name,
                str(value),
                str(self.LECTURE[name]),
                "the lecture's" if value == self.LECTURE[name] else why.get(name, ""),
            )
            for name, value in self._rows()
        ]

    def _headers(self) -> tuple[str, ...]:
        if self.LECTURE is None:
            return ("size", "value")
        return ("size", "this profile", "the lecture", "why")

    def _caption(self) -> str:
        if self.LECTURE is None:
            return f"{type(self).__name__} (not in the lecture)"
        return type(self).__name__

    def __str__(self) -> str:
        rows = self._table()
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        lines = [
            "  ".join(f"{cell:<{w}}" for cell, w in zip(row, widths)) + "  " + row[-1]
            for row in rows
        ]
        return f"{self._caption()}\n" + "\n".join(
            f"  {line.rstrip()}" for line in lines
        )

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in self._headers())
        body = "".join(
            "<tr><td><code>"
            + row[0]
            + "</code></td>"
            + "".join(f"<td>{html.escape(cell)}</td>" for cell in row[1:])
            + "</tr>"
            for row in self._table()
        )
        return (
            f"<table><caption>{self._caption()}</caption><tr>{head}</tr>{body}</table>"
        )


@dataclass(frozen=True)
class DenoiserSizes(_Sizes):
    """Sizes of the denoising autoencoder of section 2.2 (``gpu``: the lecture's)."""

    max_train_images: int | None  # None: every 8 in the training set
    epochs: int  # passes over the training 8s (at least)
    min_images_seen: (
        int | None
    )  # None: just ``epochs``; else more epochs until this many
    batch_size: int
    learning_rate: float  # Adam's
    noise: float = 0.5  # standard deviation of the Gaussian noise, before clipping
    why: InitVar[Mapping[str, str] | None] = (
        None  # size => why it differs from the lecture
    )

    LECTURE: ClassVar[dict[str, object]] = {
        "max_train_images": None,
        "epochs": 20,
        "min_images_seen": None,
        "batch_size": 32,
        "learning_rate": 1e-3,
        "noise": 0.5,
    }

    def epochs_for(self, n_images: int) -> int:
        """Return how many epochs to train on ``n_images`` 8s.

        That is ``epochs``, or more when ``epochs`` would show the network fewer than
        ``min_images_seen`` images.
        """
        n_images = check_int(
            "DenoiserSizes.epochs_for", "n_images", n_images, minimum=1
        )
        if self.min_images_seen is None:
            return self.epochs
        return max(self.epochs, math.ceil(self.min_images_seen / n_images))


@dataclass(frozen=True)
class GanSizes(_Sizes):
    """Sizes of the DCGAN on faces (section 4); the ``gpu`` profile's are the lecture's."""

    image_size: int  # 128: the lecture's networks; 32: the pair two doublings shorter
    width: int  # channels of D's first layer and of G's last hidden layer (the lecture: 64)
    latent_size: int  # length of the noise vector z
    batch_size: int
    epochs: int
    max_images: int | None  # None: every face found
    learning_rate: float  # Adam's, for both networks
    why: InitVar[Mapping[str, str] | None] = (
        None  # size => why it differs from the lecture
    )

    LECTURE: ClassVar[dict[str, object]] = {
        "image_size": 128,
        "width": 64,
        "latent_size": 200,
        "batch_size": 64,
        "epochs": 50,
        "max_images": None,
        "learning_rate": 1e-3,
    }
    IMAGE_SIZES: ClassVar[tuple[int, ...]] = (
        32,
        128,
    )  # the notebook's two network depths

    def __post_init__(self, why: Mapping[str, str] | None = None) -> None:
        check_choice("GanSizes", "image_size", self.image_size, self.IMAGE_SIZES)
        super().__post_init__(why)


@dataclass(frozen=True)
class Gan1DSizes(_Sizes):
    """Sizes of the tiny 1-D GAN that plays the GAN paper's picture (section 4.6)."""

    steps: int
    batch_size: int


@dataclass(frozen=True)
class MultiInputSizes(_Sizes):
    """Sizes of the image + table house-price task (section 5.2; the lecture trains none)."""

    n_train: int  # training houses
    n_test: int  # held-out houses
    epochs: int
    batch_size: int
    learning_rate: float = 1e-3  # Adam's default


@dataclass(frozen=True)
class Profile:
    """All sizes of one profile, one field per notebook that trains something."""

    name: str
    denoiser: DenoiserSizes
    gan: GanSizes  # faces stored at 64x64 or more (Kaggle's, LFW in colour, FACES_DIR)
    gan_small_images: GanSizes  # smaller faces: the bundled 100 grey 25x25 LFW faces
    gan1d: Gan1DSizes
    multi_input: MultiInputSizes


_SMOKE = "smoke only proves that the code runs: every size is tiny"
SMOKE_GAN = GanSizes(
    image_size=32,
    width=8,
    latent_size=16,
    batch_size=16,
    epochs=2,
    max_images=32,
    learning_rate=1e-3,
    why=dict.fromkeys(
        ["image_size", "width", "latent_size", "batch_size", "epochs", "max_images"],
        _SMOKE,
    ),
)

PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        name="smoke",
        denoiser=DenoiserSizes(
            max_train_images=64,
            epochs=2,
            min_images_seen=None,
            batch_size=32,
            learning_rate=1e-3,
            why=dict.fromkeys(["max_train_images", "epochs"], _SMOKE),
        ),
        gan=SMOKE_GAN,
        gan_small_images=SMOKE_GAN,
        gan1d=Gan1DSizes(steps=60, batch_size=64),
        multi_input=MultiInputSizes(n_train=128, n_test=64, epochs=2, batch_size=32),
    ),
    "cpu": Profile(
        name="cpu",
        denoiser=DenoiserSizes(
            max_train_images=None,
            epochs=20,
            min_images_seen=100_000,
            batch_size=16,
            learning_rate=2e-3,
            why={
                "min_images_seen": "about the lecture's 117,020 (20 epochs over 5,851 8s):"
                " more epochs when only the bundled 400 are there; 100,000 keeps the "
                "notebook within 3 minutes on a 2-core CPU (measured)",
                "batch_size": "twice the steps per image: a lower loss in the same "
                "time on a CPU (measured)",
                "learning_rate": "with the smaller batches, reaches the lecture's loss "
                "on 400 8s (measured)",
            },
        ),
        gan=GanSizes(
            image_size=128,
            width=8,
            latent_size=100,
            batch_size=64,
            epochs=20,
            max_images=2048,
            learning_rate=1e-3,
            why={
                "width": "an eighth of the channels: the lecture's layers at 128x128 "
                "take about 0.2 s a step on a busy 2-core CPU, width 16 over 1 s "
                "(measured)",
                "latent_size": "the DCGAN paper's 100 suits the smaller generator",
                "epochs": "20 x 32 steps of about 0.2 s (measured) fill 2 to 3 "
                "minutes of a 2-core CPU",
                "max_images": "2,048 random faces, 32 full batches: more would mean "
                "fewer epochs in 3 minutes",
            },
        ),
        gan_small_images=GanSizes(
            image_size=32,
            width=32,
            latent_size=100,
            batch_size=25,
            epochs=150,
            max_images=None,
            learning_rate=1e-3,
            why={
                "image_size": "the bundled faces are 25x25: 32x32, the networks "
                "two doublings shorter, adds no empty detail",
                "width": "half the channels: 100 small faces need less capacity",
                "latent_size": "the DCGAN paper's 100 suits the smaller generator",
                "batch_size": "4 batches per epoch from 100 faces",
                "epochs": "100 faces need many passes; 600 steps take about 20 s",
            },
        ),
        gan1d=Gan1DSizes(steps=2000, batch_size=128),
        # measured on 2 cores: 4,000 houses and batches of 32 bring image + table within
        # 0.005 of the noise floor (2,000 and 64: 0.015 to 0.046 above it)
        multi_input=MultiInputSizes(n_train=4000, n_test=500, epochs=20, batch_size=32),
    ),
    "gpu": Profile(
        name="gpu",
        denoiser=DenoiserSizes.lecture(),
        gan=GanSizes.lecture(),
        gan_small_images=GanSizes.lecture(),  # the lecture's, whatever faces are found
        gan1d=Gan1DSizes(steps=3000, batch_size=256),
        multi_input=MultiInputSizes(
            n_train=8000, n_test=2000, epochs=30, batch_size=64
        ),
    ),
}


def get_profile(
    name: str | None = None, device: torch.device | None = None, verbose: bool = True
) -> Profile:
    """Return the sizes of profile ``name``; by default the one ``COURSE_PROFILE`` or the device picks."""
    why = "given"
    if name is None:
        why = (
            "set by COURSE_PROFILE"
            if os.environ.get("COURSE_PROFILE")
            else "chosen from the device"
        )
        name = get_profile_name(device)
    check_choice("get_profile", "name", name, PROFILE_NAMES)
    if verbose:
        print(f"Profile: {name} ({why}; COURSE_PROFILE=smoke|cpu|gpu changes it)")
    return PROFILES[name]
