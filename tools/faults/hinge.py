"""Deadlift and other hinge faults: rounded back (a proxy) and hips rising first."""

from __future__ import annotations

import numpy as np

from tools.faults.base import RuleContext, issue, rule, severity_for, worst
from tools.faults.windows import first_phase
from tools.geometry import head_deviation

# MediaPipe has no spine landmarks, so rounding is read from its visible consequence: the head
# and shoulders falling below the line of the lower torso (ear below the hip->shoulder line).
# Only frames where the torso is bent over (lean above BENT_OVER_DEG) are judged.
ROUNDING_DEG = 35.0
BENT_OVER_DEG = 30.0
# Being a proxy, its confidence is scaled down.
PROXY_FACTOR = 0.8
# In the pull from the floor, knee extension leading hip extension by more than this share
# (percentage points of each joint's own range) means the hips rose first.
HIP_LAG_PCT = 35.0
# Below this knee range in a rep (stiff-legged pulls) the comparison means nothing.
MIN_KNEE_RANGE = 20.0

SIDE = ("side", "oblique")


@rule("back_rounding", "Rounded back", SIDE, ("hip", "shoulder", "ear"))
def back_rounding(ctx: RuleContext) -> list[dict]:
    """Head and shoulders more than ROUNDING_DEG below the lower torso's line while bent over."""
    dev = ctx.series("head_deviation", head_deviation)
    lean = ctx.signal("torso_lean").smooth
    bent = np.nan_to_num(lean, nan=0.0) > BENT_OVER_DEG
    judged = np.where(bent, dev, np.nan)
    out = []
    for rep in ctx.reps:
        value, frame = worst(judged, rep.start_frame, rep.end_frame, "min")
        if value is None or -value <= ROUNDING_DEG:
            continue
        found = issue(
            ctx,
            back_rounding,
            severity=severity_for(-value - ROUNDING_DEG, 10.0, 20.0),
            start=rep.start_frame,
            end=rep.end_frame,
            frame=frame,
            cue=(
                f"In rep {rep.index} your head and shoulders dropped {-value:.0f}° below the line "
                "of your lower back, a sign of a rounding back; brace, chest up, and keep the "
                "spine long."
            ),
            measured={"upperBackDropDeg": -value},
            angle=-value,
            reps=[rep.index],
        )
        found["confidenceScore"] = round(found["confidenceScore"] * PROXY_FACTOR, 2)
        out.append(found)
    return out


def _progress(x: np.ndarray) -> np.ndarray:
    span = x[-1] - x[0]
    return (x - x[0]) / span if abs(span) > 1e-6 else np.zeros_like(x)


@rule("hips_rise_first", "Hips rising first", SIDE + ("front",), ("hip", "knee", "ankle"))
def hips_rise_first(ctx: RuleContext) -> list[dict]:
    """Knees straightening well before the hips open in the pull (HIP_LAG_PCT)."""
    knee = ctx.signal("knee_angle").smooth
    hip = ctx.signal("hip_angle").smooth
    out = []
    for rep in ctx.reps:
        start, top = first_phase(rep)
        k, h = knee[start : top + 1], hip[start : top + 1]
        if len(k) < 3 or np.isnan(k).any() or np.isnan(h).any():
            continue
        if k[-1] - k[0] < MIN_KNEE_RANGE:
            continue
        lead = 100.0 * (_progress(k) - _progress(h))
        i = int(np.argmax(lead))
        if lead[i] <= HIP_LAG_PCT:
            continue
        kp, hp = 100.0 * _progress(k)[i], 100.0 * _progress(h)[i]
        out.append(
            issue(
                ctx,
                hips_rise_first,
                severity=severity_for(lead[i] - HIP_LAG_PCT, 15.0, 30.0),
                start=start,
                end=top,
                frame=start + i,
                cue=(
                    f"In rep {rep.index} your knees were {kp:.0f}% straight while your hips were "
                    f"only {hp:.0f}% open: the hips rose first. Push the floor away and lift "
                    "the chest and hips together."
                ),
                measured={"kneeLeadPct": float(lead[i])},
                angle=float(h[i]),
                reps=[rep.index],
            )
        )
    return out
