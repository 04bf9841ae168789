"""Joint angles and signal conditioning for pose tracks.

Angles are computed from world landmarks (metres, 3D) when available because they do not depend
on the camera's viewing angle; image coordinates (scaled to pixels so that x and y share a unit)
are the fallback. A joint whose landmarks are not visible enough is NaN, not a measurement.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from tools.landmarks import LANDMARK
from tools.pose import PoseTrack
from tools.vocabulary import JOINTS

__all__ = ["JOINTS", "angle_deg", "joint_angle", "bilateral_angle", "torso_lean_deg"]

Side = Literal["left", "right"]

DEFAULT_MIN_VISIBILITY = 0.5


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC at vertex b in degrees, vectorised over leading dimensions.

    Args:
        a: Points (..., 2 or 3).
        b: Vertex points, same shape as a.
        c: Points, same shape as a.

    Returns:
        Angles (...) in [0, 180]; NaN where any input is NaN or a segment has zero length.
    """
    ba = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    bc = np.asarray(c, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    norm = np.linalg.norm(ba, axis=-1) * np.linalg.norm(bc, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(ba * bc, axis=-1) / norm
    cos = np.where(norm > 0, cos, np.nan)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _points(track: PoseTrack, names: list[str], use_world: bool) -> list[np.ndarray]:
    """Returns (n, 3) coordinates per landmark name; image coords are scaled to pixels."""
    if use_world:
        return [track.world[:, LANDMARK[name], :3].astype(np.float64) for name in names]
    scale = np.array([track.width, track.height, track.width], dtype=np.float64)
    return [track.landmarks[:, LANDMARK[name], :3].astype(np.float64) * scale for name in names]


def visibility(track: PoseTrack, names: list[str]) -> np.ndarray:
    """Minimum visibility (n,) over the named landmarks; NaN where no pose was detected."""
    vis = np.stack([track.landmarks[:, LANDMARK[name], 3] for name in names], axis=-1)
    return np.min(vis, axis=-1).astype(np.float64)


def joint_landmarks(joint: str, side: Side) -> list[str]:
    """Landmark names of a joint triple on one side, e.g. knee/left -> left_hip, left_knee, ..."""
    return [f"{side}_{part}" for part in JOINTS[joint]]


def joint_angle(
    track: PoseTrack,
    joint: str,
    side: Side,
    *,
    min_visibility: float = DEFAULT_MIN_VISIBILITY,
    use_world: bool = True,
) -> np.ndarray:
    """Per-frame angle of one joint on one side.

    Args:
        track: The pose track.
        joint: A key of JOINTS ("knee", "hip", "elbow", "shoulder", "ankle").
        side: "left" or "right" (the person's own side).
        min_visibility: Frames where any of the three landmarks is below this are NaN.
        use_world: Use 3D world landmarks (falls back to image coords where world is NaN).

    Returns:
        Angles (n,) in degrees.
    """
    names = joint_landmarks(joint, side)
    angles = angle_deg(*_points(track, names, use_world=False))
    if use_world:
        world = angle_deg(*_points(track, names, use_world=True))
        angles = np.where(np.isnan(world), angles, world)
    vis = visibility(track, names)
    return np.where(vis >= min_visibility, angles, np.nan)


def side_visibility(track: PoseTrack, joint: str) -> dict[str, float]:
    """Mean (over detected frames) of the joint triple's minimum visibility, per side."""
    out = {}
    for side in ("left", "right"):
        vis = visibility(track, joint_landmarks(joint, side))
        out[side] = float(np.nanmean(vis)) if np.any(~np.isnan(vis)) else 0.0
    return out


def bilateral_angle(
    track: PoseTrack,
    joint: str,
    *,
    min_visibility: float = DEFAULT_MIN_VISIBILITY,
    use_world: bool = True,
    side_margin: float = 0.15,
) -> tuple[np.ndarray, list[str]]:
    """Angle of a joint combining both sides, using only the better-visible side if one is hidden.

    In a side view the far limb is occluded and MediaPipe guesses it, so when one side's mean
    visibility is clearly lower (by side_margin) only the other side is used. Otherwise the two
    sides are averaged frame by frame, falling back to whichever side is valid.

    Args:
        track: The pose track.
        joint: A key of JOINTS.
        min_visibility: Per-frame visibility gate, see joint_angle.
        use_world: See joint_angle.
        side_margin: Visibility difference above which the weaker side is ignored.

    Returns:
        (angles (n,), sides used) where sides is e.g. ["left", "right"] or ["left"].
    """
    vis = side_visibility(track, joint)
    if abs(vis["left"] - vis["right"]) > side_margin:
        sides = [max(vis, key=vis.get)]
    else:
        sides = ["left", "right"]
    series = np.stack(
        [
            joint_angle(track, joint, s, min_visibility=min_visibility, use_world=use_world)
            for s in sides
        ]
    )
    with warnings.catch_warnings():
        # All-NaN frames (no valid side) are expected and simply stay NaN.
        warnings.simplefilter("ignore", RuntimeWarning)
        combined = np.nanmean(series, axis=0)
    return combined, sides


def torso_lean_deg(track: PoseTrack, *, min_visibility: float = DEFAULT_MIN_VISIBILITY):
    """Angle (n,) between the hip-to-shoulder line and vertical, in degrees (0 = upright).

    Uses world landmarks (whose y axis points down, like the image) with image coordinates as
    fallback; both sides' midpoints are used so the value does not depend on facing direction.
    """
    names = ["left_shoulder", "right_shoulder", "left_hip", "right_hip"]
    vis = visibility(track, names)
    leans = []
    for use_world in (True, False):
        ls, rs, lh, rh = _points(track, names, use_world)
        up = (ls + rs) / 2 - (lh + rh) / 2
        vertical = np.broadcast_to(np.array([0.0, -1.0, 0.0]), up.shape)
        # Only x and y: image z is a weak depth guess; world z is fine but keeps parity.
        cols = slice(0, 3) if use_world else slice(0, 2)
        leans.append(angle_deg(up[:, cols], np.zeros_like(up[:, cols]), vertical[:, cols]))
    lean = np.where(np.isnan(leans[0]), leans[1], leans[0])
    return np.where(vis >= min_visibility, lean, np.nan)


def interpolate_gaps(x: np.ndarray, max_gap: int) -> np.ndarray:
    """Linearly fills NaN runs of at most max_gap samples that have valid values on both sides.

    Longer gaps and gaps at the ends stay NaN: inventing motion there would invent reps.
    """
    x = np.asarray(x, dtype=np.float64).copy()
    nan = np.isnan(x)
    if not nan.any() or nan.all():
        return x
    idx = np.arange(len(x))
    valid = idx[~nan]
    filled = np.interp(idx, valid, x[~nan])
    # Length of the NaN run each sample belongs to.
    edges = np.diff(np.concatenate([[0], nan.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    for s, e in zip(starts, ends, strict=True):
        if s > 0 and e < len(x) and e - s <= max_gap:
            x[s:e] = filled[s:e]
    return x


def savgol_coeffs(window: int, polyorder: int) -> np.ndarray:
    """Savitzky-Golay smoothing coefficients (centre point) via least squares in numpy."""
    if window % 2 == 0 or window < polyorder + 2:
        raise ValueError("window must be odd and larger than polyorder + 1")
    half = window // 2
    t = np.arange(-half, half + 1, dtype=np.float64)
    vander = np.vander(t, polyorder + 1, increasing=True)
    return np.linalg.pinv(vander)[0]


def smooth(x: np.ndarray, window: int, polyorder: int = 2) -> np.ndarray:
    """Zero-phase Savitzky-Golay smoothing that leaves NaN samples NaN.

    A centred filter introduces no lag, so rep boundaries and bottoms stay on their true frames,
    and a quadratic fit keeps the depth of a bottom better than a moving average would. Each
    finite run is filtered on its own (edges reflected); runs shorter than the window are kept.

    Args:
        x: Signal (n,).
        window: Odd window length in samples (forced odd, minimum polyorder + 2).
        polyorder: Polynomial order of the local fit.

    Returns:
        Smoothed signal (n,).
    """
    x = np.asarray(x, dtype=np.float64)
    window = max(int(window), polyorder + 2)
    if window % 2 == 0:
        window += 1
    coeffs = savgol_coeffs(window, polyorder)
    half = window // 2
    out = x.copy()
    finite = ~np.isnan(x)
    edges = np.diff(np.concatenate([[0], finite.astype(np.int8), [0]]))
    for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if e - s < window:
            continue
        run = x[s:e]
        padded = np.concatenate([run[half:0:-1], run, run[-2 : -half - 2 : -1]])
        out[s:e] = np.convolve(padded, coeffs[::-1], mode="valid")
    return out


def frames(seconds: float, fps: float) -> int:
    """Converts a duration to a whole number of frames (at least 1)."""
    return max(1, round(seconds * fps))
