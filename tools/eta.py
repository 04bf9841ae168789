"""How long an analysis will take, from the frames it will process (pure).

Every decoded frame goes through pose extraction, so the work is the clip's frame count, not
its duration: a 60 fps clip is twice the work of a 30 fps one of the same length. Before any
frame is timed the estimate uses a prior throughput; as frames complete, the measured
throughput takes over smoothly (the prior counts as ``PRIOR_WEIGHT_FRAMES`` frames of evidence).
"""

from __future__ import annotations

# Frames per second one worker analyses. Measured: the 5-minute 60 fps clip of issue 11,
# 18,000 frames in 624 s with two workers busy, is 28.8 frames/s.
PRIOR_FPS = 28.0
PRIOR_WEIGHT_FRAMES = 60
# Seconds outside the frame loop: opening the video, measuring, coaching, saving.
FIXED_S = 4.0
# For a container that states a duration but no frame count.
DEFAULT_CLIP_FPS = 30.0


def frames_per_second(
    frames_measured: int,
    elapsed_s: float,
    prior_fps: float = PRIOR_FPS,
    prior_weight: int = PRIOR_WEIGHT_FRAMES,
) -> float:
    """Throughput so far: the prior blended with ``frames_measured`` in ``elapsed_s``."""
    if frames_measured <= 0 or elapsed_s <= 0:
        return prior_fps
    seconds_per_frame = (prior_weight / prior_fps + elapsed_s) / (prior_weight + frames_measured)
    return 1.0 / seconds_per_frame


def remaining_seconds(
    frames_total: int, frames_done: int = 0, fps: float = PRIOR_FPS, fixed_s: float = FIXED_S
) -> float:
    """Seconds left: the frames still to process at ``fps``, plus the fixed steps."""
    return max(0, frames_total - frames_done) / max(fps, 1e-6) + fixed_s


def clip_frames(frame_count: int | None, duration_s: float | None) -> int:
    """Frames a clip will have processed, from what its container says."""
    if frame_count and frame_count > 0:
        return int(frame_count)
    return round((duration_s or 0.0) * DEFAULT_CLIP_FPS)
