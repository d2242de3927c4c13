"""Every list of packages names pyproject.toml's.

pyproject.toml's ``dependencies`` are what the notebooks import; its ``book`` extra builds
the site, its ``lab`` extra opens the notebooks in JupyterLab and its ``dev`` extra tests it. ``requirements.txt`` (pip, Colab, Kaggle) and
``binder/requirements.txt`` (mybinder.org, CPU torch) name exactly the runtime packages;
``environment.yml`` (conda) the runtime packages and the ``book`` and ``lab`` extras.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import re
import sys
import tomllib
from pathlib import Path

import yaml
from conftest import check_jsonschema

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
LOCAL_PACKAGES = {"utils", "book", "benchmarks", "tests"}
# Runtime packages that no notebook imports by name, and why they are needed all the same.
NOT_IMPORTED = {"ipykernel": "the kernel that runs the notebooks (it brings IPython)"}


def normalise(name: str) -> str:
    """Return a distribution name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(specs: list[str]) -> dict[str, str]:
    """Return {normalised package name: version specifier} for pip requirement strings."""
    parsed = {}
    for spec in specs:
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*([^;#]*)", spec)
        parsed[normalise(match.group(1))] = match.group(2).replace(" ", "")
    return parsed


def runtime() -> dict[str, str]:
    """Return pyproject.toml's dependencies: what the notebooks need."""
    return requirements(PYPROJECT["dependencies"])


def extra(name: str) -> dict[str, str]:
    """Return one optional-dependency group of pyproject.toml."""
    return requirements(PYPROJECT["optional-dependencies"][name])


def requirements_file(path: Path) -> tuple[dict[str, str], list[str]]:
    """Return the packages of a pip requirements file and its option lines (``--...``)."""
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    lines = [line for line in lines if line]
    options = [line for line in lines if line.startswith("-")]
    return requirements([line for line in lines if not line.startswith("-")]), options


def conda_pip() -> list[str]:
    """Return the pip section of environment.yml."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    return next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))


# -- the lists agree ------------------------------------------------------------------------


def test_requirements_txt_names_the_runtime_packages_and_nothing_more():
    packages, options = requirements_file(ROOT / "requirements.txt")
    assert packages == runtime()
    assert options == [], (
        "requirements.txt serves Colab and Kaggle too: no CPU-only index"
    )


def test_binder_installs_the_runtime_packages_with_cpu_torch_and_nothing_more():
    packages, options = requirements_file(ROOT / "binder" / "requirements.txt")
    assert packages == runtime()
    assert options == [f"--extra-index-url {CPU_INDEX}"]
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-cache-dir --no-deps ." in post_build, (
        "the helpers, nothing else"
    )
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, (
        "postBuild must be executable"
    )


def test_conda_environment_names_the_runtime_book_and_lab_packages():
    pip = conda_pip()
    assert requirements([spec for spec in pip if not spec.startswith("-")]) == {
        **runtime(),
        **extra("book"),
        **extra("lab"),
    }
    assert "-e ." in pip
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_no_package_sits_in_two_groups():
    groups = {
        "runtime": runtime(),
        **{name: extra(name) for name in ("book", "lab", "dev")},
    }
    seen: dict[str, str] = {}
    for group, packages in groups.items():
        for name in packages:
            assert name not in seen, f"{name} is in both {seen[name]} and {group}"
            seen[name] = group


def test_pre_commit_runs_the_ruff_that_make_lint_runs():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    [ruff] = [
        repo for repo in config["repos"] if repo["repo"].endswith("/ruff-pre-commit")
    ]
    assert extra("dev")["ruff"] == f"=={ruff['rev'].removeprefix('v')}"


# -- the runtime packages are what the notebooks import ---------------------------------------

IMPORT = re.compile(
    r"^\s*(?:from\s+(\w+)[\w.]*\s+import\b|import\s+([\w., ]+?)(?:\s+as\s+\w+)?\s*$)"
)


@functools.cache
def imported_modules() -> frozenset[str]:
    """Return the top-level modules that the notebooks and utils/ import, stdlib and ours left out."""
    sources = [path.read_text() for path in sorted((ROOT / "utils").glob("*.py"))]
    for path in sorted((ROOT / "lectures").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        sources += [
            "".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"
        ]
    modules = set()
    for line in "\n".join(sources).splitlines():
        match = IMPORT.match(line)
        if match:
            names = [match.group(1)] if match.group(1) else match.group(2).split(",")
            modules |= {name.strip().split(".")[0].split(" ")[0] for name in names}
    return frozenset(
        modules - set(sys.stdlib_module_names) - LOCAL_PACKAGES - {"__future__"}
    )


@functools.cache
def distributions_of_modules() -> dict[str, list[str]]:
    """Return {top-level module: the installed distributions that provide it}."""
    return importlib.metadata.packages_distributions()


def providers(module: str) -> set[str]:
    """Return the installed distributions that provide the top-level ``module``."""
    return {normalise(name) for name in distributions_of_modules().get(module, [])}


def requires(package: str) -> set[str]:
    """Return the names that an installed distribution requires (its own dependencies)."""
    return {
        normalise(re.match(r"[\w.\-]+", spec).group(0))
        for spec in importlib.metadata.requires(package) or []
        if "extra ==" not in spec
    }


def test_every_imported_package_is_a_runtime_package_or_one_of_their_dependencies():
    runtime_packages = set(runtime())
    dependencies = set().union(*(requires(name) for name in runtime_packages))
    modules = imported_modules()
    assert {"torch", "torchvision", "torchsummary", "matplotlib"} <= modules
    missing = {
        module: providers(module)
        for module in modules
        if not providers(module) & (runtime_packages | dependencies)
    }
    assert missing == {}, (
        "add these to pyproject.toml's dependencies (and requirements.txt)"
    )


def test_every_runtime_package_is_imported_by_a_notebook_or_helper():
    provided = set().union(*(providers(module) for module in imported_modules()))
    unused = set(runtime()) - provided - set(NOT_IMPORTED)
    assert unused == set(), "nothing more than the notebooks need"


# -- citation ---------------------------------------------------------------------------------


def test_citation_file_passes_the_citation_file_format_schema():
    status, output = check_jsonschema(
        "vendor.citation-file-format", ROOT / "CITATION.cff"
    )
    assert status == 0, output
