"""GET /health: the state of the database, storage and coaching model.

The model's state is measured, not assumed from a key: with Gemini configured (an API key, or
Vertex AI with application default credentials) /health asks the service for the coaching
model's metadata (one cheap call, 3 s deadline, the answer cached 60 s: agents/gemini.py).
`ai_services` is "available" when it answered, "unavailable" when it did not (reports are then
written by the offline coach, so the service stays healthy), "offline" when no model is
configured; `ai_model` says which deployment and model, and why it is unavailable.
"""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import JSONResponse

from agents.gemini import backend, probe
from api.openapi import PUBLIC, operation
from api.schemas import boolean, integer, nullable, obj, string
from api.tables import Exercise

HEALTH = obj(
    {
        "status": string(enum=["healthy", "unhealthy"]),
        "timestamp": string(format="date-time"),
        "services": obj(
            {
                "database": string(enum=["connected", "disconnected"]),
                "storage": string(enum=["connected", "unavailable"]),
                "ai_services": string(enum=["available", "unavailable", "offline"]),
            }
        ),
        "ai_model": obj(
            {
                "backend": nullable(string(enum=["gemini-api", "vertex-ai"])),
                "model": string(),
                "reachable": nullable(boolean()),
                "detail": nullable(string()),
                "checkedAt": nullable(string(format="date-time")),
                "latencyMs": nullable(integer()),
            }
        ),
    }
)


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat().replace("+00:00", "Z")


async def ai_model() -> dict:
    """The coaching model's deployment and whether it answered the (cached) probe."""
    from agents.coach.agent import coach_model_name

    model = coach_model_name()
    deployment = backend()
    if deployment is None:
        return {"backend": None, "model": model, "reachable": None, "detail": None,
                "checkedAt": None, "latencyMs": None}  # fmt: skip
    answer = await probe(model)
    return {
        "backend": deployment,
        "model": model,
        "reachable": answer.reachable,
        "detail": answer.detail,
        "checkedAt": _iso(answer.checked_at),
        "latencyMs": answer.latency_ms,
    }


@operation(
    summary="Service health: database, storage, coaching model",
    tag="Health",
    access=PUBLIC,
    rate_limited=False,
    description="The spec's shape (no envelope), for probes. 503 when the database is down.",
    responses={
        200: ("Database reachable", HEALTH),
        503: ("Database unreachable", HEALTH),
    },
)
async def health(request: Request):
    try:
        await Exercise.count()
        database = "connected"
    except Exception:
        database = "disconnected"
    storage = "connected" if await request.app.state.storage.check() else "unavailable"
    healthy = database == "connected" and storage == "connected"
    model = await ai_model()
    ai = {True: "available", False: "unavailable", None: "offline"}[model["reachable"]]
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "timestamp": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
        "services": {"database": database, "storage": storage, "ai_services": ai},
        "ai_model": model,
    }
    return JSONResponse(body, status_code=200 if database == "connected" else 503)
