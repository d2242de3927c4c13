"""Where a notebook's first cell spends its time: ``python -X importtime -c "import utils.plotting"``.

Every notebook (and every test process) starts with ``from utils.plotting import *``;
this times that import in a fresh interpreter and splits it into its largest direct
imports, from the interpreter's own ``-X importtime`` report.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from benchmarks.results import Figure

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


def parse_importtime(report: str, module: str) -> dict[str, float]:
    """Return seconds for ``module`` (key ``module``) and for each of its direct imports.

    ``-X importtime`` lists a module after the modules it imported, indented one level
    deeper per level (two spaces); cumulative times are in microseconds.
    """
    entries = []
    for line in report.splitlines():
        match = LINE.match(line)
        if match:
            entries.append(
                (len(match.group(3)), match.group(4), int(match.group(2)) / 1e6)
            )
    target = next((i for i, e in enumerate(entries) if e[1] == module), None)
    if target is None:
        raise ValueError(f"parse_importtime: module {module!r} is not in the report")
    depth = entries[target][0]
    result: dict[str, float] = {module: entries[target][2]}
    for level, name, seconds in reversed(entries[:target]):
        if level <= depth:  # the block of modules imported under `module` has ended
            break
        if level == depth + 2:
            result[name] = seconds
    return result


def import_times(module: str = "utils.plotting") -> dict[str, float]:
    """Return the import-time split of ``module`` measured in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return parse_importtime(out.stderr, module)


def measure(
    repeat: int = 3, module: str = "utils.plotting", top: int = 3
) -> list[Figure]:
    """Return the import time of ``module`` and of its ``top`` largest direct imports."""
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for name, seconds in import_times(module).items():
            samples[name].append(seconds)
    parts = sorted(
        (name for name in samples if name != module),
        key=lambda name: -max(samples[name]),
    )[:top]
    figures = [
        Figure(
            f"import {module} (fresh interpreter)",
            "s",
            samples[module],
            note="python -X importtime; every notebook's first cell",
        )
    ]
    figures += [
        Figure(f"  of which import {name}", "s", samples[name]) for name in parts
    ]
    return figures
