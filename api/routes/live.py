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

from starlette.requests import Request
from starlette.websockets import WebSocket, WebSocketDisconnect

from api import parsing, quota
from api.auth import current_user
from api.errors import ApiError, ok
from api.links import stored_link
from api.live import LiveFailed, LiveFull, LiveSession, save_live_set
from api.openapi import operation
from api.schemas import UUID, envelope, obj, string
from api.sessions import owned_session
from api.storage import video_key
from api.tables import AnalysisSession, Exercise
from api.uploads import parse_multipart, sniff_video
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
        await websocket.send_json({"type": "error", "data": {"code": code, "message": message}})
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
        '"lowering"|"bottom"|"rising"|null,"angle":number|null,"repCount","dropped",'
        '"poseMs","analysisMs"}`; '
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
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        # The same edge parser as HTTP bodies and chat frames (depth, size, surrogates, NUL).
        raw = message.get("text")
        start = parsing.json_value(raw if raw is not None else message.get("bytes") or b"")
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


RECORDING_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": obj(
                {
                    "video": string(
                        contentMediaType="application/octet-stream",
                        description="The browser's recording of the live set (WebM or MP4)",
                    )
                },
                required=["video"],
                open_=True,
            ),
            "encoding": {"video": {"contentType": "application/octet-stream"}},
        }
    },
}


@operation(
    summary="Attach the browser's recording to a live session",
    tag="Analysis",
    owns={"session_id": "session"},
    description=(
        "For a session saved by `/ws/live` (it has no video): stores the recording as the "
        "session's video, so the results page plays it. Streamed like an upload (413 past the "
        "size cap or the quota, 422 when not a video by its bytes); 409 CONFLICT when the "
        "session already has a video. The live analysis stays as it was measured."
    ),
    body=RECORDING_BODY,
    responses={
        200: (
            "Attached",
            envelope(obj({"sessionId": UUID, "videoUrl": string(description="Signed link")})),
        )
    },
    errors={
        409: "The session already has a video (CONFLICT)",
        413: "The file exceeds the size cap or the user's quota (FILE_TOO_LARGE)",
        422: "Not an MP4, MOV, AVI or WebM video",
    },
)
async def attach_recording(request: Request):
    user = await current_user(request)
    session = await owned_session(request, user)
    if session["video_url"]:
        raise ApiError("CONFLICT", "This session already has a video")
    state = request.app.state
    used, room = await quota.room(user["id"], state.settings)
    cap = min(state.settings.max_upload_bytes, room)
    try:
        form = await parse_multipart(request, state.scratch.path, cap)
    except ApiError as exc:
        if exc.code == "FILE_TOO_LARGE" and cap < state.settings.max_upload_bytes:
            raise quota.quota_error(used, state.settings) from exc
        raise
    try:
        video = form.files.get("video")
        if video is None or video.size == 0:
            raise ApiError("VALIDATION_ERROR", "A video file is required", {"field": "video"})
        sniffed = await asyncio.to_thread(sniff_video, video.path)
        if sniffed is None:
            raise ApiError(
                "UNSUPPORTED_FORMAT",
                "The file is not an MP4, MOV, AVI or WebM video",
                {"field": "video", "reason": "Unsupported file type"},
            )
        mime_type, ext = sniffed
        key = video_key(user["id"], session["id"], ext)
        await state.storage.put_file(video.path, key)
        url = state.storage.url_for(key)
        await AnalysisSession.update(
            {
                AnalysisSession.video_url: url,
                AnalysisSession.file_size: video.size,
                AnalysisSession.mime_type: mime_type,
            }
        ).where((AnalysisSession.id == session["id"]) & (AnalysisSession.video_url == ""))
    finally:
        form.discard()
    return ok({"sessionId": str(session["id"]), "videoUrl": stored_link(request, url)})
