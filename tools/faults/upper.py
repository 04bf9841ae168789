"""Upper-body faults: pull-up, bicep curl, overhead press, dip, jumping jack, sit-up."""

from __future__ import annotations

import numpy as np

from tools.faults.base import RuleContext, issue, rule, severity_for, worst
from tools.faults.windows import bottom_window
from tools.geometry import px, signed_lean

# Nose this far (in % of arm length) above the hands at the top counts as chin over the bar
# (the chin sits a little below the nose).
CHIN_CLEARANCE_PCT = 5.0
# Without a visible nose: shoulders this high towards the hands (pull height, %).
PULL_HEIGHT_MIN = 80.0
# Swing of the torso (range of its angle from vertical) within one pull-up above which it is
# kipping, degrees.
SWING_DEG = 20.0
# Elbows straighter than this before each pull = a full (dead) hang, degrees.
HANG_ELBOW_MIN = 150.0
# Upper arm further than this from the torso during a curl = swinging (upstream: 40°).
UPPER_ARM_MAX = 40.0
# Torso leaning back beyond vertical by more than this, degrees (curl, press).
LEAN_BACK_DEG = 10.0
# Elbows straighter than this between dips = locked out.
DIP_LOCKOUT_MIN = 155.0
# Angle between the legs at the top of a jumping jack below which the feet did not jump wide.
LEG_SPREAD_MIN = 25.0
# Ankles rising by more than this share of the shin length during a sit-up.
FEET_LIFT_SHINS = 0.15

SIDE = ("side", "oblique")
ALL = ("side", "front", "rear", "oblique")


