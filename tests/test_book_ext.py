"""Unit tests of the site's Sphinx extension and build script (no Sphinx build, no browser)."""

from __future__ import annotations

import atexit
import gc
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from myst_nb.core.render import MimeData, load_mime_renders
from traitlets.config import Config

from book import build as book_build
from book import execution, outputs, page, patches
from book import profile as book_profile


def fake_renderer() -> SimpleNamespace:
    """Return the little of myst-nb's element renderer that the mime plugins use."""
    document = new_document("page", get_default_settings(Parser))
    return SimpleNamespace(
        renderer=SimpleNamespace(document=document),
        render_text_html=lambda data: [
            nodes.raw(text=data.string, format="html", classes=["output", "text_html"])
        ],
    )


FIGURE = {
    "data": [{"type": "scatter3d", "x": [1], "y": [2], "z": [3], "name": "</script>"}],
    "layout": {"height": 400},
}


# -- execution cache per profile ------------------------------------------------------------


def test_each_profile_gets_its_own_execution_cache(tmp_path):
    smoke = execution.profile_cache_dir(tmp_path, "smoke", "abc")
    cpu = execution.profile_cache_dir(tmp_path, "cpu", "abc")
    assert smoke != cpu and smoke.is_dir() and cpu.is_dir()


def test_cache_is_cleared_when_the_helper_code_changes(tmp_path):
    cache = execution.profile_cache_dir(tmp_path, "cpu", "old")
    (cache / "executed.ipynb").write_text("{}")
    assert (
        execution.profile_cache_dir(tmp_path, "cpu", "old") / "executed.ipynb"
    ).exists()
    assert not (
        execution.profile_cache_dir(tmp_path, "cpu", "new") / "executed.ipynb"
    ).exists()


def test_fingerprint_follows_every_helper_module(tmp_path):
    (tmp_path / "plotting.py").write_text("A = 1\n")
    (tmp_path / "_checks.py").write_text("B = 1\n")
    before = execution.utils_fingerprint(tmp_path)
    (tmp_path / "_checks.py").write_text("B = 2\n")
    after_private = execution.utils_fingerprint(tmp_path)
    assert after_private != before
    (tmp_path / "plotting.py").write_text("A = 2\n")
    assert execution.utils_fingerprint(tmp_path) not in (before, after_private)


def test_each_build_executes_into_an_empty_runs_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_RUNS", raising=False)
    stale = tmp_path / "runs" / "cpu" / "dcgan" / "epoch-0150.pt"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an old run")
    runs = execution.fresh_runs_dir(tmp_path, "cpu")
    assert runs == tmp_path / "runs" / "cpu" and list(runs.iterdir()) == []
    assert os.environ["COURSE_RUNS"] == str(runs)


def test_build_uses_the_profile_cache_and_tells_the_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "cpu")
    monkeypatch.setenv("IPYTHONDIR", "")  # use_profile sets it for the kernels
    app = SimpleNamespace(
        outdir=str(tmp_path / "_build" / "html"), srcdir=str(tmp_path)
    )
    config = SimpleNamespace(
        nb_execution_cache_path="", myst_substitutions={"other": "x"}
    )
    execution.use_profile(app, config)
    assert (
        Path(config.nb_execution_cache_path)
        == tmp_path / "_build" / ".jupyter_cache" / "cpu"
    )
    assert config.course_profile == "cpu" and config.course_build_key.startswith("cpu-")
    assert config.myst_substitutions == {"other": "x", "course_profile": "cpu"}


