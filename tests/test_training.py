"""Checkpoints: a killed run resumes bit-exactly; damage is never loaded; new settings start fresh."""

from __future__ import annotations

import io
import random
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from utils import training
from utils.data import display_path
from utils.runtime import seed_everything
from utils.training import Checkpoint


@dataclass(frozen=True)
class Sizes:
    """The configuration of the tiny test run, standing in for a profile's sizes."""

    epochs: int = 5
    batch_size: int = 8
    hidden: int = 16
    learning_rate: float = 1e-2


SIZES = Sizes()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Run the tiny models on one thread, with checkpoints under ``tmp_path`` at profile smoke."""
    monkeypatch.setenv("COURSE_RUNS", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    threads = torch.get_num_threads()
    # on a busy 2-core machine, two threads make them 100x slower
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class Killed(Exception):
    """Stands in for a session that dies in the middle of an epoch."""


def make_run(seed: int, sizes: Sizes = SIZES) -> dict:
    """Return a tiny model, its optimiser and a seeded shuffling generator, built after seeding."""
    seed_everything(seed, verbose=False)
    model = nn.Sequential(
        nn.Linear(4, sizes.hidden),
        nn.BatchNorm1d(sizes.hidden),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.Linear(sizes.hidden, 1),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=sizes.learning_rate)
    return {
        "model": model,
        "optimizer": optimizer,
        "shuffler": torch.Generator().manual_seed(seed),
    }


def train(
    name: str, seed: int, kill_in_epoch: int | None = None, sizes: Sizes = SIZES
) -> tuple[dict, dict]:
    """Train to ``sizes.epochs``, resuming run ``name``; raise Killed midway in ``kill_in_epoch``.

    Every source of randomness is used: the shuffling generator, torch's global RNG
    (dropout, noise), NumPy's and Python's (a jitter on the loss).
    """
    run = make_run(seed, sizes)
    model, optimizer = run["model"], run["optimizer"]
    # 40 rows: 4 inputs and 1 target
    data = torch.linspace(-1, 1, 40 * 5).reshape(40, 5)
    loader = DataLoader(
        TensorDataset(data),
        batch_size=sizes.batch_size,
        shuffle=True,
        generator=run["shuffler"],
    )
    ckpt = Checkpoint(name, config=sizes, **run)
    start, history = ckpt.restore(history={"loss": [], "samples": []})
    for epoch in range(start + 1, sizes.epochs + 1):
        total = torch.zeros(())
        for i, (batch,) in enumerate(loader):
            if epoch == kill_in_epoch and i == 2:
                raise Killed
            x = batch[:, :4] + 0.1 * torch.randn(len(batch), 4)
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(x), batch[:, 4:])
            loss = loss * (1 + 0.01 * float(np.random.rand()) + 0.01 * random.random())
            loss.backward()
            optimizer.step()
            total += loss.detach()
        history["loss"].append(total.item())
        history["samples"].append(
            (model[0].weight[:2] * 100).round().clamp(0, 255).to(torch.uint8)
        )
        ckpt.save(epoch, history)
    return model.state_dict(), history


def assert_same_run(
    a: tuple[dict, dict], b: tuple[dict, dict], epochs: int = SIZES.epochs
) -> None:
    """Assert two runs ended with bit-identical weights, buffers and history."""
    (weights_a, history_a), (weights_b, history_b) = a, b
    assert weights_a.keys() == weights_b.keys()
    for name in weights_a:
        assert torch.equal(weights_a[name], weights_b[name]), name
    assert history_a["loss"] == history_b["loss"]
    assert len(history_a["samples"]) == len(history_b["samples"]) == epochs
    for sample_a, sample_b in zip(history_a["samples"], history_b["samples"]):
        assert torch.equal(sample_a, sample_b)


def weights(run: dict) -> dict:
    """Return a copy of the run's model weights."""
    return {k: v.clone() for k, v in run["model"].state_dict().items()}


def unchanged(run: dict, before: dict) -> bool:
    """Return True when the run's model still holds the weights ``before``."""
    return all(torch.equal(before[k], v) for k, v in run["model"].state_dict().items())


def folder(name: str = "run") -> Path:
    """Return the folder of run ``name`` at the current profile."""
    return Checkpoint(name, model=nn.Linear(1, 1)).folder


def shown(name: str = "run") -> str:
    """Return the folder of run ``name`` as the messages write it."""
    return display_path(folder(name))


