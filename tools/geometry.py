"""Planar measurements in the image for form rules: lines, leans, widths, facing.

Joint angles (tools.kinematics) come from 3D world landmarks; the measurements here are about
where body parts sit relative to each other *in the picture* (hips above or below the
shoulder-ankle line, knee past the toes, torso leaning back), which only a camera view at right
angles to the movement can show. Each rule states the views it needs. Coordinates are pixels
(x right, y down) so that both axes share a unit; gated landmarks are NaN.
"""

from __future__ import annotations

import warnings

import numpy as np

from tools.kinematics import DEFAULT_MIN_VISIBILITY, visibility
from tools.landmarks import LANDMARK
from tools.pose import PoseTrack

SIDES = ("left", "right")
# The knee landmark is the joint's centre; the front of the knee, which is what passes the toes
# when a coach sees it, is about half the knee's depth (~5 cm) further forward: a tenth of a
# shin (knee to ankle, ~40-45 cm in adults).
KNEE_FRONT_SHINS = 0.1
# Facing read per frame is a majority over this long a window, seconds.
FACING_WINDOW_S = 1.0


def px(track: PoseTrack, name: str, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> np.ndarray:
    """(n, 2) pixel position of a landmark; NaN where not visible enough."""
    lm = track.landmarks[:, LANDMARK[name]]
    xy = lm[:, :2].astype(np.float64) * np.array([track.width, track.height], dtype=np.float64)
    return np.where((lm[:, 3] >= min_visibility)[:, None], xy, np.nan)


def midpoint(track: PoseTrack, part: str) -> np.ndarray:
    """(n, 2) midpoint of the left and right landmark of a part, e.g. "hip"."""
    return (px(track, f"left_{part}") + px(track, f"right_{part}")) / 2


def nanmean(stack: np.ndarray, axis: int = 0) -> np.ndarray:
    """Mean ignoring NaN, all-NaN slices staying NaN without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(stack, axis=axis)


def best_side(track: PoseTrack, parts: tuple[str, ...]) -> np.ndarray:
    """Per frame, 0 for the left or 1 for the right side, whichever sees `parts` better."""
    vis = np.stack([visibility(track, [f"{s}_{p}" for p in parts]) for s in SIDES])
    return np.argmax(np.nan_to_num(vis, nan=-1.0), axis=0)


def per_best_side(track: PoseTrack, parts: tuple[str, ...], fn) -> np.ndarray:
    """fn(side) -> (n,) evaluated for both sides and picked per frame by best_side."""
    values = np.stack([fn(side) for side in SIDES])
    pick = best_side(track, parts)
    return values[pick, np.arange(track.n_frames)]


def facing(track: PoseTrack) -> int:
    """+1 if the person faces image right, -1 if left (for side views).

    The nose sits in front of the shoulders in nearly every exercise posture (standing,
    hinged, plank); the toes point forward when standing. The nose wins when it is seen.
    """
    nose = px(track, "nose")[:, 0] - midpoint(track, "shoulder")[:, 0]
    toes = nanmean(
        np.stack([px(track, f"{s}_foot_index")[:, 0] - px(track, f"{s}_heel")[:, 0] for s in SIDES])
    )
    for cue in (nose, toes):
        if np.any(~np.isnan(cue)):
            return 1 if np.nanmedian(cue) >= 0 else -1
    return 1


def facing_per_frame(track: PoseTrack) -> np.ndarray:
    """+1 / -1 per frame like facing(), NaN where neither the nose nor the toes are seen.

    Read from the nose (or toes) over a sliding FACING_WINDOW_S window, so a person who turns
    round is followed while a single frame with the head turned to the camera (the nose then
    sits over the shoulders and its side is a coin toss) does not flip the direction.
    """
    nose = px(track, "nose")[:, 0] - midpoint(track, "shoulder")[:, 0]
    shoulder = per_best_side(track, ("shoulder",), lambda s: px(track, f"{s}_shoulder")[:, 0])
    nose = np.where(np.isnan(nose), px(track, "nose")[:, 0] - shoulder, nose)
    toes = nanmean(
        np.stack([px(track, f"{s}_foot_index")[:, 0] - px(track, f"{s}_heel")[:, 0] for s in SIDES])
    )
    raw = np.sign(np.where(np.isnan(nose), toes, nose))
    half = max(int(round(FACING_WINDOW_S * track.fps / 2)), 0)
    if half == 0 or raw.size == 0:
        return raw
    padded = np.pad(raw, half, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    votes = np.nansum(windows, axis=1)
    return np.where(np.isnan(raw), np.nan, np.where(votes == 0, raw, np.sign(votes)))


def signed_deviation(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """How far b bends away from the straight line a-c, in degrees; + when b is above it.

    180 minus the angle abc, signed by whether b lies above (smaller image y) the line from a
    to c at b's position. Meaningful for bodies that are roughly horizontal (planks, push-ups).
    """
    ba, bc = a - b, c - b
    norm = np.linalg.norm(ba, axis=-1) * np.linalg.norm(bc, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(ba * bc, axis=-1) / norm
    bend = 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    ac = c - a
    # Cross product sign: is b on the "up" side of the directed line a->c?
    cross = ac[:, 0] * (b[:, 1] - a[:, 1]) - ac[:, 1] * (b[:, 0] - a[:, 0])
    up = np.where(ac[:, 0] >= 0, -1.0, 1.0) * np.sign(cross)
    return np.where(norm > 0, bend * np.where(up == 0, 1.0, up), np.nan)


def hip_deviation(track: PoseTrack) -> np.ndarray:
    """Hips above (+, pike) or below (-, sag) the shoulder-ankle line, degrees, per frame."""

    def one(side: str) -> np.ndarray:
        return signed_deviation(
            px(track, f"{side}_shoulder"), px(track, f"{side}_hip"), px(track, f"{side}_ankle")
        )

    return per_best_side(track, ("shoulder", "hip", "ankle"), one)


def head_deviation(track: PoseTrack) -> np.ndarray:
    """Head above (+) or dropped below (-) the line of the torso (hip -> shoulder), degrees.

    The ear's angle off the hip-shoulder line extended past the shoulder. Used for a dropped
    head in push-ups and, as a proxy, for upper-back rounding in hinges (the head and shoulders
    fall below the line of the lower torso when the upper back rounds).
    """

    def one(side: str) -> np.ndarray:
        hip, shoulder, ear = (px(track, f"{side}_{p}") for p in ("hip", "shoulder", "ear"))
        # A dropped head leaves the shoulder above the hip-ear line: a + bend, hence the minus.
        return -signed_deviation(hip, shoulder, ear)

    return per_best_side(track, ("hip", "shoulder", "ear"), one)


def signed_lean(track: PoseTrack, direction: int | np.ndarray | None = None) -> np.ndarray:
    """Torso angle from vertical in the image, degrees: + leaning forward, - leaning back.

    Forward is the facing direction (see facing). Hip and shoulder midpoints are used, falling
    back to the better-visible side's pair.
    """
    direction = facing(track) if direction is None else direction
    up = midpoint(track, "shoulder") - midpoint(track, "hip")
    side = per_best_side(
        track, ("shoulder", "hip"), lambda s: px(track, f"{s}_shoulder")[:, 0]
    ) - per_best_side(track, ("shoulder", "hip"), lambda s: px(track, f"{s}_hip")[:, 0])
    side_y = per_best_side(
        track, ("shoulder", "hip"), lambda s: px(track, f"{s}_shoulder")[:, 1]
    ) - per_best_side(track, ("shoulder", "hip"), lambda s: px(track, f"{s}_hip")[:, 1])
    dx = np.where(np.isnan(up[:, 0]), side, up[:, 0])
    dy = np.where(np.isnan(up[:, 1]), side_y, up[:, 1])
    return np.degrees(np.arctan2(direction * dx, -dy))


def width_ratio(track: PoseTrack, part: str, reference: str) -> np.ndarray:
    """Horizontal distance between left and right `part` over that of `reference`."""
    a = np.abs(px(track, f"left_{part}")[:, 0] - px(track, f"right_{part}")[:, 0])
    b = np.abs(px(track, f"left_{reference}")[:, 0] - px(track, f"right_{reference}")[:, 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 1.0, a / b, np.nan)


def foot_pitch(track: PoseTrack, side: str) -> np.ndarray:
    """Heel height over the toes as an angle, degrees (0 = flat; + heel raised)."""
    heel, toe = px(track, f"{side}_heel"), px(track, f"{side}_foot_index")
    return np.degrees(np.arctan2(toe[:, 1] - heel[:, 1], np.abs(toe[:, 0] - heel[:, 0]) + 1e-9))


def knee_past_toe(track: PoseTrack, side: str) -> np.ndarray:
    """How far the front of the knee is ahead of the toes, in shin lengths (- behind them).

    The front of the knee is the landmark (the joint's centre) plus KNEE_FRONT_SHINS. "Ahead"
    is the way the person faces around that frame (facing_per_frame), so it works facing
    either way; the nose is steadier for this than the small heel-to-toe vector.
    """
    knee, ankle = px(track, f"{side}_knee"), px(track, f"{side}_ankle")
    toe = px(track, f"{side}_foot_index")
    forward = facing_per_frame(track)
    shin = np.linalg.norm(knee - ankle, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        past = (knee[:, 0] - toe[:, 0]) * forward / shin + KNEE_FRONT_SHINS
    return np.where(shin > 1.0, past, np.nan)


def torso_length(track: PoseTrack) -> np.ndarray:
    """Pixel distance between the shoulder and hip midpoints (the body's scale in frame)."""
    return np.linalg.norm(midpoint(track, "shoulder") - midpoint(track, "hip"), axis=1)
