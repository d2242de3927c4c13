"""The GANs' results in an executed ``04_gans`` notebook: how far the DCGAN and the 1-D GAN got.

Nothing is recomputed: the figures are read from what the notebook printed in its
tagged cells.

- ``dcgan-training``: the last epoch's mean D(x) and D(G(z)).
- ``diversity``: the mean pairwise distance of the 64 fixed-noise samples divided by
  that of 64 real faces (near 0: mode collapse; about 1: as varied as the data).
- ``gan1d-result``: the 1-D generator x = a z + b, whose right answer is |a| = sigma,
  b = mu.

The lecture prints D(x) and D(G(z)) per epoch, but the lecture's facts page records no
final value, and the lecture has neither a diversity figure nor a 1-D GAN: each note
says so.
"""

from __future__ import annotations

import re
from typing import Any

import nbformat

from benchmarks.results import Figure
from tests.notebook_code import tagged_text, text_outputs

NUMBER = r"(-?[0-9]*\.?[0-9]+)"
FINAL_D = re.compile(rf"D\(x\) {NUMBER}\s+D\(G\(z\)\) {NUMBER}")
DIVERSITY = re.compile(rf"sample diversity: {NUMBER}")
LINE_GAN = re.compile(
    rf"a = {NUMBER}, b = {NUMBER}; the data has sigma = {NUMBER}, "
    rf"mu = {NUMBER}"
)
NO_LECTURE_VALUE = (
    "the lecture logs it per epoch; its facts page records no final value"
)
ONE_D_TOLERANCE = 0.1  # how close |a| and b must come to sigma and mu


def _search(pattern: re.Pattern[str], text: str, what: str) -> tuple[float, ...]:
    """Return the numbers ``pattern`` captures in ``text``; ValueError naming ``what``."""
    match = pattern.search(text)
    if match is None:
        raise ValueError(
            f"gan_quality: no printed {what} (looked for /{pattern.pattern}/)"
        )
    return tuple(float(group) for group in match.groups())


def results(notebook: nbformat.NotebookNode) -> dict[str, float]:
    """Return the printed results: d_real, d_fake, diversity, a, b, sigma, mu."""
    d_real, d_fake = _search(
        FINAL_D, tagged_text(notebook, "dcgan-training"), "last-epoch D(x) and D(G(z))"
    )
    (diversity,) = _search(
        DIVERSITY, tagged_text(notebook, "diversity"), "sample diversity"
    )
    a, b, sigma, mu = _search(
        LINE_GAN, tagged_text(notebook, "gan1d-result"), "1-D generator"
    )
    return {
        "d_real": d_real,
        "d_fake": d_fake,
        "diversity": diversity,
        "a": a,
        "b": b,
        "sigma": sigma,
        "mu": mu,
    }


def faces_used(notebook: nbformat.NotebookNode) -> str:
    """Return which faces the notebook trained on and how many, from its ``Faces:`` line."""
    for cell in notebook.cells:
        for line in text_outputs(cell).splitlines() if cell.cell_type == "code" else []:
            if line.startswith("Faces: "):
                source = re.split(r" \(|: ", line[len("Faces: ") :])[0]
                count = re.search(r"([\d,]+) images", line)
                return f"{source}, {count.group(1)} images" if count else source
    return ""


def figures(executed: Any) -> list[Figure]:
    """Return the GAN quality figures of an executed 04_gans notebook.

    Args:
        executed: the executed notebook (``nbformat.NotebookNode``) or a
            :class:`benchmarks.notebooks.Execution` holding one.
    """
    notebook = getattr(executed, "notebook", executed)
    profile = getattr(executed, "profile", None)
    label = f" ({profile})" if profile else ""
    try:
        if getattr(executed, "error", None):
            raise ValueError(f"the notebook failed: {executed.error}")
        if notebook is None:
            raise ValueError("the execution holds no notebook")
        found = results(notebook)
    except ValueError as err:
        return [Figure(f"GAN quality{label}", "", error=str(err))]
    faces = faces_used(notebook)
    faces_note = f"; faces: {faces}" if faces else ""
    a_error, b_error = (
        abs(abs(found["a"]) - found["sigma"]),
        abs(found["b"] - found["mu"]),
    )
    answer = f"right answer |a| = sigma = {found['sigma']:g}, b = mu = {found['mu']:g}"
    return [
        Figure(
            f"DCGAN final D(x){label}",
            "probability",
            [found["d_real"]],
            note=f"last epoch's mean; {NO_LECTURE_VALUE}{faces_note}",
        ),
        Figure(
            f"DCGAN final D(G(z)){label}",
            "probability",
            [found["d_fake"]],
            note=f"last epoch's mean; {NO_LECTURE_VALUE}",
        ),
        Figure(
            f"DCGAN sample diversity{label}",
            "ratio",
            [found["diversity"]],
            note="mean pairwise distance of 64 fixed-noise samples / of 64 real faces; "
            "near 0 = mode collapse; the lecture has no such number",
        ),
        Figure(
            f"1-D GAN learned |a|{label}",
            "",
            [abs(found["a"])],
            note=f"sigma = {found['sigma']:g}; not in the lecture",
        ),
        Figure(
            f"1-D GAN learned b{label}",
            "",
            [found["b"]],
            note=f"mu = {found['mu']:g}; not in the lecture",
        ),
        Figure(
            f"1-D GAN error of |a| and b{label}",
            "",
            [max(a_error, b_error)],
            target=ONE_D_TOLERANCE,
            note=f"the larger of ||a| - sigma| and |b - mu|; {answer}",
        ),
    ]
