"""Live sessions: one process each, a fixed number at once, newest frame first.

Each live set runs in its own spawned process (agents/live.py, imported only there: the
server never imports mediapipe) with its own stateful MediaPipe ``Pose``. These processes are
not the upload workers (api/workers.py): a live set never waits behind an upload analysis.
At most BIOME_LIVE_SLOTS (default 2) run at once; one more is refused at once (LiveFull), not
given a slow stream.

Latency before throughput: one frame is in the child at a time, and of the frames that arrive
meanwhile only the newest is kept (LatestFrame); the older ones are dropped and counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from agents.live import child_main
from api import progress
from api.media import pose_body
from api.results import save_report
from api.storage import Storage, pose_key, session_prefix
from api.tables import AnalysisSession

# A child that is not ready by then is given up (the imports and MediaPipe's graph take a few
# seconds on an idle machine, 20 s and more on a heavily loaded one).
READY_TIMEOUT_S = 120.0
# The report at the end runs the coaching agent; the Gemini stand-in or the offline coach.
REPORT_TIMEOUT_S = 180.0


def live_slots() -> int:
    """How many live sessions may run at once (BIOME_LIVE_SLOTS, default 2)."""
    return max(1, int(os.environ.get("BIOME_LIVE_SLOTS", "2")))


class LiveFull(Exception):
    """Every live slot is taken."""


class LiveFailed(Exception):
    """The live process failed (code and message safe to show)."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.code, self.message = code, message


@dataclass
class Frame:
    seq: int
    capture_ms: float
    jpeg: bytes


class LatestFrame:
    """Which frame goes to the child next: at most one in flight, only the newest waiting.

    offer() returns the frame to send now (the child is idle) or None (it waits, replacing,
    and dropping, any older waiting frame); done() marks the in-flight frame answered and
    returns the waiting one to send next, if any.
    """

    def __init__(self) -> None:
        self.in_flight: Frame | None = None
        self.waiting: Frame | None = None
        self.dropped = 0
        self.sent = 0

    def offer(self, frame: Frame) -> Frame | None:
        if self.in_flight is None:
            self.in_flight = frame
            self.sent += 1
            return frame
        if self.waiting is not None:
            self.dropped += 1
        self.waiting = frame
        return None

    def done(self) -> Frame | None:
        self.in_flight, self.waiting = self.waiting, None
        if self.in_flight is not None:
            self.sent += 1
        return self.in_flight

    def abandon(self) -> None:
        """The set stops: a waiting frame will never be processed."""
        if self.waiting is not None:
            self.dropped += 1
            self.waiting = None


class LiveSession:
    """The server's end of one live process."""

    def __init__(self, pool: LivePool, exercise_name: str):
        self._pool = pool
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=child_main,
            args=(child, os.getpid(), exercise_name),
            name="biome-live",
            daemon=True,
        )
        self.frames = LatestFrame()
        self.messages: asyncio.Queue = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._closed = False
        self.process.start()
        child.close()
        self._reader = threading.Thread(target=self._read, name="biome-live-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Moves the child's messages onto the event loop; None when the child is gone."""
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                message = None
            with contextlib.suppress(RuntimeError):  # the loop closed first
                self._loop.call_soon_threadsafe(self.messages.put_nowait, message)
            if message is None or message[0] in ("report", "error"):
                return

    async def ready(self) -> None:
        try:
            message = await asyncio.wait_for(self.messages.get(), READY_TIMEOUT_S)
        except TimeoutError:
            message = None
        if message is None or message[0] != "ready":
            raise LiveFailed("PROCESSING_ERROR", "the live analysis could not start")

    def offer(self, seq: int, capture_ms: float, jpeg: bytes) -> None:
        frame = self.frames.offer(Frame(seq, capture_ms, jpeg))
        if frame is not None:
            self._send(frame)

    def answered(self) -> None:
        """The in-flight frame came back: send the newest waiting one."""
        frame = self.frames.done()
        if frame is not None:
            self._send(frame)

    def _send(self, frame: Frame) -> None:
        with contextlib.suppress(OSError, ValueError):  # the child is gone: seen by the reader
            self._conn.send(("frame", frame.seq, frame.capture_ms, frame.jpeg))

    def stop(self) -> None:
        """Ask for the report (after the frame in flight); the waiting frame is dropped."""
        self.frames.abandon()
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(("stop", self.frames.dropped))

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(None)
        await asyncio.to_thread(self.process.join, 2.0)
        if self.process.is_alive():
            self.process.kill()
            await asyncio.to_thread(self.process.join, 2.0)
        with contextlib.suppress(OSError):
            self._conn.close()
        self._pool.release()


class LivePool:
    """Counts live sessions against the slots; refuses one more."""

    def __init__(self, slots: int | None = None):
        self.slots = slots or live_slots()
        self.active = 0

    def open(self, exercise_name: str) -> LiveSession:
        """A new live session's process, started (raises LiveFull when every slot is taken)."""
        if self.active >= self.slots:
            raise LiveFull(f"all {self.slots} live slots are in use")
        self.active += 1
        try:
            return LiveSession(self, exercise_name)
        except Exception:
            self.active -= 1
            raise

    def release(self) -> None:
        self.active = max(0, self.active - 1)


async def save_live_set(
    storage: Storage, user: dict, exercise: dict, report: dict, pose_json: bytes
) -> tuple[uuid.UUID, uuid.UUID]:
    """(session id, result id): the finished live set as a normal, completed analysis session.

    The session has no video (video_url "") until a recording is attached; its pose track is
    stored like an upload's, so the results page draws the skeleton.
    """
    session_id = uuid.uuid4()
    key = pose_key(session_prefix(user["id"], session_id))
    video = report.get("video") or {}
    await AnalysisSession.insert(
        AnalysisSession(
            id=session_id,
            user_id=user["id"],
            exercise_id=exercise["id"],
            exercise_name=exercise["name"],
            video_url="",
            video_duration=video.get("durationS"),
            status="processing",
        )
    )
    local = None
    try:
        fd, name = tempfile.mkstemp(prefix="biome-live-pose-")
        os.close(fd)
        local = Path(name)
        await asyncio.to_thread(local.write_bytes, pose_body(pose_json))
        await storage.put_file(local, key)
        await AnalysisSession.update({AnalysisSession.pose_url: storage.url_for(key)}).where(
            AnalysisSession.id == session_id
        )
    finally:
        if local is not None:
            with contextlib.suppress(OSError):
                local.unlink()
    result_id = await save_report(session_id, report)
    await progress.refresh(user["id"], exercise["id"], exercise["name"])
    return session_id, result_id
