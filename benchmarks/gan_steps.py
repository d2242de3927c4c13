"""DCGAN training steps per second and peak resident memory, one child process per profile.

Each profile's sizes (``utils.profiles``) build ``utils.gan`` models; the step is the
lecture's (BCELoss, Adam 2e-4 with betas (0.5, 0.999), discriminator then generator)
on random "real" batches, so that only the model is timed, not the data pipeline.
:func:`train_step` also has the gpu profile's mixed-precision path, which the tests
run on the CPU with bfloat16.

Run as ``python -m benchmarks.gan_steps PROFILE --steps N --warmup W``: it prints one
JSON line with the step times and the peak resident memory of its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from benchmarks.results import Figure, median
from utils.gan import Discriminator, Generator, weights_init
from utils.profiles import PROFILES

ROOT = Path(__file__).resolve().parents[1]
LR, BETAS = 2e-4, (0.5, 0.999)


class GanSetup:
    """The lecture's DCGAN pieces for one profile: models, optimisers, loss and label tensors."""

    def __init__(self, profile: str, device: torch.device | str = "cpu",
                 batch_size: int | None = None) -> None:
        sizes = PROFILES[profile].gan
        self.device = torch.device(device)
        self.latent_size = sizes.latent_size
        self.batch_size = batch_size or sizes.batch_size
        self.image_size = sizes.image_size
        self.G = Generator(sizes.latent_size, sizes.width, sizes.image_size).to(self.device)
        self.D = Discriminator(sizes.width, sizes.image_size).to(self.device)
        self.G.apply(weights_init)
        self.D.apply(weights_init)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=LR, betas=BETAS)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=LR, betas=BETAS)
        self.criterion: Callable[..., torch.Tensor] = nn.BCELoss()

    def real_batch(self, generator: torch.Generator | None = None) -> torch.Tensor:
        """Return a batch of stand-in real images in [-1, 1] on the device."""
        shape = (self.batch_size, 3, self.image_size, self.image_size)
        return (torch.rand(shape, generator=generator) * 2 - 1).to(self.device)


def train_step(gan: GanSetup, real: torch.Tensor, amp_dtype: torch.dtype | None = None,
               scaler: torch.amp.GradScaler | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Run one DCGAN step, discriminator then generator; return (loss_D, loss_G) as tensors.

    With ``amp_dtype`` the forward passes run under ``torch.autocast``; the BCE losses
    are computed outside it on float32 probabilities, because CUDA's autocast refuses
    ``BCELoss`` (it is unsafe in float16). No ``.item()``: nothing waits for the device.
    """
    device_type, use_amp = real.device.type, amp_dtype is not None
    scaler = scaler or torch.amp.GradScaler(device_type, enabled=False)
    n = real.size(0)
    ones = torch.ones(n, 1, device=real.device)
    zeros = torch.zeros(n, 1, device=real.device)

    gan.opt_d.zero_grad(set_to_none=True)  # discriminator: real => 1, fake => 0
    noise = torch.randn(n, gan.latent_size, 1, 1, device=real.device)
    with torch.autocast(device_type, dtype=amp_dtype, enabled=use_amp):
        fake = gan.G(noise)
        p_real = gan.D(real)
        p_fake = gan.D(fake.detach())  # detach: this step must not train G
    loss_d = gan.criterion(p_real.float(), ones) + gan.criterion(p_fake.float(), zeros)
    scaler.scale(loss_d).backward()
    scaler.step(gan.opt_d)

    gan.opt_g.zero_grad(set_to_none=True)  # generator: make D call the fakes real
    with torch.autocast(device_type, dtype=amp_dtype, enabled=use_amp):
        p_fooled = gan.D(fake)
    loss_g = gan.criterion(p_fooled.float(), ones)
    scaler.scale(loss_g).backward()
    scaler.step(gan.opt_g)
    scaler.update()
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
    return maxrss / 1024 / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, else KiB


def run_child(profile: str, steps: int, warmup: int) -> dict[str, object]:
    """Time ``steps`` training steps after ``warmup`` ones; return the times and peak memory."""
    before_models = peak_rss_mib()  # torch and the helpers imported, nothing built yet
    torch.manual_seed(0)
    gan = GanSetup(profile)
    real = gan.real_batch()
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        train_step(gan, real)
        _sync(gan.device)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return {"profile": profile, "batch_size": gan.batch_size, "image_size": gan.image_size,
            "step_s": times, "peak_rss_mib": peak_rss_mib(), "import_rss_mib": before_models}


def measure_profile(profile: str, steps: int, warmup: int, runs: int = 1,
                    timeout: float = 1800) -> list[Figure]:
    """Return steps/s (one sample per timed step) and peak RSS (one per child) for ``profile``."""
    step_s: list[float] = []
    peaks: list[float] = []
    imported: list[float] = []
    error, info = None, {}
    for _ in range(runs):
        cmd = [sys.executable, "-m", "benchmarks.gan_steps", profile,
               "--steps", str(steps), "--warmup", str(warmup)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        try:
            out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env,
                                 timeout=timeout, check=True)
            info = json.loads(out.stdout.strip().splitlines()[-1])
        except (subprocess.SubprocessError, ValueError, IndexError) as err:
            stderr = getattr(err, "stderr", "") or ""
            error = (stderr.strip().splitlines() or [str(err)])[-1][:200]
            break
        step_s += info["step_s"]
        peaks.append(info["peak_rss_mib"])
        imported.append(info["import_rss_mib"])
    sizes = PROFILES[profile].gan
    desc = (f"{sizes.image_size}px, width {sizes.width}, batch {sizes.batch_size}; "
            f"{steps} steps after {warmup} warm-up")
    if runs > 1:
        desc += f", x{runs} processes"
    return [
        Figure(f"DCGAN {profile} sizes: training steps/s (CPU)", "steps/s",
               [1 / s for s in step_s], note=desc, error=error),
        Figure(f"DCGAN {profile} sizes: peak resident memory", "MiB", peaks,
               note=f"VmHWM of the child; {median(imported):.0f} MiB of it before building "
                    "the models" if imported else "VmHWM of the child", error=error),
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
