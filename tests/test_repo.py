"""`make`'s virtual environment: set up once, refreshed when pyproject.toml changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
