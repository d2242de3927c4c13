"""The benchmark's own logic: targets, results.json, parsers and the pipelines it compares."""

from __future__ import annotations

import gzip
import json
import math
import subprocess
import urllib.request
from pathlib import Path

import nbformat
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]

from benchmarks import __main__ as cli  # noqa: E402
from benchmarks import (  # noqa: E402
    commands,
    denoiser,
    faces,
    imports,
    lighthouse,
    notebooks,
)
from benchmarks.results import (  # noqa: E402,E501
    Figure,
    build_results,
    format_table,
    write_results,
)

# --------------------------------------------------------------------------- bookkeeping


def test_figure_rejects_nan_samples():
    with pytest.raises(ValueError, match="NaN"):
        Figure("x", "s", [1.0, math.nan])


def test_figure_value_is_the_median_of_its_samples():
    assert Figure("x", "s", [5, 1, 3]).value == 3.0


@pytest.mark.parametrize(
    "comparison, samples, met",
    [
        ("<=", [9.0, 10.0, 30.0], True),  # median 10 <= 10
        ("<=", [11.0], False),
        (">=", [10.0], True),
        (">=", [9.9], False),
    ],
)
def test_figure_meets_its_target_by_its_comparison(comparison, samples, met):
    assert Figure("x", "s", samples, target=10.0, comparison=comparison).met is met


def test_unmeasured_or_failed_figure_never_meets_its_target():
    assert Figure("x", "s", [], target=10.0).met is False
    assert Figure("x", "s", [1.0], target=10.0, error="exit status 2").met is False


def test_figure_without_target_has_no_met():
    assert Figure("x", "s", [1.0]).met is None


def test_figure_rejects_unknown_comparison():
    with pytest.raises(ValueError, match="comparison"):
        Figure("x", "s", [1.0], target=1.0, comparison="<")


def test_results_list_each_target_with_name_value_unit_target_and_met(tmp_path):
    figures = [
        Figure("fast enough", "s", [1.0, 2.0, 3.0], target=5.0, note="median of 3"),
        Figure("too slow", "s", [9.0], target=5.0),
        Figure("information", "MiB", [100.0]),
    ]
    document = build_results(figures, {"quick": True}, root=None)
    assert [t["name"] for t in document["targets"]] == ["fast enough", "too slow"]
    first = document["targets"][0]
    assert {
        k: first[k] for k in ("value", "unit", "target", "comparison", "met", "runs")
    } == {
        "value": 2.0,
        "unit": "s",
        "target": 5.0,
        "comparison": "<=",
        "met": True,
        "runs": 3,
    }
    assert document["targets"][1]["met"] is False and document["all_met"] is False
    assert [f["name"] for f in document["figures"]] == ["information"]
    assert "met" not in document["figures"][0]
    assert document["schema"] == 1 and document["options"] == {"quick": True}
    path = tmp_path / "out" / "results.json"
    write_results(document, path)
    assert json.loads(path.read_text())["targets"][0]["name"] == "fast enough"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_committed_results_follow_the_schema():
    path = Path(cli.RESULTS)
    if not path.exists():
        pytest.skip("benchmarks/results.json is written by `make bench`")
    document = json.loads(path.read_text())
    assert document["targets"], "results.json lists no targets"
    for target in document["targets"]:
        assert {"name", "value", "unit", "target", "met"} <= set(target)
        assert isinstance(target["met"], bool)


def test_table_shows_value_target_and_unmet_targets_loudly():
    table = format_table(
        [
            Figure("make test", "s", [400.0], target=360.0, note="1 run"),
            Figure("book", "s", [], target=600.0, error="exit status 2"),
        ]
    )
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["figure", "value", "unit"]
    assert "make test" in lines[2] and "400" in lines[2] and "<= 360" in lines[2]
    assert " NO " in lines[2] and "1 run" in lines[2]
    assert "FAILED: exit status 2" in lines[3]


# --------------------------------------------------------------------------- command line


