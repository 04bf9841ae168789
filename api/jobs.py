"""The job queue the upload hands sessions to.

``JobQueue`` is the seam for a distributed backend (a later issue); ``LocalJobQueue`` runs the
jobs in this process with a fixed concurrency, the heavy work itself going to ``WorkerPool``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger("biome.jobs")


class JobQueue(Protocol):
    async def start(self) -> None: ...

    async def submit(self, session_id: str) -> None: ...

    async def stop(self) -> None: ...


class LocalJobQueue:
    """An asyncio queue drained by ``concurrency`` consumer tasks."""

    def __init__(self, handler: Callable[[str], Awaitable[None]], concurrency: int):
        self._handler = handler
        self._concurrency = max(1, concurrency)
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._consume(), name=f"biome-job-consumer-{i}")
            for i in range(self._concurrency)
        ]

    async def submit(self, session_id: str) -> None:
        await self._queue.put(session_id)

    async def _consume(self) -> None:
        while True:
            session_id = await self._queue.get()
            try:
                await self._handler(session_id)
            except Exception:
                # The handler records failures on the session; this is the last guard so one
                # bad job never stops the consumer.
                log.exception("job for session %s crashed", session_id)
            finally:
                self._queue.task_done()

    def pending(self) -> int:
        """Jobs waiting for a consumer."""
        return self._queue.qsize()

    async def join(self) -> None:
        await self._queue.join()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