def test_build_kernels_log_errors_only_and_freeze_their_heap_at_exit(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("IPYTHONDIR", "")
    path = execution.kernel_profile(tmp_path / "_build")
    assert path == (
        tmp_path / "_build" / "ipython" / "profile_default" / "ipython_kernel_config.py"
    )
    assert os.environ["IPYTHONDIR"] == str(tmp_path / "_build" / "ipython")
    config = Config()
    exec(path.read_text(), {"c": config})  # as IPython reads it
    assert config.IPKernelApp.log_level == "ERROR"
    [line] = config.IPKernelApp.exec_lines
    user_namespace: dict = {}
    try:
        exec(line, user_namespace)
    finally:
        atexit.unregister(gc.freeze)  # not this process's exit
    assert set(user_namespace) == {"__builtins__"}, "the line left names in the kernel"
    # In a process of its own: at exit (handlers run last-registered first), the heap is
    # frozen before the handler registered ahead of the line looks.
    check = (
        "import atexit, gc; atexit.register(lambda: print(gc.get_freeze_count() > 0))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"{check}\n{line}"], capture_output=True, text=True
    )
    assert result.stdout == "True\n", result.stderr


# -- plotly ---------------------------------------------------------------------------------


def chart_parts(html: str) -> tuple[str, list]:
    """Return a chart's div tag and the Plotly.newPlot arguments of its JSON script."""
    div = re.search(r"<div [^>]*>", html).group(0)
    text = re.search(r'<script type="application/json">(.*)</script>', html, re.S)
    return div, json.loads(text.group(1))


def test_plotly_output_becomes_a_div_followed_by_its_figures_json():
    data = MimeData(outputs.PLOTLY_MIME, FIGURE)
    [node] = outputs.PlotlyMimeRenderer.handle_mime(fake_renderer(), data, False)
    html = node.astext()
    div, (traces, layout, config) = chart_parts(html)
    assert 'class="plotly-graph-div"' in div and "height:400px" in div
    assert traces == FIGURE["data"] and layout == FIGURE["layout"]
    assert config["responsive"] is True
    assert "</script>" not in html.split("<script", 1)[1][: -len("</script>\n")], (
        "unescaped </script>"
    )
    assert outputs.PLOTLY_CLASS in node["classes"]


def test_plotly_chart_of_a_fixed_width_shrinks_with_the_page_up_to_that_width():
    figure = {**FIGURE, "layout": {"height": 450, "width": 600}}
    [node] = outputs.PlotlyMimeRenderer.handle_mime(
        fake_renderer(), MimeData(outputs.PLOTLY_MIME, figure), False
    )
    div, (_, layout, _) = chart_parts(node.astext())
    style = re.search(r'style="([^"]*)"', div).group(1)
    assert "width:100%" in style and "max-width:600px" in style
    assert "height:450px" in style
    assert "width" not in layout, "plotly would draw the chart 600 px wide again"


def test_chart_loader_loads_deferred_only_on_pages_with_a_chart():
    added = []
    app = SimpleNamespace(add_js_file=lambda name, **kw: added.append((name, kw)))
    chart = new_document("page", get_default_settings(Parser))
    chart += nodes.raw("", "<div></div>", format="html", classes=[outputs.PLOTLY_CLASS])
    text = new_document("text", get_default_settings(Parser))
    text += nodes.paragraph("", "no chart")
    for doctree in (chart, text, None):
        outputs.add_plotly_script(app, "page", "page.html", {}, doctree)
    [(name, attributes)] = added
    assert name == outputs.CHART_LOADER_JS
    assert attributes["loading_method"] == "defer"
    assert attributes["data-plotly"].startswith(outputs.PLOTLY_JS + "?v=")
    for path in (outputs.CHART_LOADER_JS, outputs.PLOTLY_JS):
        assert (page.STATIC_DIR / path).is_file(), f"{path} is not in book/static"


def test_vendored_plotly_js_is_the_gl3d_bundle_of_plotly_pys_major_version():
    from plotly.offline import get_plotlyjs_version

    vendored = outputs.bundle_version()
    assert vendored.split(".")[0] == get_plotlyjs_version().split(".")[0]
    assert (
        (outputs.PLOTLY_JS_FILE.parent / "LICENSE")
        .read_text()
        .startswith("MIT License")
    )
    readme = (outputs.PLOTLY_JS_FILE.parent / "README.md").read_text()
    digest = hashlib.sha256(outputs.PLOTLY_JS_FILE.read_bytes()).hexdigest()
    assert f"plotly.js-gl3d-dist-min@{vendored}" in readme and digest in readme


def test_bundle_version_names_a_file_without_plotlys_header(tmp_path):
    bundle = tmp_path / "plotly.min.js"
    bundle.write_text("/* some other library */")
    with pytest.raises(ValueError, match="gl3d header"):
        outputs.bundle_version(bundle)


def test_plotly_chart_is_a_figure_named_by_its_title():
    figure = {
        **FIGURE,
        "layout": {"title": {"text": "Two <b>blobs</b> & a noise feature"}},
    }
    [node] = outputs.PlotlyMimeRenderer.handle_mime(
        fake_renderer(), MimeData(outputs.PLOTLY_MIME, figure), False
    )
    div = re.search(r"<div [^>]*>", node.astext()).group(0)
    assert (
        'role="figure"' in div and 'aria-label="Two blobs &amp; a noise feature"' in div
    )


def test_plotly_chart_is_named_by_the_cells_alt_text_first():
    figure = {**FIGURE, "layout": {"title": "A title"}}
    metadata = {"mystnb": {"image": {"alt": 'Points of two classes, "rotating"'}}}
    [node] = outputs.PlotlyMimeRenderer.handle_mime(
        fake_renderer(),
        MimeData(outputs.PLOTLY_MIME, figure, cell_metadata=metadata),
        False,
    )
    assert 'aria-label="Points of two classes, &quot;rotating&quot;"' in node.astext()


def test_plotly_chart_without_title_or_alt_text_gets_no_empty_name():
    [node] = outputs.PlotlyMimeRenderer.handle_mime(
        fake_renderer(), MimeData(outputs.PLOTLY_MIME, FIGURE), False
    )
    assert "aria-label" not in node.astext() and "role=" not in node.astext()


def test_plotly_figures_on_one_page_get_distinct_ids():
    renderer = fake_renderer()
    ids = [
        re.search(
            r'id="([\w-]+)"',
            outputs.PlotlyMimeRenderer.handle_mime(
                renderer, MimeData(outputs.PLOTLY_MIME, json.dumps(FIGURE)), False
            )[0].astext(),
        ).group(1)
        for _ in range(2)
    ]
    assert ids[0] != ids[1]


def test_plotly_renderer_leaves_other_outputs_to_myst_nb():
    assert (
        outputs.PlotlyMimeRenderer.handle_mime(
            fake_renderer(), MimeData("text/plain", "x"), False
        )
        is None
    )


def test_mime_plugins_are_registered_with_myst_nb():
    plugins = load_mime_renders()
    assert outputs.PlotlyMimeRenderer in plugins
    assert outputs.JsAnimationMimeRenderer in plugins


# -- animations -----------------------------------------------------------------------------


def animation_html() -> str:
    """Return a two-frame matplotlib animation as ``to_jshtml()`` writes it."""
    from matplotlib import pyplot as plt
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(1, 1))
    anim = FuncAnimation(fig, lambda i: ax.set_title(str(i)), frames=2)
    html = anim.to_jshtml()
    plt.close(fig)
    return html


