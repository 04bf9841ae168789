"""The authorization matrix, over every route the app declares (api/openapi.py ``endpoints``).

* Every user-scoped endpoint, REST or WebSocket, called by another user with the owner's ids
  answers exactly what it answers for an id that does not exist: 404, nothing leaked.
* Every endpoint that needs a token refuses a missing, tampered, expired, revoked, ``alg=none``
  or foreign-secret token with 401 (WebSocket: an error event and close code 4401).
* Admin endpoints refuse a user's valid token with 403; signed file links refuse a tampered,
  expired or re-targeted signature.

A new route is covered as soon as it is in the route list; a path parameter the matrix does
not know how to fill fails ``test_every_path_parameter_is_understood`` until it is declared.
"""

from __future__ import annotations

import base64
import json
import time
import uuid

import httpx
import jwt
import pytest

from api.app import routes
from api.config import get_settings
from api.openapi import ADMIN, PUBLIC, SIGNED, USER, endpoints
from api.results import save_report
from api.storage import video_key
from api.tables import AnalysisSession, Exercise
from tests.api.conftest import auth, register
from tests.api.test_results import REPORT
from tests.security import count
from tests.security.asgi_ws import close_code, events, ws_messages

ENDPOINTS = list(endpoints(routes))
# Kinds of user-owned resources the matrix can create for a victim (see ``world``).
OWNED_KINDS = {"session"}
# Path parameters that do not name the caller's own resources, and who guards them.
OTHER_PARAMS = {("user_id", ADMIN), ("key", SIGNED)}
BODY = {"message": "hello", "firstName": "Eve", "isActive": False}


def _id(ep) -> str:
    return f"{ep.kind}:{ep.method}:{ep.path}"


def test_every_path_parameter_is_understood():
    assert ENDPOINTS, "no routes found"
    for ep in ENDPOINTS:
        assert ep.operation.access in (PUBLIC, USER, ADMIN, SIGNED), _id(ep)
        for name in _path_params(ep.path):
            kind = ep.operation.owns.get(name)
            assert kind in OWNED_KINDS or (name, ep.operation.access) in OTHER_PARAMS, (
                f"{_id(ep)}: path parameter {name!r} is neither declared in owns= with a kind "
                f"the matrix knows ({sorted(OWNED_KINDS)}) nor a known non-owned parameter"
            )


def _path_params(path: str) -> list[str]:
    import re

    return re.findall(r"{([^}]+)}", path)


