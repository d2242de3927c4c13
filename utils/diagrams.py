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


# Drawn in units of "layout inches", printed at this fraction of them: the text keeps its
# point size, so it reads larger beside the boxes on a page column or a phone.
SCALE = 0.75


def _canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """Return a white card ``width`` x ``height`` layout units, printed at ``SCALE`` inches each."""
    fig, ax = plt.subplots(figsize=(width * SCALE, height * SCALE), facecolor="white")
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

__all__ += ["draw_gan_structure", "draw_gan_training_step"]


def _gan_structure(ax: Axes) -> None:
    """Draw noise -> G -> fake, real and fake -> D -> 'real or fake?' into ``ax``."""
    _box(ax, (0.9, 0.8), "noise $z$", kind="data", size=(1.3, 0.6))
    _box(ax, (2.9, 0.8), "generator $G$", size=(1.7, 0.7))
    _box(ax, (4.9, 0.8), "fake image\n$G(z)$", kind="data", size=(1.4, 0.7))
    _box(
        ax, (4.9, 2.2), "real image $x$\n(training data)", kind="data", size=(1.8, 0.7)
    )
    _box(ax, (7.1, 1.5), "discriminator $D$", size=(1.9, 0.7))
    _box(
        ax,
        (9.3, 1.5),
        "$D(\\cdot)$: probability\nthe image is real",
        kind="code",
        size=(1.9, 0.8),
        fontsize=9,
    )
    _arrow(ax, (1.55, 0.8), (2.05, 0.8))
    _arrow(ax, (3.75, 0.8), (4.2, 0.8))
    _arrow(ax, (5.6, 0.95), (6.15, 1.35))
    _arrow(ax, (5.8, 2.05), (6.15, 1.65))
    _arrow(ax, (8.05, 1.5), (8.35, 1.5))


def draw_gan_structure() -> Figure:
    """Return the GAN's structure: noise -> generator -> fake; real and fake -> discriminator."""
    fig, ax = _canvas(10.4, 3.0)
    _gan_structure(ax)
    fig.set_label(
        "GAN structure: noise z -> generator G -> fake image G(z); the real image x and "
        "the fake both go into the discriminator D, which outputs the probability that "
        "its input is real"
    )
    plt.close(fig)
    return fig


def _phase(ax: Axes, y: float, title: str, discriminator_phase: bool) -> None:
    """Draw one phase of a GAN step in the band around height ``y``."""
    ax.text(0.15, y + 0.95, title, fontsize=10.5, fontweight="bold", color=INK)
    _box(ax, (0.9, y), "noise $z$", kind="data", size=(1.2, 0.6))
    _box(ax, (2.7, y), "$G$", size=(1.0, 0.6))
    fake = "fake.detach()" if discriminator_phase else "fake\n(not detached)"
    _box(ax, (4.6, y), fake, kind="data", size=(1.7, 0.6), fontsize=9)
    _box(
        ax,
        (6.8, y),
        "$D$" + (" (updated)" if not discriminator_phase else ""),
        size=(1.6, 0.6),
    )
    _arrow(ax, (1.5, y), (2.2, y))
    _arrow(ax, (3.2, y), (3.75, y))
    _arrow(ax, (5.45, y), (6.0, y))
    if discriminator_phase:
        _box(
            ax,
            (4.6, y + 0.68),
            "real batch $x$",
            kind="data",
            size=(1.7, 0.45),
            fontsize=9,
        )
        _arrow(ax, (5.45, y + 0.68), (6.0, y + 0.2))
        loss = "BCE: $x$ vs label 1,\nfake vs label 0"
    else:
        loss = "BCE: fake\nvs label 1"
    _box(ax, (9.0, y), loss, kind="loss", size=(2.0, 0.7), fontsize=9)
    _arrow(ax, (7.6, y), (8.0, y))
    if discriminator_phase:  # the gradient stops at the detached fake
        _arrow(ax, (8.2, y - 0.4), (6.8, y - 0.35), dashed=True, bend=-0.2)
        ax.text(
            7.5,
            y - 0.75,
            "backward: into $D$ only; optimizerD.step()",
            ha="center",
            fontsize=8.5,
            color=INK,
        )
    else:  # through D into G
        _arrow(ax, (8.2, y - 0.4), (2.7, y - 0.35), dashed=True, bend=-0.12)
        ax.text(
            5.4,
            y - 0.95,
            "backward: through $D$ into $G$; optimizerG.step()",
            ha="center",
            fontsize=8.5,
            color=INK,
        )


def draw_gan_training_step() -> Figure:
    """Return one GAN training step: D's phase on a detached fake, then G's phase through D."""
    fig, ax = _canvas(10.4, 5.0)
    _phase(ax, 3.6, "Phase 1: train the discriminator", discriminator_phase=True)
    _phase(
        ax, 1.3, "Phase 2: train the generator (same fakes)", discriminator_phase=False
    )
    fig.set_label(
        "One GAN training step: phase 1 scores a real batch (label 1) and the detached "
        "fake (label 0) with D and updates only D; phase 2 scores the same fake with the "
        "updated D against label 1, and the gradient flows back through D into G, which "
        "alone is updated"
    )
    plt.close(fig)
    return fig