def test_animation_html_loses_its_cdn_stylesheet_and_keeps_its_player():
    html = animation_html()
    assert "https://" in html
    [node] = outputs.JsAnimationMimeRenderer.handle_mime(
        fake_renderer(), MimeData("text/html", html), False
    )
    assert "https://" not in node.astext() and "http://" not in node.astext()
    assert "_anim_img" in node.astext() and "Next frame" in node.astext()


def test_animation_frame_takes_the_cells_alt_text_and_its_slider_a_label():
    html = animation_html()
    assert re.search(r"<img [^>]*\balt=", html) is None, (
        "matplotlib now names the frame itself"
    )
    metadata = {"mystnb": {"image": {"alt": "A kernel slides over\n a 5x5 <input>"}}}
    [node] = outputs.JsAnimationMimeRenderer.handle_mime(
        fake_renderer(), MimeData("text/html", html, cell_metadata=metadata), False
    )
    image = re.search(r'<img [^>]*id="_anim_img\w+"[^>]*>', node.astext()).group(0)
    assert re.findall(r'alt="([^"]*)"', image) == [
        "A kernel slides over a 5x5 &lt;input&gt;"
    ]
    slider = re.search(r'<input id="_anim_slider\w+"[^>]*>', node.astext()).group(0)
    assert 'aria-label="Animation frame"' in slider


