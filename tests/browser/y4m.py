"""A YUV4MPEG2 file for Chromium's fake camera, made from a real clip at test time.

Chromium plays the file from its first frame when the page opens the camera, at the header's
frame rate, and loops it. The person's recording starts after the app's countdown, so the clip
is framed by still frames of the person standing: ``lead_s`` before (longer than any countdown)
and ``tail_s`` after (time to press Stop before the file loops).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

WIDTH, HEIGHT, FPS = 640, 360, 30


@dataclass(frozen=True)
class FakeCamera:
    path: Path
    lead_s: float  # still frames before the clip
    clip_s: float  # the clip itself
    tail_s: float  # still frames after it


def _i420(frame):
    import cv2

    frame = cv2.resize(frame, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes()


def make_y4m(
    clip: Path, out: Path, start_s: float = 0.0, lead_s: float = 5.0, tail_s: float = 4.0
) -> FakeCamera:
    """Write ``clip`` from ``start_s`` on as 640×360 30 fps I420, framed by still frames."""
    import cv2

    cap = cv2.VideoCapture(str(clip))
    src_fps = cap.get(cv2.CAP_PROP_FPS)
    written = index = 0
    last = None
    # Streamed: 20 s at 640×360 is ~200 MB, too much to hold.
    with open(out, "wb") as f:
        f.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420\n".encode())
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            index += 1
            if (index - 1) / src_fps < start_s:
                continue
            last = _i420(frame)
            for _ in range(round(lead_s * FPS) + 1 if written == 0 else 1):
                f.write(b"FRAME\n" + last)
            written += 1
        for _ in range(round(tail_s * FPS)):
            f.write(b"FRAME\n" + last)
    cap.release()
    if last is None:
        raise ValueError(f"{clip} yielded no frames")
    # Played at exactly 30 fps, a 29.97 fps clip runs 0.1 % fast: immaterial here.
    return FakeCamera(out, lead_s, written / FPS, tail_s)
