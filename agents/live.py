"""The live session's own process: camera frames in, pose and coaching out; the report at the end.

api/live.py starts one of these per live set (spawned, so the server never imports mediapipe)
and talks to it over a pipe, at most one frame in flight:

    parent -> child: ("frame", seq, capture_ms, jpeg_bytes) | ("stop",) | None
    child -> parent: ("ready",) | ("frame", answer, events) | ("report", report, pose_json)
                     | ("error", code, message)

One stateful MediaPipe `Pose` (video mode: it tracks the person from frame to frame) serves the
whole set. At "stop" the set becomes a normal analysis: the upload's analysis on the landmarks
already computed (tools.analysis), the coaching agent on its findings (the offline coach when
that answer cannot be used, as in agents/pipeline.py), merged by the same build_report.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import numpy as np

from tools.analysis import MIN_POSE_COVERAGE, analyze_track
from tools.exercises import resolve_exercise
from tools.landmarks import N_LANDMARKS
from tools.live import LiveAnalyser
from tools.pose_wire import dumps, encode_track

logger = logging.getLogger(__name__)

_USER_ID = "biome"


def _array(landmark_list) -> np.ndarray | None:
    if landmark_list is None:
        return None
    out = np.empty((N_LANDMARKS, 4), np.float32)
    for j, lm in enumerate(landmark_list.landmark):
        out[j] = (lm.x, lm.y, lm.z, lm.visibility)
    return out


def wire_landmarks(lm: np.ndarray | None) -> list[int] | None:
    """One frame as the pose endpoint's integers (tools.pose_wire): x, y per mille, v 0-9."""
    if lm is None:
        return None
    xy = np.rint(lm[:, :2] * 1000).astype(np.int64)
    v = np.rint(np.clip(lm[:, 3], 0.0, 1.0) * 9).astype(np.int64)
    return np.concatenate([xy, v[:, None]], axis=1).reshape(-1).tolist()


async def _coach(findings: dict) -> tuple[dict, str, list[str]]:
    """(coaching, coach model, notices): the coaching agent alone, on measured findings."""
    from google.adk.runners import Runner
    from google.adk.sessions import InMemorySessionService
    from google.genai import types

    from agents.coach.agent import build_coaching_agent, coach_model_name
    from agents.offline_coach import OFFLINE_COACH_MODEL, build_offline_report
    from agents.pipeline import _checked_coaching

    model = coach_model_name()
    service = InMemorySessionService()
    runner = Runner(app_name="coach", agent=build_coaching_agent(model), session_service=service)
    session = await service.create_session(
        app_name="coach",
        user_id=_USER_ID,
        session_id=uuid.uuid4().hex,
        state={"vision_findings": findings},
    )
    message = types.Content(role="user", parts=[types.Part(text="Coach my live set.")])
    problem = None
    try:
        async for _ in runner.run_async(
            user_id=_USER_ID, session_id=session.id, new_message=message
        ):
            pass
        done = await service.get_session(app_name="coach", user_id=_USER_ID, session_id=session.id)
        coaching, problem = _checked_coaching((done.state or {}).get("coaching_report"), findings)
    except Exception as exc:  # Model unavailable after retries, invalid output, ...
        logger.warning("live coaching failed: %s", exc)
        coaching, problem = None, f"{type(exc).__name__}"
    finally:
        await runner.close()
    if coaching is not None:
        return coaching, model, []
    logger.warning("live set: falling back to the offline coach: %s", problem)
    notice = (
        "The AI coach could not be used, so the built-in offline coach wrote this feedback "
        "from the same measurements."
    )
    return build_offline_report(findings), OFFLINE_COACH_MODEL, [notice]


def finish(live: LiveAnalyser | None, processed: int, dropped: int) -> tuple[dict, bytes]:
    """The finished set as an upload's report, and its pose track for the overlay.

    Raises:
        AnalysisError: NO_PERSON_DETECTED when a person was in too few frames.
    """
    # The agents (ADK) load at the end of the set, not while the person waits to start.
    from agents.pipeline import AnalysisError, build_report
    from agents.vision.tools import finalize_findings

    started = time.perf_counter()
    track = live.track() if live is not None else None
    coverage = float(track.detected.mean()) if track is not None and track.n_frames else 0.0
    if coverage < MIN_POSE_COVERAGE:
        raise AnalysisError(
            "NO_PERSON_DETECTED",
            f"a person was visible in only {coverage:.0%} of the live frames; "
            "stand where the camera sees your whole body",
        )
    findings = finalize_findings(analyze_track(track, live.exercise))
    coaching, coach, notices = asyncio.run(_coach(findings))
    notices.insert(
        0,
        f"Coached live: measured on the {processed} camera frames analysed as they came "
        f"({dropped} skipped to stay in real time).",
    )
    report = build_report(
        findings,
        coaching,
        coach=coach,
        processing_time=time.perf_counter() - started,
        notices=notices,
    )
    return report, dumps(encode_track(track))


def child_main(conn, parent_pid: int, exercise_name: str) -> None:
    """The spawned process's entry point: dies with the server, ignores Ctrl-C, serves."""
    import signal

    from api.workers import die_with_parent  # plain processes and prctl, no web framework

    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(conn, exercise_name)


def serve(conn, exercise_name: str) -> None:
    """The child's loop (see the module docstring); returns when the parent stops it."""
    import cv2
    import mediapipe as mp

    exercise = resolve_exercise(exercise_name)
    pose = mp.solutions.pose.Pose(
        static_image_mode=False,
        model_complexity=1,  # as tools.pose: the only model bundled in the wheel
        smooth_landmarks=True,
        min_detection_confidence=0.5,
        min_tracking_confidence=0.5,
    )
    # Build the graph now, not on the first camera frame.
    pose.process(np.zeros((256, 256, 3), np.uint8))
    conn.send(("ready",))
    live: LiveAnalyser | None = None
    processed = dropped = 0
    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return
            if message is None:
                return
            if message[0] == "stop":
                dropped = message[1] if len(message) > 1 else 0
                try:
                    report, pose_json = finish(live, processed, dropped)
                    conn.send(("report", report, pose_json))
                except Exception as exc:  # AnalysisError, or the coach's set-up failing
                    code = getattr(exc, "code", None)
                    if not isinstance(code, str):
                        logger.exception("live set could not be saved")
                        code = "PROCESSING_ERROR"
                    conn.send(("error", code, getattr(exc, "message", None) or str(exc)))
                return
            _, seq, capture_ms, jpeg = message
            bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
            if bgr is None:
                conn.send(("frame", {"seq": seq, "captureTime": capture_ms, "bad": True}, []))
                continue
            if live is None:
                live = LiveAnalyser(exercise, bgr.shape[1], bgr.shape[0])
            t0 = time.perf_counter()
            result = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            t1 = time.perf_counter()
            lm = _array(result.pose_landmarks)
            answer = live.push(capture_ms, lm, _array(result.pose_world_landmarks))
            processed += 1
            events = answer.pop("events")
            answer.update(
                seq=seq,
                captureTime=capture_ms,
                landmarks=wire_landmarks(lm),
                # Where the time went (wall clock in this process): the pose model, the analysis.
                poseMs=round((t1 - t0) * 1000, 1),
                analysisMs=round((time.perf_counter() - t1) * 1000, 1),
            )
            conn.send(("frame", answer, events))
    finally:
        pose.close()
