import time

import jwt

from api.config import get_settings
from tests.api.conftest import auth, register


async def test_register_returns_user_and_token_with_spec_claims(client):
    reg = await register(client)
    assert reg["user"]["email"] == reg["body"]["email"]
    assert reg["user"]["firstName"] == "Ada"
    claims = jwt.decode(reg["token"], get_settings().jwt_secret, algorithms=["HS256"])
    assert claims["sub"] == reg["user"]["id"]
    assert claims["email"] == reg["body"]["email"]
    assert claims["username"] == reg["body"]["username"]
    assert claims["role"] == "user"
    assert claims["exp"] > claims["iat"] >= int(time.time()) - 5
    assert jwt.get_unverified_header(reg["token"])["alg"] == "HS256"


async def test_duplicate_email_is_rejected(client):
    reg = await register(client)
    response = await client.post(
        "/v1/auth/register", json={**reg["body"], "username": reg["body"]["username"] + "x"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False
    assert body["error"]["details"] == {"field": "email"}


async def test_register_validates_fields(client):
    response = await client.post(
        "/v1/auth/register", json={"email": "nope", "username": "abc", "password": "longenough"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    response = await client.post("/v1/auth/register", content=b"not json")
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_login_with_right_and_wrong_password(client):
    reg = await register(client)
    good = await client.post(
        "/v1/auth/login", json={"email": reg["body"]["email"], "password": reg["body"]["password"]}
    )
    assert good.status_code == 200
    assert good.json()["data"]["user"]["id"] == reg["user"]["id"]
    bad = await client.post(
        "/v1/auth/login", json={"email": reg["body"]["email"], "password": "wrong password"}
    )
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "AUTHENTICATION_ERROR"
    unknown = await client.post(
        "/v1/auth/login", json={"email": "nobody@example.com", "password": "whatever1"}
    )
    assert unknown.status_code == 401


async def test_protected_endpoint_needs_a_valid_token(client, user):
    missing = await client.get(f"/v1/analysis/sessions/{user['user']['id']}")
    assert missing.status_code == 401
    forged = jwt.encode({"sub": user["user"]["id"], "iat": 1, "exp": 2**31}, "x" * 32)
    tampered = await client.get(
        "/v1/analysis/sessions/x", headers={"Authorization": f"Bearer {forged}"}
    )
    assert tampered.status_code == 401
    expired = jwt.encode(
        {"sub": user["user"]["id"], "iat": 1, "exp": 2, "jti": "x"}, get_settings().jwt_secret
    )
    response = await client.get(
        "/v1/analysis/sessions/x", headers={"Authorization": f"Bearer {expired}"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Token has expired"
    ok = await client.get("/v1/analysis/sessions/not-a-uuid", headers=auth(user))
    assert ok.status_code == 404
    assert ok.json()["error"]["code"] == "SESSION_NOT_FOUND"
