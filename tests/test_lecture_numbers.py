"""The lecture's numbers, checked independently of the notebooks.

Sections 0 and 5 quote results the lecture printed: two cross-entropy losses, the
output shape and parameter count of ``test_CNN`` (and the 324 inputs of its
commented-out ``Linear``), and the 1,800 inputs of ``MultiModel``'s ``Linear``, which
section 5 computes with ``utils.conv_arithmetic.conv2d_output_size``.
If a PyTorch upgrade or an edit to a layer changes one of them, these tests say which.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torchsummary import summary

from utils.conv_arithmetic import conv2d_output_size

ROOT = Path(__file__).resolve().parents[1]

TARGETS = torch.tensor([0, 3])
GOOD_LOGITS = torch.tensor([[2.0, 0.1, 0.2, 0.4], [0.22, 0.7, 1.0, 4.0]])
BAD_LOGITS = torch.tensor([[0.1, 0.3, 3.0, 1.2], [3.1, 1.3, 0.9, 0.2]])


def lecture_test_cnn() -> nn.Sequential:
    """Return the lecture's test_CNN layers (without the commented-out Flatten and Linear)."""
    return nn.Sequential(
        nn.Conv2d(3, 8, (5, 5)), nn.ReLU(), nn.MaxPool2d((2, 2)),
        nn.Conv2d(8, 4, (3, 3)), nn.ReLU(), nn.MaxPool2d((3, 3)),
        nn.Dropout(0.2),
    )


def multimodel_cnn_branch() -> nn.Sequential:
    """Return the convolutional part of the lecture's MultiModel, up to its Flatten."""
    return nn.Sequential(
        nn.Conv2d(3, 16, (3, 3), stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 8, (5, 5), stride=2, padding=1), nn.ReLU(),
        nn.Flatten(),
    )


# --------------------------------------------------------------------------- section 0: cross-entropy

@pytest.mark.parametrize("logits, expected", [(GOOD_LOGITS, 0.2602), (BAD_LOGITS, 3.1694)],
                         ids=["good", "bad"])
def test_cross_entropy_of_the_lecture_logits_gives_the_lecture_loss(logits, expected):
    loss = nn.CrossEntropyLoss()(logits, TARGETS)
    assert loss.item() == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("logits", [GOOD_LOGITS, BAD_LOGITS], ids=["good", "bad"])
def test_cross_entropy_equals_log_softmax_then_nll(logits):
    built_in = nn.CrossEntropyLoss()(logits, TARGETS)
    log_probs = F.log_softmax(logits, dim=1)
    by_hand = -log_probs[torch.arange(len(TARGETS)), TARGETS].mean()
    assert torch.allclose(built_in, F.nll_loss(log_probs, TARGETS))
    assert torch.allclose(built_in, by_hand)


def test_softmax_before_cross_entropy_gives_a_different_flatter_loss():
    """The double-softmax bug: losses move towards log(4) and the good/bad gap shrinks."""
    loss = nn.CrossEntropyLoss()
    right = [loss(x, TARGETS).item() for x in (GOOD_LOGITS, BAD_LOGITS)]
    wrong = [loss(x.softmax(dim=1), TARGETS).item() for x in (GOOD_LOGITS, BAD_LOGITS)]
    assert wrong[0] > right[0] + 0.5 and wrong[1] < right[1] - 0.5
    assert wrong[1] - wrong[0] < (right[1] - right[0]) / 3


# --------------------------------------------------------------------------- section 0: test_CNN

def test_test_cnn_turns_a_64px_image_into_4x9x9():
    assert lecture_test_cnn()(torch.zeros(2, 3, 64, 64)).shape == (2, 4, 9, 9)


def test_test_cnn_has_900_parameters_also_in_torchsummary():
    model = lecture_test_cnn()
    stats = summary(model, (3, 64, 64), device="cpu", verbose=0)
    assert sum(p.numel() for p in model.parameters()) == 900
    assert stats.total_params == 900


def test_clarifications_notebook_shows_the_summary_table_once():
    """summary() prints the table and returns stats whose repr is the table again, so a cell must
    not end with a bare summary(...) expression, or Jupyter shows the table twice."""
    stats = summary(lecture_test_cnn(), (3, 64, 64), device="cpu", verbose=0)
    assert "Total params" in repr(stats)  # why the echo would repeat the table
    notebook = nbformat.read(ROOT / "lectures" / "00_clarifications.ipynb", as_version=4)
    calls = 0
    for cell in notebook.cells:
        if cell.cell_type != "code" or "summary(" not in cell.source:
            continue
        body = ast.parse("\n".join(line for line in cell.source.splitlines()
                                    if not line.lstrip().startswith(("%", "!")))).body
        calls += 1
        last = body[-1]
        echoed = (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
                  and getattr(last.value.func, "id", None) == "summary"
                  and not cell.source.rstrip().endswith(";"))
        assert not echoed, f"cell ends with a bare summary(...): the table would print twice\n{cell.source}"
    assert calls >= 1, "00_clarifications.ipynb no longer calls summary()"


def test_test_cnn_flattens_to_the_324_inputs_of_its_linear():
    model = nn.Sequential(lecture_test_cnn(), nn.Flatten(), nn.Linear(324, 128))
    assert nn.Flatten()(lecture_test_cnn()(torch.zeros(1, 3, 64, 64))).shape[1] == 324
    assert model(torch.zeros(2, 3, 64, 64)).shape == (2, 128)


# --------------------------------------------------------------------------- section 5: MultiModel

def test_multimodel_cnn_branch_flattens_a_64px_image_to_1800_features():
    assert multimodel_cnn_branch()(torch.zeros(2, 3, 64, 64)).shape == (2, 1800)


def test_multimodel_output_size_formula_gives_32_then_15():
    def out(size: int, k: int, s: int, p: int) -> int:
        return (size + 2 * p - k) // s + 1

    first = out(64, 3, 2, 1)
    second = out(first, 5, 2, 1)
    assert (first, second, 8 * second * second) == (32, 15, 1800)


def test_the_helper_section_5_uses_gives_the_same_32_then_15():
    first = conv2d_output_size(64, kernel_size=3, stride=2, padding=1)
    assert (first, conv2d_output_size(first, kernel_size=5, stride=2, padding=1)) == (32, 15)


def test_multi_input_notebook_uses_the_shared_output_size_helper():
    """One place for the formula: section 5 imports utils' helper instead of defining its own."""
    notebook = nbformat.read(ROOT / "lectures" / "05_multi_input_networks.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "from utils.conv_arithmetic import conv2d_output_size" in code
    assert "conv2d_output_size(IMAGE_SIZE" in code
    assert "def conv_output_size" not in code and "def conv2d_output_size" not in code


def test_multimodel_joins_image_and_table_into_one_number_per_example():
    cnn = nn.Sequential(multimodel_cnn_branch(), nn.Linear(1800, 5))
    fc = nn.Sequential(nn.Linear(10, 50), nn.ReLU(), nn.Linear(50, 5))
    multi = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 1))
    joined = torch.cat((cnn(torch.randn(4, 3, 64, 64)), fc(torch.randn(4, 10))), dim=1)
    assert joined.shape == (4, 10)
    assert multi(joined).shape == (4, 1)
