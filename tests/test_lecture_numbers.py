"""The lecture's numbers of sections 0 and 5, as the notebooks' own code prints them.

Each test reads a tagged cell of a notebook that the smoke book build executed and
compares what it printed with the lecture's value from ``tests/LECTURE_FACTS.md``
(through ``lecture_facts``). Nothing is rebuilt here: if an edit to a notebook's layers,
or a PyTorch or torch-summary upgrade, changes a number, the test names the cell.
"""

from __future__ import annotations

import math
import re

import lecture_facts as lecture
import pytest

from benchmarks import multi_input

pytestmark = pytest.mark.slow


def printed_number(pattern: str, text: str) -> float:
    """Return the number that ``pattern`` captures in ``text`` (thousands separators allowed)."""
    match = re.search(pattern, text)
    assert match, f"no /{pattern}/ in the printed text:\n{text}"
    return float(match.group(1).replace(",", ""))


def lecture_test_cnn_output() -> tuple[int, ...]:
    """Return the lecture's output shape of test_CNN for one image, e.g. (4, 9, 9)."""
    match = re.search(r"output (\d+)x(\d+)x(\d+)", lecture.TEXT)
    assert match, f"{lecture.FACTS_PAGE.name} no longer states test_CNN's output shape"
    return tuple(int(n) for n in match.groups())


# --------------------------------------------------------------------------- section 0


@pytest.fixture(scope="module")
def clarifications(executed_notebook):
    return executed_notebook("00_clarifications")


@pytest.mark.parametrize(
    "which, lecture_loss",
    [("good", lecture.GOOD_LOGITS_LOSS), ("bad", lecture.BAD_LOGITS_LOSS)],
)
def test_cross_entropy_cell_prints_the_lectures_losses(
    clarifications, cell_text, which, lecture_loss
):
    text = cell_text(clarifications, "lecture-losses")
    loss = printed_number(rf"{which} logits:\s*([\d.]+)", text)
    assert loss == pytest.approx(lecture_loss, abs=5e-5), text


def test_summary_table_shows_the_lectures_900_parameters(clarifications, cell_text):
    text = cell_text(clarifications, "lecture-params")
    total = printed_number(r"Total params:\s*([\d,]+)", text)
    assert total == lecture.TEST_CNN_PARAMS, text


def test_summary_cell_prints_the_lectures_output_shape_and_324_features(
    clarifications, cell_text
):
    text = cell_text(clarifications, "lecture-params")
    match = re.search(r"(\d+) x (\d+) x (\d+) = ([\d,]+) values", text)
    assert match, text
    *shape, flat = (int(n.replace(",", "")) for n in match.groups())
    assert tuple(shape) == lecture_test_cnn_output(), text
    assert flat == lecture.TEST_CNN_FLAT, text


def test_summary_table_is_shown_once(clarifications, cell_text):
    """summary() prints the table and returns statistics whose repr is the table again:
    a cell ending in a bare summary(...) would show it twice."""
    text = cell_text(clarifications, "lecture-params")
    assert text.count("Total params") == 1, text


@pytest.mark.parametrize("tag", ["shape-trace", "shape-trace-ints"])
def test_shape_trace_ends_at_the_lectures_output_for_tuple_and_int_settings(
    clarifications, cell_text, tag
):
    """The trace reads kernel_size, stride and padding whether a layer stores an int
    (MaxPool2d(2), as the table writes the layers) or a pair (test_CNN's (2, 2))."""
    text = cell_text(clarifications, tag)
    traced = re.findall(r"after MaxPool2d: (\d+) x (\d+) x (\d+)", text)
    assert traced, text
    assert tuple(int(n) for n in traced[-1]) == lecture_test_cnn_output(), text


# --------------------------------------------------------------------------- section 5


@pytest.fixture(scope="module")
def multi_input_notebook(executed_notebook):
    return executed_notebook("05_multi_input_networks")


def test_multimodel_image_branch_flattens_to_the_lectures_1800(
    multi_input_notebook, cell_text
):
    text = cell_text(multi_input_notebook, "lecture-flatten")
    assert printed_number(r"needs ([\d,]+) inputs", text) == lecture.MULTI_INPUT_FLAT, (
        text
    )


def test_benchmark_reads_the_held_out_mse_the_notebook_printed(multi_input_notebook):
    """The benchmark's multi-input figures are the printed ones, finite, with no target."""
    rows = multi_input.figures(multi_input_notebook)
    assert [row.error for row in rows] == [None] * len(rows)
    mse, best = (row.value for row in rows[:2])
    assert math.isfinite(mse) and math.isfinite(best) and best > 0
    assert all(row.target is None and "lecture" in row.note for row in rows)


def test_comparison_lines_restate_the_printed_table(multi_input_notebook, cell_text):
    """The sentence under 05's results table is computed: its ratio for image + table is
    the printed held-out MSEs' ratio, so a prose claim cannot drift from the run."""
    table = cell_text(multi_input_notebook, "heldout-mse")
    lines = cell_text(multi_input_notebook, "heldout-comparison")
    mse = {
        name: float(value)
        for name, value in re.findall(
            r"^(image only|table only|image \+ table)\s+([\d.]+)", table, re.MULTILINE
        )
    }
    match = re.search(
        r"image \+ table: error ([\d.]+) x that of the better single-input "
        r"model \((image only|table only)\)",
        lines,
    )
    assert match, lines
    ratio, better = float(match.group(1)), match.group(2)
    assert better == min(["image only", "table only"], key=mse.get), (table, lines)
    expected = mse["image + table"] / mse[better]
    assert ratio == pytest.approx(expected, rel=0.01, abs=0.002), (table, lines)