def test_the_cells_alt_text_replaces_the_one_a_helper_gave_the_frame():
    # utils.plotting's animations name their frame image before its id
    html = animation_html().replace(
        '<img id="_anim_img', '<img alt="the helper&#x27;s words" id="_anim_img', 1
    )
    metadata = {"mystnb": {"image": {"alt": "The cell's words"}}}
    [node] = outputs.JsAnimationMimeRenderer.handle_mime(
        fake_renderer(), MimeData("text/html", html, cell_metadata=metadata), False
    )
    image = re.search(r'<img [^>]*id="_anim_img\w+"[^>]*>', node.astext()).group(0)
    assert re.findall(r'alt="([^"]*)"', image) == ["The cell&#x27;s words"]


def test_animation_without_alt_text_is_left_unnamed_for_the_tests_to_catch():
    [node] = outputs.JsAnimationMimeRenderer.handle_mime(
        fake_renderer(), MimeData("text/html", animation_html()), False
    )
    assert re.search(r'<img id="_anim_img\w+"[^>]*\balt=', node.astext()) is None


def test_plain_html_outputs_are_left_to_myst_nb():
    data = MimeData("text/html", "<table><tr><td>1</td></tr></table>")
    assert (
        outputs.JsAnimationMimeRenderer.handle_mime(fake_renderer(), data, False)
        is None
    )


# -- progress bars --------------------------------------------------------------------------


def test_progress_bar_redraws_collapse_to_the_last_state():
    outputs = [
        {"output_type": "stream", "name": "stderr", "text": "\r  0%|          | 0/3"},
        {"output_type": "stream", "name": "stdout", "text": "epoch 1\n"},
        {
            "output_type": "stream",
            "name": "stderr",
            "text": "\r 67%|######    | 2/3\r100%|##########| 3/3",
        },
        {"output_type": "stream", "name": "stderr", "text": "\n"},
    ]
    merged = patches.coalesce_streams(outputs)
    assert [o["text"] for o in merged] == ["100%|##########| 3/3\n", "epoch 1\n"]
    assert outputs[0]["text"] == "\r  0%|          | 0/3", (
        "the cached outputs must stay as they were"
    )


def test_terminal_text_applies_backspaces_and_keeps_lines():
    assert patches.terminal_text("ab\bc\nline 2\r\nx\ry\n") == "ac\nline 2\ny\n"


# -- launch links, set-up cell, scripts -------------------------------------------------------


def test_kaggle_link_opens_the_notebook_from_the_repository():
    url = page.kaggle_url(
        "https://github.com/org/repo/", "main", "lectures/02_autoencoders.ipynb"
    )
    assert url == (
        "https://kaggle.com/kernels/welcome?src="
        "https://github.com/org/repo/blob/main/lectures/02_autoencoders.ipynb"
    )


def test_kaggle_button_joins_the_launch_menu_of_notebook_pages_only():
    app = SimpleNamespace(
        env=SimpleNamespace(
            doc2path=lambda name: (
                f"/book/{name}.ipynb" if name.endswith("nb") else f"/book/{name}.md"
            )
        ),
        config=SimpleNamespace(
            html_theme_options={
                "repository_url": "https://github.com/o/r",
                "repository_branch": "main",
                "path_to_docs": "",
            }
        ),
    )
    launch = {"label": "launch-buttons", "buttons": []}
    page.add_kaggle_button(
        app, "lectures/nb", "page.html", {"header_buttons": [launch]}, None
    )
    assert launch["buttons"][0]["url"].endswith(
        "src=https://github.com/o/r/blob/main/lectures/nb.ipynb"
    )
    markdown = {"label": "launch-buttons", "buttons": []}
    page.add_kaggle_button(
        app, "lectures/page", "page.html", {"header_buttons": [markdown]}, None
    )
    assert markdown["buttons"] == []


