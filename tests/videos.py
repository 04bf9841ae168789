"""Small generated videos for tests that need a decodable file but no particular person."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def blank_video(path: Path, seconds: float = 1.0, fps: int = 10, size=(160, 120)) -> Path:
    """An MP4 (mpeg4 part 2) of a plain grey frame: decodable, with nobody in it."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    frame = np.full((size[1], size[0], 3), 90, np.uint8)
    for _ in range(int(seconds * fps)):
        writer.write(frame)
    writer.release()
    return path
