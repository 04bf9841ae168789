"""Profile, logout, GDPR export and erasure, admin endpoints."""

from __future__ import annotations

import subprocess
import sys
import uuid

import cv2
import numpy as np

from api.tables import AnalysisSession, RevokedToken, User, UserProgress
from tests.api.conftest import auth, register
from tests.api.test_upload import upload, wait_for_status
from tests.conftest import REPO
from tests.videos import blank_video


def png(width=40, height=30) -> bytes:
    ok, buf = cv2.imencode(".png", np.full((height, width, 3), 200, np.uint8))
    return buf.tobytes()


def files_of(app, user) -> list:
    root = app.state.storage.local_path(f"users/{user['user']['id']}")
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def test_profile_get_and_put_json(client):
    user = await register(client)
    profile = (await client.get("/v1/user/profile", headers=auth(user))).json()["data"]
    assert profile["email"] == user["body"]["email"]
    assert profile["firstName"] == "Ada"
    assert profile["role"] == "user" and profile["isActive"] is True
    assert profile["profileImageUrl"] is None
    response = await client.put(
        "/v1/user/profile", headers=auth(user), json={"firstName": "Grace", "lastName": None}
    )
    assert response.status_code == 200, response.text
    updated = response.json()["data"]["user"]
    assert (updated["firstName"], updated["lastName"]) == ("Grace", None)
    assert updated["updatedAt"] >= profile["updatedAt"]
    bad = await client.put("/v1/user/profile", headers=auth(user), json={"firstName": "x" * 101})
    assert bad.status_code == 400


async def test_profile_image_is_validated_stored_and_replaced(app, client):
    user = await register(client)

    async def put(data: bytes, name="me.png"):
        return await client.put(
            "/v1/user/profile",
            headers=auth(user),
            files={"profileImage": (name, data, "image/png")},
            data={"firstName": "Img"},
        )

    response = await put(png())
    assert response.status_code == 200, response.text
    link = response.json()["data"]["user"]["profileImageUrl"]
    image = await client.get(link)
    assert image.status_code == 200 and image.content == png()
    assert image.headers["content-type"] == "image/png"
    first = files_of(app, user)
    assert len(first) == 1

    # Not an image (whatever its name), a truncated one, a declared gigapixel, too many bytes.
    gigapixel = bytearray(png())
    gigapixel[16:24] = (60000).to_bytes(4, "big") + (60000).to_bytes(4, "big")
    for data, status in (
        (b"<svg onload=alert(1)>", 422),
        (png()[:40], 422),
        (bytes(gigapixel), 422),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (6 * 1024 * 1024), 413),
    ):
        rejected = await put(data)
        assert rejected.status_code == status, rejected.text
        assert files_of(app, user) == first  # nothing new stored, the old image kept

    replaced = await put(png(64, 64))
    assert replaced.status_code == 200
    second = files_of(app, user)
    assert len(second) == 1 and second != first  # the old image is gone


async def test_logout_revokes_the_token_until_it_expires(client):
    user = await register(client)
    assert (await client.post("/v1/auth/logout", headers=auth(user))).status_code == 204
    after = await client.get("/v1/user/profile", headers=auth(user))
    assert after.status_code == 401
    assert after.json()["error"]["message"] == "Token has been revoked"
    row = await RevokedToken.select().first()
    assert row["expires_at"] is not None
    # A new login gets a new, working token.
    login = await client.post(
        "/v1/auth/login",
        json={"email": user["body"]["email"], "password": user["body"]["password"]},
    )
    fresh = {"Authorization": f"Bearer {login.json()['data']['token']}"}
    assert (await client.get("/v1/user/profile", headers=fresh)).status_code == 200


async def test_export_then_erase_leaves_nothing(app, client, tmp_path):
    user = await register(client)
    await client.put(
        "/v1/user/profile", headers=auth(user), files={"profileImage": ("a.png", png(), "x/y")}
    )
    up = await upload(client, user, blank_video(tmp_path / "blank.mp4"))
    session_id = up.json()["data"]["sessionId"]
    await wait_for_status(client, user, session_id, {"completed", "failed"})

    export = await client.get("/v1/user/export", headers=auth(user))
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    data = export.json()["data"]
    assert data["user"]["email"] == user["body"]["email"]
    assert "password" not in export.text.lower()
    [session] = data["analyses"]
    assert session["id"] == session_id
    video = await client.get(session["videoUrl"])
    assert video.content == (tmp_path / "blank.mp4").read_bytes()
    assert data["progress"] == []

    assert files_of(app, user)
    uid = uuid.UUID(user["user"]["id"])
    erased = await client.delete("/v1/user", headers=auth(user))
    assert erased.status_code == 204
    assert files_of(app, user) == []
    assert not await User.exists().where(User.id == uid)
    assert not await AnalysisSession.exists().where(AnalysisSession.user_id == uid)
    assert not await UserProgress.exists().where(UserProgress.user_id == uid)
    assert (await client.get("/v1/user/profile", headers=auth(user))).status_code == 401
    assert (await client.get(session["videoUrl"])).status_code == 404


async def test_admin_lists_disables_and_reports(client):
    admin = await register(client)
    target = await register(client)
    set_role = subprocess.run(
        [sys.executable, "-m", "api.cli", "set-role", admin["body"]["email"], "admin"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert set_role.returncode == 0, set_role.stderr
    listed = await client.get(
        f"/v1/admin/users?search={target['body']['username']}", headers=auth(admin)
    )
    assert listed.status_code == 200, listed.text
    assert [u["id"] for u in listed.json()["data"]["users"]] == [target["user"]["id"]]

    disabled = await client.patch(
        f"/v1/admin/users/{target['user']['id']}", headers=auth(admin), json={"isActive": False}
    )
    assert disabled.json()["data"]["user"]["isActive"] is False
    assert (await client.get("/v1/user/profile", headers=auth(target))).status_code == 401
    login = await client.post(
        "/v1/auth/login",
        json={"email": target["body"]["email"], "password": target["body"]["password"]},
    )
    assert login.status_code == 401

    self_demote = await client.patch(
        f"/v1/admin/users/{admin['user']['id']}", headers=auth(admin), json={"role": "user"}
    )
    assert self_demote.status_code == 409
    missing = await client.patch(
        f"/v1/admin/users/{uuid.uuid4()}", headers=auth(admin), json={"isActive": True}
    )
    assert missing.status_code == 404

    stats = (await client.get("/v1/admin/stats", headers=auth(admin))).json()["data"]
    assert stats["users"]["total"] >= 2
    assert stats["users"]["admins"] >= 1
    assert stats["users"]["active"] < stats["users"]["total"]
    assert set(stats["sessions"]["byStatus"]) == {"pending", "processing", "completed", "failed"}
