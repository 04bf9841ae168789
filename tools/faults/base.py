"""The machinery shared by fault rules: context, registry, severity, confidence, issue dicts.

A rule is a function of a RuleContext returning issue dicts, registered with @rule together with
the camera views that can show its fault and the body parts it reads. tools.analysis runs a
rule only when the detected view is one of them; otherwise the result lists the check as not
possible, with the reason, instead of reporting the fault as absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tools.exercises import Exercise
from tools.findings import r1, r2
from tools.kinematics import visibility
from tools.pose import PoseTrack
from tools.reps import Rep
from tools.signals import Signal, compute_signal, condition

Severity = str  # "minor" | "moderate" | "severe"

# Confidence multiplier when the view can show the fault only at an angle.
OBLIQUE_FACTOR = 0.7


@dataclass
class RuleContext:
    """Everything a rule may look at.

    Attributes:
        track: The pose track (main subject only).
        exercise: The exercise being analysed.
        reps: Counted reps of the primary signal (empty for holds).
        rep_measures: Per-rep measurement dicts (same order as reps), e.g.
            {"kneeAngleBottom": 87.0, "hipAngleBottom": 80.2}.
        view: tools.view.detect_view's result.
        hold: (start, end) frames of the hold for hold exercises, else None.
    """

    track: PoseTrack
    exercise: Exercise
    reps: list[Rep]
    rep_measures: list[dict[str, float | None]]
    view: dict = field(default_factory=lambda: {"view": "unknown"})
    hold: tuple[int, int] | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def signal(self, name: str) -> Signal:
        """A named signal of tools.signals, computed once per context."""
        if name not in self._cache:
            self._cache[name] = compute_signal(self.track, name)
        return self._cache[name]

    def series(self, key: str, fn: Callable[[PoseTrack], np.ndarray]) -> np.ndarray:
        """fn(track), gap-filled and smoothed like the signals, computed once per context."""
        if key not in self._cache:
            self._cache[key] = condition(fn(self.track), self.track.fps)
        return self._cache[key]


@dataclass(frozen=True)
class Rule:
    """A registered fault rule.

    Attributes:
        name: Registry key, referenced by catalog profiles.
        issue: The issue type it reports, e.g. "Knee valgus".
        views: Camera views that can show the fault ("oblique" = with lower confidence).
        parts: Body parts it reads, e.g. ("hip", "knee", "ankle"); their visibility sets the
            confidence.
        fn: The rule function.
    """

    name: str
    issue: str
    views: tuple[str, ...]
    parts: tuple[str, ...]
    fn: Callable[[RuleContext], list[dict]]

    def __call__(self, ctx: RuleContext) -> list[dict]:
        return self.fn(ctx)


RULES: dict[str, Rule] = {}


def rule(name: str, issue: str, views: tuple[str, ...], parts: tuple[str, ...]):
    """Registers the decorated function as a fault rule (see Rule)."""

    def register(fn: Callable[[RuleContext], list[dict]]) -> Rule:
        if name in RULES:
            raise ValueError(f"fault rule {name!r} registered twice")
        RULES[name] = Rule(name=name, issue=issue, views=views, parts=parts, fn=fn)
        return RULES[name]

    return register


def severity_for(excess: float, minor_max: float, moderate_max: float) -> Severity:
    """ "minor" up to minor_max past the threshold, "moderate" up to moderate_max, else "severe"."""
    if excess <= minor_max:
        return "minor"
    return "moderate" if excess <= moderate_max else "severe"


def landmark_confidence(track: PoseTrack, names: list[str], start: int, end: int) -> float:
    """Confidence in a measurement over frames [start, end] from landmark visibility.

    It is the mean (over frames) of the lowest visibility among the landmarks, with frames
    without a pose counting as 0, so occlusion and dropouts both lower it.
    """
    vis = visibility(track, names)[start : end + 1]
    if vis.size == 0:
        return 0.0
    return float(np.clip(np.mean(np.nan_to_num(vis, nan=0.0)), 0.0, 1.0))


def view_factor(view: str, views: tuple[str, ...]) -> float:
    """How much a view can be trusted to show a fault that the rule's views can show."""
    if view == "oblique" or view not in views:
        return OBLIQUE_FACTOR
    return 1.0


def confidence(ctx: RuleContext, r: Rule, start: int, end: int) -> tuple[float, str]:
    """(confidence, side) from the better-visible side of the rule's parts and the view."""
    best, side = 0.0, "left"
    for s in ("left", "right"):
        c = landmark_confidence(ctx.track, [f"{s}_{p}" for p in r.parts], start, end)
        if c > best:
            best, side = c, s
    return best * view_factor(ctx.view.get("view", "unknown"), r.views), side


def issue(
    ctx: RuleContext,
    r: Rule,
    *,
    severity: Severity,
    start: int,
    end: int,
    frame: int,
    cue: str,
    measured: dict[str, float],
    angle: float | None = None,
    reps: list[int] | None = None,
    both_sides: bool = False,
) -> dict:
    """Builds an issue dict.

    Args:
        ctx: The rule context.
        r: The rule reporting it.
        severity: "minor", "moderate" or "severe".
        start: First frame of the fault.
        end: Last frame of the fault.
        frame: The worst frame (for the keyframe).
        cue: Coaching cue quoting the measurement.
        measured: The measurement(s), e.g. {"kneeWidthRatio": 0.62}.
        angle: The angle to draw on the keyframe, if the measurement is one.
        reps: 1-based rep numbers affected.
        both_sides: Highlight both sides' joints (left/right comparisons).

    Returns:
        {type, severity, frameStart, frameEnd, coachingCue, confidenceScore, reps, measured,
        frame, joints, angle, rule}.
    """
    conf, side = confidence(ctx, r, start, end)
    sides = ("left", "right") if both_sides else (side,)
    return {
        "type": r.issue,
        "severity": severity,
        "frameStart": int(start),
        "frameEnd": int(end),
        "coachingCue": cue,
        "confidenceScore": r2(conf),
        "reps": list(reps or []),
        "measured": {k: r2(v) if abs(v) < 10 else r1(v) for k, v in measured.items()},
        "frame": int(frame),
        "joints": [f"{s}_{p}" for s in sides for p in r.parts],
        "angle": r1(angle),
        "rule": r.name,
    }


def worst(series: np.ndarray, start: int, end: int, mode: str) -> tuple[float | None, int]:
    """(value, frame) of the max ("max") or min ("min") of series within [start, end]."""
    window = series[start : end + 1]
    if window.size == 0 or np.all(np.isnan(window)):
        return None, start
    k = int(np.nanargmax(window) if mode == "max" else np.nanargmin(window))
    return float(window[k]), start + k


def runs(mask: np.ndarray, min_len: int) -> list[tuple[int, int]]:
    """(start, end) inclusive of True runs at least min_len long."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(s), int(e - 1)) for s, e in zip(starts, ends, strict=True) if e - s >= min_len]
