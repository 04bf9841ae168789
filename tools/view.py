"""Camera view (side / front / rear / oblique) and whether the body is in frame.

The view decides which faults can be judged at all: hips sagging shows from the side, knees
caving in from the front. It is read from the shoulders' (and hips') yaw in MediaPipe's world
coordinates, which are camera-aligned (x right, y down, z away from the camera): shoulders
square to the camera lie along x, shoulders seen from the side lie along z.
"""

from __future__ import annotations

import numpy as np

from tools.geometry import nanmean
from tools.kinematics import DEFAULT_MIN_VISIBILITY
from tools.landmarks import LANDMARK
from tools.pose import PoseTrack
from tools.vocabulary import JOINTS

# Median yaw at or below FRONT_MAX_DEG is a front/rear view, at or above SIDE_MIN_DEG a side
# view, in between oblique. Checked on the shared clips whose view SOURCES.md states.
FRONT_MAX_DEG = 30.0
SIDE_MIN_DEG = 62.0
# Landmarks closer than this (share of the frame) to an edge count as cut off.
EDGE_MARGIN = 0.01
# Below this share of frames with the needed joints in frame, the result warns.
BODY_IN_FRAME_OK = 0.8

GUIDANCE = {
    "side": "Filmed from the side: depth, hip line and lean are measured well; knee tracking "
    "and left/right balance need a front view.",
    "front": "Filmed from the front: knee tracking and left/right balance are measured well; "
    "hip line, lean and bar path need a side view.",
    "rear": "Filmed from behind: knee tracking and balance are measured; film from the side "
    "to judge depth, hip line and lean reliably.",
    "oblique": "Filmed at an angle: most checks are possible with lower confidence; a straight "
    "side or front view gives firmer measurements.",
    "unknown": "The camera view could not be determined.",
}


def _yaw_deg(track: PoseTrack, part: str) -> np.ndarray:
    left = track.world[:, LANDMARK[f"left_{part}"], :3].astype(np.float64)
    right = track.world[:, LANDMARK[f"right_{part}"], :3].astype(np.float64)
    d = left - right
    return np.degrees(np.arctan2(np.abs(d[:, 2]), np.abs(d[:, 0])))


def per_frame_yaw(track: PoseTrack) -> np.ndarray:
    """Yaw of the body to the camera per frame, degrees: 0 = square on, 90 = side on."""
    stack = np.stack([_yaw_deg(track, "shoulder"), _yaw_deg(track, "hip")])
    return nanmean(stack)


def detect_view(track: PoseTrack) -> dict:
    """Classifies the camera view over the frames with a pose.

    Returns:
        {"view": "side"|"front"|"rear"|"oblique"|"unknown", "yawDeg": median yaw,
        "facing": "left"|"right"|None (side views: which way the person faces in the image),
        "guidance": what this view can and cannot show}.
    """
    yaw = per_frame_yaw(track)
    if not np.any(~np.isnan(yaw)):
        return {"view": "unknown", "yawDeg": None, "facing": None, "guidance": GUIDANCE["unknown"]}
    median = float(np.nanmedian(yaw))
    if median >= SIDE_MIN_DEG:
        view = "side"
    elif median <= FRONT_MAX_DEG:
        # Facing the camera, the person's left shoulder appears on the image's right.
        ls = track.landmarks[:, LANDMARK["left_shoulder"], 0]
        rs = track.landmarks[:, LANDMARK["right_shoulder"], 0]
        view = "front" if np.nanmean(np.sign(ls - rs)) >= 0 else "rear"
    else:
        view = "oblique"
    from tools.geometry import facing

    facing_dir = None
    if view in ("side", "oblique"):
        facing_dir = "right" if facing(track) > 0 else "left"
    return {
        "view": view,
        "yawDeg": round(median, 1),
        "facing": facing_dir,
        "guidance": GUIDANCE[view],
    }


def needed_landmarks(joints: tuple[str, ...], sides: tuple[str, ...]) -> list[str]:
    """Landmark names of the joints on the given sides, without duplicates, in order."""
    names: list[str] = []
    for joint in joints:
        for side in sides:
            for part in JOINTS[joint]:
                name = f"{side}_{part}"
                if name not in names:
                    names.append(name)
    return names


def body_in_frame(track: PoseTrack, joints: tuple[str, ...], view: str) -> dict:
    """How often the joints an exercise needs are inside the picture and visible.

    In a side view only the near side is required (the far limbs are hidden behind the body
    by nature); otherwise both sides are.

    Returns:
        {"ok": bool, "share": share of frames with a pose where every needed landmark is in
        frame, "missing": landmarks most often out of frame or hidden, "guidance": str}.
    """
    detected = track.detected
    n = int(detected.sum())
    if n == 0:
        return {"ok": False, "share": 0.0, "missing": [], "guidance": "Nobody is in frame."}
    if view == "side":
        vis = {
            s: np.nanmean(track.landmarks[detected][:, [LANDMARK[f"{s}_hip"]], 3])
            for s in ("left", "right")
        }
        sides: tuple[str, ...] = (max(vis, key=vis.get),)
    else:
        sides = ("left", "right")
    names = needed_landmarks(joints, sides)
    lm = track.landmarks[detected][:, [LANDMARK[nm] for nm in names]]
    inside = (
        (lm[..., 0] >= EDGE_MARGIN)
        & (lm[..., 0] <= 1 - EDGE_MARGIN)
        & (lm[..., 1] >= EDGE_MARGIN)
        & (lm[..., 1] <= 1 - EDGE_MARGIN)
        & (lm[..., 3] >= DEFAULT_MIN_VISIBILITY)
    )
    share = float(inside.all(axis=1).mean())
    out_rate = 1.0 - inside.mean(axis=0)
    missing = [names[i] for i in np.argsort(-out_rate) if out_rate[i] > 1 - BODY_IN_FRAME_OK]
    ok = share >= BODY_IN_FRAME_OK
    if ok:
        guidance = "The joints this exercise needs are in frame."
    else:
        parts = ", ".join(m.replace("_", " ") for m in missing[:4]) or "some joints"
        guidance = (
            f"Only {share:.0%} of the frames show every joint this exercise needs "
            f"({parts} often out of frame or hidden); step back or move the camera so the "
            "whole body stays in the picture."
        )
    return {"ok": ok, "share": round(share, 2), "missing": missing[:6], "guidance": guidance}
