"""The multi-input network's result in an executed ``05_multi_input_networks`` notebook.

The notebook's cell tagged ``heldout-mse`` prints one row per model: its mean squared
error on the held-out houses and the best any model with the same inputs could reach.
For the model that reads image and table, the best possible is the noise that the house
generator adds to each price, which no input can explain. This reads that row; nothing
is recomputed. The lecture trains no multi-input model, so there is no lecture number to
compare with and no target.
"""

from __future__ import annotations

import re

import nbformat

from benchmarks.notebooks import Execution
from benchmarks.results import Figure
from tests.notebook_code import tagged_text, text_outputs

TAG = "heldout-mse"
NUMBER = r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"
BOTH_INPUTS_ROW = re.compile(
    rf"^image \+ table\s+{NUMBER}\s+{NUMBER}\s*$", re.MULTILINE
)
PROFILE_LINE = re.compile(r"^Profile: (\w+)", re.MULTILINE)
NO_LECTURE_NUMBER = (
    "the lecture trains no multi-input model: no lecture number to compare with"
)


def held_out_mse(notebook: nbformat.NotebookNode) -> tuple[float, float]:
    """Return (held-out MSE, best possible) of the image + table model, as printed.

    The cell tagged ``heldout-mse`` prints a table such as::

        model             held-out MSE  best possible
        average price           1.0750
        image only              0.6520         0.5400
        table only              0.5280         0.5210
        image + table           0.0360         0.0210

    Raises ValueError when the cell or its image + table row is missing.
    """
    match = BOTH_INPUTS_ROW.search(tagged_text(notebook, TAG))
    if match is None:
        raise ValueError(
            f"held_out_mse: the cell tagged {TAG!r} prints no "
            "'image + table <MSE> <best possible>' row"
        )
    return float(match.group(1)), float(match.group(2))


def printed_profile(notebook: nbformat.NotebookNode) -> str | None:
    """Return the profile the notebook's set-up cell says it ran with, or None."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            match = PROFILE_LINE.search(text_outputs(cell))
            if match:
                return match.group(1)
    return None


def figures(executed: nbformat.NotebookNode | Execution) -> list[Figure]:
    """Return the image + table model's held-out MSE, the best possible, and their ratio.

    ``executed`` is the executed notebook, or the benchmark's :class:`Execution` of it.
    """
    if isinstance(executed, Execution):
        notebook, error, profile = executed.notebook, executed.error, executed.profile
    else:
        notebook, error, profile = executed, None, printed_profile(executed)
    label = f"({profile or 'profile not printed'})"
    try:
        if error or notebook is None:
            raise ValueError(f"the notebook failed: {error or 'no executed notebook'}")
        mse, best = held_out_mse(notebook)
    except ValueError as err:
        return [
            Figure(
                f"multi-input held-out MSE, image + table {label}",
                "MSE",
                error=str(err),
                note=NO_LECTURE_NUMBER,
            )
        ]
    source = f"printed by 05_multi_input_networks; {NO_LECTURE_NUMBER}"
    rows = [
        Figure(
            f"multi-input held-out MSE, image + table {label}",
            "MSE",
            [mse],
            note=source,
        ),
        Figure(
            f"multi-input best possible MSE (the generator's noise) {label}",
            "MSE",
            [best],
            note=source,
        ),
    ]
    if best > 0:
        rows.append(
            Figure(
                f"multi-input held-out MSE / best possible {label}",
                "x",
                [mse / best],
                note=f"1 is the best possible; {NO_LECTURE_NUMBER}",
            )
        )
    return rows
