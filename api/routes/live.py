"""WebSocket /ws/live: a set coached live (protocol in docs/live.md).

The client sends {"type": "start", "exerciseId" | "exerciseName"}, then camera frames as binary
messages (HEADER: capture time in ms as float64 and frame number as uint32, little-endian,
then the JPEG), then {"type": "stop"}. The server answers each processed frame, sends set-up,
rep, cue and praise events as they happen, and a summary with the saved session at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct

from starlette.websockets import WebSocket, WebSocketDisconnect

from api import parsing
from api.auth import current_user
from api.errors import ApiError
from api.live import LiveFailed, LiveFull, LiveSession, save_live_set
from api.openapi import operation
from api.tables import Exercise
from tools.exercises import resolve_exercise

log = logging.getLogger("biome.live")

HEADER = struct.Struct("<dI")
CLOSE_AUTH = 4401
CLOSE_INVALID = 4400
# RFC 6455 "Try Again Later": the server is at capacity.
CLOSE_BUSY = 1013
CLOSE_FAILED = 1011
# A camera frame larger than this is refused (a 640 px JPEG is ~30-80 kB).
MAX_FRAME_BYTES = 2 * 1024 * 1024


async def _exercise(start: dict) -> dict:
    """The Exercise row the start message names (by exerciseId, else exerciseName)."""
    if start.get("exerciseId"):
        eid = parsing.uuid_of(str(start["exerciseId"]))
        row = eid and await Exercise.select().where(Exercise.id == eid).first()
        if not row:
            raise ApiError("VALIDATION_ERROR", "Unknown exerciseId", {"field": "exerciseId"})
        return row
    entry = resolve_exercise(str(start.get("exerciseName") or ""))
    row = entry and await Exercise.select().where(Exercise.name == entry.name).first()
    if not row:
        raise ApiError("VALIDATION_ERROR", "exerciseId or a known exerciseName is required", {})
    return row


async def _error(websocket: WebSocket, code: str, message: str, close_code: int) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_json({"type": "error", "code": code, "message": message})
        await websocket.close(code=close_code)


@operation(
    summary="Live coaching of one set: camera frames in; pose, reps, cues and a summary out",
    tag="Analysis",
    description=(
        "WebSocket; token as `Authorization: Bearer` or `?token=` (bad token: `error` event, "
        "close 4401). Protocol (docs/live.md): 1. client sends text "
        '`{"type":"start","exerciseId":uuid}` or `{"type":"start","exerciseName":str}` '
        "(unknown: `error` VALIDATION_ERROR, close 4400; every live slot taken: `error` "
        'LIVE_BUSY, close 1013). 2. server sends `{"type":"ready","slots":n}` when its '
        "pose process is up. 3. client sends binary frames: 12-byte little-endian header "
        "(float64 capture time in ms, uint32 frame sequence number) then a JPEG (downscaled, "
        'e.g. 640 px). 4. server answers each processed frame `{"type":"frame","seq",'
        '"captureTime","landmarks":[33×(x‰,y‰,visibility 0-9)]|null,"phase":"setup"|"top"|'
        '"lowering"|"bottom"|"rising"|null,"angle":number|null,"repCount","dropped"}`; '
        "frames that arrive while one is processed are dropped except the newest (`dropped` "
        'counts them). Events: `{"type":"setup","kind","message"}` (before the first rep), '
        '`{"type":"rep","number","measurements"}`, `{"type":"cue","rep","issueType",'
        '"severity","text"}`, `{"type":"praise","rep","issueType","text"}`. 5. client sends '
        '`{"type":"stop"}`; server sends `{"type":"summary","sessionId","resultId","repCount",'
        '"liveRepCount","overallScore","unratedReason","framesProcessed","framesDropped"}` '
        "(the set is saved as a normal analysis session) and closes; a set without a person "
        "gets `error` NO_PERSON_DETECTED."
    ),
)
async def live_socket(websocket: WebSocket):
    await websocket.accept()
    try:
        user = await current_user(websocket)
    except ApiError as exc:
        await _error(websocket, exc.code, exc.message, CLOSE_AUTH)
        return
    try:
        start = await websocket.receive_json()
        if not isinstance(start, dict) or start.get("type") != "start":
            raise ApiError("VALIDATION_ERROR", 'the first message must be {"type": "start"}', {})
        exercise = await _exercise(start)
    except ApiError as exc:
        await _error(websocket, exc.code, exc.message, CLOSE_INVALID)
        return
    except (WebSocketDisconnect, ValueError, KeyError):
        await _error(websocket, "VALIDATION_ERROR", "the start message is not JSON", CLOSE_INVALID)
        return
    pool = websocket.app.state.live
    try:
        session = pool.open(exercise["name"])
    except LiveFull as exc:
        await _error(websocket, "LIVE_BUSY", f"{exc}; try again in a moment", CLOSE_BUSY)
        return
    try:
        await session.ready()
        await websocket.send_json({"type": "ready", "slots": pool.slots})
        await _run(websocket, session, user, exercise)
    except LiveFailed as exc:
        await _error(websocket, exc.code, exc.message, CLOSE_FAILED)
    except WebSocketDisconnect:
        pass
    finally:
        await session.close()


async def _receive(websocket: WebSocket, session: LiveSession) -> None:
    """Client -> child: frames through the newest-first slot; returns at stop."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        data = message.get("bytes")
        if data is not None:
            if len(data) <= HEADER.size or len(data) > MAX_FRAME_BYTES:
                continue  # not a frame; the client sees no answer for it
            capture_ms, seq = HEADER.unpack_from(data)
            session.offer(seq, capture_ms, data[HEADER.size :])
            continue
        text = message.get("text") or ""
        if '"stop"' in text:
            session.stop()
            return


async def _run(websocket: WebSocket, session: LiveSession, user: dict, exercise: dict) -> None:
    receiver = asyncio.create_task(_receive(websocket, session))
    processed = 0
    live_reps = 0
    try:
        while True:
            getter = asyncio.create_task(session.messages.get())
            waiting = {getter} if receiver.done() else {getter, receiver}
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if receiver in done and receiver.exception() is not None:
                getter.cancel()
                raise receiver.exception()
            if getter not in done:
                getter.cancel()
                continue
            message = getter.result()
            if message is None:
                raise LiveFailed("PROCESSING_ERROR", "the live analysis stopped unexpectedly")
            kind = message[0]
            if kind == "frame":
                _, answer, events = message
                if not receiver.done():
                    session.answered()
                processed += 1
                live_reps = answer.get("repCount", live_reps)
                await websocket.send_json(
                    {"type": "frame", **answer, "dropped": session.frames.dropped}
                )
                for event in events:
                    await websocket.send_json(event)
            elif kind == "error":
                raise LiveFailed(message[1], message[2])
            elif kind == "report":
                _, report, pose_json = message
                storage = websocket.app.state.storage
                sid, rid = await save_live_set(storage, user, exercise, report, pose_json)
                await websocket.send_json(
                    {
                        "type": "summary",
                        "sessionId": str(sid),
                        "resultId": str(rid),
                        "repCount": report.get("repCount"),
                        "liveRepCount": live_reps,
                        "overallScore": report.get("overallScore"),
                        "unratedReason": report.get("unratedReason"),
                        "framesProcessed": processed,
                        "framesDropped": session.frames.dropped,
                    }
                )
                await websocket.close()
                return
    finally:
        receiver.cancel()
        with contextlib.suppress(BaseException):
            await receiver
