"""DCGAN training steps per second and peak resident memory, one child process per profile.

The models, their initialisation, the loss, the optimisers and the two training phases
are the notebook's own (``lectures/04_gans.ipynb``, the cells tagged
``dcgan-definitions``, ``dcgan-build`` and ``dcgan-optimisers``, run by
:mod:`tests.notebook_code`) at each profile's sizes (``utils.profiles``; at
``cpu`` the colour-faces case). The steps train on random "real" batches, so that only
the models are timed, not the data pipeline. :class:`GanSetup` also has the ``gpu``
profile's bfloat16 autocast path, which the tests run on the CPU.

Run as ``python -m benchmarks.gan_steps PROFILE --steps N --warmup W``: it prints one
JSON line with the step times and the peak resident memory of its own process.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import torch

from benchmarks.results import Figure, median
from tests.notebook_code import GANS, definitions
from utils.profiles import PROFILES, GanSizes

ROOT = Path(__file__).resolve().parents[1]


class GanSetup:
    """The notebook's DCGAN at one profile's sizes: its namespace (models, optimisers, phases).

    Args:
        sizes: a profile's ``GanSizes`` (e.g. ``PROFILES["cpu"].gan``).
        device: where to train.
        use_amp: run the forward passes under bfloat16 autocast, as the notebook does on
            CUDA GPUs with native bfloat16.
    """

    def __init__(
        self, sizes: GanSizes, device: torch.device | str = "cpu", use_amp: bool = False
    ) -> None:
        self.sizes = sizes
        self.device = torch.device(device)
        self.namespace: dict[str, Any] = definitions(GANS, "dcgan-definitions")
        self.namespace.update(sizes=sizes, device=self.device, use_amp=use_amp)
        with contextlib.redirect_stdout(io.StringIO()):  # the build cell prints netG
            definitions(GANS, ("dcgan-build", "dcgan-optimisers"), self.namespace)

    def real_batch(self, generator: torch.Generator | None = None) -> torch.Tensor:
        """Return a batch of stand-in real images in [-1, 1] on the device."""
        size = self.sizes.image_size
        shape = (self.sizes.batch_size, 3, size, size)
        return (torch.rand(shape, generator=generator) * 2 - 1).to(self.device)

    def train_step(self, real: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Run the notebook's two phases on ``real``; return (loss_D, loss_G) as tensors."""
        fake, loss_d, _, _ = self.namespace["discriminator_step"](real)
        loss_g = self.namespace["generator_step"](fake)
        return loss_d.detach(), loss_g.detach()


def _sync(device: torch.device) -> None:
    """Wait for queued device work so that a timer sees it finished."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def peak_rss_mib(status: Path = Path("/proc/self/status")) -> float:
    """Return this process's peak resident memory so far, in MiB.

    On Linux this is ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` survives fork and
    exec, so a child of the (large) benchmark process would report at least its parent's
    size. Elsewhere it is ``resource.getrusage(RUSAGE_SELF).ru_maxrss``.
    """
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (
        maxrss / 1024 / (1024 if sys.platform == "darwin" else 1)
    )  # bytes on macOS, else KiB


def run_child(profile: str, steps: int, warmup: int) -> dict[str, object]:
    """Time ``steps`` training steps after ``warmup`` ones; return the times and peak memory."""
    before_models = peak_rss_mib()  # torch and the helpers imported, nothing built yet
    torch.manual_seed(0)
    gan = GanSetup(PROFILES[profile].gan)
    real = gan.real_batch()
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        gan.train_step(real)
        _sync(gan.device)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return {
        "profile": profile,
        "batch_size": gan.sizes.batch_size,
        "image_size": gan.sizes.image_size,
        "step_s": times,
        "peak_rss_mib": peak_rss_mib(),
        "import_rss_mib": before_models,
    }


def measure_profile(
    profile: str, steps: int, warmup: int, runs: int = 1, timeout: float = 1800
) -> list[Figure]:
    """Return steps/s (one sample per timed step) and peak RSS (one per child) for ``profile``."""
    step_s: list[float] = []
    peaks: list[float] = []
    imported: list[float] = []
    error, info = None, {}
    for _ in range(runs):
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.gan_steps",
            profile,
            "--steps",
            str(steps),
            "--warmup",
            str(warmup),
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        try:
            out = subprocess.run(
                cmd,
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
                check=True,
            )
            info = json.loads(out.stdout.strip().splitlines()[-1])
        except (subprocess.SubprocessError, ValueError, IndexError) as err:
            stderr = getattr(err, "stderr", "") or ""
            error = (stderr.strip().splitlines() or [str(err)])[-1][:200]
            break
        step_s += info["step_s"]
        peaks.append(info["peak_rss_mib"])
        imported.append(info["import_rss_mib"])
    sizes = PROFILES[profile].gan
    desc = (
        f"{sizes.image_size}px, width {sizes.width}, batch {sizes.batch_size}; "
        f"{steps} steps after {warmup} warm-up"
    )
    if runs > 1:
        desc += f", x{runs} processes"
    return [
        Figure(
            f"DCGAN {profile} sizes: training steps/s (CPU)",
            "steps/s",
            [1 / s for s in step_s],
            note=desc,
            error=error,
        ),
        Figure(
            f"DCGAN {profile} sizes: peak resident memory",
            "MiB",
            peaks,
            note=f"VmHWM of the child; {median(imported):.0f} MiB of it before building "
            "the models"
            if imported
            else "VmHWM of the child",
            error=error,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    """Command line of the child process: print one JSON line of step times and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", choices=sorted(PROFILES))
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(run_child(args.profile, args.steps, args.warmup)))


if __name__ == "__main__":
    main()
