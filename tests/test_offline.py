"""No notebook waits on the network: without one, MNIST and the faces fall back to the bundle, loudly."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

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


@pytest.mark.skipif(
    not can_isolate_network(), reason="needs `unshare -n` (Linux, root)"
)
@pytest.mark.timeout(120)
def test_data_falls_back_to_the_bundle_inside_a_network_namespace(tmp_path):
    script = textwrap.dedent("""
        import time
        from torchvision import datasets
        from utils.data import faces_root, mnist_root
        start = time.perf_counter()
        train = datasets.MNIST(mnist_root(timeout=5), train=True, download=False)
        faces = datasets.ImageFolder(faces_root())
        print("IMAGES", len(train), len(faces), "SECONDS", round(time.perf_counter() - start, 1))
    """)
    result = subprocess.run(
        [
            "unshare",
            "-n",
            "sh",
            "-c",
            f'ip link set lo up 2>/dev/null; exec "{sys.executable}" -c "$0"',
            script,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"COURSE_DATA": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "MNIST: the BUNDLED REAL SUBSET (no download: " in result.stdout
    assert (
        "Faces: the BUNDLED SAMPLE of real LFW faces, 25x25 grey (no colour LFW download: "
        in result.stdout
    )
    assert "IMAGES 4000 100" in result.stdout
    left = sorted(path.name for path in (tmp_path / "data").iterdir())
    assert left == [
        "faces-sample",
        "mnist-subset",
    ]  # no half-written download left behind
