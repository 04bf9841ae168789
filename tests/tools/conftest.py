"""Shared fixtures for tools/ tests: the shared video folder (real clips)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The repository's parent directory holds shared/ (datasets are never copied into the repo).
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
VIDEOS = SHARED / "datasets" / "videos"


@pytest.fixture
def videos_dir() -> Path:
    """Folder of real exercise clips; skips (or fails under CI=true) when it is missing."""
    if not VIDEOS.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the shared video folder {VIDEOS} is missing")
        pytest.skip(f"shared video folder {VIDEOS} not present (datasets live outside the repo)")
    return VIDEOS
