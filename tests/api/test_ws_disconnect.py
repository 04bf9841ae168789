"""A browser that leaves while analysis events are being sent ends the socket quietly."""

from __future__ import annotations

import asyncio
import logging
import uuid

from uvicorn.protocols.utils import ClientDisconnected

from api.tables import AnalysisSession, Exercise


async def test_a_client_gone_mid_stream_leaves_no_error(app, client, user, caplog):
    row = await Exercise.select().where(Exercise.name == "Squat").first()
    sid = uuid.uuid4()
    await AnalysisSession.insert(
        AnalysisSession(
            id=sid,
            user_id=uuid.UUID(user["user"]["id"]),
            exercise_id=row["id"],
            exercise_name="Squat",
            video_url="file:///nowhere/original.mp4",
            status="processing",
        )
    )
    path = f"/ws/analysis/{sid}"
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "http_version": "1.1",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": f"token={user['token']}".encode(),
        "headers": [(b"host", b"biome.test")],
        "client": ("127.0.0.1", 50002),
        "server": ("biome.test", 80),
        "subprotocols": [],
        "state": {},
    }
    accepted = asyncio.Event()
    connected = False
    gone = asyncio.Event()

    async def receive():
        nonlocal connected
        if not connected:
            connected = True
            return {"type": "websocket.connect"}
        await asyncio.Event().wait()  # the peer vanished without a close frame

    async def send(message):
        if message["type"] == "websocket.accept":
            accepted.set()
            return
        # What uvicorn raises when the browser has left: the socket's transport is closed.
        gone.set()
        raise ClientDisconnected()

    caplog.set_level(logging.WARNING)
    task = asyncio.create_task(app(scope, receive, send))
    await asyncio.wait_for(accepted.wait(), 10)
    for _ in range(50):  # until the handler has subscribed
        app.state.broker.publish(str(sid), {"type": "progress", "data": {"progress": 10}})
        if gone.is_set():
            break
        await asyncio.sleep(0.05)
    assert gone.is_set()
    await asyncio.wait_for(task, 10)  # no exception out of the app
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