def test_folded_cell_toggles_are_named_by_what_they_show():
    body = (
        '<details class="hide above-input"><summary aria-label="Toggle hidden content">\n'
        '<p class="collapsed admonition-title">Show the set-up code</p></summary></details>'
    )
    context = {"body": body}
    page.name_fold_toggles(None, "page", "page.html", context, None)
    assert "aria-label" not in context["body"] and "<summary>\n<p" in context["body"]


def test_site_assets_come_first_among_templates_and_join_the_static_files(tmp_path):
    config = SimpleNamespace(
        html_static_path=["_static"], templates_path=["theme/components"]
    )
    page.add_site_assets(None, config)
    assert config.templates_path[0] == str(page.TEMPLATES_DIR)
    assert config.html_static_path[-1] == str(page.STATIC_DIR)


@pytest.mark.parametrize("name", ["search-button-field.html", "theme-switcher.html"])
def test_overridden_theme_templates_still_match_the_installed_theme(name):
    """The overrides copy the theme's buttons; a theme upgrade that changes them shows here."""
    import pydata_sphinx_theme

    theme = (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme"
        / "pydata_sphinx_theme"
        / "components"
    )
    ours, theirs = (
        (page.TEMPLATES_DIR / name).read_text(),
        (theme / name).read_text(),
    )
    classes = re.compile(r'class="([^"]+)"')
    assert classes.findall(ours) == classes.findall(theirs)


def test_a_change_to_the_extension_or_its_assets_rereads_the_pages(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "extension.py").write_text("A = 1\n")
    (tmp_path / "templates" / "x.html").write_text("<b>")
    before = execution.site_fingerprint(tmp_path)
    (tmp_path / "templates" / "x.html").write_text("<i>")
    after_template = execution.site_fingerprint(tmp_path)
    (tmp_path / "patches.py").write_text("B = 2\n")
    assert execution.site_fingerprint(tmp_path) not in (before, after_template)


def test_duplicate_scripts_are_dropped_keeping_the_first():
    from sphinx.builders.html._assets import _JavaScript

    scripts = [
        _JavaScript(None, body="const A = 1"),
        _JavaScript("x.js"),
        _JavaScript("", body="const A = 1", priority=500),
    ]
    context = {"script_files": scripts}
    patches.drop_duplicate_scripts(None, "page", "page.html", context, None)
    assert context["script_files"] == scripts[:2]


# -- the build script -----------------------------------------------------------------------


def test_build_runs_jupyter_books_own_command_with_warnings_as_errors():
    command = book_build.build_command(Path("/book"))
    assert Path(command[0]).name == "jupyter-book"
    assert command[1:] == ["build", "/book", "-W", "-n", "--keep-going"]
    assert book_build.build_command(Path("/book"), rebuild_all=True)[-1] == "--all"


