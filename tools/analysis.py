"""Exercise analysis: pose track -> reps or hold, metrics, issues, score, keyframes ("findings").

The findings dict is JSON-serialisable with camelCase keys and floats rounded to 1 decimal
(2 for ratios and confidences). It is the contract with the coaching agents and the API.
Steps: follow the main subject (tools.subject), read the camera view and whether the body is in
frame (tools.view), count reps with hysteresis or time the hold, measure every rep (extent,
range of motion, tempo, left/right symmetry, consistency), run the exercise's fault rules that
the view can judge and the generic checks its profile supports (tools.faults, tools.faults.generic),
score what was judged (tools.scoring), and pick keyframes and the plot series (tools.keyframes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from tools.exercises import Exercise, resolve_exercise
from tools.faults import RULES, RuleContext
from tools.faults.generic import NotJudged, checks_for
from tools.findings import r1, r2
from tools.keyframes import pick_keyframes, primary_series
from tools.measures import hold_metrics, measure_reps, rep_dict, rep_metrics, symmetry
from tools.pose import PoseTrack, extract_pose_track
from tools.recognition import OUT_OF_POSTURE_MAX, posture_band, posture_words
from tools.reps import Rep, count_reps, drop_out_of_posture
from tools.scoring import form_score
from tools.signals import compute_signal
from tools.subject import follow_main_subject
from tools.video import VALIDATION_ERROR, VideoError, VideoInfo, probe_video
from tools.view import body_in_frame, detect_view

# Below this share of frames with a detected person the video is rejected.
MIN_POSE_COVERAGE = 0.10
# Torso angle from vertical that counts as lying (planks) / upright (wall sit, hang) in a hold.
HORIZONTAL_MIN_DEG = 55.0
UPRIGHT_MAX_DEG = 35.0


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


def _check(name: str, status: str, reason: str | None = None) -> dict:
    return {"name": name, "status": status, "reason": reason}


def _view_gate(ctx: RuleContext, r) -> str | None:
    """Why the detected view cannot show the rule's fault, or None when it can."""
    view = ctx.view.get("view", "unknown")
    if view == "unknown" or view in r.views:
        return None
    seen = " or ".join(v for v in r.views if v != "oblique")
    return (
        f"{r.issue.lower()} can only be judged from a {seen} view; this video is filmed from "
        f"the {view}"
    )


def _run_checks(ctx: RuleContext, possible: bool, why_not: str) -> tuple[list, list]:
    """Runs the profile's fault rules that the view can judge, then its generic checks.

    Every rule and applicable generic check gets one `checks` entry: "done", or
    "not_possible" with the reason (the view, too few reps, nothing to measure).
    """
    issues, checks = [], []
    for name in ctx.exercise.profile.rules:
        r = RULES[name]
        reason = why_not if not possible else _view_gate(ctx, r)
        if reason:
            checks.append(_check(name, "not_possible", reason))
        else:
            issues.extend(r(ctx))
            checks.append(_check(name, "done"))
    for c in checks_for(ctx.exercise):
        if not possible:
            checks.append(_check(c.name, "not_possible", why_not))
            continue
        try:
            found = c(ctx)
        except NotJudged as exc:
            checks.append(_check(c.name, "not_possible", str(exc)))
            continue
        issues.extend(found)
        checks.append(_check(c.name, "done"))
    return issues, checks


def _score(issues: list, checks: list, rep_count: int, why_not: str | None) -> tuple:
    """(score, scoreNote): the measured score, or None and why nothing could be rated."""
    if why_not:
        return None, why_not
    if not any(c["status"] == "done" for c in checks):
        reasons = "; ".join(dict.fromkeys(c["reason"] for c in checks if c.get("reason")))
        return None, f"no check could be judged ({reasons})" if reasons else "no check applies"
    return form_score(issues, rep_count), None


