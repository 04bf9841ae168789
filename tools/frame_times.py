"""Frame times read from a container's packets, for videos whose header does not say.

A browser recording (Chromium's ``MediaRecorder``, WebM with VP8/VP9) is written as a live
stream: no duration, no frame count, no cues. OpenCV then reports a nonsense frame count, yet
every frame decodes. The packets still carry each frame's presentation time, and reading them
costs a pass over the file's bytes without decoding a single frame (a 20 s recording: ~15 ms).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def packet_times_ms(path: str | Path) -> np.ndarray:
    """Presentation times of the first video stream's frames, in ms from the first frame.

    Args:
        path: Path of the video file.

    Returns:
        Sorted float64 array (n,) starting at 0; empty if the file has no video stream or its
        packets carry no times.
    """
    import av  # Lazy: only headerless recordings need it.

    with av.open(str(path)) as container:
        if not container.streams.video:
            return np.zeros(0)
        stream = container.streams.video[0]
        base = float(stream.time_base) if stream.time_base else 0.0
        pts = [
            packet.pts
            for packet in container.demux(stream)
            # The demuxer ends with an empty flush packet; only packets with bytes are frames.
            if packet.pts is not None and packet.size > 0
        ]
    if not pts or base <= 0:
        return np.zeros(0)
    times = np.sort(np.asarray(pts, dtype=np.float64)) * base * 1000.0
    return times - times[0]


def rate_of(times_ms: np.ndarray) -> float:
    """Average frame rate of a sequence of frame times (0.0 when it cannot be told)."""
    if times_ms.size < 2 or times_ms[-1] <= times_ms[0]:
        return 0.0
    return float((times_ms.size - 1) * 1000.0 / (times_ms[-1] - times_ms[0]))
