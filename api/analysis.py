"""Running one analysis session: pending → processing → completed / failed.

The upload handler creates the session row and submits its id; this module does the rest in
the server process (state transitions, storage, result rows, events) while the pipeline itself
runs in a worker process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import uuid
from pathlib import Path

from api import progress
from api.events import EventBroker
from api.media import MediaMaker
from api.results import as_report, complete_event, save_report
from api.storage import Storage, remove_quietly
from api.tables import AnalysisResult, AnalysisSession, Exercise
from api.workers import WorkerCrashed, WorkerPool
from tools.exercises import resolve_exercise
from tools.report import Report

log = logging.getLogger("biome.analysis")

# Error codes a pipeline failure may carry to the client; anything else is PROCESSING_ERROR.
PIPELINE_CODES = {
    "UNSUPPORTED_FORMAT",
    "VALIDATION_ERROR",
    "PROCESSING_ERROR",
    "NO_PERSON_DETECTED",
    "WORKER_CRASHED",
}

# A worker that dies under a job costs that job one retry; a second death fails it.
CRASH_ATTEMPTS = 2


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# The pipeline reports 0–100 % of its own work; saving the result is the last step after it.
PIPELINE_SHARE = 0.98


def relay_pipeline_event(broker: EventBroker):
    """The worker-event sink: pipeline progress is rescaled to leave room for saving."""

    def relay(session_id: str, event: dict) -> None:
        if event.get("type") == "progress":
            data = dict(event["data"])
            data["progress"] = min(98, int(data.get("progress", 0) * PIPELINE_SHARE))
            event = {"type": "progress", "data": data}
        broker.publish(session_id, event)

    return relay


def storage_key(session: dict, storage: Storage) -> str:
    prefix = storage.url + "/"
    url = session["video_url"]
    if not url.startswith(prefix):
        raise ValueError(f"video {url!r} is not in storage {storage.url!r}")
    return url[len(prefix) :]


async def _take_recognised(sid: uuid.UUID, report: Report) -> dict:
    """An upload without an exercise becomes the recognised one (tools.recognition)."""
    recognised = report.recognition and resolve_exercise(report.recognition.analysedAs or "")
    row = recognised and await Exercise.select().where(Exercise.name == recognised.name).first()
    if not row:
        raise ValueError("the exercise could not be recognised")
    values = {"exercise_id": row["id"], "exercise_name": row["name"]}
    await AnalysisSession.update(
        {AnalysisSession.exercise_id: row["id"], AnalysisSession.exercise_name: row["name"]}
    ).where(AnalysisSession.id == sid)
    return values


class AnalysisRunner:
    def __init__(self, storage: Storage, pool: WorkerPool, broker: EventBroker, tmp_dir):
        self.storage = storage
        self.pool = pool
        self.broker = broker
        self.tmp_dir = tmp_dir
        self.media = MediaMaker(storage, tmp_dir)

    async def process(self, session_id: str) -> None:
        sid = uuid.UUID(session_id)
        session = await AnalysisSession.select().where(AnalysisSession.id == sid).first()
        if session is None or session["status"] not in ("pending", "processing"):
            return  # deleted meanwhile, or already done by an earlier run
        await AnalysisSession.update(
            {AnalysisSession.status: "processing", AnalysisSession.started_at: _now()}
        ).where(AnalysisSession.id == sid)
        started = time.monotonic()
        try:
            key = storage_key(session, self.storage)
            artifacts = Path(self.tmp_dir) / f"keyframes-{session_id}"
            try:
                async with self.storage.local_copy(key, self.tmp_dir) as path:
                    report = as_report(
                        await self._analyze(session_id, str(path), session, artifacts)
                    )
                if not session["exercise_name"]:
                    session = {**session, **await _take_recognised(sid, report)}
                await self._store_keyframes(report, artifacts, key.rsplit("/", 1)[0])
                await self.media.store(sid, artifacts, key.rsplit("/", 1)[0])
            finally:
                await asyncio.to_thread(remove_quietly, artifacts)
            self.broker.publish(
                session_id,
                {
                    "type": "progress",
                    "data": {"progress": 99, "currentStep": "saving", "estimatedTimeRemaining": 0},
                },
            )
            result_id = await save_report(sid, report)
        except asyncio.CancelledError:
            # Shutting down: the session goes back to pending for the next start.
            await asyncio.shield(self._hand_back(sid))
            log.info("session %s handed back (pending) at shutdown", session_id)
            raise
        except Exception as exc:
            await self._fail(sid, session_id, exc)
            return
        try:
            await progress.refresh(
                session["user_id"], session["exercise_id"], session["exercise_name"]
            )
        except Exception:
            # The result is saved; progress is recomputed again on the next completion.
            log.exception("user_progress refresh failed for session %s", session_id)
        log.info("session %s completed in %.1fs", session_id, time.monotonic() - started)
        self.broker.publish(
            session_id,
            {
                "type": "progress",
                "data": {"progress": 100, "currentStep": "complete", "estimatedTimeRemaining": 0},
            },
        )
        self.broker.publish(
            session_id, complete_event(str(result_id), report.overallScore, report.unratedReason)
        )
        self.media.annotate_later(session_id)

    async def _analyze(self, session_id: str, path: str, session: dict, artifacts: Path) -> dict:
        """The pipeline's report; a worker crash is retried once."""
        for attempt in range(1, CRASH_ATTEMPTS + 1):
            try:
                return await self.pool.analyze(
                    session_id, path, session["exercise_name"], str(artifacts)
                )
            except WorkerCrashed as exc:
                if attempt == CRASH_ATTEMPTS:
                    exc.message = (
                        f"The analysis stopped unexpectedly {CRASH_ATTEMPTS} times "
                        "(its worker process died); try again later or with a shorter clip"
                    )
                    raise
                log.warning("session %s: %s; retrying once", session_id, exc)
                # The retry starts from the first frame; say so rather than freeze the bar.
                self.broker.publish(
                    session_id,
                    {
                        "type": "progress",
                        "data": {
                            "progress": 0,
                            "currentStep": "vision_processing",
                            "estimatedTimeRemaining": None,
                        },
                    },
                )
        raise AssertionError("unreachable")

    async def _hand_back(self, sid: uuid.UUID) -> None:
        await AnalysisSession.update(
            {AnalysisSession.status: "pending", AnalysisSession.started_at: None}
        ).where((AnalysisSession.id == sid) & (AnalysisSession.status == "processing"))

    async def _store_keyframes(self, report: Report, artifacts: Path, prefix: str) -> None:
        """Put the drawn keyframes beside the video; each keyframe then names its storage key."""
        for keyframe in report.keyframes:
            name, keyframe.file = keyframe.file, None
            if name and (artifacts / name).is_file():
                keyframe.key = f"{prefix}/keyframes/{name}"
                await self.storage.put_file(artifacts / name, keyframe.key)

    async def _fail(self, sid: uuid.UUID, session_id: str, exc: Exception) -> None:
        code = getattr(exc, "code", None)
        if code == "UNSUPPORTED_FORMAT":
            # The upload passed the content sniff, so the container is fine: the stream inside
            # could not be decoded (e.g. AV1, a truncated file). That is a processing failure.
            code = "PROCESSING_ERROR"
            message = f"The video could not be decoded: {getattr(exc, 'message', None) or exc}"
        elif code in PIPELINE_CODES:
            message = getattr(exc, "message", None) or str(exc)
        else:
            log.exception("session %s failed", session_id, exc_info=exc)
            code, message = "PROCESSING_ERROR", "Video processing failed"
        # A failed re-analysis leaves no earlier result standing beside its error.
        await AnalysisResult.delete().where(AnalysisResult.session_id == sid)
        await AnalysisSession.update(
            {
                AnalysisSession.status: "failed",
                AnalysisSession.completed_at: _now(),
                AnalysisSession.error_message: message,
                AnalysisSession.error_code: code,
            }
        ).where(AnalysisSession.id == sid)
        self.broker.publish(session_id, {"type": "error", "data": {"error": message, "code": code}})

    async def unfinished(self) -> list[tuple[str, str]]:
        """(session, owner) a previous run of the service left pending or processing."""
        rows = (
            await AnalysisSession.select(AnalysisSession.id, AnalysisSession.user_id)
            .where(AnalysisSession.status.is_in(["pending", "processing"]))
            .order_by(AnalysisSession.created_at)
        )
        return [(str(r["id"]), str(r["user_id"])) for r in rows]
