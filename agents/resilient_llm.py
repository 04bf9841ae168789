"""A model wrapper that survives the real Gemini service: timeouts, retries, quota, bad output.

    model = ResilientLlm.wrap("gemini-2.5-flash")            # raises ModelUnavailable at the end
    model = ResilientLlm.wrap("gemini-2.5-flash", fallback=OfflineChatLlm())  # answers anyway

Each attempt runs the inner model under a deadline and collects its whole answer before any of
it is passed on, so a failed attempt never leaves half an answer in the session. Transient
failures (a timeout, HTTP 429/5xx, a connection error, an answer that is empty, blocked, not
JSON or not of the requested schema) are retried with exponential backoff and jitter, honouring
the service's RetryInfo delay when it fits in the budget. Permanent failures (a bad key, a bad
request) are not retried. When the attempts are spent the wrapper hands the request to
`fallback`, or raises `ModelUnavailable` whose `kind` says why ("quota", "timeout",
"unavailable", "malformed", "rejected").

Circuit breaker: with `cooldown_s` > 0, a call whose attempts were all spent on an outage
(anything but a malformed answer) opens the model's circuit for that long; until then every
call to that model (any wrapper, this process) goes straight to the fallback or raises
`ModelUnavailable` at once. A chat turn that calls the model once per tool step therefore
waits for a failing model once, not once per step. A success closes the circuit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import AsyncGenerator
from typing import Any

from google.adk.models._capabilities import LlmCapabilities
from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.adk.models.registry import LLMRegistry
from pydantic import BaseModel, ConfigDict, ValidationError

logger = logging.getLogger(__name__)

FALLBACK_METADATA_KEY = "biome_fallback"

# Words the user sees in a notice, by failure kind.
KIND_TEXT = {
    "quota": "the AI service's quota was exhausted",
    "timeout": "the AI service did not answer in time",
    "unavailable": "the AI service was unavailable",
    "malformed": "the AI service's answer was not usable",
    "rejected": "the AI service refused the request",
    "ungrounded": "the AI coach's answer did not match your measurements",
}


class ModelUnavailable(Exception):
    """The model could not deliver a usable answer within the attempts allowed.

    Attributes:
        kind: "quota", "timeout", "unavailable", "malformed" or "rejected".
        attempts: How many attempts were made.
        detail: The last underlying error, for logs (may name model output; not for users).
    """

    def __init__(self, kind: str, attempts: int, detail: str):
        super().__init__(kind, attempts, detail)
        self.kind = kind
        self.attempts = attempts
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.kind} after {self.attempts} attempt(s): {self.detail}"


class _Malformed(Exception):
    pass


# Model name -> (monotonic time the circuit closes again, kind of the failure that opened it).
_CIRCUITS: dict[str, tuple[float, str]] = {}


def open_circuit(model: str, kind: str, cooldown_s: float) -> None:
    """Makes calls to `model` fail fast for `cooldown_s` seconds."""
    _CIRCUITS[model] = (time.monotonic() + cooldown_s, kind)


def circuit_open(model: str) -> str | None:
    """The failure kind while `model`'s circuit is open, else None."""
    until, kind = _CIRCUITS.get(model, (0.0, ""))
    if time.monotonic() < until:
        return kind
    _CIRCUITS.pop(model, None)
    return None


def reset_circuits() -> None:
    """Closes every circuit (tests; a process start)."""
    _CIRCUITS.clear()


def _status_code(exc: BaseException) -> int | None:
    code = getattr(exc, "code", None)
    if isinstance(code, int):
        return code
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def classify(exc: BaseException) -> tuple[str, bool]:
    """(kind, retryable) for an exception raised by a model call."""
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timeout", True
    if isinstance(exc, _Malformed | json.JSONDecodeError):
        return "malformed", True  # An answer (or an HTTP body) that is not usable JSON.
    code = _status_code(exc)
    status = str(getattr(exc, "status", "") or "").upper()
    if code == 429 or status == "RESOURCE_EXHAUSTED":
        return "quota", True
    if code is not None and (code >= 500 or code == 408):
        return "unavailable", True
    if code is not None and 400 <= code < 500:
        return "rejected", False
    if isinstance(exc, ConnectionError | OSError):
        return "unavailable", True
    name = type(exc).__name__.lower()
    if any(word in name for word in ("timeout", "connect", "network", "transport")):
        return "unavailable", True
    return "unavailable", False


