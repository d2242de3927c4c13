"""The denoising autoencoder's result in an executed ``02_autoencoders`` notebook: held-out MSE and time.

The notebook prints the mean squared error on held-out 8s for the noisy input and for
the denoised output; this reads those printed lines (nothing is recomputed) and the
training cell's time from nbclient's timing metadata.
"""

from __future__ import annotations

import re

import nbformat

from benchmarks.notebooks import Execution
from benchmarks.results import Figure

NUMBER = r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"
HELD_OUT = re.compile(r"held[- ]out", re.IGNORECASE)
MSE_VALUE = re.compile(r"MSE[^0-9]*?" + NUMBER)


def text_outputs(cell: nbformat.NotebookNode) -> str:
    """Return the printed text of a code cell: its streams and plain-text results."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def held_out_mse(notebook: nbformat.NotebookNode) -> dict[str, float]:
    """Return {"noisy": MSE, "denoised": MSE} as printed for the held-out 8s.

    The notebook prints, in one cell whose output mentions the held-out 8s::

        MSE of the noisy input:     0.1234
        MSE of the denoised output: 0.0123
        noisy / denoised MSE ratio: 10.03 (...)

    A line of such a cell that says "MSE" and then a number counts, unless it is the
    ratio: it is the denoised output's when it says "denois", the noisy input's when it
    says "nois". Raises ValueError when either is missing.
    """
    found: dict[str, float] = {}
    for cell in notebook.cells:
        text = text_outputs(cell) if cell.cell_type == "code" else ""
        if not HELD_OUT.search(text):
            continue
        for line in text.splitlines():
            match = MSE_VALUE.search(line)
            lower = line.lower()
            if match and "nois" in lower and "ratio" not in lower:
                found.setdefault("denoised" if "denois" in lower else "noisy",
                                 float(match.group(1)))
    missing = {"noisy", "denoised"} - set(found)
    if missing:
        raise ValueError(f"held_out_mse: no printed held-out MSE line for {sorted(missing)}")
    return found


def training_seconds(execution: Execution, section: str = "## 2.2",
                     marker: str = "backward()") -> float:
    """Return the time of the code cells in ``section`` that call ``marker`` (its training loop)."""
    if execution.notebook is None:
        raise ValueError("training_seconds: the execution holds no notebook")
    cells, inside, chosen = execution.notebook.cells, False, set()
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            inside = cell.source.startswith(section)
        elif inside and marker in cell.source:
            chosen.add(index)
    if not chosen:
        raise ValueError(f"training_seconds: no code cell calling {marker} under {section!r}")
    return sum(s for i, s in execution.cell_seconds if i in chosen)


def figures(execution: Execution) -> list[Figure]:
    """Return the held-out MSE of noisy input and denoised output, and the time it took."""
    label = f"({execution.profile})"
    try:
        if execution.error:
            raise ValueError(f"the notebook failed: {execution.error}")
        mse = held_out_mse(execution.notebook)
        train_s = training_seconds(execution)
    except ValueError as err:
        return [Figure(f"denoiser held-out MSE {label}", "", error=str(err))]
    return [
        Figure(f"denoiser held-out MSE, noisy input {label}", "MSE", [mse["noisy"]],
               note="printed by 02_autoencoders"),
        Figure(f"denoiser held-out MSE, denoised output {label}", "MSE", [mse["denoised"]],
               note="printed by 02_autoencoders"),
        Figure(f"denoiser: training time {label}", "s", [train_s],
               note="the 2.2 training cell, nbclient timing"),
        Figure(f"denoiser: whole notebook {label}", "s", [execution.seconds],
               note="the same execution"),
    ]
