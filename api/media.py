"""What an analysis draws besides its report: the pose track, the thumbnail, the annotated video.

The worker writes the pose track (``pose.json``) and the thumbnail into the job's artifacts
folder; ``store`` puts them beside the video before the result is saved. The pose track is
stored as the endpoint's whole response body (the envelope), gzip-compressed once, so serving
it is a read. The annotated video (the spec's ``processed.mp4``) costs about as much as the
analysis itself, so it is drawn after the result is out, in one low-priority thread of this
process (it decodes and encodes video: cv2 and PyAV, never MediaPipe); its link appears in the
results when it is stored.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import gzip
import json
import logging
import os
import threading
import uuid
from pathlib import Path

from api.storage import Storage, pose_key, processed_video_key, remove_quietly, thumbnail_key
from api.tables import AnalysisResult, AnalysisSession, FormIssue

log = logging.getLogger("biome.media")

GZIP_LEVEL = 6
# The media thread yields the CPU to the analyses (nice value, Linux).
NICENESS = 10
# At start, completed sessions this recent without their annotated video get it drawn.
RESUME_WITHIN = dt.timedelta(days=1)


def pose_body(pose_json: bytes) -> bytes:
    """The pose endpoint's response body, gzip-compressed: the envelope around the track."""
    return gzip.compress(b'{"success":true,"data":' + pose_json + b"}", GZIP_LEVEL)


def track_of(body: bytes) -> dict:
    """The pose track (the envelope's data) of a stored pose body."""
    return json.loads(gzip.decompress(body))["data"]


def _lower_priority() -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


class MediaMaker:
    """Stores the worker's pose track and thumbnail; draws the annotated video afterwards."""

    def __init__(self, storage: Storage, tmp_dir: Path | str):
        self.storage = storage
        self.tmp_dir = Path(tmp_dir)
        # One thread: annotated videos are drawn one at a time, in completion order.
        self._thread = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="biome-media", initializer=_lower_priority
        )
        self._tasks: set[asyncio.Task] = set()
        self._stopping = threading.Event()

    async def store(self, sid: uuid.UUID, artifacts: Path, prefix: str) -> None:
        """Put the worker's pose track and thumbnail beside the video and record their URLs."""
        values = {}
        pose = artifacts / "pose.json"
        if await asyncio.to_thread(pose.is_file):
            body = await asyncio.to_thread(lambda: pose_body(pose.read_bytes()))
            values[AnalysisSession.pose_url] = await self._put_bytes(body, pose_key(prefix))
        thumbnail = artifacts / "thumbnail.jpg"
        if await asyncio.to_thread(thumbnail.is_file):
            await self.storage.put_file(thumbnail, thumbnail_key(prefix))
            values[AnalysisSession.thumbnail_url] = self.storage.url_for(thumbnail_key(prefix))
        if values:
            await AnalysisSession.update(values).where(AnalysisSession.id == sid)

    async def _put_bytes(self, data: bytes, key: str) -> str:
        local = self.tmp_dir / f"media-{uuid.uuid4().hex}"
        try:
            await asyncio.to_thread(local.write_bytes, data)
            await self.storage.put_file(local, key)
        finally:
            await asyncio.to_thread(remove_quietly, local)
        return self.storage.url_for(key)

    def annotate_later(self, session_id: str) -> None:
        """Draw the session's annotated video in the background (after its result is saved)."""
        if self._stopping.is_set():
            return
        task = asyncio.get_running_loop().create_task(self._annotate(uuid.UUID(session_id)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def resume(self) -> int:
        """Queue the recent completed sessions whose annotated video was never stored."""
        since = dt.datetime.now(dt.UTC) - RESUME_WITHIN
        rows = await AnalysisSession.select(AnalysisSession.id).where(
            (AnalysisSession.status == "completed")
            & AnalysisSession.pose_url.is_not_null()
            & AnalysisSession.processed_video_url.is_null()
            & (AnalysisSession.completed_at >= since)
        )
        for row in rows:
            self.annotate_later(str(row["id"]))
        return len(rows)

    async def _annotate(self, sid: uuid.UUID) -> None:
        try:
            await self.draw(sid)
        except Exception:
            if not self._stopping.is_set():
                log.exception("annotated video of session %s not produced", sid)

    async def draw(self, sid: uuid.UUID) -> None:
        """Draw and store one session's annotated video, unless it has one or is gone."""
        session = await AnalysisSession.select().where(AnalysisSession.id == sid).first()
        if session is None or not session["pose_url"] or session["processed_video_url"]:
            return
        result = await AnalysisResult.select().where(AnalysisResult.session_id == sid).first()
        if result is None:
            return
        issues = (
            await FormIssue.select(
                FormIssue.issue_type, FormIssue.severity, FormIssue.frame_start, FormIssue.frame_end
            )
            .where(FormIssue.result_id == result["id"])
            .order_by(FormIssue.position)
        )
        reps = result["reps"]
        reps = json.loads(reps) if isinstance(reps, str) else reps or []
        issues = [
            {
                "type": i["issue_type"],
                "severity": i["severity"],
                "frameStart": i["frame_start"],
                "frameEnd": i["frame_end"],
            }
            for i in issues
        ]
        storage = self.storage
        pose = track_of(await storage.read_bytes(storage.key_of(session["pose_url"])))
        video = storage.key_of(session["video_url"])
        out = self.tmp_dir / f"processed-{sid}.mp4"
        try:
            async with storage.local_copy(video, self.tmp_dir) as path:
                await asyncio.get_running_loop().run_in_executor(
                    self._thread, self._render, path, pose, reps, issues, out
                )
            key = processed_video_key(video.rsplit("/", 1)[0])
            if not await self._still_there(sid) or not await storage.exists(video):
                return  # deleted (or being deleted) while it was drawn: store nothing
            await storage.put_file(out, key)
            await AnalysisSession.update(
                {AnalysisSession.processed_video_url: storage.url_for(key)}
            ).where(AnalysisSession.id == sid)
            # A delete removes the folder (the original first), then the row: either gone means
            # the folder was emptied before this file arrived, which must not outlive it.
            if not await self._still_there(sid) or not await storage.exists(video):
                await storage.delete_prefix(key)
                return
        finally:
            await asyncio.to_thread(remove_quietly, out)
        log.info("annotated video of session %s stored", sid)

    def _render(self, path: Path, pose: dict, reps: list, issues: list, out: Path) -> None:
        from tools.annotate import render_annotated_video

        render_annotated_video(path, pose, reps, issues, out, stop=self._stopping.is_set)

    async def drain(self) -> None:
        """Wait until every annotated video asked for so far is drawn (or failed)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    @staticmethod
    async def _still_there(sid: uuid.UUID) -> bool:
        return await AnalysisSession.exists().where(AnalysisSession.id == sid)

    async def stop(self) -> None:
        """Abandon the drawing in progress (its frame loop checks) and wait for the thread."""
        self._stopping.set()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.to_thread(self._thread.shutdown, wait=True, cancel_futures=True)
