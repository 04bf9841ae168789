"""Generic checks: what every exercise is judged on, whatever fault rules it has.

The named fault rules (tools.faults.lower, upper, ...) know one exercise family's typical
faults; many catalog exercises have none. These checks need only the exercise's profile (its
primary signal, direction, target and mode), so every exercise is judged on something real:

- reps: full range against the exercise's own target (`full_range`), rep-to-rep consistency of
  depth (`depth_consistency`) and tempo (`tempo_consistency`), a controlled lowering
  (`eccentric_control`) and left/right symmetry where the view shows both sides (`symmetry`);
- holds: the position against its target (`hold_position`) and steadiness (`hold_steadiness`).

A check that a named rule of the profile already makes (an extent rule measures the range, the
squat's asymmetry rule the symmetry, the plank's hip rules the position) is left to that rule,
so nothing is counted twice. A check that applies but cannot be judged (a side view for
symmetry, too few reps to compare) raises NotJudged with the reason, which tools.analysis
lists in `checks`. Thresholds are module constants, documented in docs/form-rules.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tools.exercises import Exercise
from tools.faults.base import Rule, RuleContext, issue, severity_for
from tools.faults.extent import shortfalls
from tools.signals import side_series
from tools.vocabulary import JOINTS, SIGNAL_JOINT, SIGNAL_LABELS, SIGNAL_UNITS

# Rep-to-rep comparisons need this many reps: with two, either could be the odd one out.
MIN_REPS_TO_COMPARE = 3
# A rep whose extreme falls short of the set's median extreme by more than this (in the
# signal's unit: degrees, or percentage points of pull height) is inconsistent. Three times
# MediaPipe's 3-5° angle error, so noise alone does not trip it.
DEPTH_SPREAD_MAX = 15.0
# A rep lasting this many times longer, or shorter, than the set's median rep breaks the tempo;
# the difference must also exceed TEMPO_MIN_DIFF_S (a few frames are not a change of tempo).
TEMPO_RATIO_MAX = 1.5
TEMPO_MIN_DIFF_S = 0.3
# The lowering phase should take at least this long unless it is about as slow as the lifting:
# a lowering under ECCENTRIC_MIN_S that is also clearly faster than the lift (under
# ECCENTRIC_FASTER_RATIO of its time; the margin absorbs the frame or two by which the split at
# the rep's extreme can move) is a drop, not a controlled eccentric. Fast, even reps pass.
ECCENTRIC_MIN_S = 0.5
ECCENTRIC_FASTER_RATIO = 0.75
# Left and right angles of the primary joint differing by more than this at the rep's extreme.
# The same threshold as the squat's asymmetry rule (two angles, each with a 3-5° error).
SYMMETRY_MAX_DEG = 15.0
# Each side must move through at least this share of the rep's range for the sides to be
# compared: otherwise they move one at a time (alternating curls), which is not an imbalance.
SYMMETRY_MIN_SIDE_SHARE = 0.5
# Shaking in a hold: the median distance of the primary signal from its own 1-second running
# median. Slow changes of position (a sag that lasts, which the plank's hip rules report, or a
# drift off the target, which hold_position reports) barely move it; a wobble moves it on
# every frame. Above this, in degrees, the hold is unsteady (an oscillation of about ±4°;
# MediaPipe's smoothed jitter is about 1°).
HOLD_WOBBLE_MAX_DEG = 3.0
WOBBLE_WINDOW_S = 1.0

# Named rules that already make a generic check.
RANGE_RULES = frozenset(
    {
        "shallow_depth",
        "partial_range",
        "dip_depth",
        "lateral_depth",
        "incomplete_curl",
        "press_lockout",
        "hinge_lockout",
        "incomplete_situp",
        "arms_overhead",
        "lunge_knee_range",
        "chin_over_bar",
    }
)
SUPERSEDED_BY = {
    "full_range": RANGE_RULES,
    "symmetry": frozenset({"squat_asymmetry"}),
    "hold_position": frozenset({"plank_hips_high", "plank_hips_low"}),
}
ALL_VIEWS = ("side", "front", "rear", "oblique")


class NotJudged(Exception):  # noqa: N818  (a verdict, not an error)
    """The check applies to the exercise but could not be judged here; the message says why."""


@dataclass(frozen=True)
class GenericCheck:
    """A generic check.

    Attributes:
        name: Its name in `checks` and in tools.drills.
        issue: The issue type it reports.
        mode: "reps" or "hold": the exercises it applies to.
        fn: (ctx, rule) -> issues; raises NotJudged when it cannot judge.
        applies: Further condition on the profile (e.g. judge_tempo).
    """

    name: str
    issue: str
    mode: str
    fn: Callable[[RuleContext, Rule], list[dict]]
    applies: Callable[[Exercise], bool] = lambda exercise: True

    def applies_to(self, exercise: Exercise) -> bool:
        """Whether the exercise is judged on this check (not left to one of its rules)."""
        p = exercise.profile
        if p.mode != self.mode or not self.applies(exercise):
            return False
        return not SUPERSEDED_BY.get(self.name, frozenset()) & set(p.rules)

    def rule_for(self, exercise: Exercise) -> Rule:
        """A Rule for tools.faults.base.issue: the primary joint's landmarks give confidence."""
        parts = JOINTS[SIGNAL_JOINT[exercise.profile.signal]]
        return Rule(self.name, self.issue, ALL_VIEWS, parts, lambda ctx: [])

    def __call__(self, ctx: RuleContext) -> list[dict]:
        return self.fn(ctx, self.rule_for(ctx.exercise))


