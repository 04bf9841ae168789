"""The coaching agent: turns vision findings into a grounded CoachingReport."""

from __future__ import annotations

import os

from google.adk.agents import LlmAgent
from google.adk.models.base_llm import BaseLlm
from google.genai import types

from agents.coach import prompt
from agents.coach.schema import CoachingReport
from agents.gemini import DEFAULT_GEMINI_MODEL, gemini_configured
from agents.offline_coach import OFFLINE_COACH_MODEL
from agents.resilient_llm import ResilientLlm

COACH_MODEL_ENV = "BIOME_COACH_MODEL"


def coach_model_name() -> str:
    """Chooses the coaching model from the environment.

    With a Gemini deployment configured (an API key, or Vertex AI: see agents/gemini.py):
    BIOME_COACH_MODEL, or gemini-2.5-flash. Without one: always the offline coach, so Gemini
    is never called unconfigured.
    """
    if not gemini_configured():
        return OFFLINE_COACH_MODEL
    return os.environ.get(COACH_MODEL_ENV, "").strip() or DEFAULT_GEMINI_MODEL


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def coach_llm(model: str) -> str | BaseLlm:
    """The model an agent runs: the offline coach as is, any other model hardened.

    A remote model is wrapped in `ResilientLlm`: each attempt has a deadline
    (BIOME_COACH_TIMEOUT_S, default 45 s), transient failures are retried with backoff
    (BIOME_COACH_ATTEMPTS, default 3), schema-violating answers count as failures, and after
    an outage the model's circuit stays open for BIOME_MODEL_COOLDOWN_S (default 30 s).
    """
    if model == OFFLINE_COACH_MODEL:
        return model
    return ResilientLlm.wrap(
        model,
        timeout_s=_env_float("BIOME_COACH_TIMEOUT_S", 45.0),
        attempts=max(1, int(_env_float("BIOME_COACH_ATTEMPTS", 3))),
        backoff_s=_env_float("BIOME_COACH_BACKOFF_S", 1.0),
        cooldown_s=_env_float("BIOME_MODEL_COOLDOWN_S", 30.0),
    )


def build_coaching_agent(model: str | None = None, name: str = "coaching_agent") -> LlmAgent:
    """Builds a coaching agent.

    Args:
        model: Model name (any name in ADK's LLM registry); defaults to coach_model_name().
            Models other than the offline coach are wrapped by coach_llm().
        name: Agent name.

    Returns:
        An LlmAgent that reads state["vision_findings"] and writes state["coaching_report"]
        (a dict matching CoachingReport).
    """
    return LlmAgent(
        name=name,
        model=coach_llm(model or coach_model_name()),
        description="Writes a grounded coaching report from the vision findings.",
        instruction=prompt.coach_instruction,
        output_schema=CoachingReport,
        output_key="coaching_report",
        # The findings come through the instruction; the chat history adds nothing.
        include_contents="none",
        disallow_transfer_to_parent=True,
        disallow_transfer_to_peers=True,
        generate_content_config=types.GenerateContentConfig(temperature=0.2),
    )


coaching_agent = build_coaching_agent()
root_agent = coaching_agent
