"""Keyframes to draw (the worst rep, the worst frame of each fault) and the plot series."""

from __future__ import annotations

import numpy as np

from tools.faults import RuleContext
from tools.findings import r1
from tools.geometry import best_side
from tools.pose import PoseTrack
from tools.signals import LABELS, UNITS, Signal
from tools.vocabulary import JOINTS, SIGNAL_JOINT

SEVERITY_RANK = {"severe": 0, "moderate": 1, "minor": 2}
SEVERITY_WEIGHT = {"severe": 5.0, "moderate": 3.0, "minor": 1.5}
# The series is per frame up to this many points, then every k-th frame.
MAX_SERIES_POINTS = 2000


def _joints_at(track: PoseTrack, joint: str, frame: int) -> list[str]:
    parts = JOINTS[joint]
    side = ("left", "right")[int(best_side(track, parts)[frame])]
    return [f"{side}_{p}" for p in parts]


def _value_text(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:.0f}{unit}"


def pick_keyframes(ctx: RuleContext, primary: Signal, findings: dict) -> list[dict]:
    """The frames worth drawing, most telling first.

    "worst_rep": the key frame (the extreme) of the rep with the heaviest faults, or of the
    rep furthest from the target when none has a fault. "fault": the worst frame of each issue
    type. "hold": for holds without faults, the hold's middle frame.

    Returns:
        [{"kind", "frame", "rep", "issueType", "label", "joints", "angle"}].
    """
    track, profile = ctx.track, ctx.exercise.profile
    unit = UNITS.get(primary.name, "°")
    label = LABELS[primary.name]
    joint = SIGNAL_JOINT[primary.name]
    out: list[dict] = []
    issues = findings.get("issues") or []
    if ctx.reps:
        weight = {rep.index: 0.0 for rep in ctx.reps}
        for issue in issues:
            for i in issue.get("reps") or []:
                weight[i] = weight.get(i, 0.0) + SEVERITY_WEIGHT.get(issue["severity"], 1.5)

        def miss(rep) -> float:
            gap = rep.bottom_value - profile.target
            return gap if profile.direction == "down" else -gap

        rep = max(ctx.reps, key=lambda r: (weight.get(r.index, 0.0), miss(r)))
        value = float(primary.smooth[rep.bottom_frame])
        value = None if np.isnan(value) else value
        out.append(
            {
                "kind": "worst_rep",
                "frame": rep.bottom_frame,
                "rep": rep.index,
                "issueType": None,
                "label": f"Rep {rep.index}: {label} {_value_text(value, unit)}",
                "joints": _joints_at(track, joint, rep.bottom_frame),
                "angle": r1(value) if unit == "°" else None,
            }
        )
    by_type: dict[str, dict] = {}
    for issue in issues:
        best = by_type.get(issue["type"])
        key = (SEVERITY_RANK.get(issue["severity"], 3), -(issue.get("confidenceScore") or 0))
        if best is None or key < (
            SEVERITY_RANK.get(best["severity"], 3),
            -(best.get("confidenceScore") or 0),
        ):
            by_type[issue["type"]] = issue
    for issue_type, issue in by_type.items():
        frame = int(issue.get("frame", issue["frameStart"]))
        reps = issue.get("reps") or []
        angle = issue.get("angle")
        measured = next(iter((issue.get("measured") or {}).values()), None)
        if angle is not None:
            quoted = f"{angle:.0f}°"
        elif isinstance(measured, float) and abs(measured) < 10:
            quoted = f"{measured:.0%}" if abs(measured) <= 2 else f"{measured:g}"
        else:
            quoted = f"{measured}"
        out.append(
            {
                "kind": "fault",
                "frame": frame,
                "rep": reps[0] if reps else None,
                "issueType": issue_type,
                "label": f"{issue_type}: {quoted}" + (f" (rep {reps[0]})" if reps else ""),
                "joints": list(issue.get("joints") or _joints_at(track, joint, frame)),
                "angle": angle,
            }
        )
    if ctx.hold is not None and not by_type:
        frame = (ctx.hold[0] + ctx.hold[1]) // 2
        value = float(primary.smooth[frame])
        value = None if np.isnan(value) else value
        out.append(
            {
                "kind": "hold",
                "frame": frame,
                "rep": None,
                "issueType": None,
                "label": f"Hold: {label} {_value_text(value, unit)}",
                "joints": _joints_at(track, joint, frame),
                "angle": r1(value) if unit == "°" else None,
            }
        )
    return out


def primary_series(track: PoseTrack, primary: Signal) -> dict:
    """The primary signal per frame for plotting (smoothed, as counted; null = not measured)."""
    n = track.n_frames
    step = max(1, int(np.ceil(n / MAX_SERIES_POINTS)))
    frames = list(range(0, n, step))
    return {
        "signal": primary.name,
        "label": LABELS[primary.name],
        "unit": UNITS.get(primary.name, "°"),
        "fps": r1(track.fps),
        "frames": frames,
        "values": [r1(primary.smooth[f]) for f in frames],
    }
