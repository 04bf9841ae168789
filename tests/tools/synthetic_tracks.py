"""Synthetic pose tracks with exactly known joint angles, for rule tests."""

from __future__ import annotations

import numpy as np

from tools.landmarks import LANDMARK, N_LANDMARKS
from tools.pose import PoseTrack


def squat_knee_series(
    bottoms: list[float],
    fps: float = 30.0,
    stand: float = 170.0,
    rep_s: float = 1.6,
    rest_s: float = 0.8,
) -> np.ndarray:
    """Knee angle per frame: standing, then one cosine-shaped dip per bottom angle."""
    rest = np.full(round(rest_s * fps), stand)
    parts = [rest]
    for bottom in bottoms:
        phase = np.linspace(0.0, 2 * np.pi, round(rep_s * fps))
        parts.append(stand - (stand - bottom) * (1 - np.cos(phase)) / 2)
        parts.append(rest)
    return np.concatenate(parts)


def track_from_knee_angles(
    knee_deg: np.ndarray, fps: float = 30.0, visibility: float = 0.95
) -> PoseTrack:
    """A PoseTrack of a side-on figure whose knee angle (both legs) follows knee_deg.

    Thigh and torso stay vertical; the shin rotates so that the hip-knee-ankle angle is exactly
    the requested value, in both world (metres) and image (normalised) coordinates.
    """
    n = len(knee_deg)
    theta = np.radians(np.asarray(knee_deg, dtype=np.float64))
    world = np.zeros((n, N_LANDMARKS, 4), dtype=np.float64)
    world[..., 3] = visibility
    for side, dx in (("left", 0.1), ("right", -0.1)):
        hip = np.array([dx, 0.0, 0.0])
        knee = hip + [0.0, 0.45, 0.0]  # y grows downwards, as in MediaPipe
        for name, point in (("shoulder", hip + [0, -0.5, 0]), ("hip", hip), ("knee", knee)):
            world[:, LANDMARK[f"{side}_{name}"], :3] = point
        ankle = knee + 0.45 * np.stack([np.sin(theta), -np.cos(theta), np.zeros(n)], axis=1)
        world[:, LANDMARK[f"{side}_ankle"], :3] = ankle
        for name in ("elbow", "wrist"):
            world[:, LANDMARK[f"{side}_{name}"], :3] = hip + [0, -0.3, 0]
    image = world.copy()
    image[..., :2] = 0.5 + world[..., :2] * 0.4  # a square frame keeps the angles unchanged
    image[..., 2] = 0.0
    return PoseTrack(
        landmarks=image.astype(np.float32),
        world=world.astype(np.float32),
        timestamps_ms=np.arange(n) * 1000.0 / fps,
        fps=fps,
        width=720,
        height=720,
    )