# --------------------------------------------------------------------------- resuming


@pytest.mark.parametrize("killed_after", [1, 3])
def test_run_killed_after_epoch_k_and_resumed_matches_an_uninterrupted_run(
    killed_after,
):
    uninterrupted = train("straight", seed=0)
    with pytest.raises(Killed):
        train("killed", seed=0, kill_in_epoch=killed_after + 1)
    # A new session: new objects, other seeds; everything must come back from the checkpoint.
    resumed = train("killed", seed=123)
    assert_same_run(uninterrupted, resumed)


def test_resuming_a_finished_run_with_equal_settings_returns_its_history_without_training(
    capsys,
):
    finished = train("run", seed=0)
    capsys.readouterr()
    again = train("run", seed=7, sizes=Sizes())  # a new but equal configuration object
    assert_same_run(finished, again)
    out = capsys.readouterr().out
    assert out.startswith(f"Resumed after epoch {SIZES.epochs} from ")
    assert out.count("\n") == 1


def test_objects_are_named_once_and_every_one_is_saved_and_restored():
    run = make_run(0)
    Checkpoint("run", config=SIZES, **run).save(1, {"loss": [1.0]})
    payload = torch.load(folder() / "epoch-0001.pt", weights_only=True)
    assert set(payload["states"]) == set(run)
    other = make_run(9)
    assert Checkpoint("run", config=SIZES, **other).restore() == (1, {"loss": [1.0]})
    assert unchanged(other, weights(run))
    assert torch.equal(other["shuffler"].get_state(), run["shuffler"].get_state())
    groups = [r["optimizer"].state_dict()["param_groups"] for r in (other, run)]
    assert groups[0] == groups[1]


def test_restore_without_checkpoint_returns_the_given_history_and_leaves_objects_alone(
    capsys,
):
    run = make_run(0)
    before, history = weights(run), {"loss": []}
    start, restored = Checkpoint("none", config=SIZES, **run).restore(history=history)
    assert start == 0 and restored is history
    assert unchanged(run, before)
    assert (
        capsys.readouterr().out
        == f"No checkpoint in {shown('none')}: training from scratch.\n"
    )


def test_runs_of_other_profiles_are_kept_apart(monkeypatch):
    train("run", seed=0)
    monkeypatch.setenv("COURSE_PROFILE", "cpu")
    assert Checkpoint("run", config=SIZES, **make_run(0)).restore() == (0, {})
    assert folder().name == "run-cpu"


# --------------------------------------------------------------------------- new settings start fresh


@pytest.mark.parametrize(
    "change, reason",
    [
        (dict(epochs=7), "the configuration changed (epochs 5 -> 7)"),
        (
            dict(learning_rate=3e-2),
            "the configuration and optimizer's settings changed "
            "(learning_rate 0.01 -> 0.03; lr 0.01 -> 0.03)",
        ),
        (
            dict(hidden=8),
            "the configuration and model's layers changed (hidden 16 -> 8)",
        ),
    ],
)
def test_a_changed_configuration_trains_from_scratch_and_says_why(
    capsys, change, reason
):
    train("run", seed=0)
    capsys.readouterr()
    sizes = replace(SIZES, **change)
    retrained = train("run", seed=0, sizes=sizes)
    assert capsys.readouterr().out.splitlines()[0] == (
        f"Training from scratch: {reason} since the checkpoint in {shown()}."
    )
    shutil.rmtree(folder())
    assert_same_run(retrained, train("run", seed=0, sizes=sizes), epochs=sizes.epochs)


def test_a_changed_learning_rate_alone_trains_from_scratch(capsys):
    run = make_run(0)
    Checkpoint("run", **run).save(1, {})
    other = make_run(1)
    other["optimizer"].param_groups[0]["lr"] = 0.5
    assert Checkpoint("run", **other).restore() == (0, {})
    assert "optimizer's settings changed (lr 0.01 -> 0.5)" in capsys.readouterr().out


def test_a_changed_layer_trains_from_scratch_instead_of_a_shape_mismatch(capsys):
    Checkpoint("run", config=SIZES, **make_run(0)).save(1, {})
    run = make_run(1)
    run["model"][0] = nn.Linear(4, 16, bias=False)  # same config, an edited layer
    before = weights(run)
    assert Checkpoint("run", config=SIZES, **run).restore() == (0, {})
    assert unchanged(run, before)
    assert (
        "Training from scratch: model's layers changed since" in capsys.readouterr().out
    )


