"""WebSocket /ws/analysis/{session_id}: the live events of one analysis.

On connect the client first gets the current state (the session's outcome if it has one,
else the latest agent status and progress), then the live stream until the analysis ends.
The token comes as ``Authorization: Bearer`` or, for browsers, ``?token=``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

from starlette.websockets import WebSocket, WebSocketDisconnect

from api.auth import current_user
from api.errors import ApiError
from api.events import TERMINAL
from api.openapi import operation
from api.results import complete_event, num
from api.routes.analysis import find_owned_session
from api.tables import AnalysisResult, AnalysisSession

CLOSE_AUTH = 4401
CLOSE_NOT_FOUND = 4404


async def _outcome(session_id: uuid.UUID) -> dict | None:
    """The terminal event of a finished session, as it was sent live."""
    session = await AnalysisSession.select().where(AnalysisSession.id == session_id).first()
    if session is None:
        return {
            "type": "error",
            "data": {"error": "Analysis session not found", "code": "SESSION_NOT_FOUND"},
        }
    if session["status"] == "completed":
        result = (
            await AnalysisResult.select(
                AnalysisResult.id, AnalysisResult.overall_score, AnalysisResult.unrated_reason
            )
            .where(AnalysisResult.session_id == session_id)
            .first()
        )
        if result is not None:
            return complete_event(
                str(result["id"]), num(result["overall_score"]), result["unrated_reason"]
            )
    if session["status"] == "failed":
        return {
            "type": "error",
            "data": {
                "error": session["error_message"] or "Video processing failed",
                "code": session["error_code"] or "PROCESSING_ERROR",
            },
        }
    return None


@operation(
    summary="Live events of one analysis: progress, agent_status, analysis_complete, error",
    tag="Analysis",
    owns={"session_id": "session"},
    description=(
        "WebSocket. Token as `Authorization: Bearer` or `?token=`. A bad, expired or revoked "
        "token gets an `error` event and close code 4401; a session that is not the caller's, "
        "an `error` event SESSION_NOT_FOUND and close code 4404. `analysis_complete` carries "
        "`resultId`, `overallScore` (null when the set could not be rated) and `unratedReason` "
        "(why, else null)."
    ),
)
async def analysis_events(websocket: WebSocket):
    # The browser may leave while an event is on its way (a closed tab, a lost network):
    # nothing to answer and nothing wrong on this side.
    with contextlib.suppress(WebSocketDisconnect):
        await _events(websocket)


async def _events(websocket: WebSocket) -> None:
    await websocket.accept()
    raw_id = websocket.path_params["session_id"]

    async def fail(code: str, message: str, close_code: int) -> None:
        await websocket.send_json(
            {"type": "error", "data": {"sessionId": raw_id, "error": message, "code": code}}
        )
        await websocket.close(code=close_code)

    try:
        user = await current_user(websocket)
    except ApiError as exc:
        await fail(exc.code, exc.message, CLOSE_AUTH)
        return
    session = await find_owned_session(raw_id, user)
    if session is None:
        await fail("SESSION_NOT_FOUND", "Analysis session not found", CLOSE_NOT_FOUND)
        return

    broker = websocket.app.state.broker
    sid = session["id"]
    session_id = str(sid)
    # Subscribe before reading the state, so an outcome that lands in between is not lost.
    with broker.subscribe(session_id) as queue:
        outcome = await _outcome(sid)
        if outcome is not None:
            outcome["data"] = {"sessionId": session_id, **outcome["data"]}
            await websocket.send_json(outcome)
            await websocket.close()
            return
        for event in broker.latest(session_id):
            await websocket.send_json(event)

        # Watch for the client going away while waiting for events.
        disconnected = asyncio.create_task(_wait_disconnect(websocket))
        try:
            while True:
                getter = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait(
                    {getter, disconnected}, return_when=asyncio.FIRST_COMPLETED
                )
                if getter not in done:
                    getter.cancel()
                    return
                event = getter.result()
                await websocket.send_json(event)
                if event["type"] in TERMINAL:
                    await websocket.close()
                    return
        finally:
            disconnected.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await disconnected


async def _wait_disconnect(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
