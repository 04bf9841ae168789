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
