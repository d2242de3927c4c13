"""How fast the built site loads on a phone and on a desktop: Lighthouse on every page.

The site that ``make book`` built (``_build/html``) is served on a local port, gzipped
as GitHub Pages serves it, and each of its pages is measured in turn by Lighthouse (the
npm package pinned in ``benchmarks/package.json``, installed by ``make bench`` into
``benchmarks/node_modules``), driving Debian's Chromium (``CHROME_PATH``, default
``/usr/bin/chromium``) through ``benchmarks/lighthouse_runs.mjs``, one browser for all
runs:

- ``mobile``: Lighthouse's default, a phone on a simulated slow 4G connection;
- ``desktop``: Lighthouse's desktop preset.

Chromium resolves no host name (``--host-resolver-rules``), so a page that asks for
anything outside the local server gets an error instead of the network. Each
performance figure is the median of ``runs`` runs (3 by default); the first run of a
page also audits accessibility, best practices and SEO. The reports are left in
``benchmarks/.work/lighthouse/``.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
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
NODE_MODULES = ROOT / "benchmarks" / "node_modules"
DRIVER = ROOT / "benchmarks" / "lighthouse_runs.mjs"
CHROMIUM = "/usr/bin/chromium"
# Chromium resolves no host name but the local server's address.
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
FORM_FACTORS = ("mobile", "desktop")
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
RUN_TIMEOUT_S = 180  # a run; Lighthouse itself gives up on a page after 45 s


def site_pages(site: Path = SITE) -> list[str]:
    """Return the book's pages in ``site`` (``lectures/*.html``), relative to it, sorted."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.glob("lectures/*.html"))
    if not pages:
        raise FileNotFoundError(
            f"site_pages: site must hold lectures/*.html (run `make book`), got {site}"
        )
    return pages


def summarise(report: dict[str, Any]) -> dict[str, float]:
    """Return a Lighthouse JSON report's category scores and metrics (METRICS' units).

    Only the categories the report holds are returned (a run may measure performance
    alone).
    """
    error = report.get("runtimeError")
    if error:
        raise ValueError(
            f"summarise: Lighthouse could not measure {report.get('requestedUrl')}: "
            f"{error.get('code')}: {error.get('message')}"
        )
    summary: dict[str, float] = {}
    for category in CATEGORIES:
        if category not in report["categories"]:
            continue
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


