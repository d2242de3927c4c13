"""Checkpoints that let a long training run survive an interrupted session.

Name the run and its objects once, then restore before the loop and save after each epoch::

    ckpt = Checkpoint("dcgan", config=sizes, netG=netG, netD=netD,
                      optimizerG=optimizerG, optimizerD=optimizerD)
    start, history = ckpt.restore(history={"Loss_D": [], "Loss_G": []})
    for epoch in range(start + 1, sizes.epochs + 1):
        ...
        ckpt.save(epoch, history)

The module also holds the speed plumbing of a long run on a GPU, kept out of the
notebooks' training loops: :func:`mixed_precision` (bfloat16 autocast where the GPU has
native bfloat16), :func:`autotune_convolutions` (``cudnn.benchmark``), :class:`EpochMeans`
(per-epoch means summed on the device) and :func:`to_uint8` (small image snapshots).

Each file holds the objects' states, the random-number states, the history and a
fingerprint of what the run was trained with (``config``, each optimiser's settings,
each model's layers). A rerun resumes only when the fingerprint is the same; otherwise it
starts fresh and says what changed, so a checkpoint never stands in for other settings.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import shutil
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from utils._checks import check_instance, check_int, message
from utils.data import display_path, runs_dir
from utils.files import TMP_PREFIX, atomic_file
from utils.runtime import _mps_available, get_profile_name

CHECKPOINT_GLOB = (
    "epoch-*.pt"  # the files of one run: epoch-0001.pt, epoch-0002.pt, ...
)
Fingerprint = dict[str, dict[str, str]]  # {what, e.g. "netG's layers": {detail: value}}


def _checkpoint_name(epoch: int) -> str:
    """Return the file name of the checkpoint written after ``epoch``."""
    return f"epoch-{epoch:04d}.pt"


# --------------------------------------------------------------------------- random states


def _rng_states() -> dict[str, Any]:
    """Return the global random states of Python, NumPy and torch as tensors and plain types."""
    version, mt, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    states = {
        "python": [version, list(mt), gauss],
        "numpy": [
            kind,
            torch.from_numpy(keys.astype(np.int64)),
            pos,
            has_gauss,
            cached,
        ],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        states["cuda"] = torch.cuda.get_rng_state_all()  # one per GPU
    if _mps_available():
        states["mps"] = torch.mps.get_rng_state()
    return states


def _set_rng_states(states: dict[str, Any]) -> None:
    """Restore the global random states saved by :func:`_rng_states`."""
    version, mt, gauss = states["python"]
    random.setstate((version, tuple(mt), gauss))
    kind, keys, pos, has_gauss, cached = states["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(states["torch"])
    if "cuda" in states and torch.cuda.is_available():
        # saved on Kaggle's two T4s, resumed on one P100: restore the GPUs there are
        for index, state in enumerate(states["cuda"][: torch.cuda.device_count()]):
            torch.cuda.set_rng_state(state, index)
    if "mps" in states and _mps_available():
        torch.mps.set_rng_state(states["mps"])


# --------------------------------------------------------------------------- object states


def _state_of(obj: Any) -> Any:
    """Return the saveable state of a module, optimiser, scaler or generator."""
    return obj.get_state() if isinstance(obj, torch.Generator) else obj.state_dict()


def _load_state(obj: Any, state: Any) -> None:
    """Load ``state`` back into ``obj``."""
    if isinstance(obj, torch.Generator):
        obj.set_state(state)
    else:
        obj.load_state_dict(state)


# --------------------------------------------------------------------------- fingerprints


def _config_items(config: Any) -> dict[str, str]:
    """Return ``config`` (a dataclass or a dict) as {name: repr(value)}."""
    values = (
        dataclasses.asdict(config) if dataclasses.is_dataclass(config) else dict(config)
    )
    return {str(name): repr(value) for name, value in values.items()}


def _optimizer_settings(optimizer: torch.optim.Optimizer) -> dict[str, str]:
    """Return the optimiser's kind and hyper-parameters (its param_groups without the params)."""
    settings = {"optimizer": type(optimizer).__name__}
    groups = optimizer.param_groups
    for index, group in enumerate(groups):
        prefix = f"group {index} " if len(groups) > 1 else ""
        settings.update(
            {
                f"{prefix}{key}": repr(value)
                for key, value in group.items()
                if key != "params"
            }
        )
    return settings


def _module_layers(module: torch.nn.Module) -> dict[str, str]:
    """Return the module's structure: its printout and the shape of every parameter and buffer."""
    shapes = {
        name: str(tuple(tensor.shape)) for name, tensor in module.state_dict().items()
    }
    return {"structure": str(module), **shapes}


