"""No notebook waits on the network: without one, MNIST falls back to the bundled subset, loudly."""

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
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not can_isolate_network(), reason="needs `unshare -n` (Linux, root)")
@pytest.mark.timeout(120)
def test_mnist_falls_back_to_the_bundle_inside_a_network_namespace(tmp_path):
    script = textwrap.dedent("""
        import time
        from utils.data import load_mnist
        start = time.perf_counter()
        ds = load_mnist(timeout=5)
        print("IMAGES", len(ds), "SECONDS", round(time.perf_counter() - start, 1))
    """)
    result = subprocess.run(
        ["unshare", "-n", "sh", "-c", f'ip link set lo up 2>/dev/null; exec "{sys.executable}" -c "$0"',
         script],
        capture_output=True, text=True, env={"COURSE_DATA": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "BUNDLED REAL SUBSET" in result.stdout
    assert "IMAGES 4000" in result.stdout
    assert not (tmp_path / "data" / "MNIST").exists()  # no half-written download left behind
