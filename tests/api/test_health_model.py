"""/health says whether the coaching model actually answers (a stand-in Gemini on loopback)."""

from __future__ import annotations

import json
import socket

import pytest

from agents.gemini import backend, probe
from tests.gemini_standin import GeminiStandIn


@pytest.fixture
def standin(monkeypatch):
    with GeminiStandIn() as server:
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", server.url)
        monkeypatch.setenv("GOOGLE_API_KEY", "anything")
        monkeypatch.delenv("BIOME_COACH_MODEL", raising=False)
        yield server


async def test_reachable_model(client, standin):
    body = (await client.get("/health")).json()
    assert body["services"]["ai_services"] == "available"
    model = body["ai_model"]
    assert model["backend"] == "gemini-api" and model["model"] == "gemini-2.5-flash"
    assert model["reachable"] is True and model["detail"] is None
    (request,) = standin.requests
    assert request["method"] == "GET" and request["path"].startswith(
        "/v1beta/models/gemini-2.5-flash"
    )


async def test_probe_is_cached(client, standin):
    await client.get("/health")
    await client.get("/health")
    assert len(standin.requests) == 1  # One call a minute, not one per probe.


async def test_model_answering_503_is_unavailable_and_the_service_stays_healthy(client, standin):
    standin.model_status = 503
    response = await client.get("/health")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "healthy"
    assert body["services"]["ai_services"] == "unavailable"
    assert body["ai_model"]["reachable"] is False
    assert body["ai_model"]["detail"] == "unavailable (HTTP 503)"


async def test_unreachable_model(client, monkeypatch):
    with socket.socket() as sock:  # A port nobody listens on.
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("GOOGLE_API_KEY", "anything")
    body = (await client.get("/health")).json()
    assert body["services"]["ai_services"] == "unavailable"
    assert body["ai_model"]["reachable"] is False


async def test_without_a_model_nothing_is_called(client, monkeypatch):
    for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI"):
        monkeypatch.delenv(name, raising=False)
    body = (await client.get("/health")).json()
    assert body["services"]["ai_services"] == "offline"
    assert body["ai_model"]["backend"] is None and body["ai_model"]["reachable"] is None


async def test_vertex_ai_with_application_default_credentials(standin, monkeypatch, tmp_path):
    """Vertex AI: no key, a project and location, and ADC whose token endpoint is loopback."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    credentials = tmp_path / "service-account.json"  # A service account's key file (ADC).
    credentials.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "biome-test",
                "private_key_id": "standin",
                "private_key": pem,
                "client_email": "biome@biome-test.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": f"{standin.url}/token",
            }
        )
    )
    monkeypatch.delenv("GOOGLE_API_KEY")
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "biome-test")
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", "europe-west4")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(credentials))
    monkeypatch.setenv("GOOGLE_VERTEX_BASE_URL", standin.url)
    assert backend() == "vertex-ai"
    answer = await probe("gemini-2.5-flash")
    assert answer.reachable, answer.detail
    token, get = standin.requests
    assert token["path"] == "/token"
    assert get["path"].startswith("/v1beta1/publishers/google/models/gemini-2.5-flash")
    assert get["headers"]["authorization"] == "Bearer ya29.standin"
