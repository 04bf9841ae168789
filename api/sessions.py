"""The caller's own analysis session by id: the one lookup every route that takes an id uses."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from api import parsing
from api.errors import ApiError
from api.tables import AnalysisSession


async def find_owned_session(raw_id: str, user: dict) -> dict | None:
    """The session ``raw_id`` names if it exists and belongs to ``user``, else None."""
    sid = parsing.uuid_of(raw_id)
    if sid is None:
        return None
    return (
        await AnalysisSession.select()
        .where((AnalysisSession.id == sid) & (AnalysisSession.user_id == user["id"]))
        .first()
    )


async def owned_session(request: HTTPConnection, user: dict) -> dict:
    """The session named in the path if it belongs to ``user``; 404 otherwise (no leak)."""
    session = await find_owned_session(request.path_params["session_id"], user)
    if session is None:
        raise ApiError("SESSION_NOT_FOUND", "Analysis session not found")
    return session


def refuse_failed(session: dict) -> None:
    """A failed session's own error (422, its code and message) for routes that read its data."""
    if session["status"] == "failed":
        raise ApiError(
            session["error_code"] or "PROCESSING_ERROR",
            session["error_message"] or "Video processing failed",
            {"sessionId": str(session["id"]), "status": "failed"},
            status_code=422,
        )
