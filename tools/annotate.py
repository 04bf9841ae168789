"""The annotated video (the spec's ``processed.mp4``) and the session's thumbnail.

Every frame of the original gets the skeleton, a rep counter and the labels of the issues whose
frame range covers it, and is encoded as H.264 (yuv420p, ``+faststart``: the index first, so a
browser starts playing before the download ends). Frames are streamed: memory stays flat
whatever the length. Long sides above MAX_SIDE are scaled down (720 p and 1080 p sources become
540 p), which bounds the cost (see benchmarks/processed_video.py) and the file size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from tools.landmarks import BONE_NAMES, LANDMARK
from tools.pose_wire import decode_frames
from tools.video import PROCESSING_ERROR, VideoError, VideoInfo, iter_frames, probe_video

MAX_SIDE = 960
CRF = 23
MIN_VISIBILITY = 0.5  # as the keyframes: a landmark MediaPipe only guessed is not drawn
THUMBNAIL_WIDTH = 480
# RGB (frames are RGB here).
BONE = (235, 235, 235)
JOINT = (60, 200, 60)
FAULT = (240, 60, 40)
SEVERITY_COLOUR = {"severe": (240, 60, 40), "moderate": (245, 160, 30), "minor": (240, 220, 60)}
# An issue shorter than this stays on screen this long, so its label can be read.
MIN_LABEL_S = 1.0
_BONES = [(LANDMARK[a], LANDMARK[b]) for a, b in BONE_NAMES]


@dataclass(frozen=True)
class AnnotatedVideo:
    """What render_annotated_video wrote.

    Attributes:
        path: The MP4 file.
        frames: Frames encoded.
        width: Encoded width in pixels.
        height: Encoded height in pixels.
        fps: Frame rate of the encoding.
    """

    path: Path
    frames: int
    width: int
    height: int
    fps: float


def output_size(width: int, height: int, max_side: int = MAX_SIDE) -> tuple[int, int]:
    """The encoded size: at most max_side on the long side, both even (yuv420p needs it)."""
    scale = min(1.0, max_side / max(width, height))
    w = max(2, int(round(width * scale / 2)) * 2)
    h = max(2, int(round(height * scale / 2)) * 2)
    return w, h


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour) -> None:
    # OpenCV's Hershey fonts are ASCII only.
    text = text.replace("°", " deg").replace("–", "-").replace("—", "-")
    text = text.encode("ascii", "replace").decode()
    font, size, thick = cv2.FONT_HERSHEY_SIMPLEX, 0.7 * scale, max(1, int(round(2 * scale)))
    cv2.putText(img, text, org, font, size, (0, 0, 0), thick + 3, cv2.LINE_AA)
    cv2.putText(img, text, org, font, size, colour, thick, cv2.LINE_AA)


def draw_skeleton(
    img: np.ndarray, points: np.ndarray, visibility: np.ndarray, scale: float, faulty: bool
) -> None:
    """Bones and joints of one frame's pose (pixel points of the image's own size), in place."""
    seen = ~np.isnan(points[:, 0]) & (visibility >= MIN_VISIBILITY)
    pts = np.nan_to_num(points).round().astype(np.int32)
    colour = FAULT if faulty else BONE
    thick = max(2, int(round(3 * scale)))
    for a, b in _BONES:
        if seen[a] and seen[b]:
            cv2.line(img, tuple(pts[a]), tuple(pts[b]), colour, thick, cv2.LINE_AA)
    radius = max(3, int(round(4 * scale)))
    for i in np.flatnonzero(seen):
        cv2.circle(img, tuple(pts[i]), radius, JOINT, -1, cv2.LINE_AA)


def _reps_done(reps: list[dict], n: int) -> np.ndarray:
    """Reps completed by each frame (a rep counts from its end frame on)."""
    done = np.zeros(n, dtype=np.int32)
    for rep in reps:
        end = rep.get("endFrame")
        if isinstance(end, int) and 0 <= end < n:
            done[end:] += 1
    return done


def _labels(issues: list[dict], n: int, fps: float) -> list[list[tuple[str, tuple]]]:
    """Per frame, the (text, colour) of the issues shown on it."""
    out: list[list[tuple[str, tuple]]] = [[] for _ in range(n)]
    hold = max(1, int(round(MIN_LABEL_S * fps)))
    for issue in issues:
        start, end = issue.get("frameStart"), issue.get("frameEnd")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        end = max(end, start + hold - 1)
        text = f"{issue.get('type', 'issue')} ({issue.get('severity', '')})"
        colour = SEVERITY_COLOUR.get(issue.get("severity"), FAULT)
        for i in range(max(0, start), min(n, end + 1)):
            if text not in (t for t, _ in out[i]):
                out[i].append((text, colour))
    return out


def annotate_frame(
    rgb: np.ndarray,
    points: np.ndarray,
    visibility: np.ndarray,
    rep_text: str,
    labels: list[tuple[str, tuple]],
) -> np.ndarray:
    """One output frame: the (already resized) RGB frame with everything drawn in place."""
    h, w = rgb.shape[:2]
    scale = max(0.5, min(w, h) / 720)
    draw_skeleton(rgb, points, visibility, scale, faulty=bool(labels))
    line = int(round(30 * scale))
    x = int(round(12 * scale))
    _text(rgb, rep_text, (x, line), scale * 1.2, (255, 255, 255))
    for k, (text, colour) in enumerate(labels[:4]):
        _text(rgb, text, (x, line * (k + 2) + line // 3), scale, colour)
    return rgb


def render_annotated_video(
    video_path: str | Path,
    pose: dict,
    reps: list[dict],
    issues: list[dict],
    out_path: str | Path,
    info: VideoInfo | None = None,
    max_side: int = MAX_SIDE,
    stop: Callable[[], bool] | None = None,
) -> AnnotatedVideo:
    """Writes the annotated H.264 MP4 of a video.

    Args:
        video_path: The analysed video.
        pose: Its pose track in tools.pose_wire's shape.
        reps: The report's reps (startFrame, endFrame, ...).
        issues: The report's issues (type, severity, frameStart, frameEnd).
        out_path: Where to write the MP4.
        info: probe_video's result, if known.
        max_side: Longest side of the output.
        stop: Asked before each frame; True abandons the work (PROCESSING_ERROR, no file).

    Returns:
        What was written.

    Raises:
        VideoError: From probing, or PROCESSING_ERROR if encoding fails.
    """
    import av  # Lazy: only the worker encodes.

    info = info or probe_video(video_path)
    points, visibility = decode_frames(pose)
    n_pose = points.shape[0]
    width, height = output_size(info.width, info.height, max_side)
    sx, sy = width / info.width, height / info.height
    expected = max(info.frame_count, n_pose)
    done = _reps_done(reps, expected + 1)
    total_reps = len(reps)
    labels = _labels(issues, expected + 1, info.fps)
    rate = Fraction(info.fps).limit_denominator(1001)
    out = Path(out_path)
    frames = 0
    try:
        with av.open(str(out), "w", format="mp4", options={"movflags": "+faststart"}) as container:
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.options = {"preset": "veryfast", "crf": str(CRF)}
            for index, _, rgb in iter_frames(video_path, info):
                if stop is not None and stop():
                    raise VideoError(PROCESSING_ERROR, "stopped before the end")
                if rgb.shape[1] != width or rgb.shape[0] != height:
                    # Linear: a third of INTER_AREA's cost at these ratios, and looks the same.
                    rgb = cv2.resize(rgb, (width, height), interpolation=cv2.INTER_LINEAR)
                if index < n_pose:
                    pts = points[index] * np.array([sx, sy], dtype=np.float32)
                    vis = visibility[index]
                else:
                    pts, vis = points[0] * np.nan, visibility[0] * 0
                i = min(index, len(labels) - 1)
                rep_text = f"Reps {int(done[i])}/{total_reps}" if total_reps else "Reps 0"
                frame = av.VideoFrame.from_ndarray(
                    annotate_frame(rgb, pts, vis, rep_text, labels[i]), format="rgb24"
                )
                for packet in stream.encode(frame):
                    container.mux(packet)
                frames += 1
            for packet in stream.encode():
                container.mux(packet)
    except VideoError:
        out.unlink(missing_ok=True)
        raise
    except Exception as exc:  # PyAV / libx264 errors have no common base worth naming.
        out.unlink(missing_ok=True)
        raise VideoError(PROCESSING_ERROR, f"could not encode the annotated video: {exc}") from exc
    if frames == 0:
        out.unlink(missing_ok=True)
        raise VideoError(PROCESSING_ERROR, "the video yielded no frames to annotate")
    return AnnotatedVideo(out, frames, width, height, float(rate))


def thumbnail_frame(pose: dict, reps: list[dict]) -> int:
    """The frame that shows the set best: the middle rep's bottom, else the middle posed frame."""
    bottoms = [r["bottomFrame"] for r in reps if isinstance(r.get("bottomFrame"), int)]
    if bottoms:
        return bottoms[len(bottoms) // 2]
    posed = [i for i, f in enumerate(pose["frames"]) if f is not None]
    if posed:
        return posed[len(posed) // 2]
    return int(pose["frameCount"]) // 2


def write_thumbnail(
    video_path: str | Path, pose: dict, frame: int, out_path: str | Path
) -> Path | None:
    """A JPEG of one frame with the skeleton, THUMBNAIL_WIDTH wide; None if it cannot be read."""
    cap = cv2.VideoCapture(str(video_path))
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    try:
        cap.set(cv2.CAP_PROP_POS_FRAMES, frame)
        ok, bgr = cap.read()
        if not ok:
            # Seeking is unreliable in headerless recordings: read up to the frame instead.
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            for _ in range(frame + 1):
                ok, bgr = cap.read()
                if not ok:
                    return None
    finally:
        cap.release()
    h, w = bgr.shape[:2]
    size = (THUMBNAIL_WIDTH, max(2, int(round(h * THUMBNAIL_WIDTH / w))))
    img = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    one = {**pose, "frameCount": 1, "frames": pose["frames"][frame : frame + 1] or [None]}
    points, visibility = decode_frames(one)
    if points.shape[0]:
        sx, sy = size[0] / float(pose["width"]), size[1] / float(pose["height"])
        scaled = points[0] * np.array([sx, sy], dtype=np.float32)
        rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        draw_skeleton(rgb, scaled, visibility[0], 0.6, faulty=False)
        img = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    out = Path(out_path)
    if not cv2.imwrite(str(out), img, [cv2.IMWRITE_JPEG_QUALITY, 82]):
        return None
    return out
