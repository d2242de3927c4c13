"""The GitHub Actions workflow: valid YAML that runs the README's commands and publishes the site."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


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
    return [line.split("#")[0].strip() for step in steps(job) if "run" in step
            for line in step["run"].splitlines() if line.split("#")[0].strip()]


def test_workflow_is_valid_yaml_with_a_build_and_a_deploy_job():
    workflow = load_workflow()
    assert set(workflow["jobs"]) == {"build", "deploy"}
    assert workflow["on"]["push"]["branches"] == ["main"]


def test_build_job_runs_the_readmes_commands_in_order():
    readme = (ROOT / "README.md").read_text()
    run = commands(load_workflow()["jobs"]["build"])
    for command in ("make test", "make book"):
        assert command in readme, f"README no longer names {command!r}"
        assert command in run
    assert run.index("make test") < run.index("make book")


def test_build_job_installs_debian_chromium_before_testing():
    run = commands(load_workflow()["jobs"]["build"])
    install = next(i for i, c in enumerate(run) if "apt-get install" in c and "chromium" in c)
    assert install < run.index("make test")
    assert load_workflow()["jobs"]["build"]["container"].endswith("bookworm")


def test_site_is_uploaded_and_deployed_to_github_pages():
    jobs = load_workflow()["jobs"]
    upload = [s for s in steps(jobs["build"]) if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(deploy))
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "refs/heads/main" in deploy["if"]
