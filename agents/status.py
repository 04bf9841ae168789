"""Live status for the UI: an ADK plugin that turns the run into agent_status/progress events.

`StatusPlugin` watches agent start/finish, tool start/finish (the vision agent's tools map to
the UI's tasks, see DEFAULT_TOOL_TASKS), task-metadata events (a vision failure) and frame
progress reported from the pose-extraction thread, and delivers two kinds of plain dicts to a
sink callback:

    {"type": "agent_status", "data": {"visionAgent": "waiting|processing|complete|failed",
                                      "coachingAgent": "waiting|processing|complete|failed",
                                      "tasks": [{"name": ..., "status": "pending|running|
                                                                       complete|failed"}]}}
    {"type": "progress", "data": {"progress": 0-100, "currentStep":
                                  "vision_processing|coaching|saving",
                                  "estimatedTimeRemaining": seconds}}

Progress is monotonic per run: the vision phase covers 0-85 % (pose extraction is measured in
real frames), coaching 85-98 %, and `finish()` reports 100 % ("saving").

Threading: frame progress arrives on a worker thread, so the sink may be called from that
thread as well as from the event loop. Calls are serialised by a lock; the sink must be quick
and must not call back into the plugin (e.g. use loop.call_soon_threadsafe to hand off).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from google.adk.agents.base_agent import BaseAgent
from google.adk.agents.callback_context import CallbackContext
from google.adk.agents.invocation_context import InvocationContext
from google.adk.events.event import Event
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.adk.plugins.base_plugin import BasePlugin
from google.adk.tools.base_tool import BaseTool
from google.adk.tools.tool_context import ToolContext

from tools import eta

logger = logging.getLogger(__name__)

Sink = Callable[[dict], None]

STATUS_PLUGIN_NAME = "biome_status"
TASK_METADATA_KEY = "biome_task"
VISION_ERROR_METADATA_KEY = "biome_vision_error"

VISION_AGENT_NAME = "vision_agent"
COACHING_AGENT_NAME = "coaching_agent"

TASK_READING = "Reading video"
TASK_LANDMARKS = "Extracting body landmarks"
TASK_MEASURING = "Measuring joint angles and reps"
TASK_ISSUES = "Detecting form issues"
TASK_COACHING = "Writing coaching feedback"
VISION_TASKS = (TASK_READING, TASK_LANDMARKS, TASK_MEASURING, TASK_ISSUES)
ALL_TASKS = (*VISION_TASKS, TASK_COACHING)

STEP_VISION = "vision_processing"
STEP_COACHING = "coaching"
STEP_SAVING = "saving"
_STEP_ORDER = {STEP_VISION: 0, STEP_COACHING: 1, STEP_SAVING: 2}

# Progress milestones (percent).
_READ_DONE = 2
_FRAMES_END = 80
_MEASURE_DONE = 83
VISION_END = 85
_MODEL_CALLED = 87
_MODEL_ANSWERED = 96
COACHING_END = 98

_ANALYSIS_ESTIMATE_S = 1.0

# The vision agent's tools (agents/vision/tools.py), mapped to the UI tasks they perform. The
# keyframe pictures are part of the finished issues step, not a task of their own.
DEFAULT_TOOL_TASKS: dict[str, tuple[str, ...]] = {
    "probe_video_tool": (TASK_READING,),
    "extract_pose_track_tool": (TASK_LANDMARKS,),
    "recognize_exercise_tool": (),
    "analyze_exercise_tool": (TASK_MEASURING, TASK_ISSUES),
    "render_keyframes_tool": (),
}
_IGNORED_TOOLS = {"set_model_response", "transfer_to_agent"}
# Progress when a vision task completes.
_TASK_MILESTONES = {
    TASK_READING: _READ_DONE,
    TASK_LANDMARKS: _FRAMES_END,
    TASK_MEASURING: _MEASURE_DONE,
    TASK_ISSUES: VISION_END,
}


def tool_tasks(tool_name: str) -> tuple[str, ...]:
    """The UI tasks a tool performs (its own name for a tool not listed)."""
    return DEFAULT_TOOL_TASKS.get(tool_name, (tool_name,))


@dataclass
class _Run:
    started: float
    tasks: OrderedDict[str, str]
    vision: str = "waiting"
    coaching: str = "waiting"
    frames_done: int = 0
    frames_total: int = 0
    frames_started: float | None = None
    coaching_started: float | None = None
    progress: int = -1
    step: str = STEP_VISION
    last_status: tuple | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class StatusPlugin(BasePlugin):
    """Reports agent_status and progress events for each run to a sink.

    Attributes:
        sink: Callable receiving each event dict (may be called from a worker thread).
        coach_estimate_s: Expected seconds for the coaching step, for time estimates.
    """

    def __init__(
        self,
        sink: Sink | None = None,
        *,
        name: str = STATUS_PLUGIN_NAME,
        vision_agent_name: str = VISION_AGENT_NAME,
        coaching_agent_name: str = COACHING_AGENT_NAME,
        coach_estimate_s: float = 2.0,
        tool_tasks: dict[str, tuple[str, ...]] | None = None,
        max_runs: int = 64,
    ):
        super().__init__(name=name)
        self.sink = sink
        self.coach_estimate_s = coach_estimate_s
        self._vision_name = vision_agent_name
        self._coaching_name = coaching_agent_name
        self._tool_tasks = dict(DEFAULT_TOOL_TASKS if tool_tasks is None else tool_tasks)
        self._runs: OrderedDict[str, _Run] = OrderedDict()
        self._max_runs = max_runs
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ public helpers

    def frame_progress_callback(self, invocation_id: str) -> Callable[[int, int], None]:
        """Returns an on_progress(frames_done, frames_total) callback for one run.

        Safe to call from any thread.
        """

        def on_progress(frames_done: int, frames_total: int) -> None:
            self.report_frames(invocation_id, frames_done, frames_total)

        return on_progress

    def report_frames(self, invocation_id: str, frames_done: int, frames_total: int) -> None:
        """Records pose-extraction progress (thread-safe) and emits a progress event.

        Call once with frames_done=0 when the frame count is known, then as frames complete.
        """
        with self._lock:
            run = self._run(invocation_id)
            now = time.monotonic()
            done = max(run.frames_done, int(frames_done))
            if done > 0 and run.frames_started is None:
                # Rate is measured from the first reported frames (model loading excluded).
                run.frames_started = now
                run.extra["first_done"] = done
            run.frames_total = max(int(frames_total), done, 0)
            run.frames_done = done
            frac = done / run.frames_total if run.frames_total else 0.0
            pct = _READ_DONE + (_FRAMES_END - _READ_DONE) * min(1.0, frac)
            self._progress(run, int(pct), STEP_VISION)

    def update(
        self,
        invocation_id: str,
        *,
        vision: str | None = None,
        coaching: str | None = None,
        tasks: dict[str, str] | None = None,
    ) -> None:
        """Sets agent/task statuses explicitly and emits agent_status if anything changed."""
        with self._lock:
            run = self._run(invocation_id)
            if vision:
                run.vision = vision
            if coaching:
                run.coaching = coaching
            for task_name, task_status in (tasks or {}).items():
                run.tasks[task_name] = task_status
            self._status(run)

    def finish(self, invocation_id: str) -> None:
        """Reports 100 % ("saving") for a run and forgets it."""
        with self._lock:
            run = self._run(invocation_id)
            self._progress(run, 100, STEP_SAVING, force_eta=0)
            self._runs.pop(invocation_id, None)

    def snapshot(self, invocation_id: str) -> dict:
        """The current agent_status event for a run (for clients that connect late)."""
        with self._lock:
            return self._status_event(self._run(invocation_id))

    # ------------------------------------------------------------------ ADK hooks

    async def before_run_callback(self, *, invocation_context: InvocationContext) -> None:
        with self._lock:
            run = self._run(invocation_context.invocation_id)
            self._status(run)
            self._progress(run, 0, STEP_VISION)
        return None

    async def before_agent_callback(
        self, *, agent: BaseAgent, callback_context: CallbackContext
    ) -> None:
        with self._lock:
            run = self._run(callback_context.invocation_id)
            if agent.name == self._vision_name:
                run.vision = "processing"
                self._status(run)
                self._progress(run, 0, STEP_VISION)
            elif agent.name == self._coaching_name:
                run.coaching = "processing"
                run.coaching_started = time.monotonic()
                run.tasks[TASK_COACHING] = "running"
                self._status(run)
                self._progress(run, VISION_END, STEP_COACHING)
        return None

    async def after_agent_callback(
        self, *, agent: BaseAgent, callback_context: CallbackContext
    ) -> None:
        with self._lock:
            run = self._run(callback_context.invocation_id)
            if agent.name == self._vision_name and run.vision != "failed":
                run.vision = "complete"
                self._status(run)
                self._progress(run, VISION_END, STEP_VISION)
            elif agent.name == self._coaching_name and run.coaching != "failed":
                run.coaching = "complete"
                run.tasks[TASK_COACHING] = "complete"
                self._status(run)
                self._progress(run, COACHING_END, STEP_COACHING)
        return None

    async def on_agent_error_callback(
        self, *, agent: BaseAgent, callback_context: CallbackContext, error: Exception
    ) -> None:
        with self._lock:
            run = self._run(callback_context.invocation_id)
            if agent.name == self._vision_name:
                run.vision = "failed"
                for task_name in VISION_TASKS:
                    if run.tasks.get(task_name) == "running":
                        run.tasks[task_name] = "failed"
            elif agent.name == self._coaching_name:
                run.coaching = "failed"
                run.tasks[TASK_COACHING] = "failed"
            self._status(run)

    async def before_model_callback(
        self, *, callback_context: CallbackContext, llm_request: LlmRequest
    ) -> None:
        if callback_context.agent_name == self._coaching_name:
            with self._lock:
                run = self._run(callback_context.invocation_id)
                self._progress(run, _MODEL_CALLED, STEP_COACHING)
        return None

    async def after_model_callback(
        self, *, callback_context: CallbackContext, llm_response: LlmResponse
    ) -> None:
        if callback_context.agent_name == self._coaching_name and not llm_response.partial:
            with self._lock:
                run = self._run(callback_context.invocation_id)
                self._progress(run, _MODEL_ANSWERED, STEP_COACHING)
        return None

    async def before_tool_callback(
        self, *, tool: BaseTool, tool_args: dict[str, Any], tool_context: ToolContext
    ) -> None:
        names = self._tool_tasks.get(tool.name, (tool.name,))
        if tool.name in _IGNORED_TOOLS or not names:
            return None
        with self._lock:
            run = self._run(tool_context.invocation_id)
            if tool_context.agent_name == self._vision_name and run.vision == "waiting":
                run.vision = "processing"
            for task_name in names:  # One call does all of them.
                run.tasks[task_name] = "running"
            self._status(run)
        return None

    async def after_tool_callback(
        self,
        *,
        tool: BaseTool,
        tool_args: dict[str, Any],
        tool_context: ToolContext,
        result: dict[str, Any],
    ) -> None:
        names = self._tool_tasks.get(tool.name, (tool.name,))
        if tool.name in _IGNORED_TOOLS or not names:
            return None
        failed = isinstance(result, dict) and result.get("status") == "error"
        with self._lock:
            run = self._run(tool_context.invocation_id)
            if failed:
                for task_name in names:
                    if run.tasks.get(task_name) == "running":
                        run.tasks[task_name] = "pending"
                run.tasks[names[0]] = "failed"
                if tool_context.agent_name == self._vision_name:
                    run.vision = "failed"
                self._status(run)
                return None
            for task_name in names:
                run.tasks[task_name] = "complete"
            self._status(run)
            for task_name in names:
                if (milestone := _TASK_MILESTONES.get(task_name)) is not None:
                    self._progress(run, milestone, STEP_VISION)
        return None

    async def on_tool_error_callback(
        self,
        *,
        tool: BaseTool,
        tool_args: dict[str, Any],
        tool_context: ToolContext,
        error: Exception,
    ) -> None:
        names = self._tool_tasks.get(tool.name, (tool.name,))
        if tool.name in _IGNORED_TOOLS or not names:
            return None
        with self._lock:
            run = self._run(tool_context.invocation_id)
            run.tasks[names[0]] = "failed"
            if tool_context.agent_name == self._vision_name:
                run.vision = "failed"
            self._status(run)
        return None

    async def on_event_callback(
        self, *, invocation_context: InvocationContext, event: Event
    ) -> None:
        meta = event.custom_metadata or {}
        task = meta.get(TASK_METADATA_KEY)
        if not isinstance(task, dict) or not task.get("name"):
            return None
        with self._lock:
            run = self._run(invocation_context.invocation_id)
            name, status = str(task["name"]), str(task.get("status", "running"))
            run.tasks[name] = status
            if name in VISION_TASKS:
                if status == "failed" or meta.get(VISION_ERROR_METADATA_KEY):
                    run.vision = "failed"
                elif run.vision == "waiting":
                    run.vision = "processing"
            self._status(run)
            if status == "complete":
                milestone = _TASK_MILESTONES.get(name)
                if milestone is not None:
                    self._progress(run, milestone, STEP_VISION)
        return None

    # ------------------------------------------------------------------ internals

    def _run(self, invocation_id: str) -> _Run:
        run = self._runs.get(invocation_id)
        if run is None:
            run = _Run(
                started=time.monotonic(),
                tasks=OrderedDict((name, "pending") for name in ALL_TASKS),
            )
            self._runs[invocation_id] = run
            while len(self._runs) > self._max_runs:
                self._runs.popitem(last=False)
        return run

    def _emit(self, event: dict) -> None:
        if self.sink is None:
            logger.debug("status event: %s", event)
            return
        try:
            self.sink(event)
        except Exception:  # A broken sink must never break the analysis.
            logger.exception("status sink raised")

    def _status_event(self, run: _Run) -> dict:
        return {
            "type": "agent_status",
            "data": {
                "visionAgent": run.vision,
                "coachingAgent": run.coaching,
                "tasks": [{"name": n, "status": s} for n, s in run.tasks.items()],
            },
        }

    def _status(self, run: _Run) -> None:
        key = (run.vision, run.coaching, tuple(run.tasks.items()))
        if key == run.last_status:
            return
        run.last_status = key
        self._emit(self._status_event(run))

    def _eta(self, run: _Run, progress: int, step: str) -> int:
        now = time.monotonic()
        if step == STEP_SAVING or progress >= 100:
            return 0
        coach = self.coach_estimate_s
        if step == STEP_COACHING:
            started = run.coaching_started or now
            return max(0, round(coach - (now - started)))
        # The prior throughput until frames are timed, then more and more the measured one.
        fps = eta.PRIOR_FPS
        if run.frames_started is not None:
            measured = run.frames_done - run.extra.get("first_done", 0)
            fps = eta.frames_per_second(measured, now - run.frames_started)
        analysis_s = _ANALYSIS_ESTIMATE_S if progress < VISION_END else 0.0
        seconds = eta.remaining_seconds(
            run.frames_total, run.frames_done, fps, fixed_s=analysis_s + coach
        )
        return max(0, round(seconds))

    def _progress(
        self, run: _Run, progress: int, step: str, *, force_eta: int | None = None
    ) -> None:
        progress = max(0, min(100, int(progress)))
        if _STEP_ORDER[step] < _STEP_ORDER[run.step]:
            return  # Never move back to an earlier step.
        if progress <= run.progress and step == run.step:
            return
        progress = max(progress, run.progress, 0)
        run.progress = progress
        run.step = step
        eta = force_eta if force_eta is not None else self._eta(run, progress, step)
        self._emit(
            {
                "type": "progress",
                "data": {
                    "progress": progress,
                    "currentStep": step,
                    "estimatedTimeRemaining": int(eta),
                },
            }
        )
