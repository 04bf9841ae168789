"""Drive a WebSocket route in process through the ASGI interface (httpx has no WebSocket)."""

from __future__ import annotations

import asyncio
import json


async def ws_messages(app, path: str, token: str | None = None, timeout: float = 10) -> list:
    """Connect, then collect what the server sends until it closes; returns the messages."""
    query = f"token={token}".encode() if token else b""
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "http_version": "1.1",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"biome.test")],
        "client": ("127.0.0.1", 50000),
        "server": ("biome.test", 80),
        "subprotocols": [],
        "state": {},
    }
    sent: list = []
    closed = asyncio.Event()
    connected = False

    async def receive():
        nonlocal connected
        if not connected:
            connected = True
            return {"type": "websocket.connect"}
        await closed.wait()
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(message):
        sent.append(message)
        if message["type"] == "websocket.close":
            closed.set()

    await asyncio.wait_for(app(scope, receive, send), timeout)
    return sent


def events(messages: list) -> list[dict]:
    return [json.loads(m["text"]) for m in messages if m["type"] == "websocket.send"]


def close_code(messages: list) -> int | None:
    closes = [m for m in messages if m["type"] == "websocket.close"]
    return closes[-1].get("code", 1000) if closes else None


class Socket:
    """A WebSocket client driving the ASGI app in the test's own event loop, message by message.

    ``refusable`` offers the server the ASGI extension for answering a handshake with an HTTP
    response (uvicorn has it), so a refusal can be a real 429.
    """

    def __init__(self, app, path: str, token: str, refusable: bool = True):
        self.scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "http_version": "1.1",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": f"token={token}".encode(),
            "headers": [(b"host", b"biome.test")],
            "client": ("127.0.0.1", 50001),
            "server": ("biome.test", 80),
            "subprotocols": [],
            "state": {},
            "extensions": {"websocket.http.response": {}} if refusable else {},
        }
        self.app = app
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.task: asyncio.Task | None = None

    async def open(self) -> dict:
        """Connect; returns the server's first message (``websocket.accept`` when accepted)."""
        await self.inbox.put({"type": "websocket.connect"})
        self.task = asyncio.create_task(self.app(self.scope, self.inbox.get, self.outbox.put))
        return await self.receive()

    async def send_text(self, text: str) -> None:
        await self.inbox.put({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        await self.inbox.put({"type": "websocket.receive", "bytes": data})

    async def receive(self, timeout: float = 30) -> dict:
        return await asyncio.wait_for(self.outbox.get(), timeout)

    async def event(self) -> dict:
        message = await self.receive()
        assert message["type"] == "websocket.send", message
        return json.loads(message["text"])

    async def reply(self) -> dict:
        """Events up to the coach's reply (or an error); returns that last one."""
        while (event := await self.event())["type"] not in ("chat_reply", "error"):
            pass
        return event

    def pending(self) -> int:
        return self.outbox.qsize()

    async def close(self) -> None:
        await self.inbox.put({"type": "websocket.disconnect", "code": 1000})
        if self.task is not None:
            await asyncio.wait_for(self.task, 10)
