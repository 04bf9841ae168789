"""Frame windows of a rep that rules look at."""

from __future__ import annotations

import numpy as np

from tools.faults.base import RuleContext
from tools.reps import Rep


def bottom_window(ctx: RuleContext, rep: Rep) -> tuple[int, int]:
    """Frames of the rep spent beyond the work threshold (the "bottom" of a down rep, the
    "top" of an up rep), falling back to a few frames around the extreme."""
    p = ctx.exercise.profile
    x = ctx.signal(p.signal).smooth[rep.start_frame : rep.end_frame + 1]
    beyond = x <= p.work_threshold if p.direction == "down" else x >= p.work_threshold
    idx = np.flatnonzero(np.nan_to_num(beyond, nan=0).astype(bool))
    if idx.size:
        return rep.start_frame + int(idx[0]), rep.start_frame + int(idx[-1])
    half = max(1, round(0.1 * ctx.track.fps))
    return max(rep.bottom_frame - half, 0), min(rep.bottom_frame + half, ctx.track.n_frames - 1)


def first_phase(rep: Rep) -> tuple[int, int]:
    """From the rep's start to its extreme (the descent of a squat, the pull of a deadlift)."""
    return rep.start_frame, rep.bottom_frame
