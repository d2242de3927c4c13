"""The device, profile and seed helpers."""

from __future__ import annotations

import os
import platform
import random
import re
import subprocess
import sys
from dataclasses import fields

import numpy as np
import pytest
import torch

from utils import runtime
from utils.profiles import PROFILES, get_profile
from utils.runtime import (
    get_device,
    get_profile_name,
    seed_everything,
)


@pytest.fixture
def no_gpu(monkeypatch):
    """Pretend there is neither CUDA nor MPS."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(runtime, "_mps_available", lambda: False)
    monkeypatch.delenv("COURSE_DEVICE", raising=False)


def test_device_falls_back_to_cpu_and_says_how_to_get_a_gpu(no_gpu, capsys):
    assert get_device() == torch.device("cpu")
    assert "no GPU found" in capsys.readouterr().out


def test_device_prefers_cuda_and_does_not_overwrite_it_with_mps(
    no_gpu, monkeypatch, capsys
):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: "Fake T4")
    monkeypatch.setattr(runtime, "_mps_available", lambda: True)
    assert get_device() == torch.device("cuda")
    assert "Fake T4" in capsys.readouterr().out


def test_device_uses_mps_when_there_is_no_cuda(no_gpu, monkeypatch):
    monkeypatch.setattr(runtime, "_mps_available", lambda: True)
    assert get_device(verbose=False) == torch.device("mps")


def test_course_device_overrides_the_choice(no_gpu, monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")
    assert "COURSE_DEVICE" in capsys.readouterr().out


@pytest.mark.parametrize(
    "value, message",
    [
        ("cuda", "no CUDA device is available"),
        ("cuda:0", "no CUDA device is available"),
        ("mps", "no MPS device is available"),
    ],
)
def test_bad_course_device_names_the_variable(no_gpu, monkeypatch, value, message):
    monkeypatch.setenv("COURSE_DEVICE", value)
    with pytest.raises(ValueError, match=message):
        get_device()


def test_a_cuda_index_this_machine_lacks_is_refused_with_the_ones_it_has(
    no_gpu, monkeypatch
):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setenv("COURSE_DEVICE", "cuda:1")
    assert get_device(verbose=False) == torch.device("cuda:1")
    monkeypatch.setenv("COURSE_DEVICE", "cuda:2")
    with pytest.raises(
        ValueError, match=r"2 CUDA devices, cuda:0 to cuda:1; .*got 'cuda:2'"
    ):
        get_device()


def test_profile_follows_the_device_when_unset(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert get_profile_name(torch.device("cpu")) == "cpu"
    assert get_profile_name(torch.device("cuda")) == "gpu"
    assert get_profile_name(torch.device("mps")) == "gpu"


def test_course_profile_overrides_the_device(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    assert get_profile_name(torch.device("cuda")) == "smoke"
    assert get_profile(verbose=False).name == "smoke"


def test_profiles_grow_from_smoke_to_gpu():
    smoke, cpu, gpu = (PROFILES[n] for n in ("smoke", "cpu", "gpu"))
    assert smoke.gan.image_size <= cpu.gan.image_size <= gpu.gan.image_size
    assert smoke.denoiser.epochs <= cpu.denoiser.epochs <= gpu.denoiser.epochs
    assert (
        smoke.multi_input.n_train <= cpu.multi_input.n_train <= gpu.multi_input.n_train
    )


def test_seed_everything_makes_every_generator_repeat():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    seed_everything(7)
    first = draw()
    seed_everything(7)
    assert draw() == first
    assert seed_everything(7) is None  # a notebook's set-up cell displays nothing


def test_sizes_show_as_a_table_with_every_field():
    sizes = PROFILES["gpu"].gan
    html, text = sizes._repr_html_(), str(sizes)
    assert html.startswith("<table>")
    for field in fields(sizes):
        assert (
            f"<code>{field.name}</code></td><td>{getattr(sizes, field.name)}</td>"
            in html
        )
        assert re.search(
            rf"\n  {field.name} +{re.escape(str(getattr(sizes, field.name)))}", text
        )


# A fresh Python: mallopt changes the whole process. A training step allocates and frees
# activations of several sizes (1.6 MB for 16 images of 32x28x28); by default the kernel
# maps new zeroed pages for them every step (minor page faults), unless freed memory is
# reused. (One size alone would not show it: glibc adapts its threshold to a single size.)
FAULTS_SCRIPT = """
import resource, torch
from torch import nn
from utils.runtime import reuse_freed_memory
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.ConvTranspose2d(32, 32, 2, stride=2), nn.ReLU(), nn.Conv2d(32, 1, 3, padding=1),
)
x = torch.rand(16, 1, 28, 28)
def step():  # plain SGD by hand: a torch.optim optimizer imports torch._dynamo (2.6 s)
    model.zero_grad()
    ((model(x) - x) ** 2).mean().backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= 1e-3 * p.grad
def faults_of_20_steps():
    for _ in range(5):
        step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        step()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
by_default = faults_of_20_steps()
took = reuse_freed_memory()
print(by_default, took, faults_of_20_steps())
"""


def count_page_faults() -> subprocess.CompletedProcess:
    """Run FAULTS_SCRIPT in a fresh Python (mallopt's settings last for the process)."""
    return subprocess.run(
        [sys.executable, "-c", FAULTS_SCRIPT],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        text=True,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="mallopt is glibc's",
)
def test_reusing_freed_memory_stops_the_page_faults_of_each_training_step():
    by_default, took, after = count_page_faults().stdout.split()
    assert took == "True"
    assert int(by_default) >= 20 * 400  # more than a 1.6 MB tensor's pages a step
    assert int(after) < int(by_default) / 10


def test_reusing_freed_memory_changes_nothing_off_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert runtime.reuse_freed_memory() is False
