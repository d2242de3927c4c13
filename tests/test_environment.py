"""The conda environment and pyproject.toml name the same packages at the same pins."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def requirements(specs: list[str]) -> dict[str, str]:
    """Return {normalised package name: version specifier} for pip requirement strings."""
    parsed = {}
    for spec in specs:
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
        parsed[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2).replace(" ", "")
    return parsed


def pyproject_requirements() -> dict[str, str]:
    """Return the runtime and dev requirements declared in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return requirements(project["dependencies"] + project["optional-dependencies"]["dev"])


def conda_requirements() -> dict[str, str]:
    """Return the pip requirements of environment.yml, without the editable install."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    return requirements([spec for spec in pip if not spec.startswith("-e")])


def test_environment_and_pyproject_name_the_same_packages_and_pins():
    assert conda_requirements() == pyproject_requirements()


def test_environment_installs_this_repo_with_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    assert "-e ." in pip


def test_lecture_pins_are_exact():
    reqs = pyproject_requirements()
    assert reqs["torch"] == "==2.14.1"
    assert reqs["torchvision"] == "==0.29.1"
    assert reqs["torch-summary"] == "==1.4.5"  # prints the lecture's summary format
    assert reqs["jupyter-book"] == ">=1,<2"
