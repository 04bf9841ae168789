"""The job queue the upload hands sessions to.

``JobQueue`` is the seam for a distributed backend (a later issue); ``LocalJobQueue`` runs the
jobs in this process with a fixed concurrency, the heavy work itself going to ``WorkerPool``.
Jobs are taken fairly across owners (users): the next job is the oldest of the owner with the
fewest running and, among those, the one served longest ago, so one user's six clips do not make
another user's single clip wait for all six.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger("biome.jobs")


class JobQueue(Protocol):
    async def start(self) -> None: ...

    async def submit(self, session_id: str, owner: str = "") -> None: ...

    async def stop(self, grace_s: float = 0.0) -> None: ...


class LocalJobQueue:
    """Per-owner FIFOs drained by ``concurrency`` consumer tasks, owners taken in turn."""

    def __init__(self, handler: Callable[[str], Awaitable[None]], concurrency: int):
        self._handler = handler
        self._concurrency = max(1, concurrency)
        self._waiting: OrderedDict[str, deque[str]] = OrderedDict()
        self._running: dict[str, int] = {}
        self._served: dict[str, int] = {}
        self._turn = itertools.count()
        self._ready = asyncio.Semaphore(0)
        self._idle = asyncio.Event()
        self._idle.set()
        self._consumers: list[asyncio.Task] = []
        self._jobs: set[asyncio.Task] = set()
        self._closing = False

    async def start(self) -> None:
        self._closing = False
        self._consumers = [
            asyncio.create_task(self._consume(), name=f"biome-job-consumer-{i}")
            for i in range(self._concurrency)
        ]

    async def submit(self, session_id: str, owner: str = "") -> None:
        self._waiting.setdefault(owner, deque()).append(session_id)
        self._idle.clear()
        self._ready.release()

    def _take(self) -> tuple[str, str]:
        owner = min(
            self._waiting,
            key=lambda o: (self._running.get(o, 0), self._served.get(o, -1)),
        )
        queue = self._waiting[owner]
        session_id = queue.popleft()
        if not queue:
            del self._waiting[owner]
        self._served[owner] = next(self._turn)
        self._running[owner] = self._running.get(owner, 0) + 1
        return owner, session_id

    def _done(self, owner: str) -> None:
        self._running[owner] -= 1
        if not self._running[owner]:
            del self._running[owner]
            if owner not in self._waiting:
                self._served.pop(owner, None)
        if not self._waiting and not self._running:
            self._idle.set()

    async def _consume(self) -> None:
        while True:
            await self._ready.acquire()
            if self._closing:
                return
            owner, session_id = self._take()
            # The job runs as its own task so that stop() can give it a grace period.
            job = asyncio.create_task(self._handler(session_id), name=f"biome-job-{session_id}")
            self._jobs.add(job)
            try:
                await asyncio.shield(job)
            except asyncio.CancelledError:
                if not job.done():
                    raise
            except Exception:
                # The handler records failures on the session; this is the last guard so one
                # bad job never stops the consumer.
                log.exception("job for session %s crashed", session_id)
            finally:
                if job.done():
                    self._jobs.discard(job)
                    self._done(owner)

    def pending(self) -> int:
        """Jobs waiting for a consumer."""
        return sum(len(q) for q in self._waiting.values())

    async def join(self) -> None:
        await self._idle.wait()

    async def stop(self, grace_s: float = 0.0) -> None:
        """Take no more jobs; give running ones ``grace_s`` to finish, then cancel them.

        A cancelled handler hands its session back (pending) for the next start; waiting
        jobs are simply left pending.
        """
        self._closing = True
        for task in self._consumers:
            task.cancel()
        await asyncio.gather(*self._consumers, return_exceptions=True)
        self._consumers = []
        jobs = list(self._jobs)
        if jobs and grace_s > 0:
            await asyncio.wait(jobs, timeout=grace_s)
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        self._jobs.clear()