def _fingerprint(config: Any, objects: dict[str, Any]) -> Fingerprint:
    """Return what a run was trained with: its objects, ``config``, optimisers and models."""
    parts: Fingerprint = {"the objects": {"names": ", ".join(objects)}}
    if config is not None:
        parts["the configuration"] = _config_items(config)
    for name, obj in objects.items():
        if isinstance(obj, torch.nn.Module):
            parts[f"{name}'s layers"] = _module_layers(obj)
        elif isinstance(obj, torch.optim.Optimizer):
            parts[f"{name}'s settings"] = _optimizer_settings(obj)
    return parts


def _changes(saved: Fingerprint, current: Fingerprint) -> str:
    """Return what differs between two fingerprints in words, or '' when they are the same."""
    objects_changed = saved.get("the objects") != current.get("the objects")
    # with other objects, the parts of an added or dropped object go without saying
    changed = [
        part
        for part in {**saved, **current}
        if saved.get(part) != current.get(part)
        and not (
            objects_changed
            and part != "the objects"
            and (part not in saved or part not in current)
        )
    ]
    if not changed:
        return ""
    details = []
    for part in changed:
        old, new = saved.get(part), current.get(part)
        if old is None or new is None or part.endswith("'s layers"):
            continue  # given on one side only; a printout of every layer is too long for a line
        details += [
            f"{'' if part == 'the objects' else key + ' '}{old.get(key, '(none)')} -> "
            f"{new.get(key, '(none)')}"
            for key in {**old, **new}
            if old.get(key) != new.get(key)
        ]
    # two optimisers with one new lr: say it once
    details = list(dict.fromkeys(details))
    shown = "; ".join(details[:4]) + ("; ..." if len(details) > 4 else "")
    what = (
        changed[0]
        if len(changed) == 1
        else ", ".join(changed[:-1]) + " and " + changed[-1]
    )
    return what + " changed" + (f" ({shown})" if details else "")


# --------------------------------------------------------------------------- checkpoints


class Checkpoint:
    """The epoch checkpoints of training run ``name`` at this profile, for the named objects.

    Args:
        name: the run's name; its folder is ``runs_dir(f"{name}-{profile}")``.
        config: what the run was trained with, e.g. the profile's sizes (a dataclass or dict).
        fresh: delete this run's earlier checkpoints and start from epoch 0.
        objects: the models, optimisers, scalers and ``torch.Generator`` objects to save,
            each under its name, e.g. ``netG=netG``.
    """

    def __init__(
        self, name: str, config: Any = None, fresh: bool = False, **objects: Any
    ) -> None:
        check_instance("Checkpoint", "name", name, str, "a run name (str)")
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(message("Checkpoint", "name", "a plain folder name", name))
        if config is not None and not (
            dataclasses.is_dataclass(config) and not isinstance(config, type)
        ):
            check_instance(
                "Checkpoint",
                "config",
                config,
                Mapping,
                "None, a dataclass instance or a dict",
            )
        check_instance("Checkpoint", "fresh", fresh, bool, "True or False")
        if not objects:
            raise TypeError(
                message(
                    "Checkpoint",
                    "objects",
                    "at least one model, optimiser or "
                    "generator, each passed by name (model=model)",
                    objects,
                )
            )
        for key, obj in objects.items():
            if not (isinstance(obj, torch.Generator) or hasattr(obj, "state_dict")):
                check_instance(
                    "Checkpoint",
                    key,
                    obj,
                    torch.Generator,
                    "a module, optimiser, scaler or torch.Generator",
                )
        self.folder = runs_dir(f"{name}-{get_profile_name()}")
        self.objects = objects
        self.fingerprint = _fingerprint(config, objects)
        self._deleted = fresh and self.folder.exists()
        if self._deleted:
            shutil.rmtree(self.folder)

    def files(self) -> list[Path]:
        """Return the checkpoint files of this run, newest first."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob(CHECKPOINT_GLOB), reverse=True)

    def restore(
        self, history: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Load the newest checkpoint made with the same fingerprint; return (epochs done, history).

        Without one, return ``(0, history)`` (``{}`` when ``history`` is None) and leave the
        objects as they are. Prints one line saying which.
        """
        if history is not None:
            check_instance(
                "Checkpoint.restore", "history", history, dict, "None or a dict"
            )
        fresh_history = {} if history is None else history
        where = display_path(self.folder)
        if self._deleted:
            print(
                f"Deleted the checkpoints in {where} (fresh=True): training from scratch."
            )
            return 0, fresh_history
        for path in self.files():
            try:
                payload = torch.load(path, map_location="cpu", weights_only=True)
            except Exception as err:  # a damaged file: fall back to an older one
                warnings.warn(
                    f"Checkpoint: skipping unreadable {display_path(path)} ({err})",
                    stacklevel=2,
                )
                continue
            saved = payload.get("fingerprint")
            if not isinstance(saved, dict):
                why = f"the checkpoint in {where} does not say what it was trained with"
            else:
                why = _changes(saved, self.fingerprint)
                why = why and f"{why} since the checkpoint in {where}"
            if why:
                print(f"Training from scratch: {why}.")
                return 0, fresh_history
            for name, obj in self.objects.items():
                _load_state(obj, payload["states"][name])
            _set_rng_states(payload["rng"])
            print(
                f"Resumed after epoch {payload['epoch']} from {display_path(path)}; "
                "Checkpoint(..., fresh=True) starts over."
            )
            return payload["epoch"], payload["history"]
        print(f"No checkpoint in {where}: training from scratch.")
        return 0, fresh_history

    def save(self, epoch: int, history: dict[str, Any]) -> Path:
        """Save the objects after ``epoch`` (epochs done) with ``history``; keep only this file."""
        check_int("Checkpoint.save", "epoch", epoch, minimum=1)
        check_instance("Checkpoint.save", "history", history, dict, "a dict")
        payload = {
            "epoch": epoch,
            "history": history,
            "states": {name: _state_of(obj) for name, obj in self.objects.items()},
            "rng": _rng_states(),
            "fingerprint": self.fingerprint,
        }
        path = self.folder / _checkpoint_name(epoch)
        with atomic_file(path) as f:  # a reader sees the old file or the whole new one
            torch.save(payload, f)
        for old in self.files():
            if old != path:
                old.unlink()
        # left by a process killed mid-write
        for stale in self.folder.glob(f"{TMP_PREFIX}*"):
            stale.unlink(missing_ok=True)
        return path


