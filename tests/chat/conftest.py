"""Chat fixtures: the database migrated, stored analyses, and an app serving the chat routes.

The app here is a Starlette app with the real auth and chat handlers and error handlers, but
no worker pool: chat needs completed analyses, which `stored_analysis` writes through
api.results.save_report exactly as a finished job does.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import uuid

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route, WebSocketRoute

from tests.agents.conftest import FINDINGS


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "BIOME_COACH_MODEL", "BIOME_CHAT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BIOME_COACH_BACKOFF_S", "0.01")


@pytest.fixture(scope="session")
async def database():
    from api.db import migrate, seed_exercises

    await migrate()
    await seed_exercises()


def chat_app() -> Starlette:
    """A fresh app instance (a "restart" is a new one) with the real handlers."""
    from api.errors import EXCEPTION_HANDLERS
    from api.routes import auth, chat

    routes = [
        Mount(
            "/v1",
            routes=[
                Route("/auth/register", auth.register, methods=["POST"]),
                Route("/analysis/sessions/{session_id}/chat", chat.ask, methods=["POST"]),
                Route("/analysis/sessions/{session_id}/chat", chat.conversation, methods=["GET"]),
            ],
        ),
        WebSocketRoute("/ws/analysis/{session_id}/chat", chat.chat_socket),
    ]
    return Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS)


@pytest.fixture
async def app(database):
    return chat_app()


@pytest.fixture
async def client(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://biome.test") as client:
        yield client


async def register(client: httpx.AsyncClient) -> dict:
    name = f"u{uuid.uuid4().hex[:12]}"
    body = {"email": f"{name}@example.com", "username": name, "password": "correct horse battery"}
    response = await client.post("/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return {"id": data["user"]["id"], "token": data["token"]}


def auth(user: dict) -> dict:
    return {"Authorization": f"Bearer {user['token']}"}


def report_from(findings: dict) -> dict:
    from agents.offline_coach import build_offline_report
    from agents.pipeline import build_report

    return build_report(
        findings, build_offline_report(findings), coach="biome-offline-coach", processing_time=1.0
    )


async def stored_analysis(
    user: dict,
    findings: dict | None = None,
    *,
    status: str = "completed",
    created_at: dt.datetime | None = None,
) -> str:
    """Inserts an analysis session of `user` and (when completed) its results; returns its id."""
    from api.results import save_report
    from api.tables import AnalysisSession, Exercise

    findings = copy.deepcopy(findings or FINDINGS)
    exercise = await Exercise.select().where(Exercise.name == findings["exercise"]).first()
    sid = uuid.uuid4()
    await AnalysisSession.insert(
        AnalysisSession(
            id=sid,
            user_id=uuid.UUID(user["id"]),
            exercise_id=exercise["id"],
            exercise_name=exercise["name"],
            video_url="file:///dev/null",
            status="pending" if status == "completed" else status,
            created_at=created_at or dt.datetime.now(dt.UTC),
        )
    )
    if status == "completed":
        await save_report(sid, report_from(findings))
    return str(sid)


class AsgiWebSocket:
    """A WebSocket client that drives the ASGI app in the test's own event loop.

    (Starlette's TestClient runs the app on another loop, which a PostgreSQL pool made on
    this loop cannot serve.)
    """

    def __init__(self, app, path: str):
        path, _, query = path.partition("?")
        self.scope = {
            "type": "websocket",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": [],
            "scheme": "ws",
            "server": ("biome.test", 80),
            "client": ("127.0.0.1", 1234),
            "subprotocols": [],
            "app": app,
        }
        self.app = app
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.task: asyncio.Task | None = None

    async def __aenter__(self):
        await self.inbox.put({"type": "websocket.connect"})
        self.task = asyncio.create_task(self.app(self.scope, self.inbox.get, self.outbox.put))
        accepted = await asyncio.wait_for(self.outbox.get(), 10)
        assert accepted["type"] == "websocket.accept", accepted
        return self

    async def send_json(self, data) -> None:
        await self.inbox.put({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive(self) -> dict:
        return await asyncio.wait_for(self.outbox.get(), 30)

    async def receive_json(self):
        message = await self.receive()
        assert message["type"] == "websocket.send", message
        return json.loads(message["text"])

    async def __aexit__(self, *exc):
        await self.inbox.put({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, 10)
