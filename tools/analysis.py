"""Exercise analysis: pose track -> reps, metrics, issues and score ("findings").

The findings dict is JSON-serialisable with camelCase keys and floats rounded to 1 decimal
(2 for ratios and confidences). It is the contract with the coaching agents and the API.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from tools.exercises import Exercise, resolve_exercise
from tools.faults import RULES, RuleContext
from tools.findings import metric, r1, r2, status_for, target_text
from tools.pose import PoseTrack, extract_pose_track
from tools.reps import Rep, count_reps
from tools.scoring import form_score
from tools.signals import LABELS, UNITS, Signal, compute_signal
from tools.video import VALIDATION_ERROR, VideoError, VideoInfo, probe_video

# Below this share of frames with a detected person the video is rejected.
MIN_POSE_COVERAGE = 0.10
# Rep tempo below this is flagged as rushed.
MIN_REP_DURATION_S = 1.0
# Spread (std dev) of rep extremes above this is flagged as inconsistent.
CONSISTENCY_TOLERANCE = 5.0


class NoPersonError(VideoError):
    """No person was detected in enough frames to analyse the video."""

    def __init__(self, message: str):
        super().__init__("NO_PERSON_DETECTED", message)


def _video_dict(track: PoseTrack, info: VideoInfo | None) -> dict:
    return {
        "durationS": r1(info.duration_s if info else track.n_frames / track.fps),
        "fps": r1(track.fps),
        "frameCount": info.frame_count if info else track.n_frames,
        "width": track.width,
        "height": track.height,
        "rotation": info.rotation if info else 0,
    }


def _measure_reps(
    track: PoseTrack, exercise: Exercise, primary: Signal, reps: list[Rep]
) -> list[dict[str, float | None]]:
    """Per-rep values of the profile's rep_measures (see AnalysisProfile)."""
    signals = {primary.name: primary}
    out = []
    for rep in reps:
        values: dict[str, float | None] = {}
        for key, name in exercise.profile.rep_measures:
            if name == primary.name:
                values[key] = rep.bottom_value
                continue
            if name not in signals:
                signals[name] = compute_signal(track, name)
            value = float(signals[name].smooth[rep.bottom_frame])
            values[key] = None if np.isnan(value) else value
        out.append(values)
    return out


def _rep_dict(rep: Rep, measures: dict[str, float | None]) -> dict:
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


def _rep_metrics(exercise: Exercise, reps: list[Rep], measures: list[dict]) -> list[dict]:
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
    durations = [rep.duration_s for rep in reps]
    mean_duration = float(np.mean(durations))
    metrics.append(
        metric(
            "Rep Duration",
            mean_duration,
            " s",
            target=f"≥ {MIN_REP_DURATION_S:g} s",
            status="good" if mean_duration >= MIN_REP_DURATION_S else "warning",
            fmt="{:.1f}",
        )
    )
    # The consistency tolerance is in degrees, so only angle signals get this metric.
    if len(reps) >= 2 and profile.signal not in UNITS:
        key = profile.rep_measures[0][0] if profile.rep_measures else None
        extremes = [m[key] for m in measures if key and m.get(key) is not None]
        if len(extremes) >= 2:
            spread = float(np.std(extremes))
            unit = UNITS.get(profile.signal, "°")
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
    return metrics


