"""POST /analysis/upload, GET /analysis/sessions/{id}, GET /analysis/sessions/{id}/results."""

from __future__ import annotations

import asyncio
import uuid

from starlette.requests import Request

from api.auth import current_user
from api.errors import ApiError, ok
from api.results import iso, load_report, num, results_payload
from api.storage import session_prefix, video_key
from api.tables import AnalysisSession, Exercise
from api.uploads import parse_multipart, sniff_video
from tools.exercises import resolve_exercise
from tools.video import VideoError, probe_video

# Rough seconds of work per second of video on one worker, for the client's first estimate.
PROCESSING_RATIO = 0.8


async def owned_session(request: Request, user: dict) -> dict:
    """The session named in the path if it belongs to ``user``; 404 otherwise (no leak)."""
    try:
        sid = uuid.UUID(request.path_params["session_id"])
    except ValueError:
        sid = None
    session = (
        await AnalysisSession.select()
        .where((AnalysisSession.id == sid) & (AnalysisSession.user_id == user["id"]))
        .first()
        if sid
        else None
    )
    if session is None:
        raise ApiError("SESSION_NOT_FOUND", "Analysis session not found")
    return session


async def _resolve_exercise_row(name: str, exercise_id: str | None) -> dict:
    if exercise_id:
        try:
            eid = uuid.UUID(exercise_id)
        except ValueError as exc:
            raise ApiError(
                "VALIDATION_ERROR", "exerciseId is not a valid id", {"field": "exerciseId"}
            ) from exc
        row = await Exercise.select().where(Exercise.id == eid).first()
        if row is None:
            raise ApiError("VALIDATION_ERROR", "Unknown exerciseId", {"field": "exerciseId"})
        return row
    entry = resolve_exercise(name)
    row = entry and await Exercise.select().where(Exercise.name == entry.name).first()
    if not row:
        names = [r["name"] for r in await Exercise.select(Exercise.name).order_by(Exercise.name)]
        raise ApiError(
            "VALIDATION_ERROR",
            f"Unsupported exercise {name!r}",
            {"field": "exerciseName", "supported": names},
        )
    return row


async def upload(request: Request):
    user = await current_user(request)
    state = request.app.state
    settings = state.settings
    form = await parse_multipart(request, settings.tmp_dir, settings.max_upload_bytes)
    stored_prefix: str | None = None
    try:
        video = form.files.get("video")
        if video is None:
            raise ApiError("VALIDATION_ERROR", "A video file is required", {"field": "video"})
        if video.size == 0:
            raise ApiError("VALIDATION_ERROR", "The video file is empty", {"field": "video"})
        name = (form.fields.get("exerciseName") or "").strip()
        if not name:
            raise ApiError(
                "VALIDATION_ERROR", "exerciseName is required", {"field": "exerciseName"}
            )
        exercise = await _resolve_exercise_row(name, form.fields.get("exerciseId"))
        sniffed = await asyncio.to_thread(sniff_video, video.path)
        if sniffed is None:
            raise ApiError(
                "UNSUPPORTED_FORMAT",
                "The file is not an MP4, MOV, AVI or WebM video",
                {"field": "video", "reason": "Unsupported file type"},
            )
        mime_type, ext = sniffed
        try:
            info = await asyncio.to_thread(probe_video, str(video.path))
        except VideoError as exc:
            raise ApiError(exc.code, exc.message, {"field": "video"}) from exc

        session_id = uuid.uuid4()
        key = video_key(user["id"], session_id, ext)
        stored_prefix = session_prefix(user["id"], session_id)
        await state.storage.put_file(video.path, key)
        await AnalysisSession.insert(
            AnalysisSession(
                id=session_id,
                user_id=user["id"],
                exercise_id=exercise["id"],
                exercise_name=exercise["name"],
                video_url=state.storage.url_for(key),
                video_duration=round(info.duration_s, 2),
                file_size=video.size,
                mime_type=mime_type,
                status="pending",
            )
        )
        stored_prefix = None  # the row owns the file now
    except BaseException:
        if stored_prefix is not None:
            await state.storage.delete_prefix(stored_prefix)
        raise
    finally:
        form.discard()

    await state.jobs.submit(str(session_id))
    estimate = max(5, round(info.duration_s * PROCESSING_RATIO + 5))
    return ok(
        {"sessionId": str(session_id), "status": "pending", "estimatedProcessingTime": estimate},
        status_code=201,
    )


async def get_session(request: Request):
    user = await current_user(request)
    session = await owned_session(request, user)
    status = session["status"]
    progress, remaining = 0, None
    if status == "completed":
        progress, remaining = 100, 0
    elif status == "processing":
        live = request.app.state.broker.progress(str(session["id"]))
        if live:
            progress, remaining = live["progress"], live["estimatedTimeRemaining"]
    return ok(
        {
            "id": str(session["id"]),
            "status": status,
            "progress": progress,
            "estimatedTimeRemaining": remaining,
            "exerciseId": str(session["exercise_id"]) if session["exercise_id"] else None,
            "exerciseName": session["exercise_name"],
            "videoDuration": num(session["video_duration"]),
            "fileSize": session["file_size"],
            "mimeType": session["mime_type"],
            "createdAt": iso(session["created_at"]),
            "startedAt": iso(session["started_at"]),
            "completedAt": iso(session["completed_at"]),
            "errorMessage": session["error_message"],
            "errorCode": session["error_code"],
        }
    )


def session_fields(session: dict) -> dict:
    return {
        "id": str(session["id"]),
        "exerciseName": session["exercise_name"],
        "videoUrl": session["video_url"],
        "createdAt": iso(session["created_at"]),
    }


async def get_results(request: Request):
    user = await current_user(request)
    session = await owned_session(request, user)
    if session["status"] == "failed":
        raise ApiError(
            session["error_code"] or "PROCESSING_ERROR",
            session["error_message"] or "Video processing failed",
            {"sessionId": str(session["id"]), "status": "failed"},
            status_code=422,
        )
    loaded = await load_report(session["id"]) if session["status"] == "completed" else None
    if loaded is None:
        raise ApiError(
            "RESULTS_NOT_READY",
            f"The analysis is {session['status']}; results are not ready yet",
            {"sessionId": str(session["id"]), "status": session["status"]},
        )
    _, report = loaded
    return ok(results_payload(session_fields(session), report))
