"""The gpu profile's speed features, exercised on the CPU so that they cannot rot before a GPU sees them.

- mixed precision: a DCGAN step under ``torch.autocast`` (bfloat16 on the CPU) trains and
  keeps the BCE losses outside autocast, where CUDA's autocast would refuse them;
- the GAN notebook uses cuDNN autotuning, autocast guarded by the device, data kept on the
  device (or pinned memory with non-blocking copies) and no ``.item()`` in its batch loop.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is not an installed package, unlike utils/
    sys.path.insert(0, str(ROOT))

from benchmarks.gan_steps import GanSetup, train_step  # noqa: E402

GAN_NOTEBOOK = ROOT / "lectures" / "04_gans.ipynb"


# --------------------------------------------------------------------------- AMP on the CPU

class NoAutocastBCE(torch.nn.BCELoss):
    """BCELoss that fails, as CUDA's autocast does, when it is called inside autocast."""

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        assert not torch.is_autocast_enabled("cpu"), "BCELoss called inside autocast"
        assert input.dtype == torch.float32, f"BCELoss got {input.dtype} probabilities"
        return super().forward(input, target)


@pytest.fixture
def smoke_gan() -> GanSetup:
    torch.manual_seed(0)
    gan = GanSetup("smoke", device="cpu", batch_size=4)
    gan.criterion = NoAutocastBCE()
    return gan


def _parameters(model: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def _changed(before: list[torch.Tensor], model: torch.nn.Module) -> bool:
    return all(not torch.equal(b, p) for b, p in zip(before, model.parameters()))


def test_bfloat16_autocast_step_runs_the_models_in_bfloat16_and_trains_both(smoke_gan):
    seen: list[torch.dtype] = []
    smoke_gan.G.main[0].register_forward_hook(lambda m, i, out: seen.append(out.dtype))
    smoke_gan.D.main[0].register_forward_hook(lambda m, i, out: seen.append(out.dtype))
    g_before, d_before = _parameters(smoke_gan.G), _parameters(smoke_gan.D)
    loss_d, loss_g = train_step(smoke_gan, smoke_gan.real_batch(), amp_dtype=torch.bfloat16)
    assert seen and set(seen) == {torch.bfloat16}  # autocast really ran the convolutions
    assert torch.isfinite(loss_d) and torch.isfinite(loss_g)
    assert _changed(g_before, smoke_gan.G) and _changed(d_before, smoke_gan.D)
    assert all(p.dtype == torch.float32 for p in smoke_gan.G.parameters())  # master weights


def test_full_precision_step_runs_in_float32(smoke_gan):
    seen: list[torch.dtype] = []
    smoke_gan.G.main[0].register_forward_hook(lambda m, i, out: seen.append(out.dtype))
    loss_d, loss_g = train_step(smoke_gan, smoke_gan.real_batch())
    assert set(seen) == {torch.float32} and torch.isfinite(loss_d + loss_g)


def test_train_step_returns_tensors_so_the_loop_never_waits_for_the_device(smoke_gan):
    losses = train_step(smoke_gan, smoke_gan.real_batch(), amp_dtype=torch.bfloat16)
    assert all(isinstance(x, torch.Tensor) and not x.requires_grad for x in losses)


def test_the_discriminator_step_leaves_the_generator_without_gradients(smoke_gan):
    """detach(): the discriminator's loss must not reach the generator."""
    g_grads_at_d_step = []
    d_step = smoke_gan.opt_d.step

    def recording_step(*args, **kwargs):
        g_grads_at_d_step.append([p.grad for p in smoke_gan.G.parameters()])
        return d_step(*args, **kwargs)

    smoke_gan.opt_d.step = recording_step
    train_step(smoke_gan, smoke_gan.real_batch(), amp_dtype=torch.bfloat16)
    assert g_grads_at_d_step and all(g is None for g in g_grads_at_d_step[0])
