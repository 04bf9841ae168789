"""Squat, lunge and lateral-lunge faults.

Thresholds (degrees unless stated) are module constants documented in docs/form-rules.md.
"""

from __future__ import annotations

import numpy as np

from tools.faults.base import RuleContext, issue, rule, severity_for, worst
from tools.faults.windows import bottom_window
from tools.geometry import (
    facing_per_frame,
    foot_pitch,
    knee_past_toe,
    per_best_side,
    px,
    width_ratio,
)
from tools.kinematics import joint_angle
from tools.landmarks import LANDMARK

# Knees closer together than this share of the ankles' distance at the bottom = valgus.
VALGUS_RATIO = 0.8
# Torso angle from vertical at the bottom of a squat above which the lean is excessive.
SQUAT_LEAN_MAX = 50.0
# Heel raised by more than this (foot pitch vs the rep's start), degrees.
HEEL_RISE_DEG = 10.0
# Left/right knee angle difference at the bottom above which a squat is asymmetric.
ASYMMETRY_DEG = 15.0
# Front of the knee this many shin lengths past the toes (0 = level with the toe tip).
KNEE_PAST_TOE = 0.0
# Both knees should bend to between these at the bottom of a lunge (upstream guidance).
LUNGE_KNEE_MIN, LUNGE_KNEE_MAX = 60.0, 135.0
# Torso angle from vertical at the bottom of a lunge above which the lean is excessive.
LUNGE_LEAN_MAX = 30.0
# The trailing leg of a lateral lunge should stay straighter than this.
TRAILING_KNEE_MIN = 150.0

FRONT = ("front", "rear")
SIDE = ("side", "oblique")


@rule("knee_valgus", "Knee valgus", FRONT, ("hip", "knee", "ankle"))
def knee_valgus(ctx: RuleContext) -> list[dict]:
    """Knees caving in: knee distance / ankle distance at the bottom below VALGUS_RATIO."""
    ratio = ctx.series("knee_ankle_ratio", lambda t: width_ratio(t, "knee", "ankle"))
    out = []
    for rep in ctx.reps:
        value, frame = worst(ratio, *bottom_window(ctx, rep), "min")
        if value is None or value >= VALGUS_RATIO:
            continue
        out.append(
            issue(
                ctx,
                knee_valgus,
                severity=severity_for(VALGUS_RATIO - value, 0.1, 0.2),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"At the bottom of rep {rep.index} your knees were only {value:.0%} as far "
                    "apart as your ankles; push them out over your toes."
                ),
                measured={"kneeToAnkleWidth": value},
                reps=[rep.index],
                both_sides=True,
            )
        )
    return out


def _lean_rule(ctx: RuleContext, r, limit: float, what: str) -> list[dict]:
    lean = ctx.signal("torso_lean").smooth
    out = []
    for rep in ctx.reps:
        value, frame = worst(lean, *bottom_window(ctx, rep), "max")
        if value is None or value <= limit:
            continue
        out.append(
            issue(
                ctx,
                r,
                severity=severity_for(value - limit, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"Your torso leaned {value:.0f}° forward at the bottom of rep {rep.index}; "
                    f"keep the chest up ({what} under about {limit:.0f}°)."
                ),
                measured={"torsoLeanDeg": value},
                angle=value,
                reps=[rep.index],
            )
        )
    return out


@rule("forward_lean", "Forward lean", SIDE, ("shoulder", "hip", "knee"))
def forward_lean(ctx: RuleContext) -> list[dict]:
    """Torso more than SQUAT_LEAN_MAX from vertical at the bottom of a squat."""
    return _lean_rule(ctx, forward_lean, SQUAT_LEAN_MAX, "torso")


@rule("lunge_torso_lean", "Torso lean", SIDE, ("shoulder", "hip", "knee"))
def lunge_torso_lean(ctx: RuleContext) -> list[dict]:
    """Torso more than LUNGE_LEAN_MAX from vertical at the bottom of a lunge."""
    return _lean_rule(ctx, lunge_torso_lean, LUNGE_LEAN_MAX, "torso")


