"""Section 3's numeric check, as the smoke build ran it: a transposed convolution is a
stride-1 convolution over zero-inserted, padded input with the flipped kernel."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow

CASE = re.compile(
    r"k=(\d+) s=(\d+) p=(\d+) output_padding=(\d+): (\d+)x\d+ => (\d+)x\d+, "
    r"max \|difference\| = ([\d.e+-]+)"
)


def test_zero_insertion_view_equals_conv_transpose2d_in_every_printed_case(
    executed_notebook, cell_text
):
    text = cell_text(
        executed_notebook("03_convolution_arithmetic"), "zero-insertion-check"
    )
    cases = [tuple(map(float, m)) for m in CASE.findall(text)]
    assert len(cases) >= 4, text
    assert len({s for _, s, *_ in cases}) >= 3, "the check should cover several strides"
    for k, s, p, op, size_in, size_out, difference in cases:
        assert difference == 0.0
        # the size rule of section 3: (i - 1) s - 2p + k + output_padding
        assert size_out == (size_in - 1) * s - 2 * p + k + op
    assert text.rstrip().endswith("True")
