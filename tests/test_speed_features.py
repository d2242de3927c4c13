"""The gpu profile's speed features, exercised on the CPU so that they cannot rot before a GPU sees them.

Everything runs notebook 04's own code (its tagged cells, through
``notebook_code``): the two training phases under bfloat16 autocast, the
discriminator's float32 sigmoid, the detached fakes, and a training loop that waits for
the device once per epoch, not once per batch. (The face pipelines that the benchmark
compares are tested in test_benchmarks.py.)
"""

from __future__ import annotations

import dataclasses
import math
import sys

import pytest
import torch
from notebook_code import GANS, code_cells, definitions, run_source
from torch.utils.data import DataLoader, TensorDataset

from benchmarks.gan_steps import GanSetup
from utils.profiles import PROFILES

SMOKE = dataclasses.replace(PROFILES["smoke"].gan, batch_size=4)
NOTEBOOK_CODE = "04_gans"  # how the cells run here are labelled (see definitions)


class NoAutocastBCE(torch.nn.BCELoss):
    """BCELoss that fails, as CUDA's autocast does, when it is called inside autocast."""

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        assert not torch.is_autocast_enabled("cpu"), "BCELoss called inside autocast"
        assert input.dtype == torch.float32, f"BCELoss got {input.dtype} probabilities"
        return super().forward(input, target)


def smoke_gan(use_amp: bool) -> GanSetup:
    torch.manual_seed(0)
    gan = GanSetup(SMOKE, device="cpu", use_amp=use_amp)
    gan.namespace["criterion"] = NoAutocastBCE()
    return gan


