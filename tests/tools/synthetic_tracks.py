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


# --- A whole synthetic body -------------------------------------------------------------------
#
# Segment directions are absolute angles in the body's sagittal plane, in degrees: 0 points
# down, 90 forward (the way the person faces), 180 up. So standing is torso 180, thigh 0,
# shin 0, arms 0, foot 90; a forearm plank facing forward is torso 90 (shoulders ahead of the
# hips), thighs and shins -90 (feet behind). Any parameter may be a scalar, a per-frame array,
# or {"left": ..., "right": ...}. Lengths are metres, roughly an adult's.

SEGMENTS = {
    "torso": 0.5,
    "head": 0.25,
    "thigh": 0.45,
    "shin": 0.43,
    "upper_arm": 0.3,
    "forearm": 0.27,
}
# Shoulders as wide as the hips keep 3D hip and shoulder angles equal to the planar ones.
HALF_WIDTH = {"shoulder": 0.1, "hip": 0.1, "ear": 0.07}
PIXELS_PER_METRE = 300.0


def _dir(angle_deg: np.ndarray) -> np.ndarray:
    a = np.radians(angle_deg)
    return np.stack([np.sin(a), np.cos(a)], axis=-1)


def _per_side(value, side: str, n: int) -> np.ndarray:
    if isinstance(value, dict):
        value = value[side]
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()


def body_track(
    n: int,
    *,
    fps: float = 30.0,
    view: str = "side",
    torso=180.0,
    head=None,
    thigh=0.0,
    shin=0.0,
    foot=90.0,
    upper_arm=0.0,
    forearm=0.0,
    hip_xy=(0.0, 0.0),
    lateral=None,
    visibility=0.95,
    far_visibility=None,
    width: int = 1280,
    height: int = 720,
) -> PoseTrack:
    """A PoseTrack of a whole synthetic body with exactly known segment angles.

    Args:
        n: Number of frames.
        fps: Frame rate.
        view: "side" (the person faces image right) or "front" (faces the camera).
        torso, head, thigh, shin, foot, upper_arm, forearm: Segment directions (see above);
            head defaults to the torso's direction (neutral neck).
        hip_xy: Hip centre (forward, down) in metres; scalars or per-frame arrays.
        lateral: Extra sideways offset (metres, + = towards the body's midline) per landmark
            part and side, e.g. {"knee": {"left": 0.05, "right": 0.05}} for knees caving in.
        visibility: Visibility of every landmark.
        far_visibility: Visibility of the right (far) side in a side view, if different.
        width, height: Frame size in pixels.

    Returns:
        The track (world landmarks in metres, image landmarks normalised).
    """
    lateral = lateral or {}
    head = torso if head is None else head
    body = {}  # name -> (n, 3): forward, down, lateral (left = +)
    hip_c = np.stack([_per_side(hip_xy[0], "", n), _per_side(hip_xy[1], "", n)], axis=1)
    sh_c = hip_c + SEGMENTS["torso"] * _dir(_per_side(torso, "", n))
    head_dir = _per_side(head, "", n)
    ear_c = sh_c + SEGMENTS["head"] * _dir(head_dir)
    nose = ear_c + 0.08 * _dir(head_dir - 90.0)
    zeros = np.zeros((n, 1))
    body["nose"] = np.concatenate([nose, zeros], axis=1)
    for name in ("left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner"):
        body[name] = body["nose"]
    for name in ("right_eye", "right_eye_outer", "mouth_left", "mouth_right"):
        body[name] = body["nose"]
    for side, sign in (("left", 1.0), ("right", -1.0)):

        def z(part: str, base: float, side=side, sign=sign) -> np.ndarray:
            inward = _per_side(lateral.get(part, 0.0), side, n)
            return (sign * (base - inward))[:, None]

        hip = hip_c
        knee = hip + SEGMENTS["thigh"] * _dir(_per_side(thigh, side, n))
        ankle = knee + SEGMENTS["shin"] * _dir(_per_side(shin, side, n))
        f = _dir(_per_side(foot, side, n))
        shoulder = sh_c
        elbow = shoulder + SEGMENTS["upper_arm"] * _dir(_per_side(upper_arm, side, n))
        wrist = elbow + SEGMENTS["forearm"] * _dir(_per_side(forearm, side, n))
        hw, sw = HALF_WIDTH["hip"], HALF_WIDTH["shoulder"]
        points = {
            "hip": (hip, z("hip", hw)),
            "knee": (knee, z("knee", hw)),
            "ankle": (ankle, z("ankle", hw)),
            "heel": (ankle - 0.06 * f, z("ankle", hw)),
            "foot_index": (ankle + 0.15 * f, z("ankle", hw)),
            "shoulder": (shoulder, z("shoulder", sw)),
            "elbow": (elbow, z("elbow", sw)),
            "wrist": (wrist, z("wrist", sw)),
            "pinky": (wrist, z("wrist", sw)),
            "index": (wrist, z("wrist", sw)),
            "thumb": (wrist, z("wrist", sw)),
            "ear": (ear_c, z("ear", HALF_WIDTH["ear"])),
        }
        for part, (xy, lat) in points.items():
            body[f"{side}_{part}"] = np.concatenate([xy, lat], axis=1)
    world = np.zeros((n, N_LANDMARKS, 4))
    for name, p in body.items():
        forward, down, left = p[:, 0], p[:, 1], p[:, 2]
        if view == "side":
            xyz = np.stack([forward, down, -left], axis=1)
        else:  # facing the camera: the person's left is the image's right
            xyz = np.stack([left, down, -forward], axis=1)
        world[:, LANDMARK[name], :3] = xyz
    world[..., 3] = visibility
    if far_visibility is not None and view == "side":
        for name in LANDMARK:
            if name.startswith("right_"):
                world[:, LANDMARK[name], 3] = far_visibility
    image = world.copy()
    image[..., 0] = (width / 2 + world[..., 0] * PIXELS_PER_METRE) / width
    image[..., 1] = (height / 2 + world[..., 1] * PIXELS_PER_METRE) / height
    image[..., 2] = 0.0
    return PoseTrack(
        landmarks=image.astype(np.float32),
        world=world.astype(np.float32),
        timestamps_ms=np.arange(n) * 1000.0 / fps,
        fps=fps,
        width=width,
        height=height,
    )


def dips(values: list[float], rest: float, fps: float = 30.0, rep_s: float = 1.6, rest_s=0.8):
    """A per-frame series resting at `rest` with one cosine excursion to each value."""
    return squat_knee_series(values, fps=fps, stand=rest, rep_s=rep_s, rest_s=rest_s)


def squat_segments(knee_deg: np.ndarray, lean_deg=None) -> dict:
    """Thigh/shin/torso directions of a squat with the given knee angle and torso lean."""
    flex = 180.0 - np.asarray(knee_deg, dtype=np.float64)
    lean = 0.45 * flex if lean_deg is None else np.asarray(lean_deg, dtype=np.float64)
    return {"thigh": 0.6 * flex, "shin": -0.4 * flex, "torso": 180.0 - lean}
