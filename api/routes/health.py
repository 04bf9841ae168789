"""GET /health: the state of the database, storage and coaching model."""

from __future__ import annotations

import datetime as dt
import os

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.openapi import PUBLIC, operation
from api.schemas import obj, string
from api.tables import Exercise

HEALTH = obj(
    {
        "status": string(enum=["healthy", "unhealthy"]),
        "timestamp": string(format="date-time"),
        "services": obj(
            {
                "database": string(enum=["connected", "disconnected"]),
                "storage": string(enum=["connected", "unavailable"]),
                "ai_services": string(enum=["gemini", "offline"]),
            }
        ),
    }
)


def ai_service() -> str:
    """Which coach writes reports: Gemini when a key is set, else the offline model."""
    if os.environ.get("GOOGLE_API_KEY") or os.environ.get("GEMINI_API_KEY"):
        return "gemini"
    return "offline"


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
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "timestamp": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
        "services": {"database": database, "storage": storage, "ai_services": ai_service()},
    }
    return JSONResponse(body, status_code=200 if database == "connected" else 503)