def _nose_clearance(track) -> np.ndarray:
    """Nose height above the hands in % of arm length (+ above), per frame."""
    nose = px(track, "nose")
    vals = []
    for s in ("left", "right"):
        sh, el, wr = (px(track, f"{s}_{p}") for p in ("shoulder", "elbow", "wrist"))
        arm = np.linalg.norm(sh - el, axis=1) + np.linalg.norm(el - wr, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            vals.append(100.0 * (wr[:, 1] - nose[:, 1]) / arm)
    with np.errstate(invalid="ignore"):
        return np.nanmean(np.stack(vals), axis=0) if np.any(~np.isnan(vals)) else vals[0]


@rule("chin_over_bar", "No chin over bar", ALL, ("shoulder", "elbow", "wrist"))
def chin_over_bar(ctx: RuleContext) -> list[dict]:
    """The nose not clearing the hands by CHIN_CLEARANCE_PCT at the top of a pull-up (or, with
    the face hidden, the shoulders reaching less than PULL_HEIGHT_MIN)."""
    clearance = ctx.series("nose_clearance", _nose_clearance)
    height = ctx.signal("pull_height").smooth
    out = []
    for rep in ctx.reps:
        top = rep.bottom_frame
        value, frame = worst(clearance, *bottom_window(ctx, rep), "max")
        if value is not None:
            short = CHIN_CLEARANCE_PCT - value
            what = f"your nose stayed {abs(value):.0f}% of an arm length " + (
                "below your hands" if value < 0 else "above your hands, short of the chin"
            )
            measured = {"noseClearancePct": value}
        else:
            value, frame = float(height[top]), top
            short = PULL_HEIGHT_MIN - value
            what = f"your shoulders rose only {value:.0f}% of the way to the bar"
            measured = {"pullHeightPct": value}
        if short <= 0:
            continue
        out.append(
            issue(
                ctx,
                chin_over_bar,
                severity=severity_for(short, 10.0, 25.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=f"In rep {rep.index} {what}; pull until your chin clears the bar.",
                measured=measured,
                reps=[rep.index],
            )
        )
    return out


@rule("kipping", "Kipping", SIDE, ("shoulder", "hip", "knee"))
def kipping(ctx: RuleContext) -> list[dict]:
    """The torso swinging through more than SWING_DEG within one pull-up."""
    lean = ctx.series("signed_lean", signed_lean)
    out = []
    for rep in ctx.reps:
        window = lean[rep.start_frame : rep.end_frame + 1]
        if window.size == 0 or np.all(np.isnan(window)):
            continue
        swing = float(np.nanmax(window) - np.nanmin(window))
        if swing <= SWING_DEG:
            continue
        frame = rep.start_frame + int(np.nanargmax(np.abs(window - np.nanmedian(window))))
        out.append(
            issue(
                ctx,
                kipping,
                severity=severity_for(swing - SWING_DEG, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"In rep {rep.index} your body swung through {swing:.0f}°; pull strictly, "
                    "with legs still and core braced."
                ),
                measured={"swingDeg": swing},
                angle=swing,
                reps=[rep.index],
            )
        )
    return out


@rule("dead_hang", "Partial hang", ALL, ("shoulder", "elbow", "wrist"))
def dead_hang(ctx: RuleContext) -> list[dict]:
    """Elbows not reaching HANG_ELBOW_MIN around the start of a pull-up."""
    elbow = ctx.signal("elbow_angle").smooth
    reach = max(2, round(0.5 * ctx.track.fps))
    out = []
    for rep in ctx.reps:
        value, frame = worst(elbow, max(rep.start_frame - reach, 0), rep.start_frame + 2, "max")
        if value is None or value >= HANG_ELBOW_MIN:
            continue
        out.append(
            issue(
                ctx,
                dead_hang,
                severity=severity_for(HANG_ELBOW_MIN - value, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"Rep {rep.index} started with your elbows at {value:.0f}°; lower to a full "
                    f"hang (arms straight, above {HANG_ELBOW_MIN:.0f}°) before each pull."
                ),
                measured={"hangElbowAngle": value},
                angle=value,
                reps=[rep.index],
            )
        )
    return out


@rule("upper_arm_swing", "Upper-arm swing", SIDE, ("hip", "shoulder", "elbow"))
def upper_arm_swing(ctx: RuleContext) -> list[dict]:
    """The upper arm moving more than UPPER_ARM_MAX away from the torso during a curl."""
    arm = ctx.signal("shoulder_angle").smooth
    out = []
    for rep in ctx.reps:
        value, frame = worst(arm, rep.start_frame, rep.end_frame, "max")
        if value is None or value <= UPPER_ARM_MAX:
            continue
        out.append(
            issue(
                ctx,
                upper_arm_swing,
                severity=severity_for(value - UPPER_ARM_MAX, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"In rep {rep.index} your upper arm swung {value:.0f}° away from your body; "
                    f"pin the elbows to your sides (under {UPPER_ARM_MAX:.0f}°)."
                ),
                measured={"upperArmAngle": value},
                angle=value,
                reps=[rep.index],
            )
        )
    return out


def lean_back_frames(track) -> np.ndarray:
    """Frame-level rule: the torso leans back past vertical by more than LEAN_BACK_DEG.

    The measurement of the lean_back rule (facing read over the whole track), frame by frame
    without reps; give it one clip at a time.
    """
    lean = signed_lean(track)
    return np.nan_to_num(lean, nan=0.0) < -LEAN_BACK_DEG


def _lean_back(ctx: RuleContext, r, cue: str) -> list[dict]:
    lean = ctx.series("signed_lean", signed_lean)
    out = []
    for rep in ctx.reps:
        value, frame = worst(lean, rep.start_frame, rep.end_frame, "min")
        if value is None or -value <= LEAN_BACK_DEG:
            continue
        out.append(
            issue(
                ctx,
                r,
                severity=severity_for(-value - LEAN_BACK_DEG, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=cue.format(rep=rep.index, value=-value),
                measured={"leanBackDeg": -value},
                angle=-value,
                reps=[rep.index],
            )
        )
    return out


@rule("lean_back", "Leaning back", SIDE, ("shoulder", "hip", "knee"))
def lean_back(ctx: RuleContext) -> list[dict]:
    """The torso leaning back more than LEAN_BACK_DEG during a curl."""
    return _lean_back(
        ctx,
        lean_back,
        "In rep {rep} you leaned back {value:.0f}°; stand tall and let the arms do the work "
        "(use a lighter weight if needed).",
    )


@rule("back_arch", "Lower-back arch", SIDE, ("shoulder", "hip", "knee"))
def back_arch(ctx: RuleContext) -> list[dict]:
    """The torso leaning back more than LEAN_BACK_DEG during an overhead press."""
    return _lean_back(
        ctx,
        back_arch,
        "In rep {rep} you leaned back {value:.0f}° under the weight, arching the lower back; "
        "squeeze the glutes and brace the ribs down.",
    )


@rule("dip_lockout", "Incomplete lockout", ALL, ("shoulder", "elbow", "wrist"))
def dip_lockout(ctx: RuleContext) -> list[dict]:
    """Elbows straightening less than DIP_LOCKOUT_MIN at the top between dips."""
    elbow = ctx.signal("elbow_angle").smooth
    out = []
    for rep in ctx.reps:
        ends = [elbow[rep.start_frame], elbow[rep.end_frame]]
        if np.all(np.isnan(ends)):
            continue
        value = float(np.nanmax(ends))
        if value >= DIP_LOCKOUT_MIN:
            continue
        out.append(
            issue(
                ctx,
                dip_lockout,
                severity=severity_for(DIP_LOCKOUT_MIN - value, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=rep.end_frame,
                cue=(
                    f"Rep {rep.index} topped out with your elbows at {value:.0f}°; press until "
                    "the arms are straight."
                ),
                measured={"elbowAngleTop": value},
                angle=value,
                reps=[rep.index],
            )
        )
    return out


@rule("legs_apart", "Feet not wide", ("front", "rear", "oblique"), ("hip", "knee", "ankle"))
def legs_apart(ctx: RuleContext) -> list[dict]:
    """The legs opening less than LEG_SPREAD_MIN during a jumping jack."""
    spread = ctx.signal("leg_spread").smooth
    out = []
    for rep in ctx.reps:
        value, frame = worst(spread, rep.start_frame, rep.end_frame, "max")
        if value is None or value >= LEG_SPREAD_MIN:
            continue
        out.append(
            issue(
                ctx,
                legs_apart,
                severity=severity_for(LEG_SPREAD_MIN - value, 8.0, 15.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"In rep {rep.index} your legs opened only {value:.0f}°; jump the feet out "
                    "wider than your shoulders."
                ),
                measured={"legSpreadDeg": value},
                angle=value,
                reps=[rep.index],
                both_sides=True,
            )
        )
    return out


@rule("feet_lift", "Feet lifting", SIDE, ("knee", "ankle", "heel"))
def feet_lift(ctx: RuleContext) -> list[dict]:
    """Ankles rising more than FEET_LIFT_SHINS of a shin during a sit-up (momentum)."""

    def lift(track) -> np.ndarray:
        vals = []
        for s in ("left", "right"):
            knee, ankle = px(track, f"{s}_knee"), px(track, f"{s}_ankle")
            shin = np.linalg.norm(knee - ankle, axis=1)
            vals.append(np.where(shin > 1, ankle[:, 1] / np.where(shin > 1, shin, 1), np.nan))
        with np.errstate(invalid="ignore"):
            return np.nanmin(np.stack(vals), axis=0) if np.any(~np.isnan(vals)) else vals[0]

    height = ctx.series("ankle_y_shins", lift)  # image y in shin lengths (down = larger)
    out = []
    for rep in ctx.reps:
        base = height[rep.start_frame]
        value, frame = worst(height, rep.start_frame, rep.end_frame, "min")
        if value is None or np.isnan(base):
            continue
        rise = float(base - value)
        if rise <= FEET_LIFT_SHINS:
            continue
        out.append(
            issue(
                ctx,
                feet_lift,
                severity=severity_for(rise - FEET_LIFT_SHINS, 0.1, 0.2),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"In rep {rep.index} your feet rose {rise:.0%} of a shin length off the "
                    "floor; anchor the feet and curl up with the abs rather than momentum."
                ),
                measured={"feetLiftShins": rise},
                reps=[rep.index],
            )
        )
    return out