def parameters(model: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def all_changed(before: list[torch.Tensor], model: torch.nn.Module) -> bool:
    return all(not torch.equal(b, p) for b, p in zip(before, model.parameters()))


def test_bfloat16_autocast_step_runs_the_models_in_bfloat16_and_trains_both():
    gan = smoke_gan(use_amp=True)
    netG, netD = gan.namespace["netG"], gan.namespace["netD"]
    seen: list[torch.dtype] = []
    netG.main[0].register_forward_hook(lambda m, i, out: seen.append(out.dtype))
    netD.main[0].register_forward_hook(lambda m, i, out: seen.append(out.dtype))
    g_before, d_before = parameters(netG), parameters(netD)
    loss_d, loss_g = gan.train_step(gan.real_batch())
    assert seen and set(seen) == {
        torch.bfloat16
    }  # autocast really ran the convolutions
    assert torch.isfinite(loss_d) and torch.isfinite(loss_g)
    assert all_changed(g_before, netG) and all_changed(d_before, netD)
    assert all(p.dtype == torch.float32 for p in netG.parameters())  # master weights


def test_without_autocast_the_step_runs_in_float32():
    gan = smoke_gan(use_amp=False)
    seen: list[torch.dtype] = []
    gan.namespace["netG"].main[0].register_forward_hook(
        lambda m, i, out: seen.append(out.dtype)
    )
    loss_d, loss_g = gan.train_step(gan.real_batch())
    assert set(seen) == {torch.float32} and torch.isfinite(loss_d + loss_g)


def test_the_phases_return_tensors_so_the_loop_need_not_wait_for_the_device():
    gan = smoke_gan(use_amp=True)
    fake, loss_d, d_real, d_fake = gan.namespace["discriminator_step"](gan.real_batch())
    loss_g = gan.namespace["generator_step"](fake)
    assert all(isinstance(x, torch.Tensor) for x in (loss_d, d_real, d_fake, loss_g))


def test_the_discriminator_step_leaves_the_generator_without_gradients():
    """detach(): the discriminator's loss must not reach the generator."""
    gan = smoke_gan(use_amp=True)
    gan.namespace["discriminator_step"](gan.real_batch())
    assert all(p.grad is None for p in gan.namespace["netG"].parameters())
    assert all(p.grad is not None for p in gan.namespace["netD"].parameters())


def test_the_generator_step_updates_only_the_generator():
    gan = smoke_gan(use_amp=False)
    fake, *_ = gan.namespace["discriminator_step"](gan.real_batch())
    d_before = parameters(gan.namespace["netD"])
    gan.namespace["generator_step"](fake)
    assert all(
        torch.equal(b, p) for b, p in zip(d_before, gan.namespace["netD"].parameters())
    )


@torch.no_grad()
def test_discriminator_keeps_confident_probabilities_below_one_under_bfloat16_autocast():
    netD = definitions(GANS, "dcgan-definitions")["Discriminator"](8, 16).eval()
    torch.manual_seed(0)
    x = torch.randn(1, 3, 16, 16)
    last_conv = netD.main[-2]
    last_conv.bias.zero_()
    last_conv.weight *= 7.0 / netD.main(x).item()  # a score of about 7: p = 0.9991
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert (
            netD.main(x).dtype == torch.bfloat16
        )  # the convolutions do run in bfloat16
        p = netD(x)
    assert p.dtype == torch.float32
    assert 0.998 < p.item() < 1.0  # in bfloat16 the sigmoid would round it to exactly 1


# --------------------------------------------------------------------------- the training cell


class SyncCounter:
    """Counts the notebook code's calls that make the host wait for the device.

    ``.item()``, ``float()`` and ``.tolist()`` called from a notebook cell count (on a GPU
    each one waits for the queued batches); PyTorch's own calls, such as Adam's on its
    CPU step counter, do not.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        for name in ("item", "__float__", "tolist"):
            original = getattr(torch.Tensor, name)
            monkeypatch.setattr(torch.Tensor, name, self._counting(original))

    def _counting(self, original):
        def wrapper(tensor, *args, **kwargs):
            if sys._getframe(1).f_code.co_filename.startswith(NOTEBOOK_CODE):
                self.count += 1
            return original(tensor, *args, **kwargs)

        return wrapper


def run_training_cell(n_batches: int, tmp_path, monkeypatch) -> tuple[dict, int]:
    """Run the set-up cell, the DCGAN cells and the training cell for one smoke epoch."""
    monkeypatch.setenv("COURSE_RUNS", str(tmp_path / f"runs-{n_batches}"))
    cells = code_cells(GANS)
    namespace: dict = {"__name__": "notebook:04_gans"}
    run_source(cells[0].source, namespace, f"{NOTEBOOK_CODE}: set-up cell")
    namespace.update(
        sizes=dataclasses.replace(SMOKE, epochs=1), device=torch.device("cpu")
    )
    definitions(
        GANS, ("dcgan-definitions", "dcgan-build", "dcgan-optimisers"), namespace
    )
    images = torch.rand(n_batches * SMOKE.batch_size, 3, 16, 16) * 2 - 1
    namespace["train_loader"] = DataLoader(
        TensorDataset(images), batch_size=SMOKE.batch_size, shuffle=True
    )
    training = [
        c.source for c in cells if "dcgan-training" in c.metadata.get("tags", [])
    ]
    counter = SyncCounter(monkeypatch)
    run_source(training[0], namespace, f"{NOTEBOOK_CODE}: training cell")
    return namespace, counter.count


@pytest.mark.slow
def test_the_training_cell_waits_for_the_device_per_epoch_not_per_batch(
    tmp_path, monkeypatch
):
    few, few_waits = run_training_cell(2, tmp_path, monkeypatch)
    many, many_waits = run_training_cell(6, tmp_path, monkeypatch)
    assert many_waits == few_waits, "the number of waits grows with the batches"
    history = many["history"]
    assert len(history["Loss_D"]) == 1
    assert all(
        math.isfinite(history[k][0]) for k in ("Loss_D", "Loss_G", "D_real", "D_fake")
    )


@pytest.mark.slow
def test_on_a_cpu_the_training_cell_leaves_autocast_and_cudnn_autotuning_off(
    tmp_path, monkeypatch
):
    namespace, _ = run_training_cell(1, tmp_path, monkeypatch)
    assert namespace["use_amp"] is False
    assert torch.backends.cudnn.benchmark is False
