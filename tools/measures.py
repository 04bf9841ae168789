"""Per-rep measurements and the metrics table: extent, range of motion, tempo, symmetry,
consistency (reps) and hold time and steadiness (holds)."""

from __future__ import annotations

import numpy as np

from tools.exercises import Exercise
from tools.findings import metric, r1, status_for, target_text
from tools.pose import PoseTrack
from tools.reps import Rep
from tools.signals import LABELS, UNITS, Signal, compute_signal, side_series

# A rep shorter than this (for exercises that are not meant to be fast) is rushed.
MIN_REP_DURATION_S = 1.0
# The lowering phase should take at least this long (control, not a drop).
MIN_ECCENTRIC_S = 0.5
# Spread (std dev) of rep extremes above this is inconsistent, degrees.
CONSISTENCY_TOLERANCE = 5.0
# Left/right difference at the rep's extreme above this is asymmetric, degrees.
SYMMETRY_TOLERANCE = 10.0
# Profiles whose shortest plausible rep is below this are fast by nature (jacks, climbers):
# no tempo targets for them.
FAST_EXERCISE_MIN_REP_S = 0.4
# Holds shorter than this get a warning on the hold-time metric.
MIN_HOLD_S = 10.0


def measure_reps(
    track: PoseTrack, exercise: Exercise, primary: Signal, reps: list[Rep]
) -> list[dict[str, float | None]]:
    """Per-rep values of the profile's rep_measures plus range of motion and tempo.

    The primary measure is the rep's extreme; other signals are read at that frame. Range of
    motion is the larger swing from the rep's start or end to its extreme. Eccentric and
    concentric seconds split the rep at its extreme, in the order the profile says.
    """
    profile = exercise.profile
    signals = {primary.name: primary}
    x = primary.smooth
    out = []
    for rep in reps:
        values: dict[str, float | None] = {}
        for key, name in profile.rep_measures:
            if name == primary.name:
                values[key] = rep.bottom_value
                continue
            if name not in signals:
                signals[name] = compute_signal(track, name)
            value = float(signals[name].smooth[rep.bottom_frame])
            values[key] = None if np.isnan(value) else value
        ends = [x[rep.start_frame], x[rep.end_frame]]
        rom = (
            np.nanmax(np.abs(np.array(ends) - rep.bottom_value))
            if not np.isnan(ends).all()
            else np.nan
        )
        values["rangeOfMotion"] = None if np.isnan(rom) else float(rom)
        first = float(track.times_s[rep.bottom_frame] - track.times_s[rep.start_frame])
        second = float(track.times_s[rep.end_frame] - track.times_s[rep.bottom_frame])
        ecc, con = (first, second) if profile.starts_eccentric else (second, first)
        values["eccentricS"], values["concentricS"] = ecc, con
        out.append(values)
    return out


def rep_dict(rep: Rep, measures: dict[str, float | None]) -> dict:
    """One rep of the findings: frames, times and its measurements."""
    out = {
        "index": rep.index,
        "startFrame": rep.start_frame,
        "endFrame": rep.end_frame,
        "bottomFrame": rep.bottom_frame,
        "startTime": r1(rep.start_time_s),
        "endTime": r1(rep.end_time_s),
        "durationS": r1(rep.duration_s),
    }
    out.update({key: r1(value) for key, value in measures.items()})
    return out


def symmetry(track: PoseTrack, exercise: Exercise, reps: list[Rep], view: str) -> dict:
    """Left/right difference of the primary joint at each rep's extreme.

    Returns:
        {"status": "done"|"not_possible", "reason", "perRep": [deg or None], "mean": deg|None}.
        A side view hides the far limb (MediaPipe guesses it), so it is not compared there.
    """
    none = {"perRep": [], "mean": None}
    if not reps:
        return {"status": "not_possible", "reason": "no complete repetition was detected", **none}
    if view == "side":
        reason = "left/right balance needs a front or rear view (the far side is hidden)"
        return {"status": "not_possible", "reason": reason, **none}
    sides = side_series(track, exercise.profile.signal)
    if sides is None:
        reason = "the movement is measured on one side at a time (alternating legs or a height)"
        return {"status": "not_possible", "reason": reason, **none}
    per_rep = []
    for rep in reps:
        diff = abs(sides["left"][rep.bottom_frame] - sides["right"][rep.bottom_frame])
        per_rep.append(None if np.isnan(diff) else float(diff))
    valid = [d for d in per_rep if d is not None]
    if not valid:
        reason = "the two sides were never both visible at the reps' extremes"
        return {"status": "not_possible", "reason": reason, **none}
    return {"status": "done", "reason": None, "perRep": per_rep, "mean": float(np.mean(valid))}


