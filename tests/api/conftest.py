"""The app under test, in process, with its lifespan (migrations, seed, worker pool) running."""

from __future__ import annotations

import dataclasses
import uuid

import httpx
import pytest

# The suite makes thousands of requests a minute from one address; the limiter still counts
# every one (its own tests lower these on the app they use).
TEST_RATE_LIMIT = 1_000_000


@pytest.fixture(scope="session")
async def app():
    from api.app import create_app
    from api.config import get_settings

    settings = dataclasses.replace(
        get_settings(), rate_limit=TEST_RATE_LIMIT, auth_rate_limit=TEST_RATE_LIMIT
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://biome.test") as client:
        yield client


async def register(client: httpx.AsyncClient, **overrides) -> dict:
    name = f"u{uuid.uuid4().hex[:12]}"
    body = {
        "email": f"{name}@example.com",
        "username": name,
        "password": "correct horse battery",
        "firstName": "Ada",
        "lastName": "Lovelace",
        **overrides,
    }
    response = await client.post("/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return {"body": body, "user": data["user"], "token": data["token"]}


@pytest.fixture
async def user(client) -> dict:
    return await register(client)


def auth(user: dict) -> dict:
    return {"Authorization": f"Bearer {user['token']}"}
