"""The lecture's block diagrams, drawn with matplotlib: boxes joined by labelled arrows.

Every diagram is a figure on a white card of its own (readable in the site's light and
dark themes alike) and is returned, so a notebook can show or save it. The drawing
primitives below are shared; each public ``draw_*`` function is one of the lecture's
diagrams.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

__all__: list[str] = []

INK = "#1a1a1a"  # text and arrows: dark on the white card
# fills of the box kinds, light enough for dark text (contrast >= 7:1 with INK)
FILLS = {
    "data": "#e8eef7",
    "network": "#fde9c9",
    "code": "#e3f1e0",
    "loss": "#f6dede",
    "plain": "#ffffff",
}


def _canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """Return a figure ``width`` x ``height`` inches on a white card, axes in data units = inches."""
    fig, ax = plt.subplots(figsize=(width, height), facecolor="white")
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.subplots_adjust(0, 0, 1, 1)
    return fig, ax


def _box(
    ax: Axes,
    center: tuple[float, float],
    text: str,
    kind: str = "network",
    size: tuple[float, float] = (1.6, 0.7),
    fontsize: float = 10,
) -> tuple[float, float, float, float]:
    """Draw a rounded box with ``text`` at ``center``; return its (left, bottom, right, top)."""
    (x, y), (w, h) = center, size
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=FILLS[kind],
            edgecolor=INK,
            linewidth=1.2,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=INK)
    return x - w / 2, y - h / 2, x + w / 2, y + h / 2


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    label: str = "",
    dashed: bool = False,
    bend: float = 0.0,
) -> None:
    """Draw an arrow from ``start`` to ``end``, with ``label`` beside its middle."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=14,
            color=INK,
            linewidth=1.3,
            linestyle="--" if dashed else "-",
            connectionstyle=f"arc3,rad={bend}",
        )
    )
    if label:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        ax.text(mx, my + 0.12, label, ha="center", va="bottom", fontsize=8.5, color=INK)


# -- autoencoders (chapter 2) -------------------------------------------------------------


# -- generative adversarial networks (chapter 4) ------------------------------------------
