"""Vision tools: the ADK FunctionTools the vision agent calls, over the `tools` package.

Two layers:
- Step functions (`probe`, `extract_track`, `measure`, `render_keyframes`): thin wrappers that
  raise `tools.video.VideoError` and take an optional frame-progress callback.
- The tools (`probe_video_tool`, `extract_pose_track_tool`, `analyze_exercise_tool`,
  `render_keyframes_tool`): Google-style docstrings, dicts back, errors as
  {"status": "error", "code", "message"} rather than exceptions. The vision agent calls them
  through ADK (function_call / function_response events, plugin tool callbacks), so each step
  shows in the event stream and in `adk web`; an LLM agent could call them the same way.

The pose track is large (every landmark of every frame), so it never travels through the event
stream: `extract_pose_track_tool` keeps it in this process under a handle, which the later tools
take as their `pose_track` argument (and `release_track` drops).

The `tools` modules are imported lazily so that importing the agent layer stays cheap
(mediapipe is only loaded when a video is actually analysed).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from google.adk.tools.tool_context import ToolContext

from agents.findings_format import findings_for_prompt, severity_rank

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


def measure(
    track: Any, exercise: Any, info: Any | None = None, recognition: dict | None = None
) -> dict:
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
    findings = analyze_track(track, exercise, info, recognition=recognition)
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


def save_media(video_path: str, track: Any, findings: dict, out_dir: str) -> list[str]:
    """Writes the overlay's pose track (pose.json) and the thumbnail (thumbnail.jpg) to out_dir.

    Like the keyframes these are extras: what cannot be written is left out and logged, and
    the analysis goes on. Returns the names written.
    """
    from pathlib import Path

    from tools.annotate import thumbnail_frame, write_thumbnail
    from tools.pose_wire import dumps, encode_track

    out = Path(out_dir)
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        pose = encode_track(track)
        (out / "pose.json").write_bytes(dumps(pose))
        written.append("pose.json")
        frame = thumbnail_frame(pose, findings.get("reps") or [])
        if write_thumbnail(video_path, pose, frame, out / "thumbnail.jpg") is not None:
            written.append("thumbnail.jpg")
    except Exception:
        logger.exception("could not write the pose track or thumbnail of %s", video_path)
    return written


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


# ---------------------------------------------------------------- pose tracks kept by handle

# Tracks of runs in progress; a few at most (one per analysis in this process), the oldest
# dropped first if a run never released its own.
_TRACKS: OrderedDict[str, tuple[Any, Any]] = OrderedDict()
_TRACKS_MAX = 4
_TRACKS_LOCK = threading.Lock()

STATE_VIDEO_INFO = "video_info"
STATE_POSE_TRACK = "pose_track"
STATE_FINDINGS = "vision_findings"
STATE_RECOGNITION = "recognition"


def keep_track(track: Any, info: Any) -> str:
    """Keeps a pose track (and its video's probe) in this process; returns its handle."""
    handle = f"track-{uuid.uuid4().hex}"
    with _TRACKS_LOCK:
        _TRACKS[handle] = (track, info)
        while len(_TRACKS) > _TRACKS_MAX:
            _TRACKS.popitem(last=False)
    return handle


def release_track(handle: str | None) -> None:
    """Forgets a kept pose track."""
    with _TRACKS_LOCK:
        _TRACKS.pop(str(handle), None)


def _kept(handle: str) -> tuple[Any, Any]:
    from tools.video import VideoError

    with _TRACKS_LOCK:
        kept = _TRACKS.get(str(handle))
    if kept is None:
        raise VideoError(
            VALIDATION_ERROR,
            f"no pose track {handle!r} in this process; run extract_pose_track_tool first",
        )
    return kept


def _to_builtin(value: Any) -> Any:
    """json default: numpy scalars/arrays and other odd types to plain Python."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def plain(data: Any) -> Any:
    """Makes data JSON-safe so any session service can persist it."""
    return json.loads(json.dumps(data, default=_to_builtin))


def finalize_findings(findings: dict) -> dict:
    """Orders issues most severe first (then by frame), and makes the findings JSON-safe."""
    findings = plain(findings)
    findings["issues"] = sorted(
        findings.get("issues") or [],
        key=lambda i: (severity_rank(i.get("severity")), i.get("frameStart") or 0),
    )
    return findings


def frame_progress(tool_context: ToolContext | None) -> ProgressFn | None:
    """An on_progress(done, total) that feeds every plugin accepting frame progress."""
    if tool_context is None:
        return None
    ctx = tool_context._invocation_context
    callbacks = [
        factory(ctx.invocation_id)
        for plugin in getattr(ctx.plugin_manager, "plugins", [])
        if callable(factory := getattr(plugin, "frame_progress_callback", None))
    ]
    if not callbacks:
        return None

    def on_progress(frames_done: int, frames_total: int) -> None:
        for callback in callbacks:
            try:
                callback(frames_done, frames_total)
            except Exception:  # Progress reporting must never break the analysis.
                logger.exception("frame progress callback raised")

    return on_progress


def _error(exc: BaseException) -> dict:
    if not hasattr(exc, "code"):
        logger.exception("vision tool failed unexpectedly", exc_info=exc)
    return {"status": "error", **error_dict(exc)}


# ---------------------------------------------------------------- the tools


async def probe_video_tool(video_path: str, tool_context: ToolContext) -> dict:
    """Checks that a video can be decoded and reads its basic properties.

    Args:
        video_path: Path of the uploaded video file on the server.

    Returns:
        {"status": "ok", "video": {durationS, fps, frameCount, width, height, rotation,
        codec}} when the video is usable, or {"status": "error", "code": ..., "message": ...}
        with code UNSUPPORTED_FORMAT (cannot be decoded) or VALIDATION_ERROR (e.g. too long).
    """
    try:
        info = await asyncio.to_thread(probe, video_path)
    except Exception as exc:  # VideoError, or anything unexpected from OpenCV.
        return _error(exc)
    if on_progress := frame_progress(tool_context):
        on_progress(0, info.frame_count)  # Lets the time estimate use the real frame count.
    tool_context.state[STATE_VIDEO_INFO] = plain(info.to_dict())
    return {"status": "ok", "video": {**video_summary(info), "codec": info.codec}}


async def extract_pose_track_tool(video_path: str, tool_context: ToolContext) -> dict:
    """Finds the person in every frame of a video with MediaPipe Pose.

    It takes roughly as long as the video plays. The track itself stays on the server; the
    answer summarises it and names it with a handle for analyze_exercise_tool and
    render_keyframes_tool.

    Args:
        video_path: Path of the uploaded video file on the server.

    Returns:
        {"status": "ok", "poseTrack": handle, "pose": {"frames", "framesWithPose",
        "poseCoverage" (0-1), "fps", "jointVisibility": {joint: mean visibility 0-1}}}, or
        {"status": "error", "code": ..., "message": ...} with code UNSUPPORTED_FORMAT,
        VALIDATION_ERROR or PROCESSING_ERROR.
    """
    try:
        info = await asyncio.to_thread(probe, video_path)
        track = await asyncio.to_thread(
            extract_track, video_path, info, frame_progress(tool_context)
        )
    except Exception as exc:
        return _error(exc)
    handle = keep_track(track, info)
    tool_context.state[STATE_POSE_TRACK] = handle
    return {"status": "ok", "poseTrack": handle, "pose": track_summary(track)}


def track_summary(track: Any) -> dict:
    """Frames, frames with a pose, coverage, fps and mean joint visibility of a pose track."""
    import numpy as np

    from tools.landmarks import LANDMARK

    seen = np.asarray(track.detected, dtype=bool)
    visibility = {}
    for joint in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
        values = [
            track.landmarks[seen, LANDMARK[f"{side}_{joint}"], 3] for side in ("left", "right")
        ]
        both = np.concatenate(values) if seen.any() else np.array([])
        visibility[joint] = round(float(both.mean()), 2) if both.size else 0.0
    return {
        "frames": int(track.n_frames),
        "framesWithPose": int(seen.sum()),
        "poseCoverage": round(float(seen.mean()), 3) if track.n_frames else 0.0,
        "fps": float(track.fps),
        "jointVisibility": visibility,
    }


def recognize(track: Any, exercise_name: str = "") -> dict:
    """Recognises the exercise in a track (tools.recognition.recognize), checking a named one.

    Raises:
        VideoError: VALIDATION_ERROR for a named exercise that is not in the catalog.
        NoPersonError: A person was visible in too few frames to tell (as in `measure`).
    """
    from tools.analysis import MIN_POSE_COVERAGE, NoPersonError
    from tools.recognition import recognize as recognise_track
    from tools.video import VideoError

    coverage = float(track.detected.mean()) if track.n_frames else 0.0
    if coverage < MIN_POSE_COVERAGE:
        raise NoPersonError(
            f"a person was visible in only {coverage:.0%} of the frames; film the whole body"
        )
    named = None
    if exercise_name.strip():
        named = resolve_exercise_name(exercise_name)
        if named is None:
            raise VideoError(VALIDATION_ERROR, f"unknown exercise: {exercise_name!r}")
    result = recognise_track(track, named=named)
    result["analysedAs"] = named.id if named is not None else result["exerciseId"]
    return result


async def recognize_exercise_tool(
    pose_track: str, tool_context: ToolContext, exercise_name: str = ""
) -> dict:
    """Recognises which exercise the pose track shows, and checks the named one against it.

    The recognition compares the movement with hand-set prototypes of the exercises it can
    tell apart: body orientation (standing, horizontal, hanging, lying), which joints move and
    how far, what stays anchored, and whether each exercise's own rep counter finds reps.

    Args:
        pose_track: The handle extract_pose_track_tool answered with.
        exercise_name: The exercise the person named, or "" to let the movement tell.

    Returns:
        {"status": "ok", "recognition": {"exerciseId", "exercise", "confidence", "sure",
        "candidates" (top three with scores), "named", "namedScore", "checked", "mismatch",
        "analysedAs", "message"}}; or {"status": "error", "code", "message"}. The recognition
        is kept in session state under "recognition" for analyze_exercise_tool: a mismatched
        name is then not judged as that exercise.
    """
    try:
        track, _ = _kept(pose_track)
        result = plain(await asyncio.to_thread(recognize, track, exercise_name))
    except Exception as exc:
        return _error(exc)
    tool_context.state[STATE_RECOGNITION] = result
    return {"status": "ok", "recognition": result}


async def analyze_exercise_tool(
    exercise_name: str, pose_track: str, tool_context: ToolContext
) -> dict:
    """Measures an exercise set from a pose track: reps, joint angles, form issues, a score.

    Args:
        exercise_name: The exercise performed, e.g. "Squat" or "Push-up".
        pose_track: The handle extract_pose_track_tool answered with.

    Returns:
        {"status": "ok", "findings": {...}} with exercise, video, camera, bodyInFrame,
        totalFrames, framesWithPose, poseCoverage, repCount, reps, hold, metrics, issues (type,
        severity, frameStart, frameEnd, coachingCue, confidenceScore, reps, measured), score
        (0-10, or null when the set could not be rated) and checks; or {"status": "error",
        "code": ..., "message": ...} with code VALIDATION_ERROR (unknown exercise, no such
        track), NO_PERSON_DETECTED or PROCESSING_ERROR. The full findings (with keyframes and
        the angle series) are kept in session state under "vision_findings".
    """
    try:
        from tools.video import VideoError

        exercise = resolve_exercise_name(exercise_name)
        if exercise is None:
            raise VideoError(VALIDATION_ERROR, f"unknown exercise: {exercise_name!r}")
        track, info = _kept(pose_track)
        # A recognition of this track (recognize_exercise_tool) travels into the findings.
        recognition = tool_context.state.get(STATE_RECOGNITION)
        findings = finalize_findings(
            await asyncio.to_thread(measure, track, exercise, info, recognition)
        )
    except Exception as exc:
        return _error(exc)
    tool_context.state[STATE_FINDINGS] = findings
    return {"status": "ok", "findings": findings_for_prompt(findings)}


async def render_keyframes_tool(
    video_path: str, pose_track: str, output_dir: str, tool_context: ToolContext
) -> dict:
    """Draws the keyframes of the analysed set: the worst rep and each fault.

    Each picture shows the skeleton with the offending joints highlighted and the measured
    angle drawn on the frame, so the athlete can see what the coach means. Run it after
    analyze_exercise_tool; each keyframe in the session's findings then names its file. The
    web app's pose track (pose.json) and the history's thumbnail (thumbnail.jpg) are written
    to the same folder.

    Args:
        video_path: Path of the uploaded video file on the server (the one that was tracked).
        pose_track: The handle extract_pose_track_tool answered with.
        output_dir: Folder on the server where the JPEG pictures are written.

    Returns:
        {"status": "ok", "keyframes": [{"kind", "frame", "rep", "issueType", "label", "angle",
        "file", "width", "height"}]}, or {"status": "error", "code": ..., "message": ...}.
    """
    from pathlib import Path

    findings = tool_context.state.get(STATE_FINDINGS)
    try:
        from tools.video import VideoError

        if not findings:
            raise VideoError(VALIDATION_ERROR, "no findings yet; run analyze_exercise_tool first")
        track, _ = _kept(pose_track)
        await asyncio.to_thread(Path(output_dir).mkdir, parents=True, exist_ok=True)
        keyframes = plain(
            await asyncio.to_thread(
                render_keyframes, video_path, track, findings.get("keyframes") or [], output_dir
            )
        )
        await asyncio.to_thread(save_media, video_path, track, findings, output_dir)
    except Exception as exc:
        return _error(exc)
    tool_context.state[STATE_FINDINGS] = {**findings, "keyframes": keyframes}
    return {"status": "ok", "keyframes": [_drawn(k) for k in keyframes]}


def _drawn(keyframe: dict) -> dict:
    keys = ("kind", "frame", "rep", "issueType", "label", "angle", "file", "width", "height")
    return {k: keyframe.get(k) for k in keys}


VISION_TOOLS = (
    probe_video_tool,
    extract_pose_track_tool,
    recognize_exercise_tool,
    analyze_exercise_tool,
    render_keyframes_tool,
)


def vision_function_tools() -> list:
    """The vision tools as ADK FunctionTools (what the vision agent calls)."""
    from google.adk.tools import FunctionTool

    return [FunctionTool(f) for f in VISION_TOOLS]
