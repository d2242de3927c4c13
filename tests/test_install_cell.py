"""The notebooks' install cell: the helpers at the book's tag, as Colab or Kaggle runs it.

The cell runs in a real IPython shell, in a fresh Python, offline: its GitHub URL is
swapped for a local bare git repository holding this checkout's helpers, with the tag
``v<version>`` or without it, and pip installs into a folder of the test's own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from book.release import is_install_cell

ROOT = Path(__file__).resolve().parents[1]
REPO_URL = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
NOTEBOOKS = sorted((ROOT / "lectures").glob("*.ipynb"))
with open(ROOT / "pyproject.toml", "rb") as _f:
    PROJECT = tomllib.load(_f)["project"]
VERSION = PROJECT["version"]
# myst-nb's tag that keeps its source off the site, and how long it may be (issue 20).
HIDE_TAG, MAX_LINES = "remove-input", 5
# What Colab and Kaggle lack among the notebooks' imports: the helpers and torchsummary.
NEEDS_INSTALL = re.compile(
    r"^\s*(?:from|import) (?:utils|torchsummary)\b", re.MULTILINE
)


def code_cells(path: Path) -> list[dict]:
    """Return the code cells of notebook ``path``."""
    cells = json.loads(path.read_text())["cells"]
    return [cell for cell in cells if cell["cell_type"] == "code"]


def install_cell(path: Path) -> str:
    """Return the source of ``path``'s install cell (its first code cell)."""
    first = code_cells(path)[0]
    assert is_install_cell(first), f"{path.name}: the first code cell installs nothing"
    return "".join(first["source"])


INSTALLING = [
    path
    for path in NOTEBOOKS
    if NEEDS_INSTALL.search("\n".join("".join(c["source"]) for c in code_cells(path)))
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_a_short_hidden_install_cell_where_it_needs_one(path):
    cells = code_cells(path)
    installs = [cell for cell in cells if is_install_cell(cell)]
    if path not in INSTALLING:
        assert installs == [], f"{path.name} imports nothing Colab lacks: no install"
        return
    assert installs == cells[:1], (
        f"{path.name} imports the helpers or torchsummary: copy another notebook's "
        "install cell as its first code cell (and only there)"
    )
    [cell] = installs
    assert len("".join(cell["source"]).splitlines()) <= MAX_LINES
    assert HIDE_TAG in cell["metadata"].get("tags", []), "hidden on the site"


@pytest.mark.parametrize("path", INSTALLING, ids=lambda p: p.name)
def test_install_cell_names_this_books_repository_tag_and_pins(path):
    """`python -m book.release version X.Y.Z` writes the tag; pyproject.toml pins the rest."""
    source = install_cell(path)
    assert re.findall(r"git\+(\S+)@v(\S+)", source) == [(REPO_URL, VERSION)], (
        f"{path.name}: install from {REPO_URL}@v{VERSION} "
        f"(python -m book.release version {VERSION})"
    )
    pins = re.findall(r"\s([\w-]+==[\w.]+)\s", source)
    dependencies = {spec.replace(" ", "") for spec in PROJECT["dependencies"]}
    assert set(pins) <= dependencies, f"{path.name} pins {pins}: pyproject.toml's?"


# -- the cell run as on Colab -------------------------------------------------------------

# Runs argv[1]'s cell in a fresh IPython shell from the current folder (first on the path,
# as in Jupyter), with argv[2] a folder standing in for site-packages; "hide" in argv[3]
# removes this checkout's editable install, as on a machine without the helpers.
RUNNER = """
import importlib.util, json, os, re, sys
if sys.argv[3] == "hide":
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in str(f)]
sys.path[:0] = [os.getcwd()]
sys.path.insert(1, sys.argv[2])
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
result = shell.run_cell(open(sys.argv[1]).read())
spec = importlib.util.find_spec("utils.runtime") if result.success else None
print(json.dumps({
    "error": repr(result.error_in_exec),
    "ran_pip": "_exit_code" in shell.user_ns,
    "helpers": spec and spec.origin,
}))
"""


def run_cell(cell: str, cwd: Path, hide_helpers: bool) -> tuple[dict, str]:
    """Run ``cell`` as a notebook would in ``cwd``; return the runner's report and output."""
    site = cwd / "site-packages"
    site.mkdir(exist_ok=True)
    (cwd / "cell.ipy").write_text(cell)
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("PIP_")
    }
    env.pop("PYTHONPATH", None)
    env |= {
        "HOME": str(cwd),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_TARGET": str(site),
        "PIP_NO_INDEX": "1",  # offline: the git repository is the only source
        # pip reads "0" here as "no build isolation": setuptools comes from this venv
        "PIP_NO_BUILD_ISOLATION": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "COURSE_DEVICE": "cpu",
    }
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, "cell.ipy", str(site), "hide" * hide_helpers],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode == 0, output[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report, output


def offline_cell(remote: Path) -> str:
    """Return the install cell with GitHub swapped for ``remote`` and no PyPI pin."""
    cell = install_cell(INSTALLING[0]).replace(REPO_URL, remote.as_uri())
    return re.sub(r" [\w-]+==[\w.]+", "", cell)  # a pinned package needs an index


@pytest.fixture(scope="module")
def remotes(tmp_path_factory) -> dict[str, Path]:
    """Bare repositories of this checkout's helpers: one tagged v<version>, one not."""
    base = tmp_path_factory.mktemp("remotes")
    work = base / "work"
    work.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, work)
    shutil.copytree(
        ROOT / "utils", work / "utils", ignore=shutil.ignore_patterns("__pycache__")
    )
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]

    def git(*args: str, cwd: Path = work) -> None:
        subprocess.run(
            ["git", *identity, *args], cwd=cwd, check=True, capture_output=True
        )

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "the helpers")
    repos = {}
    for name in ("tagged", "untagged"):
        repos[name] = base / f"{name}.git"
        git("clone", "-q", "--bare", str(work), str(repos[name]), cwd=base)
    git("tag", f"v{VERSION}", cwd=repos["tagged"])
    return repos