GENERIC: dict[str, GenericCheck] = {}


def generic(name: str, issue_type: str, mode: str = "reps", applies=None):
    """Registers the decorated function as a generic check (see GenericCheck)."""

    def register(fn: Callable[[RuleContext, Rule], list[dict]]) -> GenericCheck:
        if name in GENERIC:
            raise ValueError(f"generic check {name!r} registered twice")
        GENERIC[name] = GenericCheck(name, issue_type, mode, fn, applies or (lambda e: True))
        return GENERIC[name]

    return register


def checks_for(exercise: Exercise) -> list[GenericCheck]:
    """The generic checks an exercise is judged on, in a fixed order."""
    return [c for c in GENERIC.values() if c.applies_to(exercise)]


def _unit(ctx: RuleContext) -> str:
    return SIGNAL_UNITS.get(ctx.exercise.profile.signal, "°")


def _label(ctx: RuleContext) -> str:
    return SIGNAL_LABELS[ctx.exercise.profile.signal].lower()


def _phase(ctx: RuleContext) -> str:
    """Where the rep's extreme is, as its measure names it ("kneeAngleBottom", "hipAngleTop")."""
    p = ctx.exercise.profile
    key = p.rep_measures[0][0].lower()
    if key.endswith("top"):
        return "top"
    if key.endswith("bottom"):
        return "bottom"
    return "bottom" if p.direction == "down" else "top"


def _amount(value: float, unit: str) -> str:
    """A difference in the signal's unit: degrees, or percentage points for a % signal."""
    return f"{value:.0f} points" if unit == "%" else f"{value:.0f}{unit}"


def _in_profile_view(ctx: RuleContext, what: str) -> None:
    p, view = ctx.exercise.profile, ctx.view.get("view", "unknown")
    if view != "unknown" and view not in p.views:
        seen = " or ".join(v for v in p.views if v != "oblique") or "different"
        raise NotJudged(
            f"{what} of a {ctx.exercise.name.lower()} can only be judged from a {seen} view; "
            f"this video is filmed from the {view}"
        )


def _enough_reps(ctx: RuleContext, what: str) -> None:
    n = len(ctx.reps)
    if n < MIN_REPS_TO_COMPARE:
        raise NotJudged(
            f"{what} needs at least {MIN_REPS_TO_COMPARE} reps to compare; this set has {n}"
        )


