"""Video probing and streaming frame decoding with OpenCV.

This module never imports mediapipe so that the API process can validate uploads cheaply.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from tools.frame_times import packet_times_ms, rate_of

MAX_DURATION_S = 300.0
# A header claiming more than this is as good as no header (OpenCV turns a missing count into
# a huge number).
PLAUSIBLE_HEADER_S = 24 * 3600.0

UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
VALIDATION_ERROR = "VALIDATION_ERROR"
PROCESSING_ERROR = "PROCESSING_ERROR"


class VideoError(Exception):
    """A video could not be accepted or processed.

    Attributes:
        code: Machine-readable error code, e.g. "UNSUPPORTED_FORMAT", "VALIDATION_ERROR",
            "PROCESSING_ERROR" (subclasses may add their own).
        message: Human-readable explanation, safe to show to the user.
    """

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VideoInfo:
    """Basic facts about a decodable video.

    Attributes:
        path: Path of the video file.
        duration_s: Duration in seconds (frame_count / fps).
        fps: Frames per second reported by the container (the average rate when timing is
            "packets").
        frame_count: Number of frames reported by the container (counted from the packets when
            timing is "packets").
        width: Frame width in pixels after applying rotation metadata.
        height: Frame height in pixels after applying rotation metadata.
        rotation: Rotation metadata in degrees (0, 90, 180, 270).
        codec: FourCC code of the video stream, e.g. "avc1".
        timing: "header" when the container declares frame count and rate; "packets" when it
            does not (a browser recording) and they were read from the packets' times, which
            iter_frames then uses as the frame timestamps.
    """

    path: str
    duration_s: float
    fps: float
    frame_count: int
    width: int
    height: int
    rotation: int
    codec: str
    timing: str = "header"

    def to_dict(self) -> dict:
        """Returns the info as a plain JSON-serialisable dict."""
        return asdict(self)


def _open(path: str | Path) -> cv2.VideoCapture:
    cap = cv2.VideoCapture(str(path))
    # cv2 4.11 ignores phone rotation metadata unless asked; landmarks need upright frames.
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap


def _fourcc(cap: cv2.VideoCapture) -> str:
    code = int(cap.get(cv2.CAP_PROP_FOURCC))
    text = "".join(chr((code >> (8 * i)) & 0xFF) for i in range(4))
    return text.strip("\x00 ").strip() or "unknown"


def probe_video(path: str | Path) -> VideoInfo:
    """Opens a video, checks it can be decoded and reads its basic properties.

    The first frame is actually decoded because some codecs (AV1 here) open fine but
    never yield a frame.

    Args:
        path: Path of the video file.

    Returns:
        The video's properties.

    Raises:
        VideoError: UNSUPPORTED_FORMAT if the file is missing, cannot be opened or decoded, or
            has no frames or no frame rate; VALIDATION_ERROR if longer than MAX_DURATION_S.
    """
    p = Path(path)
    if not p.is_file():
        raise VideoError(UNSUPPORTED_FORMAT, f"file not found: {p.name}")
    cap = _open(p)
    try:
        if not cap.isOpened():
            raise VideoError(UNSUPPORTED_FORMAT, "the file is not a video format we can open")
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        frame_count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        rotation = int(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0) % 360
        codec = _fourcc(cap)
        ok, frame = cap.read()
        if not ok or frame is None:
            raise VideoError(
                UNSUPPORTED_FORMAT, f"could not decode the video stream (codec {codec!r})"
            )
        # The decoded frame already has rotation applied, so its shape is the upright size.
        height, width = frame.shape[:2]
    finally:
        cap.release()
    timing = "header"
    if fps <= 0 or frame_count <= 0 or frame_count / fps > PLAUSIBLE_HEADER_S:
        # No usable header (e.g. Chromium's MediaRecorder WebM): count the packets instead.
        timing = "packets"
        times = _packet_times(p)
        frame_count, fps = int(times.size), rate_of(times)
        if frame_count < 2 or fps <= 0:
            raise VideoError(UNSUPPORTED_FORMAT, "the video has no frames or no frame rate")
    duration_s = frame_count / fps
    if duration_s > MAX_DURATION_S:
        raise VideoError(
            VALIDATION_ERROR,
            f"video is {duration_s:.1f} s long; the maximum is {MAX_DURATION_S:.0f} s",
        )
    return VideoInfo(
        path=str(p),
        duration_s=duration_s,
        fps=fps,
        frame_count=frame_count,
        width=int(width),
        height=int(height),
        rotation=rotation,
        codec=codec,
        timing=timing,
    )


def _packet_times(path: Path) -> np.ndarray:
    try:
        return packet_times_ms(path)
    except Exception as exc:  # PyAV raises its own error classes (InvalidDataError, ...).
        message = f"could not read the video's frame times: {exc}"
        raise VideoError(UNSUPPORTED_FORMAT, message) from exc


def iter_frames(
    path: str | Path, info: VideoInfo | None = None, stride: int = 1
) -> Iterator[tuple[int, float, np.ndarray]]:
    """Streams decoded frames one at a time.

    Timestamps are computed from the frame index and fps rather than read from the
    container, so they are strictly increasing as MediaPipe's video mode requires. A video
    without a usable header (timing "packets") has no fixed rate to trust: its timestamps are
    the frames' own presentation times (from 0, forced strictly increasing).

    Args:
        path: Path of the video file.
        info: Result of probe_video, if already known (avoids probing twice).
        stride: Yield every stride-th frame (frames in between are still decoded).

    Yields:
        Tuples (frame_index, timestamp_ms, frame) with the frame as an RGB uint8 array.

    Raises:
        VideoError: UNSUPPORTED_FORMAT / VALIDATION_ERROR from probing, or PROCESSING_ERROR
            if the file cannot be reopened.
    """
    if stride < 1:
        raise ValueError("stride must be >= 1")
    info = info or probe_video(path)
    cap = _open(path)
    if not cap.isOpened():
        raise VideoError(PROCESSING_ERROR, "the video could not be reopened for decoding")
    own_times = info.timing == "packets"
    first, last = None, -1.0
    try:
        index = 0
        while True:
            # grab() skips the colour conversion for frames that stride drops.
            if not cap.grab():
                break
            ts = index * 1000.0 / info.fps
            if own_times:
                pos = float(cap.get(cv2.CAP_PROP_POS_MSEC))
                first = pos if first is None else first
                ts = max(pos - first, last + 1e-3) if index else 0.0
                last = ts
            if index % stride == 0:
                ok, bgr = cap.retrieve()
                if not ok or bgr is None:
                    break
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                yield index, ts, rgb
            index += 1
    finally:
        cap.release()
