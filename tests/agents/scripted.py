"""A scripted stand-in for Gemini: an ADK BaseLlm registered for tests, never the network.

Each model call takes the next step of `ScriptedGeminiLlm.script` (or, when the script is
empty, answers with `ScriptedGeminiLlm.answer`). A step is:

- a str: answered as text; a dict: answered as its JSON;
- an Exception instance: raised (e.g. google.genai.errors.ClientError(429, ...));
- ("hang", seconds): sleeps that long before answering "late" (to trip a deadline);
- a callable(LlmRequest) -> LlmResponse | str | dict: computed from the request.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from typing import Any, ClassVar

from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.adk.models.registry import LLMRegistry
from google.genai import errors, types

SCRIPTED_MODEL = "scripted-gemini-test"


def quota_error(retry_delay: str | None = None) -> errors.ClientError:
    """A 429 RESOURCE_EXHAUSTED error shaped like the Gemini API's."""
    details = []
    if retry_delay:
        details.append(
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
        )
    body = {
        "error": {
            "code": 429,
            "message": "Resource has been exhausted (e.g. check quota).",
            "status": "RESOURCE_EXHAUSTED",
            "details": details,
        }
    }
    return errors.ClientError(429, body)


def server_error() -> errors.ServerError:
    body = {"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}
    return errors.ServerError(503, body)


def bad_key_error() -> errors.ClientError:
    body = {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}
    return errors.ClientError(400, body)


def _as_response(value) -> LlmResponse:
    if isinstance(value, LlmResponse):
        return value
    text = value if isinstance(value, str) else json.dumps(value)
    return LlmResponse(content=types.Content(role="model", parts=[types.Part(text=text)]))


class ScriptedGeminiLlm(BaseLlm):
    """Plays a script of answers and failures; records every request it receives."""

    requests: ClassVar[list] = []
    script: ClassVar[list] = []
    answer: ClassVar[Any] = None

    @classmethod
    def supported_models(cls) -> list[str]:
        return [SCRIPTED_MODEL]

    @classmethod
    def reset(cls, *script, answer=None) -> None:
        cls.requests = []
        cls.script = list(script)
        cls.answer = answer

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        ScriptedGeminiLlm.requests.append(llm_request)
        step = ScriptedGeminiLlm.script.pop(0) if ScriptedGeminiLlm.script else self.answer
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, tuple) and step[0] == "hang":
            await asyncio.sleep(step[1])
            step = "late"
        if callable(step):
            step = step(llm_request)
        yield _as_response(step)


LLMRegistry.register(ScriptedGeminiLlm)