@rule("heel_rise", "Heel rise", SIDE, ("ankle", "heel", "foot_index"))
def heel_rise(ctx: RuleContext) -> list[dict]:
    """Heels lifting: foot pitch at the bottom exceeds the rep's start by HEEL_RISE_DEG."""
    pitch = ctx.series(
        "foot_pitch",
        lambda t: per_best_side(t, ("heel", "foot_index"), lambda s: foot_pitch(t, s)),
    )
    out = []
    for rep in ctx.reps:
        base = pitch[rep.start_frame : rep.start_frame + max(2, round(0.2 * ctx.track.fps))]
        value, frame = worst(pitch, *bottom_window(ctx, rep), "max")
        if value is None or np.all(np.isnan(base)):
            continue
        rise = value - float(np.nanmedian(base))
        if rise <= HEEL_RISE_DEG:
            continue
        out.append(
            issue(
                ctx,
                heel_rise,
                severity=severity_for(rise - HEEL_RISE_DEG, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"Your heels lifted (the foot tipped {rise:.0f}°) at the bottom of rep "
                    f"{rep.index}; keep your weight through the whole foot."
                ),
                measured={"heelRiseDeg": rise},
                angle=rise,
                reps=[rep.index],
            )
        )
    return out


@rule("squat_asymmetry", "Asymmetry", ("front", "rear", "oblique"), ("hip", "knee", "ankle"))
def squat_asymmetry(ctx: RuleContext) -> list[dict]:
    """Left and right knee angles differing by more than ASYMMETRY_DEG at the bottom."""
    left = ctx.series("knee_left", lambda t: joint_angle(t, "knee", "left"))
    right = ctx.series("knee_right", lambda t: joint_angle(t, "knee", "right"))
    out = []
    for rep in ctx.reps:
        f = rep.bottom_frame
        if np.isnan(left[f]) or np.isnan(right[f]):
            continue
        diff = abs(float(left[f] - right[f]))
        if diff <= ASYMMETRY_DEG:
            continue
        lower = "left" if left[f] < right[f] else "right"
        out.append(
            issue(
                ctx,
                squat_asymmetry,
                severity=severity_for(diff - ASYMMETRY_DEG, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=f,
                cue=(
                    f"At the bottom of rep {rep.index} your {lower} knee bent {diff:.0f}° more "
                    "than the other; share the load evenly between both legs."
                ),
                measured={"kneeDifferenceDeg": diff},
                angle=diff,
                reps=[rep.index],
                both_sides=True,
            )
        )
    return out


def front_leg(track) -> np.ndarray:
    """Per frame, 0 if the left leg is in front, else 1.

    The front foot is the one further ahead in the facing direction (at the bottom of a
    reverse lunge the back knee can be the more bent one); without a facing, the more bent knee.
    """
    ahead = facing_per_frame(track) * (
        px(track, "left_ankle")[:, 0] - px(track, "right_ankle")[:, 0]
    )
    left, right = joint_angle(track, "knee", "left"), joint_angle(track, "knee", "right")
    bent = np.where(np.nan_to_num(left, nan=999) <= np.nan_to_num(right, nan=999), 0, 1)
    return np.where(np.isnan(ahead), bent, np.where(ahead >= 0, 0, 1))


def knee_over_toe_amount(track) -> np.ndarray:
    """Per frame, how far the front (more bent) knee is past its toes, in shin lengths."""
    both = np.stack([knee_past_toe(track, "left"), knee_past_toe(track, "right")])
    return both[front_leg(track), np.arange(track.n_frames)]


def shin_length_m(track) -> float | None:
    """The person's shin (knee to ankle) in metres from the world landmarks, None if unseen."""
    lengths = [
        np.linalg.norm(
            track.world[:, LANDMARK[f"{side}_knee"], :3]
            - track.world[:, LANDMARK[f"{side}_ankle"], :3],
            axis=1,
        )
        for side in ("left", "right")
    ]
    both = np.concatenate(lengths)
    both = both[~np.isnan(both)]
    return float(np.median(both)) if both.size else None


def knee_over_toe_frames(track) -> np.ndarray:
    """Frame-level rule: the front of the front knee is past the toes (no smoothing, no reps)."""
    return np.nan_to_num(knee_over_toe_amount(track), nan=-1.0) > KNEE_PAST_TOE


@rule("knee_over_toe", "Knee past toes", SIDE, ("knee", "ankle", "foot_index"))
def knee_over_toe(ctx: RuleContext) -> list[dict]:
    """Front knee travelling past the toes at the bottom of a lunge (KNEE_PAST_TOE)."""
    amount = ctx.series("knee_over_toe", knee_over_toe_amount)
    shin_m = shin_length_m(ctx.track)
    out = []
    for rep in ctx.reps:
        value, frame = worst(amount, *bottom_window(ctx, rep), "max")
        if value is None or value <= KNEE_PAST_TOE:
            continue
        # Centimetres read better than shin lengths; at least 1, as it did pass the toes.
        how_far = (
            f"about {max(1, round(value * shin_m * 100))} cm"
            if shin_m
            else f"{value:.0%} of a shin length"
        )
        out.append(
            issue(
                ctx,
                knee_over_toe,
                severity=severity_for(value - KNEE_PAST_TOE, 0.1, 0.2),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"In rep {rep.index} the front of your front knee travelled {how_far} past "
                    "your toes; take a longer step so the shin stays closer to vertical."
                ),
                measured={"kneePastToeShins": value},
                reps=[rep.index],
            )
        )
    return out