def _analyze_reps(track: PoseTrack, exercise: Exercise, view: dict) -> dict:
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
    reps, notices = _posture_guard(track, exercise, reps)
    measures = measure_reps(track, exercise, primary, reps)
    sym = symmetry(track, exercise, reps, view["view"])
    ctx = RuleContext(track=track, exercise=exercise, reps=reps, rep_measures=measures, view=view)
    ctx._cache[profile.signal] = primary
    why_not = None if reps else "no complete repetition was detected"
    issues, form_checks = _run_checks(ctx, bool(reps), why_not or "")
    score, note = _score(issues, form_checks, len(reps), why_not)
    return {
        "repCount": len(reps),
        "reps": [rep_dict(rep, m) for rep, m in zip(reps, measures, strict=True)],
        "metrics": rep_metrics(exercise, reps, measures, sym),
        "issues": issues,
        "score": score,
        "scoreNote": note,
        "checks": [_check("reps", "not_possible" if why_not else "done", why_not), *form_checks],
        "signal": {"name": primary.name, "sides": primary.sides},
        "notices": notices,
        "_ctx": ctx,
        "_primary": primary,
    }


def _posture_guard(track: PoseTrack, exercise: Exercise, reps: list[Rep]) -> tuple[list, list]:
    """(reps made in the exercise's posture, notices about the others).

    A "rep" whose frames are mostly outside the exercise's torso posture (kneeling up after
    push-ups, standing up to leave) is neither counted nor judged (tools.recognition).
    """
    band = posture_band(exercise)
    if band is None or not reps:
        return reps, []
    lean = compute_signal(track, "torso_lean").smooth
    kept, dropped = drop_out_of_posture(reps, lean, band, OUT_OF_POSTURE_MAX)
    if not dropped:
        return kept, []
    when = ", ".join(f"{r.start_time_s:.1f}-{r.end_time_s:.1f} s" for r in dropped)
    many = len(dropped) > 1
    notice = (
        f"{len(dropped)} movement{'s' if many else ''} ({when}) {'were' if many else 'was'} "
        f"not counted as {'' if many else 'a '}{exercise.name} rep{'s' if many else ''}: "
        f"{exercise.name} is done "
        f"{posture_words(band)}, and the body was in another position there."
    )
    return kept, [notice]


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    """(start, end) inclusive of the longest True run, or (-1, -1) if none."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if starts.size == 0:
        return -1, -1
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k] - 1)


def holding_mask(track: PoseTrack, exercise: Exercise, primary_smooth: np.ndarray) -> np.ndarray:
    """Frames in the hold position: the signal in its band and the torso oriented right."""
    p = exercise.profile
    x = np.nan_to_num(primary_smooth, nan=-np.inf)
    mask = x >= p.hold_threshold
    if p.hold_max is not None:
        mask &= x <= p.hold_max
    if p.orientation != "any":
        lean = np.nan_to_num(compute_signal(track, "torso_lean").smooth, nan=-1.0)
        if p.orientation == "horizontal":
            mask &= lean >= HORIZONTAL_MIN_DEG
        else:
            mask &= (lean >= 0) & (lean <= UPRIGHT_MAX_DEG)
    return mask


def _analyze_hold(track: PoseTrack, exercise: Exercise, view: dict) -> dict:
    primary = compute_signal(track, exercise.profile.signal)
    start, end = _longest_run(holding_mask(track, exercise, primary.smooth))
    held = start >= 0
    hold_s = 0.0 if not held else (end - start + 1) / track.fps
    hold: dict = {"startFrame": None, "endFrame": None, "durationS": r1(hold_s)}
    if held:
        hold.update(
            startFrame=start,
            endFrame=end,
            startTime=r1(track.times_s[start]),
            endTime=r1(track.times_s[end]),
            signalAverage=r1(float(np.nanmean(primary.smooth[start : end + 1]))),
        )
    ctx = RuleContext(
        track=track,
        exercise=exercise,
        reps=[],
        rep_measures=[],
        view=view,
        hold=(start, end) if held else None,
    )
    ctx._cache[primary.name] = primary
    why_not = None if held else "the position was never held"
    issues, form_checks = _run_checks(ctx, held, why_not or "")
    score, note = _score(issues, form_checks, 0, why_not)
    return {
        "repCount": 0,
        "reps": [],
        "hold": hold,
        "metrics": hold_metrics(exercise, primary, start, end, track.fps),
        "issues": issues,
        "score": score,
        "scoreNote": note,
        "checks": [_check("hold", "not_possible" if why_not else "done", why_not), *form_checks],
        "signal": {"name": primary.name, "sides": primary.sides},
        "_ctx": ctx,
        "_primary": primary,
    }


def _not_judged(findings: dict, ctx: RuleContext, why: str) -> None:
    """The named exercise does not fit the movement: nothing is counted, judged or scored."""
    findings.update(repCount=0, reps=[], issues=[], score=None, scoreNote=why)
    if "hold" in findings:
        findings["hold"] = {"startFrame": None, "endFrame": None, "durationS": 0.0}
    for check in findings["checks"]:
        if check["name"] not in ("camera_view", "body_in_frame"):
            check.update(status="not_possible", reason=why)
    ctx.reps, ctx.rep_measures, ctx.hold = [], [], None
    findings["notices"].append(why)


def analyze_track(
    track: PoseTrack,
    exercise: Exercise,
    info: VideoInfo | None = None,
    *,
    recognition: dict | None = None,
) -> dict:
    """Analyses a pose track for one exercise.

    Frames without a detected person (title cards, the person off-screen) are NaN in every
    signal, so they neither count as reps nor disturb the counter; frames where the tracker
    jumped to a bystander are dropped first. Reps made outside the exercise's posture are
    dropped with a notice (tools.recognition.posture_band).

    Args:
        track: The pose track.
        exercise: The exercise performed.
        info: The video's probe result, for the "video" section (track values otherwise).
        recognition: tools.recognition.recognize's result for this track, if it was run: it
            is kept as the findings' "recognition", and when it says the named exercise does
            not fit the movement ("mismatch"), nothing is counted or judged as that exercise
            (score None, the reason in scoreNote and in notices).

    Returns:
        The findings dict (see module docstring and docs/form-rules.md). "score" is None when
        nothing could be rated (no complete rep, the position was never held, or no check could
        be judged), and then "scoreNote" says why (docs/scoring.md); otherwise it is None.
    """
    n = track.n_frames
    k = int(track.detected.sum())
    track, subject = follow_main_subject(track)
    view = detect_view(track)
    body = body_in_frame(track, exercise.profile.joints, view["view"])
    findings = {
        "exercise": exercise.name,
        "exerciseId": exercise.id,
        "video": _video_dict(track, info),
        "totalFrames": n,
        "framesWithPose": k,
        "poseCoverage": r2(k / n if n else 0.0),
        "camera": view,
        "bodyInFrame": body,
        "subject": subject,
    }
    if exercise.profile.mode == "hold":
        result = _analyze_hold(track, exercise, view)
    else:
        result = _analyze_reps(track, exercise, view)
    ctx, primary = result.pop("_ctx"), result.pop("_primary")
    findings.update(result)
    findings.setdefault("notices", [])
    supported = view["view"] in exercise.profile.views or view["view"] == "unknown"
    findings["checks"][:0] = [
        _check(
            "camera_view",
            "done" if supported else "limited",
            None
            if supported
            else f"{exercise.name} is best judged from a "
            f"{' or '.join(exercise.profile.views[:2])} view; {view['guidance']}",
        ),
        _check(
            "body_in_frame",
            "done" if body["ok"] else "limited",
            None if body["ok"] else body["guidance"],
        ),
    ]
    if recognition is not None:
        findings["recognition"] = recognition
        if recognition.get("mismatch"):
            _not_judged(findings, ctx, recognition["message"])
        elif not recognition.get("named"):
            # Nothing was named: say what the set was analysed as, and how sure that is.
            findings["notices"].insert(0, recognition["message"])
    findings["keyframes"] = pick_keyframes(ctx, primary, findings)
    findings["series"] = primary_series(track, primary)
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