@generic("full_range", "Partial range of motion")
def full_range(ctx: RuleContext, r: Rule) -> list[dict]:
    """A rep's extreme short of the exercise's own target by more than its tolerance."""
    _in_profile_view(ctx, "the range of motion")
    p, unit = ctx.exercise.profile, _unit(ctx)
    key = p.rep_measures[0][0]
    name = ctx.exercise.name.lower()
    return [
        issue(
            ctx,
            r,
            severity=severity_for(short - p.tolerance, 10.0, 20.0),
            start=rep.start_frame,
            end=rep.end_frame,
            frame=rep.bottom_frame,
            cue=(
                f"In rep {rep.index} your {_label(ctx)} reached only {value:.0f}{unit} at the "
                f"{_phase(ctx)}; a full {name} reaches about {p.target:.0f}{unit}, so finish "
                "every rep through the whole range."
            ),
            measured={key: value},
            angle=value if unit == "°" else None,
            reps=[rep.index],
        )
        for rep, value, short in shortfalls(ctx)
    ]


@generic("depth_consistency", "Inconsistent depth")
def depth_consistency(ctx: RuleContext, r: Rule) -> list[dict]:
    """A rep's extreme short of the set's median by more than DEPTH_SPREAD_MAX.

    Reps that also miss the exercise's target are left to the range check (full_range or the
    exercise's extent rule), which already reports them.
    """
    what = "depth consistency" if ctx.exercise.profile.direction == "down" else "range consistency"
    _enough_reps(ctx, what)
    p, unit = ctx.exercise.profile, _unit(ctx)
    key = p.rep_measures[0][0]
    sign = 1.0 if p.direction == "down" else -1.0  # + = less range
    values = [m.get(key) for m in ctx.rep_measures]
    valid = [v for v in values if v is not None]
    if len(valid) < MIN_REPS_TO_COMPARE:
        raise NotJudged(f"{what} needs the {_phase(ctx)} of at least 3 reps; too few were seen")
    median = float(np.median(valid))
    missed = {rep.index for rep, _, _ in shortfalls(ctx)}
    out = []
    for rep, value in zip(ctx.reps, values, strict=True):
        if value is None or rep.index in missed:
            continue
        short = sign * (value - median)
        if short <= DEPTH_SPREAD_MAX:
            continue
        out.append(
            issue(
                ctx,
                r,
                severity=severity_for(short - DEPTH_SPREAD_MAX, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=rep.bottom_frame,
                cue=(
                    f"Rep {rep.index} stopped {_amount(short, unit)} short of your typical rep "
                    f"({_label(ctx)} {value:.0f}{unit} against {median:.0f}{unit}); give every "
                    "rep the same range."
                ),
                measured={key: value, "setMedian": median, "shortOfMedian": short},
                angle=value if unit == "°" else None,
                reps=[rep.index],
            )
        )
    return out


def _judges_tempo(exercise: Exercise) -> bool:
    return exercise.profile.judge_tempo


@generic("tempo_consistency", "Inconsistent tempo", applies=_judges_tempo)
def tempo_consistency(ctx: RuleContext, r: Rule) -> list[dict]:
    """A rep lasting TEMPO_RATIO_MAX times longer or shorter than the set's median rep."""
    _enough_reps(ctx, "tempo consistency")
    durations = [rep.duration_s for rep in ctx.reps]
    median = float(np.median(durations))
    out = []
    for rep in ctx.reps:
        d = rep.duration_s
        ratio = max(d, 1e-6) / median if d >= median else median / max(d, 1e-6)
        if ratio <= TEMPO_RATIO_MAX or abs(d - median) <= TEMPO_MIN_DIFF_S:
            continue
        if d > median:
            text = (
                f"Rep {rep.index} took {d:.1f} s against your typical {median:.1f} s; a rep "
                "that slows down this much is a sign of fatigue, so stop the set a rep earlier "
                "or lighten the load."
            )
        else:
            text = (
                f"Rep {rep.index} took only {d:.1f} s against your typical {median:.1f} s; "
                "keep the same controlled pace on every rep."
            )
        out.append(
            issue(
                ctx,
                r,
                severity="minor" if ratio <= 2 * TEMPO_RATIO_MAX else "moderate",
                start=rep.start_frame,
                end=rep.end_frame,
                frame=rep.bottom_frame,
                cue=text,
                measured={"durationS": d, "setMedianS": median},
                reps=[rep.index],
            )
        )
    return out


@generic("eccentric_control", "Rushed lowering", applies=_judges_tempo)
def eccentric_control(ctx: RuleContext, r: Rule) -> list[dict]:
    """The lowering under ECCENTRIC_MIN_S and under ECCENTRIC_FASTER_RATIO of the lift's time."""
    out = []
    for rep, m in zip(ctx.reps, ctx.rep_measures, strict=True):
        ecc, con = m.get("eccentricS"), m.get("concentricS")
        if ecc is None or con is None:
            continue
        if ecc >= ECCENTRIC_MIN_S or ecc >= ECCENTRIC_FASTER_RATIO * con:
            continue
        start, end = (
            (rep.start_frame, rep.bottom_frame)
            if ctx.exercise.profile.starts_eccentric
            else (rep.bottom_frame, rep.end_frame)
        )
        out.append(
            issue(
                ctx,
                r,
                severity=severity_for(ECCENTRIC_MIN_S - ecc, 0.15, 0.3),
                start=start,
                end=end,
                frame=start,
                cue=(
                    f"In rep {rep.index} the lowering took {ecc:.2f} s against {con:.2f} s "
                    f"for the lift; lower under control, taking at least {ECCENTRIC_MIN_S:g} s."
                ),
                measured={"eccentricS": ecc, "concentricS": con},
                reps=[rep.index],
            )
        )
    return out


def _judges_symmetry(exercise: Exercise) -> bool:
    return exercise.profile.judge_symmetry


@generic("symmetry", "Left/right imbalance", applies=_judges_symmetry)
def symmetry(ctx: RuleContext, r: Rule) -> list[dict]:
    """Left and right primary angles differing by more than SYMMETRY_MAX_DEG at the extreme."""
    if ctx.view.get("view") == "side":
        raise NotJudged("left/right balance needs a front or rear view (the far side is hidden)")
    sides = side_series(ctx.track, ctx.exercise.profile.signal)
    if sides is None:
        raise NotJudged(
            "the movement is measured on one side at a time (alternating legs or a height)"
        )
    left, right = sides["left"], sides["right"]
    compared = 0
    out = []
    for rep in ctx.reps:
        f, s, e = rep.bottom_frame, rep.start_frame, rep.end_frame
        lw, rw = left[s : e + 1], right[s : e + 1]
        if np.isnan(left[f]) or np.isnan(right[f]) or np.isnan(lw).all() or np.isnan(rw).all():
            continue
        swing = max(float(np.nanmax(lw) - np.nanmin(lw)), float(np.nanmax(rw) - np.nanmin(rw)))
        lesser = min(float(np.nanmax(lw) - np.nanmin(lw)), float(np.nanmax(rw) - np.nanmin(rw)))
        if swing <= 0 or lesser < SYMMETRY_MIN_SIDE_SHARE * swing:
            continue  # One side at a time: alternating, not imbalanced.
        compared += 1
        diff = abs(float(left[f] - right[f]))
        if diff <= SYMMETRY_MAX_DEG:
            continue
        # The side nearer the rest position moved less.
        down = ctx.exercise.profile.direction == "down"
        less = "left" if (left[f] > right[f]) == down else "right"
        joint = SIGNAL_JOINT[ctx.exercise.profile.signal].replace("_", " ")
        out.append(
            issue(
                ctx,
                r,
                severity=severity_for(diff - SYMMETRY_MAX_DEG, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=f,
                cue=(
                    f"At the {_phase(ctx)} of rep {rep.index} your {less} {joint} moved "
                    f"{diff:.0f}° less than the other; work both sides evenly."
                ),
                measured={"leftRightDifferenceDeg": diff},
                angle=diff,
                reps=[rep.index],
                both_sides=True,
            )
        )
    if not compared:
        raise NotJudged(
            "the two sides were not both seen moving through the reps (one was hidden, or they "
            "moved one at a time)"
        )
    return out


def _hold_window(ctx: RuleContext) -> tuple[int, int, np.ndarray]:
    if ctx.hold is None:
        raise NotJudged("the position was never held")
    start, end = ctx.hold
    window = ctx.signal(ctx.exercise.profile.signal).smooth[start : end + 1]
    if np.isnan(window).all():
        raise NotJudged("the measured joints were not visible during the hold")
    return start, end, window


@generic("hold_position", "Position off target", mode="hold")
def hold_position(ctx: RuleContext, r: Rule) -> list[dict]:
    """The hold's average of the primary signal beyond the target by more than the tolerance.

    The target is a floor (at least) when the profile has no hold_max, else a ceiling.
    """
    _in_profile_view(ctx, "the position")
    start, end, window = _hold_window(ctx)
    p, unit = ctx.exercise.profile, _unit(ctx)
    mean = float(np.nanmean(window))
    at_least = p.hold_max is None
    excess = (p.target - mean) if at_least else (mean - p.target)
    if excess <= p.tolerance:
        return []
    worst_k = int(np.nanargmin(window) if at_least else np.nanargmax(window))
    return [
        issue(
            ctx,
            r,
            severity=severity_for(excess - p.tolerance, 10.0, 20.0),
            start=start,
            end=end,
            frame=start + worst_k,
            cue=(
                f"Your {_label(ctx)} averaged {mean:.0f}{unit} during the hold; a good "
                f"{ctx.exercise.name.lower()} keeps it at or {'above' if at_least else 'below'} "
                f"about {p.target:.0f}{unit}."
            ),
            measured={"holdAverage": mean, "target": p.target},
            angle=mean if unit == "°" else None,
        )
    ]


def wobble(window: np.ndarray, fps: float) -> np.ndarray:
    """|signal - its running median over WOBBLE_WINDOW_S| per frame (NaN where unseen)."""
    half = max(1, round(WOBBLE_WINDOW_S * fps / 2))
    padded = np.pad(window, half, mode="edge")
    views = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows are NaN
        return np.abs(window - np.nanmedian(views, axis=1))


@generic("hold_steadiness", "Unsteady hold", mode="hold")
def hold_steadiness(ctx: RuleContext, r: Rule) -> list[dict]:
    """The hold's median wobble (see wobble) above HOLD_WOBBLE_MAX_DEG."""
    _in_profile_view(ctx, "the steadiness")
    start, end, window = _hold_window(ctx)
    shake = wobble(window, ctx.track.fps)
    if np.isnan(shake).all():
        raise NotJudged("the measured joints were not visible during the hold")
    value = float(np.nanmedian(shake))
    if value <= HOLD_WOBBLE_MAX_DEG:
        return []
    unit = _unit(ctx)
    return [
        issue(
            ctx,
            r,
            severity=severity_for(value - HOLD_WOBBLE_MAX_DEG, 3.0, 6.0),
            start=start,
            end=end,
            frame=start + int(np.nanargmax(shake)),
            cue=(
                f"Your {_label(ctx)} wobbled by about {value:.0f}{unit} from moment to moment "
                "during the hold; brace and keep still, and shorten the hold once you start to "
                "shake."
            ),
            measured={"wobbleDeg": value},
        )
    ]
