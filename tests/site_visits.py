"""Visiting the built site in a real browser, for test_site.py.

A copy of the smoke build's ``_build/html`` is served on a loopback port, and
Debian's Chromium drives it headless through Playwright in a 1280x900 window. Every
request that leaves the loopback address fails and is recorded. Each page is loaded once,
in one tab (:func:`visit_pages`): what the tests need is read from it, its
animations, 3-D scatter and answer dropdowns are tried, and axe-core (bundled by the PyPI
package axe-playwright-python, nothing downloaded) checks it. ``COURSE_SCREENSHOTS=1`` also
saves a full-page screenshot of each to ``_build/screenshots/``.

conftest.py starts the visits in a thread as soon as the book is built, while the tests
that need neither run; test_site.py checks what they recorded.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # missing_tools() names what to install
    PlaywrightError = Exception

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Offline like a reader on a train: every request that leaves the loopback address
    # goes to a proxy on a closed port and fails (loopback itself never uses the proxy).
    "--proxy-server=127.0.0.1:9",
]

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"]] + [
    chapter["file"] for part in TOC["parts"] for chapter in part["chapters"]
]
NOTEBOOKS = [page for page in PAGES if (ROOT / f"{page}.ipynb").exists()]
# Pages whose lecture shows matplotlib animations (denoising, convolutions, GAN samples).
ANIMATED = [
    "lectures/02_autoencoders",
    "lectures/03_convolution_arithmetic",
    "lectures/04_gans",
]
SCATTER_3D_PAGE = "lectures/02_autoencoders"

# Everything a visit records, gathered in the page by one script.
RECORD_JS = """() => ({
  brokenImages: Array.from(document.images)
      .filter(img => !(img.complete && img.naturalWidth > 0))
      .map(img => img.currentSrc || img.src || img.id || img.outerHTML.slice(0, 80)),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  copyButtons: document.querySelectorAll('button.copybtn').length,
  text: document.body.innerText,
  // content images (the article, not the theme's logo) and their alt text; null: none
  images: Array.from(document.querySelectorAll('.bd-article img'))
      .map(img => ({src: (img.getAttribute('src') || '').replace(/^data:.*/s, 'data:...'),
                    alt: img.getAttribute('alt')})),
  charts: Array.from(document.querySelectorAll('.course-plotly .plotly-graph-div'))
      .map(div => ({id: div.id, role: div.getAttribute('role'),
                    name: div.getAttribute('aria-label')})),
  // code cells whose input is wider than the column: its longest line
  wideCode: Array.from(document.querySelectorAll('.cell_input pre'))
      .filter(pre => pre.scrollWidth > pre.clientWidth)
      .map(pre => pre.textContent.split('\\n').reduce((a, b) => b.length > a.length ? b : a)),
  formulas: document.querySelectorAll('mjx-container').length,
  // per animation: the images of its output cell that are not part of the player
  extraFrames: Array.from(document.querySelectorAll('.animation'))
      .map(anim => anim.closest('.cell_output'))
      .map(out => Array.from(out.querySelectorAll('img'))
           .filter(img => !img.closest('.animation')).length),
  dropdowns: document.querySelectorAll('.admonition.dropdown').length,
})"""
# The window of the visits, and a phone's (an iPhone 12-15 is 390 px wide).
DESKTOP = (1280, 900)
PHONE = (390, 844)
# Every drawn chart as wide as its box, or narrower (plotly redraws on a resize).
CHARTS_FIT_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .every(div => Array.from(div.querySelectorAll('.main-svg'))
    .every(svg => svg.getBoundingClientRect().width <= div.clientWidth + 1))"""
