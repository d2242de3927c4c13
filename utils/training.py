"""Checkpoints that let a long training run survive an interrupted session.

At the end of every epoch :meth:`Checkpoint.save` writes the models, optimisers,
random-number states and the history to one file, atomically (temporary file,
then rename). Rerunning the training cell calls :meth:`Checkpoint.restore`, which
continues from the last complete epoch instead of starting over.
"""

from __future__ import annotations

import random
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from utils.files import TMP_PREFIX, atomic_file
from utils.data import shown

PREFIX, SUFFIX = "epoch-", ".pt"


def _rng_states() -> dict[str, Any]:
    """Return the global random states of Python, NumPy and torch as tensors and plain types."""
    version, mt, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    states = {
        "python": [version, list(mt), gauss],
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def _set_rng_states(states: dict[str, Any]) -> None:
    """Restore the global random states saved by :func:`_rng_states`."""
    version, mt, gauss = states["python"]
    random.setstate((version, tuple(mt), gauss))
    kind, keys, pos, has_gauss, cached = states["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(states["torch"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def _state_of(obj: Any) -> Any:
    """Return the saveable state of a module, optimiser, scaler or generator."""
    if isinstance(obj, torch.Generator):
        return obj.get_state()
    if hasattr(obj, "state_dict"):
        return obj.state_dict()
    raise TypeError(f"Checkpoint: can only save objects with state_dict() or torch.Generator, "
                    f"got {type(obj).__name__}")


def _load_state(obj: Any, state: Any) -> None:
    """Load ``state`` back into ``obj``."""
    if isinstance(obj, torch.Generator):
        obj.set_state(state)
    else:
        obj.load_state_dict(state)


class Checkpoint:
    """The epoch checkpoints of one training run in ``folder``.

    Args:
        folder: where the checkpoint files live (see :func:`utils.data.runs_dir`).
        fresh: delete earlier checkpoints of this run and start from epoch 0.
    """

    def __init__(self, folder: str | Path, fresh: bool = False) -> None:
        self.folder = Path(folder)
        if fresh and self.folder.exists():
            shutil.rmtree(self.folder)

    def files(self) -> list[Path]:
        """Return the complete checkpoint files, newest first."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob(f"{PREFIX}*{SUFFIX}"), reverse=True)

    def save(self, epoch: int, history: dict[str, Any], **objects: Any) -> Path:
        """Save ``epoch`` (epochs done), ``history`` and the named objects; keep only the newest file."""
        if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 1:
            raise ValueError(f"Checkpoint.save: epoch must be an int >= 1, got {epoch!r}")
        payload = {
            "epoch": epoch,
            "history": history,
            "states": {name: _state_of(obj) for name, obj in objects.items()},
            "rng": _rng_states(),
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{PREFIX}{epoch:04d}{SUFFIX}"
        with atomic_file(path) as f:  # a reader sees the old file or the whole new one
            torch.save(payload, f)
        for old in self.files():
            if old != path:
                old.unlink()
        for stale in self.folder.glob(f"{TMP_PREFIX}*"):  # left by a process killed mid-write
            stale.unlink(missing_ok=True)
        return path

    def restore(self, verbose: bool = True, **objects: Any) -> tuple[int, dict[str, Any]]:
        """Load the newest readable checkpoint into the named objects; return (epochs done, history).

        Returns ``(0, {})`` when there is none, so a training loop can always start
        at the returned epoch.
        """
        for path in self.files():
            try:
                payload = torch.load(path, map_location="cpu", weights_only=True)
            except Exception as err:  # a damaged file: fall back to an older one
                warnings.warn(f"Checkpoint: skipping unreadable {path} ({err})", stacklevel=2)
                continue
            missing = set(objects) - set(payload["states"])
            if missing:
                raise ValueError(f"Checkpoint.restore: {path} has no state for {sorted(missing)}; "
                                 f"it holds {sorted(payload['states'])}")
            for name, obj in objects.items():
                _load_state(obj, payload["states"][name])
            _set_rng_states(payload["rng"])
            if verbose:
                print(f"Resumed after epoch {payload['epoch']} from {shown(path)}; "
                      "pass fresh=True to Checkpoint(...) to start over.")
            return payload["epoch"], payload["history"]
        if verbose:
            print(f"No checkpoint in {shown(self.folder)}: training from scratch.")
        return 0, {}