def rep_metrics(exercise: Exercise, reps: list[Rep], measures: list[dict], sym: dict) -> list:
    """The metrics table for a rep-based exercise."""
    profile = exercise.profile
    comparison = "max" if profile.direction == "down" else "min"
    phase = "bottom" if profile.direction == "down" else "top"
    metrics = [metric("Rep Count", len(reps), "", status="good" if reps else "warning", fmt="{:d}")]
    if not reps:
        return metrics
    for i, (key, name) in enumerate(profile.rep_measures):
        values = [m[key] for m in measures if m.get(key) is not None]
        if not values:
            continue
        mean = float(np.mean(values))
        unit = UNITS.get(name, "°")
        if i == 0:  # The primary signal has a target; the others are context.
            metrics.append(
                metric(
                    f"{LABELS[name]} ({phase})",
                    mean,
                    unit,
                    target=target_text(profile.target, comparison, unit),
                    status=status_for(mean, profile.target, comparison, profile.tolerance),
                )
            )
        else:
            metrics.append(metric(f"{LABELS[name]} ({phase})", mean, unit))
    unit = UNITS.get(profile.signal, "°")
    roms = [m["rangeOfMotion"] for m in measures if m.get("rangeOfMotion") is not None]
    if roms:
        metrics.append(metric("Range of Motion", float(np.mean(roms)), unit))
    fast = profile.min_rep_s < FAST_EXERCISE_MIN_REP_S
    ecc = float(np.mean([m["eccentricS"] for m in measures]))
    con = float(np.mean([m["concentricS"] for m in measures]))
    metrics.append(
        metric(
            "Eccentric (lowering)",
            ecc,
            " s",
            target="—" if fast else f"≥ {MIN_ECCENTRIC_S:g} s",
            status="good" if fast or ecc >= MIN_ECCENTRIC_S else "warning",
            fmt="{:.1f}",
        )
    )
    metrics.append(metric("Concentric (lifting)", con, " s", fmt="{:.1f}"))
    mean_duration = float(np.mean([rep.duration_s for rep in reps]))
    metrics.append(
        metric(
            "Rep Duration",
            mean_duration,
            " s",
            target="—" if fast else f"≥ {MIN_REP_DURATION_S:g} s",
            status="good" if fast or mean_duration >= MIN_REP_DURATION_S else "warning",
            fmt="{:.1f}",
        )
    )
    if sym["mean"] is not None:
        metrics.append(
            metric(
                "Left/Right Difference",
                sym["mean"],
                "°",
                target=f"≤ {SYMMETRY_TOLERANCE:g}°",
                status=status_for(sym["mean"], SYMMETRY_TOLERANCE, "max", 0.0),
            )
        )
    key = profile.rep_measures[0][0]
    extremes = [m[key] for m in measures if m.get(key) is not None]
    if len(extremes) >= 2:
        spread = float(np.std(extremes))
        metrics.append(
            metric(
                "Depth consistency" if profile.direction == "down" else "Range consistency",
                spread,
                unit,
                target=f"≤ ±{CONSISTENCY_TOLERANCE:g}{unit}",
                status=status_for(spread, CONSISTENCY_TOLERANCE, "max", 0.0),
                fmt="±{:.1f}",
            )
        )
        durations = [rep.duration_s for rep in reps]
        metrics.append(
            metric(
                "Tempo consistency",
                float(np.std(durations)),
                " s",
                fmt="±{:.1f}",
            )
        )
    return metrics


def hold_metrics(exercise: Exercise, primary: Signal, start: int, end: int, fps: float) -> list:
    """The metrics table for a hold: time, average of the primary signal, steadiness."""
    profile = exercise.profile
    hold_s = 0.0 if start < 0 else (end - start + 1) / fps
    metrics = [
        metric(
            "Hold Time",
            hold_s,
            " s",
            target=f"≥ {MIN_HOLD_S:g} s",
            status="good" if hold_s >= MIN_HOLD_S else "warning",
            fmt="{:.1f}",
        )
    ]
    if start < 0:
        return metrics
    window = primary.smooth[start : end + 1]
    mean = float(np.nanmean(window))
    comparison = "min" if profile.hold_max is None else "max"
    metrics.append(
        metric(
            f"{LABELS[primary.name]} (average)",
            mean,
            "°",
            target=target_text(profile.target, comparison, "°"),
            status=status_for(mean, profile.target, comparison, profile.tolerance),
        )
    )
    metrics.append(
        metric(
            "Steadiness",
            float(np.nanstd(window)),
            "°",
            target=f"≤ ±{CONSISTENCY_TOLERANCE:g}°",
            status=status_for(float(np.nanstd(window)), CONSISTENCY_TOLERANCE, "max", 0.0),
            fmt="±{:.1f}",
        )
    )
    return metrics