def test_a_configuration_given_only_now_trains_from_scratch(capsys):
    Checkpoint("run", **make_run(0)).save(1, {})
    assert Checkpoint("run", config=SIZES, **make_run(1)).restore() == (0, {})
    assert (
        "Training from scratch: the configuration changed since"
        in capsys.readouterr().out
    )


def test_another_set_of_objects_trains_from_scratch(capsys):
    run = make_run(0)
    Checkpoint("run", model=run["model"]).save(1, {})
    assert Checkpoint(
        "run", model=run["model"], optimizer=run["optimizer"]
    ).restore() == (0, {})
    assert (
        "the objects changed (model -> model, optimizer) since"
        in capsys.readouterr().out
    )


def test_fresh_deletes_the_run_and_starts_over(capsys):
    train("run", seed=0)
    capsys.readouterr()
    ckpt = Checkpoint("run", config=SIZES, fresh=True, **make_run(0))
    assert ckpt.files() == [] and not folder().exists()
    assert ckpt.restore() == (0, {})
    assert capsys.readouterr().out == (
        f"Deleted the checkpoints in {shown()} (fresh=True): training from scratch.\n"
    )


# --------------------------------------------------------------------------- damage


def test_truncated_checkpoint_is_never_loaded_and_training_starts_fresh():
    train("run", seed=0)
    (path,) = folder().iterdir()
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # cut off mid-write
    run = make_run(5)
    before = weights(run)
    with pytest.warns(UserWarning, match="skipping unreadable"):
        assert Checkpoint("run", config=SIZES, **run).restore() == (0, {})
    assert unchanged(run, before)


def test_truncated_newest_checkpoint_falls_back_to_the_previous_one(tmp_path):
    spare = tmp_path / "spare"
    ckpt = Checkpoint("run", **make_run(0))
    first = ckpt.save(1, {"loss": [1.0]})
    shutil.copytree(ckpt.folder, spare)
    newest = ckpt.save(2, {"loss": [1.0, 0.5]})
    # an older complete file beside a damaged newest one
    shutil.copy(spare / first.name, first)
    newest.write_bytes(newest.read_bytes()[:100])
    with pytest.warns(UserWarning, match="skipping unreadable"):
        assert Checkpoint("run", **make_run(1)).restore() == (1, {"loss": [1.0]})


def test_save_interrupted_mid_write_keeps_the_previous_checkpoint_and_no_temp_file(
    monkeypatch,
):
    ckpt = Checkpoint("run", **make_run(0))
    ckpt.save(1, {"loss": [1.0]})

    def dies_halfway(obj, f, *args, **kwargs):
        f.write(b"PK\x03\x04 half a checkpoint")
        raise KeyboardInterrupt  # the user stops the cell, or the session ends, mid-write

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(torch, "save", dies_halfway)
        ckpt.save(2, {"loss": [1.0, 0.5]})
    assert [p.name for p in ckpt.folder.iterdir()] == ["epoch-0001.pt"]
    assert Checkpoint("run", **make_run(1)).restore() == (1, {"loss": [1.0]})


def test_saves_leave_one_file_and_no_temp_files():
    ckpt = Checkpoint("run", **make_run(0))
    ckpt.folder.mkdir(parents=True)
    (ckpt.folder / ".tmp-left-by-a-killed-process.pt").write_bytes(b"PK")
    for epoch in range(1, 4):
        ckpt.save(epoch, {"loss": [0.0] * epoch})
    assert [p.name for p in ckpt.folder.iterdir()] == ["epoch-0003.pt"]


def test_checkpoint_loads_with_weights_only():
    _, history = train("run", seed=0)
    (path,) = folder().iterdir()
    payload = torch.load(path, weights_only=True)
    assert payload["epoch"] == SIZES.epochs
    assert payload["history"]["loss"] == history["loss"]
    assert payload["history"]["samples"][0].dtype == torch.uint8


# Generator states as torch gives them: a CUDA device's is 16 bytes (seed and offset), the
# MPS generator's 36 (seven 32-bit Philox words and the seed); device i's bytes here are i.
CUDA_STATE_BYTES, MPS_STATE_BYTES = 16, 36


