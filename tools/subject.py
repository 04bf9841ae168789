"""Follow the main subject: drop frames where the tracker jumped to someone else.

MediaPipe Pose tracks one person. With bystanders or mirrors in the picture it can jump to
another body for a while; the landmarks then describe someone else and would add or hide reps.
A jump shows as the body's centre moving several torso lengths, or its size changing a lot,
between neighbouring frames. The track is cut into segments at the jumps; the segments that
match the longest one (same place and size) are the main subject; the rest are set to NaN.
"""

from __future__ import annotations

import numpy as np

from tools.geometry import midpoint, torso_length
from tools.pose import PoseTrack

# A centre jump of more than this many torso lengths within JUMP_WINDOW_S is a switch.
JUMP_TORSOS = 1.0
# A torso length changing by more than this factor within JUMP_WINDOW_S is a switch.
SCALE_JUMP = 1.6
JUMP_WINDOW_S = 0.15
# Segments whose median centre lies within this many torso lengths and whose size is within
# SCALE_JUMP of the main segment's are the same person (e.g. after a brief dropout).
SAME_PERSON_TORSOS = 1.5


def _segments(center: np.ndarray, scale: np.ndarray, times: np.ndarray) -> list[list[int]]:
    valid = np.flatnonzero(~np.isnan(center[:, 0]) & (scale > 0))
    segments: list[list[int]] = []
    prev = None
    for i in valid:
        if prev is not None and times[i] - times[prev] <= JUMP_WINDOW_S:
            jump = np.linalg.norm(center[i] - center[prev]) / scale[prev]
            ratio = max(scale[i], scale[prev]) / min(scale[i], scale[prev])
            if jump <= JUMP_TORSOS and ratio <= SCALE_JUMP:
                segments[-1].append(int(i))
                prev = i
                continue
        segments.append([int(i)])
        prev = i
    return segments


def _centre_and_scale(track: PoseTrack) -> tuple[np.ndarray, np.ndarray]:
    """The body's centre (hips, else shoulders) in pixels and its torso length, per frame."""
    center = midpoint(track, "hip")
    shoulders = midpoint(track, "shoulder")
    return np.where(np.isnan(center), shoulders, center), torso_length(track)


def segments(track: PoseTrack) -> list[list[int]]:
    """Frame indices of the runs in which the body moves continuously (no jump or cut)."""
    center, scale = _centre_and_scale(track)
    return _segments(center, scale, track.times_s)


def follow_main_subject(track: PoseTrack) -> tuple[PoseTrack, dict]:
    """Returns the track with other people's frames removed, and a summary.

    Returns:
        (track, {"switches": segment boundaries that were identity jumps, "framesDropped":
        frames set to NaN because they showed someone else}). The input is not modified; when
        nothing is dropped the same track object is returned.
    """
    center, scale = _centre_and_scale(track)
    runs = _segments(center, scale, track.times_s)
    if len(runs) <= 1:
        return track, {"switches": 0, "framesDropped": 0}
    main = max(runs, key=len)
    main_center = np.nanmedian(center[main], axis=0)
    main_scale = float(np.nanmedian(scale[main]))
    keep = np.zeros(track.n_frames, dtype=bool)
    for seg in runs:
        c = np.nanmedian(center[seg], axis=0)
        s = float(np.nanmedian(scale[seg]))
        same_place = np.linalg.norm(c - main_center) / main_scale <= SAME_PERSON_TORSOS
        same_size = max(s, main_scale) / max(min(s, main_scale), 1e-9) <= SCALE_JUMP
        # Very short segments are tracking glitches of the same person, not someone else.
        if (same_place and same_size) or len(seg) < 3:
            keep[seg] = True
    drop = track.detected & ~keep
    dropped = int(drop.sum())
    if dropped == 0:
        return track, {"switches": len(runs) - 1, "framesDropped": 0}
    landmarks, world = track.landmarks.copy(), track.world.copy()
    landmarks[drop] = np.nan
    world[drop] = np.nan
    cleaned = PoseTrack(
        landmarks=landmarks,
        world=world,
        timestamps_ms=track.timestamps_ms,
        fps=track.fps,
        width=track.width,
        height=track.height,
    )
    return cleaned, {"switches": len(runs) - 1, "framesDropped": dropped}
