"""Checkpoints: a run killed and resumed ends exactly where an uninterrupted one does; damage is never loaded."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from utils.data import TensorBatches
from utils.runtime import seed_everything
from utils.training import Checkpoint

EPOCHS = 5


@pytest.fixture(autouse=True)
def one_thread():
    """Run the tiny models on one thread: on a busy 2-core machine, two threads make them 100x slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class Killed(Exception):
    """Stands in for a session that dies in the middle of an epoch."""


def make_run(seed: int) -> dict:
    """Return a tiny model, its optimiser and a seeded batch generator, built after ``seed_everything(seed)``."""
    seed_everything(seed)
    model = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(16, 1))
    return {"model": model, "optimizer": torch.optim.Adam(model.parameters(), lr=1e-2),
            "batch_rng": torch.Generator().manual_seed(seed)}


def train(folder: Path, seed: int, kill_in_epoch: int | None = None) -> tuple[dict, dict]:
    """Train to EPOCHS, resuming from ``folder``; raise Killed halfway through epoch ``kill_in_epoch``.

    Every source of randomness is used: the shuffling generator, torch's global RNG
    (dropout, noise), NumPy's and Python's (a jitter on the loss).
    """
    run = make_run(seed)
    data = torch.linspace(-1, 1, 40 * 5).reshape(40, 5)  # 40 rows: 4 inputs and 1 target
    checkpoint = Checkpoint(folder)
    start, history = checkpoint.restore(**run)
    history = history or {"loss": [], "samples": []}
    model, optimizer = run["model"], run["optimizer"]
    for epoch in range(start + 1, EPOCHS + 1):
        total = torch.zeros(())
        for i, batch in enumerate(TensorBatches(data, 8, shuffle=True, generator=run["batch_rng"])):
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
        history["samples"].append((model[0].weight[:2] * 100).round().clamp(0, 255).to(torch.uint8))
        checkpoint.save(epoch, history, **run)
    return model.state_dict(), history


def assert_same_run(a: tuple[dict, dict], b: tuple[dict, dict]) -> None:
    """Assert two runs ended with bit-identical weights, buffers and history."""
    (weights_a, history_a), (weights_b, history_b) = a, b
    assert weights_a.keys() == weights_b.keys()
    for name in weights_a:
        assert torch.equal(weights_a[name], weights_b[name]), name
    assert history_a["loss"] == history_b["loss"]
    assert len(history_a["samples"]) == len(history_b["samples"]) == EPOCHS
    for sample_a, sample_b in zip(history_a["samples"], history_b["samples"]):
        assert torch.equal(sample_a, sample_b)


def tmp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".tmp")]


@pytest.mark.parametrize("killed_after", [1, 3])
def test_run_killed_after_epoch_k_and_resumed_matches_an_uninterrupted_run(tmp_path, killed_after):
    uninterrupted = train(tmp_path / "straight", seed=0)
    with pytest.raises(Killed):
        train(tmp_path / "killed", seed=0, kill_in_epoch=killed_after + 1)
    # A new session: new objects, other seeds; everything must come back from the checkpoint.
    resumed = train(tmp_path / "killed", seed=123)
    assert_same_run(uninterrupted, resumed)


def test_resuming_a_finished_run_returns_its_history_without_training(tmp_path, capsys):
    finished = train(tmp_path / "run", seed=0)
    again = train(tmp_path / "run", seed=7)
    assert_same_run(finished, again)
    assert f"Resumed after epoch {EPOCHS}" in capsys.readouterr().out


def test_restore_without_checkpoint_starts_from_scratch(tmp_path, capsys):
    run = make_run(0)
    before = {k: v.clone() for k, v in run["model"].state_dict().items()}
    assert Checkpoint(tmp_path / "none").restore(**run) == (0, {})
    assert all(torch.equal(before[k], v) for k, v in run["model"].state_dict().items())
    assert "training from scratch" in capsys.readouterr().out


