"""The gpu profile's speed features, exercised on the CPU so that they cannot rot before a GPU sees them.

- mixed precision: a DCGAN step under ``torch.autocast`` (bfloat16 on the CPU) trains and
  keeps the BCE losses outside autocast, where CUDA's autocast would refuse them;
- the GAN notebook uses cuDNN autotuning, autocast guarded by the device, data kept on the
  device (or pinned memory with non-blocking copies) and no ``.item()`` in its batch loop.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import re
from pathlib import Path

import nbformat
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]

from benchmarks.gan_steps import GanSetup, train_step  # noqa: E402
from utils.data import TensorBatches  # noqa: E402

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


# --------------------------------------------------------------------------- the GAN notebook

def _python(source: str) -> str:
    """Return a cell's source with IPython magics (``%pip``, ``!ls``) turned into ``pass``."""
    return re.sub(r"^(\s*)[%!].*$", r"\1pass", source, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def gan_cells() -> list[str]:
    assert GAN_NOTEBOOK.exists(), f"{GAN_NOTEBOOK} is missing"
    notebook = nbformat.read(GAN_NOTEBOOK, as_version=4)
    return [_python(c.source) for c in notebook.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def training_cell(gan_cells) -> str:
    """The DCGAN's training cell: the one that runs its steps under autocast."""
    cells = [c for c in gan_cells if "autocast" in c and "backward()" in c]
    assert len(cells) == 1, "expected exactly one DCGAN training cell using torch.autocast"
    return cells[0]


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    """Return the calls of a function or method called ``name`` in ``tree``."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and
            (getattr(node.func, "attr", None) == name or getattr(node.func, "id", None) == name)]


def _assignments(source: str) -> dict[str, str]:
    """Return the source of the value last assigned to each target (``torch.a.b`` or a name)."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                found[ast.unparse(target)] = ast.unparse(node.value)
    return found


def test_gan_notebook_turns_on_cudnn_autotuning_on_cuda(training_cell):
    value = _assignments(training_cell).get("torch.backends.cudnn.benchmark")
    assert value is not None, "the training cell never sets torch.backends.cudnn.benchmark"
    assert value != "False" and ("cuda" in value or value == "True"), value


def test_gan_notebook_uses_autocast_only_where_the_device_supports_it(training_cell):
    calls = _calls(ast.parse(training_cell), "autocast")
    assert calls, "no torch.autocast in the training cell"
    assignments = _assignments(training_cell)
    for call in calls:
        assert call.args and ast.unparse(call.args[0]) == "device.type", ast.unparse(call)
        enabled = next((k.value for k in call.keywords if k.arg == "enabled"), None)
        assert enabled is not None, f"{ast.unparse(call)}: autocast must be enabled by the device"
        guard = assignments.get(ast.unparse(enabled), ast.unparse(enabled))
        assert "device" in guard or "cuda" in guard, f"enabled={ast.unparse(enabled)} = {guard}"


def test_gan_notebook_keeps_the_faces_on_the_device_or_pins_memory(gan_cells):
    tree = ast.parse("\n".join(gan_cells))
    on_device = any(ast.unparse(k.value) == "device" for call in _calls(tree, "faces_tensor")
                    for k in call.keywords if k.arg == "device") and _calls(tree, "TensorBatches")
    pinned = any(k.arg == "pin_memory" and ast.unparse(k.value) != "False"
                 for call in _calls(tree, "DataLoader") for k in call.keywords) and any(
        k.arg == "non_blocking" for call in _calls(tree, "to") for k in call.keywords)
    assert on_device or pinned, ("the GAN trains from neither an on-device tensor "
                                 "(faces_tensor(device=device) + TensorBatches) nor pinned memory")


def test_gan_notebook_batch_loop_never_waits_for_the_device(training_cell):
    """No .item() (or .tolist(), .cpu(), .numpy()) per batch: each one stalls a GPU."""
    tree = ast.parse(training_cell)
    batch_loops = [inner for outer in ast.walk(tree) if isinstance(outer, ast.For)
                   for inner in ast.walk(outer) if isinstance(inner, ast.For) and inner is not outer
                   and _calls(inner, "backward")]
    assert batch_loops, "no batch loop (a for loop with backward() inside the epoch loop) found"
    for loop in batch_loops:
        for name in ("item", "tolist", "cpu", "numpy"):
            found = _calls(loop, name)
            assert not found, f"the batch loop calls .{name}(): {ast.unparse(found[0])}"


@pytest.mark.slow
def test_gan_notebook_training_cell_runs_with_bfloat16_autocast_on_cpu(gan_cells, training_cell,
                                                                       tmp_path, monkeypatch):
    """The notebook's own training code with mixed precision forced on the CPU: one step.

    The cells before it run as written (smoke sizes); then one epoch of one batch of 4,
    because bfloat16 convolutions are slow on CPUs without native bfloat16 support.
    """
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    monkeypatch.setenv("COURSE_RUNS", str(tmp_path))
    forced, count = re.subn(r"^use_amp = .*$", "use_amp = True", training_cell,
                            flags=re.MULTILINE)
    assert count == 1, "the training cell no longer sets use_amp in one line"
    namespace: dict = {}
    for cell in gan_cells[:gan_cells.index(training_cell)]:
        exec(compile(cell, "04_gans.ipynb", "exec"), namespace)
    namespace["criterion"] = NoAutocastBCE()
    namespace["sizes"] = dataclasses.replace(namespace["sizes"], epochs=1)
    namespace["batches"] = TensorBatches(namespace["images"][:4], 4, shuffle=False)
    seen: list[torch.dtype] = []
    namespace["netG"].register_forward_hook(lambda m, i, out: seen.append(out.dtype))
    weights = _parameters(namespace["netD"])
    exec(compile(forced, "04_gans.ipynb", "exec"), namespace)
    assert torch.bfloat16 in seen, "the generator never ran under bfloat16 autocast"
    history = namespace["history"]
    assert len(history["Loss_D"]) == namespace["sizes"].epochs
    assert all(math.isfinite(v) for v in history["Loss_D"] + history["Loss_G"])
    assert _changed(weights, namespace["netD"])
