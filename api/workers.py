"""A pool of worker processes that run the analysis pipeline, and the pump of their events.

MediaPipe is CPU-bound and its ``Pose`` is not thread-safe, so analyses run in processes
(spawned, not forked: the parent has an event loop and threads). Each worker sends its
``progress`` / ``agent_status`` events through one multiprocessing queue; a thread in the
server reads it and hands the events to the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

_END = "__end__"
_events = None  # the worker process's end of the event queue


def _init_worker(events) -> None:
    global _events
    _events = events
    # Pay the imports and first-run set-up (MediaPipe graph, ADK) here, not on the first job.
    from agents.pipeline import warm_up

    warm_up()


def _warm_up() -> bool:
    return True


class PipelineError(Exception):
    """A failure of the pipeline, carried back from the worker as plain values.

    The pipeline's own exceptions need not survive pickling (an unpicklable one would break
    the whole pool), so the worker reduces them to a code and a message.
    """

    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.code = code
        self.message = message


def _analyze(session_id: str, video_path: str, exercise_name: str, artifacts_dir: str) -> dict:
    """Runs in a worker: the whole pipeline, its events tagged with the session id."""
    from agents.pipeline import analyze_video

    def emit(event: dict) -> None:
        _events.put((session_id, event))

    try:
        return analyze_video(video_path, exercise_name, on_event=emit, artifacts_dir=artifacts_dir)
    except Exception as exc:
        code = getattr(exc, "code", None)
        if isinstance(code, str):
            raise PipelineError(code, getattr(exc, "message", None) or str(exc)) from None
        raise PipelineError("INTERNAL", f"{type(exc).__name__}: {exc}") from None
    finally:
        _events.put((session_id, _END))


class WorkerPool:
    def __init__(self, processes: int, on_event: Callable[[str, dict], None]):
        self._processes = max(1, processes)
        self._on_event = on_event
        self._ctx = multiprocessing.get_context("spawn")
        self._events = self._ctx.Queue()
        self._executor: ProcessPoolExecutor | None = None
        self._pump: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._drained: dict[str, asyncio.Event] = {}

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=self._ctx,
            initializer=_init_worker,
            initargs=(self._events,),
        )

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._executor = self._new_executor()
        self._pump = threading.Thread(
            target=self._read_events, name="biome-event-pump", daemon=True
        )
        self._pump.start()
        # Start the processes now so the first upload does not pay for their imports.
        for _ in range(self._processes):
            self._executor.submit(_warm_up)

    def _read_events(self) -> None:
        while True:
            item = self._events.get()
            if item is None:
                return
            session_id, event = item
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._deliver, session_id, event)

    def _deliver(self, session_id: str, event) -> None:
        if event == _END:
            if done := self._drained.get(session_id):
                done.set()
            return
        self._on_event(session_id, event)

    async def analyze(
        self, session_id: str, video_path: str, exercise_name: str, artifacts_dir: str
    ) -> dict:
        """Run the pipeline in a worker; every event it sent is delivered before this returns.

        The keyframe pictures are drawn into ``artifacts_dir``, a folder of this machine.
        """
        assert self._executor is not None and self._loop is not None
        drained = self._drained[session_id] = asyncio.Event()
        job = functools.partial(_analyze, session_id, video_path, exercise_name, artifacts_dir)
        try:
            try:
                future = self._executor.submit(job)
            except BrokenProcessPool:
                self._executor = self._new_executor()
                future = self._executor.submit(job)
            try:
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): replace the pool for later jobs.
                self._executor.shutdown(wait=False, cancel_futures=False)
                self._executor = self._new_executor()
                raise
            finally:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(drained.wait(), timeout=5)
        finally:
            self._drained.pop(session_id, None)

    async def stop(self) -> None:
        if self._executor is not None:
            await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)
            self._executor = None
        if self._pump is not None:
            self._events.put(None)
            await asyncio.to_thread(self._pump.join, 5)
            self._pump = None