@rule("lunge_knee_range", "Knee angle out of range", SIDE + FRONT, ("hip", "knee", "ankle"))
def lunge_knee_range(ctx: RuleContext) -> list[dict]:
    """Front or back knee outside LUNGE_KNEE_MIN..LUNGE_KNEE_MAX at the bottom."""
    back = ctx.signal("back_knee_angle").smooth
    out = []
    for rep in ctx.reps:
        f = rep.bottom_frame
        worst_case = None
        for leg, value in (("front", rep.bottom_value), ("back", float(back[f]))):
            if np.isnan(value):
                continue
            excess = max(LUNGE_KNEE_MIN - value, value - LUNGE_KNEE_MAX)
            if excess > 0 and (worst_case is None or excess > worst_case[2]):
                worst_case = (leg, value, excess)
        if worst_case is None:
            continue
        leg, value, excess = worst_case
        out.append(
            issue(
                ctx,
                lunge_knee_range,
                severity=severity_for(excess, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=f,
                cue=(
                    f"At the bottom of rep {rep.index} your {leg} knee was at {value:.0f}°; "
                    f"both knees should bend to between {LUNGE_KNEE_MIN:.0f}° and "
                    f"{LUNGE_KNEE_MAX:.0f}°."
                ),
                measured={f"{leg}KneeAngle": value},
                angle=value,
                reps=[rep.index],
                both_sides=True,
            )
        )
    return out


@rule("trailing_leg_bent", "Trailing leg bent", FRONT + ("oblique",), ("hip", "knee", "ankle"))
def trailing_leg_bent(ctx: RuleContext) -> list[dict]:
    """The straight leg of a lateral lunge bending below TRAILING_KNEE_MIN at the bottom."""
    straight = ctx.signal("back_knee_angle").smooth
    out = []
    for rep in ctx.reps:
        value = float(straight[rep.bottom_frame])
        if np.isnan(value) or value >= TRAILING_KNEE_MIN:
            continue
        out.append(
            issue(
                ctx,
                trailing_leg_bent,
                severity=severity_for(TRAILING_KNEE_MIN - value, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=rep.bottom_frame,
                cue=(
                    f"In rep {rep.index} your trailing leg bent to {value:.0f}°; keep it "
                    f"straight (above {TRAILING_KNEE_MIN:.0f}°) and sit into the other hip."
                ),
                measured={"trailingKneeAngle": value},
                angle=value,
                reps=[rep.index],
                both_sides=True,
            )
        )
    return out
