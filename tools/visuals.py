"""Keyframe images: the frame with the skeleton and the offending angle drawn on it.

render_keyframes seeks each keyframe's frame in the video, draws the pose (landmarks that were
not visible enough are left out rather than drawn where MediaPipe guessed them), highlights the
keyframe's joints, and for a three-joint angle draws its arc and value. One JPEG per keyframe.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from tools.kinematics import DEFAULT_MIN_VISIBILITY
from tools.landmarks import BONE_NAMES, LANDMARK
from tools.pose import PoseTrack
from tools.video import PROCESSING_ERROR, VideoError

BONE_COLOUR = (235, 235, 235)  # BGR
JOINT_COLOUR = (60, 200, 60)
HIGHLIGHT = (40, 60, 240)
JPEG_QUALITY = 88


def _read_frame(cap: cv2.VideoCapture, frame: int) -> np.ndarray | None:
    cap.set(cv2.CAP_PROP_POS_FRAMES, frame)
    ok, bgr = cap.read()
    return bgr if ok else None


def _points(track: PoseTrack, frame: int, shape: tuple[int, int]) -> dict[str, tuple[int, int]]:
    h, w = shape
    out = {}
    for name, i in LANDMARK.items():
        x, y, _, vis = track.landmarks[frame, i]
        if not np.isnan(x) and vis >= DEFAULT_MIN_VISIBILITY:
            out[name] = (int(round(x * w)), int(round(y * h)))
    return out


def _draw_angle(img, a, b, c, value: float, scale: float) -> None:
    """An arc at b between the rays to a and c, and the value next to it."""
    radius = int(40 * scale)
    a1 = math.degrees(math.atan2(a[1] - b[1], a[0] - b[0]))
    a2 = math.degrees(math.atan2(c[1] - b[1], c[0] - b[0]))
    sweep = (a2 - a1) % 360
    start, end = (a1, a1 + sweep) if sweep <= 180 else (a2, a2 + (360 - sweep))
    cv2.ellipse(img, b, (radius, radius), 0, start, end, HIGHLIGHT, max(2, int(3 * scale)))
    mid = math.radians((start + end) / 2)
    pos = (int(b[0] + 1.6 * radius * math.cos(mid)), int(b[1] + 1.6 * radius * math.sin(mid)))
    _text(img, f"{value:.0f}°", pos, scale)


def _text(img, text: str, org, scale: float) -> None:
    # OpenCV's Hershey fonts are ASCII only.
    text = text.replace("°", " deg").replace("–", "-").replace("—", "-")
    font, size, thick = cv2.FONT_HERSHEY_SIMPLEX, 0.8 * scale, max(1, int(2 * scale))
    cv2.putText(img, text, org, font, size, (0, 0, 0), thick + 3, cv2.LINE_AA)
    cv2.putText(img, text, org, font, size, (255, 255, 255), thick, cv2.LINE_AA)


def draw_keyframe(image: np.ndarray, track: PoseTrack, keyframe: dict) -> np.ndarray:
    """Draws the skeleton, the keyframe's joints, its angle and label on a BGR image copy."""
    img = image.copy()
    h, w = img.shape[:2]
    scale = max(0.5, min(w, h) / 720)
    pts = _points(track, keyframe["frame"], (h, w))
    for a, b in BONE_NAMES:
        if a in pts and b in pts:
            cv2.line(img, pts[a], pts[b], BONE_COLOUR, max(2, int(3 * scale)), cv2.LINE_AA)
    for p in pts.values():
        cv2.circle(img, p, max(3, int(4 * scale)), JOINT_COLOUR, -1, cv2.LINE_AA)
    joints = [j for j in keyframe.get("joints") or [] if j in pts]
    for a, b in zip(joints, joints[1:], strict=False):
        cv2.line(img, pts[a], pts[b], HIGHLIGHT, max(3, int(5 * scale)), cv2.LINE_AA)
    for j in joints:
        cv2.circle(img, pts[j], max(5, int(7 * scale)), HIGHLIGHT, -1, cv2.LINE_AA)
    angle = keyframe.get("angle")
    if angle is not None and len(joints) == 3:
        _draw_angle(img, pts[joints[0]], pts[joints[1]], pts[joints[2]], angle, scale)
    _text(img, keyframe.get("label", ""), (int(12 * scale), int(36 * scale)), scale)
    return img


def render_keyframes(
    video_path: str | Path, track: PoseTrack, keyframes: list[dict], out_dir: str | Path
) -> list[dict]:
    """Writes one annotated JPEG per keyframe and lists them.

    Args:
        video_path: The analysed video.
        track: Its pose track (the one the keyframes were picked from).
        keyframes: The findings' "keyframes".
        out_dir: Folder for the images (created if missing).

    Returns:
        [{...keyframe, "file": "keyframe_<frame>_<kind>.jpg", "width", "height"}] for the
        keyframes that could be read and written.

    Raises:
        VideoError: PROCESSING_ERROR if the video cannot be opened.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cap = cv2.VideoCapture(str(video_path))
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    if not cap.isOpened():
        raise VideoError(PROCESSING_ERROR, "the video could not be reopened to draw keyframes")
    written = []
    try:
        for kf in keyframes:
            frame = int(kf["frame"])
            if not 0 <= frame < track.n_frames:
                continue
            bgr = _read_frame(cap, frame)
            if bgr is None:
                continue
            img = draw_keyframe(bgr, track, kf)
            name = f"keyframe_{frame}_{kf['kind']}.jpg"
            ok = cv2.imwrite(str(out / name), img, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
            if ok:
                written.append({**kf, "file": name, "width": img.shape[1], "height": img.shape[0]})
    finally:
        cap.release()
    return written
