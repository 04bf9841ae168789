"""Body-line faults of push-ups and planks: hips sagging or piking, head dropping.

Measured in the image from the side: the hip's bend away from the shoulder-ankle line, signed
(+ above the line = pike, - below = sag), and the ear's drop below the line of the torso.
"""

from __future__ import annotations

import numpy as np

from tools.faults.base import RuleContext, issue, rule, runs, severity_for, worst
from tools.geometry import head_deviation, hip_deviation

# Hips more than this above / below the shoulder-ankle line, degrees.
PIKE_DEG = 12.0
SAG_DEG = 12.0
# Ear more than this below the line of the torso, degrees.
HEAD_DROP_DEG = 30.0
# A plank fault must last this long to be reported, seconds.
MIN_HOLD_FAULT_S = 0.5

SIDE = ("side", "oblique")
PARTS = ("shoulder", "hip", "ankle")


def plank_hip_state(deviation: np.ndarray) -> np.ndarray:
    """Frame-level rule: +1 hips high, -1 hips low, 0 in line (NaN frames are 0)."""
    d = np.nan_to_num(deviation, nan=0.0)
    return np.where(d > PIKE_DEG, 1, np.where(d < -SAG_DEG, -1, 0))


def _rep_rule(ctx: RuleContext, r, sign: int) -> list[dict]:
    dev = ctx.series("hip_deviation", hip_deviation)
    limit = PIKE_DEG if sign > 0 else SAG_DEG
    out = []
    for rep in ctx.reps:
        value, frame = worst(dev, rep.start_frame, rep.end_frame, "max" if sign > 0 else "min")
        if value is None or sign * value <= limit:
            continue
        amount = abs(value)
        where = "above" if sign > 0 else "below"
        tip = "squeeze your glutes and brace" if sign < 0 else "lower your hips"
        out.append(
            issue(
                ctx,
                r,
                severity=severity_for(amount - limit, 8.0, 18.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"In rep {rep.index} your hips were {amount:.0f}° {where} the line from "
                    f"shoulders to ankles; {tip} to keep one straight line."
                ),
                measured={"hipLineDeg": value},
                angle=180.0 - amount,
                reps=[rep.index],
            )
        )
    return out


@rule("hip_sag", "Hip sag", SIDE, PARTS)
def hip_sag(ctx: RuleContext) -> list[dict]:
    """Hips dropping more than SAG_DEG below the shoulder-ankle line during a rep."""
    return _rep_rule(ctx, hip_sag, -1)


@rule("hip_pike", "Hip pike", SIDE, PARTS)
def hip_pike(ctx: RuleContext) -> list[dict]:
    """Hips rising more than PIKE_DEG above the shoulder-ankle line during a rep."""
    return _rep_rule(ctx, hip_pike, +1)


@rule("head_drop", "Head drop", SIDE, ("hip", "shoulder", "ear"))
def head_drop(ctx: RuleContext) -> list[dict]:
    """The ear falling more than HEAD_DROP_DEG below the line of the torso during a rep."""
    dev = ctx.series("head_deviation", head_deviation)
    out = []
    for rep in ctx.reps:
        value, frame = worst(dev, rep.start_frame, rep.end_frame, "min")
        if value is None or -value <= HEAD_DROP_DEG:
            continue
        out.append(
            issue(
                ctx,
                head_drop,
                severity=severity_for(-value - HEAD_DROP_DEG, 10.0, 20.0),
                start=rep.start_frame,
                end=rep.end_frame,
                frame=frame,
                cue=(
                    f"In rep {rep.index} your head dropped {-value:.0f}° below the line of your "
                    "back; look at the floor just ahead of your hands."
                ),
                measured={"headDropDeg": -value},
                angle=-value,
                reps=[rep.index],
            )
        )
    return out


def _hold_rule(ctx: RuleContext, r, sign: int) -> list[dict]:
    if ctx.hold is None:
        return []
    start, end = ctx.hold
    dev = ctx.series("hip_deviation", hip_deviation)
    state = plank_hip_state(dev)
    mask = np.zeros(ctx.track.n_frames, dtype=bool)
    mask[start : end + 1] = state[start : end + 1] == sign
    found = runs(mask, max(1, round(MIN_HOLD_FAULT_S * ctx.track.fps)))
    if not found:
        return []
    flagged = np.concatenate([np.arange(s, e + 1) for s, e in found])
    typical = float(np.nanmedian(np.abs(dev[flagged])))
    share = len(flagged) / (end - start + 1)
    longest = max(found, key=lambda se: se[1] - se[0])
    value, frame = worst(dev, *longest, "max" if sign > 0 else "min")
    limit = PIKE_DEG if sign > 0 else SAG_DEG
    where, tip = ("above", "lower your hips") if sign > 0 else ("below", "lift your hips")
    result = issue(
        ctx,
        r,
        severity=severity_for(typical - limit, 8.0, 18.0),
        start=longest[0],
        end=longest[1],
        frame=frame,
        cue=(
            f"For {share:.0%} of the hold your hips sat about {typical:.0f}° {where} the line "
            f"from shoulders to ankles; {tip} and brace to keep one straight line."
        ),
        measured={"hipLineDeg": sign * typical, "shareOfHold": share},
        angle=180.0 - abs(value or typical),
    )
    result["share"] = round(share, 2)
    return [result]


@rule("plank_hips_high", "Hips too high", SIDE, PARTS)
def plank_hips_high(ctx: RuleContext) -> list[dict]:
    """Hips above the line by more than PIKE_DEG for at least MIN_HOLD_FAULT_S of the hold."""
    return _hold_rule(ctx, plank_hips_high, +1)


@rule("plank_hips_low", "Hips too low", SIDE, PARTS)
def plank_hips_low(ctx: RuleContext) -> list[dict]:
    """Hips below the line by more than SAG_DEG for at least MIN_HOLD_FAULT_S of the hold."""
    return _hold_rule(ctx, plank_hips_low, -1)
