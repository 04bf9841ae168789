"""Vision tools: thin wrappers over the `tools` package.

Two layers:
- Step functions (`probe`, `extract_track`, `measure`) used by the deterministic vision agent.
  They raise `tools.video.VideoError` and take an optional frame-progress callback.
- Plain tool functions (`probe_video_tool`, `analyze_exercise_video`) with Google-style
  docstrings returning dicts, so a later LLM agent can use them directly as ADK FunctionTools.
  They never raise for bad input; errors come back as {"status": "error", ...}.

The `tools` modules are imported lazily so that importing the agent layer stays cheap
(mediapipe is only loaded when a video is actually analysed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]

PROCESSING_ERROR = "PROCESSING_ERROR"
VALIDATION_ERROR = "VALIDATION_ERROR"


def error_dict(exc: BaseException) -> dict[str, str]:
    """Returns {"code", "message"} for an exception raised while analysing a video."""
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None)
    if isinstance(code, str) and isinstance(message, str):
        return {"code": code, "message": message}
    return {
        "code": PROCESSING_ERROR,
        "message": f"video processing failed ({type(exc).__name__}: {exc})",
    }


def resolve_exercise_name(exercise_name: str) -> Any | None:
    """Returns the tools.exercises Exercise for a user-given name, or None if unknown."""
    from tools.exercises import resolve_exercise

    return resolve_exercise(exercise_name)


def probe(video_path: str) -> Any:
    """Probes a video (tools.video.probe_video). Raises VideoError."""
    from tools.video import probe_video

    return probe_video(video_path)


def extract_track(video_path: str, info: Any, on_progress: ProgressFn | None = None) -> Any:
    """Runs pose estimation over every frame (tools.pose.extract_pose_track)."""
    from tools.pose import extract_pose_track

    return extract_pose_track(video_path, info=info, on_progress=on_progress)


def measure(track: Any, exercise: Any, info: Any | None = None) -> dict:
    """Computes reps, metrics, issues and score from a pose track (tools.analysis.analyze_track).

    Raises:
        NoPersonError: A person was visible in too few frames (same rule as
            tools.analysis.analyze_video).
    """
    from tools.analysis import MIN_POSE_COVERAGE, NoPersonError, analyze_track

    coverage = float(track.detected.mean()) if track.n_frames else 0.0
    if coverage < MIN_POSE_COVERAGE:
        raise NoPersonError(
            f"a person was visible in only {coverage:.0%} of the frames; film the whole body"
        )
    findings = analyze_track(track, exercise, info)
    if info is not None and not findings.get("video"):
        findings["video"] = video_summary(info)
    return findings


def render_keyframes(video_path: str, track: Any, keyframes: list, out_dir: str) -> list:
    """Draws the keyframes (tools.visuals.render_keyframes) as JPEGs into out_dir.

    Pictures are an extra: if drawing fails the keyframes stay listed without a file, and the
    analysis goes on.
    """
    from tools.visuals import render_keyframes as render

    try:
        return render(video_path, track, keyframes, out_dir)
    except Exception:
        logger.exception("could not render keyframes of %s", video_path)
        return keyframes


def video_summary(info: Any) -> dict:
    """The camelCase video section of the findings, from a VideoInfo."""
    return {
        "durationS": round(float(info.duration_s), 3),
        "fps": float(info.fps),
        "frameCount": int(info.frame_count),
        "width": int(info.width),
        "height": int(info.height),
        "rotation": int(info.rotation),
    }


def probe_video_tool(video_path: str) -> dict:
    """Checks that a video can be decoded and reads its basic properties.

    Args:
        video_path: Path of the uploaded video file on the server.

    Returns:
        {"status": "ok", "video": {durationS, fps, frameCount, width, height, rotation,
        codec}} when the video is usable, or {"status": "error", "code": ..., "message": ...}
        with code UNSUPPORTED_FORMAT (cannot be decoded) or VALIDATION_ERROR (e.g. too long).
    """
    try:
        info = probe(video_path)
    except Exception as exc:  # VideoError, or anything unexpected from OpenCV.
        return {"status": "error", **error_dict(exc)}
    return {"status": "ok", "video": {**video_summary(info), "codec": info.codec}}


def analyze_exercise_video(video_path: str, exercise_name: str) -> dict:
    """Measures an exercise set in a video: reps, joint angles, form issues and a score.

    This runs pose estimation on every frame, so it takes roughly as long as the video plays.

    Args:
        video_path: Path of the uploaded video file on the server.
        exercise_name: The exercise performed, e.g. "Squat" or "Push-up".

    Returns:
        {"status": "ok", "findings": {...}} where findings holds exercise, video, totalFrames,
        framesWithPose, poseCoverage, repCount, reps, metrics, issues (type, severity,
        frameStart, frameEnd, coachingCue, confidenceScore, measured values), score (0-10) and
        checks; or {"status": "error", "code": ..., "message": ...} with code
        VALIDATION_ERROR (unknown exercise, video too long), UNSUPPORTED_FORMAT,
        NO_PERSON_DETECTED or PROCESSING_ERROR.
    """
    try:
        _, findings = _track_and_findings(video_path, exercise_name)
    except Exception as exc:
        return {"status": "error", **error_dict(exc)}
    return {"status": "ok", "findings": findings}


def _track_and_findings(video_path: str, exercise_name: str) -> tuple[Any, dict]:
    """Resolve the exercise, then probe, track and measure; raises VideoError on bad input."""
    from tools.video import VideoError

    exercise = resolve_exercise_name(exercise_name)
    if exercise is None:
        raise VideoError(VALIDATION_ERROR, f"unknown exercise: {exercise_name!r}")
    info = probe(video_path)
    track = extract_track(video_path, info)
    return track, measure(track, exercise, info)


def extract_pose_track_tool(video_path: str) -> dict:
    """Finds the person in every frame of a video with MediaPipe Pose and summarises the track.

    Use it to check whether a video shows a person well enough to be analysed before running
    the full analysis. It takes roughly as long as the video plays.

    Args:
        video_path: Path of the uploaded video file on the server.

    Returns:
        {"status": "ok", "pose": {"frames", "framesWithPose", "poseCoverage" (0-1), "fps",
        "jointVisibility": {joint: mean visibility 0-1 where seen}}}, or {"status": "error",
        "code": ..., "message": ...} with code UNSUPPORTED_FORMAT, VALIDATION_ERROR or
        PROCESSING_ERROR.
    """
    import numpy as np

    from tools.landmarks import LANDMARK

    try:
        info = probe(video_path)
        track = extract_track(video_path, info)
    except Exception as exc:
        return {"status": "error", **error_dict(exc)}
    seen = track.detected
    joints = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
    visibility = {}
    for joint in joints:
        values = [
            track.landmarks[seen, LANDMARK[f"{side}_{joint}"], 3] for side in ("left", "right")
        ]
        both = np.concatenate(values) if seen.any() else np.array([])
        visibility[joint] = round(float(both.mean()), 2) if both.size else 0.0
    return {
        "status": "ok",
        "pose": {
            "frames": int(track.n_frames),
            "framesWithPose": int(seen.sum()),
            "poseCoverage": round(float(seen.mean()), 3) if track.n_frames else 0.0,
            "fps": float(track.fps),
            "jointVisibility": visibility,
        },
    }


def render_keyframes_tool(video_path: str, exercise_name: str, output_dir: str) -> dict:
    """Analyses an exercise video and draws its keyframes: the worst rep and each fault.

    Each picture shows the skeleton with the offending joints highlighted and the measured
    angle drawn on the frame, so the athlete can see what the coach means.

    Args:
        video_path: Path of the uploaded video file on the server.
        exercise_name: The exercise performed, e.g. "Squat" or "Push-up".
        output_dir: Folder on the server where the JPEG pictures are written.

    Returns:
        {"status": "ok", "keyframes": [{"kind", "frame", "rep", "issueType", "label", "angle",
        "file", "width", "height"}]}, or {"status": "error", "code": ..., "message": ...} with
        the codes of analyze_exercise_video.
    """
    from pathlib import Path

    try:
        track, findings = _track_and_findings(video_path, exercise_name)
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        from tools.visuals import render_keyframes as render

        keyframes = render(video_path, track, findings.get("keyframes") or [], output_dir)
    except Exception as exc:
        return {"status": "error", **error_dict(exc)}
    return {"status": "ok", "keyframes": keyframes}


def vision_function_tools() -> list:
    """The vision tools as ADK FunctionTools, for an LLM agent that drives the analysis."""
    from google.adk.tools import FunctionTool

    return [
        FunctionTool(f)
        for f in (
            probe_video_tool,
            extract_pose_track_tool,
            analyze_exercise_video,
            render_keyframes_tool,
        )
    ]
