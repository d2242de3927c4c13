"""No notebook waits on the network: without one, MNIST and the faces fall back to the bundle, loudly."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def can_isolate_network() -> bool:
    """Return True when `unshare -n` can create a network namespace here (root on Linux)."""
    if shutil.which("unshare") is None:
        return False
    return (
        subprocess.run(
            ["unshare", "-n", "true"], capture_output=True, check=False
        ).returncode
        == 0
    )


OFFLINE_SCRIPT = textwrap.dedent("""
    import time
    from torchvision import datasets
    from utils.data import faces_root, mnist_root
    start = time.perf_counter()
    train = datasets.MNIST(mnist_root(timeout=5), train=True, download=False)
    faces = datasets.ImageFolder(faces_root())
    print("IMAGES", len(train), len(faces), "SECONDS", round(time.perf_counter() - start, 1))
""")


def load_data_without_network(data: Path) -> subprocess.CompletedProcess:
    """Load MNIST and the faces in a fresh Python with no network and the data folder ``data``.

    The process spends about 10 s importing and rebuilding the bundle.
    """
    return subprocess.run(
        [
            "unshare",
            "-n",
            "sh",
            "-c",
            f'ip link set lo up 2>/dev/null; exec "{sys.executable}" -c "$0"',
            OFFLINE_SCRIPT,
        ],
        env={"COURSE_DATA": str(data), "PATH": "/usr/bin:/bin"},
        text=True,
        check=False,
        timeout=120,
        capture_output=True,
    )


@pytest.mark.skipif(
    not can_isolate_network(), reason="needs `unshare -n` (Linux, root)"
)
def test_data_falls_back_to_the_bundle_inside_a_network_namespace(tmp_path):
    data = tmp_path / "data"
    result = load_data_without_network(data)
    assert result.returncode == 0, result.stderr
    assert "MNIST: the BUNDLED REAL SUBSET (no download: " in result.stdout
    assert (
        "Faces: the BUNDLED SAMPLE of real LFW faces, 25x25 grey (no colour LFW download: "
        in result.stdout
    )
    assert "IMAGES 4000 100" in result.stdout
    left = sorted(path.name for path in data.iterdir())
    assert left == ["faces-sample", "mnist-subset"]  # no half-written download left