class SiteHandler(SimpleHTTPRequestHandler):
    """Serve the site's files as a static host does: text gzip-compressed, nothing logged.

    GitHub Pages, which publishes the book, sends HTML, CSS, JavaScript and JSON gzipped;
    Python's plain file server sends them as they are, which would measure a slow 4G
    phone loading the theme's 400 kB stylesheet instead of its 60 kB.
    """

    COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".txt", ".map")
    _cache: dict[tuple[Path, int], bytes] = {}  # (file, modification time) -> gzipped

    def do_GET(self) -> None:
        """Send a text file gzipped when the browser accepts it; anything else as is."""
        path = Path(self.translate_path(self.path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in self.COMPRESSED and path.is_file()):
            super().do_GET()
            return
        key = (path, path.stat().st_mtime_ns)
        if key not in self._cache:
            self._cache[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Log nothing."""


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free local port for the ``with`` block; yield its base URL."""
    handler = functools.partial(SiteHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def plan_runs(
    base: str, pages: list[str], runs: int, folder: Path
) -> list[dict[str, Any]]:
    """Return the runs of Lighthouse, page after page, mobile then desktop, ``runs`` each.

    The first run of a page audits every category; the others performance alone, the
    one score that varies from run to run (axe-core's accessibility audit takes seconds).
    """
    if runs < 1:
        raise ValueError(f"plan_runs: runs must be at least 1, got {runs}")
    return [
        {
            "url": base + page,
            "page": page,
            "formFactor": form_factor,
            "categories": list(CATEGORIES if run == 0 else CATEGORIES[:1]),
            "output": str(folder / f"{Path(page).stem}-{form_factor}-{run + 1}.json"),
        }
        for page in pages
        for form_factor in FORM_FACTORS
        for run in range(runs)
    ]


def run_lighthouse(runs: list[dict[str, Any]], folder: Path) -> None:
    """Run the planned Lighthouse ``runs`` in one Chromium; each leaves its JSON report."""
    if not (NODE_MODULES / "lighthouse").is_dir():
        raise FileNotFoundError(
            f"Lighthouse is not installed in {NODE_MODULES}: run "
            "`npm ci --prefix benchmarks --ignore-scripts` (make bench does)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    for run in runs:  # a report left by an earlier benchmark must not pass for this one
        Path(run["output"]).unlink(missing_ok=True)
    plan = folder / "plan.json"
    chromium = os.environ.get("CHROME_PATH", CHROMIUM)
    plan.write_text(
        json.dumps({"chromePath": chromium, "chromeFlags": CHROME_FLAGS, "runs": runs})
    )
    done = subprocess.run(
        ["node", str(DRIVER), str(plan)], timeout=RUN_TIMEOUT_S * len(runs)
    )
    if done.returncode != 0:
        raise RuntimeError(f"node {DRIVER.name} exited {done.returncode}")


def page_figures(
    page: str, form_factor: str, summaries: list[dict[str, float]], note: str
) -> list[Figure]:
    """Return one figure per score and metric of ``page`` from its runs' summaries.

    A score that only the first run measured (accessibility, best practices, SEO: they
    do not vary from run to run) is that run's.
    """
    figures = []
    name = f"{Path(page).stem} {form_factor}"
    for category in CATEGORIES:
        samples = [s[category] for s in summaries if category in s]
        figures.append(
            Figure(
                f"{name}: {category}",
                "score",
                samples,
                target=TARGETS[(category, form_factor)],
                comparison=">=",
                note=runs_note(len(samples))
                + (note if category != "performance" else ""),
            )
        )
    for metric, unit, _ in METRICS.values():
        samples = [s[metric] for s in summaries]
        figures.append(
            Figure(f"{name}: {metric}", unit, samples, note=runs_note(len(samples)))
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


def page_result(
    page: str, form_factor: str, reports: list[dict[str, Any]]
) -> list[Figure]:
    """Return the figures of ``page`` as ``form_factor`` from the reports of its runs."""
    try:
        summaries = [summarise(report) for report in reports]
    except (ValueError, KeyError) as err:
        return failed_figures(page, form_factor, f"{type(err).__name__}: {err}"[:300])
    reasons = sorted(
        {
            audit
            for report in reports
            for category in CATEGORIES[1:]
            if category in report["categories"]
            for audit in failing_audits(report, category)
        }
    )
    note = f"; lowered by {', '.join(reasons)}" if reasons else ""
    return page_figures(page, form_factor, summaries, note)


def measure(work: Path, site: Path = SITE, runs: int = 3) -> list[Figure]:
    """Return Lighthouse's figures for every page of ``site``, mobile then desktop.

    Pages run one after another; each performance figure is the median of ``runs`` runs.
    """
    folder = work / "lighthouse"
    pages = site_pages(site)
    with serve(site) as base:
        planned = plan_runs(base, pages, runs, folder)
        run_lighthouse(planned, folder)
    figures: list[Figure] = []
    for page in pages:
        for form_factor in FORM_FACTORS:
            outputs = [
                Path(run["output"])
                for run in planned
                if run["page"] == page and run["formFactor"] == form_factor
            ]
            try:
                reports = [json.loads(output.read_text()) for output in outputs]
            except (OSError, ValueError) as err:  # the driver stopped before this page
                error = f"{type(err).__name__}: {err}"[:300]
                figures += failed_figures(page, form_factor, error)
                continue
            figures += page_result(page, form_factor, reports)
    return figures
