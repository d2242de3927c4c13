"""Helpers for the notebooks of the lecture "Advanced Convolutional Models".

Each module has one job:

- ``utils.runtime``: pick the device, the scale profile and the random seed;
- ``utils.profiles``: the sizes each profile uses, in one table;
- ``utils.data``: MNIST and the face images, offline first;
- ``utils.training``: checkpoints that survive an interrupted session;
- ``utils.plotting``: the lecture's figures (``from utils.plotting import *``);
- ``utils.conv_arithmetic``: drawings of convolution and transposed convolution.
"""

__version__ = "1.0.0"
