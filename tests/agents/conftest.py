"""Fixtures for the agent-layer tests: a realistic findings dict and an offline environment."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
VIDEOS = SHARED / "datasets" / "videos"

# Shaped exactly like tools.analysis.analyze_track output for a 6-rep squat set.
FINDINGS = {
    "exercise": "Squat",
    "exerciseId": "squat",
    "video": {
        "durationS": 19.9,
        "fps": 30.0,
        "frameCount": 596,
        "width": 1280,
        "height": 720,
        "rotation": 0,
    },
    "totalFrames": 596,
    "framesWithPose": 578,
    "poseCoverage": 0.97,
    "repCount": 6,
    "reps": [
        {
            "index": i + 1,
            "startFrame": start,
            "endFrame": start + 66,
            "bottomFrame": start + 33,
            "startTime": round(start / 30, 1),
            "endTime": round((start + 66) / 30, 1),
            "durationS": 2.2,
            "kneeAngleBottom": knee,
            "hipAngleBottom": hip,
        }
        for i, (start, knee, hip) in enumerate(
            [
                (40, 84.2, 71.5),
                (120, 97.6, 80.3),
                (200, 86.9, 72.8),
                (280, 88.1, 74.0),
                (360, 112.4, 95.2),
                (440, 85.3, 70.9),
            ]
        )
    ],
    "metrics": [
        {
            "name": "Rep Count",
            "actual": "6",
            "target": "—",
            "status": "good",
            "value": 6.0,
            "unit": "",
        },
        {
            "name": "Knee Angle (bottom)",
            "actual": "92°",
            "target": "≤ 90°",
            "status": "good",
            "value": 92.4,
            "unit": "°",
        },
        {
            "name": "Hip Angle (bottom)",
            "actual": "78°",
            "target": "—",
            "status": "good",
            "value": 77.5,
            "unit": "°",
        },
        {
            "name": "Rep Duration",
            "actual": "2.2 s",
            "target": "≥ 1 s",
            "status": "good",
            "value": 2.2,
            "unit": " s",
        },
        {
            "name": "Depth consistency",
            "actual": "±9.8°",
            "target": "≤ ±5°",
            "status": "warning",
            "value": 9.8,
            "unit": "°",
        },
    ],
    "issues": [
        {
            "type": "Shallow depth",
            "severity": "moderate",
            "frameStart": 360,
            "frameEnd": 426,
            "coachingCue": (
                "Your knees bent only to 112° at the bottom of rep 5; sit deeper until your "
                "thighs are parallel (about 90°)."
            ),
            "confidenceScore": 0.91,
            "reps": [5],
            "measured": {"kneeAngleBottom": 112.4},
        },
        {
            "type": "Forward lean",
            "severity": "minor",
            "frameStart": 200,
            "frameEnd": 346,
            "coachingCue": "Your torso tipped to 52° from vertical on reps 3 and 4; keep your "
            "chest up and brace before you descend.",
            "confidenceScore": 0.84,
            "reps": [3, 4],
            "measured": {"torsoLeanMax": 52.0},
        },
        {
            "type": "Shallow depth",
            "severity": "minor",
            "frameStart": 120,
            "frameEnd": 186,
            "coachingCue": (
                "Your knees bent only to 98° at the bottom of rep 2; sit deeper until your "
                "thighs are parallel (about 90°)."
            ),
            "confidenceScore": 0.88,
            "reps": [2],
            "measured": {"kneeAngleBottom": 97.6},
        },
    ],
    "score": 8.8,
    "checks": [
        {"name": "reps", "status": "done", "reason": None},
        {"name": "shallow_depth", "status": "done", "reason": None},
    ],
    "signal": {"name": "knee_angle", "sides": ["left", "right"]},
}


@pytest.fixture
def findings() -> dict:
    """A fresh copy of the fixture findings."""
    return copy.deepcopy(FINDINGS)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No test may reach Gemini: remove the keys so the offline coach is selected."""
    for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "BIOME_COACH_MODEL", "BIOME_CHAT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    # Retries back off for real, only shorter, so the resilience tests stay fast.
    monkeypatch.setenv("BIOME_COACH_BACKOFF_S", "0.01")


@pytest.fixture
def squat_video() -> Path:
    """The shared 6-rep squat video; skipped when ../shared is absent (fails under CI=true)."""
    import os

    path = VIDEOS / "squat_front_01.mp4"
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing (CI=true requires ../shared/datasets)")
        pytest.skip(f"{path} not found: ../shared/datasets is absent relative to the repo")
    return path


TOTAL = 120


@dataclass
class FakeInfo:
    frame_count: int = TOTAL
    fps: float = 30.0
    duration_s: float = TOTAL / 30.0
    width: int = 640
    height: int = 480
    rotation: int = 0
    codec: str = "h264"

    def to_dict(self) -> dict:
        return {"frame_count": self.frame_count, "fps": self.fps}


class FakeTrack:
    """A pose track's shape (every frame seen, landmarks at the origin), no MediaPipe."""

    n_frames = TOTAL
    fps = 30.0

    def __init__(self):
        import numpy as np

        self.detected = np.ones(TOTAL, dtype=bool)
        self.landmarks = np.full((TOTAL, 33, 4), 0.9)


@pytest.fixture
def fake_vision(monkeypatch, findings):
    """Replaces probe / pose extraction / measurement with fakes that report frame progress."""
    from agents.vision import tools as vtools

    threads = []

    def extract(path, info, on_progress=None):
        threads.append(threading.get_ident())
        for done in range(12, TOTAL + 1, 12):
            if on_progress:
                on_progress(done, TOTAL)
        return FakeTrack()

    def recognize(track, exercise_name=""):
        # The movement is a squat, whatever was named (tools.recognition is tested on its own).
        squat = {"exerciseId": "squat", "exercise": "Squat", "score": 1.0, "confidence": 0.99}
        named = vtools.resolve_exercise_name(exercise_name) if exercise_name else None
        return {
            **{k: squat[k] for k in ("exerciseId", "exercise", "confidence")},
            "sure": True,
            "candidates": [squat],
            "named": named.id if named else None,
            "namedScore": 1.0 if named else None,
            "checked": named is not None,
            "mismatch": False,
            "analysedAs": named.id if named else "squat",
            "message": "Recognised as Squat, confidence 99%.",
        }

    monkeypatch.setattr(vtools, "probe", lambda path: FakeInfo())
    monkeypatch.setattr(vtools, "extract_track", extract)
    monkeypatch.setattr(vtools, "recognize", recognize)

    def measure(track, ex, info=None, recognition=None):
        # analyze_track keeps the recognition it is given.
        return {**copy.deepcopy(findings), **({"recognition": recognition} if recognition else {})}

    monkeypatch.setattr(vtools, "measure", measure)
    return threads