def test_a_failed_build_exits_non_zero_and_the_next_one_rereads_every_page(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(book_build, "BUILD_DIR", tmp_path / "_build")
    monkeypatch.setattr(
        book_build, "FAILED_MARKER", tmp_path / "_build" / ".book_build_failed"
    )
    calls = []

    def fake_build(root, rebuild_all):
        calls.append(rebuild_all)
        if len(calls) == 1:
            return 1  # exit status
        (tmp_path / "_build" / "html").mkdir(parents=True)
        (tmp_path / "_build" / "html" / "index.html").write_text("<html></html>")
        return 0

    monkeypatch.setattr(book_build, "build", fake_build)
    assert book_build.main([]) != 0
    assert "FAILED" in capsys.readouterr().err
    assert book_build.main([]) == 0
    assert calls == [False, True]
    assert "index.html" in capsys.readouterr().out
    assert not book_build.FAILED_MARKER.exists()


def test_profile_names_match_the_notebooks_helpers():
    from utils.runtime import PROFILE_NAMES

    assert book_profile.PROFILE_NAMES == PROFILE_NAMES


@pytest.mark.parametrize("value", ["smoke", " CPU ", "gpu"])
def test_profile_is_read_from_course_profile_without_pytorch(value, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", value)
    monkeypatch.setitem(sys.modules, "utils.runtime", None)  # importing it would fail
    assert book_profile.profile_name() == value.strip().lower()


def test_a_wrong_profile_name_gets_the_helpers_error(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="COURSE_PROFILE"):
        book_profile.profile_name()


def test_copies_read_again_from_the_execution_cache_get_their_outputs(tmp_path):
    import nbformat
    from jupyter_cache import get_cache
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    def notebook(source: str, ran: bool) -> nbformat.NotebookNode:
        cell = new_code_cell(source)
        if ran:
            cell.execution_count = 1
            cell.outputs = [new_output("stream", name="stdout", text="MNIST: ...\n")]
        nb = new_notebook(cells=[cell])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        return nb

    cache_folder = tmp_path / "cache"
    cache = get_cache(cache_folder)
    cache.cache_notebook_file(
        _write(tmp_path / "ran.ipynb", notebook("print('x')", ran=True)),
        check_validity=False,
    )
    executed = tmp_path / "_build" / "jupyter_execute" / "lectures"
    cached = _write(executed / "cached.ipynb", notebook("print('x')", ran=False))
    unknown = _write(executed / "unknown.ipynb", notebook("print('y')", ran=False))
    app = SimpleNamespace(
        outdir=str(tmp_path / "_build" / "html"),
        config=SimpleNamespace(nb_execution_cache_path=str(cache_folder)),
    )
    patches.complete_executed_copies(app, None)
    [cell] = nbformat.read(cached, as_version=4).cells
    assert cell.execution_count == 1 and cell.outputs[0].text == "MNIST: ...\n"
    [cell] = nbformat.read(unknown, as_version=4).cells
    assert cell.execution_count is None and cell.outputs == []  # nothing to merge


def _write(path: Path, notebook) -> Path:
    """Write ``notebook`` to ``path`` (folders made); return the path."""
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


# -- the patches' version guard -------------------------------------------------------------


def test_patches_refuse_a_release_they_were_not_written_for():
    with pytest.raises(patches.PatchVersionError) as error:
        patches.check_version("myst-nb", installed="1.5.0")
    message = str(error.value)
    assert "myst-nb must be 1.4.0" in message and "got 1.5.0" in message


def test_patches_apply_to_the_installed_releases(monkeypatch):
    import myst_nb.core.render

    connected = []
    app = SimpleNamespace(connect=lambda event, handler, **_: connected.append(event))
    monkeypatch.setattr(myst_nb.core.render, "coalesce_streams", None)
    patches.apply(app)  # raises on a release the patches were not written for
    assert myst_nb.core.render.coalesce_streams is patches.coalesce_streams
    assert sorted(connected) == ["env-updated", "html-page-context"]


# -- nbmake's executed copies into the book's cache -------------------------------------


def test_nbmakes_executed_copy_is_found_in_the_cache_for_its_source_notebook(tmp_path):
    import nbformat
    from jupyter_cache import get_cache
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    source = new_notebook(cells=[new_markdown_cell("# T"), new_code_cell("print(1)")])
    source.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    ran = nbformat.reads(nbformat.writes(source), as_version=4)
    ran.cells[1].execution_count = 1
    ran.cells[1].outputs = [new_output("stream", name="stdout", text="1\n")]
    ran.cells[1].metadata["execution"] = {"iopub.status.busy": "2026-12-06T15:00:00Z"}
    folder = execution.cache_executed(
        tmp_path,
        "smoke",
        [(_write(tmp_path / "a.ipynb", source), _write(tmp_path / "b.ipynb", ran))],
    )
    assert folder == tmp_path / "smoke"
    _, merged = get_cache(folder).merge_match_into_notebook(source)
    assert merged.cells[1].outputs[0].text == "1\n"


def test_a_copy_of_another_notebook_is_not_cached_for_it(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    source = _write(tmp_path / "a.ipynb", new_notebook(cells=[new_code_cell("1")]))
    other = _write(tmp_path / "b.ipynb", new_notebook(cells=[new_code_cell("2")]))
    with pytest.raises(ValueError, match="is not an executed copy of"):
        execution.cache_executed(tmp_path, "smoke", [(source, other)])
