"""The repository's shape and its two commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_TOP_LEVEL = {
    "_config.yml",
    "_toc.yml",
    "lectures",
    "utils",
    "data",
    "images",
    "tests",
    "environment.yml",
    "README.md",
    "pyproject.toml",
    "Makefile",
    ".ci",
    "LICENSE",
    "benchmarks",
    "book",
    ".github",
    # what the ecosystem expects of a notebook repository (issue 13)
    "binder",
    "requirements.txt",
    ".pre-commit-config.yaml",
    "CITATION.cff",
    "CHANGELOG.md",
    "CONTRIBUTING.md",
    ".gitignore",
    ".git",
    ".venv",
    "_build",
    ".pytest_cache",
    ".ruff_cache",
    "advanced_conv_models.egg-info",
}


def test_top_level_holds_only_the_designed_entries():
    extra = {p.name for p in ROOT.iterdir()} - ALLOWED_TOP_LEVEL
    assert extra == set(), f"unexpected top-level entries: {sorted(extra)}"


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make book" in readme and "make test" in readme


def test_ci_runs_the_readmes_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_venv_is_reinstalled_only_when_pyproject_changes(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    stamp = tmp_path / ".venv" / ".installed"
    stamp.touch()
    past = time.time() - 60
    os.utime(tmp_path / "pyproject.toml", (past, past))

    def up_to_date() -> bool:
        return (
            subprocess.run(["make", "-q", ".venv/.installed"], cwd=tmp_path).returncode
            == 0
        )

    assert up_to_date()
    (tmp_path / "pyproject.toml").touch()
    assert not up_to_date()
