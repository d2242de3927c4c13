"""Images per second of the two face pipelines: the lecture's (decode every epoch) and the notebook's.

The lecture reads the faces through ``ImageFolder`` with ``Resize``, ``ToTensor`` and
``Normalize`` in a ``DataLoader``: every PNG is decoded and resized again in every
epoch. Notebook 04 runs that same pipeline once, keeps the result as one float tensor
and trains from a ``DataLoader`` over a ``TensorDataset`` of it, which only shuffles
and batches. Both run here on the same PNG files with the same batch size and image
size.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset, TensorDataset
from torchvision import datasets, transforms

from benchmarks.results import Figure
from utils.data import faces_root

BATCH_SIZE = 64
IMAGE_SIZE = 128  # the gpu profile's (the lecture's) image size
FILE_SIZE = 160  # Kaggle's "Extracted Faces" are 160x160 PNGs
EPOCHS_FOR_TOTAL = (
    50  # the gpu profile's epochs, for the ratio that includes the decode
)


def make_face_files(
    folder: Path, n_images: int = 1000, size: int = FILE_SIZE, n_classes: int = 10
) -> Path:
    """Write ``n_images`` RGB PNGs of ``size`` x ``size`` made from the bundled faces; return ``folder``.

    Each bundled 25x25 grey face is enlarged, tinted, shifted, sometimes mirrored and given
    a little noise, so that the files compress like photographs rather than flat upscales.
    An existing folder written with the same settings is reused.
    """
    if n_images < 1 or size < 8 or n_classes < 1:
        raise ValueError(
            f"make_face_files: need n_images >= 1, size >= 8 and n_classes >= 1, "
            f"got {n_images}, {size}, {n_classes}"
        )
    settings = {
        "n_images": n_images,
        "size": size,
        "n_classes": n_classes,
        "version": 1,
    }
    marker = folder / "settings.json"
    if marker.exists() and json.loads(marker.read_text()) == settings:
        return folder
    sources = sorted(
        p
        for p in faces_root(verbose=False).rglob("*")
        if p.suffix.lower() in {".png", ".jpg", ".jpeg"}
    )
    rng = np.random.default_rng(0)
    for i in range(n_images):
        with Image.open(sources[i % len(sources)]) as img:
            grey = np.asarray(
                img.convert("L").resize((size + 8, size + 8), Image.BICUBIC),
                dtype=np.float32,
            )
        dx, dy = rng.integers(0, 9, size=2)
        grey = grey[dy : dy + size, dx : dx + size]
        if rng.random() < 0.5:
            grey = grey[:, ::-1]
        tint = rng.uniform(0.8, 1.2, size=3)
        rgb = grey[..., None] * tint + rng.normal(0, 4, size=(size, size, 3))
        out = folder / f"person_{i % n_classes:02d}" / f"face_{i:05d}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB").save(out)
    marker.write_text(json.dumps(settings))
    return folder


def _sync(device: torch.device) -> None:
    """Wait for the device's queued work, so that a timer sees it finished."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def lecture_loader(
    folder: Path,
    image_size: int = IMAGE_SIZE,
    batch_size: int = BATCH_SIZE,
    num_workers: int = 0,
) -> DataLoader:
    """Return the lecture's loader: ImageFolder + Resize + ToTensor + Normalize, shuffled."""
    transform = transforms.Compose(
        [
            transforms.Resize(image_size),
            transforms.ToTensor(),
            transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
        ]
    )
    dataset = datasets.ImageFolder(folder, transform=transform)
    return DataLoader(
        dataset, batch_size=batch_size, shuffle=True, num_workers=num_workers
    )


def time_lecture_epoch(loader: DataLoader, device: torch.device) -> tuple[float, int]:
    """Return (seconds, images) for one epoch of the lecture's loader, batches moved to ``device``."""
    start, count = time.perf_counter(), 0
    for images, _ in loader:
        images = images.to(device)
        count += len(images)
    _sync(device)
    return time.perf_counter() - start, count


def decode_once(dataset: Dataset) -> torch.Tensor:
    """Return every image of ``dataset`` run through its transform once, as one tensor."""
    return torch.cat([images for images, _ in DataLoader(dataset, batch_size=256)])