def test_truncated_checkpoint_is_never_loaded_and_training_starts_fresh(tmp_path):
    folder = tmp_path / "run"
    train(folder, seed=0)
    (path,) = Checkpoint(folder).files()
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # cut off mid-write
    run = make_run(5)
    before = {k: v.clone() for k, v in run["model"].state_dict().items()}
    with pytest.warns(UserWarning, match="skipping unreadable"):
        assert Checkpoint(folder).restore(verbose=False, **run) == (0, {})
    assert all(torch.equal(before[k], v) for k, v in run["model"].state_dict().items())


def test_truncated_newest_checkpoint_falls_back_to_the_previous_one(tmp_path):
    folder, spare = tmp_path / "run", tmp_path / "spare"
    checkpoint, run = Checkpoint(folder), make_run(0)
    first = checkpoint.save(1, {"loss": [1.0]}, **run)
    shutil.copytree(folder, spare)
    newest = checkpoint.save(2, {"loss": [1.0, 0.5]}, **run)
    shutil.copy(spare / first.name, first)  # an older complete file beside a damaged newest one
    newest.write_bytes(newest.read_bytes()[:100])
    with pytest.warns(UserWarning, match="skipping unreadable"):
        assert Checkpoint(folder).restore(verbose=False, **make_run(1)) == (1, {"loss": [1.0]})


def test_save_interrupted_mid_write_keeps_the_previous_checkpoint_and_no_temp_file(tmp_path, monkeypatch):
    checkpoint, run = Checkpoint(tmp_path), make_run(0)
    checkpoint.save(1, {"loss": [1.0]}, **run)

    def dies_halfway(obj, f, *args, **kwargs):
        f.write(b"PK\x03\x04 half a checkpoint")
        raise KeyboardInterrupt  # the user stops the cell, or the session ends, mid-write

    monkeypatch.setattr(torch, "save", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save(2, {"loss": [1.0, 0.5]}, **run)
    monkeypatch.undo()
    assert tmp_files(tmp_path) == []
    assert [p.name for p in checkpoint.files()] == ["epoch-0001.pt"]
    assert Checkpoint(tmp_path).restore(verbose=False, **make_run(1)) == (1, {"loss": [1.0]})


def test_saves_leave_one_file_and_no_temp_files(tmp_path):
    checkpoint, run = Checkpoint(tmp_path), make_run(0)
    (tmp_path / ".tmp-left-by-a-killed-process.pt").write_bytes(b"PK")
    for epoch in range(1, 4):
        checkpoint.save(epoch, {"loss": [0.0] * epoch}, **run)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["epoch-0003.pt"]


def test_fresh_starts_over(tmp_path, capsys):
    train(tmp_path / "run", seed=0)
    checkpoint = Checkpoint(tmp_path / "run", fresh=True)
    assert checkpoint.files() == []
    assert checkpoint.restore(**make_run(0)) == (0, {})
    assert "training from scratch" in capsys.readouterr().out


def test_checkpoint_loads_with_weights_only(tmp_path):
    _, history = train(tmp_path / "run", seed=0)
    (path,) = Checkpoint(tmp_path / "run").files()
    payload = torch.load(path, weights_only=True)
    assert payload["epoch"] == EPOCHS
    assert payload["history"]["loss"] == history["loss"]
    assert payload["history"]["samples"][0].dtype == torch.uint8
    assert set(payload["states"]) == {"model", "optimizer", "batch_rng"}


def test_restore_names_the_objects_a_checkpoint_lacks(tmp_path):
    run = make_run(0)
    Checkpoint(tmp_path).save(1, {}, model=run["model"])
    with pytest.raises(ValueError, match=r"has no state for \['optimizer'\]"):
        Checkpoint(tmp_path).restore(model=run["model"], optimizer=run["optimizer"])


@pytest.mark.parametrize("epoch", [0, -1, 1.5, True, "1"])
def test_save_rejects_a_bad_epoch(tmp_path, epoch):
    with pytest.raises(ValueError, match="Checkpoint.save: epoch must be an int >= 1"):
        Checkpoint(tmp_path).save(epoch, {}, model=nn.Linear(1, 1))


def test_save_rejects_objects_without_state(tmp_path):
    with pytest.raises(TypeError, match="got list"):
        Checkpoint(tmp_path).save(1, {}, model=[1, 2])
