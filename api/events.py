"""In-process fan-out of analysis events to WebSocket subscribers.

The broker remembers the latest ``progress`` and ``agent_status`` of each running session, so a
subscriber that connects late first gets the current state, then the live stream.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterator

TERMINAL = ("analysis_complete", "error")
_REMEMBERED = ("agent_status", "progress")


class EventBroker:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._latest: dict[str, dict[str, dict]] = defaultdict(dict)

    def publish(self, session_id: str, event: dict) -> None:
        """Send ``{"type", "data"}`` to every subscriber; ``data.sessionId`` is filled in."""
        event = {"type": event["type"], "data": {"sessionId": session_id, **event["data"]}}
        if event["type"] in _REMEMBERED:
            self._latest[session_id][event["type"]] = event
        elif event["type"] in TERMINAL:
            self._latest.pop(session_id, None)
        for queue in self._subscribers.get(session_id, ()):
            queue.put_nowait(event)

    def latest(self, session_id: str) -> list[dict]:
        """The remembered state of a running session, agent status first."""
        latest = self._latest.get(session_id, {})
        return [latest[t] for t in _REMEMBERED if t in latest]

    def forget(self, session_id: str) -> None:
        """Drop a deleted session's remembered state."""
        self._latest.pop(session_id, None)

    def progress(self, session_id: str) -> dict | None:
        event = self._latest.get(session_id, {}).get("progress")
        return event["data"] if event else None

    @contextlib.contextmanager
    def subscribe(self, session_id: str) -> Iterator[asyncio.Queue]:
        queue: asyncio.Queue = asyncio.Queue()
        self._subscribers[session_id].add(queue)
        try:
            yield queue
        finally:
            subscribers = self._subscribers.get(session_id)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._subscribers[session_id]
