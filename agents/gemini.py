"""Which Gemini deployment the environment configures, and whether it answers right now.

Two deployments, both through google-genai (which ADK's Gemini model uses):

- the Gemini API: `GOOGLE_API_KEY` or `GEMINI_API_KEY` (`GOOGLE_GEMINI_BASE_URL` overrides the
  endpoint, e.g. a stand-in on loopback);
- Vertex AI: `GOOGLE_GENAI_USE_VERTEXAI=true` with `GOOGLE_CLOUD_PROJECT` and
  `GOOGLE_CLOUD_LOCATION` (default us-central1) and application default credentials (no key:
  `gcloud auth application-default login`, a service account's `GOOGLE_APPLICATION_CREDENTIALS`,
  or the metadata server on Google Cloud).

`probe()` asks the model's metadata (models.get, one cheap call, no tokens) with a short
deadline and keeps the answer for `PROBE_TTL_S`, so `/health` can say whether the model is
reachable without calling it on every probe.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass

DEFAULT_GEMINI_MODEL = "gemini-2.5-flash"
API_KEY_ENVS = ("GOOGLE_API_KEY", "GEMINI_API_KEY")
PROBE_TTL_S = 60.0
PROBE_TIMEOUT_S = 3.0


def uses_vertex() -> bool:
    """Whether Vertex AI is configured (GOOGLE_GENAI_USE_VERTEXAI and a project)."""
    flag = os.environ.get("GOOGLE_GENAI_USE_VERTEXAI", "").strip().lower()
    return flag in ("1", "true", "yes") and bool(os.environ.get("GOOGLE_CLOUD_PROJECT"))


def backend() -> str | None:
    """ "vertex-ai", "gemini-api", or None when neither is configured (the offline coach)."""
    if uses_vertex():
        return "vertex-ai"
    if any(os.environ.get(name) for name in API_KEY_ENVS):
        return "gemini-api"
    return None


def gemini_configured() -> bool:
    """Whether a Gemini deployment is configured (otherwise the offline models answer)."""
    return backend() is not None


@dataclass(frozen=True)
class Probe:
    """The answer of one reachability probe."""

    reachable: bool
    detail: str | None
    checked_at: float  # time.time()
    latency_ms: int


_probes: dict[tuple[str | None, str], Probe] = {}


async def _ask(model: str, timeout_s: float) -> None:
    from google import genai
    from google.genai import types

    options = types.HttpOptions(timeout=int(timeout_s * 1000))
    if backend() == "vertex-ai":
        # Explicit project and location: with them google-genai builds the Vertex resource path
        # even when GOOGLE_VERTEX_BASE_URL points elsewhere (a proxy, the loopback stand-in).
        client = genai.Client(
            vertexai=True,
            project=os.environ["GOOGLE_CLOUD_PROJECT"],
            location=os.environ.get("GOOGLE_CLOUD_LOCATION") or "us-central1",
            http_options=options,
        )
    else:
        client = genai.Client(http_options=options)
    try:
        await asyncio.wait_for(client.aio.models.get(model=model), timeout_s)
    finally:
        await client.aio.aclose()


async def probe(
    model: str, *, timeout_s: float = PROBE_TIMEOUT_S, ttl_s: float = PROBE_TTL_S
) -> Probe:
    """Whether `model` answers on the configured deployment (cached for `ttl_s` seconds)."""
    key = (backend(), model)
    cached = _probes.get(key)
    if cached is not None and time.time() - cached.checked_at < ttl_s:
        return cached
    started = time.perf_counter()
    try:
        await _ask(model, timeout_s)
        reachable, detail = True, None
    except Exception as exc:  # Any failure means "not reachable"; say which kind.
        from agents.resilient_llm import classify

        kind, _ = classify(exc)
        code = getattr(exc, "code", None)
        reachable = False
        detail = f"{kind}" + (f" (HTTP {code})" if isinstance(code, int) else "")
    result = Probe(reachable, detail, time.time(), int((time.perf_counter() - started) * 1000))
    _probes[key] = result
    return result


def forget_probes() -> None:
    """Drops the cached probe answers (tests, a configuration change)."""
    _probes.clear()
