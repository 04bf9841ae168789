"""Rate limiting: headers, 429 with Retry-After, per user vs per IP, the stricter auth bucket,
and one shared count across two server processes."""

from __future__ import annotations

import dataclasses
import os
import time

import httpx

from api.ratelimit import WINDOW_S
from tests.api.conftest import auth, register
from tests.security import count
from tests.security.servers import running_server


def wait_for_fresh_window(margin_s: float = 15) -> None:
    """Start where the current one-minute window has at least ``margin_s`` left."""
    left = WINDOW_S - time.time() % WINDOW_S
    if left < margin_s:
        time.sleep(left + 0.1)


class limits:
    """Lower the app's limits for one test (the suite runs with them out of the way)."""

    def __init__(self, app, **values):
        self.app, self.values = app, values

    def __enter__(self):
        self.saved = self.app.state.settings
        self.app.state.settings = dataclasses.replace(self.saved, **self.values)

    def __exit__(self, *exc):
        self.app.state.settings = self.saved


async def test_headers_then_429_with_retry_after_per_user(app, client):
    user = await register(client)
    other = await register(client)
    wait_for_fresh_window()
    with limits(app, rate_limit=5):
        seen = []
        for _ in range(5):
            response = await client.get("/v1/progress/summary", headers=auth(user))
            assert response.status_code == 200
            seen.append(int(response.headers["X-RateLimit-Remaining"]))
            assert response.headers["X-RateLimit-Limit"] == "5"
            assert int(response.headers["X-RateLimit-Reset"]) > time.time()
        assert seen == [4, 3, 2, 1, 0]
        refused = await client.get("/v1/progress/summary", headers=auth(user))
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
        assert 1 <= int(refused.headers["Retry-After"]) <= WINDOW_S
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert refused.headers["X-Request-ID"] == refused.json()["error"]["requestId"]
        # Counted per user: another user (same IP) is unaffected; probes are never limited.
        assert (await client.get("/v1/progress/summary", headers=auth(other))).status_code == 200
        assert (await client.get("/health")).status_code == 200
    count("rate limiting: 429 + Retry-After after the limit, per user")


async def test_login_and_register_have_a_stricter_per_ip_bucket(app, client):
    user = await register(client)
    wait_for_fresh_window()
    # An address of its own, so the suite's other registrations do not count here.
    transport = httpx.ASGITransport(app=app, client=(f"10.0.{os.getpid() % 250}.9", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://biome.test") as guesser:
        with limits(app, rate_limit=1000, auth_rate_limit=3):
            body = {"email": user["body"]["email"], "password": "wrong password"}
            statuses = [
                (await guesser.post("/v1/auth/login", json=body)).status_code for _ in range(4)
            ]
            assert statuses == [401, 401, 401, 429]
            # The right password does not get through either until the window ends.
            body["password"] = user["body"]["password"]
            assert (await guesser.post("/v1/auth/login", json=body)).status_code == 429
            # Other endpoints are still served to that address.
            assert (await guesser.get("/v1/exercises")).status_code == 200


def test_one_count_across_two_server_processes(tmp_path):
    """Two real servers on one database share the count: 12 allowed in all, not 12 each."""
    # Login/register limits out of the way: on PostgreSQL the whole suite shares one database,
    # so 127.0.0.1's auth bucket holds every test's registrations.
    env = {"BIOME_RATE_LIMIT": "12", "BIOME_AUTH_RATE_LIMIT": "1000000"}
    data = tmp_path / "data"
    with (
        running_server(data, tmp_path / "a.log", **env) as a,
        running_server(data, tmp_path / "b.log", **env) as b,
    ):
        # Registration is anonymous, so it counts against the caller's address, whose window
        # the suite's other servers (same database) may have filled: come from an address of
        # its own (all of 127.0.0.0/8 is loopback).
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as own:
            body = {"email": "rl@example.com", "username": "rl_user", "password": "long password"}
            registered = own.post(f"{a}/v1/auth/register", json=body)
        assert registered.status_code == 201, registered.text
        token = registered.json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        wait_for_fresh_window()
        statuses = []
        for i in range(16):
            base = (a, b)[i % 2]
            statuses.append(httpx.get(f"{base}/v1/progress/summary", headers=headers).status_code)
        assert statuses[:12] == [200] * 12, statuses
        assert statuses[12:] == [429] * 4, statuses
        # Both processes refuse now, each for the other's share too.
        assert httpx.get(f"{a}/v1/user/profile", headers=headers).status_code == 429
        assert httpx.get(f"{b}/v1/user/profile", headers=headers).status_code == 429
    count("rate limiting: processes sharing one count (12/min in all, 16 requests)", 2)