def fake_gpu_generators(monkeypatch, *, cuda: int, mps: bool) -> list[tuple]:
    """Pretend to have ``cuda`` CUDA devices and maybe MPS; return the states set on them."""
    restored = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
    monkeypatch.setattr(
        torch.cuda,
        "get_rng_state_all",
        lambda: [
            torch.full((CUDA_STATE_BYTES,), i, dtype=torch.uint8) for i in range(cuda)
        ],
    )
    monkeypatch.setattr(
        torch.cuda,
        "set_rng_state",
        lambda state, device: restored.append(("cuda", device, state)),
    )
    monkeypatch.setattr(training, "_mps_available", lambda: mps)
    monkeypatch.setattr(
        torch.mps,
        "get_rng_state",
        lambda: torch.full((MPS_STATE_BYTES,), 7, dtype=torch.uint8),
    )
    monkeypatch.setattr(
        torch.mps, "set_rng_state", lambda state: restored.append(("mps", state))
    )
    return restored


def through_a_checkpoint_file(states: dict) -> dict:
    """Return ``states`` after torch.save and a weights-only torch.load, as a checkpoint has them."""
    buffer = io.BytesIO()
    torch.save(states, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def test_a_run_saved_on_two_gpus_resumes_on_one_with_the_first_gpus_random_state(
    monkeypatch,
):
    fake_gpu_generators(monkeypatch, cuda=2, mps=False)
    states = through_a_checkpoint_file(training._rng_states())  # Kaggle's two T4s
    restored = fake_gpu_generators(monkeypatch, cuda=1, mps=False)
    training._set_rng_states(states)  # as on one P100
    assert [(kind, device) for kind, device, _ in restored] == [("cuda", 0)]
    assert restored[0][2].tolist() == [0] * CUDA_STATE_BYTES


def test_the_apple_gpus_random_state_is_saved_and_restored(monkeypatch):
    fake_gpu_generators(monkeypatch, cuda=0, mps=True)
    states = through_a_checkpoint_file(training._rng_states())
    restored = fake_gpu_generators(monkeypatch, cuda=0, mps=True)
    training._set_rng_states(states)
    assert [(kind, state.tolist()) for kind, state in restored] == [
        ("mps", [7] * MPS_STATE_BYTES)
    ]


# --------------------------------------------------------------------------- speed plumbing


def test_epoch_means_average_each_batchs_mean_and_wait_for_the_device_once(monkeypatch):
    means = training.EpochMeans()
    means.add(loss=torch.tensor(1.0), out=torch.tensor([0.2, 0.4]))
    means.add(loss=torch.tensor(3.0), out=torch.tensor([0.6, 0.8]))
    conversions = []
    original = torch.Tensor.__float__
    monkeypatch.setattr(
        torch.Tensor,
        "__float__",
        lambda t: conversions.append(1) or original(t),
    )
    result = means.means()
    assert result == pytest.approx({"loss": 2.0, "out": 0.5})
    assert len(conversions) == 2  # one per name, not one per batch


def test_epoch_means_keep_no_graph_and_refuse_an_empty_epoch():
    weight = torch.ones(1, requires_grad=True)
    means = training.EpochMeans()
    means.add(loss=(weight * 2).sum())
    assert not means.sums["loss"].requires_grad
    with pytest.raises(ValueError, match="at least one, got 0"):
        training.EpochMeans().means()


def test_to_uint8_maps_minus_one_to_0_and_one_to_255_on_the_cpu():
    images = torch.tensor([-1.0, -0.5, 0.0, 1.0, 1.5])
    assert training.to_uint8(images).tolist() == [0, 64, 128, 255, 255]
    assert training.to_uint8(images).dtype == torch.uint8


def test_on_a_cpu_mixed_precision_and_autotuning_stay_off():
    cpu = torch.device("cpu")
    with training.mixed_precision(cpu):
        assert not torch.is_autocast_enabled("cpu")
    assert training.autotune_convolutions(cpu) is False
    assert torch.backends.cudnn.benchmark is False


@pytest.mark.filterwarnings("ignore:CUDA is not available")
def test_on_a_gpu_with_native_bfloat16_mixed_precision_autocasts(monkeypatch):
    monkeypatch.setattr(
        torch.cuda, "is_bf16_supported", lambda including_emulation: True
    )
    context = training.mixed_precision(torch.device("cuda"))
    assert isinstance(context, torch.autocast) and context.fast_dtype == torch.bfloat16
    monkeypatch.setattr(
        torch.cuda, "is_bf16_supported", lambda including_emulation: False
    )  # a T4 or a P100: emulated bfloat16 only
    assert not isinstance(
        training.mixed_precision(torch.device("cuda")), torch.autocast
    )
