"""The vision agent: a deterministic pipeline from video to measured findings.

No model decides anything here. `VisionAgent` reads "video_path" and "exercise_name" from
session state and runs probe -> pose track -> exercise analysis (CPU-bound, so off the event
loop with asyncio.to_thread). It reports each task as a metadata-only event (text would count as
a final response) and writes its results with state_delta:

- state["video_info"]: the probe result (VideoInfo.to_dict()).
- with state["artifacts_dir"] set, the findings' keyframes are drawn there as JPEGs.
- state["vision_findings"]: the findings dict (camelCase) from tools.analysis.
- state["vision_error"]: {"code", "message"} when the video cannot be analysed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Callable
from typing import Any

from google.adk.agents import BaseAgent
from google.adk.agents.invocation_context import InvocationContext
from google.adk.events.event import Event
from google.adk.events.event_actions import EventActions
from typing_extensions import override

from agents.findings_format import severity_rank
from agents.status import (
    TASK_ISSUES,
    TASK_LANDMARKS,
    TASK_MEASURING,
    TASK_METADATA_KEY,
    TASK_READING,
    VISION_AGENT_NAME,
    VISION_ERROR_METADATA_KEY,
)
from agents.vision import tools as vtools

logger = logging.getLogger(__name__)


class _VisionFailure(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _to_builtin(value: Any) -> Any:
    """json default: numpy scalars/arrays and other odd types to plain Python."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def _plain(data: Any) -> Any:
    """Makes data JSON-safe so any session service can persist it."""
    return json.loads(json.dumps(data, default=_to_builtin))


def _finalize_findings(findings: dict) -> dict:
    """Orders issues most severe first (then by frame), and makes the findings JSON-safe."""
    findings = _plain(findings)
    issues = findings.get("issues") or []
    findings["issues"] = sorted(
        issues,
        key=lambda i: (severity_rank(i.get("severity")), i.get("frameStart") or 0),
    )
    return findings


def _frame_progress_callback(ctx: InvocationContext) -> Callable[[int, int], None] | None:
    """Finds a plugin that accepts frame progress (the status plugin) for this run."""
    callbacks = []
    for plugin in getattr(ctx.plugin_manager, "plugins", []):
        factory = getattr(plugin, "frame_progress_callback", None)
        if callable(factory):
            callbacks.append(factory(ctx.invocation_id))
    if not callbacks:
        return None

    def on_progress(frames_done: int, frames_total: int) -> None:
        for callback in callbacks:
            try:
                callback(frames_done, frames_total)
            except Exception:  # Progress reporting must never break the analysis.
                logger.exception("frame progress callback raised")

    return on_progress


class VisionAgent(BaseAgent):
    """Runs the measured video analysis and stores the findings in session state."""

    @override
    async def _run_async_impl(self, ctx: InvocationContext) -> AsyncGenerator[Event, None]:
        state = ctx.session.state
        video_path = state.get("video_path")
        exercise_name = state.get("exercise_name")
        on_progress = _frame_progress_callback(ctx)
        current = TASK_READING
        try:
            yield self._task_event(ctx, TASK_READING, "running")
            if not video_path:
                raise _VisionFailure("VALIDATION_ERROR", "no video_path in session state")
            exercise = vtools.resolve_exercise_name(str(exercise_name or ""))
            if exercise is None:
                raise _VisionFailure("VALIDATION_ERROR", f"unknown exercise: {exercise_name!r}")
            info = await asyncio.to_thread(vtools.probe, video_path)
            if on_progress is not None:
                on_progress(0, info.frame_count)  # Lets the ETA use the real frame count.
            yield self._task_event(
                ctx, TASK_READING, "complete", state_delta={"video_info": _plain(info.to_dict())}
            )

            current = TASK_LANDMARKS
            yield self._task_event(ctx, TASK_LANDMARKS, "running")
            track = await asyncio.to_thread(vtools.extract_track, video_path, info, on_progress)
            yield self._task_event(ctx, TASK_LANDMARKS, "complete")

            current = TASK_MEASURING
            yield self._task_event(ctx, TASK_MEASURING, "running")
            findings = await asyncio.to_thread(vtools.measure, track, exercise, info)
            yield self._task_event(ctx, TASK_MEASURING, "complete")

            current = TASK_ISSUES
            yield self._task_event(ctx, TASK_ISSUES, "running")
            findings = _finalize_findings(findings)
            if (out_dir := state.get("artifacts_dir")) and findings.get("keyframes"):
                findings["keyframes"] = _plain(
                    await asyncio.to_thread(
                        vtools.render_keyframes, video_path, track, findings["keyframes"], out_dir
                    )
                )
            yield self._task_event(
                ctx, TASK_ISSUES, "complete", state_delta={"vision_findings": findings}
            )
        except Exception as exc:  # VideoError / NoPersonError carry code and message.
            error = vtools.error_dict(exc)
            if not isinstance(exc, _VisionFailure) and not hasattr(exc, "code"):
                logger.exception("vision analysis failed unexpectedly")
            yield self._task_event(
                ctx, current, "failed", state_delta={"vision_error": error}, error=error
            )

    def _task_event(
        self,
        ctx: InvocationContext,
        name: str,
        status: str,
        *,
        state_delta: dict | None = None,
        error: dict | None = None,
    ) -> Event:
        """A metadata-only event (no content) reporting one task's status."""
        metadata: dict[str, Any] = {TASK_METADATA_KEY: {"name": name, "status": status}}
        if error is not None:
            metadata[VISION_ERROR_METADATA_KEY] = error
        return Event(
            invocation_id=ctx.invocation_id,
            author=self.name,
            branch=ctx.branch,
            custom_metadata=metadata,
            actions=EventActions(state_delta=state_delta or {}),
        )


def build_vision_agent(name: str = VISION_AGENT_NAME) -> VisionAgent:
    """Builds a vision agent (a fresh instance, so it can join any agent tree)."""
    return VisionAgent(
        name=name,
        description=(
            "Measures an exercise set in a video: pose landmarks, joint angles, reps, "
            "form issues and a score."
        ),
    )


vision_agent = build_vision_agent()
root_agent = vision_agent
