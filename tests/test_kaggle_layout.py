"""Kaggle's face-recognition-dataset as Kaggle mounts it: two nested folders, 128x128 RGB JPEGs.

/kaggle/input/face-recognition-dataset/Extracted Faces/Extracted Faces/<person id>/<n>.jpg
/kaggle/input/face-recognition-dataset/Face Data/Face Dataset/<person id>/<n>.jpg

The lecture reads it with ``ImageFolder(root=".../Extracted Faces")`` (the outer folder),
which works because torchvision collects the images at any depth below each class folder.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from notebook_code import GANS, run_through
from PIL import Image
from torchvision import datasets, transforms

from utils import data
from utils.data import faces_root

ROOT = Path(__file__).resolve().parents[1]
EXTRACTED = {"0": 8, "1": 7, "2": 9, "3": 8, "4": 8}  # person id => images: 40 in all
FACE_DATA = {"0": 3, "1": 2, "2": 3}  # the sibling folder holds other crops


def write_jpeg(path: Path, seed: int) -> None:
    """Write a 128x128 RGB JPEG, the size and kind of Kaggle's extracted faces."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    Image.fromarray(pixels).resize((128, 128), Image.BILINEAR).save(path, quality=90)


@pytest.fixture
def kaggle_input(tmp_path) -> Path:
    """Return ``.../face-recognition-dataset`` laid out as Kaggle mounts it."""
    dataset = tmp_path / "kaggle" / "input" / "face-recognition-dataset"
    seed = 0
    for outer, inner, people in [
        ("Extracted Faces", "Extracted Faces", EXTRACTED),
        ("Face Data", "Face Dataset", FACE_DATA),
    ]:
        for person, n in people.items():
            for k in range(n):
                seed += 1
                write_jpeg(dataset / outer / inner / person / f"{k}.jpg", seed)
    return dataset


def faces_line(text: str) -> str:
    [line] = [line for line in text.splitlines() if line.startswith("Faces: ")]
    return line


def test_faces_dir_at_the_outer_folder_loads_every_extracted_face(
    monkeypatch, kaggle_input, capsys
):
    outer = kaggle_input / "Extracted Faces"
    monkeypatch.setenv("FACES_DIR", str(outer))
    root = faces_root()
    assert root == outer
    faces = datasets.ImageFolder(root=root, transform=transforms.ToTensor())
    assert len(faces) == 40 and faces.classes == [
        "Extracted Faces"
    ]  # one class, as the lecture
    assert faces[0][0].shape == (3, 128, 128)
    assert (
        faces_line(capsys.readouterr().out) == f"Faces: FACES_DIR: 40 images in {outer}"
    )


def test_faces_dir_at_the_inner_folder_has_one_class_per_person(
    monkeypatch, kaggle_input, capsys
):
    inner = kaggle_input / "Extracted Faces" / "Extracted Faces"
    monkeypatch.setenv("FACES_DIR", str(inner))
    faces = datasets.ImageFolder(root=faces_root())
    assert len(faces) == 40 and faces.classes == sorted(EXTRACTED)
    assert (
        faces_line(capsys.readouterr().out) == f"Faces: FACES_DIR: 40 images in {inner}"
    )


def test_kaggles_mount_is_found_without_any_setting(monkeypatch, kaggle_input, capsys):
    monkeypatch.delenv("FACES_DIR", raising=False)
    monkeypatch.setattr(data, "KAGGLE_FACES", kaggle_input / "Extracted Faces")
    root = faces_root()
    assert root == kaggle_input / "Extracted Faces"
    assert len(datasets.ImageFolder(root=root)) == 40
    assert faces_line(capsys.readouterr().out) == (
        f"Faces: Kaggle's face-recognition-dataset: 40 images in {root}"
    )


def test_the_whole_dataset_folder_counts_both_siblings(monkeypatch, kaggle_input):
    monkeypatch.setenv("FACES_DIR", str(kaggle_input))
    faces = datasets.ImageFolder(root=faces_root(verbose=False))
    assert len(faces) == 40 + 8 and faces.classes == ["Extracted Faces", "Face Data"]


def test_a_kaggle_folder_whose_images_are_missing_says_what_to_set(
    monkeypatch, tmp_path
):
    outer = tmp_path / "Extracted Faces"
    (outer / "Extracted Faces" / "0").mkdir(parents=True)
    monkeypatch.setenv("FACES_DIR", str(outer))
    with pytest.raises(
        data.DataError,
        match=r"searched .*Extracted Faces for images .* at any depth"
        r".*found none\. Set FACES_DIR",
    ):
        faces_root()


@pytest.mark.timeout(300)
def test_notebook_04_trains_its_dcgan_on_the_nested_kaggle_layout(
    kaggle_input, tmp_path, monkeypatch, capsys
):
    # The notebook's own cells, top to bottom through the training cell, in this process
    # (a kernel would add only its start-up): loading, the models, one smoke training run.
    outer = kaggle_input / "Extracted Faces"
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    monkeypatch.setenv("FACES_DIR", str(outer))
    monkeypatch.setenv("COURSE_RUNS", str(tmp_path / "runs"))
    monkeypatch.chdir(ROOT / "lectures")
    state = random.getstate(), np.random.get_state()
    try:
        with torch.random.fork_rng():
            notebook = run_through(GANS, "dcgan-training")
    finally:
        random.setstate(state[0])
        np.random.set_state(state[1])
        plt.close("all")
    printed = capsys.readouterr().out
    assert faces_line(printed) == f"Faces: FACES_DIR: 40 images in {outer}"
    sizes = notebook["sizes"]
    expected = min(40, sizes.max_images or 40)  # the faces, or the profile's subset
    assert notebook["images"].shape == (expected, 3, sizes.image_size, sizes.image_size)
    assert len(notebook["history"]["Loss_D"]) == sizes.epochs
    assert all(math.isfinite(loss) for loss in notebook["history"]["Loss_G"])
