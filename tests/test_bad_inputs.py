"""Bad input anywhere in ``utils`` gives one kind of error naming function, argument, expected, got.

One table for the whole package. The rule (``utils/_checks.py``): TypeError for the wrong
kind, ValueError for the wrong value, and the message starts
``"{function}: {argument} must {expected}, got {received}"``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from utils import conv_arithmetic as ca
from utils import data, plotting, profiles, runtime, training

EIGHTS = np.random.default_rng(0).random((6, 1, 28, 28)).astype(np.float32)
NAN_EIGHTS = EIGHTS.copy()
NAN_EIGHTS[0, 0, 0, 0] = np.nan
GRID = np.zeros((4, 3, 8, 8))
X3, Y = np.zeros((5, 3)), np.zeros(5)
LAYER = nn.Linear(1, 1)
DIGIT_SHAPES = "(28, 28), (1, 28, 28) or (1, 1, 28, 28)"
ARRAY_OF = "a NumPy array or torch tensor of real numbers of shape"
FINITE = "be finite (no NaN or infinity), got"
LIST_OF = "be a non-empty list of arrays or tensors of shape"

# one row per case, so that the table reads as a table
# fmt: off
CASES = [
    # (function, argument, what is wrong, call, exception,
    #  the message after "{function}: {argument} must ")
    # ---- utils.plotting
    ("plot_scatter3D", "X", "2 features", lambda: plotting.plot_scatter3D(np.zeros((5, 2)), Y),
     ValueError, "have shape (N, 3), got (5, 2)"),
    ("plot_scatter3D", "X", "no rows",
     lambda: plotting.plot_scatter3D(np.zeros((0, 3)), np.zeros(0)),
     ValueError, "have shape (N, 3) with N >= 1, got (0, 3)"),
    ("plot_scatter3D", "X", "NaN", lambda: plotting.plot_scatter3D(np.full((5, 3), np.nan), Y),
     ValueError, f"{FINITE} 15 NaN or infinite value(s)"),
    ("plot_scatter3D", "X", "a string", lambda: plotting.plot_scatter3D("points", Y),
     TypeError, f"be {ARRAY_OF} (N, 3), got 'points'"),
    ("plot_scatter3D", "y", "too few labels", lambda: plotting.plot_scatter3D(X3, np.zeros(4)),
     ValueError, "be one label per row of X (5), got 4 labels"),
    ("plot_scatter3D", "y", "a column", lambda: plotting.plot_scatter3D(X3, np.zeros((5, 1))),
     ValueError, "have shape (N,), got (5, 1)"),
    ("plot_scatter3D", "y", "strings", lambda: plotting.plot_scatter3D(X3, ["a", "b"] * 2 + ["a"]),
     TypeError, f"be {ARRAY_OF} (N,), got ['a', 'b', 'a', 'b', 'a']"),
    ("plot_scatter2D", "X", "3 features", lambda: plotting.plot_scatter2D(X3, Y),
     ValueError, "have shape (N, 2), got (5, 3)"),
    ("plot_scatter2D", "X", "bools",
     lambda: plotting.plot_scatter2D(torch.zeros(5, 2, dtype=torch.bool), Y),
     TypeError, f"be {ARRAY_OF} (N, 2), got a torch.bool tensor"),
    ("plot_scatter2D", "X", "complex numbers",
     lambda: plotting.plot_scatter2D(np.ones((5, 2)) * 1j, Y),
     TypeError, f"be {ARRAY_OF} (N, 2), got a complex128 array"),
    ("plot_scatter2D", "X", "a bool array", lambda: plotting.plot_scatter2D(np.ones((5, 2), bool), Y),
     TypeError, f"be {ARRAY_OF} (N, 2), got a bool array"),
    ("plot_scatter2D", "y", "infinity",
     lambda: plotting.plot_scatter2D(np.zeros((5, 2)), np.array([0, 1, np.inf, 0, 1])),
     ValueError, f"{FINITE} 1 NaN or infinite value(s)"),
    ("plot_eights", "X", "too few", lambda: plotting.plot_eights(np.zeros((2, 28, 28)), n=3),
     ValueError, "have shape (N, 1, 28, 28) or (N, 28, 28) with N >= 3, got (2, 28, 28)"),
    ("plot_eights", "X", "28x20", lambda: plotting.plot_eights(EIGHTS[:, :, :, :20]),
     ValueError, "have shape (N, 1, 28, 28) or (N, 28, 28) with N >= 5, got (6, 1, 28, 20)"),
    ("plot_eights", "X", "3 channels", lambda: plotting.plot_eights(np.zeros((5, 3, 28, 28))),
     ValueError, "have shape (N, 1, 28, 28) or (N, 28, 28) with N >= 5, got (5, 3, 28, 28)"),
    ("plot_eights", "X", "NaN", lambda: plotting.plot_eights(NAN_EIGHTS),
     ValueError, f"{FINITE} 1 NaN or infinite value(s)"),
    ("plot_eights", "noise", "negative", lambda: plotting.plot_eights(EIGHTS, noise=-0.1),
     ValueError, "be a finite number >= 0, got -0.1"),
    ("plot_eights", "noise", "NaN", lambda: plotting.plot_eights(EIGHTS, noise=float("nan")),
     ValueError, "be a finite number >= 0, got nan"),
    ("plot_eights", "noise", "a string", lambda: plotting.plot_eights(EIGHTS, noise="0.5"),
     TypeError, "be a finite number >= 0, got '0.5'"),
    ("plot_eights", "n", "0", lambda: plotting.plot_eights(EIGHTS, n=0),
     ValueError, "be an int >= 1, got 0"),
    ("plot_eights", "n", "a float", lambda: plotting.plot_eights(EIGHTS, n=2.5),
     TypeError, "be an int >= 1, got 2.5"),
    ("plot_eights", "seed", "negative", lambda: plotting.plot_eights(EIGHTS, seed=-1),
     ValueError, "be an int >= 0, got -1"),
    ("plot_eight_pair", "input_8", "two images",
     lambda: plotting.plot_eight_pair(EIGHTS[:2], EIGHTS[0]),
     ValueError, f"have shape {DIGIT_SHAPES}, got (2, 1, 28, 28)"),
    ("plot_eight_pair", "input_8", "None", lambda: plotting.plot_eight_pair(None, EIGHTS[0]),
     TypeError, f"be {ARRAY_OF} {DIGIT_SHAPES}, got None"),
    ("plot_eight_pair", "output_8", "flat",
     lambda: plotting.plot_eight_pair(EIGHTS[0], np.zeros(784)),
     ValueError, f"have shape {DIGIT_SHAPES}, got (784,)"),
    ("plot_eight_pair", "output_8", "NaN",
     lambda: plotting.plot_eight_pair(EIGHTS[0], NAN_EIGHTS[0]),
     ValueError, f"{FINITE} 1 NaN or infinite value(s)"),
    ("plot_image_grid", "images", "no channel axis",
     lambda: plotting.plot_image_grid(np.zeros((3, 8, 8))),
     ValueError, "have shape (N, C, H, W) with C in {1, 3}, got (3, 8, 8)"),
    ("plot_image_grid", "images", "2 channels",
     lambda: plotting.plot_image_grid(np.zeros((3, 2, 8, 8))),
     ValueError, "have shape (N, C, H, W) with C in {1, 3}, got (3, 2, 8, 8)"),
    ("plot_image_grid", "images", "empty", lambda: plotting.plot_image_grid(np.zeros((0, 3, 8, 8))),
     ValueError, "have shape (N, C, H, W) with C in {1, 3} and N >= 1, got (0, 3, 8, 8)"),
    ("plot_image_grid", "images", "infinity",
     lambda: plotting.plot_image_grid(torch.full((2, 1, 4, 4), float("inf"))),
     ValueError, f"{FINITE} 32 NaN or infinite value(s)"),
    ("plot_image_grid", "nrow", "0", lambda: plotting.plot_image_grid(GRID, nrow=0),
     ValueError, "be an int >= 1, got 0"),
    ("plot_image_grid", "value_range", "reversed",
     lambda: plotting.plot_image_grid(GRID, value_range=(1.0, -1.0)),
     ValueError, "be (low, high) with low < high, got (1.0, -1.0)"),
    ("plot_image_grid", "value_range", "three numbers",
     lambda: plotting.plot_image_grid(GRID, value_range=(0, 1, 2)),
     ValueError, "have shape (low, high), got (3,)"),
    ("plot_image_grid", "ax", "a string", lambda: plotting.plot_image_grid(GRID, ax="left"),
     TypeError, "be None or a matplotlib Axes, got 'left'"),
    ("plot_image_grid", "dpi", "a string", lambda: plotting.plot_image_grid(GRID, dpi="high"),
     TypeError, "be an int >= 1, got 'high'"),
    ("plot_history", "history", "a list", lambda: plotting.plot_history([1.0, 2.0]),
     TypeError, "be a dict of name -> list of numbers, got [1.0, 2.0]"),
    ("plot_history", "history", "empty", lambda: plotting.plot_history({}),
     ValueError, "be a dict of at least one curve, got {}"),
    ("plot_history", "keys", "unknown", lambda: plotting.plot_history({"a": [1.0]}, keys=["b"]),
     ValueError, "be a non-empty list of names in history ['a'], got ['b']"),
    ("plot_history", "keys", "a string", lambda: plotting.plot_history({"a": [1.0]}, keys="a"),
     TypeError, "be None or a non-empty list of names in history ['a'], got 'a'"),
    ("plot_history", "keys", "a list in the list",
     lambda: plotting.plot_history({"a": [1.0]}, keys=[["a"]]),
     TypeError, "be a non-empty list of names in history ['a'], got [['a']]"),
    ("plot_history", "history['a']", "tensors of two values",
     lambda: plotting.plot_history({"a": [torch.ones(2), torch.ones(2)]}),
     TypeError, f"be {ARRAY_OF} (epochs,), got [tensor([1., 1.]), tensor([1., 1.])]"),
    ("plot_history", "history['a']", "NaN", lambda: plotting.plot_history({"a": [1.0, np.nan]}),
     ValueError, f"{FINITE} 1 NaN or infinite value(s)"),
    ("plot_history", "history['a']", "empty", lambda: plotting.plot_history({"a": []}),
     ValueError, "have shape (epochs,) with at least 1 value(s), got (0,)"),
    ("plot_history", "history['a']", "nested", lambda: plotting.plot_history({"a": [[1.0, 2.0]]}),
     ValueError, "have shape (epochs,), got (1, 2)"),
    ("animate_image_grids", "frames", "none", lambda: plotting.animate_image_grids([]),
     ValueError, f"{LIST_OF} (N, C, H, W) with C in {{1, 3}}, got []"),
    ("animate_image_grids", "frames", "one tensor",
     lambda: plotting.animate_image_grids(torch.zeros(2, 4, 3, 8, 8)),
     TypeError, f"{LIST_OF} (N, C, H, W) with C in {{1, 3}}, got tensor("),
    ("animate_image_grids", "frames[1]", "another shape",
     lambda: plotting.animate_image_grids([GRID, GRID[:2]]),
     ValueError, "have shape (4, 3, 8, 8) like frames[0], got (2, 3, 8, 8)"),
    ("animate_image_grids", "titles", "too few",
     lambda: plotting.animate_image_grids([GRID, GRID], titles=["one"]),
     ValueError, "be None or a list of 2 str (one per frame), got ['one']"),
    ("animate_image_grids", "interval", "0",
     lambda: plotting.animate_image_grids([GRID], interval=0),
     ValueError, "be an int >= 1, got 0"),
    ("animate_image_grids", "dpi", "0", lambda: plotting.animate_image_grids([GRID], dpi=0),
     ValueError, "be an int >= 1, got 0"),
    ("animate_image_grids", "dpi", "a float",
     lambda: plotting.animate_image_grids([GRID], dpi=72.5),
     TypeError, "be an int >= 1, got 72.5"),
    ("animate_denoising", "dpi", "negative",
     lambda: plotting.animate_denoising(EIGHTS, [EIGHTS], EIGHTS, dpi=-1),
     ValueError, "be an int >= 1, got -1"),
    ("animate_denoising", "clean", "fewer images",
     lambda: plotting.animate_denoising(EIGHTS, [EIGHTS], EIGHTS[:3]),
     ValueError, "have shape (6, 1, 28, 28) like noisy, got (3, 1, 28, 28)"),
    ("animate_denoising", "outputs", "none", lambda: plotting.animate_denoising(EIGHTS, [], EIGHTS),
     ValueError, f"{LIST_OF} (N, 1, 28, 28) or (N, 28, 28), got []"),
    ("animate_denoising", "outputs[1]", "NaN",
     lambda: plotting.animate_denoising(EIGHTS, [EIGHTS, NAN_EIGHTS], EIGHTS),
     ValueError, f"{FINITE} 1 NaN or infinite value(s)"),
    ("animate_denoising", "outputs[0]", "fewer images",
     lambda: plotting.animate_denoising(EIGHTS, [EIGHTS[:2]], EIGHTS),
     ValueError, "have shape (6, 1, 28, 28) like noisy, got (2, 1, 28, 28)"),
    # ---- utils.conv_arithmetic
    ("conv2d_output_size", "size", "a float", lambda: ca.conv2d_output_size(5.0, 3),
     TypeError, "be an int >= 1, got 5.0"),
    ("conv2d_output_size", "size", "0", lambda: ca.conv2d_output_size(0, 3),
     ValueError, "be an int >= 1, got 0"),
    ("conv2d_output_size", "size", "smaller than the kernel", lambda: ca.conv2d_output_size(2, 5),
     ValueError, "be >= 5 for an output size >= 1: the padded input must hold the kernel, 5 cells wide "
                 "with kernel_size=5, dilation=1 (padding=0), got 2"),
    ("conv2d_output_size", "kernel_size", "0", lambda: ca.conv2d_output_size(5, 0),
     ValueError, "be an int >= 1, got 0"),
    ("conv2d_output_size", "kernel_size", "a bool", lambda: ca.conv2d_output_size(5, True),
     TypeError, "be an int >= 1, got True"),
    ("conv2d_output_size", "stride", "0", lambda: ca.conv2d_output_size(5, 3, stride=0),
     ValueError, "be an int >= 1, got 0"),
    ("conv2d_output_size", "padding", "negative", lambda: ca.conv2d_output_size(5, 3, padding=-1),
     ValueError, "be an int >= 0, got -1"),
    ("conv2d_output_size", "padding", "a string", lambda: ca.conv2d_output_size(5, 3, padding="1"),
     TypeError, "be an int >= 0, got '1'"),
    ("conv2d_output_size", "dilation", "0", lambda: ca.conv2d_output_size(5, 3, dilation=0),
     ValueError, "be an int >= 1, got 0"),
    ("conv_transpose2d_output_size", "output_padding", "as large as the stride",
     lambda: ca.conv_transpose2d_output_size(3, 3, stride=2, output_padding=2),
     ValueError, "be smaller than stride or dilation (< 2 with stride=2, dilation=1), got 2"),
    ("conv_transpose2d_output_size", "output_padding", "negative",
     lambda: ca.conv_transpose2d_output_size(3, 3, output_padding=-1),
     ValueError, "be an int >= 0, got -1"),
    ("conv_transpose2d_output_size", "padding", "crops everything",
     lambda: ca.conv_transpose2d_output_size(1, 1, padding=1),
     ValueError, "be <= 0 for an output size >= 1: it crops 2 * padding cells from an uncropped "
                 "output of 1 (size=1, kernel_size=1, stride=1), got 1"),
    ("conv_transpose2d_output_size", "kernel_size", "a float",
     lambda: ca.conv_transpose2d_output_size(2, 2.5),
     TypeError, "be an int >= 1, got 2.5"),
    ("animate_convolution", "input_size", "0", lambda: ca.animate_convolution(0),
     ValueError, "be an int >= 1, got 0"),
    ("animate_convolution", "input_size", "smaller than the kernel",
     lambda: ca.animate_convolution(3, 5),
     ValueError, "be >= 5 for an output size >= 1"),
    ("animate_convolution", "input_size", "too many frames",
     lambda: ca.animate_convolution(12, 3, padding=1),
     ValueError, "be small enough for at most 64 frames (one per output cell, 144 here), got 12"),
    ("animate_convolution", "stride", "a float", lambda: ca.animate_convolution(5, 3, stride=1.5),
     TypeError, "be an int >= 1, got 1.5"),
    ("animate_transposed_convolution", "padding", "negative",
     lambda: ca.animate_transposed_convolution(2, 3, padding=-1),
     ValueError, "be an int >= 0, got -1"),
    ("animate_transposed_convolution", "padding", "crops everything",
     lambda: ca.animate_transposed_convolution(1, 1, padding=1),
     ValueError, "be <= 0 for an output size >= 1"),
    ("animate_transposed_convolution", "input_size", "too many frames",
     lambda: ca.animate_transposed_convolution(9, 3),
     ValueError, "be small enough for at most 64 frames (one per input cell, 81 here), got 9"),
    ("plot_transposed_convolution", "x", "3-D",
     lambda: ca.plot_transposed_convolution(np.ones((1, 2, 2)), np.ones((2, 2))),
     ValueError, "have shape (H, W) with H, W >= 1, got (1, 2, 2)"),
    ("plot_transposed_convolution", "x", "NaN",
     lambda: ca.plot_transposed_convolution(np.array([[1.0, np.nan]]), np.ones((2, 2))),
     ValueError, f"{FINITE} 1 NaN or infinite value(s)"),
    ("plot_transposed_convolution", "x", "a string",
     lambda: ca.plot_transposed_convolution("12", np.ones((2, 2))),
     TypeError, "be a 2-D NumPy array or torch tensor of numbers, got '12'"),
    ("plot_transposed_convolution", "x", "complex numbers",
     lambda: ca.plot_transposed_convolution(np.ones((2, 2)) * 1j, np.ones((2, 2))),
     TypeError, "be a 2-D NumPy array or torch tensor of numbers, got a complex128 array"),
    ("plot_transposed_convolution", "x", "too many cells",
     lambda: ca.plot_transposed_convolution(np.ones((5, 5)), np.ones((2, 2))),
     ValueError, "be a matrix of at most 16 cells (one panel each), got shape (5, 5)"),
    ("plot_transposed_convolution", "kernel", "empty",
     lambda: ca.plot_transposed_convolution(np.ones((2, 2)), np.ones((0, 2))),
     ValueError, "have shape (H, W) with H, W >= 1, got (0, 2)"),
    ("plot_transposed_convolution", "kernel", "bools",
     lambda: ca.plot_transposed_convolution(np.ones((2, 2)), torch.ones(2, 2, dtype=torch.bool)),
     TypeError, "be a 2-D NumPy array or torch tensor of numbers, got a torch.bool tensor"),
    ("plot_transposed_convolution", "stride", "0",
     lambda: ca.plot_transposed_convolution(np.ones((2, 2)), np.ones((2, 2)), stride=0),
     ValueError, "be an int >= 1, got 0"),
    ("plot_transposed_convolution", "padding", "crops everything",
     lambda: ca.plot_transposed_convolution(np.ones((1, 1)), np.ones((1, 1)), padding=1),
     ValueError, "be <= 0 for an output size >= 1: it crops 2 * padding cells from an uncropped "
                 "output of 1 (height of x=1, kernel_size=1, stride=1), got 1"),
    # ---- utils.runtime
    ("seed_everything", "seed", "negative", lambda: runtime.seed_everything(-3),
     ValueError, f"be an int between 0 and {2**64 - 1}, got -3"),
    ("seed_everything", "seed", "beyond torch's 64 bits",
     lambda: runtime.seed_everything(2**64),
     ValueError, f"be an int between 0 and {2**64 - 1}, got {2**64}"),
    ("seed_everything", "seed", "a float", lambda: runtime.seed_everything(1.5),
     TypeError, f"be an int between 0 and {2**64 - 1}, got 1.5"),
    ("seed_everything", "seed", "a string", lambda: runtime.seed_everything("0"),
     TypeError, f"be an int between 0 and {2**64 - 1}, got '0'"),
    ("seed_everything", "seed", "a bool", lambda: runtime.seed_everything(True),
     TypeError, f"be an int between 0 and {2**64 - 1}, got True"),
    # ---- utils.training
    ("Checkpoint", "name", "a path", lambda: training.Checkpoint("a/b", model=LAYER),
     ValueError, "be a plain folder name, got 'a/b'"),
    ("Checkpoint", "name", "a number", lambda: training.Checkpoint(3, model=LAYER),
     TypeError, "be a run name (str), got 3"),
    ("Checkpoint", "config", "a list",
     lambda: training.Checkpoint("run", config=[1, 2], model=LAYER),
     TypeError, "be None, a dataclass instance or a dict, got [1, 2]"),
    ("Checkpoint", "fresh", "a string",
     lambda: training.Checkpoint("run", fresh="yes", model=LAYER),
     TypeError, "be True or False, got 'yes'"),
    ("Checkpoint", "objects", "none", lambda: training.Checkpoint("run"),
     TypeError, "be at least one model, optimiser or generator, each passed by name (model=model), got {}"),
    ("Checkpoint", "thing", "no state",
     lambda: training.Checkpoint("run", model=LAYER, thing=object()),
     TypeError, "be a module, optimiser, scaler or torch.Generator, got <object object at"),
    ("Checkpoint.save", "epoch", "0", lambda: training.Checkpoint("run", model=LAYER).save(0, {}),
     ValueError, "be an int >= 1, got 0"),
    ("Checkpoint.save", "epoch", "a float",
     lambda: training.Checkpoint("run", model=LAYER).save(1.5, {}),
     TypeError, "be an int >= 1, got 1.5"),
    ("Checkpoint.save", "history", "a list",
     lambda: training.Checkpoint("run", model=LAYER).save(1, [1.0]),
     TypeError, "be a dict, got [1.0]"),
    ("Checkpoint.restore", "history", "a list",
     lambda: training.Checkpoint("run", model=LAYER).restore(history=[]),
     TypeError, "be None or a dict, got []"),

    # ==== Rows of the other modules go below, one block each; keep the row format above. ====
    # ---- utils.data
    ("mnist_root", "download", "a string", lambda: data.mnist_root(download="yes"),
     TypeError, "be True or False, got 'yes'"),
    ("mnist_root", "timeout", "0", lambda: data.mnist_root(timeout=0),
     ValueError, "be a finite number > 0, got 0"),
    ("mnist_root", "timeout", "a string", lambda: data.mnist_root(timeout="5"),
     TypeError, "be a finite number > 0, got '5'"),
    ("faces_root", "verbose", "a string", lambda: data.faces_root(verbose="no"),
     TypeError, "be True or False, got 'no'"),
    ("runs_dir", "name", "a path", lambda: data.runs_dir("a/b"),
     ValueError, "be a plain folder name (no '/', no leading '.'), got 'a/b'"),
    ("runs_dir", "name", "a number", lambda: data.runs_dir(3),
     TypeError, "be a str, got 3"),

    # ---- utils.profiles
    ("get_profile", "name", "an unknown profile",
     lambda: profiles.get_profile("huge", verbose=False),
     ValueError, "be one of 'smoke', 'cpu', 'gpu', got 'huge'"),
    ("get_profile", "name", "a number", lambda: profiles.get_profile(3, verbose=False),
     TypeError, "be one of 'smoke', 'cpu', 'gpu', got 3"),
    ("get_profile", "name", "a list", lambda: profiles.get_profile([], verbose=False),
     TypeError, "be one of 'smoke', 'cpu', 'gpu', got []"),
    ("DenoiserSizes.epochs_for", "n_images", "no 8s",
     lambda: profiles.PROFILES["cpu"].denoiser.epochs_for(0),
     ValueError, "be an int >= 1, got 0"),
    ("DenoiserSizes.epochs_for", "n_images", "a float",
     lambda: profiles.PROFILES["cpu"].denoiser.epochs_for(400.0),
     TypeError, "be an int >= 1, got 400.0"),

]
# fmt: on


@pytest.fixture(autouse=True)
def runs_elsewhere(tmp_path, monkeypatch):
    """Keep the checkpoint folders of these calls out of the repository (none should be written)."""
    monkeypatch.setenv("COURSE_RUNS", str(tmp_path))


@pytest.mark.parametrize(
    "function, argument, wrong, call, error, text",
    CASES,
    ids=[f"{case[0]}-{case[1]}-{case[2]}" for case in CASES],
)
def test_bad_input_raises_one_exception_naming_function_argument_expected_and_got(
    function, argument, wrong, call, error, text
):
    with pytest.raises(Exception) as info:
        call()
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    assert message.startswith(f"{function}: {argument} must {text}"), message
    assert ", got " in message


@pytest.mark.parametrize(
    "variable, value, caller, expected",
    [
        (
            "COURSE_PROFILE",
            "fast",
            runtime.get_profile_name,
            "one of 'smoke', 'cpu', 'gpu', got 'fast'",
        ),
        (
            "COURSE_DEVICE",
            "gpu0",
            runtime.get_device,
            "one of cuda, mps, cpu (optionally cuda:N), got 'gpu0'",
        ),
        (
            "COURSE_DEVICE",
            "cpu:abc",
            runtime.get_device,
            "one of cuda, mps, cpu (optionally cuda:N), got 'cpu:abc'",
        ),
        (
            "COURSE_DEVICE",
            "cuda:",
            runtime.get_device,
            "one of cuda, mps, cpu (optionally cuda:N), got 'cuda:'",
        ),
    ],
)
def test_bad_environment_variables_are_named(
    monkeypatch, variable, value, caller, expected
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError) as info:
        caller()
    assert str(info.value) == f"{caller.__name__}: {variable} must be {expected}"