def retry_delay_s(exc: BaseException) -> float | None:
    """The delay a 429 answer asks for (google.rpc.RetryInfo "retryDelay": "12s"), if any."""
    details = getattr(exc, "details", None)
    text = json.dumps(details, default=str) if details is not None else str(exc)
    match = re.search(r'"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"', text)
    return float(match.group(1)) if match else None


def _schema_problem(responses: list[LlmResponse], llm_request: LlmRequest) -> str | None:
    """Why the collected answer is unusable, or None when it is fine."""
    parts = [p for r in responses if r.content for p in r.content.parts or []]
    if any(r.error_code and not (r.content and r.content.parts) for r in responses):
        bad = next(r for r in responses if r.error_code)
        return f"the model answered with error {bad.error_code}: {bad.error_message}"
    if not parts:
        return "the model returned an empty answer"
    if any(p.function_call for p in parts):
        return None  # A tool call; ADK validates its arguments.
    schema = llm_request.config.response_schema if llm_request.config else None
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        return None if any(p.text for p in parts) else "the model returned no text"
    text = "".join(p.text or "" for p in parts if not p.thought)
    try:
        schema.model_validate_json(text)
    except ValidationError as exc:
        return f"the answer does not match {schema.__name__} ({exc.error_count()} errors)"
    return None


class ResilientLlm(BaseLlm):
    """Wraps another model with a deadline, retries with backoff, and an optional fallback."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    inner: BaseLlm
    fallback: BaseLlm | None = None
    timeout_s: float = 45.0
    attempts: int = 3
    backoff_s: float = 1.0
    max_backoff_s: float = 20.0
    cooldown_s: float = 0.0

    @classmethod
    def wrap(cls, model: str | BaseLlm, **kwargs: Any) -> ResilientLlm:
        """Builds the wrapper around a model instance or a name in ADK's LLM registry."""
        inner = LLMRegistry.new_llm(model) if isinstance(model, str) else model
        return cls(model=inner.model, inner=inner, **kwargs)

    @property
    def capabilities(self) -> LlmCapabilities:
        """The inner model's capabilities (they decide how ADK asks for structured output)."""
        return self.inner.capabilities

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        """Answers one model turn, retrying the inner model; see the module docstring."""
        open_kind = circuit_open(self.model) if self.cooldown_s > 0 else None
        if open_kind:
            error = ModelUnavailable(open_kind, 0, "circuit open: the model failed moments ago")
            async for response in self._fall_back(llm_request, error):
                yield response
            return
        last: BaseException | None = None
        kind = "unavailable"
        attempt = 0
        for attempt in range(1, self.attempts + 1):
            try:
                responses = await asyncio.wait_for(
                    self._collect(llm_request, stream), timeout=self.timeout_s
                )
                problem = _schema_problem(responses, llm_request)
                if problem:
                    raise _Malformed(problem)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                last = exc
                kind, retryable = classify(exc)
                logger.warning(
                    "model %s attempt %d failed (%s): %s", self.model, attempt, kind, exc
                )
                if not retryable or attempt == self.attempts:
                    break
                delay = min(self.max_backoff_s, self.backoff_s * 2 ** (attempt - 1))
                asked = retry_delay_s(exc) if kind == "quota" else None
                if asked is not None:
                    if asked > self.max_backoff_s:
                        break  # The quota resets later than we can wait.
                    delay = max(delay, asked)
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))
                continue
            _CIRCUITS.pop(self.model, None)
            for response in responses:
                yield response
            return

        error = ModelUnavailable(kind, attempt, f"{type(last).__name__}: {last}"[:500])
        if self.cooldown_s > 0 and kind != "malformed":
            open_circuit(self.model, kind, self.cooldown_s)
        async for response in self._fall_back(llm_request, error):
            yield response

    async def _fall_back(
        self, llm_request: LlmRequest, error: ModelUnavailable
    ) -> AsyncGenerator[LlmResponse, None]:
        if self.fallback is None:
            raise error
        logger.warning("model %s unavailable, answering with %s", self.model, self.fallback.model)
        async for response in self.fallback.generate_content_async(llm_request, stream=False):
            metadata = dict(response.custom_metadata or {})
            metadata[FALLBACK_METADATA_KEY] = {"model": self.fallback.model, "kind": error.kind}
            response.custom_metadata = metadata
            yield response

    async def _collect(self, llm_request: LlmRequest, stream: bool) -> list[LlmResponse]:
        responses = [r async for r in self.inner.generate_content_async(llm_request, stream=stream)]
        # With streaming, the partial chunks are already summed up in the final response.
        finals = [r for r in responses if not r.partial]
        return finals or responses