@pytest.fixture(scope="module")
async def world(app):
    """A victim with a completed analysis (row, result, stored video) and an attacker."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://biome.test") as client:
        victim = await register(client)
        attacker = await register(client)
    squat = await Exercise.select().where(Exercise.name == "Squat").first()
    session_id = uuid.uuid4()
    key = video_key(victim["user"]["id"], session_id, "mp4")
    storage = app.state.storage
    local = app.state.settings.tmp_dir / f"{session_id}.mp4"
    local.write_bytes(b"\0\0\0\x18ftypmp42 victim's video")
    await storage.put_file(local, key)
    local.unlink()
    await AnalysisSession.insert(
        AnalysisSession(
            id=session_id,
            user_id=uuid.UUID(victim["user"]["id"]),
            exercise_id=squat["id"],
            exercise_name="Squat",
            video_url=storage.url_for(key),
            status="processing",
        )
    )
    await save_report(session_id, REPORT)
    return {
        "victim": victim,
        "attacker": attacker,
        "ids": {"session": str(session_id)},
        "key": key,
        "secrets": [str(session_id), victim["user"]["id"], victim["body"]["email"], "victim's"],
    }


def _fill(ep, ids: dict, user_id: str, key: str) -> str:
    path = ep.path
    for name in _path_params(path):
        if name in ep.operation.owns:
            value = ids[ep.operation.owns[name]]
        elif name == "user_id":
            value = user_id
        else:
            value = key
        path = path.replace("{" + name + "}", value)
    return path


async def _call(client, ep, path, headers):
    kwargs = {"headers": headers}
    if ep.method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = BODY
    return await client.request(ep.method, path, **kwargs)


OWNED = [ep for ep in ENDPOINTS if ep.operation.owns]


@pytest.mark.parametrize("ep", OWNED, ids=_id)
async def test_another_users_ids_are_not_found_and_leak_nothing(app, client, world, ep):
    attacker = world["attacker"]
    unknown = {kind: str(uuid.uuid4()) for kind in world["ids"]}
    foreign_path = _fill(ep, world["ids"], "", "")
    unknown_path = _fill(ep, unknown, "", "")
    if ep.kind == "websocket":
        foreign = await ws_messages(app, foreign_path, attacker["token"])
        missing = await ws_messages(app, unknown_path, attacker["token"])
        assert close_code(foreign) == close_code(missing) == 4404
        got = events(foreign)
        assert [e["data"]["code"] for e in got] == ["SESSION_NOT_FOUND"]
        # The event echoes the id the caller sent (theirs to know); otherwise identical.
        text = json.dumps(got)
        for value in world["ids"].values():
            text = text.replace(value, "ID")
        assert text == json.dumps(events(missing)).replace(unknown["session"], "ID")
    else:
        foreign = await _call(client, ep, foreign_path, auth(attacker))
        missing = await _call(client, ep, unknown_path, auth(attacker))
        assert foreign.status_code == 404, foreign.text
        assert missing.status_code == 404, missing.text
        body, other = foreign.json(), missing.json()
        body["error"].pop("requestId"), other["error"].pop("requestId")
        # Exactly what a non-existent id gets: not even the kind of refusal differs.
        assert body == other
        text = foreign.text
    for secret in world["secrets"]:
        assert secret not in text
    count("authorization: endpoints answering 404 to another user's ids, nothing leaked")
    # And the owner's data is untouched (a DELETE by the attacker did nothing).
    owner = await client.get(
        f"/v1/analysis/sessions/{world['ids']['session']}/results", headers=auth(world["victim"])
    )
    assert owner.status_code == 200


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def _bad_tokens(client, user) -> dict[str, str]:
    secret = get_settings().jwt_secret
    now = int(time.time())
    claims = {
        "sub": user["user"]["id"],
        "email": user["body"]["email"],
        "username": user["body"]["username"],
        "role": "admin",
        "iat": now,
        "exp": now + 3600,
        "jti": uuid.uuid4().hex,
    }
    header, payload, signature = user["token"].split(".")
    tampered_payload = _b64(
        {**jwt.decode(user["token"], options={"verify_signature": False}), "role": "admin"}
    )
    revoked = (await register(client))["token"]
    out = await client.post("/v1/auth/logout", headers={"Authorization": f"Bearer {revoked}"})
    assert out.status_code == 204
    return {
        "missing": "",
        "tampered": f"{header}.{tampered_payload}.{signature}",
        "expired": jwt.encode({**claims, "iat": now - 7200, "exp": now - 3600}, secret),
        "revoked": revoked,
        "alg-none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "foreign-secret": jwt.encode(claims, "not-our-secret-" * 4),
        "garbage": "not.a.token",
    }


GUARDED = [ep for ep in ENDPOINTS if ep.operation.access in (USER, ADMIN)]


@pytest.mark.parametrize("ep", GUARDED, ids=_id)
async def test_bad_tokens_are_refused_with_401(app, client, world, ep):
    tokens = await _bad_tokens(client, world["attacker"])
    path = _fill(ep, world["ids"], world["victim"]["user"]["id"], world["key"])
    for name, token in tokens.items():
        if ep.kind == "websocket":
            messages = await ws_messages(app, path, token or None)
            assert close_code(messages) == 4401, name
            assert events(messages)[-1]["data"]["code"] == "AUTHENTICATION_ERROR", name
            continue
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await _call(client, ep, path, headers)
        assert response.status_code == 401, (name, response.text)
        assert response.json()["error"]["code"] == "AUTHENTICATION_ERROR", name
    count("authorization: endpoints refusing all 7 kinds of bad token (401)")


@pytest.mark.parametrize("ep", [ep for ep in ENDPOINTS if ep.operation.access == ADMIN], ids=_id)
async def test_admin_endpoints_refuse_users_with_403(client, world, ep):
    path = _fill(ep, world["ids"], world["victim"]["user"]["id"], world["key"])
    response = await _call(client, ep, path, auth(world["attacker"]))
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "AUTHORIZATION_ERROR"


async def test_signed_links_cannot_be_forged_or_retargeted(app, client, world):
    victim = world["victim"]
    results = await client.get(
        f"/v1/analysis/sessions/{world['ids']['session']}/results", headers=auth(victim)
    )
    link = results.json()["data"]["session"]["videoUrl"]
    assert link.startswith("http://biome.test/v1/files/users/")
    good = await client.get(link)
    assert good.status_code == 200
    assert good.content.endswith(b"victim's video")
    base, _, query = link.partition("?")
    params = dict(p.split("=") for p in query.split("&"))
    forged = {
        "no signature": f"{base}?expires={params['expires']}",
        "tampered": f"{base}?expires={params['expires']}&signature={'0' * 64}",
        "longer expiry": f"{base}?expires={int(params['expires']) + 999}&signature="
        + params["signature"],
        "expired": f"{base}?expires={int(time.time()) - 1}&signature={params['signature']}",
        # The attacker's own valid link does not open the victim's neighbouring file.
        "retargeted": base.replace("original.mp4", "other.mp4") + "?" + query,
    }
    for name, url in forged.items():
        response = await client.get(url)
        assert response.status_code == 403, (name, response.text)
        assert b"victim's" not in response.content
