"""The release command: one version written by it, and a tag pushed once, offline.

The tag tests push to a local bare repository (file://) standing in for GitHub.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from book import release

ROOT = Path(__file__).resolve().parents[1]
GIT_IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a throwaway identity; return its output."""
    return subprocess.run(
        ["git", *GIT_IDENTITY, *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A copy of the files the release command writes: pyproject, notebooks, CHANGELOG."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n- new\n\n## [1.0.0] - 2026-01-01\n"
    )
    shutil.copytree(ROOT / "lectures", tmp_path / "lectures")
    return tmp_path


def install_cells(notebook: Path) -> list[str]:
    """Return the sources of ``notebook``'s install cells."""
    cells = json.loads(notebook.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if release.is_install_cell(c)]


def test_version_command_writes_pyproject_and_every_install_cell(book_copy):
    old = release.read_version(book_copy)
    before = {p.name: p.read_text() for p in (book_copy / "lectures").glob("*.ipynb")}
    changed = release.set_version("9.8.7", book_copy)
    assert release.read_version(book_copy) == "9.8.7"
    installing = [
        p for p in sorted(book_copy.glob("lectures/*.ipynb")) if install_cells(p)
    ]
    written = {book_copy / "pyproject.toml", book_copy / "CHANGELOG.md", *installing}
    assert installing and set(changed) == written
    for path in installing:
        for source in install_cells(path):
            assert "@v9.8.7" in source and f"v{old}" not in source
        # only the install cell's lines change: git shows no other difference
        old_lines = before[path.name].splitlines()
        new_lines = path.read_text().splitlines()
        assert len(old_lines) == len(new_lines)
        differing = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
        assert differing and all("@v9.8.7" in b for _, b in differing)


def test_version_command_dates_the_unreleased_changelog_section(book_copy):
    release.set_version("1.1.0", book_copy)
    assert release.changelog_section("1.1.0", book_copy) == "- new\n"
    heading = (book_copy / "CHANGELOG.md").read_text().splitlines()[2]
    assert re.fullmatch(r"## \[1\.1\.0\] - \d{4}-\d\d-\d\d", heading)


def test_version_command_refuses_a_version_that_is_not_three_numbers(book_copy):
    before = (book_copy / "pyproject.toml").read_text()
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR\.PATCH.*got 'v1\.4'"):
        release.set_version("v1.4", book_copy)
    assert (book_copy / "pyproject.toml").read_text() == before


def test_version_command_run_twice_changes_nothing_the_second_time(book_copy):
    release.set_version("2.0.0", book_copy)
    assert release.set_version("2.0.0", book_copy) == []


@pytest.fixture
def clone_and_remote(tmp_path: Path) -> tuple[Path, Path]:
    """A clone with one commit (pyproject at this book's version) and its bare origin."""
    work, remote = tmp_path / "work", tmp_path / "origin.git"
    work.mkdir()
    shutil.copy(ROOT / "pyproject.toml", work)
    git(work, "init", "-q")
    git(work, "add", "pyproject.toml")
    git(work, "commit", "-q", "-m", "a release")
    git(tmp_path, "clone", "-q", "--bare", str(work), str(remote))
    git(work, "remote", "add", "origin", remote.as_uri())
    return work, remote


def remote_tags(remote: Path) -> dict[str, str]:
    """Return {tag: commit} of the bare repository ``remote``."""
    lines = git(remote, "show-ref", "--tags").splitlines() if tags_exist(remote) else []
    return {ref.removeprefix("refs/tags/"): sha for sha, ref in map(str.split, lines)}


def tags_exist(remote: Path) -> bool:
    """Return True when ``remote`` holds any tag (show-ref fails on none)."""
    return bool(git(remote, "tag", "--list").strip())


def test_tag_is_pushed_for_the_current_commit_once(clone_and_remote):
    work, remote = clone_and_remote
    tag = f"v{release.read_version(work)}"
    head = git(work, "rev-parse", "HEAD").strip()
    assert remote_tags(remote) == {}
    assert release.publish_tag(work) == "created"
    assert remote_tags(remote) == {tag: head}
    assert release.publish_tag(work) == "exists"  # the next push to main
    assert remote_tags(remote) == {tag: head}


def test_tag_already_on_the_remote_is_left_where_it_is(clone_and_remote):
    work, remote = clone_and_remote
    tag = f"v{release.read_version(work)}"
    first = git(work, "rev-parse", "HEAD").strip()
    git(work, "tag", tag)
    git(work, "push", "-q", "origin", tag)
    git(work, "commit", "-q", "--allow-empty", "-m", "a fix after the release")
    git(work, "tag", "-d", tag)  # a fresh CI checkout has no tags
    assert release.publish_tag(work) == "exists"
    assert remote_tags(remote) == {tag: first}


def test_tag_push_that_fails_for_another_reason_is_an_error(clone_and_remote, tmp_path):
    work, _ = clone_and_remote
    git(work, "remote", "set-url", "origin", (tmp_path / "missing.git").as_uri())
    with pytest.raises(RuntimeError, match="git ls-remote"):
        release.publish_tag(work)


def test_notes_are_the_versions_changelog_section(tmp_path):
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [1.1.0] - 2026-02-01\n\n- new\n\n## [1.0.0] - 2026-01-01\n\n- old\n"
    )
    assert release.changelog_section("1.1.0", tmp_path) == "- new\n"
    assert release.changelog_section("1.0.0", tmp_path) == "- old\n"
    assert release.changelog_section("2.0.0", tmp_path) == ""
