"""The built site in a real browser: it works offline, draws its figures, plays its
animations, and everyone can read it (WCAG 2.1 AA as axe-core checks it).

The smoke site that ``make test`` builds before the tests (``smoke_site`` in conftest.py)
is served on a loopback port and each page is visited once in Debian's Chromium
(site_visits.py says how); the tests below check what the visits recorded. ``make test``
hands each test file to one pytest-xdist worker (``--dist loadfile``), so one worker visits
the site once and runs these tests in this file's order.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import yaml
from site_visits import (
    ANIMATED,
    CHROMIUM,
    NOTEBOOKS,
    PAGES,
    RECORD_JS,
    ROOT,
    SCATTER_3D_PAGE,
    TOC,
    Tab,
    Visit,
    accessibility_violations,
    launched,
    missing_tools,
    serving,
    visit_pages,
)

from book.student import site_path, student_version

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(600),  # the first test also waits for the visits
]

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"].get("branch", "main")
ORG, REPO = urlsplit(REPO_URL).path.strip("/").split("/")[:2]


def in_ci() -> bool:
    """Return True on a CI runner, where the browser tests must run, never skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def browser() -> Path:
    """Return Debian's Chromium, once Playwright and axe-core are known to be there."""
    missing = missing_tools()
    if missing and in_ci():
        pytest.fail(f"{missing} (CI=true: browser tests never skip)")
    if missing:
        pytest.skip(missing)
    return CHROMIUM


@pytest.fixture(scope="session")
def site(browser, smoke_site: Path) -> Path:
    """Return the smoke site's folder, once the browser is known to be there."""
    return smoke_site


@pytest.fixture(scope="session")
def server(site: Path):
    """Yield the base URL of a loopback server of the site."""
    with serving(site) as base:
        yield base


@pytest.fixture(scope="session")
def visits(server: str):
    """Return a function: page name => its Visit (every page visited once, on first use)."""
    done = visit_pages(server)

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


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_screen_390px_wide(visits, name):
    phone = visits(name).record["phone"]
    assert phone["stickingOut"] == [], "wider than the screen at 390 px"
    assert phone["scrollWidth"] <= phone["width"], "the page scrolls sideways"


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_is_drawn_when_scrolled_to(visits, name):
    visit = visits(name)
    drawn = visit.record["chartsDrawn"]
    assert [chart["id"] for chart in drawn] == [
        chart["id"] for chart in visit.record["charts"]
    ]
    assert [chart for chart in drawn if not chart["drawn"]] == []
    assert visit.errors == []


def head_tags(html: str, tag: str) -> list[str]:
    """Return the opening ``<tag ...>`` tags of a page's HTML."""
    return re.findall(rf"<{tag}\b[^>]*>", html)


def test_every_page_has_its_own_meta_description(site):
    descriptions = {}
    for name in PAGES:
        html = (site / f"{name}.html").read_text()
        found = [
            re.search(r'content="([^"]*)"', tag).group(1)
            for tag in head_tags(html, "meta")
            if 'name="description"' in tag
        ]
        assert len(found) == 1, f"{name}: {len(found)} meta descriptions"
        descriptions[name] = found[0]
    short = {name: d for name, d in descriptions.items() if len(d) < 50}
    assert short == {}, "a description says in a sentence or two what the page is"
    assert len(set(descriptions.values())) == len(PAGES), "two pages share one"


def test_mathjax_loads_only_on_pages_with_math(site):
    wrong = []
    for path in sorted(site.rglob("*.html")):
        html = path.read_text()
        loads = any("mathjax" in tag for tag in head_tags(html, "script"))
        if loads != ('class="math' in html):
            wrong.append(f"{path.relative_to(site)}: loads MathJax: {loads}")
    assert wrong == []


def test_alt_text_checks_catch_file_paths_and_blanks():
    assert is_file_path("../_images/fdee4c0a.png", "../_images/fdee4c0a.png")
    assert is_file_path("fdee4c0a.png", "../_images/fdee4c0a.png")
    assert not is_file_path(
        "Eight noisy 8s above the denoiser's output", "../_images/a.png"
    )
    assert not is_file_path("Loss of D and G / epoch", "../_images/a.png")


def test_landing_page_says_which_profile_built_the_site(visits):
    assert "built with the smoke profile" in visits(TOC["root"]).record["text"]