# How far the page scrolls sideways, and the elements of the article that cross the
# screen's right edge (outermost only), but for code and formulas inside their own
# scrolling box.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const article = document.querySelector('.bd-article');
  // code and formulas scroll sideways inside their own box, which fits the screen
  const scrolls = el => el.closest('pre, mjx-container') !== null;
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + Array.from(el.classList).slice(0, 3).join('.') : '');
  const out = [];
  for (const el of article ? article.querySelectorAll('*') : []) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1 || scrolls(el)) continue;
    if (out.some(o => o.el.contains(el))) continue;
    out.push({el, text: `${describe(el)}: ${Math.round(box.width)} px wide, ` +
                        `right edge at ${Math.round(box.right)} px`});
  }
  return {scrollWidth: document.documentElement.scrollWidth, width,
          stickingOut: out.map(o => o.text)};
}"""
# axe-core: the rules of WCAG 2.1 levels A and AA (experimental ones included, e.g.
# label-content-name-mismatch); a serious or critical violation of any fails its page.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": [*WCAG_TAGS, "experimental"]},
    "resultTypes": ["violations"],
}
BLOCKING_IMPACTS = ("serious", "critical")
# Highlighted code is thousands of spans in a few dozen token colours, and axe-core's
# colour-contrast rule takes about 2 ms a span (5-7 s a page here). So the code is left out
# of the page's run, except one visible span of each colour class, marked beforehand and
# included again: axe-core tests an element whose nearest include is inside its nearest
# exclude. (Spans of the folded set-up cell are hidden, and axe-core skips hidden text.)
CODE = ".cell_input .highlight"
SAMPLE = "[data-axe-sample]"
MARK_CODE_SAMPLE_JS = """sample => {
  const seen = new Set();
  for (const span of document.querySelectorAll(sample + ' span')) {
    if (!span.textContent.trim() || !span.checkVisibility()) continue;
    const style = getComputedStyle(span);
    const key = [span.className, style.color, style.fontWeight, style.fontSize].join('|');
    if (!seen.has(key)) { seen.add(key); span.setAttribute('data-axe-sample', ''); }
  }
  return seen.size;
}"""
INSTALL_HINT = (
    "install Debian's Chromium with `apt-get install chromium` to run the browser tests"
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging each request."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server that says nothing when the browser drops a connection.

    Chromium cancels what a page was still fetching when the tab moves on to the next page;
    any other error is reported as usual.
    """

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serving(folder: Path, host: str = "127.0.0.1"):
    """Serve ``folder`` on a free port of ``host`` (loopback by default); yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = QuietServer((host, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        thread.join()


@dataclass
class Visit:
    """What happened while a page loaded."""

    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    record: dict = field(default_factory=dict)
    violations: list[dict] = field(default_factory=list)


class Tab:
    """One browser tab that visits page after page, keeping its HTTP cache between them.

    Every request, response and error of the tab is recorded in the Visit of the page it is
    showing. A fresh context per page (and Playwright's request routing, which turns the
    cache off) made Chromium fetch and compile the theme's 1.5 MB of Font Awesome and
    MathJax again on every page: 44 CPU-seconds of loading for eight pages instead of 20.
    """

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.visit = Visit()
        context = browser.new_context(
            viewport={"width": DESKTOP[0], "height": DESKTOP[1]},
            service_workers="block",
        )
        self.page = page = context.new_page()
        page.on("request", self._on_request)
        page.on(
            "console",
            lambda message: (
                message.type == "error" and self.visit.errors.append(message.text)
            ),
        )
        page.on(
            "pageerror", lambda error: self.visit.errors.append(f"uncaught: {error}")
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.visit.failed.append(f"{response.status} {response.url}")
            ),
        )

    def _on_request(self, request) -> None:
        """Record a request that leaves the site (the dead proxy makes it fail)."""
        if not request.url.startswith(("data:", "blob:", self.base)):
            self.visit.blocked.append(request.url)

    def open(self, name: str):
        """Load page ``name``; return (page, its new Visit) once it has settled."""
        self.visit = Visit()
        page = self.page
        page.goto(self.base + name + ".html", wait_until="load")
        # MathJax typesets after load; plotly and the animations draw on load.
        page.evaluate(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            " ? MathJax.startup.promise.then(() => true) : true"
        )
        page.wait_for_load_state("networkidle")
        page.wait_for_function(
            "() => Array.from(document.images).every(img => img.complete)"
        )
        return page, self.visit


def blocking_violations(results: dict) -> list[dict]:
    """Return axe-core's serious and critical violations of a WCAG 2.1 A/AA rule."""
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [node["target"] for node in v["nodes"]][:5],
        }
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS and set(v["tags"]) & set(WCAG_TAGS)
    ]


def accessibility_violations(page, axe) -> list[dict]:
    """Run axe-core once over ``page`` and a sample of its code; return the blocking violations."""
    page.evaluate(MARK_CODE_SAMPLE_JS, CODE)
    context = {"include": [["html"], [SAMPLE]], "exclude": [[CODE]]}
    return blocking_violations(axe.run(page, context, AXE_OPTIONS).response)


def try_animations(page) -> list[str]:
    """Step each animation on the page one frame; return what went wrong (empty: all stepped)."""
    problems = []
    animations = page.locator(".animation")
    for index in range(animations.count()):
        animation = animations.nth(index)
        try:
            image = animation.locator("img").first
            page.wait_for_function(
                "img => img.src.startsWith('data:image')", arg=image.element_handle()
            )
            before = image.get_attribute("src")
            animation.scroll_into_view_if_needed()
            animation.locator("button[title='Next frame']").click()
            page.wait_for_function(
                "([img, old]) => img.src !== old",
                arg=[image.element_handle(), before],
                timeout=10_000,
            )
            slider = animation.locator("input.anim-slider").input_value()
            if slider != "1":
                problems.append(
                    f"animation {index}: slider at {slider} after Next, not 1"
                )
        except PlaywrightError as error:
            problems.append(f"animation {index}: {error.message.splitlines()[0]}")
    return problems


def try_scatter_3d(page) -> dict:
    """Return what the page's plotly 3-D scatter drew: found, canvas, WebGL, colours."""
    from PIL import Image

    plots = page.locator(".course-plotly .js-plotly-plot")
    is_3d = plots.evaluate_all(
        "divs => divs.map(d => (d._fullData || []).some(t => t.type === 'scatter3d'))"
    )
    if not any(is_3d):
        return {"found": False}
    plot = plots.nth(is_3d.index(True))
    pixels = Image.open(io.BytesIO(plot.screenshot())).convert("RGB")
    return {
        "found": True,
        "canvas": plot.locator(".gl-container canvas, svg.main-svg").count() > 0,
        "webgl": "WebGL is not supported" not in plot.inner_text(),
        "colours": len(pixels.getcolors(maxcolors=1 << 24)),
    }


