"""Release the book: set its version, and publish the tag the notebooks install from.

- ``python -m book.release version``: print the version (``pyproject.toml``'s);
- ``python -m book.release version 1.4.0``: write a new version into ``pyproject.toml``
  and into the notebooks' install cells (``@v1.4.0``), the only places it is written,
  and date ``CHANGELOG.md``'s ``## [Unreleased]`` section as ``## [1.4.0] - <today>``;
- ``python -m book.release tag``: push the tag ``v<version>`` of the current commit to
  ``origin`` unless ``origin`` has that tag already (the workflow runs it on every push
  to ``main``, so the tag the install cells name exists once the site is published);
- ``python -m book.release notes``: print the version's section of ``CHANGELOG.md``.

Only the standard library: the workflow runs it without installing anything.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.compile(r"\d+\.\d+\.\d+")
PYPROJECT_VERSION = re.compile(r'^version = "[^"]*"', flags=re.MULTILINE)
UNRELEASED = "## [Unreleased]"  # CHANGELOG.md's section for the next version
INSTALL_TAG = re.compile(r"\bv\d+\.\d+\.\d+\b")  # in a notebook's install cell


def read_version(root: Path = ROOT) -> str:
    """Return the version in ``root/pyproject.toml``."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def check_version(version: str) -> str:
    """Return ``version`` if it is MAJOR.MINOR.PATCH, else raise ValueError."""
    if not VERSION.fullmatch(version):
        raise ValueError(
            f"release: version must be MAJOR.MINOR.PATCH, e.g. 1.4.0, got {version!r}"
        )
    return version


def is_install_cell(cell: dict) -> bool:
    """Return True for a notebook's install cell: the code cell that runs %pip install."""
    return cell["cell_type"] == "code" and "%pip install" in "".join(cell["source"])


def set_notebook_version(path: Path, version: str) -> bool:
    """Point ``path``'s install cell at tag ``v<version>``; return True if it changed."""
    text = path.read_text()
    notebook = json.loads(text)
    for cell in filter(is_install_cell, notebook["cells"]):
        cell["source"] = [INSTALL_TAG.sub(f"v{version}", s) for s in cell["source"]]
    # nbformat's own layout, so that git shows only the changed lines
    new = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    path.write_text(new)
    return new != text


def set_version(version: str, root: Path = ROOT) -> list[Path]:
    """Write ``version`` into pyproject, the install cells and CHANGELOG; return changed files."""
    check_version(version)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    new, count = PYPROJECT_VERSION.subn(f'version = "{version}"', text, count=1)
    if count != 1:
        raise ValueError(f"release: no 'version = \"...\"' line in {pyproject}")
    pyproject.write_text(new)
    if read_version(root) != version:  # the first version line was not [project]'s
        pyproject.write_text(text)
        raise ValueError(
            f"release: the first 'version =' line of {pyproject} is not [project]'s"
        )
    changed = [pyproject] if new != text else []
    notebooks = sorted((root / "lectures").glob("*.ipynb"))
    changed += [nb for nb in notebooks if set_notebook_version(nb, version)]
    changelog = root / "CHANGELOG.md"
    if changelog.exists() and UNRELEASED in changelog.read_text():
        dated = f"## [{version}] - {date.today().isoformat()}"
        changelog.write_text(changelog.read_text().replace(UNRELEASED, dated, 1))
        changed.append(changelog)
    return changed


def git(root: Path, *args: str) -> str:
    """Run ``git args`` in ``root``; return its output, raising on failure."""
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout


def remote_has_tag(root: Path, remote: str, tag: str) -> bool:
    """Return True when ``remote`` has the tag ``tag``."""
    return bool(git(root, "ls-remote", "--tags", remote, f"refs/tags/{tag}").strip())


def publish_tag(root: Path = ROOT, remote: str = "origin") -> str:
    """Push tag ``v<version>`` (of HEAD, unless it exists here) to ``remote`` if missing.

    Returns ``"created"`` or ``"exists"``. Safe to run again, and by two runs at once:
    a push refused because the other run pushed the tag first counts as ``"exists"``.
    """
    tag = f"v{read_version(root)}"
    if remote_has_tag(root, remote, tag):
        return "exists"
    if not git(root, "tag", "--list", tag).strip():
        git(root, "tag", tag)  # lightweight: the commit itself is the release
    try:
        git(root, "push", remote, f"refs/tags/{tag}")
    except RuntimeError:
        if remote_has_tag(root, remote, tag):
            return "exists"
        raise
    return "created"


def changelog_section(version: str, root: Path = ROOT) -> str:
    """Return the body of ``## [version]`` in CHANGELOG.md, or "" when there is none."""
    text = (root / "CHANGELOG.md").read_text()
    heading = re.search(rf"^## \[{re.escape(version)}\].*$", text, flags=re.MULTILINE)
    if heading is None:
        return ""
    rest = text[heading.end() :]
    following = re.search(r"^## ", rest, flags=re.MULTILINE)
    return rest[: following.start() if following else len(rest)].strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the command named on the command line."""
    parser = argparse.ArgumentParser(prog="python -m book.release", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    version = commands.add_parser("version", help="print or set the book's version")
    version.add_argument("new", nargs="?", help="the new version, MAJOR.MINOR.PATCH")
    tag = commands.add_parser(
        "tag", help="push tag v<version> unless the remote has it"
    )
    tag.add_argument("--remote", default="origin")
    commands.add_parser("notes", help="print the version's CHANGELOG section")
    args = parser.parse_args(argv)
    if args.command == "version" and args.new is None:
        print(read_version())
    elif args.command == "version":
        try:
            changed = set_version(args.new)
        except ValueError as error:
            parser.error(str(error))
        for path in changed:
            print(f"wrote {args.new} into {path.relative_to(ROOT)}")
    elif args.command == "tag":
        tag_name = f"v{read_version()}"
        print(f"{tag_name}: {publish_tag(remote=args.remote)} on {args.remote}")
    else:
        notes = changelog_section(read_version())
        print(notes or "See CHANGELOG.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
