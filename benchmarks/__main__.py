"""``python -m benchmarks`` (``make bench``): measure everything once, print a table, write results.json.

Every figure is the median of several runs, except those that take minutes (the cpu
notebook runs, the cold book build, ``make test``): they run once unless
``--repeat-slow`` asks for more, and the table says how many runs each figure has.
``--quick`` checks the machinery in a few minutes: one run of everything cheap, no cpu
notebook runs, no book build, no ``make test``, results in the work folder.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

from benchmarks import commands, faces, gan_steps, imports, lighthouse, notebooks
from benchmarks.results import (
    Figure,
    build_results,
    format_table,
    runs_note,
    write_results,
)
from utils.runtime import get_device

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
RESULTS = ROOT / "benchmarks" / "results.json"
SECTIONS = ("notebooks", "book", "test", "faces", "gan", "imports", "site")
NOTEBOOK_TARGETS_S = {"smoke": 30.0, "cpu": 180.0}
# The module that reads each notebook's printed quality figures (``figures(execution)``).
QUALITY = {
    "02_autoencoders": "benchmarks.denoiser",
    "04_gans": "benchmarks.gan_quality",
    "05_multi_input_networks": "benchmarks.multi_input",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny repeats; no cpu notebooks, book build or make test",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each quick figure (default 3; --quick: 1)",
    )
    parser.add_argument(
        "--repeat-slow",
        type=int,
        default=1,
        help="runs of the figures that take minutes (default 1)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=SECTIONS,
        default=list(SECTIONS),
        help="measure only these sections",
    )
    parser.add_argument(
        "--book-profile",
        default="cpu",
        choices=("smoke", "cpu", "gpu"),
        help="profile of the book builds (default cpu)",
    )
    parser.add_argument(
        "--site",
        type=Path,
        default=lighthouse.SITE,
        help="the built site that Lighthouse measures (default _build/html: make book)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write the results (default benchmarks/results.json; "
        "--quick: benchmarks/.work/results-quick.json)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.repeat_slow < 1:
        parser.error("--repeat and --repeat-slow must be at least 1")
    if args.quick:
        args.repeat = 1
        args.only = [s for s in args.only if s not in ("book", "test")]
    if args.out is None:
        args.out = WORK / "results-quick.json" if args.quick else RESULTS
    return args


class Run:
    """Collects the figures of one benchmark run and prints each section as it ends."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.details: dict[str, object] = {}
        self.executed: dict[tuple[str, str], notebooks.Execution] = {}

    def section(self, title: str, measure: Callable[[], list[Figure]]) -> None:
        """Measure one section, print its rows, keep its figures; a crash becomes a failed figure."""
        print(f"\n== {title}", flush=True)
        start, load = time.perf_counter(), os.getloadavg()[0]
        try:
            new = measure()
        except Exception as err:  # one broken section must not lose the others' figures
            new = [Figure(title, "", error=f"{type(err).__name__}: {err}"[:300])]
        self.figures += new
        print(format_table(new), flush=True)
        loads = [round(load, 2), round(os.getloadavg()[0], 2)]
        self.details.setdefault("load_average_1min_start_end", {})[title] = loads
        print(
            f"({time.perf_counter() - start:.0f} s; load average {loads[0]} -> {loads[1]})",
            flush=True,
        )


def measure_notebooks(run: Run, profile: str, repeat: int, note: str) -> list[Figure]:
    """Return one wall-time figure per notebook for ``profile``; keep the last executions."""
    figures = []
    for path in notebooks.lecture_notebooks():
        samples, error, last = [], None, None
        for _ in range(repeat):
            last = notebooks.execute(
                path, profile, keep=WORK / "executed" / f"{path.stem}-{profile}.ipynb"
            )
            samples.append(last.seconds)
            if last.error:
                error = last.error
                break
        figures.append(
            Figure(
                f"notebook {path.stem} ({profile})",
                "s",
                samples,
                target=NOTEBOOK_TARGETS_S[profile],
                note=note,
                error=error,
            )
        )
        if last is not None:
            run.details.setdefault("slowest_cells", {})[f"{path.stem} ({profile})"] = [
                {"cell": i, "seconds": round(s, 2), "first_line": line}
                for i, s, line in notebooks.slowest_cells(last)
            ]
            run.executed[(path.stem, profile)] = last
    return figures