def test_quick_runs_once_skips_book_and_test_and_keeps_committed_results():
    args = cli.parse_args(["--quick"])
    assert args.repeat == 1
    assert (
        "book" not in args.only and "test" not in args.only and "notebooks" in args.only
    )
    assert args.out != cli.RESULTS and cli.WORK in args.out.parents


def test_full_run_writes_the_committed_results_with_slow_figures_once():
    args = cli.parse_args([])
    assert args.out == cli.RESULTS and args.repeat == 3 and args.repeat_slow == 1
    assert set(args.only) == set(cli.SECTIONS)
    assert cli.parse_args(["--repeat-slow", "2"]).repeat_slow == 2


def test_notebook_targets_are_the_issues():
    assert cli.NOTEBOOK_TARGETS_S == {"smoke": 30.0, "cpu": 180.0}


# --------------------------------------------------------------------------- parsers

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       100 |        100 |     torch._C
import time:      2000 |       2100 |   torch
import time:       300 |        300 |       deep.inside
import time:       500 |        800 |   torchvision.utils
import time:        50 |       3000 | utils.plotting
import time:        10 |         10 | unrelated
"""


def test_importtime_report_is_split_into_direct_imports():
    assert imports.parse_importtime(IMPORTTIME, "utils.plotting") == {
        "utils.plotting": 0.003,
        "torch": 0.0021,
        "torchvision.utils": 0.0008,
    }


def test_importtime_parser_names_a_missing_module():
    with pytest.raises(ValueError, match="missing.module"):
        imports.parse_importtime(IMPORTTIME, "missing.module")


def _executed_notebook(lines: list[str]) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines))
    ]
    return nbformat.v4.new_notebook(cells=[cell])


def test_held_out_mse_is_read_from_the_printed_lines():
    training = _executed_notebook(["epoch 10/10: training MSE 0.0150"])
    held_out = _executed_notebook(
        [
            "held-out 8s: 100",
            "noisy / denoised MSE ratio: 5.11 (the denoised output is closer to the clean 8s)",
            "MSE of the noisy input:     0.1089",
            "MSE of the denoised output: 0.0213",
        ]
    )
    training.cells += held_out.cells
    assert denoiser.held_out_mse(training) == {"noisy": 0.1089, "denoised": 0.0213}


def test_held_out_mse_says_which_line_is_missing():
    with pytest.raises(ValueError, match="denoised"):
        denoiser.held_out_mse(
            _executed_notebook(["held-out 8s", "MSE of the noisy input: 0.1"])
        )


def test_training_time_counts_only_the_denoising_sections_training_cell():
    cells = [
        nbformat.v4.new_markdown_cell("## 2.1 Dimensionality reduction"),
        nbformat.v4.new_code_cell("loss.backward()"),
        nbformat.v4.new_markdown_cell("## 2.2 Denoising MNIST 8s"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("loss.backward()"),
    ]
    execution = notebooks.Execution(
        "02_autoencoders",
        "cpu",
        60.0,
        nbformat.v4.new_notebook(cells=cells),
        cell_seconds=[(1, 5.0), (3, 1.0), (4, 40.0)],
    )
    assert denoiser.training_seconds(execution) == 40.0


def test_cell_seconds_come_from_nbclient_timing_metadata():
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["execution"] = {
        "iopub.execute_input": "2026-01-01T10:00:00.000000Z",
        "shell.execute_reply": "2026-01-01T10:00:02.500000Z",
    }
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# T"), cell]
    )
    assert notebooks.cell_seconds(notebook) == [(1, 2.5)]


# --------------------------------------------------------------------------- face pipelines


def test_fifty_epoch_ratio_counts_the_one_off_decode():
    # lecture 2 s/epoch; decode once 2 s, then 0.02 s/epoch: 100 s against 3 s
    assert faces.total_ratio(2.0, 2.0, 0.02, epochs=50) == pytest.approx(100 / 3)


@pytest.fixture(scope="module")
def face_files(tmp_path_factory):
    # made from the bundled faces, named by FACES_DIR: no LFW download is tried
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FACES_DIR", str(ROOT / "data" / "faces-sample"))
        return faces.make_face_files(
            tmp_path_factory.mktemp("faces"), n_images=6, size=24, n_classes=2
        )


def test_face_files_are_rgb_pngs_in_imagefolder_layout_and_reused(face_files):
    from PIL import Image

    files = sorted(face_files.glob("*/*.png"))
    assert len(files) == 6 and {p.parent.name for p in files} == {
        "person_00",
        "person_01",
    }
    with Image.open(files[0]) as img:
        assert img.size == (24, 24) and img.mode == "RGB"
    before = files[0].stat().st_mtime_ns
    faces.make_face_files(face_files, n_images=6, size=24, n_classes=2)
    assert files[0].stat().st_mtime_ns == before


def test_both_pipelines_deliver_the_same_images(face_files):
    """The comparison is fair: decode-once gives what the lecture's loader gives."""
    lecture = faces.lecture_loader(face_files, image_size=16, batch_size=6)
    lecture_images = torch.cat(
        [
            x
            for x, _ in torch.utils.data.DataLoader(
                lecture.dataset, batch_size=6, shuffle=False
            )
        ]
    )  # same order as the files
    ours = faces.decode_once(lecture.dataset)
    assert ours.shape == lecture_images.shape == (6, 3, 16, 16)
    assert torch.equal(ours, lecture_images)


