"""The one entry point the API and CLI use to analyse a video.

    report = await run_analysis("/tmp/set.mp4", "Squat", on_event=print)
    report = analyze_video("/tmp/set.mp4", "Squat")   # sync, for worker processes

One ADK session per analysis: an `App` named "orchestrator" with the orchestrator as root agent and
a `StatusPlugin` that sends agent_status/progress events to `on_event`, run by a `Runner` over
an `InMemorySessionService`. Vision errors raise `AnalysisError`; a coaching answer that cannot
be used is replaced by the offline coach (the report then carries "notices").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from google.adk.apps import App
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.genai import types

from agents.coach.agent import coach_model_name
from agents.coach.grounding import check_coaching
from agents.offline_coach import OFFLINE_COACH_MODEL, build_offline_report
from agents.orchestrator.agent import build_root_agent
from agents.resilient_llm import KIND_TEXT
from agents.status import TASK_COACHING, StatusPlugin
from agents.vision import tools as vtools
from tools.report import issues_of, report_from_findings, score_of

logger = logging.getLogger(__name__)

# ADK names an app after the agents/ folder its root agent lives in (as `adk web agents` does).
APP_NAME = "orchestrator"
_USER_ID = "biome"

EventSink = Callable[[dict], None]


class AnalysisError(Exception):
    """The video could not be analysed.

    Attributes:
        code: "VALIDATION_ERROR", "UNSUPPORTED_FORMAT", "PROCESSING_ERROR" or
            "NO_PERSON_DETECTED" (from tools.video.VideoError / tools.analysis.NoPersonError).
        message: Human-readable explanation, safe to show to the user.
    """

    def __init__(self, code: str, message: str):
        super().__init__(code, message)  # args (code, message): survives pickling.
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        """{"code", "message"} for API error payloads."""
        return {"code": self.code, "message": self.message}


def _coach_estimate_s(model: str) -> float:
    return 1.0 if model == OFFLINE_COACH_MODEL else 10.0


def _checked_coaching(raw: Any, findings: dict) -> tuple[dict | None, str | None]:
    """Validates the coaching agent's output against the schema and the findings.

    Returns (report, None) for a grounded (possibly repaired) report, (None, why) otherwise.
    """
    verdict = check_coaching(raw, findings)
    if verdict.repairs:
        logger.info("coaching report repaired: added dropped issues %s", verdict.repairs)
    if not verdict.ok:
        return None, "; ".join(verdict.problems)
    return verdict.report, None


def build_report(
    findings: dict,
    coaching: dict,
    *,
    coach: str,
    processing_time: float,
    notices: list[str] | None = None,
) -> dict:
    """Merges measured findings and the coach's words into a `tools.report.Report` (as JSON).

    Everything measured comes from the findings: the score (never the coach's: a set that
    could not be rated has None and the reason), severity, frames, reps and confidence. The
    cue is the coach's wording for that issue type when the type occurs once; when it occurs
    several times (e.g. one issue per rep) each keeps its own measured cue from the findings.
    """
    type_counts: dict[str, int] = {}
    for issue in findings.get("issues") or []:
        key = str(issue.get("type", "")).strip().lower()
        type_counts[key] = type_counts.get(key, 0) + 1
    cues = {
        str(i.get("type", "")).strip().lower(): i.get("coachingCue")
        for i in coaching.get("issues") or []
        if type_counts.get(str(i.get("type", "")).strip().lower()) == 1
    }
    issues = [
        issue.model_copy(
            update={"coachingCue": cues.get(issue.type.strip().lower()) or issue.coachingCue}
        )
        for issue in issues_of(findings)
    ]
    score, unrated = score_of(findings)
    notices = list(notices or [])
    if score is None:
        notices.append(unrated)
    report = report_from_findings(
        findings,
        coach=coach,
        processingTime=round(processing_time, 2),
        issues=issues,
        strengths=list(coaching.get("strengths") or []),
        recommendations=list(coaching.get("recommendations") or []),
        summary=coaching.get("summary") or "",
        notices=notices,
    )
    return report.model_dump(mode="json")


async def run_analysis(
    video_path: str,
    exercise_name: str,
    *,
    on_event: EventSink | None = None,
    artifacts_dir: str | None = None,
) -> dict:
    """Analyses one exercise video: measured findings plus coaching, as a report dict.

    Args:
        video_path: Path of the video file (local).
        exercise_name: Exercise name as given by the user (resolved via tools.exercises);
            empty or None to let the movement tell (the report's "recognition" says what was
            recognised, how sure, and the runners-up).
        on_event: Optional callback receiving {"type": "agent_status" | "progress", "data": ...}
            dicts as the analysis runs. It may be called from a worker thread (frame progress);
            it must be thread-safe and quick.
        artifacts_dir: Where to draw the keyframe JPEGs; each keyframe of the report then
            names its "file" there. Without it the keyframes are listed but not drawn.

    Returns:
        The report, `tools.report.Report` as JSON: exercise, coach, overallScore (None when
        the set could not be rated, with unratedReason and a notice saying why), totalFrames,
        processingTime, repCount, reps, issues, metrics, strengths, recommendations, summary,
        video, checks, notices (e.g. when the offline coach had to stand in), camera,
        bodyInFrame, subject, hold, keyframes, series, recognition.

    Raises:
        AnalysisError: Unknown named exercise (VALIDATION_ERROR, before any work), or the
            video could not be analysed (code from the vision step).
    """
    started = time.perf_counter()
    # No name: the vision agent recognises the exercise from the movement (tools.recognition).
    name = str(exercise_name or "").strip()
    exercise = vtools.resolve_exercise_name(name) if name else None
    if name and exercise is None:
        raise AnalysisError("VALIDATION_ERROR", f"unknown exercise: {exercise_name!r}")
    named = exercise.name if exercise else ""

    coach_model = coach_model_name()
    plugin = StatusPlugin(sink=on_event, coach_estimate_s=_coach_estimate_s(coach_model))
    root_agent = build_root_agent(coach_model=coach_model)
    app = App(name=APP_NAME, root_agent=root_agent, plugins=[plugin])
    session_service = InMemorySessionService()
    runner = Runner(app=app, session_service=session_service)
    session = await session_service.create_session(
        app_name=APP_NAME,
        user_id=_USER_ID,
        session_id=uuid.uuid4().hex,
        state={
            "video_path": str(video_path),
            "exercise_name": named,
            **({"artifacts_dir": str(artifacts_dir)} if artifacts_dir else {}),
        },
    )
    message = types.Content(
        role="user", parts=[types.Part(text=f"Analyse my {named or 'exercise'} video.")]
    )
    invocation_id = ""
    run_error: Exception | None = None
    try:
        async for event in runner.run_async(
            user_id=_USER_ID, session_id=session.id, new_message=message
        ):
            invocation_id = invocation_id or event.invocation_id
    except Exception as exc:  # Reported below: vision error, or coaching fallback.
        logger.exception("analysis run raised")
        run_error = exc
    finally:
        await runner.close()

    session = await session_service.get_session(
        app_name=APP_NAME, user_id=_USER_ID, session_id=session.id
    )
    state = dict(session.state) if session else {}
    vision_error = state.get("vision_error")
    if vision_error:
        raise AnalysisError(vision_error.get("code", "PROCESSING_ERROR"), vision_error["message"])
    findings = state.get("vision_findings")
    if not findings:
        detail = f" ({type(run_error).__name__})" if run_error else ""
        raise AnalysisError("PROCESSING_ERROR", f"the video analysis produced no results{detail}")

    coaching_error = state.get("coaching_error")
    coaching, problem = (None, None)
    if not coaching_error:
        coaching, problem = _checked_coaching(state.get("coaching_report"), findings)
    coach = coach_model
    notices = []
    if coaching is None:
        problem = problem or (coaching_error or {}).get("message") or "the coaching model failed"
        logger.warning("falling back to the offline coach: %s", problem)
        coaching = build_offline_report(findings)
        coach = OFFLINE_COACH_MODEL
        # Shown to the user: the kind of failure, never the rejected text (it could name an
        # issue that was not detected).
        why = KIND_TEXT.get((coaching_error or {}).get("kind", ""))
        why = why or "the AI coach's answer did not match the measurements"
        notices.append(
            f"The AI coach could not be used ({why}), so the built-in offline coach wrote "
            "this feedback from the same measurements."
        )
        if invocation_id:
            plugin.update(invocation_id, coaching="complete", tasks={TASK_COACHING: "complete"})

    report = build_report(
        findings,
        coaching,
        coach=coach,
        processing_time=time.perf_counter() - started,
        notices=notices,
    )
    if invocation_id:
        plugin.finish(invocation_id)
    return report


def analyze_video(
    video_path: str,
    exercise_name: str,
    on_event: EventSink | None = None,
    artifacts_dir: str | None = None,
) -> dict:
    """Synchronous run_analysis (asyncio.run) for worker processes and the CLI.

    Must not be called from a running event loop; use run_analysis there.
    """
    return asyncio.run(
        run_analysis(video_path, exercise_name, on_event=on_event, artifacts_dir=artifacts_dir)
    )


def warm_up() -> None:
    """Runs the pipeline once on a generated empty clip, for worker processes at start.

    The first run in a process builds the MediaPipe graph and ADK's lazily imported parts
    (about 3.5 s here); paying that at start keeps it off the first upload. The clip has nobody
    in it, so the run ends with NO_PERSON_DETECTED, which is the expected outcome.
    """
    import tempfile
    from pathlib import Path

    import cv2
    import numpy as np

    with tempfile.TemporaryDirectory(prefix="biome-warm-up-") as tmp:
        path = str(Path(tmp) / "empty.mp4")
        writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), 10, (64, 64))
        for _ in range(5):
            writer.write(np.zeros((64, 64, 3), np.uint8))
        writer.release()
        with contextlib.suppress(AnalysisError):
            analyze_video(path, "squat")
