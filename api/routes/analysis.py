"""The analysis endpoints: upload, session status, results, history, delete."""

from __future__ import annotations

import asyncio
import math
import uuid

from starlette.requests import Request
from starlette.responses import Response

from api import parsing, progress, quota
from api.auth import current_user
from api.errors import ApiError, ok
from api.gdpr import export_section
from api.links import signed_link, stored_link
from api.openapi import json_body, operation, query
from api.results import iso, load_report, num, results_payload
from api.schemas import (
    DATE_TIME,
    UUID,
    array,
    envelope,
    integer,
    model_schema,
    nullable,
    number,
    obj,
    ref,
    string,
)
from api.sessions import (  # noqa: F401 (chat, ws use find_owned_session)
    find_owned_session,
    owned_session,
    refuse_failed,
)
from api.storage import session_prefix, video_key
from api.tables import AnalysisResult, AnalysisSession, Exercise
from api.uploads import container_duration, parse_multipart, sniff_video
from tools import eta
from tools.exercises import resolve_exercise
from tools.report import UNRATED_REASON, Report, ResultsPayload
from tools.video import MAX_DURATION_S, VideoError, probe_video


async def _resolve_exercise_row(name: str, exercise_id: str | None) -> dict:
    if exercise_id:
        eid = parsing.uuid_of(exercise_id)
        if eid is None:
            raise parsing.invalid("exerciseId", "uuid", "exerciseId is not a valid id")
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


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": obj(
                {
                    "video": string(
                        contentMediaType="application/octet-stream",
                        description="MP4, MOV, AVI or WebM (by content), ≤ 100 MB, ≤ 5 minutes",
                    ),
                    "exerciseName": string(
                        description="e.g. Squat, push-up. Optional: without it (and without "
                        "exerciseId) the exercise is recognised from the movement, and the "
                        "session's exerciseName is empty until the result names it"
                    ),
                    "exerciseId": string(description="Optional: an id from GET /exercises"),
                },
                required=["video"],
                open_=True,
            ),
            "encoding": {"video": {"contentType": "application/octet-stream"}},
        }
    },
}


