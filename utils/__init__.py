"""Helpers for the notebooks of the lecture "Advanced Convolutional Models".

Each module has one job:

- ``utils.runtime``: pick the device (on the CPU, letting training reuse freed memory),
  the scale profile and the random seed;
- ``utils.profiles``: the sizes each profile uses, in one table;
- ``utils.data``: where MNIST, the face images and the training runs live, offline first;
- ``utils.bundled``: rebuild the bundled real MNIST and face subsets when nothing else is there;
- ``utils.files``: write files atomically and check their SHA-256 sums;
- ``utils.training``: checkpoints that survive an interrupted session and know their settings;
- ``utils.plotting``: the lecture's figures (``from utils.plotting import *``);
- ``utils.conv_arithmetic``: drawings and output sizes of convolution and transposed convolution;
- ``utils.diagrams``: the lecture's block diagrams (autoencoder, GAN structure and step);
- ``utils.exercises``: the checks that tell a student whether an exercise's answer is
  right (one module per chapter, on ``Feedback``);
- ``utils.quiz``: the self-check questions (jupyterquiz, from ``utils/quizzes/``);
- ``utils._checks``: the one way the others check their arguments (private).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    # pyproject.toml's version: the one place it is written (pip installs the helpers
    # everywhere, `pip install -e .` in the repository).
    __version__ = version("advanced-conv-models")
except PackageNotFoundError:  # a copy of utils/ that pip did not install
    __version__ = "unknown"
