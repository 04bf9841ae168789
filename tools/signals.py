"""Named 1-D signals derived from a pose track, as referenced by exercise profiles."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tools.kinematics import (
    DEFAULT_MIN_VISIBILITY,
    JOINTS,
    angle_deg,
    bilateral_angle,
    frames,
    interpolate_gaps,
    joint_angle,
    smooth,
    torso_lean_deg,
    visibility,
)
from tools.landmarks import LANDMARK
from tools.pose import PoseTrack
from tools.vocabulary import SIGNAL_JOINT, SIGNAL_LABELS, SIGNAL_UNITS

# NaN runs up to this long are bridged: MediaPipe drops the odd frame mid-movement.
MAX_GAP_S = 0.5
# About a quarter of a rep's fastest phase; short enough to keep bottoms, long enough for jitter.
SMOOTH_WINDOW_S = 0.25


@dataclass
class Signal:
    """A per-frame signal and where it came from.

    Attributes:
        name: Signal name, e.g. "knee_angle".
        raw: (n,) values after visibility gating; NaN = not measured.
        smooth: (n,) gap-filled and zero-phase smoothed values, for counting and extremes.
        landmarks: Landmark names it depends on (for confidence from visibility).
        sides: Body sides used, e.g. ["left", "right"].
    """

    name: str
    raw: np.ndarray
    smooth: np.ndarray
    landmarks: list[str]
    sides: list[str]


def condition(raw: np.ndarray, fps: float) -> np.ndarray:
    """Bridges short gaps and smooths without lag (see MAX_GAP_S, SMOOTH_WINDOW_S)."""
    filled = interpolate_gaps(raw, frames(MAX_GAP_S, fps))
    return smooth(filled, frames(SMOOTH_WINDOW_S, fps))


def _bilateral(joint: str) -> Callable[[PoseTrack], tuple[np.ndarray, list[str]]]:
    def fn(track: PoseTrack) -> tuple[np.ndarray, list[str]]:
        return bilateral_angle(track, joint)

    return fn


def _elbow_flexion(track: PoseTrack) -> tuple[np.ndarray, list[str]]:
    angle, sides = bilateral_angle(track, "elbow")
    return 180.0 - angle, sides


def _extreme(joint: str, pick) -> Callable[[PoseTrack], tuple[np.ndarray, list[str]]]:
    """The more (nanmin) or less (nanmax) bent of the two sides' joint angles per frame."""

    def fn(track: PoseTrack) -> tuple[np.ndarray, list[str]]:
        both = np.stack([joint_angle(track, joint, s) for s in ("left", "right")])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # All-NaN frames stay NaN.
            return pick(both, axis=0), ["left", "right"]

    return fn


# In a lunge the front knee is the more bent one, and which leg leads can change per rep.
_front_knee = _extreme("knee", np.nanmin)


def _torso_lean(track: PoseTrack) -> tuple[np.ndarray, list[str]]:
    """Torso angle from vertical, degrees (0 upright, 90 horizontal), facing-independent."""
    return torso_lean_deg(track), ["left", "right"]


def _leg_spread(track: PoseTrack) -> tuple[np.ndarray, list[str]]:
    """Angle between the two legs (hip midpoint to each ankle), degrees; 0 = feet together.

    World coordinates make it independent of how far the person stands from the camera.
    """
    names = ["left_hip", "right_hip", "left_ankle", "right_ankle"]
    lh, rh, la, ra = (track.world[:, LANDMARK[n], :3].astype(np.float64) for n in names)
    hip = (lh + rh) / 2
    spread = angle_deg(la, hip, ra)
    return np.where(visibility(track, names) >= DEFAULT_MIN_VISIBILITY, spread, np.nan), [
        "left",
        "right",
    ]


def _pull_height(track: PoseTrack) -> tuple[np.ndarray, list[str]]:
    """How far the shoulders have risen towards the hands, in % of arm length.

    0 % = hanging with straight arms (shoulders one arm length below the wrists), 100 % =
    shoulders level with the wrists. Elbow angles are unreliable at the top of a pull-up (the
    head and bar occlude the arms), while shoulder and wrist heights stay well tracked.
    """
    scale = np.array([track.width, track.height], dtype=np.float64)
    per_side = []
    for side in ("left", "right"):
        names = [f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist"]
        sh, el, wr = (track.landmarks[:, LANDMARK[n], :2].astype(np.float64) * scale for n in names)
        arm = np.linalg.norm(sh - el, axis=1) + np.linalg.norm(el - wr, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            height = 100.0 * (1.0 - (sh[:, 1] - wr[:, 1]) / arm)  # image y grows downwards
        per_side.append(
            np.where(visibility(track, names) >= DEFAULT_MIN_VISIBILITY, height, np.nan)
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # All-NaN frames stay NaN.
        return np.nanmean(np.stack(per_side), axis=0), ["left", "right"]


LABELS = SIGNAL_LABELS
UNITS = SIGNAL_UNITS

SIGNALS: dict[str, Callable[[PoseTrack], tuple[np.ndarray, list[str]]]] = {
    "knee_angle": _bilateral("knee"),
    "hip_angle": _bilateral("hip"),
    "elbow_angle": _bilateral("elbow"),
    "elbow_flexion": _elbow_flexion,
    "front_knee_angle": _front_knee,
    "back_knee_angle": _extreme("knee", np.nanmax),
    "body_line": _bilateral("body_line"),
    "pull_height": _pull_height,
    "shoulder_angle": _bilateral("shoulder"),
    "ankle_angle": _bilateral("ankle"),
    "torso_lean": _torso_lean,
    "min_hip_angle": _extreme("hip", np.nanmin),
    "max_hip_angle": _extreme("hip", np.nanmax),
    "leg_spread": _leg_spread,
}

# Signals that are one joint's angle on each side: they have a left/right comparison.
BILATERAL = {
    "knee_angle": "knee",
    "hip_angle": "hip",
    "elbow_angle": "elbow",
    "shoulder_angle": "shoulder",
    "ankle_angle": "ankle",
    "body_line": "body_line",
}


def compute_signal(track: PoseTrack, name: str) -> Signal:
    """Computes a named signal (raw and conditioned) from a pose track.

    Args:
        track: The pose track.
        name: A key of SIGNALS.

    Returns:
        The signal.

    Raises:
        KeyError: Unknown signal name.
    """
    raw, sides = SIGNALS[name](track)
    parts = JOINTS[SIGNAL_JOINT[name]]
    landmarks = [f"{side}_{part}" for side in sides for part in parts]
    return Signal(
        name=name,
        raw=raw,
        smooth=condition(raw, track.fps),
        landmarks=landmarks,
        sides=sides,
    )


def side_series(track: PoseTrack, name: str) -> dict[str, np.ndarray] | None:
    """Each side's conditioned angle for a BILATERAL signal (None for other signals)."""
    joint = BILATERAL.get(name)
    if joint is None:
        return None
    return {s: condition(joint_angle(track, joint, s), track.fps) for s in ("left", "right")}
