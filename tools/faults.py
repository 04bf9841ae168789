"""Form-fault rules that turn per-rep measurements into coaching issues.

Each rule takes a RuleContext and returns issue dicts (camelCase, JSON-ready). Rules are
referenced by name from exercise profiles (AnalysisProfile.rules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tools.exercises import Exercise
from tools.findings import r1, r2
from tools.kinematics import visibility
from tools.pose import PoseTrack
from tools.reps import Rep

# Degrees above the depth target at which shallowness becomes moderate / severe.
MODERATE_OVER = 10.0
SEVERE_OVER = 20.0


@dataclass
class RuleContext:
    """Everything a rule may look at.

    Attributes:
        track: The pose track.
        exercise: The exercise being analysed.
        reps: Counted reps of the primary signal.
        rep_measures: Per-rep measurement dicts (same order as reps), e.g.
            {"kneeAngleBottom": 87.0, "hipAngleBottom": 80.2}.
    """

    track: PoseTrack
    exercise: Exercise
    reps: list[Rep]
    rep_measures: list[dict[str, float | None]]


def landmark_confidence(track: PoseTrack, names: list[str], start: int, end: int) -> float:
    """Confidence in a measurement over frames [start, end] from landmark visibility.

    It is the mean (over frames) of the lowest visibility among the landmarks, with frames
    without a pose counting as 0, so occlusion and dropouts both lower it.
    """
    vis = visibility(track, names)[start : end + 1]
    if vis.size == 0:
        return 0.0
    return float(np.clip(np.mean(np.nan_to_num(vis, nan=0.0)), 0.0, 1.0))


def shallow_depth(ctx: RuleContext) -> list[dict]:
    """Flags squat reps whose bottom knee angle stays above the depth target.

    A rep is flagged when its bottom knee angle exceeds target + tolerance (the tolerance absorbs
    the 3-5 deg error of MediaPipe knee angles). Severity grows with how far above the target the
    knee stayed: minor up to MODERATE_OVER deg, moderate up to SEVERE_OVER, severe beyond.
    """
    profile = ctx.exercise.profile
    key = profile.rep_measures[0][0]
    side_names = [f"{s}_{p}" for s in ("left", "right") for p in ("hip", "knee", "ankle")]
    issues = []
    for rep, measures in zip(ctx.reps, ctx.rep_measures, strict=True):
        bottom = measures.get(key)
        if bottom is None or bottom <= profile.target + profile.tolerance:
            continue
        over = bottom - profile.target
        severity = (
            "minor" if over <= MODERATE_OVER else "moderate" if over <= SEVERE_OVER else "severe"
        )
        # Confidence comes from the better-visible leg: the far leg in a side view is guessed.
        per_side = [
            landmark_confidence(ctx.track, side_names[i : i + 3], rep.start_frame, rep.end_frame)
            for i in (0, 3)
        ]
        issues.append(
            {
                "type": "Shallow depth",
                "severity": severity,
                "frameStart": rep.start_frame,
                "frameEnd": rep.end_frame,
                "coachingCue": (
                    f"Your knees bent only to {bottom:.0f}° at the bottom of rep {rep.index}; "
                    f"sit deeper until your thighs are parallel (about {profile.target:.0f}°)."
                ),
                "confidenceScore": r2(max(per_side)),
                "reps": [rep.index],
                "measured": {key: r1(bottom)},
            }
        )
    return issues


RULES: dict[str, Callable[[RuleContext], list[dict]]] = {
    "shallow_depth": shallow_depth,
}
