"""Worker processes that run the analysis pipeline, one job at a time each, supervised.

MediaPipe is CPU-bound and its ``Pose`` is not thread-safe, so analyses run in processes
(spawned, not forked: the parent has an event loop and threads). Each worker slot owns one
process and one pipe: the job goes down the pipe, its ``progress`` / ``agent_status`` events and
then its result come back up, in order. A slot's process that dies fails only the job it was
running (``WorkerCrashed``) and is replaced; a shared process pool would break every job.

A worker dies with its server: the kernel sends it SIGKILL when the server goes
(``PR_SET_PDEATHSIG``), and a watchdog thread checks the parent pid as a fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection, wait

log = logging.getLogger("biome.workers")

_PR_SET_PDEATHSIG = 1
_WATCHDOG_PERIOD_S = 1.0
_UNSTARTED_TRIES = 3


class PipelineError(Exception):
    """A failure of the pipeline, carried back from the worker as plain values."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.code = code
        self.message = message


class WorkerCrashed(Exception):
    """The worker process running a job died before answering (killed, out of memory)."""

    code = "WORKER_CRASHED"

    def __init__(self, pid: int | None, exitcode: int | None, started: bool = True):
        how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else exitcode
        super().__init__(f"worker process {pid} stopped ({how}) during the analysis")
        self.message = str(self)
        # False when it died before taking the job: nothing of the job's doing.
        self.started = started


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` does, however that one ends."""
    with contextlib.suppress(Exception):  # prctl is Linux-only; the watchdog still works
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(_WATCHDOG_PERIOD_S)
        os._exit(1)

    threading.Thread(target=watch, name="biome-parent-watchdog", daemon=True).start()


def _worker_main(conn: Connection, parent_pid: int) -> None:
    """A worker process: take jobs from the pipe until it closes."""
    die_with_parent(parent_pid)
    # SIGINT goes to the whole foreground group on Ctrl-C; the server decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from agents.pipeline import analyze_video, warm_up

    # Pay the imports and first-run set-up (MediaPipe graph, ADK) now, not on the first job.
    warm_up()
    send_lock = threading.Lock()  # frame progress is reported from another thread

    def send(message: tuple) -> None:
        with send_lock:
            conn.send(message)

    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        video_path, exercise_name, artifacts_dir = job
        send(("started",))
        try:
            report = analyze_video(
                video_path,
                exercise_name,
                on_event=lambda event: send(("event", event)),
                artifacts_dir=artifacts_dir,
            )
            send(("done", report))
        except Exception as exc:
            # The pipeline's own exceptions need not survive pickling: send plain values.
            code = getattr(exc, "code", None)
            if isinstance(code, str):
                send(("error", code, getattr(exc, "message", None) or str(exc)))
            else:
                send(("error", "INTERNAL", f"{type(exc).__name__}: {exc}"))


class _Slot:
    """One worker process and the server's end of its pipe."""

    def __init__(self, ctx, index: int):
        self.index = index
        self._ctx = ctx
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: Connection | None = None

    def start(self) -> None:
        # Called on the event loop's thread: PR_SET_PDEATHSIG follows the thread that forked,
        # so a short-lived helper thread here would take the worker down with it.
        ours, theirs = self._ctx.Pipe(duplex=True)
        self.process = self._ctx.Process(
            target=_worker_main,
            args=(theirs, os.getpid()),
            name=f"biome-worker-{self.index}",
            daemon=True,
        )
        self.process.start()
        theirs.close()
        self.conn = ours
        log.info("worker %d started as process %d", self.index, self.process.pid)

    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def kill(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
        if self.process is not None:
            self.process.join(5)
        if self.conn is not None:
            self.conn.close()
        self.process = self.conn = None

    def run(self, job: tuple, deliver: Callable[[dict], None]) -> dict:
        """Blocking (a thread): send the job, relay its events, return its report."""
        assert self.conn is not None and self.process is not None
        conn, process = self.conn, self.process
        started = False
        try:
            conn.send(job)
        except OSError:
            raise WorkerCrashed(process.pid, process.exitcode, started) from None
        while True:
            ready = wait([conn, process.sentinel])
            if conn not in ready and not conn.poll():
                process.join(1)
                raise WorkerCrashed(process.pid, process.exitcode, started)
            try:
                message = conn.recv()
            except (EOFError, OSError):
                process.join(1)
                raise WorkerCrashed(process.pid, process.exitcode, started) from None
            kind = message[0]
            if kind == "started":
                started = True
            elif kind == "event":
                deliver(message[1])
            elif kind == "done":
                return message[1]
            elif kind == "error":
                raise PipelineError(message[1], message[2])


class WorkerPool:
    def __init__(self, processes: int, on_event: Callable[[str, dict], None]):
        self._ctx = multiprocessing.get_context("spawn")
        self._slots = [_Slot(self._ctx, i) for i in range(max(1, processes))]
        # One thread per slot relays its pipe for a whole job: not the loop's shared executor,
        # which short tasks (probing, storage) must never wait on.
        self._relays = ThreadPoolExecutor(len(self._slots), thread_name_prefix="biome-relay")
        self._on_event = on_event
        self._idle: asyncio.Queue[_Slot] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for slot in self._slots:
            slot.start()
            self._idle.put_nowait(slot)

    def pids(self) -> list[int]:
        """The worker processes' ids (for operators and the fault tests)."""
        return [s.process.pid for s in self._slots if s.process is not None and s.process.pid]

    async def analyze(
        self, session_id: str, video_path: str, exercise_name: str, artifacts_dir: str
    ) -> dict:
        """Run the pipeline in a worker; every event it sent is delivered before this returns.

        The keyframe pictures are drawn into ``artifacts_dir``, a folder of this machine.
        Raises ``PipelineError`` for a failure of the analysis and ``WorkerCrashed`` when the
        worker died under it (the slot then has a new process for the next job).
        """
        job = (video_path, exercise_name, artifacts_dir)
        # A worker that dies before it takes the job (it was dying anyway) costs nothing.
        for _ in range(_UNSTARTED_TRIES - 1):
            try:
                return await self._run_once(session_id, job)
            except WorkerCrashed as exc:
                if exc.started:
                    raise
        return await self._run_once(session_id, job)

    async def _run_once(self, session_id: str, job: tuple) -> dict:
        assert self._loop is not None
        loop = self._loop
        slot = await self._idle.get()
        try:
            if not slot.alive():
                slot.kill()
                slot.start()

            def deliver(event: dict) -> None:
                loop.call_soon_threadsafe(self._on_event, session_id, event)

            assert slot.process is not None
            log.info("session %s runs on worker process %d", session_id, slot.process.pid)
            try:
                # Not cancellable as such: on shutdown, stop() kills the process and the
                # thread then returns with WorkerCrashed.
                return await loop.run_in_executor(self._relays, slot.run, job, deliver)
            except WorkerCrashed:
                if not self._stopping:
                    log.warning("worker %d died during session %s", slot.index, session_id)
                    slot.kill()
                    slot.start()
                raise
        except asyncio.CancelledError:
            # The job is abandoned (shutdown): its process may still be busy with it. The next
            # job, if any, finds the slot empty and starts a process.
            slot.kill()
            raise
        finally:
            self._idle.put_nowait(slot)

    async def stop(self) -> None:
        """Kill the workers now: unfinished jobs are handed back by their runners."""
        self._stopping = True
        for slot in self._slots:
            if slot.process is not None and slot.process.is_alive():
                slot.process.kill()
        for slot in self._slots:
            await asyncio.to_thread(slot.kill)
        self._relays.shutdown(wait=False)