@pytest.mark.slow
def test_install_cell_installs_nothing_where_the_helpers_are_importable(tmp_path):
    report, output = run_cell(install_cell(INSTALLING[0]), tmp_path, hide_helpers=False)
    assert report["error"] == "None", output
    assert not report["ran_pip"]
    # the helpers this environment has installed (this checkout's, or the checkout the
    # venv was installed from when a benchmark runs the tests in a copy), not a new copy
    helpers = Path(report["helpers"])
    assert helpers.parts[-2:] == ("utils", "runtime.py"), report
    assert tmp_path not in helpers.parents, report


@pytest.mark.slow
def test_install_cell_names_a_foreign_utils_and_says_to_rename_it(tmp_path):
    (tmp_path / "utils.py").write_text("HELLO = 'not the course'\n")  # a Kaggle script
    report, output = run_cell(install_cell(INSTALLING[0]), tmp_path, hide_helpers=False)
    assert report["error"].startswith("ImportError("), output
    assert not report["ran_pip"], "no install can help: the other file comes first"
    # IPython shows the failing line, and the error names the file that hides ours
    [line] = [line for line in output.splitlines() if line.startswith("---->")]
    assert "Rename the file it names" in line
    assert (
        f"cannot import name 'runtime' from 'utils' ({tmp_path / 'utils.py'})" in output
    )


@pytest.mark.slow
def test_install_cell_installs_the_helpers_from_the_books_tag(tmp_path, remotes):
    cell = offline_cell(remotes["tagged"])
    report, output = run_cell(cell, tmp_path, hide_helpers=True)
    assert report["error"] == "None", output
    assert report["ran_pip"]
    assert report["helpers"] == str(tmp_path / "site-packages" / "utils" / "runtime.py")


@pytest.mark.slow
def test_install_cell_without_the_tag_fails_with_our_advice_and_the_advice_works(
    tmp_path, remotes
):
    cell = offline_cell(remotes["untagged"])
    report, output = run_cell(cell, tmp_path, hide_helpers=True)
    assert f"pathspec 'v{VERSION}' did not match" in output, "pip really tried the tag"
    advice = f"No tag v{VERSION} yet? Put @main for @v{VERSION} above"
    assert report["error"] == repr(AssertionError(f"pip failed. {advice}")), output
    assert report["helpers"] is None
    followed = cell.replace(f"@v{VERSION}", "@main", 1)
    (tmp_path / "again").mkdir()
    report, output = run_cell(followed, tmp_path / "again", hide_helpers=True)
    assert report["error"] == "None", output
    assert report["helpers"].startswith(str(tmp_path / "again"))
