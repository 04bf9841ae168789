"""The chat agent: follow-up questions about one analysis, answered from tools."""

from __future__ import annotations

import os

from google.adk.agents import LlmAgent
from google.adk.models.base_llm import BaseLlm
from google.genai import types

from agents.chat import prompt
from agents.chat.data import CoachData
from agents.chat.grounded import GroundedChatLlm
from agents.chat.offline import OFFLINE_CHAT_MODEL, OfflineChatLlm
from agents.chat.tools import build_chat_tools
from agents.gemini import DEFAULT_GEMINI_MODEL, gemini_configured
from agents.resilient_llm import ResilientLlm

CHAT_MODEL_ENV = "BIOME_CHAT_MODEL"
CHAT_AGENT_NAME = "chat_agent"


def chat_model_name() -> str:
    """BIOME_CHAT_MODEL, else BIOME_COACH_MODEL, else gemini-2.5-flash; offline without Gemini."""
    if not gemini_configured():
        return OFFLINE_CHAT_MODEL
    for name in (CHAT_MODEL_ENV, "BIOME_COACH_MODEL"):
        if os.environ.get(name, "").strip():
            return os.environ[name].strip()
    return DEFAULT_GEMINI_MODEL


def chat_llm(model: str | None = None) -> str | BaseLlm:
    """The chat model: the offline one as is; a remote one hardened, grounded, with fallback.

    When the remote model fails after its retries, the offline chat model answers the same
    request (its tools are the same), and the answer carries a "biome_fallback" marker; after
    such an outage the model's circuit stays open for BIOME_MODEL_COOLDOWN_S (30 s), so the
    rest of the turn's steps go offline at once. Every text answer of the remote model is
    checked against the turn's tool results (agents/chat/grounded.py).
    """
    model = model or chat_model_name()
    if model == OFFLINE_CHAT_MODEL:
        return model
    remote = ResilientLlm.wrap(
        model,
        fallback=OfflineChatLlm(),
        timeout_s=float(os.environ.get("BIOME_CHAT_TIMEOUT_S", "") or 30.0),
        attempts=int(os.environ.get("BIOME_CHAT_ATTEMPTS", "") or 2),
        backoff_s=float(os.environ.get("BIOME_COACH_BACKOFF_S", "") or 1.0),
        cooldown_s=float(os.environ.get("BIOME_MODEL_COOLDOWN_S", "") or 30.0),
    )
    return GroundedChatLlm(model=remote.model, inner=remote, offline=OfflineChatLlm())


def build_chat_agent(data: CoachData | None = None, model: str | None = None) -> LlmAgent:
    """Builds the chat agent.

    Args:
        data: Where the tools read the person's analyses (None: from session state).
        model: Model name; defaults to chat_model_name().

    Returns:
        An LlmAgent whose tools are agents.chat.tools; state must hold "analysis_session_id"
        (and "exercise_name" for the instruction).
    """
    return LlmAgent(
        name=CHAT_AGENT_NAME,
        model=chat_llm(model),
        description="Answers follow-up questions about an analysed set from the person's data.",
        instruction=prompt.chat_instruction,
        tools=build_chat_tools(data),
        generate_content_config=types.GenerateContentConfig(temperature=0.2),
    )


# For `adk web` / `adk eval`: the data comes from session state ("chat_data").
chat_agent = build_chat_agent()
root_agent = chat_agent
