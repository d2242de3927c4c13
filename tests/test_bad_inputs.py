"""Bad input anywhere in ``utils`` gives a clear error naming the argument, the expected and the received.

One table for the whole package; each module's own tests cover its details.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from utils import conv_arithmetic as ca
from utils import data, gan, plotting, profiles, runtime, training

NAN_EIGHTS = torch.full((6, 1, 28, 28), float("nan"))
GOOD_EIGHTS = torch.rand(6, 1, 28, 28)
X3 = np.random.rand(10, 3)
Y10 = np.arange(10) % 2

CASES = [
    # (call, exception, pattern the message must match)
    ("plot_scatter3D: 2 features", lambda: plotting.plot_scatter3D(np.zeros((10, 2)), Y10), ValueError, r"X must have shape \(N, 3\)"),
    ("plot_scatter3D: X/y lengths", lambda: plotting.plot_scatter3D(X3, Y10[:7]), ValueError, r"y"),
    ("plot_scatter3D: NaN", lambda: plotting.plot_scatter3D(np.full((10, 3), np.nan), Y10), ValueError, r"X must hold only finite values"),
    ("plot_scatter3D: string", lambda: plotting.plot_scatter3D("abc", Y10), TypeError, r"X must be"),
    ("plot_scatter2D: 3 features", lambda: plotting.plot_scatter2D(X3, Y10), ValueError, r"X must have shape \(N, 2\)"),
    ("plot_scatter2D: empty", lambda: plotting.plot_scatter2D(np.zeros((0, 2)), np.zeros(0)), ValueError, r"X must have shape"),
    ("plot_eights: too few", lambda: plotting.plot_eights(torch.rand(2, 28, 28)), ValueError, r"plot_eights: X must have shape .* got \(2, 28, 28\)"),
    ("plot_eights: wrong size", lambda: plotting.plot_eights(torch.rand(5, 1, 32, 32)), ValueError, r"plot_eights: X must have shape"),
    ("plot_eights: NaN", lambda: plotting.plot_eights(NAN_EIGHTS), ValueError, r"X must hold only finite values"),
    ("plot_eights: negative noise", lambda: plotting.plot_eights(GOOD_EIGHTS, noise=-1), ValueError, r"noise"),
    ("plot_eight_pair: 3 channels", lambda: plotting.plot_eight_pair(torch.rand(3, 28, 28), torch.rand(3, 28, 28)), ValueError, r"input_8 must have shape"),
    ("plot_eight_pair: output NaN", lambda: plotting.plot_eight_pair(torch.rand(28, 28), torch.full((28, 28), float("inf"))), ValueError, r"output_8 must hold only finite"),
    ("plot_image_grid: 2 channels", lambda: plotting.plot_image_grid(torch.rand(4, 2, 8, 8)), ValueError, r"images must have shape"),
    ("plot_image_grid: empty", lambda: plotting.plot_image_grid(torch.rand(0, 3, 8, 8)), ValueError, r"images must have shape"),
    ("plot_image_grid: bad range", lambda: plotting.plot_image_grid(torch.rand(4, 3, 8, 8), value_range=(1, 0)), ValueError, r"value_range"),
    ("plot_image_grid: nrow 0", lambda: plotting.plot_image_grid(torch.rand(4, 3, 8, 8), nrow=0), ValueError, r"nrow"),
    ("plot_history: not a dict", lambda: plotting.plot_history([1.0, 2.0]), TypeError, r"history must be a dict"),
    ("plot_history: unknown key", lambda: plotting.plot_history({"loss": [1.0, 0.5]}, keys=["acc"]), ValueError, r"acc"),
    ("plot_history: NaN loss", lambda: plotting.plot_history({"loss": [1.0, float("nan")]}), ValueError, r"finite"),
    ("animate_image_grids: no frames", lambda: plotting.animate_image_grids([]), ValueError, r"frames"),
    ("animate_denoising: ragged outputs", lambda: plotting.animate_denoising(torch.rand(3, 1, 28, 28), [torch.rand(2, 1, 28, 28)], torch.rand(3, 1, 28, 28)), ValueError, r"outputs"),
    ("conv2d_output_size: kernel 0", lambda: ca.conv2d_output_size(5, 0), ValueError, r"kernel_size"),
    ("conv2d_output_size: stride 0", lambda: ca.conv2d_output_size(5, 3, stride=0), ValueError, r"stride"),
    ("conv2d_output_size: float size", lambda: ca.conv2d_output_size(5.5, 3), (TypeError, ValueError), r"size"),
    ("conv2d_output_size: kernel too big", lambda: ca.conv2d_output_size(2, 5), ValueError, r"kernel|size"),
    ("conv_transpose2d_output_size: output_padding", lambda: ca.conv_transpose2d_output_size(4, 3, stride=2, output_padding=2), ValueError, r"output_padding"),
    ("conv_transpose2d_output_size: negative padding", lambda: ca.conv_transpose2d_output_size(4, 3, padding=-1), ValueError, r"padding"),
    ("animate_convolution: padding", lambda: ca.animate_convolution(padding=-1), ValueError, r"padding"),
    ("plot_transposed_convolution: 3-D kernel", lambda: ca.plot_transposed_convolution(torch.ones(2, 2), torch.ones(1, 2, 2)), ValueError, r"kernel"),
    ("Generator: image size not a power of two", lambda: gan.Generator(16, 8, 48), ValueError, r"image_size"),
    ("Discriminator: width 0", lambda: gan.Discriminator(0, 64), ValueError, r"width"),
    ("seed_everything: negative", lambda: runtime.seed_everything(-3), ValueError, r"seed must be a non-negative int, got -3"),
    ("get_profile: unknown", lambda: profiles.get_profile("tiny", verbose=False), ValueError, r"profile must be one of smoke, cpu, gpu, got 'tiny'"),
    ("digit_images: digit 11", lambda: data.digit_images(None, 11), ValueError, r"digit must be an int from 0 to 9, got 11"),
    ("faces_tensor: image size 2", lambda: data.faces_tensor(2), ValueError, r"image_size must be an int >= 4, got 2"),
    ("TensorBatches: batch 0", lambda: data.TensorBatches(torch.zeros(3), 0), ValueError, r"batch_size must be an int >= 1, got 0"),
    ("runs_dir: path", lambda: data.runs_dir("a/b"), ValueError, r"name must be a plain folder name, got 'a/b'"),
    ("Checkpoint.save: epoch 0", lambda: training.Checkpoint("/nonexistent-never-written").save(0, {}), ValueError, r"epoch must be an int >= 1, got 0"),
    ("Checkpoint.save: unsaveable object", lambda: training.Checkpoint("/nonexistent-never-written").save(1, {}, thing=object()), TypeError, r"got object"),
]


def test_the_table_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("name, call, error, pattern", CASES, ids=[case[0] for case in CASES])
def test_bad_input_raises_a_clear_error(name, call, error, pattern):
    with pytest.raises(error, match=pattern) as info:
        call()
    message = str(info.value)
    assert "got" in message or "expected" in message or "must" in message, message


@pytest.mark.parametrize("variable, value, pattern", [
    ("COURSE_PROFILE", "fast", r"COURSE_PROFILE must be one of smoke, cpu, gpu, got 'fast'"),
    ("COURSE_DEVICE", "gpu0", r"COURSE_DEVICE must be one of cuda, mps, cpu .*got 'gpu0'"),
])
def test_bad_environment_variables_are_named(monkeypatch, variable, value, pattern):
    monkeypatch.setenv(variable, value)
    call = runtime.get_profile_name if variable == "COURSE_PROFILE" else runtime.get_device
    with pytest.raises(ValueError, match=pattern):
        call()
