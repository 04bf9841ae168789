"""The pose track in the compact shape the web app draws its overlay from.

    {"fps", "width", "height", "frameCount", "connections": [[a, b], ...],
     "frames": [[x0, y0, v0, x1, y1, v1, ...] | null, ...]}

One entry per video frame; 33 landmarks × 3 integers: x and y in per-mille of the frame's width
and height (a 1080 p frame's pixel is ~1 ‰, finer than the landmarks' own noise), visibility
0–9; null where nobody was found. Small integers in JSON compress well: a 5-minute clip at
30 fps is about 1 MB gzip (see benchmarks/pose_track.py).
"""

from __future__ import annotations

import json

import numpy as np

from tools.landmarks import BONE_NAMES, LANDMARK, N_LANDMARKS
from tools.pose import PoseTrack

CONNECTIONS: list[list[int]] = [[LANDMARK[a], LANDMARK[b]] for a, b in BONE_NAMES]
VALUES_PER_FRAME = N_LANDMARKS * 3


def encode_track(track: PoseTrack) -> dict:
    """The track as the overlay's dict (see the module docstring)."""
    lm = track.landmarks
    seen = track.detected
    xy = np.rint(np.nan_to_num(lm[:, :, :2]) * 1000).astype(np.int64)
    vis = np.rint(np.clip(np.nan_to_num(lm[:, :, 3]), 0.0, 1.0) * 9).astype(np.int64)
    packed = np.concatenate([xy, vis[:, :, None]], axis=2).reshape(len(lm), VALUES_PER_FRAME)
    rows = packed.tolist()
    return {
        "fps": round(float(track.fps), 3),
        "width": int(track.width),
        "height": int(track.height),
        "frameCount": int(track.n_frames),
        "connections": CONNECTIONS,
        "frames": [row if seen[i] else None for i, row in enumerate(rows)],
    }


def dumps(data: dict) -> bytes:
    """Compact JSON bytes (no spaces: a third of the raw size)."""
    return json.dumps(data, separators=(",", ":")).encode()


def decode_frames(data: dict) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame pixel points and visibility from the overlay's dict.

    Returns:
        (points (n, 33, 2) float32 in pixels, NaN where no pose; visibility (n, 33) in 0–1).
    """
    n = int(data["frameCount"])
    width, height = float(data["width"]), float(data["height"])
    points = np.full((n, N_LANDMARKS, 2), np.nan, dtype=np.float32)
    visibility = np.zeros((n, N_LANDMARKS), dtype=np.float32)
    for i, frame in enumerate(data["frames"][:n]):
        if frame is None:
            continue
        values = np.asarray(frame, dtype=np.float32).reshape(N_LANDMARKS, 3)
        points[i, :, 0] = values[:, 0] * width / 1000.0
        points[i, :, 1] = values[:, 1] * height / 1000.0
        visibility[i] = values[:, 2] / 9.0
    return points, visibility