def tensor_loader(images: torch.Tensor, batch_size: int = BATCH_SIZE) -> DataLoader:
    """Return the notebook's training loader: shuffled batches of a TensorDataset."""
    return DataLoader(TensorDataset(images), batch_size=batch_size, shuffle=True)


def time_tensor_epochs(
    loader: DataLoader, epochs: int, device: torch.device
) -> tuple[float, int]:
    """Return (seconds per epoch, images per epoch) of the notebook's loader over ``epochs``."""
    start, count = time.perf_counter(), 0
    for _ in range(epochs):
        for (images,) in loader:
            images = images.to(device)
            count += len(images)
    _sync(device)
    return (time.perf_counter() - start) / epochs, count // epochs


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Return (seconds, result) of calling ``fn`` once."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def total_ratio(
    lecture_epoch_s: float,
    decode_s: float,
    tensor_epoch_s: float,
    epochs: int = EPOCHS_FOR_TOTAL,
) -> float:
    """Return how many times faster ``epochs`` epochs are with decode-once, counting its decode."""
    return epochs * lecture_epoch_s / (decode_s + epochs * tensor_epoch_s)


def measure(
    work: Path,
    repeat: int = 3,
    device: torch.device | None = None,
    n_images: int = 1000,
    inner_epochs: int = 10,
    workers_compared: int = 2,
) -> list[Figure]:
    """Return the face-pipeline figures: images/s of each pipeline, decode cost and the ratios.

    The two pipelines alternate epoch by epoch (after one warm-up epoch each), so a busy
    machine slows both alike; each ratio sample pairs one epoch of each.
    """
    device = torch.device("cpu") if device is None else device
    folder = make_face_files(
        work / f"faces-{FILE_SIZE}px-{n_images}", n_images=n_images
    )
    loader = lecture_loader(folder)
    time_lecture_epoch(loader, device)  # warm-up: page cache, allocator
    decode_s = []
    for _ in range(repeat):
        seconds, images = timed(lambda: decode_once(loader.dataset))
        decode_s.append(seconds)
    batches = tensor_loader(images)
    time_tensor_epochs(batches, 1, device)  # warm-up
    lecture_s, tensor_s, ratios, totals = [], [], [], []
    for _ in range(repeat):
        seconds, n_lecture = time_lecture_epoch(loader, device)
        per_epoch, n_tensor = time_tensor_epochs(batches, inner_epochs, device)
        lecture_s.append(seconds)
        tensor_s.append(per_epoch)
        ratios.append((n_tensor / per_epoch) / (n_lecture / seconds))
        totals.append(total_ratio(seconds, median(decode_s), per_epoch))
    n = len(images)
    size = f"{n:,} PNGs {FILE_SIZE}x{FILE_SIZE} -> {IMAGE_SIZE}, batch {BATCH_SIZE}, {device.type}"
    figures = [
        Figure(
            "faces: lecture pipeline (ImageFolder, workers 0)",
            "images/s",
            [n / s for s in lecture_s],
            note=size,
        ),
        Figure(
            "faces: notebook pipeline (decoded once, TensorDataset)",
            "images/s",
            [n / s for s in tensor_s],
            note=f"each run: mean of {inner_epochs} epochs",
        ),
        Figure(
            "faces: notebook's one-off decode + resize",
            "s",
            decode_s,
            note="the lecture's transform once, once per session",
        ),
        Figure(
            "faces: notebook / lecture images/s",
            "x",
            ratios,
            target=10.0,
            comparison=">=",
            note="epochs interleaved, ratio per pair",
        ),
        Figure(
            f"faces: {EPOCHS_FOR_TOTAL} epochs incl. decode, notebook / lecture",
            "x",
            totals,
            note="lecture epochs vs decode once + tensor epochs",
        ),
    ]
    if workers_compared:
        loader_w = lecture_loader(folder, num_workers=workers_compared)
        time_lecture_epoch(loader_w, device)
        seconds_w = [time_lecture_epoch(loader_w, device)[0] for _ in range(repeat)]
        figures.append(
            Figure(
                f"faces: lecture pipeline, workers {workers_compared}",
                "images/s",
                [n / s for s in seconds_w],
                note="for comparison: the lecture's loader with workers",
            )
        )
    return figures
