"""The vision agent: a deterministic pipeline from video to measured findings, through its tools.

No model decides anything here. `VisionAgent` reads "video_path" and "exercise_name" (empty:
recognise it) and optionally "artifacts_dir" from session state and calls its ADK
FunctionTools in a fixed order (agents/vision/tools.py): probe -> pose track -> recognition
-> exercise analysis (as the named exercise, or the recognised one) -> keyframes (only with
"artifacts_dir"). Each call goes through ADK as an LLM agent's would: a function_call event,
the plugins' before/after tool callbacks (the status plugin turns them into agent_status and
progress), the tool, and a function_response event. So every step is visible in the event
stream and in `adk web`, with its arguments and answer.

The pose track is not in any event: the tracking tool keeps it in the process and answers a
handle, which the later calls take as an argument. The tools write their results to state:

- state["video_info"]: the probe result (VideoInfo.to_dict()).
- state["pose_track"]: the handle of the kept track (released when the agent ends).
- state["recognition"]: tools.recognition's result (exercise, confidence, runners-up, whether
  the named exercise fits), also kept in the findings as "recognition".
- state["vision_findings"]: the findings dict (camelCase) from tools.analysis; with
  "artifacts_dir" set, its keyframes name the JPEGs drawn there.
- state["vision_error"]: {"code", "message"} when the video cannot be analysed (written by
  this agent when a tool answers with an error).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncGenerator
from typing import Any

from google.adk.agents import BaseAgent
from google.adk.agents.invocation_context import InvocationContext
from google.adk.events.event import Event
from google.adk.events.event_actions import EventActions
from google.adk.flows.llm_flows.functions import handle_function_calls_async
from google.genai import types
from typing_extensions import override

from agents.status import (
    TASK_METADATA_KEY,
    TASK_READING,
    VISION_AGENT_NAME,
    VISION_ERROR_METADATA_KEY,
    tool_tasks,
)
from agents.vision import tools as vtools

logger = logging.getLogger(__name__)


class VisionAgent(BaseAgent):
    """Runs the measured video analysis through its FunctionTools; findings go to state."""

    # What ADK's tool-calling code reads from an agent: no agent-level tool callbacks here
    # (the plugins' callbacks still run).
    canonical_before_tool_callbacks: list = []
    canonical_after_tool_callbacks: list = []
    canonical_on_tool_error_callbacks: list = []

    @override
    async def _run_async_impl(self, ctx: InvocationContext) -> AsyncGenerator[Event, None]:
        state = ctx.session.state
        video_path = str(state.get("video_path") or "")
        exercise_name = str(state.get("exercise_name") or "")
        if not video_path:
            yield self._failure(ctx, TASK_READING, "VALIDATION_ERROR", "no video_path in state")
            return
        if exercise_name and vtools.resolve_exercise_name(exercise_name) is None:
            # Checked before the slow steps; the analysis tool would refuse it too.
            message = f"unknown exercise: {exercise_name!r}"
            yield self._failure(ctx, TASK_READING, "VALIDATION_ERROR", message)
            return

        tools = {tool.name: tool for tool in vtools.vision_function_tools()}
        handle = None
        try:
            steps: list[tuple[str, dict[str, Any]]] = [
                ("probe_video_tool", {"video_path": video_path}),
                ("extract_pose_track_tool", {"video_path": video_path}),
            ]
            for name, args in steps:
                answer = None
                async for event, reply in self._call(ctx, tools, name, args):
                    yield event
                    answer = reply or answer
                if answer is None or answer.get("status") != "ok":
                    yield self._tool_failure(ctx, name, answer)
                    return
            handle = answer["poseTrack"]

            # Which exercise the movement shows: without a name, the one analysed; with one,
            # a check that it fits (a mismatch is reported, not judged as the named one).
            name, args = "recognize_exercise_tool", {"pose_track": handle}
            if exercise_name:
                args["exercise_name"] = exercise_name
            answer = None
            async for event, reply in self._call(ctx, tools, name, args):
                yield event
                answer = reply or answer
            if answer is None or answer.get("status") != "ok":
                yield self._tool_failure(ctx, name, answer)
                return
            exercise_name = exercise_name or answer["recognition"]["exerciseId"]

            steps = [
                ("analyze_exercise_tool", {"exercise_name": exercise_name, "pose_track": handle})
            ]
            if out_dir := state.get("artifacts_dir"):
                steps.append(
                    (
                        "render_keyframes_tool",
                        {"video_path": video_path, "pose_track": handle, "output_dir": out_dir},
                    )
                )
            for name, args in steps:
                answer = None
                async for event, reply in self._call(ctx, tools, name, args):
                    yield event
                    answer = reply or answer
                if answer is None or answer.get("status") != "ok":
                    if name == "render_keyframes_tool":
                        # Pictures are an extra: the findings stand without them.
                        logger.warning("keyframes not drawn: %s", answer)
                        continue
                    yield self._tool_failure(ctx, name, answer)
                    return
        finally:
            vtools.release_track(handle)

    async def _call(
        self, ctx: InvocationContext, tools: dict, name: str, args: dict[str, Any]
    ) -> AsyncGenerator[tuple[Event, dict | None], None]:
        """One tool call through ADK: yields (call event, None), then (response event, answer)."""
        call = Event(
            invocation_id=ctx.invocation_id,
            author=self.name,
            branch=ctx.branch,
            content=types.Content(
                role="model",
                parts=[
                    types.Part(
                        function_call=types.FunctionCall(
                            id=f"adk-{uuid.uuid4()}", name=name, args=args
                        )
                    )
                ],
            ),
        )
        yield call, None
        response = await handle_function_calls_async(ctx, call, tools)
        if response is None:
            return
        answers = response.get_function_responses()
        yield response, (answers[0].response if answers else None)

    def _tool_failure(self, ctx: InvocationContext, tool: str, answer: dict | None) -> Event:
        answer = answer or {}
        code = str(answer.get("code") or vtools.PROCESSING_ERROR)
        message = str(answer.get("message") or answer.get("error") or f"{tool} failed")
        task = (tool_tasks(tool) or (TASK_READING,))[0]
        return self._failure(ctx, task, code, message)

    def _failure(self, ctx: InvocationContext, task: str, code: str, message: str) -> Event:
        """A metadata-only event: the failed task, and the error in state["vision_error"]."""
        error = {"code": code, "message": message}
        return Event(
            invocation_id=ctx.invocation_id,
            author=self.name,
            branch=ctx.branch,
            custom_metadata={
                TASK_METADATA_KEY: {"name": task, "status": "failed"},
                VISION_ERROR_METADATA_KEY: error,
            },
            actions=EventActions(state_delta={"vision_error": error}),
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