# --------------------------------------------------------------------------- speed plumbing


def uses_bfloat16(device: torch.device) -> bool:
    """Return True on a CUDA GPU with native bfloat16 arithmetic (Ampere and newer)."""
    return device.type == "cuda" and torch.cuda.is_bf16_supported(
        including_emulation=False
    )


def mixed_precision(device: torch.device) -> contextlib.AbstractContextManager:
    """Return bfloat16 autocast where :func:`uses_bfloat16`, else a context that does nothing.

    Under autocast the convolutions run in bfloat16 while the weights and the optimiser
    stay in float32. Compute losses outside it: ``BCELoss`` refuses to run under CUDA's
    autocast, because bfloat16 rounds probabilities above about 0.998 to exactly 1.
    """
    check_instance("mixed_precision", "device", device, torch.device, "a torch.device")
    if uses_bfloat16(device):
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def autotune_convolutions(device: torch.device) -> bool:
    """Let cuDNN time its convolution algorithms once per shape and keep the fastest (CUDA only).

    Returns whether autotuning is on. It pays off when the input shapes repeat batch after
    batch; the algorithms it picks may differ between runs, so GPU runs are not bit-exact.
    """
    check_instance(
        "autotune_convolutions", "device", device, torch.device, "a torch.device"
    )
    torch.backends.cudnn.benchmark = device.type == "cuda"
    return torch.backends.cudnn.benchmark


class EpochMeans:
    """Per-epoch means of tensors' means, summed where they live (the GPU need not wait).

    ``add(Loss_D=loss_D, ...)`` after every batch keeps running sums on the device;
    ``means()`` turns them into Python floats once, which waits for the device once per
    epoch instead of once per batch (``loss.item()`` in the loop would wait every batch).
    """

    def __init__(self) -> None:
        self.sums: dict[str, torch.Tensor] = {}
        self.count = 0

    def add(self, **values: torch.Tensor) -> None:
        """Add one batch's values to the running sums: a tensor's mean, detached."""
        for name, value in values.items():
            value = value.detach().float().mean()  # e.g. D's outputs: one per image
            self.sums[name] = self.sums[name] + value if name in self.sums else value
        self.count += 1

    def means(self) -> dict[str, float]:
        """Return {name: mean over the batches added}, as Python floats."""
        if self.count == 0:
            raise ValueError(
                message("EpochMeans.means", "the batches added", "at least one", 0)
            )
        return {name: float(total) / self.count for name, total in self.sums.items()}


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """Return images in [-1, 1] as uint8 in [0, 255] on the CPU (a quarter of float32's size)."""
    check_instance("to_uint8", "images", images, torch.Tensor, "a tensor")
    pixels = (images.detach().float() + 1) * 127.5
    return pixels.round().clamp(0, 255).to(torch.uint8).cpu()