def _analyze_reps(track: PoseTrack, exercise: Exercise) -> dict:
    profile = exercise.profile
    primary = compute_signal(track, profile.signal)
    reps = count_reps(
        primary.smooth,
        track.times_s,
        low=profile.low,
        high=profile.high,
        direction=profile.direction,
        min_duration_s=profile.min_rep_s,
    )
    measures = _measure_reps(track, exercise, primary, reps)
    issues: list[dict] = []
    checks = [{"name": "reps", "status": "done", "reason": None}]
    ctx = RuleContext(track=track, exercise=exercise, reps=reps, rep_measures=measures)
    for rule in profile.rules:
        if reps:
            issues.extend(RULES[rule](ctx))
            checks.append({"name": rule, "status": "done", "reason": None})
        else:
            reason = "no complete repetition was detected"
            checks.append({"name": rule, "status": "not_possible", "reason": reason})
    if not profile.rules:
        reason = f"form-fault rules for {exercise.name} are not implemented yet"
        checks.append({"name": "faults", "status": "not_possible", "reason": reason})
    return {
        "repCount": len(reps),
        "reps": [_rep_dict(rep, m) for rep, m in zip(reps, measures, strict=True)],
        "metrics": _rep_metrics(exercise, reps, measures),
        "issues": issues,
        "score": form_score(issues, len(reps)) if reps else None,
        "checks": checks,
        "signal": {"name": primary.name, "sides": primary.sides},
    }


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    """(start, end) inclusive of the longest True run, or (-1, -1) if none."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if starts.size == 0:
        return -1, -1
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k] - 1)


def _analyze_hold(track: PoseTrack, exercise: Exercise) -> dict:
    profile = exercise.profile
    primary = compute_signal(track, profile.signal)
    holding = np.nan_to_num(primary.smooth, nan=-np.inf) >= profile.hold_threshold
    start, end = _longest_run(holding)
    hold_s = 0.0 if start < 0 else (end - start + 1) / track.fps
    metrics = [
        metric(
            "Hold Time",
            hold_s,
            " s",
            status="good" if hold_s > 0 else "warning",
            fmt="{:.1f}",
        )
    ]
    hold: dict = {"startFrame": None, "endFrame": None, "durationS": r1(hold_s)}
    if start >= 0:
        mean = float(np.nanmean(primary.smooth[start : end + 1]))
        metrics.append(
            metric(
                f"{LABELS[primary.name]} (average)",
                mean,
                "°",
                target=target_text(profile.target, "min", "°"),
                status=status_for(mean, profile.target, "min", profile.tolerance),
            )
        )
        hold.update(
            startFrame=start,
            endFrame=end,
            startTime=r1(track.times_s[start]),
            endTime=r1(track.times_s[end]),
        )
        hold["signalAverage"] = r1(mean)
    reason = f"form-fault rules for {exercise.name} are not implemented yet"
    return {
        "repCount": 0,
        "reps": [],
        "hold": hold,
        "metrics": metrics,
        "issues": [],
        "score": form_score([], 0) if start >= 0 else None,
        "checks": [
            {
                "name": "hold",
                "status": "done" if start >= 0 else "not_possible",
                "reason": None if start >= 0 else "the position was never held",
            },
            {"name": "faults", "status": "not_possible", "reason": reason},
        ],
        "signal": {"name": primary.name, "sides": primary.sides},
    }


def analyze_track(track: PoseTrack, exercise: Exercise, info: VideoInfo | None = None) -> dict:
    """Analyses a pose track for one exercise.

    Frames without a detected person (title cards, the person off-screen) are NaN in every
    signal, so they neither count as reps nor disturb the counter.

    Args:
        track: The pose track.
        exercise: The exercise performed.
        info: The video's probe result, for the "video" section (track values otherwise).

    Returns:
        The findings dict (see module docstring). "score" is None when nothing could be
        assessed (no complete rep, or the position was never held).
    """
    n = track.n_frames
    k = int(track.detected.sum())
    findings = {
        "exercise": exercise.name,
        "exerciseId": exercise.id,
        "video": _video_dict(track, info),
        "totalFrames": n,
        "framesWithPose": k,
        "poseCoverage": r2(k / n if n else 0.0),
    }
    if exercise.profile.mode == "hold":
        findings.update(_analyze_hold(track, exercise))
    else:
        findings.update(_analyze_reps(track, exercise))
    return findings


def analyze_video(
    path: str | Path,
    exercise_name: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Probes a video, extracts the pose track and analyses it.

    Args:
        path: Path of the video file.
        exercise_name: Exercise name or alias (resolved with resolve_exercise).
        on_progress: Passed to extract_pose_track: on_progress(frames_done, frames_total).

    Returns:
        The findings dict of analyze_track.

    Raises:
        VideoError: VALIDATION_ERROR for an unknown exercise or a too-long video,
            UNSUPPORTED_FORMAT for an undecodable file, PROCESSING_ERROR if pose estimation fails.
        NoPersonError: A person was detected in fewer than MIN_POSE_COVERAGE of the frames.
    """
    exercise = resolve_exercise(exercise_name)
    if exercise is None:
        raise VideoError(VALIDATION_ERROR, f"unknown exercise: {exercise_name!r}")
    info = probe_video(path)
    track = extract_pose_track(path, info, on_progress=on_progress)
    coverage = float(track.detected.mean()) if track.n_frames else 0.0
    if coverage < MIN_POSE_COVERAGE:
        raise NoPersonError(
            f"a person was visible in only {coverage:.0%} of the frames; film the whole body"
        )
    return analyze_track(track, exercise, info)
