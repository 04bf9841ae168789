"""The chat WebSocket: hostile frames get an ``error`` event and the socket stays open; messages
and new sockets count in the same per-user rate limit as HTTP requests."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import auth, register
from tests.chat.conftest import stored_analysis
from tests.security import count, hostile
from tests.security.asgi_ws import Socket
from tests.security.test_rate_limit import limits, wait_for_fresh_window


async def chat_socket(app, client, user=None, **kw) -> tuple[Socket, dict]:
    user = user or await register(client)
    sid = await stored_analysis({"id": user["user"]["id"]})
    return Socket(app, f"/ws/analysis/{sid}/chat", user["token"], **kw), user


HOSTILE_FRAMES = [
    ("text", "[" * 100_000 + "]" * 100_000),
    ("text", '{"message": ' + "[" * 500 + "]" * 500 + "}"),
    ("text", "not json at all"),
    ("text", '{"message": "\\ud800"}'),
    ("text", '{"message": "' + "x" * 100_000 + '"}'),
    ("text", '{"message": 1e99999}'),
    ("text", '["message"]'),
    ("text", ""),
    ("bytes", b'{"message": "\xff\xfe"}'),
    ("bytes", b"\x00" * 10),
]


async def test_hostile_frames_get_an_error_and_the_socket_stays_open(app, client):
    socket, _ = await chat_socket(app, client)
    assert (await socket.open())["type"] == "websocket.accept"
    try:
        for kind, frame in HOSTILE_FRAMES:
            await (socket.send_text(frame) if kind == "text" else socket.send_bytes(frame))
            event = await socket.event()
            hostile(400 if event["data"]["code"] == "VALIDATION_ERROR" else 500)
            assert event["type"] == "error", event
            assert event["data"]["code"] == "VALIDATION_ERROR", (frame[:40], event)
        # Still open, still answering.
        await socket.send_text(json.dumps({"message": "Which was my worst rep?"}))
        assert (await socket.reply())["type"] == "chat_reply"
    finally:
        await socket.close()
    count("chat WebSocket: hostile frames answered with an error event", len(HOSTILE_FRAMES))


async def test_socket_messages_count_in_the_users_rate_limit(app, client):
    """5 per minute: the handshake and 4 messages pass; the 5th message, a new socket and an HTTP
    request of the same user are refused; the open socket stays open; another user is served."""
    socket, user = await chat_socket(app, client)
    other, _ = await chat_socket(app, client)
    wait_for_fresh_window(margin_s=25)
    with limits(app, rate_limit=5):
        assert (await socket.open())["type"] == "websocket.accept"  # 1
        replies = []
        for _ in range(4):  # 2..5
            await socket.send_text(json.dumps({"message": "How did I do?"}))
            replies.append((await socket.reply())["type"])
        assert replies == ["chat_reply"] * 4
        await socket.send_text(json.dumps({"message": "And now?"}))  # 6: over
        refused = await socket.event()
        assert refused["type"] == "error"
        assert refused["data"]["code"] == "RATE_LIMIT_EXCEEDED"
        assert 1 <= refused["data"]["retryAfter"] <= 60
        assert socket.pending() == 0  # no reply follows, and no close
        # The same count refuses the user's HTTP requests and new sockets.
        http = await client.get("/v1/progress/summary", headers=auth(user))
        assert http.status_code == 429
        again, _ = await chat_socket(app, client, user)
        denial = await again.open()
        assert denial["type"] == "websocket.http.response.start" and denial["status"] == 429
        headers = dict(denial["headers"])
        assert 1 <= int(headers[b"retry-after"]) <= 60
        body = json.loads((await again.receive())["body"])
        assert body["error"]["code"] == "RATE_LIMIT_EXCEEDED"
        await again.task
        # Without the extension the handshake is closed before it is accepted.
        plain, _ = await chat_socket(app, client, user, refusable=False)
        assert (await plain.open()) == {"type": "websocket.close", "code": 1008}
        await plain.task
        # The open socket was not closed, and another user is served.
        assert not socket.task.done()
        assert (await other.open())["type"] == "websocket.accept"
        await other.close()
    await socket.close()
    count("chat WebSocket: messages and sockets refused past the per-user limit", 3)


@pytest.mark.parametrize("path", ["/ws/analysis/{}", "/v1/ws/analysis/{}/chat"])
async def test_every_socket_route_counts_new_sockets(app, client, path):
    user = await register(client)
    sid = await stored_analysis({"id": user["user"]["id"]})
    wait_for_fresh_window()
    with limits(app, rate_limit=2):
        for _ in range(2):
            assert (await client.get("/v1/progress/summary", headers=auth(user))).status_code == 200
        socket = Socket(app, path.format(sid), user["token"])
        denial = await socket.open()
        assert denial["type"] == "websocket.http.response.start" and denial["status"] == 429
        await socket.receive()
        await socket.task
