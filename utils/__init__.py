"""Helpers for the notebooks of the lecture "Advanced Convolutional Models".

Each module has one job:

- ``utils.runtime``: pick the device, the scale profile and the random seed, and let CPU
  training reuse freed memory;
- ``utils.profiles``: the sizes each profile uses, in one table;
- ``utils.data``: where MNIST, the face images and the training runs live, offline first;
- ``utils.bundled``: rebuild the bundled real MNIST and face subsets when nothing else is there;
- ``utils.files``: write files atomically and check their SHA-256 sums;
- ``utils.training``: checkpoints that survive an interrupted session and know their settings;
- ``utils.plotting``: the lecture's figures (``from utils.plotting import *``);
- ``utils.conv_arithmetic``: drawings and output sizes of convolution and transposed convolution;
- ``utils._checks``: the one way the others check their arguments (private).
"""

__version__ = "1.3.0"
# The notebooks' first cell tells these helpers from another module named utils.
__course__ = "advanced-conv-models"
