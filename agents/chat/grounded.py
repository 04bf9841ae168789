"""Grounding for the chat model: each final answer is checked against that turn's tool results.

`GroundedChatLlm` wraps the remote chat model (itself a `ResilientLlm`). A tool call passes
through untouched (ADK runs the tool). A text answer is checked by
`agents.coach.grounding.check_reply` against the tool results received since the person's last
message, and against that message (a rep they asked about may be named): sentences that fail
are repaired or dropped; when nothing true is left, the offline chat model answers the same
request instead (its answers are built from tool results only) and the reply carries the
fallback marker, so the person sees a notice. It is a model wrapper rather than an
after_model_callback because it needs the request: the turn's tool results, and the same
request to hand to the offline model.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator

from google.adk.models._capabilities import LlmCapabilities
from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.genai import types
from pydantic import ConfigDict, Field

from agents.coach.grounding import Facts, check_reply
from agents.resilient_llm import FALLBACK_METADATA_KEY

logger = logging.getLogger(__name__)

GROUNDING_METADATA_KEY = "biome_grounding"


def turn_of(llm_request: LlmRequest) -> tuple[int, str, list[dict]]:
    """(index of the person's last message, its text, the tool results received since)."""
    contents = llm_request.contents or []
    start, message = -1, ""
    for n, content in enumerate(contents):
        parts = content.parts or []
        texts = [p.text for p in parts if p.text]
        if content.role == "user" and texts and not any(p.function_response for p in parts):
            start, message = n, " ".join(texts)
    results = [
        dict(part.function_response.response or {})
        for content in contents[start + 1 :]
        for part in content.parts or []
        if part.function_response
    ]
    return start, message, results


def _text(response: LlmResponse) -> str:
    parts = response.content.parts if response.content else None
    return "".join(p.text or "" for p in parts or [] if not p.thought)


def _passes_through(response: LlmResponse) -> bool:
    """Tool calls, partial chunks and the offline model's answers are not checked here."""
    if response.partial or not response.content:
        return True
    if (response.custom_metadata or {}).get(FALLBACK_METADATA_KEY):
        return True  # The offline model answers from tool results only.
    parts = response.content.parts or []
    return any(p.function_call for p in parts) or not _text(response).strip()


class GroundedChatLlm(BaseLlm):
    """A chat model whose answers say only what the turn's tools returned (see module doc)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    inner: BaseLlm
    offline: BaseLlm
    # Turns handed to the offline model stay with it (keyed by the person's message).
    offline_turns: set[tuple[int, str]] = Field(default_factory=set)

    @property
    def capabilities(self) -> LlmCapabilities:
        return self.inner.capabilities

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        """Answers one model turn; text answers are grounded before they are passed on."""
        start, message, results = turn_of(llm_request)
        if (start, message) in self.offline_turns:
            async for response in self._offline(llm_request, "ungrounded"):
                yield response
            return
        responses = [r async for r in self.inner.generate_content_async(llm_request, stream=stream)]
        for response in responses:
            if _passes_through(response):
                yield response
                continue
            checked = check_reply(_text(response), Facts.from_tool_results(results, message))
            if not checked.flagged:
                yield response
                continue
            logger.info(
                "chat reply grounded: %s",
                "; ".join(f"{e.action}: {e.text!r} ({e.reason})" for e in checked.edits),
            )
            if checked.text is None:
                self.offline_turns.add((start, message))
                async for fallback in self._offline(llm_request, "ungrounded"):
                    yield fallback
                return
            metadata = dict(response.custom_metadata or {})
            metadata[GROUNDING_METADATA_KEY] = [
                {"action": e.action, "reason": e.reason} for e in checked.edits
            ]
            yield response.model_copy(
                update={
                    "content": types.Content(role="model", parts=[types.Part(text=checked.text)]),
                    "custom_metadata": metadata,
                }
            )

    async def _offline(self, llm_request: LlmRequest, kind: str) -> AsyncGenerator[LlmResponse]:
        async for response in self.offline.generate_content_async(llm_request, stream=False):
            metadata = dict(response.custom_metadata or {})
            metadata[FALLBACK_METADATA_KEY] = {"model": self.offline.model, "kind": kind}
            response.custom_metadata = metadata
            yield response
