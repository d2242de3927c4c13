"""The benchmark's bookkeeping: figures, their targets, the printed table and ``results.json``.

A :class:`Figure` is one measured number (the median of its samples). It may carry a
target (``<=`` or ``>=`` a value); a figure that could not be measured has no value and
never meets its target. Targets are reported, never asserted: a busy machine makes a
slow run, not a failing build.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
COMPARISONS = ("<=", ">=")


def runs_note(runs: int, single: str = "1 run") -> str:
    """Return how a figure was reduced: "median of N runs", or ``single`` for one run."""
    return single if runs == 1 else f"median of {runs} runs"


@dataclass
class Figure:
    """One measured figure: the median of ``samples``, optionally checked against a target.

    Args:
        name: what was measured, e.g. ``"notebook 04_gans (cpu)"``.
        unit: the unit of the samples, e.g. ``"s"`` or ``"images/s"``.
        samples: the individual measurements; empty when the measurement failed.
        target: the value to meet, or None for a figure reported for information.
        comparison: ``"<="`` (at most the target) or ``">="`` (at least the target).
        note: how it was measured, e.g. ``"1 run (takes minutes)"``.
        error: why there are no samples, when the measurement failed.
    """

    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    target: float | None = None
    comparison: str = "<="
    note: str = ""
    error: str | None = None

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise ValueError(
                f"Figure: comparison must be one of {COMPARISONS}, "
                f"got {self.comparison!r}"
            )
        self.samples = [float(s) for s in self.samples]
        if any(
            math.isnan(s) for s in self.samples
        ):  # a median of them would mean nothing
            raise ValueError(f"Figure: samples must not hold NaN, got {self.samples!r}")

    @property
    def value(self) -> float | None:
        """Return the median of the samples, or None when there are none."""
        return statistics.median(self.samples) if self.samples else None

    @property
    def met(self) -> bool | None:
        """Return whether the target is met (False when unmeasured or failed); None without a target."""
        if self.target is None:
            return None
        value = self.value
        if value is None or self.error:
            return False
        return value <= self.target if self.comparison == "<=" else value >= self.target

    def as_dict(self) -> dict[str, Any]:
        """Return the figure as a JSON-ready dict (the schema of ``results.json``)."""
        row: dict[str, Any] = {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "runs": len(self.samples),
            "samples": self.samples,
        }
        if self.target is not None:
            row.update(target=self.target, comparison=self.comparison, met=self.met)
        if self.note:
            row["note"] = self.note
        if self.error:
            row["error"] = self.error
        return row


def _git_commit(root: Path) -> str | None:
    """Return the checked-out commit of ``root``, or None outside git."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def machine_info() -> dict[str, Any]:
    """Return what the numbers depend on: CPUs and their load, platform, Python and torch versions."""
    import torch

    return {
        "cpus": os.cpu_count(),
        "load_average_1_5_15_min": list(os.getloadavg()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
    }


def build_results(
    figures: Iterable[Figure], options: dict[str, Any], root: Path | None = None
) -> dict[str, Any]:
    """Return the ``results.json`` document: targets first, then figures for information."""
    figures = list(figures)
    targets = [f.as_dict() for f in figures if f.target is not None]
    return {
        "schema": SCHEMA_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git_commit(root) if root is not None else None,
        "machine": machine_info(),
        "options": options,
        "all_met": all(t["met"] for t in targets),
        "targets": targets,
        "figures": [f.as_dict() for f in figures if f.target is None],
    }


def write_results(document: dict[str, Any], path: Path) -> None:
    """Write ``document`` as indented JSON to ``path`` atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(document, indent=2) + "\n")
    os.replace(tmp, path)


def _fmt(value: float | None) -> str:
    """Return a number with about three significant digits, or "-" for None."""
    if value is None:
        return "-"
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def format_table(figures: Iterable[Figure]) -> str:
    """Return the figures as a plain-text table: name, value, unit, target, met, runs, note."""
    rows = [("figure", "value", "unit", "target", "met", "runs", "note")]
    for f in figures:
        target = "" if f.target is None else f"{f.comparison} {_fmt(f.target)}"
        met = {None: "", True: "yes", False: "NO"}[f.met]
        note = f"FAILED: {f.error}" if f.error else f.note
        rows.append(
            (f.name, _fmt(f.value), f.unit, target, met, str(len(f.samples)), note)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for i, row in enumerate(rows):
        cells = [
            c.ljust(w) if j in (0, 2) else c.rjust(w)
            for j, (c, w) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join(cells + [row[-1]]).rstrip())
        if i == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)