def quality_figures(execution: notebooks.Execution, stem: str) -> list[Figure]:
    """Return the quality figures that notebook ``stem`` printed, read by its own module."""
    module = importlib.import_module(QUALITY[stem])
    return module.figures(execution)


def main(argv: list[str] | None = None) -> int:
    """Run the selected sections, print the table and write the results; return 0."""
    args = parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    device = get_device(verbose=False)
    run = Run()
    load_at_start = list(
        os.getloadavg()
    )  # other work on the machine slows every figure
    slow = args.repeat_slow
    slow_note = runs_note(slow, "1 run (takes minutes)")
    print(
        f"Benchmarks on {device.type}, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads; figures are {runs_note(args.repeat)}, slow ones "
        f"{runs_note(slow)}; load average {load_at_start[0]:.1f} on {os.cpu_count()} CPUs"
        + (" (QUICK: machinery check only)" if args.quick else "")
    )
    if load_at_start[0] > 0.5 * (os.cpu_count() or 1):
        print(
            "WARNING: the machine is busy; torch's threads slow down many times over when "
            "the cores are shared, so the figures will be pessimistic",
            flush=True,
        )

    if "notebooks" in args.only:
        run.section(
            "notebooks, smoke profile",
            lambda: measure_notebooks(
                run, "smoke", args.repeat, runs_note(args.repeat)
            ),
        )
        if not args.quick:
            run.section(
                "notebooks, cpu profile",
                lambda: measure_notebooks(run, "cpu", slow, slow_note),
            )
        profile = "smoke" if args.quick else "cpu"
        for stem in QUALITY:
            execution = run.executed.get((stem, profile))
            if execution is not None:
                run.section(
                    f"quality: {stem} ({profile})",
                    lambda e=execution, s=stem: quality_figures(e, s),
                )
    if "book" in args.only:
        run.section(
            f"make book ({args.book_profile})",
            lambda: commands.measure_book(
                WORK, args.book_profile, cached_repeat=args.repeat
            ),
        )
    if "test" in args.only:
        run.section("make test", lambda: commands.measure_tests(WORK, repeat=slow))
    if "faces" in args.only:
        n_images, inner = (200, 3) if args.quick else (1000, 10)
        run.section(
            "face data pipeline",
            lambda: faces.measure(
                WORK,
                repeat=max(args.repeat, 3) if not args.quick else 2,
                device=device,
                n_images=n_images,
                inner_epochs=inner,
                workers_compared=0 if args.quick else 2,
            ),
        )
    if "gan" in args.only:
        for profile in ("smoke", "cpu", "gpu"):
            if args.quick and profile == "gpu":
                continue
            steps = 3 if profile == "gpu" else (3 if args.quick else 10)
            run.section(
                f"DCGAN training, {profile} sizes",
                lambda p=profile, s=steps: gan_steps.measure_profile(
                    p, steps=s, warmup=1, runs=1 if args.quick or p == "gpu" else 3
                ),
            )
    if "imports" in args.only:
        run.section("import time", lambda: imports.measure(repeat=args.repeat))
    if "site" in args.only:
        run.section(
            f"Lighthouse on every page of {args.site}",
            lambda: lighthouse.measure(WORK, args.site, runs=args.repeat),
        )

    options = {
        "quick": args.quick,
        "repeat": args.repeat,
        "repeat_slow": slow,
        "sections": args.only,
        "book_profile": args.book_profile,
        "site": os.path.relpath(args.site, ROOT),
    }
    document = build_results(run.figures, options, ROOT)
    document["machine"]["load_average_at_start"] = load_at_start
    document["details"] = run.details
    write_results(document, args.out)
    print("\n== all figures\n" + format_table(run.figures))
    targets = document["targets"]
    met = sum(bool(t["met"]) for t in targets)
    print(f"\n{met} of {len(targets)} targets met; written to {args.out}")
    print("Figures with 1 run take minutes each; --repeat-slow N runs them N times.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
