"""The scale profile of a book build, without loading PyTorch when ``COURSE_PROFILE`` names one.

``utils.runtime.get_profile_name`` picks the profile by device, which needs PyTorch (about
3 s to import here). The build and its Sphinx extension ask for the profile in every
build, and ``COURSE_PROFILE`` is nearly always set; only when it is unset, or not a
profile's name, is the question passed on to ``utils.runtime`` (which also raises the
error for a wrong name).
"""

from __future__ import annotations

import os

# The same names as utils.runtime.PROFILE_NAMES (tests/test_book_ext.py keeps them equal).
PROFILE_NAMES = ("smoke", "cpu", "gpu")


def profile_name() -> str:
    """Return the profile ``COURSE_PROFILE`` names, else the one ``utils.runtime`` picks."""
    wanted = os.environ.get("COURSE_PROFILE", "").strip().lower()
    if wanted in PROFILE_NAMES:
        return wanted
    from utils.runtime import get_profile_name

    return get_profile_name()
