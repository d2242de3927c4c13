"""The lecture's own numbers, read from ``tests/LECTURE_FACTS.md`` (a copy of the course's facts page).

Tests compare what the notebooks print against these values. Each one is pulled out of the
page's text by a pattern, so a number exists here only if the page states it; a pattern
that stops matching fails loudly instead of falling back to a typed-in value.
"""

from __future__ import annotations

import re
from pathlib import Path

FACTS_PAGE = Path(__file__).with_name("LECTURE_FACTS.md")
TEXT = FACTS_PAGE.read_text()


def _number(pattern: str) -> float:
    """Return the number captured by ``pattern`` in the facts page (commas removed)."""
    match = re.search(pattern, TEXT, flags=re.S)
    if match is None:
        raise LookupError(
            f"lecture_facts: {FACTS_PAGE.name} no longer states /{pattern}/"
        )
    return float(match.group(1).replace(",", ""))


def _int(pattern: str) -> int:
    """Return the integer captured by ``pattern`` in the facts page."""
    return int(_number(pattern))


GOOD_LOGITS_LOSS = _number(r"good logits .*?prints `([\d.]+)`")
BAD_LOGITS_LOSS = _number(r"bad logits .*?prints `([\d.]+)`")
TEST_CNN_FLAT = _int(r"flattened (\d+)")
TEST_CNN_PARAMS = _int(r"flattened \d+ .*?; ([\d,]+) parameters")
DENOISER_PARAMS = _int(r"([\d,]+) parameters \(320")
DENOISER_EIGHTS = _int(r"only the 8s \(([\d,]+) images\)")
DENOISER_BATCH = _int(r"only the 8s .*?batches of (\d+)")
DENOISER_EPOCHS = _int(r"\(lr [\d.]+\), (\d+) epochs")
DENOISER_LR = _number(r"Adam with default settings \(lr ([\d.]+)\)")
DENOISER_FIRST_LOSS = _number(r"training loss per epoch: ([\d.]+)")
DENOISER_FINAL_LOSS = _number(r"\*\*([\d.]+)\*\*\.\n")
GENERATOR_PARAMS = _int(r"\*\*([\d,]+) parameters\.\*\*\n- Discriminator")
DISCRIMINATOR_PARAMS = _int(r"Sigmoid\.\s*\*\*([\d,]+) parameters\.\*\*")
GAN_LR = _number(r"lr = ([\d.]+)\*\*")
GAN_BETAS = (_number(r"betas \(([\d.]+),"), _number(r"betas \([\d.]+, ([\d.]+)\)"))
GAN_EPOCHS = _int(r"betas \([\d.]+, [\d.]+\); (\d+) epochs")
GAN_LATENT = _int(r"latent (\d+) as a")
GAN_BATCH = _int(r"Batches of (\d+), shuffled")
GAN_IMAGE_SIZE = _int(r"already (\d+)x\d+;")
MULTI_INPUT_FLAT = _int(r"Flatten →\s*Linear\((\d+), 5\)")

# Section 4's data pipeline: the transforms the page names, in order, and what it leaves out.
_FACES_DATA = re.search(r"## 4\..*?- Data: (.*?)Batches of", TEXT, flags=re.S)
if _FACES_DATA is None:
    raise LookupError(
        f"lecture_facts: {FACTS_PAGE.name} no longer describes the face data"
    )
FACE_TRANSFORMS = re.findall(
    r"`(\w+)\(", _FACES_DATA.group(1)
)  # e.g. ToTensor, Normalize
FACE_NORMALIZE = (
    _number(r"`Normalize\(\(([\d.]+),\)\*3, \([\d.]+,\)\*3\)`"),
    _number(r"`Normalize\(\([\d.]+,\)\*3, \(([\d.]+),\)\*3\)`"),
)
FACE_TRANSFORMS_COMMENTED_OUT = re.findall(
    r"comments `(\w+)` out", _FACES_DATA.group(1)
)

# Claims in words: the lecture stresses this, and shows that.
STRESSES_SHAPE_NOT_VALUES = bool(
    re.search(
        r"It stresses:.*?gives back the input's shape, not its values", TEXT, re.S
    )
)
ANIMATES_FIXED_NOISE = bool(re.search(r"an animation of the fixed\s+noise", TEXT))


def _chain(pattern: str) -> list[int]:
    """Return the channel chain ``a → b → c`` captured by ``pattern`` as integers."""
    match = re.search(pattern, TEXT, flags=re.S)
    if match is None:
        raise LookupError(
            f"lecture_facts: {FACTS_PAGE.name} no longer states /{pattern}/"
        )
    return [int(n) for n in re.split(r"\s*→\s*", match.group(1).strip())]


# The DCGAN's stride-2 channel chains (the generator's after its first 4x4 layer).
GENERATOR_CHANNELS = _chain(r"ConvTranspose2d\(k=4, s=2, p=1\) ([\d →]+), each")
DISCRIMINATOR_CHANNELS = _chain(r"Conv2d\(k=4, s=2, p=1, bias=False\) ([\d →]+), each")

# The lecture's example training log: {epoch: (Loss_G, Loss_D, D_real, D_fake)}.
_LOG = re.search(r"Its example log, (.*?)\n- ", TEXT, flags=re.S)
if _LOG is None:
    raise LookupError(f"lecture_facts: {FACTS_PAGE.name} no longer has the example log")
GAN_EXAMPLE_LOG = {
    int(epoch): tuple(float(v) for v in values)
    for epoch, *values in re.findall(
        r"(\d+): (\d+\.\d+), (\d+\.\d+), (\d+\.\d+), (\d+\.\d+)", _LOG.group(1)
    )
}
# Where the lecture ran: its device line, and the epochs its faces animation came from.
LECTURE_DEVICE = re.search(r"device cell printed `Using device: (\w+)`", TEXT).group(1)
ANIMATION_EPOCHS = _int(r'for around\s+(\d+) epochs"')
