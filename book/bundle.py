"""Rebuild or check the data bundled under ``data/``: a maintainers' command.

``python -m book.bundle`` rewrites the MNIST subset and the face sample (see
``utils.bundled``) and ``data/SHA256SUMS``; ``python -m book.bundle --check``
verifies every bundled file against those sums.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from utils.bundled import write_faces_sample, write_mnist_subset
from utils.files import atomic_write, read_sums, sha256

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


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
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument(
        "--check", action="store_true", help="verify against SHA256SUMS"
    )
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
