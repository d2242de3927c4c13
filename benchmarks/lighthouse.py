"""How fast the built site loads on a phone and on a desktop: Lighthouse on every page.

The site that ``make book`` built (``_build/html``) is served on a local port and each
of its pages is measured in turn by Lighthouse (the npm package pinned in
``benchmarks/package.json``, installed by ``make bench`` into ``benchmarks/node_modules``),
driving Debian's Chromium (``CHROME_PATH``, default ``/usr/bin/chromium``):

- ``mobile``: Lighthouse's default, a phone on a simulated slow 4G connection;
- ``desktop``: ``--preset=desktop``.

Chromium resolves no host name (``--host-resolver-rules``), so a page that asks for
anything outside the local server gets an error instead of the network. Each figure is
the median of ``runs`` runs (3 by default); the last report of each page goes to
``benchmarks/.work/lighthouse/``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.results import Figure, runs_note

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
LIGHTHOUSE = ROOT / "benchmarks" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = '--headless=new --no-sandbox --host-resolver-rules="MAP * ~NOTFOUND"'
FORM_FACTORS: dict[str, list[str]] = {"mobile": [], "desktop": ["--preset=desktop"]}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Issue 23's targets: a score of 1.0 is Lighthouse's 100.
TARGETS: dict[tuple[str, str], float] = {
    ("performance", "mobile"): 0.6,
    ("performance", "desktop"): 0.9,
    **{(c, f): 1.0 for c in CATEGORIES[1:] for f in FORM_FACTORS},
}
# Lighthouse audit id -> (figure name, unit, factor from the audit's numericValue).
METRICS: dict[str, tuple[str, str, float]] = {
    "first-contentful-paint": ("first contentful paint", "s", 1e-3),
    "largest-contentful-paint": ("largest contentful paint", "s", 1e-3),
    "total-blocking-time": ("total blocking time", "ms", 1.0),
    "total-byte-weight": ("page weight", "MB", 1e-6),
}
RUN_TIMEOUT_S = 180


def site_pages(site: Path = SITE) -> list[str]:
    """Return the book's pages in ``site`` (``lectures/*.html``), relative to it, sorted."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.glob("lectures/*.html"))
    if not pages:
        raise FileNotFoundError(
            f"site_pages: site must hold lectures/*.html (run `make book`), got {site}"
        )
    return pages


def summarise(report: dict[str, Any]) -> dict[str, float]:
    """Return a Lighthouse JSON report's category scores and metrics (METRICS' units)."""
    error = report.get("runtimeError")
    if error:
        raise ValueError(
            f"summarise: Lighthouse could not measure {report.get('requestedUrl')}: "
            f"{error.get('code')}: {error.get('message')}"
        )
    summary: dict[str, float] = {}
    for category in CATEGORIES:
        score = report["categories"][category]["score"]
        if score is None:
            raise ValueError(
                f"summarise: category {category!r} has no score "
                f"(an audit failed) in the report of {report.get('requestedUrl')}"
            )
        summary[category] = float(score)
    for audit, (name, _, factor) in METRICS.items():
        value = report["audits"][audit].get("numericValue")
        if value is None:
            raise ValueError(f"summarise: audit {audit!r} has no numericValue")
        summary[name] = float(value) * factor
    return summary


def failing_audits(report: dict[str, Any], category: str) -> list[str]:
    """Return the ids of the audits that lower ``category``'s score (weight > 0, score < 1)."""
    audits = report["audits"]
    return [
        ref["id"]
        for ref in report["categories"][category]["auditRefs"]
        if ref.get("weight", 0) > 0
        and audits[ref["id"]].get("score") is not None
        and audits[ref["id"]]["score"] < 1
    ]


class _QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not log every request."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Log nothing."""


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free local port for the ``with`` block; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse_command(url: str, form_factor: str, output: Path) -> list[str]:
    """Return the Lighthouse command that measures ``url`` as ``form_factor`` into ``output``."""
    if form_factor not in FORM_FACTORS:
        raise ValueError(
            f"lighthouse_command: form_factor must be one of {list(FORM_FACTORS)}, "
            f"got {form_factor!r}"
        )
    return [
        str(LIGHTHOUSE),
        url,
        *FORM_FACTORS[form_factor],
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]


def run_lighthouse(url: str, form_factor: str, output: Path) -> dict[str, Any]:
    """Run Lighthouse once on ``url``; return its report (also left in ``output``)."""
    if not LIGHTHOUSE.exists():
        raise FileNotFoundError(
            f"Lighthouse is not installed at {LIGHTHOUSE}: run "
            "`npm ci --prefix benchmarks --ignore-scripts` (make bench does)"
        )
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)}
    output.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        lighthouse_command(url, form_factor, output),
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        raise RuntimeError(f"lighthouse exited {done.returncode}: {lines[-1]}")
    return json.loads(output.read_text())


def page_figures(
    page: str, form_factor: str, summaries: list[dict[str, float]], note: str
) -> list[Figure]:
    """Return one figure per score and metric of ``page`` from its runs' summaries."""
    figures = []
    name = f"{Path(page).stem} {form_factor}"
    for category in CATEGORIES:
        figures.append(
            Figure(
                f"{name}: {category}",
                "score",
                [s[category] for s in summaries],
                target=TARGETS[(category, form_factor)],
                comparison=">=",
                note=note,
            )
        )
    for metric, unit, _ in METRICS.values():
        figures.append(
            Figure(f"{name}: {metric}", unit, [s[metric] for s in summaries], note=note)
        )
    return figures


def failed_figures(page: str, form_factor: str, error: str) -> list[Figure]:
    """Return the target figures of a page that could not be measured, with ``error``."""
    name = f"{Path(page).stem} {form_factor}"
    return [
        Figure(
            f"{name}: {category}",
            "score",
            target=TARGETS[(category, form_factor)],
            comparison=">=",
            error=error,
        )
        for category in CATEGORIES
    ]


def measure(work: Path, site: Path = SITE, runs: int = 3) -> list[Figure]:
    """Return Lighthouse's figures for every page of ``site``, mobile then desktop.

    Pages run one after another; each figure is the median of ``runs`` runs.
    """
    pages = site_pages(site)
    figures: list[Figure] = []
    with serve(site) as base:
        for page in pages:
            for form_factor in FORM_FACTORS:
                output = work / "lighthouse" / f"{Path(page).stem}-{form_factor}.json"
                summaries, reasons = [], set()
                try:
                    for _ in range(runs):
                        report = run_lighthouse(base + page, form_factor, output)
                        summaries.append(summarise(report))
                        reasons.update(
                            f"{c}: {a}"
                            for c in CATEGORIES
                            for a in failing_audits(report, c)
                            if c != "performance"
                        )
                except (
                    OSError,
                    RuntimeError,
                    ValueError,
                    KeyError,
                    subprocess.SubprocessError,
                ) as err:
                    error = f"{type(err).__name__}: {err}"[:300]
                    figures += failed_figures(page, form_factor, error)
                    continue
                note = runs_note(runs)
                if reasons:
                    note += "; lowered by " + ", ".join(sorted(reasons))
                figures += page_figures(page, form_factor, summaries, note)
    return figures
