"""The built site in a real browser: it works offline, draws its figures, plays its
animations, and everyone can read it (WCAG 2.1 AA as axe-core checks it).

The smoke build of the book (``smoke_book`` in conftest.py: ``COURSE_PROFILE=smoke``,
``python -m book.build --jobs N``) is served from ``_build/html`` on a loopback port, and Debian's
Chromium drives it headless through Playwright in a 1280x900 window. Every request that
leaves the loopback address is aborted and recorded. Each page is loaded once, two
browsers at a time (``visits``): what the tests need is read from it, its animations, 3-D scatter and answer
dropdowns are tried, and axe-core (bundled by the PyPI package axe-playwright-python,
nothing downloaded) checks it; the tests below check what the visits recorded.
``COURSE_SCREENSHOTS=1`` also saves a full-page screenshot of each to ``_build/screenshots/``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import http.server
import io
import json
import os
import queue
import re
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import yaml
from conftest import build_smoke_book

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the browser fixture skips (or fails in CI) with an install hint
    PlaywrightError = Exception

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("site"),
    pytest.mark.timeout(2400),  # the first test also builds the book
]

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
INSTALL_HINT = (
    "install Debian's Chromium with `apt-get install chromium` to run the browser tests"
)

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"].get("branch", "main")
ORG, REPO = urlsplit(REPO_URL).path.strip("/").split("/")[:2]
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
  foldedSetup: Array.from(document.querySelectorAll('.cell details.hide.above-input'))
      .map(d => d.open),
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
# of the whole-page run and checked by a second run over one span of each colour class.
CODE = ".cell_input .highlight"
MARK_CODE_SAMPLE_JS = """sample => {
  const seen = new Set();
  for (const span of document.querySelectorAll(sample + ' span')) {
    const style = getComputedStyle(span);
    const key = [span.className, style.color, style.fontWeight, style.fontSize].join('|');
    if (!seen.has(key)) { seen.add(key); span.setAttribute('data-axe-sample', ''); }
  }
  return seen.size;
}"""


def in_ci() -> bool:
    """Return True on a CI runner, where the browser tests must run, never skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(message: str) -> None:
    """Skip with ``message`` on a laptop; fail in CI."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: browser tests never skip)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Path:
    """Return Debian's Chromium, once Playwright is known to be there to drive it."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} not found: {INSTALL_HINT}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail(
            "the Python package playwright is missing: run `make test`, which installs it"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def site(browser, smoke_book) -> Path:
    """Return _build/html of the smoke build (built after the browser check)."""
    assert smoke_book.returncode == 0, (
        f"the book build failed:\n{smoke_book.log[-6000:]}"
    )
    return SITE


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging each request."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serving(folder: Path, host: str = "127.0.0.1"):
    """Serve ``folder`` on a free port of ``host`` (loopback by default); yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        thread.join()


@pytest.fixture(scope="session")
def server(site: Path):
    """Serve the site on a free loopback port; yield its base URL."""
    with serving(site) as base:
        yield base


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
            viewport={"width": 1280, "height": 900}, service_workers="block"
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


@pytest.fixture(scope="session")
def axe():
    """Return axe-core's runner as the PyPI package axe-playwright-python bundles it."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        skip_or_fail(
            "the Python package axe-playwright-python is missing: run `make test`"
        )
    return Axe


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


def visit_page(tab: Tab, axe, name: str, screenshots: bool) -> Visit:
    """Load page ``name`` in ``tab``, read it, try what it shows, run axe-core; return the Visit."""
    page, record = tab.open(name)
    record.record = page.evaluate(RECORD_JS)
    if name in ANIMATED:
        record.record["animationProblems"] = try_animations(page)
    if name == SCATTER_3D_PAGE:
        record.record["scatter3d"] = try_scatter_3d(page)
    if record.record["dropdowns"]:
        record.record["dropdown"] = try_dropdown(page)
    # What the page itself fetched and logged, before axe-core re-reads its
    # stylesheets (axe resolves their @import against the site root: a 404
    # that no reader's browser ever makes).
    errors, failed = list(record.errors), list(record.failed)
    results = axe.run(page, context={"exclude": [[CODE]]}, options=AXE_OPTIONS)
    results = results.response
    if page.evaluate(MARK_CODE_SAMPLE_JS, CODE):
        code = axe.run(
            page,
            context={"include": [["[data-axe-sample]"]]},
            options={**AXE_OPTIONS, "runOnly": ["color-contrast"]},
        ).response
        results["violations"] += code["violations"]
    record.violations = blocking_violations(results)
    record.errors, record.failed = errors, failed
    if screenshots:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"{name.replace('/', '__')}.png"), full_page=True
        )
    return record