def network_address() -> str | None:
    """Return this machine's address on its network (not loopback), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # picks a route; sends nothing
        except OSError:
            return None
        return probe.getsockname()[0]


# Two code cells whose names are grey on white (2.3:1); the first sits in a folded cell.
LOW_CONTRAST_CODE = """<!doctype html><html lang="en"><title>grey code</title><main>
<p>Black text on white.</p>
<details class="hide"><summary>Show the set-up</summary>
<div class="cell_input"><div class="highlight"><pre><span class="n" style="color: #aaa">folded</span></pre></div></div>
</details>
<div class="cell_input"><div class="highlight"><pre><span class="k">import</span> <span class="n" style="color: #aaa">shown</span></pre></div></div>
</main></html>"""


def visit_made_up_pages() -> dict:
    """Check two made-up pages with the visits' own code, in a browser of their own.

    ``leaky``: an image from a server that answers, on this machine's network address
    (None without one): (what the tab recorded as leaving the site, the broken images,
    that server's URL). ``grey``: axe-core's blocking violations of a page whose code is
    grey.
    """
    from axe_playwright_python.sync_playwright import Axe

    found: dict = {"leaky": None}
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        (folder / "grey.html").write_text(LOW_CONTRAST_CODE)
        address = network_address()
        if address is not None:
            (folder / "elsewhere").mkdir()
            (folder / "elsewhere" / "logo.svg").write_bytes(
                (ROOT / "images" / "logo.svg").read_bytes()
            )
            outside = stack.enter_context(serving(folder / "elsewhere", address))
            (folder / "leaky.html").write_text(
                '<!doctype html><html lang="en"><title>leaky</title>'
                f'<img src="{outside}logo.svg" alt="a logo from elsewhere"></html>'
            )
        tab = Tab(stack.enter_context(launched()), stack.enter_context(serving(folder)))
        page, _ = tab.open("grey")
        found["grey"] = accessibility_violations(page, Axe())
        if address is not None:
            page, visit = tab.open("leaky")
            broken = page.evaluate(RECORD_JS)["brokenImages"]
            found["leaky"] = (visit.blocked, broken, f"{outside}logo.svg")
    return found


@pytest.fixture(scope="module")
def made_up_pages(browser) -> dict:
    """Return what the visits' own code found on two made-up pages (visit_made_up_pages)."""
    return visit_made_up_pages()


def test_a_request_that_leaves_the_site_is_recorded_and_fails(made_up_pages):
    # The check behind test_page_fetches_nothing_from_outside_the_site, on a page that
    # loads an image from a server that answers, on this machine's network address.
    if made_up_pages["leaky"] is None:
        pytest.skip("no network interface besides loopback")
    blocked, broken, image = made_up_pages["leaky"]
    assert blocked == [image]
    assert broken == [image]


def test_accessibility_check_tests_a_visible_span_of_each_code_colour(made_up_pages):
    # The check behind test_page_has_no_serious_wcag_violation, on code in a colour that
    # fails: one run, the code left out but for a sample, which must not be the folded span.
    violations = made_up_pages["grey"]
    assert [v["rule"] for v in violations] == ["color-contrast"]
    assert violations[0]["where"] == [['.n[data-axe-sample=""]']]


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
def test_notebook_page_has_copy_buttons_and_shows_the_imports_not_the_install(
    visits, name
):
    record = visits(name).record
    assert record["copyButtons"] > 0
    cells = json.loads((ROOT / f"{name}.ipynb").read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    setup = next(source for source in code if "%pip install" not in source)
    assert setup.splitlines()[0] in record["text"], "the imports stay in view"
    assert "%pip install" not in record["text"], "the install cell stays off the page"


# The notebooks that train something read their sizes from a profile.
PROFILED = [
    name for name in NOTEBOOKS if "get_profile(" in (ROOT / f"{name}.ipynb").read_text()
]


@pytest.mark.parametrize("name", PROFILED)
def test_notebook_page_was_executed_with_the_smoke_profile(visits, name):
    # get_profile() prints "Profile: <name> (...)" in the set-up cell
    assert "Profile: smoke" in visits(name).record["text"]


# -- figures --------------------------------------------------------------------------------


def test_plotly_js_is_served_once_and_only_pages_with_a_chart_load_it_deferred(site):
    copies = list(site.rglob("plotly-gl3d*.js"))
    assert [p.relative_to(site).as_posix() for p in copies] == [
        "_static/plotly/plotly-gl3d.min.js"
    ]
    pages = list(site.rglob("*.html"))
    with_charts = [p for p in pages if "course-plotly" in p.read_text()]
    assert with_charts, "no page draws a chart"
    for page in pages:
        scripts = head_tags(page.read_text(), "script")
        loaders = [tag for tag in scripts if "course-plotly.js" in tag]
        assert len(loaders) == (page in with_charts), page.name
        # nothing of plotly's may hold up the first paint
        assert all("defer" in tag for tag in loaders), loaders
        assert not any(re.search(r'src="[^"]*plotly-gl3d', tag) for tag in scripts)
    # and no page carries a copy of the bundle inline (a slice of its code would show)
    bundle = copies[0].read_text()
    piece = bundle[len(bundle) // 2 : len(bundle) // 2 + 200]
    assert not [p.name for p in pages if piece in p.read_text()]


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


# Sphinx's log when it reads no page
UNCHANGED = "0 added, 0 changed, 0 removed"


def test_the_standard_command_rebuilds_the_site_without_reading_or_executing(
    smoke_site,
):
    # Jupyter Book's own command, as its documentation and any CI recipe type it; last in
    # this file, so that no visit reads a file it rewrites. No browser needed.
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "-W", "-n", "--keep-going"],
        cwd=ROOT,
        env={**os.environ, "COURSE_PROFILE": "smoke"},
        capture_output=True,
        text=True,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    assert UNCHANGED in log
    assert "Executing notebook" not in log
    assert (smoke_site / "index.html").exists()


# -- the student notebooks ------------------------------------------------------------


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_offers_its_student_notebook(visits, server, name):
    """The download menu links the student version that book.student serves."""
    url = server + site_path(name)
    assert url in visits(name).record["links"], (
        "no Student notebook in the download menu"
    )
    with urllib.request.urlopen(url) as response:
        served = json.load(response)
    assert served == json.loads(student_version(ROOT / f"{name}.ipynb"))
