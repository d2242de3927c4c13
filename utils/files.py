"""Files written safely and checked: atomic writes and SHA-256 sums (data and checkpoints)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def sha256(path: Path) -> str:
    """Return the hex SHA-256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


TMP_PREFIX = ".tmp-"  # temporary files of unfinished writes start with this


def _mode_for(path: Path) -> int:
    """Return the permissions ``open(path, "wb")`` would leave: the old file's, else 0o666 less the umask."""
    with contextlib.suppress(FileNotFoundError):
        return path.stat().st_mode & 0o7777
    umask = os.umask(0o022)  # the only way to read it is to set it
    os.umask(umask)
    return 0o666 & ~umask


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
            # on disk before the rename, so a crash cannot leave it half-written
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(path))  # mkstemp's 0o600 would hide it from other users
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file, so no half-written file remains."""
    with atomic_file(path) as f:
        f.write(payload)


def read_sums(sums_file: Path) -> dict[str, str]:
    """Return {relative path: sha256} from a ``sha256sum``-style file."""
    sums = {}
    for line in sums_file.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            sums[name.lstrip("*")] = digest
    return sums