def draw_charts(page) -> list[dict]:
    """Scroll to each plotly chart in turn; return whether each was drawn (course-plotly.js
    draws a chart, fetching plotly.js first, when it comes near the screen)."""
    drawn = []
    charts = page.locator(".course-plotly .plotly-graph-div")
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        try:
            page.wait_for_function(
                "div => div.querySelector('.main-svg') !== null",
                arg=chart.element_handle(),
                timeout=20_000,
            )
            drawn.append({"id": chart.get_attribute("id"), "drawn": True})
        except PlaywrightError as error:
            drawn.append(
                {
                    "id": chart.get_attribute("id"),
                    "drawn": False,
                    "error": error.message.splitlines()[0],
                }
            )
    return drawn


def try_dropdown(page) -> dict:
    """Open the page's first answer dropdown; return whether its answer was hidden, then shown."""
    dropdown = page.locator(".admonition.dropdown").first
    answer = dropdown.locator(":scope > :not(.admonition-title)").first
    hidden_before = not answer.is_visible()
    dropdown.locator("button.toggle-button").click()
    try:
        answer.wait_for(state="visible", timeout=10_000)
        # it fades in: let the transition end before axe-core measures its contrast
        dropdown.evaluate(
            "el => Promise.all(el.getAnimations({subtree: true}).map(a => a.finished))"
        )
    except PlaywrightError:
        return {"hidden_before": hidden_before, "shown_after": False}
    return {"hidden_before": hidden_before, "shown_after": True}


def overflow_at(page, width: int = PHONE[0]) -> dict:
    """Show the page ``width`` px wide; return how far it scrolls sideways and what sticks out.

    What sticks out: elements of the article whose box crosses the screen's right edge
    (a box that the reader would scroll sideways to see), except code and formulas,
    which scroll inside their own box. Drawn charts get time to follow the new width.
    """
    page.set_viewport_size({"width": width, "height": PHONE[1]})
    try:
        page.wait_for_function(CHARTS_FIT_JS, timeout=10_000)
    except PlaywrightError:
        pass  # reported below as what sticks out
    result = page.evaluate(OVERFLOW_JS)
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    return result


def visit_page(tab: Tab, axe, name: str, screenshots: bool) -> Visit:
    """Load page ``name`` in ``tab``, read it, try what it shows, run axe-core; return the Visit."""
    page, record = tab.open(name)
    record.record = page.evaluate(RECORD_JS)
    if name in ANIMATED:
        record.record["animationProblems"] = try_animations(page)
    record.record["chartsDrawn"] = draw_charts(page)
    if name == SCATTER_3D_PAGE:
        record.record["scatter3d"] = try_scatter_3d(page)
    if record.record["dropdowns"]:
        record.record["dropdown"] = try_dropdown(page)
    # What the page itself fetched and logged, before axe-core re-reads its
    # stylesheets (axe resolves their @import against the site root: a 404
    # that no reader's browser ever makes).
    errors, failed = list(record.errors), list(record.failed)
    record.violations = accessibility_violations(page, axe)
    record.errors, record.failed = errors, failed
    record.record["phone"] = overflow_at(page)
    if screenshots:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"{name.replace('/', '__')}.png"), full_page=True
        )
    return record


@contextlib.contextmanager
def launched(chromium: Path = CHROMIUM):
    """Yield Debian's Chromium, started headless by Playwright with ``CHROMIUM_ARGS``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:  # Playwright's sync API: one per thread
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def visit_pages(base: str, chromium: Path = CHROMIUM) -> dict[str, Visit | Exception]:
    """Visit every page of the site at ``base`` once, in one tab of one browser.

    Return page name => its Visit, or the exception its visit raised. One browser, one
    page at a time: the visits run on one pytest-xdist worker while the others run the
    unit tests on the other cores, and a second browser only competes with them.
    """
    from axe_playwright_python.sync_playwright import Axe

    screenshots = os.environ.get("COURSE_SCREENSHOTS", "") not in ("", "0")
    done: dict[str, Visit | Exception] = {}
    with launched(chromium) as browser:
        axe, tab = Axe(), Tab(browser, base)
        for name in PAGES:
            try:
                done[name] = visit_page(tab, axe, name, screenshots)
            except Exception as error:  # reported by that page's tests
                done[name] = error
    return done


def missing_tools() -> str | None:
    """Return what is missing to visit the site (Chromium, Playwright, axe-core), or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: {INSTALL_HINT}"
    for module, package in (
        ("playwright.sync_api", "playwright"),
        ("axe_playwright_python.sync_playwright", "axe-playwright-python"),
    ):
        try:
            __import__(module)
        except ImportError:
            return f"the Python package {package} is missing: run `make test`, which installs it"
    return None
