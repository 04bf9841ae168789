"""The overlay's pose track: exact shape, lossless enough to draw, and small on the wire."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from tools.landmarks import N_LANDMARKS
from tools.pose import PoseTrack
from tools.pose_wire import CONNECTIONS, decode_frames, dumps, encode_track

FIVE_MINUTES_AT_30 = 9000
WIRE_BUDGET = 2_000_000  # bytes, gzip: the ceiling for a 5-minute clip


def moving_track(n: int, fps: float = 30.0, seed: int = 1) -> PoseTrack:
    """A person squatting for n frames: every landmark drifts smoothly, with MediaPipe-like
    jitter (~0.3 % of the frame) and visibilities that wander, plus a few frames with nobody."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fps
    base = rng.uniform(0.3, 0.7, size=(N_LANDMARKS, 2))
    depth = 0.12 * (1 - np.cos(2 * np.pi * t / 2.5))[:, None]  # one rep every 2.5 s
    lm = np.zeros((n, N_LANDMARKS, 4), dtype=np.float32)
    lm[:, :, 0] = base[:, 0] + 0.01 * np.sin(t / 3)[:, None]
    lm[:, :, 1] = base[:, 1] + depth * np.linspace(0.2, 1.0, N_LANDMARKS)
    lm[:, :, :2] += rng.normal(0, 0.003, size=(n, N_LANDMARKS, 2))
    lm[:, :, 2] = rng.normal(0, 0.2, size=(n, N_LANDMARKS))
    lm[:, :, 3] = np.clip(0.85 + rng.normal(0, 0.1, size=(n, N_LANDMARKS)), 0, 1)
    gone = rng.random(n) < 0.03
    lm[gone] = np.nan
    return PoseTrack(
        landmarks=lm,
        world=lm.copy(),
        timestamps_ms=t * 1000,
        fps=fps,
        width=1280,
        height=720,
    )


def test_encoded_track_has_the_contract_s_shape():
    track = moving_track(90)
    data = encode_track(track)
    assert set(data) == {"fps", "width", "height", "frameCount", "connections", "frames"}
    assert (data["fps"], data["width"], data["height"], data["frameCount"]) == (30.0, 1280, 720, 90)
    assert len(data["frames"]) == 90
    assert data["connections"] == CONNECTIONS
    assert all(0 <= a < 33 and 0 <= b < 33 for a, b in CONNECTIONS)
    for i, frame in enumerate(data["frames"]):
        if not track.detected[i]:
            assert frame is None
            continue
        assert len(frame) == 99 and all(isinstance(v, int) for v in frame)
        assert all(0 <= v <= 9 for v in frame[2::3])
    assert any(f is None for f in data["frames"])  # the frames with nobody


def test_round_trip_is_within_half_a_per_mille():
    track = moving_track(120)
    points, visibility = decode_frames(encode_track(track))
    seen = track.detected
    expected = track.landmarks[seen, :, :2] * np.array([1280, 720])
    error = np.abs(points[seen] - expected) / np.array([1280, 720])
    assert error.max() <= 0.0005 + 1e-6
    assert np.abs(visibility[seen] - track.landmarks[seen, :, 3]).max() <= 1 / 18 + 1e-6
    assert np.isnan(points[~seen]).all()


def test_a_five_minute_track_is_well_under_two_megabytes_gzipped():
    data = encode_track(moving_track(FIVE_MINUTES_AT_30))
    raw = dumps(data)
    wire = len(gzip.compress(raw, 6))
    assert data["frameCount"] == FIVE_MINUTES_AT_30
    assert wire < 0.75 * WIRE_BUDGET, f"{wire} bytes gzip"
    assert wire < len(raw) / 2  # compact integers compress


@pytest.mark.parametrize("bad", [None, [None, None]])
def test_decoding_tolerates_frames_without_a_person(bad):
    data = {"fps": 30, "width": 100, "height": 50, "frameCount": 2, "frames": bad or [None] * 2}
    points, visibility = decode_frames(data)
    assert points.shape == (2, 33, 2) and np.isnan(points).all()
    assert (visibility == 0).all()
