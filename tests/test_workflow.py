"""The GitHub Actions workflow: valid against GitHub's schema, CPU wheels, caches keyed on
what they depend on, the README's commands publishing the site, and the release tag.

dependabot.yml keeps the actions' versions current (checked here against its schema)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import check_jsonschema

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def load_workflow() -> dict:
    """Return the workflow as data (PyYAML reads the key ``on`` as True)."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def steps(job: dict) -> list[dict]:
    """Return the steps of ``job``."""
    return job.get("steps", [])


def commands(job: dict) -> list[str]:
    """Return the shell commands of ``job``'s steps, comments removed."""
    return [
        line.split("#")[0].strip()
        for step in steps(job)
        if "run" in step
        for line in step["run"].splitlines()
        if line.split("#")[0].strip()
    ]


def test_build_job_runs_the_readmes_commands_in_order():
    readme = (ROOT / "README.md").read_text()
    run = commands(load_workflow()["jobs"]["build"])
    for command in ("make test", "make book"):
        assert command in readme, f"README no longer names {command!r}"
        assert command in run
    assert run.index("make test") < run.index("make book")


def test_build_job_installs_debian_chromium_before_testing():
    run = commands(load_workflow()["jobs"]["build"])
    install = next(
        i for i, c in enumerate(run) if "apt-get install" in c and "chromium" in c
    )
    assert install < run.index("make test")
    assert load_workflow()["jobs"]["build"]["container"].endswith("bookworm")


def test_site_is_uploaded_and_deployed_to_github_pages():
    jobs = load_workflow()["jobs"]
    upload = [
        s
        for s in steps(jobs["build"])
        if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    ]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert any(
        s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(deploy)
    )
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "refs/heads/main" in deploy["if"]


# -- schema, actions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema, path",
    [("vendor.github-workflows", WORKFLOW), ("vendor.dependabot", DEPENDABOT)],
)
def test_file_passes_githubs_schema(schema, path):
    status, output = check_jsonschema(schema, path)
    assert status == 0, output


def test_schema_check_fails_on_a_broken_workflow(tmp_path):
    broken = tmp_path / "book.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs_on:"))
    status, output = check_jsonschema("vendor.github-workflows", broken)
    assert status == 1
    assert "$.jobs.build: 'runs-on' is a required property" in output


def test_dependabot_keeps_the_actions_current():
    config = yaml.safe_load(DEPENDABOT.read_text())
    [update] = [
        u for u in config["updates"] if u["package-ecosystem"] == "github-actions"
    ]
    assert update["directory"] == "/" and update["schedule"]["interval"]


# -- wheels and caches ------------------------------------------------------------------------


def cache_steps(job: dict) -> list[dict]:
    """Return the ``with:`` of each actions/cache step of ``job``."""
    return [
        step["with"]
        for step in steps(job)
        if step.get("uses", "").startswith("actions/cache@")
    ]


def cache_of(job: dict, path: str) -> dict:
    """Return the ``with:`` of the cache step that saves ``path``."""
    [found] = [c for c in cache_steps(job) if path in c["path"].split()]
    return found


def test_torch_comes_from_pytorchs_cpu_wheel_index():
    build = load_workflow()["jobs"]["build"]
    indexes = {
        key: value for key, value in build.get("env", {}).items() if "INDEX" in key
    }
    assert indexes == {"PIP_EXTRA_INDEX_URL": CPU_INDEX}
    text = WORKFLOW.read_text()
    assert not re.search(r"whl/cu\d+|nvidia", text, re.IGNORECASE)


def test_pip_downloads_are_cached_by_pyproject():
    pip = cache_of(load_workflow()["jobs"]["build"], "~/.cache/pip")
    assert "hashFiles('pyproject.toml')" in pip["key"]


def test_execution_cache_follows_dependencies_code_and_data_in_key_and_restore_key():
    cache = cache_of(load_workflow()["jobs"]["build"], "_build/.jupyter_cache")
    hashed = " ".join(re.findall(r"hashFiles\(([^)]*)\)", cache["key"]))
    for pattern in ("'pyproject.toml'", "'lectures/**'", "'utils/**'", "'data/**'"):
        assert pattern in hashed
    assert (
        "'pyproject.toml'" in cache["restore-keys"]
        and "'data/**'" in cache["restore-keys"]
    )
    assert cache["key"].startswith(cache["restore-keys"])


def test_downloaded_data_sets_are_cached():
    gitignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".gitignore").read_text().splitlines()
    }
    cached = set(
        cache_of(load_workflow()["jobs"]["build"], "data/MNIST")["path"].split()
    )
    assert cached == {"data/MNIST", "data/lfw_home"}
    assert cached <= gitignored, "the cached folders are the downloads that git ignores"


# -- what ships, and when -----------------------------------------------------------------------


def test_smoke_pages_are_removed_before_the_cpu_build():
    run = commands(load_workflow()["jobs"]["build"])
    remove = run.index("rm -rf _build/html")
    assert run.index("make test") < remove < run.index("make book")


def test_pushes_and_manual_runs_on_main_deploy():
    workflow = load_workflow()
    assert "workflow_dispatch" in workflow["on"]
    condition = workflow["jobs"]["deploy"]["if"]
    assert "github.ref == 'refs/heads/main'" in condition
    assert "'push'" in condition and "'workflow_dispatch'" in condition


def test_release_job_pushes_the_tag_after_the_build_and_alone_may_write():
    workflow = load_workflow()
    release = workflow["jobs"]["release"]
    assert release["needs"] == "build", "no tag for a version whose build failed"
    assert "github.ref == 'refs/heads/main'" in release["if"]
    assert "python3 -m book.release tag" in commands(release)
    assert workflow["permissions"] == {"contents": "read"}
    writers = {
        name: job["permissions"]
        for name, job in workflow["jobs"].items()
        if "write" in job.get("permissions", {}).get("contents", "")
    }
    assert writers == {"release": {"contents": "write"}}