@operation(
    summary="Upload a video for analysis",
    tag="Analysis",
    description=(
        "The body is read as it streams and cut off past 100 MB (413 FILE_TOO_LARGE); the "
        "container is recognised by its bytes (422 UNSUPPORTED_FORMAT otherwise); longer than "
        "5 minutes is 400 VALIDATION_ERROR. A file that passes those checks but cannot be "
        "decoded is accepted, and its session then fails with PROCESSING_ERROR. Progress comes "
        "over the WebSocket /ws/analysis/{sessionId}."
    ),
    body=UPLOAD_BODY,
    responses={
        201: (
            "Accepted; analysis queued",
            envelope(
                obj(
                    {
                        "sessionId": UUID,
                        "status": string(enum=["pending"]),
                        "estimatedProcessingTime": integer(description="Seconds"),
                    }
                )
            ),
        )
    },
    errors={
        408: "The body stalled past the idle deadline or ran past the total one (REQUEST_TIMEOUT)",
        413: "The file exceeds 100 MB, or the user's stored videos their quota (FILE_TOO_LARGE)",
        422: "Not an MP4, MOV, AVI or WebM video",
        429: "Too many requests, or too many analyses waiting (RATE_LIMIT_EXCEEDED, Retry-After)",
    },
)
async def upload(request: Request):
    user = await current_user(request)
    state = request.app.state
    settings = state.settings
    # The per-user limits are checked before a byte of the body is read.
    await quota.check_queue(user["id"], settings)
    used, room = await quota.room(user["id"], settings)
    cap = min(settings.max_upload_bytes, room)
    try:
        form = await parse_multipart(request, state.scratch.path, cap)
    except ApiError as exc:
        if exc.code == "FILE_TOO_LARGE" and cap < settings.max_upload_bytes:
            raise quota.quota_error(used, settings) from exc
        raise
    stored_prefix: str | None = None
    try:
        video = form.files.get("video")
        if video is None:
            raise ApiError("VALIDATION_ERROR", "A video file is required", {"field": "video"})
        if video.size == 0:
            raise ApiError("VALIDATION_ERROR", "The video file is empty", {"field": "video"})
        name = (form.fields.get("exerciseName") or "").strip()
        exercise_id = form.fields.get("exerciseId")
        # Neither given: the analysis recognises the exercise (tools.recognition).
        exercise = await _resolve_exercise_row(name, exercise_id) if name or exercise_id else None
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
            duration, frames = info.duration_s, info.frame_count
        except VideoError as exc:
            if exc.code != "UNSUPPORTED_FORMAT":
                raise ApiError(exc.code, exc.message, {"field": "video"}) from exc
            # It passed the sniff, so it is accepted; its session will fail with
            # PROCESSING_ERROR and the decoder's reason. The duration cap still applies.
            duration, frames = await asyncio.to_thread(container_duration, video.path), None
            if duration is not None and duration > MAX_DURATION_S:
                raise ApiError(
                    "VALIDATION_ERROR",
                    f"video is {duration:.1f} s long; the maximum is {MAX_DURATION_S:.0f} s",
                    {"field": "video"},
                ) from exc

        await quota.check_queue(user["id"], settings)  # again: uploads may run in parallel
        session_id = uuid.uuid4()
        key = video_key(user["id"], session_id, ext)
        stored_prefix = session_prefix(user["id"], session_id)
        await state.storage.put_file(video.path, key)
        await AnalysisSession.insert(
            AnalysisSession(
                id=session_id,
                user_id=user["id"],
                exercise_id=exercise["id"] if exercise else None,
                exercise_name=exercise["name"] if exercise else "",
                video_url=state.storage.url_for(key),
                video_duration=None if duration is None else round(duration, 2),
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

    await state.jobs.submit(str(session_id), str(user["id"]))
    # Every frame is analysed, so the work is the frame count (a 60 fps clip is twice a 30 fps
    # one); the live estimate over the WebSocket then follows the measured speed.
    estimate = max(5, round(eta.remaining_seconds(eta.clip_frames(frames, duration))))
    return ok(
        {"sessionId": str(session_id), "status": "pending", "estimatedProcessingTime": estimate},
        status_code=201,
    )


REANALYZE_BODY = json_body(
    obj(
        {
            "exerciseName": string(
                maxLength=100, description="The exercise to analyse the stored video as"
            ),
            "exerciseId": string(format="uuid", description="An id from GET /exercises"),
        },
        required=[],
    )
)


@operation(
    summary="Analyse a session's stored video again, as another exercise",
    tag="Analysis",
    description=(
        "No new upload: the stored video is queued again (the session goes back to pending, "
        "with the same live events over /ws/analysis/{sessionId}). Name the exercise by "
        "exerciseName or exerciseId; with neither it is recognised from the movement. The new "
        "result replaces the old one in one transaction when it is saved; until then the "
        "session is pending or processing and its results answer 409 RESULTS_NOT_READY. A "
        "session still being analysed cannot be re-analysed (409 CONFLICT)."
    ),
    owns={"session_id": "session"},
    body=REANALYZE_BODY,
    responses={
        202: (
            "Accepted; analysis queued again",
            envelope(
                obj(
                    {
                        "sessionId": UUID,
                        "status": string(enum=["pending"]),
                        "exerciseId": nullable(UUID),
                        "exerciseName": string(
                            description="Empty when the exercise is to be recognised"
                        ),
                        "estimatedProcessingTime": integer(description="Seconds"),
                    }
                )
            ),
        )
    },
    errors={
        409: "The session is still pending or processing (CONFLICT)",
        429: "Too many requests, or too many analyses waiting (RATE_LIMIT_EXCEEDED, Retry-After)",
    },
)
async def reanalyze(request: Request):
    user = await current_user(request)
    session = await owned_session(request, user)
    body = await parsing.json_body(request)
    name = parsing.text_field(body, "exerciseName", max_chars=100) or ""
    exercise_id = parsing.text_field(body, "exerciseId")
    exercise = await _resolve_exercise_row(name, exercise_id) if name or exercise_id else None
    if session["status"] in quota.UNFINISHED:
        raise ApiError(
            "CONFLICT",
            f"The analysis is {session['status']}; re-analyse it once it has finished",
            {"sessionId": str(session["id"]), "status": session["status"]},
        )
    # The same per-user queue limit as an upload: a re-analysis is a queued analysis.
    await quota.check_queue(user["id"], request.app.state.settings)
    # Only a finished session moves back to pending, so two requests cannot both queue it.
    moved = (
        await AnalysisSession.update(
            {
                AnalysisSession.status: "pending",
                AnalysisSession.exercise_id: exercise["id"] if exercise else None,
                AnalysisSession.exercise_name: exercise["name"] if exercise else "",
                AnalysisSession.started_at: None,
                AnalysisSession.completed_at: None,
                AnalysisSession.error_message: None,
                AnalysisSession.error_code: None,
                # The annotated video shows the old reps; the new analysis draws it again.
                AnalysisSession.processed_video_url: None,
            }
        )
        .where(
            (AnalysisSession.id == session["id"])
            & AnalysisSession.status.not_in(list(quota.UNFINISHED))
        )
        .returning(AnalysisSession.id)
    )
    if not moved:
        raise ApiError("CONFLICT", "The analysis was queued again meanwhile")
    request.app.state.broker.forget(str(session["id"]))
    if session["status"] == "completed":
        # Until the new result is saved the session counts for no exercise's progress.
        await progress.refresh(user["id"], session["exercise_id"], session["exercise_name"])
    await request.app.state.jobs.submit(str(session["id"]), str(user["id"]))
    duration = num(session["video_duration"])
    estimate = max(5, round(eta.remaining_seconds(eta.clip_frames(None, duration))))
    return ok(
        {
            "sessionId": str(session["id"]),
            "status": "pending",
            "exerciseId": str(exercise["id"]) if exercise else None,
            "exerciseName": exercise["name"] if exercise else "",
            "estimatedProcessingTime": estimate,
        },
        status_code=202,
    )


SESSION_STATUS = obj(
    {
        "id": UUID,
        "status": ref("SessionStatus"),
        "progress": integer(minimum=0, maximum=100),
        "estimatedTimeRemaining": nullable(number(description="Seconds")),
        "exerciseId": nullable(UUID),
        "exerciseName": string(),
        "videoDuration": nullable(number()),
        "fileSize": nullable(integer()),
        "mimeType": nullable(string()),
        "createdAt": DATE_TIME,
        "startedAt": nullable(DATE_TIME),
        "completedAt": nullable(DATE_TIME),
        "errorMessage": nullable(string()),
        "errorCode": nullable(string()),
    }
)

SESSION = {"session_id": "session"}


@operation(
    summary="Status of one analysis session",
    tag="Analysis",
    owns=SESSION,
    responses={200: ("The session", envelope(SESSION_STATUS))},
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


def session_fields(request: Request, session: dict) -> dict:
    return {
        "id": str(session["id"]),
        "exerciseName": session["exercise_name"],
        # A signed, expiring link: a <video> element cannot send the bearer token.
        "videoUrl": stored_link(request, session["video_url"]),
        "processedVideoUrl": stored_link(request, session["processed_video_url"]),
        "thumbnailUrl": stored_link(request, session["thumbnail_url"]),
        "createdAt": iso(session["created_at"]),
    }


# Generated from the model the pipeline, the tables and the chat share (tools/report.py).
RESULTS = model_schema(ResultsPayload)

SERIES = obj(
    {
        "sessionId": UUID,
        "signal": string(description="The primary signal, e.g. knee_angle"),
        "unit": string(),
        "fps": number(),
        "frames": array(integer()),
        "values": array(nullable(number()), description="null where the joint was not measured"),
    }
)


@operation(
    summary="Results of a completed analysis",
    tag="Analysis",
    owns=SESSION,
    responses={200: ("Score, issues, metrics, strengths, recommendations", envelope(RESULTS))},
    errors={
        409: "Not finished yet (RESULTS_NOT_READY)",
        422: "The analysis failed; the code says why (e.g. NO_PERSON_DETECTED)",
    },
)
async def get_results(request: Request):
    session, report = await completed_report(request)
    return ok(results_payload(session_fields(request, session), report, keyframe_link(request)))


def keyframe_link(request: Request):
    """A keyframe's signed link (a JPEG beside the video), or None when it was not drawn."""
    return lambda keyframe: signed_link(request, keyframe.key) if keyframe.key else None


@operation(
    summary="Per-frame angle series of the primary signal, for plotting",
    tag="Analysis",
    owns=SESSION,
    responses={200: ("Frames and values of the primary signal", envelope(SERIES))},
    errors={
        409: "Not finished yet (RESULTS_NOT_READY)",
        422: "The analysis failed; the code says why (e.g. NO_PERSON_DETECTED)",
    },
)
async def get_series(request: Request):
    session, report = await completed_report(request)
    series = (
        report.series.model_dump(mode="json")
        if report.series
        else {
            "signal": "",
            "unit": "",
            "fps": 0,
            "frames": [],
            "values": [],
        }
    )
    series.pop("label", None)
    return ok({"sessionId": str(session["id"]), **series})


async def completed_report(request: Request) -> tuple[dict, Report]:
    """The caller's session and its report; the spec's errors when it has none (yet)."""
    user = await current_user(request)
    session = await owned_session(request, user)
    refuse_failed(session)
    loaded = await load_report(session["id"]) if session["status"] == "completed" else None
    if loaded is None:
        raise ApiError(
            "RESULTS_NOT_READY",
            f"The analysis is {session['status']}; results are not ready yet",
            {"sessionId": str(session["id"]), "status": session["status"]},
        )
    return session, loaded[1]


MAX_PAGE_SIZE = 100
MAX_PAGE = 10**6


def int_param(request: Request, name: str, default: int, lo: int, hi: int = MAX_PAGE) -> int:
    return parsing.query_int(request, name, default, lo, hi)


HISTORY_ITEM = obj(
    {
        "id": UUID,
        "exerciseId": nullable(UUID),
        "exerciseName": string(),
        "overallScore": nullable(
            number(minimum=0, maximum=10, description="Null until completed, or when not rated")
        ),
        "unratedReason": nullable(string(description="Why a completed set was not rated")),
        "status": ref("SessionStatus"),
        "errorCode": nullable(string()),
        "createdAt": DATE_TIME,
        "thumbnailUrl": nullable(string(description="Signed link to the thumbnail; expires")),
    }
)


@operation(
    summary="The caller's analysis history, newest first",
    tag="Analysis",
    params=(
        query("page", integer(minimum=1, maximum=MAX_PAGE, default=1), "1-based page"),
        query("limit", integer(minimum=1, maximum=MAX_PAGE_SIZE, default=10), "Page size"),
        query("exerciseId", string(format="uuid"), "Only this exercise"),
        query("dateFrom", parsing.DATE_OR_DATE_TIME, "Date or RFC 3339 date-time, inclusive"),
        query("dateTo", parsing.DATE_OR_DATE_TIME, "Date (the whole day) or date-time, inclusive"),
    ),
    responses={
        200: (
            "One page of sessions",
            envelope(obj({"sessions": array(HISTORY_ITEM), "pagination": ref("Pagination")})),
        )
    },
)
async def list_sessions(request: Request):
    user = await current_user(request)
    page = int_param(request, "page", 1, 1, MAX_PAGE)
    limit = int_param(request, "limit", 10, 1, MAX_PAGE_SIZE)
    where = AnalysisSession.user_id == user["id"]
    if (exercise_id := parsing.query_uuid(request, "exerciseId")) is not None:
        where &= AnalysisSession.exercise_id == exercise_id
    if (since := parsing.query_date(request, "dateFrom")) is not None:
        where &= AnalysisSession.created_at >= since
    if (until := parsing.query_date(request, "dateTo", end_of_day=True)) is not None:
        where &= AnalysisSession.created_at <= until
    total = await AnalysisSession.count().where(where)
    rows = (
        await AnalysisSession.select()
        .where(where)
        .order_by(AnalysisSession.created_at, ascending=False)
        .order_by(AnalysisSession.id)
        .limit(limit)
        .offset((page - 1) * limit)
    )
    scores = {}
    if rows:
        results = await AnalysisResult.select(
            AnalysisResult.session_id, AnalysisResult.overall_score, AnalysisResult.unrated_reason
        ).where(AnalysisResult.session_id.is_in([r["id"] for r in rows]))
        scores = {r["session_id"]: r for r in results}
    sessions = [
        {
            "id": str(r["id"]),
            "exerciseId": str(r["exercise_id"]) if r["exercise_id"] else None,
            "exerciseName": r["exercise_name"],
            "overallScore": num((scores.get(r["id"]) or {}).get("overall_score")),
            "unratedReason": unrated_reason(scores.get(r["id"])),
            "status": r["status"],
            "errorCode": r["error_code"],
            "createdAt": iso(r["created_at"]),
            "thumbnailUrl": stored_link(request, r["thumbnail_url"]),
        }
        for r in rows
    ]
    pagination = {
        "page": page,
        "limit": limit,
        "total": total,
        "totalPages": math.ceil(total / limit),
    }
    return ok({"sessions": sessions, "pagination": pagination})


def unrated_reason(result: dict | None) -> str | None:
    """Why a stored result has no score (None when it has one, or there is no result)."""
    if result is None or result["overall_score"] is not None:
        return None
    return result["unrated_reason"] or UNRATED_REASON


@operation(
    summary="Delete an analysis: its rows, its stored video and files",
    tag="Analysis",
    owns=SESSION,
    responses={204: ("Deleted", None)},
)
async def delete_session(request: Request):
    user = await current_user(request)
    session = await owned_session(request, user)
    # Files first: if removing them fails the row is still there and the delete can be retried.
    await request.app.state.storage.delete_prefix(session_prefix(user["id"], session["id"]))
    await AnalysisSession.delete().where(AnalysisSession.id == session["id"])
    request.app.state.broker.forget(str(session["id"]))
    if session["status"] == "completed":
        await progress.refresh(user["id"], session["exercise_id"], session["exercise_name"])
    return Response(status_code=204)


@export_section("analyses")
async def export_analyses(request: Request, user: dict) -> list[dict]:
    """Every session of the user, with its video as a signed link and its full results."""
    sessions = (
        await AnalysisSession.select()
        .where(AnalysisSession.user_id == user["id"])
        .order_by(AnalysisSession.created_at)
    )
    out = []
    for session in sessions:
        loaded = await load_report(session["id"]) if session["status"] == "completed" else None
        out.append(
            {
                **session_fields(request, session),
                "status": session["status"],
                "videoDuration": num(session["video_duration"]),
                "fileSize": session["file_size"],
                "mimeType": session["mime_type"],
                "completedAt": iso(session["completed_at"]),
                "errorCode": session["error_code"],
                "errorMessage": session["error_message"],
                "results": results_payload(
                    session_fields(request, session), loaded[1], keyframe_link(request)
                )
                if loaded
                else None,
            }
        )
    return out
