"""Range-of-motion rules: the rep's extreme of the primary signal against the profile's target.

Every rep-based exercise has a target extent (squat depth, push-up bottom, press lockout). A rep
is flagged when it stops short of the target by more than the profile's tolerance (which absorbs
the 3-5° error of MediaPipe angles). Severity grows with the shortfall beyond the tolerance:
minor up to MINOR_MAX, moderate up to MODERATE_MAX, severe beyond (in the signal's unit).
"""

from __future__ import annotations

from tools.faults.base import Rule, RuleContext, issue, rule, severity_for
from tools.vocabulary import SIGNAL_UNITS

MINOR_MAX = 10.0
MODERATE_MAX = 20.0

ALL_VIEWS = ("side", "front", "rear", "oblique")


def shortfalls(ctx: RuleContext):
    """Yields (rep, value, shortfall) for reps whose extreme misses target + tolerance."""
    p = ctx.exercise.profile
    key = p.rep_measures[0][0]
    for rep, measures in zip(ctx.reps, ctx.rep_measures, strict=True):
        value = measures.get(key)
        if value is None:
            continue
        short = value - p.target if p.direction == "down" else p.target - value
        if short > p.tolerance:
            yield rep, value, short


def extent_rule(name: str, issue_type: str, parts: tuple[str, ...], cue: str, views=ALL_VIEWS):
    """Registers a range-of-motion rule whose cue is formatted with rep, value, target, unit."""

    def check(ctx: RuleContext) -> list[dict]:
        r: Rule = ctx_rule
        p = ctx.exercise.profile
        unit = SIGNAL_UNITS.get(p.signal, "°")
        key = p.rep_measures[0][0]
        return [
            issue(
                ctx,
                r,
                severity=severity_for(short - p.tolerance, MINOR_MAX, MODERATE_MAX),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=rep.bottom_frame,
                cue=cue.format(rep=rep.index, value=value, target=p.target, unit=unit),
                measured={key: value},
                angle=value if unit == "°" else None,
                reps=[rep.index],
            )
            for rep, value, short in shortfalls(ctx)
        ]

    check.__doc__ = f"{issue_type}: the rep's extreme misses the profile's target."
    ctx_rule = rule(name, issue_type, views, parts)(check)
    return ctx_rule


extent_rule(
    "shallow_depth",
    "Shallow depth",
    ("hip", "knee", "ankle"),
    "Your knees bent only to {value:.0f}° at the bottom of rep {rep}; sit deeper until your "
    "thighs are parallel (about {target:.0f}°).",
)
extent_rule(
    "partial_range",
    "Partial range of motion",
    ("shoulder", "elbow", "wrist"),
    "In rep {rep} your elbows bent only to {value:.0f}°; lower until they reach about "
    "{target:.0f}° before pressing back up.",
)
extent_rule(
    "dip_depth",
    "Shallow depth",
    ("shoulder", "elbow", "wrist"),
    "In rep {rep} your elbows bent only to {value:.0f}°; lower until they reach about "
    "{target:.0f}°.",
)
extent_rule(
    "lateral_depth",
    "Shallow depth",
    ("hip", "knee", "ankle"),
    "In rep {rep} your bent knee reached only {value:.0f}°; sit further into the hip until it "
    "bends to about {target:.0f}°.",
)
extent_rule(
    "incomplete_curl",
    "Incomplete top",
    ("shoulder", "elbow", "wrist"),
    "In rep {rep} your elbow closed only to {value:.0f}° at the top; curl until it reaches "
    "about {target:.0f}°.",
)
extent_rule(
    "press_lockout",
    "Incomplete lockout",
    ("shoulder", "elbow", "wrist"),
    "In rep {rep} your elbows straightened only to {value:.0f}° overhead; press until your "
    "arms lock out (about {target:.0f}°).",
)
extent_rule(
    "hinge_lockout",
    "Incomplete lockout",
    ("shoulder", "hip", "knee"),
    "In rep {rep} your hips opened only to {value:.0f}° at the top; finish standing tall with "
    "the hips fully extended (about {target:.0f}°).",
    views=("side", "oblique"),
)
extent_rule(
    "incomplete_situp",
    "Partial range of motion",
    ("shoulder", "hip", "knee"),
    "In rep {rep} your hips closed only to {value:.0f}°; sit all the way up (about {target:.0f}°).",
    views=("side", "oblique"),
)
extent_rule(
    "arms_overhead",
    "Arms not overhead",
    ("hip", "shoulder", "elbow"),
    "In rep {rep} your arms rose only to {value:.0f}° from your sides; bring them fully "
    "overhead (about {target:.0f}°).",
    views=("front", "rear", "oblique"),
)