def visit_from_queue(
    pages: queue.Queue, base: str, chromium: Path, axe_class, screenshots: bool
) -> dict:
    """Visit pages from ``pages`` until it is empty, in this thread's own Chromium.

    Return page name => its Visit, or the exception its visit raised.
    """
    from playwright.sync_api import sync_playwright

    done: dict[str, Visit | Exception] = {}
    with sync_playwright() as playwright:  # Playwright's sync API: one per thread
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        axe = axe_class()
        tab = Tab(browser, base)
        try:
            while True:
                try:
                    name = pages.get_nowait()
                except queue.Empty:
                    return done
                try:
                    done[name] = visit_page(tab, axe, name, screenshots)
                except Exception as error:  # reported by that page's tests
                    done[name] = error
        finally:
            browser.close()


@pytest.fixture(scope="session")
def visits(browser, server: str, axe):
    """Visit every page once, two browsers at a time; return page name => its Visit."""
    screenshots = os.environ.get("COURSE_SCREENSHOTS", "") not in ("", "0")
    pages: queue.Queue = queue.Queue()
    for name in sorted(PAGES, key=lambda page: page not in ANIMATED):  # longest first
        pages.put(name)
    browsers = max(1, min(2, os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(browsers) as pool:
        shares = [
            pool.submit(visit_from_queue, pages, server, browser, axe, screenshots)
            for _ in range(browsers)
        ]
        done = {name: v for share in shares for name, v in share.result().items()}

    def visit(name: str) -> Visit:
        if isinstance(done[name], Exception):
            raise done[name]
        return done[name]

    return visit


def status_of(url: str) -> int:
    """Return the HTTP status of ``url`` (a page of the loopback server)."""
    try:
        with urllib.request.urlopen(url) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# -- every page ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_javascript_errors(visits, name):
    assert visits(name).errors == []


@pytest.mark.parametrize("name", PAGES)
def test_page_fetches_nothing_from_outside_the_site(visits, name):
    visit = visits(name)
    assert visit.blocked == [], "the site must work offline: these requests left it"
    assert visit.failed == []


@pytest.mark.parametrize("name", PAGES)
def test_every_image_on_the_page_loads(visits, name):
    assert visits(name).record["brokenImages"] == []


@pytest.mark.parametrize("name", PAGES)
def test_internal_links_of_the_page_resolve(visits, server, name):
    targets = {
        urldefrag(url).url
        for url in visits(name).record["links"]
        if url.startswith(server)
    }
    broken = [url for url in sorted(targets) if status_of(url) != 200]
    assert broken == []


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_wcag_violation(visits, name):
    assert visits(name).violations == []


def is_file_path(alt: str, src: str) -> bool:
    """Return True when ``alt`` is a file name or path (Sphinx's default alt is the image's URI)."""
    alt = alt.strip()
    return (
        alt in (src, src.rsplit("/", 1)[-1])
        or re.fullmatch(r"\S*/\S*|\S+\.(png|jpe?g|gif|svg|webp)", alt, re.IGNORECASE)
        is not None
    )


@pytest.mark.parametrize("name", PAGES)
def test_content_images_say_what_they_show(visits, name):
    bad = [
        image
        for image in visits(name).record["images"]
        if not (image["alt"] or "").strip() or is_file_path(image["alt"], image["src"])
    ]
    assert bad == [], (
        "give each figure cell `mystnb: image: alt:` text saying what it shows"
    )


@pytest.mark.parametrize("name", PAGES)
def test_charts_have_an_accessible_name(visits, name):
    unnamed = [
        chart
        for chart in visits(name).record["charts"]
        if chart["role"] != "figure" or not (chart["name"] or "").strip()
    ]
    assert unnamed == [], (
        "give the chart a title, or its cell `mystnb: image: alt:` text"
    )


@pytest.mark.parametrize("name", PAGES)
def test_code_cells_do_not_scroll_sideways_at_1280px(visits, name):
    assert visits(name).record["wideCode"] == [], "wrap these lines at 88 characters"


def test_alt_text_checks_catch_file_paths_and_blanks():
    assert is_file_path("../_images/fdee4c0a.png", "../_images/fdee4c0a.png")
    assert is_file_path("fdee4c0a.png", "../_images/fdee4c0a.png")
    assert not is_file_path(
        "Eight noisy 8s above the denoiser's output", "../_images/a.png"
    )
    assert not is_file_path("Loss of D and G / epoch", "../_images/a.png")


def test_landing_page_says_which_profile_built_the_site(visits):
    assert "built with the smoke profile" in visits(TOC["root"]).record["text"]


def network_address() -> str:
    """Return this machine's address on its network (not loopback), or skip."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # picks a route; sends nothing
        except OSError:
            pytest.skip("no network interface besides loopback")
        return probe.getsockname()[0]


def test_a_request_that_leaves_the_site_is_recorded_and_fails(browser, tmp_path):
    # The check behind test_page_fetches_nothing_from_outside_the_site, on a page that
    # loads an image from a server that answers, on this machine's network address.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "logo.svg").write_bytes((ROOT / "images" / "logo.svg").read_bytes())
    with serving(elsewhere, host=network_address()) as outside:
        (tmp_path / "leaky.html").write_text(
            '<!doctype html><html lang="en"><title>leaky</title>'
            f'<img src="{outside}logo.svg" alt="a logo from elsewhere"></html>'
        )
        from playwright.sync_api import sync_playwright

        with serving(tmp_path) as base, sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(browser), args=CHROMIUM_ARGS
            )
            try:
                page, visit = Tab(chromium, base).open("leaky")
                broken = page.evaluate(RECORD_JS)["brokenImages"]
            finally:
                chromium.close()
    assert visit.blocked == [f"{outside}logo.svg"]
    assert broken == [f"{outside}logo.svg"]


def test_formulas_are_typeset_by_the_local_mathjax(visits):
    visit = visits(TOC["root"])
    assert visit.record["formulas"] > 0
    assert not any("mathjax" in url.lower() for url in visit.blocked)


# -- notebook pages -------------------------------------------------------------------------


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_links_launch_and_download_to_its_notebook(visits, server, name):
    links = set(visits(name).record["links"])
    path = f"{name}.ipynb"
    assert (
        f"https://kaggle.com/kernels/welcome?src={REPO_URL}/blob/{BRANCH}/{path}"
        in links
    )
    assert (
        f"https://colab.research.google.com/github/{ORG}/{REPO}/blob/{BRANCH}/{path}"
        in links
    )
    assert any(
        url.startswith(f"https://mybinder.org/v2/gh/{ORG}/{REPO}/{BRANCH}?")
        and url.endswith(path)
        for url in links
    )
    assert REPO_URL in links
    downloads = [
        url for url in links if url.startswith(server) and url.endswith(f"/{path}")
    ]
    assert downloads, f"no download link to {path}"
    with urllib.request.urlopen(downloads[0]) as response:
        downloaded = json.load(response)
    assert downloaded == json.loads((ROOT / path).read_text())


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_has_copy_buttons_and_a_folded_setup_cell(visits, name):
    record = visits(name).record
    assert record["copyButtons"] > 0
    assert record["foldedSetup"][:1] == [False], (
        "the set-up cell's source should start folded"
    )


# The notebooks that train something read their sizes from a profile.
PROFILED = [
    name for name in NOTEBOOKS if "get_profile(" in (ROOT / f"{name}.ipynb").read_text()
]


@pytest.mark.parametrize("name", PROFILED)
def test_notebook_page_was_executed_with_the_smoke_profile(visits, name):
    # get_profile() prints "Profile: <name> (...)" in the set-up cell
    assert "Profile: smoke" in visits(name).record["text"]


# -- figures --------------------------------------------------------------------------------


def test_plotly_js_is_served_once_not_embedded_or_from_a_cdn(site):
    copies = list((site / "_static").glob("plotly-*.min.js"))
    assert len(copies) == 1
    pages = list(site.rglob("*.html"))
    uses = [page for page in pages if copies[0].name in page.read_text()]
    assert uses, "no page loads plotly.js"
    assert all(page.stat().st_size < copies[0].stat().st_size / 2 for page in pages)


def test_autoencoder_page_draws_the_3d_scatter(visits):
    visit = visits(SCATTER_3D_PAGE)
    scatter = visit.record["scatter3d"]
    assert scatter["found"], "no plotly 3D scatter on the page"
    assert scatter["canvas"] and scatter["webgl"]
    assert scatter["colours"] > 20, "the 3D scatter's area is (nearly) blank"
    assert visit.errors == []


@pytest.mark.parametrize("name", ANIMATED)
def test_animations_step_to_another_frame_on_next(visits, name):
    visit = visits(name)
    assert visit.record["extraFrames"], f"{name} shows no animation"
    assert visit.record["animationProblems"] == []
    assert visit.errors == []


@pytest.mark.parametrize("name", ANIMATED)
def test_animations_have_no_duplicate_static_frame(visits, name):
    extra = visits(name).record["extraFrames"]
    assert extra and all(count == 0 for count in extra), extra


def test_answers_sit_in_dropdowns_that_open(visits):
    tried = [visits(name).record.get("dropdown") for name in PAGES]
    tried = [result for result in tried if result is not None]
    assert tried, "no page has an answer in a dropdown"
    assert all(
        result == {"hidden_before": True, "shown_after": True} for result in tried
    )


def test_unchanged_rebuild_reads_and_executes_nothing(site):
    result = build_smoke_book()
    assert result.returncode == 0, result.log[-6000:]
    assert "0 added, 0 changed, 0 removed" in result.log
    assert "Executing notebook" not in result.log