def test_tensor_epochs_count_every_image_once_per_epoch():
    images = torch.zeros(10, 3, 4, 4, dtype=torch.uint8)
    seconds, count = faces.time_tensor_epochs(
        faces.tensor_loader(images, 4), epochs=3, device=torch.device("cpu")
    )
    assert count == 10 and seconds >= 0


# --------------------------------------------------------------------------- make commands


def test_clean_env_drops_the_course_variables(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "gpu")
    monkeypatch.setenv("COURSE_RUNS", "/tmp/old-runs")
    env = commands.clean_env(COURSE_PROFILE="cpu")
    assert env["COURSE_PROFILE"] == "cpu" and "COURSE_RUNS" not in env


def test_make_never_reinstalls_the_venv_mid_benchmark():
    assert commands.MAKE == ["make", "--old-file=.venv/.installed"]


def test_scratch_copy_holds_the_working_tree_but_not_ignored_files(tmp_path):
    repo = tmp_path / "repo"
    (repo / "lectures").mkdir(parents=True)
    (repo / ".venv").mkdir()
    (repo / "_build" / "html").mkdir(parents=True)
    (repo / ".gitignore").write_text(".venv/\n_build/\n")
    (repo / "lectures" / "tracked.ipynb").write_text("{}")
    (repo / "lectures" / "new.ipynb").write_text("{}")
    (repo / "_build" / "html" / "old.html").write_text("stale")
    run = {"cwd": repo, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q"], **run)
    subprocess.run(["git", "add", ".gitignore", "lectures/tracked.ipynb"], **run)
    copy = commands.scratch_copy(tmp_path / "copy", root=repo)
    names = sorted(
        p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()
    )
    assert names == [".gitignore", "lectures/new.ipynb", "lectures/tracked.ipynb"]
    assert (copy / ".venv").is_symlink() and (copy / ".venv").resolve() == (
        repo / ".venv"
    )
    assert not (copy / "_build").exists()  # the cold build starts from nothing


def test_runs_note_says_median_only_when_there_are_several_runs():
    from benchmarks.results import runs_note

    assert runs_note(3) == "median of 3 runs"
    assert runs_note(1, "1 run (takes minutes)") == "1 run (takes minutes)"


def test_a_failed_command_is_reported_by_its_first_warning_line(tmp_path):
    log = tmp_path / "book.log"
    log.write_text(
        "building\n\x1b[91mlectures/index.md:: WARNING: toctree contains a "
        "missing document\x1b[39;49;00m\nmake: *** [book] Error 1\n"
    )
    problem = commands.first_problem(log)
    assert (
        problem.startswith("lectures/index.md:: WARNING: toctree")
        and str(log) in problem
    )
    log.write_text("one\nlast words\n")
    assert commands.first_problem(log).startswith("last words")


def test_peak_memory_is_the_processs_own_high_water_mark(tmp_path):
    """VmHWM, not ru_maxrss, which a child inherits from the big benchmark process."""
    from benchmarks.gan_steps import peak_rss_mib

    status = tmp_path / "status"
    status.write_text(
        "Name:\tpython\nVmPeak:\t 9999999 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1024 kB\n"
    )
    assert peak_rss_mib(status) == 2.0
    assert peak_rss_mib(tmp_path / "missing") > 1  # falls back to ru_maxrss


# -- Lighthouse (benchmarks/lighthouse.py) ------------------------------------------------

# Trimmed from a real Lighthouse 13.5 report: the keys the summariser reads, unchanged.
LIGHTHOUSE_REPORT = json.loads(
    (Path(__file__).parent / "data" / "lighthouse_report.json").read_text()
)


def test_lighthouse_summary_has_the_four_scores_and_the_metrics_in_their_units():
    summary = lighthouse.summarise(LIGHTHOUSE_REPORT)
    audits = LIGHTHOUSE_REPORT["audits"]
    assert summary["performance"] == 0.53 and summary["seo"] == 0.9
    assert summary["accessibility"] == summary["best-practices"] == 1.0
    fcp = audits["first-contentful-paint"]["numericValue"]
    assert summary["first contentful paint"] == pytest.approx(fcp / 1000)  # s
    tbt = audits["total-blocking-time"]["numericValue"]
    assert summary["total blocking time"] == pytest.approx(tbt)  # ms
    assert summary["page weight"] == pytest.approx(3.855112)  # MB


def test_lighthouse_summary_of_a_performance_only_run_has_no_other_scores():
    report = json.loads(json.dumps(LIGHTHOUSE_REPORT))
    report["categories"] = {"performance": report["categories"]["performance"]}
    summary = lighthouse.summarise(report)
    assert "performance" in summary and "seo" not in summary


def test_lighthouse_summary_names_a_page_lighthouse_could_not_load():
    report = {**LIGHTHOUSE_REPORT, "runtimeError": {"code": "NO_FCP", "message": "x"}}
    with pytest.raises(ValueError, match="NO_FCP"):
        lighthouse.summarise(report)


def test_lighthouse_summary_refuses_a_category_without_a_score():
    report = json.loads(json.dumps(LIGHTHOUSE_REPORT))
    report["categories"]["seo"]["score"] = None
    with pytest.raises(ValueError, match="'seo' has no score"):
        lighthouse.summarise(report)


def test_failing_audits_name_what_lowers_a_score():
    # the page of the report had no meta description (issue 23)
    assert lighthouse.failing_audits(LIGHTHOUSE_REPORT, "seo") == ["meta-description"]
    assert lighthouse.failing_audits(LIGHTHOUSE_REPORT, "accessibility") == []


def test_lighthouse_targets_are_the_issues():
    targets = lighthouse.TARGETS
    assert targets[("performance", "desktop")] == 0.9
    assert targets[("performance", "mobile")] == 0.6
    for category in ("accessibility", "best-practices", "seo"):
        assert targets[(category, "mobile")] == targets[(category, "desktop")] == 1.0


def test_page_figures_are_medians_with_the_targets_and_one_run_of_fixed_scores():
    first = lighthouse.summarise(LIGHTHOUSE_REPORT)
    metrics = {name for name, _, _ in lighthouse.METRICS.values()}
    fast = {k: v for k, v in first.items() if k in metrics}
    runs = [first, {**fast, "performance": 0.7}, {**fast, "performance": 0.65}]
    figures = {
        f.name: f
        for f in lighthouse.page_figures("lectures/04_gans.html", "mobile", runs, "")
    }
    performance = figures["04_gans mobile: performance"]
    assert performance.value == 0.65 and performance.met  # median of 0.53, 0.7, 0.65
    seo = figures["04_gans mobile: seo"]
    assert seo.samples == [0.9] and seo.target == 1.0 and seo.met is False
    assert figures["04_gans mobile: page weight"].unit == "MB"


def test_a_page_lighthouse_could_not_load_fails_its_targets():
    failed = {
        "requestedUrl": "x",
        "runtimeError": {"code": "DRIVER_ERROR", "message": ""},
    }
    figures = lighthouse.page_result(
        "lectures/index.html", "desktop", [LIGHTHOUSE_REPORT, failed]
    )
    assert [f.name for f in figures] == [
        f"index desktop: {c}" for c in lighthouse.CATEGORIES
    ]
    assert all(f.met is False and "DRIVER_ERROR" in f.error for f in figures)


def test_lighthouse_runs_page_after_page_and_audits_everything_on_the_first(tmp_path):
    pages = ["lectures/index.html", "lectures/02_autoencoders.html"]
    runs = lighthouse.plan_runs("http://127.0.0.1:1/", pages, 3, tmp_path)
    assert [(r["page"], r["formFactor"]) for r in runs] == [
        (page, form_factor)
        for page in pages
        for form_factor in ("mobile", "desktop")
        for _ in range(3)
    ]
    assert [len(r["categories"]) for r in runs[:3]] == [4, 1, 1]
    assert runs[1]["categories"] == ["performance"]
    assert len({r["output"] for r in runs}) == len(runs), "a report overwrote another"
    with pytest.raises(ValueError, match="runs must be at least 1"):
        lighthouse.plan_runs("http://127.0.0.1:1/", pages, 0, tmp_path)


def test_lighthouse_browser_resolves_no_outside_host():
    rules = next(f for f in lighthouse.CHROME_FLAGS if "host-resolver-rules" in f)
    assert "MAP * ~NOTFOUND" in rules and "EXCLUDE 127.0.0.1" in rules


def test_missing_lighthouse_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(lighthouse, "NODE_MODULES", tmp_path / "node_modules")
    with pytest.raises(FileNotFoundError, match="npm ci --prefix benchmarks"):
        lighthouse.run_lighthouse([], tmp_path)


def test_site_is_served_gzipped_as_a_static_host_serves_it(tmp_path):
    (tmp_path / "lectures").mkdir()
    page = tmp_path / "lectures" / "index.html"
    page.write_text("<p>" + "text " * 2000 + "</p>")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG not text")
    with lighthouse.serve(tmp_path) as base:
        request = urllib.request.Request(
            base + "lectures/index.html", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()) == page.read_bytes()
        with urllib.request.urlopen(base + "lectures/index.html") as response:
            assert response.headers["Content-Encoding"] is None  # not asked for
            assert response.read() == page.read_bytes()
        request = urllib.request.Request(
            base + "logo.png", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] is None
    assert lighthouse.site_pages(tmp_path) == ["lectures/index.html"]


def test_site_pages_says_to_build_the_book_first(tmp_path):
    with pytest.raises(FileNotFoundError, match="make book"):
        lighthouse.site_pages(tmp_path)


def test_a_report_left_by_an_earlier_benchmark_is_never_read_as_new(
    monkeypatch, tmp_path
):
    (tmp_path / "node_modules" / "lighthouse").mkdir(parents=True)
    monkeypatch.setattr(lighthouse, "NODE_MODULES", tmp_path / "node_modules")
    monkeypatch.setattr(  # a driver that stops before writing any report
        lighthouse.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0)
    )
    runs = lighthouse.plan_runs(
        "http://127.0.0.1:1/", ["lectures/index.html"], 1, tmp_path
    )
    Path(runs[0]["output"]).write_text(json.dumps(LIGHTHOUSE_REPORT))
    lighthouse.run_lighthouse(runs, tmp_path)
    assert not Path(runs[0]["output"]).exists()
