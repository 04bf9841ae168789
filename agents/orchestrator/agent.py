"""The root agent: vision analysis, then coaching; stops if the vision step fails.

A custom BaseAgent rather than the deprecated SequentialAgent: it needs a condition between the
steps (no coaching without findings), and `sub_agents` keeps both agents' events streaming
through the runner (and the status plugin).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator

from google.adk.agents import BaseAgent
from google.adk.agents.invocation_context import InvocationContext
from google.adk.events.event import Event
from google.adk.events.event_actions import EventActions
from pydantic import Field
from typing_extensions import override

from agents.coach.agent import build_coaching_agent
from agents.vision.agent import build_vision_agent

logger = logging.getLogger(__name__)

ORCHESTRATOR_NAME = "biome_orchestrator"


class BiomeOrchestrator(BaseAgent):
    """Runs the vision agent, then (if it produced findings) the coaching agent.

    State written on failure: "vision_error" {"code", "message"} (by the vision agent), or
    "coaching_error" {"code", "message", "kind"} when the coaching agent raised ("kind" as in
    agents.resilient_llm: quota, timeout, unavailable, malformed, rejected).
    """

    # repr=False: the sub-agents point back to this agent through parent_agent.
    vision_agent: BaseAgent = Field(repr=False)
    coaching_agent: BaseAgent = Field(repr=False)

    def __init__(self, *, vision_agent: BaseAgent, coaching_agent: BaseAgent, **kwargs):
        super().__init__(
            vision_agent=vision_agent,
            coaching_agent=coaching_agent,
            sub_agents=[vision_agent, coaching_agent],
            **kwargs,
        )

    @override
    async def _run_async_impl(self, ctx: InvocationContext) -> AsyncGenerator[Event, None]:
        async for event in self.vision_agent.run_async(ctx):
            yield event

        state = ctx.session.state
        if state.get("vision_error") or not state.get("vision_findings"):
            if not state.get("vision_error"):
                yield self._error_event(
                    ctx, "vision_error", "PROCESSING_ERROR", "the vision step produced no findings"
                )
            logger.info("vision step failed; skipping coaching: %s", state.get("vision_error"))
            return

        try:
            async for event in self.coaching_agent.run_async(ctx):
                yield event
        except Exception as exc:  # Model unavailable after retries, invalid output, ...
            logger.warning("coaching agent failed: %s", exc)
            yield self._error_event(
                ctx,
                "coaching_error",
                "COACHING_ERROR",
                f"{type(exc).__name__}: {exc}"[:500],
                kind=getattr(exc, "kind", None) or "malformed",
            )

    def _error_event(
        self, ctx: InvocationContext, key: str, code: str, message: str, kind: str | None = None
    ) -> Event:
        error = {"code": code, "message": message}
        if kind:
            error["kind"] = kind
        return Event(
            invocation_id=ctx.invocation_id,
            author=self.name,
            branch=ctx.branch,
            custom_metadata={"biome_error": {"key": key, "code": code}},
            actions=EventActions(state_delta={key: error}),
        )


def build_root_agent(coach_model: str | None = None) -> BiomeOrchestrator:
    """Builds a fresh orchestrator with its own vision and coaching agents.

    Args:
        coach_model: Coaching model name; defaults to the environment's choice
            (agents.coach.agent.coach_model_name()).
    """
    return BiomeOrchestrator(
        name=ORCHESTRATOR_NAME,
        description="Analyses an exercise video and coaches the athlete on their form.",
        vision_agent=build_vision_agent(),
        coaching_agent=build_coaching_agent(model=coach_model),
    )


root_agent = build_root_agent()
