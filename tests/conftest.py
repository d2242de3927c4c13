"""Shared test set-up: the smoke profile, a fresh runs folder, Agg plots."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]

# Notebooks executed by nbmake inherit this environment: tiny sizes, and
# checkpoints in a folder of this test session so that no run resumes an old one.
os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("COURSE_RUNS", str(ROOT / "_build" / "test-runs" / uuid.uuid4().hex[:8]))
