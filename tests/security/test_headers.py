"""Request ids, structured logs, security headers, CORS, the 500 and 503 paths, the contract."""

from __future__ import annotations

import dataclasses
import json
import logging
import subprocess
import sys

import httpx
from piccolo.engine.sqlite import SQLiteEngine

from api.app import create_app, routes
from api.logs import JsonFormatter
from api.openapi import generate
from api.tables import Exercise
from tests.api.conftest import auth, register
from tests.conftest import REPO


async def test_every_response_has_a_request_id_and_security_headers(client):
    user = await register(client)
    for response in (
        await client.get("/v1/exercises"),
        await client.get("/v1/analysis/sessions/nope", headers=auth(user)),
        await client.get("/v1/no/such/route"),
        await client.post("/v1/exercises"),
    ):
        rid = response.headers["X-Request-ID"]
        assert len(rid) >= 16
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        if response.status_code >= 400:
            assert response.json()["error"]["requestId"] == rid
    # Exercise data is cacheable for five minutes; personal data is never stored by caches.
    assert (await client.get("/v1/exercises")).headers["Cache-Control"] == "public, max-age=300"
    private = await client.get("/v1/user/profile", headers=auth(user))
    assert private.headers["Cache-Control"] == "no-store"
    # A caller's own id is kept, so traces line up across services.
    traced = await client.get("/v1/exercises", headers={"X-Request-ID": "trace-abc-12345"})
    assert traced.headers["X-Request-ID"] == "trace-abc-12345"
    forged = await client.get("/v1/exercises", headers={"X-Request-ID": "bad id\r\nx"})
    assert forged.headers["X-Request-ID"] != "bad id\r\nx"


async def test_log_lines_are_json_with_the_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="biome.http"):
        response = await client.get("/v1/exercises/categories")
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    [line] = [x for x in lines if x["path"] == "/v1/exercises/categories"]
    assert line["requestId"] == response.headers["X-Request-ID"]
    assert line["status"] == 200 and line["method"] == "GET" and line["durationMs"] >= 0


async def test_cors_only_for_configured_origins(app):
    settings = dataclasses.replace(app.state.settings, cors_origins=("https://app.biome.test",))
    cors_app = create_app(settings)  # the database is already up; no lifespan needed here
    transport = httpx.ASGITransport(app=cors_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://biome.test") as client:
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        }
        good = await client.options(
            "/v1/analysis/upload", headers={"Origin": "https://app.biome.test", **preflight}
        )
        assert good.status_code == 200
        assert good.headers["access-control-allow-origin"] == "https://app.biome.test"
        evil = await client.options(
            "/v1/analysis/upload", headers={"Origin": "https://evil.test", **preflight}
        )
        assert evil.status_code == 400
        assert "access-control-allow-origin" not in evil.headers
        simple = await client.get("/v1/exercises", headers={"Origin": "https://app.biome.test"})
        assert "X-Request-ID" in simple.headers["access-control-expose-headers"]
    # Unconfigured (the default): no origin is allowed.
    response = await app_client_get(app, "/v1/exercises", {"Origin": "https://app.biome.test"})
    assert "access-control-allow-origin" not in response.headers


async def app_client_get(app, path, headers):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://biome.test") as client:
        return await client.get(path, headers=headers)


async def test_database_down_health_503_and_errors_are_500_envelopes(client, tmp_path):
    engine = Exercise._meta.db
    Exercise._meta.db = SQLiteEngine(path=str(tmp_path / "no" / "such" / "dir" / "db.sqlite"))
    try:
        health = await client.get("/health")
        assert health.status_code == 503
        assert health.json()["services"]["database"] == "disconnected"
        broken = await client.get("/v1/exercises")
        assert broken.status_code == 500
        body = broken.json()
        assert body["error"]["code"] == "INTERNAL_ERROR"
        assert body["error"]["requestId"] == broken.headers["X-Request-ID"]
        assert "sqlite" not in broken.text.lower()  # no internals leak
    finally:
        Exercise._meta.db = engine
    assert (await client.get("/health")).status_code == 200


async def test_openapi_served_documented_and_committed(client):
    served = (await client.get("/openapi.json")).json()
    assert served["openapi"] == "3.1.0"
    assert served == generate(routes)
    ops = {(p, m) for p, item in served["paths"].items() for m in item}
    for expected in (
        ("/v1/analysis/sessions", "get"),
        ("/v1/analysis/sessions/{session_id}", "delete"),
        ("/v1/progress/summary", "get"),
        ("/v1/user/profile", "put"),
        ("/v1/user/export", "get"),
        ("/v1/user", "delete"),
        ("/v1/auth/logout", "post"),
        ("/v1/admin/stats", "get"),
    ):
        assert expected in ops
    docs = await client.get("/docs")
    assert "swagger-ui-bundle.js" in docs.text
    policy = dict(
        d.strip().split(" ", 1) for d in docs.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"  # no inline script runs on the docs page
    asset = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    check = subprocess.run(
        [sys.executable, "-m", "api.openapi", "--check"], cwd=REPO, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


async def test_nul_characters_are_refused_not_500(client):
    """PostgreSQL text cannot hold NUL (found by schemathesis): a 400, on both engines."""
    user = await register(client)
    login = await client.post("/v1/auth/login", json={"email": "\u0000", "password": "x"})
    assert login.status_code == 400
    search = await client.get("/v1/exercises?search=%00")
    assert search.status_code == 400
    form = await client.put(
        "/v1/user/profile", headers=auth(user), files={"x": ("a", b"")}, data={"firstName": "\0"}
    )
    assert form.status_code == 400
    assert (await client.get("/v1/user/profile", headers=auth(user))).status_code == 200
