"""Follow-up chat about one analysis: POST a message, GET the conversation, or a WebSocket.

Only the owner of a completed analysis may chat about it; anyone else gets 404
SESSION_NOT_FOUND, exactly as for a session that does not exist. The agent behind it is
agents/chat (tools over the person's data); conversations persist (api/chat).
"""

from __future__ import annotations

import contextlib
import logging

from starlette.requests import Request
from starlette.websockets import WebSocket, WebSocketDisconnect

from api.auth import current_user
from api.chat.service import MAX_MESSAGE_CHARS, chat_service
from api.errors import ApiError, ok
from api.gdpr import export_section
from api.openapi import json_body as body_schema
from api.openapi import operation
from api.parsing import invalid, json_body, json_value, text_field
from api.ratelimit import count_request
from api.routes.analysis import find_owned_session, owned_session
from api.schemas import DATE_TIME, UUID, array, envelope, obj, string
from api.tables import AnalysisSession

logger = logging.getLogger(__name__)

SESSION = {"session_id": "session"}
CLOSE_AUTH = 4401
CLOSE_NOT_FOUND = 4404

MESSAGE = obj(
    {
        "id": string(),
        "role": string(enum=["user", "coach"]),
        "text": string(),
        "createdAt": DATE_TIME,
        "tools": array(obj({"name": string(), "args": obj({}, open_=True)})),
        "model": string(),
        "notice": string(),
    },
    required=["id", "role", "text", "createdAt"],
)
ASK_BODY = body_schema(
    obj(
        {"message": string(minLength=1, maxLength=MAX_MESSAGE_CHARS, pattern=r"\S")},
        required=["message"],
    )
)


def _message_text(payload: object) -> str:
    """The question in a parsed body or socket message (NUL and lone surrogates are already
    refused by the edge parser)."""
    if not isinstance(payload, dict):
        raise invalid(None, "not_object", "A message must be a JSON object")
    return text_field(payload, "message", required=True, max_chars=MAX_MESSAGE_CHARS)


def _require_completed(session: dict) -> None:
    if session["status"] != "completed":
        raise ApiError(
            "RESULTS_NOT_READY",
            f"The analysis is {session['status']}; the coach can talk about it once it completes",
            {"sessionId": str(session["id"]), "status": session["status"]},
        )


async def _ask(state, user: dict, session: dict, text: str, on_event=None) -> dict:
    try:
        return await chat_service(state).ask(
            str(user["id"]), str(session["id"]), session["exercise_name"], text, on_event
        )
    except ApiError:
        raise
    except Exception as exc:
        logger.exception("chat turn failed")
        raise ApiError("PROCESSING_ERROR", "The coach could not answer; try again") from exc


@operation(
    summary="Ask the coach a follow-up question about a completed analysis",
    tag="Chat",
    owns=SESSION,
    body=ASK_BODY,
    description=(
        "The coach answers from the caller's data (this result, its reps, metrics, faults, "
        "score breakdown, the exercise, and earlier analyses of the same exercise), with "
        "Gemini when a key is set and the offline coach otherwise. The reply lists the tools "
        "it used. 409 RESULTS_NOT_READY until the analysis has completed."
    ),
    responses={
        200: (
            "The coach's reply and the stored question",
            envelope(obj({"sessionId": UUID, "message": MESSAGE, "reply": MESSAGE})),
        )
    },
    errors={409: "The analysis has not completed (RESULTS_NOT_READY)"},
)
async def ask(request: Request):
    user = await current_user(request)
    session = await owned_session(request, user)
    text = _message_text(await json_body(request))
    _require_completed(session)
    reply = await _ask(request.app.state, user, session, text)
    messages = await chat_service(request.app.state).conversation(
        str(user["id"]), str(session["id"])
    )
    question = next(
        (m for m in reversed(messages) if m["role"] == "user"),
        {"role": "user", "text": text},
    )
    return ok({"sessionId": str(session["id"]), "message": question, "reply": reply})


@operation(
    summary="The conversation about one analysis, oldest message first",
    tag="Chat",
    owns=SESSION,
    responses={
        200: (
            "The messages so far (empty before the first question)",
            envelope(obj({"sessionId": UUID, "messages": array(MESSAGE)})),
        )
    },
)
async def conversation(request: Request):
    user = await current_user(request)
    session = await owned_session(request, user)
    messages = await chat_service(request.app.state).conversation(
        str(user["id"]), str(session["id"])
    )
    return ok({"sessionId": str(session["id"]), "messages": messages})


@operation(
    summary="Chat with the coach, streamed: tool calls and the answer as written, then the reply",
    tag="Chat",
    owns=SESSION,
    description=(
        "WebSocket. Token as `Authorization: Bearer` or `?token=`. Send "
        '`{"message": "..."}`; the server sends `chat_tool` {name, args} and '
        "`chat_tool_result` {name, status} as the coach consults the data, `delta` {text} "
        "pieces of the answer as it is written, then `chat_reply` (a message; its text is the "
        "grounded answer and replaces the deltas'). A bad message (not a JSON object, over "
        "64 kB, nested deeper than 32) gets "
        "an `error` event and the socket stays open. Every message counts toward the caller's "
        "rate limit like an HTTP request: past it, an `error` event RATE_LIMIT_EXCEEDED with "
        "`retryAfter` (seconds), and the socket stays open; a new socket past it is refused "
        "with HTTP 429 before it opens. A bad token closes with 4401, a session that is not "
        "the caller's with 4404."
    ),
)
async def chat_socket(websocket: WebSocket):
    await websocket.accept()
    raw_id = websocket.path_params["session_id"]

    async def error(code: str, message: str, close: int | None = None, details=None) -> None:
        data = {"sessionId": raw_id, "error": message, "code": code}
        if isinstance(details, dict) and "retryAfter" in details:
            data["retryAfter"] = details["retryAfter"]
        await websocket.send_json({"type": "error", "data": data})
        if close:
            await websocket.close(code=close)

    try:
        user = await current_user(websocket)
    except ApiError as exc:
        await error(exc.code, exc.message, CLOSE_AUTH)
        return
    session = await find_owned_session(raw_id, user)
    if session is None:
        await error("SESSION_NOT_FOUND", "Analysis session not found", CLOSE_NOT_FOUND)
        return

    async def send(event: dict) -> None:
        await websocket.send_json(event)

    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            try:
                # Each message counts like an HTTP request: a turn may be a paid model call.
                verdict = await count_request(websocket)
                if verdict is not None and verdict.refused:
                    raise verdict.error()
                text = _message_text(_message_json(message))
                # Re-read: the analysis may have completed since the socket opened.
                fresh = (
                    await AnalysisSession.select()
                    .where(AnalysisSession.id == session["id"])
                    .first()
                )
                _require_completed(fresh or session)
                await _ask(websocket.app.state, user, fresh or session, text, send)
            except ApiError as exc:
                await error(exc.code, exc.message, details=exc.details)


def _message_json(message: dict) -> object:
    """A text or binary frame's JSON, through the same edge parser as HTTP bodies."""
    raw = message.get("text")
    return json_value(raw if raw is not None else message.get("bytes") or b"")


@export_section("conversations")
async def export_conversations(request: Request, user: dict) -> list[dict]:
    """Every conversation with the coach, by analysis session."""
    return await chat_service(request.app.state).conversations(str(user["id"]))
