"""Where the notebooks run: device, scale profile and seeds."""

from __future__ import annotations

import ctypes
import os
import random
import sys

import numpy as np
import torch

from utils._checks import check_choice, check_int, message

PROFILE_NAMES = ("smoke", "cpu", "gpu")
DEVICE_NAMES = ("cuda", "mps", "cpu")


def _mps_available() -> bool:
    """Return True when Apple's Metal backend can be used."""
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def _available(name: str) -> bool:
    """Return True when the device kind ``name`` exists on this machine."""
    if name == "cuda":
        return torch.cuda.is_available()
    if name == "mps":
        return _mps_available()
    return True


def _count(kind: str) -> str:
    """Say how many devices of ``kind`` this machine has, e.g. 'no CUDA device'."""
    if kind == "cuda" and torch.cuda.is_available():
        n = torch.cuda.device_count()
        return f"{n} CUDA device{'s' if n > 1 else ''}, cuda:0 to cuda:{n - 1}"
    return f"no {kind.upper()} device is available here"


def get_device(verbose: bool = True) -> torch.device:
    """Return CUDA if available, else Apple MPS, else the CPU; ``COURSE_DEVICE`` overrides.

    On the CPU it also lets training reuse freed memory (:func:`reuse_freed_memory`).

    Args:
        verbose: print which device was chosen and why.
    """
    wanted = os.environ.get("COURSE_DEVICE", "").strip().lower()
    if wanted:
        kind, colon, index = wanted.partition(":")
        indexed_cuda = kind == "cuda" and index.isdigit()
        if kind not in DEVICE_NAMES or (colon and not indexed_cuda):
            raise ValueError(
                message(
                    "get_device",
                    "COURSE_DEVICE",
                    "one of cuda, mps, cpu (optionally cuda:N)",
                    wanted,
                )
            )
        if not _available(kind) or (index and int(index) >= torch.cuda.device_count()):
            raise ValueError(
                message(
                    "get_device",
                    "COURSE_DEVICE",
                    f"a device this machine has ({_count(kind)}; unset "
                    "COURSE_DEVICE to pick automatically)",
                    wanted,
                )
            )
        device, why = torch.device(wanted), "set by COURSE_DEVICE"
    elif torch.cuda.is_available():
        device, why = torch.device("cuda"), f"CUDA GPU: {torch.cuda.get_device_name(0)}"
    elif _mps_available():
        device, why = torch.device("mps"), "Apple GPU (MPS)"
    else:
        device = torch.device("cpu")
        why = (
            "no GPU found)\n  For a GPU on Colab: Runtime > Change runtime type > GPU;"
            "\n  on Kaggle: Settings > Accelerator > GPU (then rerun"
        )
    if device.type == "cpu":
        # Training on the CPU allocates and frees the same activations every step:
        # keep that memory in the process (a speed trick, not lecture material).
        reuse_freed_memory()
    if verbose:
        print(f"Device: {device} ({why})")
    return device


def get_profile_name(device: torch.device | None = None) -> str:
    """Return the scale profile: ``COURSE_PROFILE``, else ``gpu`` on CUDA or MPS, else ``cpu``."""
    wanted = os.environ.get("COURSE_PROFILE", "").strip().lower()
    if wanted:
        return check_choice("get_profile_name", "COURSE_PROFILE", wanted, PROFILE_NAMES)
    if device is None:
        device = get_device(verbose=False)
    return "gpu" if device.type in ("cuda", "mps") else "cpu"


def seed_everything(seed: int, verbose: bool = True) -> None:
    """Seed Python, NumPy and torch (CPU, CUDA and MPS) so that a rerun prints the same numbers."""
    # torch.manual_seed takes up to 64 bits: check before anything is seeded or printed
    check_int("seed_everything", "seed", seed, minimum=0, maximum=2**64 - 1)
    if verbose:
        print(f"Seed: {seed} (Python, NumPy and torch)")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds CUDA and MPS


# glibc's mallopt() parameters (<malloc.h>): M_TRIM_THRESHOLD and M_MMAP_THRESHOLD.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_KEEP_BELOW = 256 * 2**20  # bytes: blocks smaller than this come from the reused heap


def reuse_freed_memory() -> bool:
    """On Linux, keep the memory of freed tensors for the next step instead of returning it.

    glibc gives each allocation of 128 KiB or more fresh pages from the kernel and returns
    them on free. A CPU training step allocates and frees its activations (megabytes at
    these batch sizes) every step, so the kernel maps and zeroes the same amount again and
    again: a third of the denoiser's CPU time on the 2-core machine of benchmarks/README.md.
    Raising glibc's thresholds (``mallopt``) makes it reuse that memory; the process keeps
    up to its peak use. PyTorch's CPU performance guide suggests a caching allocator
    (jemalloc, tcmalloc) for the same reason; this needs nothing installed.

    Returns True when the setting took effect (Linux with glibc), else False (macOS,
    Windows, other C libraries), where nothing changes.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _KEEP_BELOW)) and bool(
        mallopt(_M_TRIM_THRESHOLD, 4 * _KEEP_BELOW)
    )
