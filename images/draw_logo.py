"""Draw the book's logo, images/logo.svg: a 3x3 kernel over a 5x5 input gives one output cell.

Run ``python images/draw_logo.py`` after changing it; tests/test_book_config.py checks
that the committed logo is what this script draws.
"""

from __future__ import annotations

from pathlib import Path

CELL, GAP = 14, 2
STEP = CELL + GAP
INPUT, KERNEL, OUTPUT = "#cfd8e3", "#f28c28", "#9db7d5"
EDGE, RESULT = "#b35900", "#1f4e79"


def grid(
    x0: int, y0: int, n: int, fill: str, marked: set[tuple[int, int]], mark: str
) -> list[str]:
    """Return the rects of an n x n grid at (x0, y0), cells in ``marked`` filled with ``mark``."""
    return [
        f'<rect x="{x0 + c * STEP}" y="{y0 + r * STEP}" width="{CELL}" height="{CELL}" rx="2" '
        f'fill="{mark if (r, c) in marked else fill}"/>'
        for r in range(n)
        for c in range(n)
    ]


def logo_svg() -> str:
    """Return the logo as SVG text."""
    kernel = {(r, c) for r in range(1, 4) for c in range(3)}
    out_x, out_y = 120, 26
    target_y = out_y + STEP  # the output cell (1, 0) that the kernel produces
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 180 100" width="180" height="100" '
        'role="img" aria-label="A 3 by 3 convolution kernel over a 5 by 5 input">',
        "<title>Advanced Convolutional Models</title>",
        *grid(8, 10, 5, INPUT, kernel, KERNEL),
        f'<rect x="7" y="25" width="48" height="48" rx="3" fill="none" stroke="{EDGE}" stroke-width="2"/>',
        *(
            f'<line x1="55" y1="{y}" x2="{out_x}" y2="{ty}" stroke="{EDGE}" stroke-width="1.5" '
            'stroke-dasharray="3 2"/>'
            for y, ty in ((25, target_y), (73, target_y + CELL))
        ),
        *grid(out_x, out_y, 3, OUTPUT, {(1, 0)}, RESULT),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    path = Path(__file__).with_name("logo.svg")
    path.write_text(logo_svg())
    print(f"wrote {path}")
