"""A YUV4MPEG2 file for Chromium's fake camera, made from a real clip at test time.

Chromium plays the file from its first frame when the page opens the camera, at the header's
frame rate, and loops it. The person's recording starts after the app's countdown, so the clip
is framed by still frames of the person standing: ``lead_s`` before (longer than any countdown)
and ``tail_s`` after (time to press Stop before the file loops).

480×270 at 15 fps by default: MediaRecorder encodes in software, and on a loaded two-core
machine 640×360 at 30 fps made the encoder stall for seconds (whole reps missing from the
recording). The analysis counts the clip's reps at 15 fps as at 30.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FakeCamera:
    path: Path
    fps: int
    lead_s: float  # still frames before the clip
    clip_s: float  # the clip itself
    tail_s: float  # still frames after it


def make_y4m(
    clip: Path,
    out: Path,
    start_s: float = 0.0,
    lead_s: float = 5.0,
    tail_s: float = 4.0,
    size: tuple[int, int] = (480, 270),
    fps: int = 15,
) -> FakeCamera:
    """Write ``clip`` from ``start_s`` on as I420 at ``size`` and ``fps`` (each output frame is
    the source frame showing at its time), framed by still frames. Streamed: 20 s at 640×360
    would be ~200 MB."""
    import cv2

    cap = cv2.VideoCapture(str(clip))
    src_fps = cap.get(cv2.CAP_PROP_FPS)
    width, height = size

    def i420(frame) -> bytes:
        frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        return b"FRAME\n" + cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes()

    written = index = 0
    last = None
    with open(out, "wb") as f:
        # "C420" gives colour; "C420jpeg" came out grey (stack-facts).
        f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420\n".encode())
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            t = index / src_fps - start_s
            index += 1
            # Emit output frames whose time has come (the source frame shown at that time).
            while t >= 0 and written / fps <= t:
                last = i420(frame)
                if written == 0:
                    f.write(last * round(lead_s * fps))
                f.write(last)
                written += 1
        if last is None:
            raise ValueError(f"{clip} yielded no frames after {start_s} s")
        f.write(last * round(tail_s * fps))
    cap.release()
    return FakeCamera(out, fps, lead_s, written / fps, tail_s)
