"""Atomic writes: the file appears whole, with the permissions a plain open() would give it."""

from __future__ import annotations

import os
import stat

import pytest

from utils.files import atomic_write


def mode(path) -> int:
    """Return the permission bits of ``path``."""
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_a_new_file_gets_the_permissions_open_gives_under_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        with open(tmp_path / "plain", "wb") as f:
            f.write(b"x")
        atomic_write(tmp_path / "atomic", b"x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "atomic") == mode(tmp_path / "plain") == 0o666 & ~umask


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "shared.pt"
    path.write_bytes(b"old")
    path.chmod(0o640)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new" and mode(path) == 0o640
