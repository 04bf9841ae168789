import asyncio
import dataclasses
import uuid

import pytest

from tests.api.conftest import auth
from tests.videos import blank_video


def stored_files(app) -> list:
    """Files in storage and under tmp/.

    Aside: a live process's scratch lock, and the annotated video an earlier test's completed
    session may still be drawing in the background (api/media.py removes it when done).
    """
    root = app.state.settings.data_dir
    return sorted(
        p.relative_to(root)
        for p in root.rglob("*")
        if p.is_file()
        and ("storage" in p.parts or "tmp" in p.parts)
        and p.name != ".lock"
        and not ("tmp" in p.parts and p.name.startswith("processed-"))
    )


async def upload(client, user, path, exercise="squat", name=None, **fields):
    with open(path, "rb") as f:
        return await client.post(
            "/v1/analysis/upload",
            headers=auth(user),
            files={"video": (name or path.name, f, "video/mp4")},
            data={"exerciseName": exercise, **fields},
        )


async def wait_for_status(client, user, session_id, statuses, timeout=120):
    for _ in range(int(timeout * 10)):
        response = await client.get(f"/v1/analysis/sessions/{session_id}", headers=auth(user))
        if response.json()["data"]["status"] in statuses:
            return response.json()["data"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"session {session_id} never reached {statuses}")


async def test_text_renamed_mp4_is_unsupported_and_leaves_nothing(app, client, user, tmp_path):
    before = stored_files(app)
    fake = tmp_path / "clip.mp4"
    fake.write_text("this is not a video\n" * 100)
    response = await upload(client, user, fake)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "UNSUPPORTED_FORMAT"
    assert stored_files(app) == before


async def test_missing_fields_and_unknown_exercise(app, client, user, tmp_path):
    video = blank_video(tmp_path / "blank.mp4")
    before = stored_files(app)
    response = await upload(client, user, video, exercise="underwater basket weaving")
    assert response.status_code == 400
    assert "Squat" in response.json()["error"]["details"]["supported"]
    response = await client.post(
        "/v1/analysis/upload", headers=auth(user), data={"exerciseName": "squat"}, files={}
    )
    assert response.status_code == 400
    assert stored_files(app) == before


async def test_without_an_exercise_the_movement_names_it(app, client, user):
    """exerciseName is optional: the session becomes the recognised exercise (real clip)."""
    from tests.conftest import VIDEOS, require_shared

    require_shared()
    with open(VIDEOS / "pushup_side_correct_01.mp4", "rb") as f:
        response = await client.post(
            "/v1/analysis/upload", headers=auth(user), files={"video": ("set.mp4", f)}
        )
    assert response.status_code == 201, response.text
    session_id = response.json()["data"]["sessionId"]
    session = await wait_for_status(client, user, session_id, {"completed", "failed"}, 300)
    assert session["status"] == "completed", session
    assert session["exerciseName"] == "Push-up"
    results = await client.get(f"/v1/analysis/sessions/{session_id}/results", headers=auth(user))
    data = results.json()["data"]
    recognition = data["result"]["recognition"]
    assert recognition["exerciseId"] == "push_up" and recognition["named"] is None
    assert recognition["mismatch"] is False and len(recognition["candidates"]) == 3
    assert data["session"]["exerciseName"] == "Push-up"


async def test_upload_needs_a_token(client, tmp_path):
    video = blank_video(tmp_path / "blank.mp4")
    with open(video, "rb") as f:
        response = await client.post(
            "/v1/analysis/upload", files={"video": f}, data={"exerciseName": "squat"}
        )
    assert response.status_code == 401


async def test_oversized_upload_is_cut_off_while_streaming(app, client, user, tmp_path):
    settings = app.state.settings
    app.state.settings = dataclasses.replace(settings, max_upload_bytes=64 * 1024)
    try:
        big = tmp_path / "big.mp4"
        big.write_bytes(b"\0\0\0\x18ftypmp42" + b"x" * (256 * 1024))
        before = stored_files(app)
        response = await upload(client, user, big)
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "FILE_TOO_LARGE"
        assert stored_files(app) == before
    finally:
        app.state.settings = settings


async def test_video_without_a_person_fails_its_session_with_a_clear_error(
    app, client, user, tmp_path
):
    video = blank_video(tmp_path / "empty-room.mp4", seconds=2)
    response = await upload(client, user, video)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["status"] == "pending"
    assert data["estimatedProcessingTime"] > 0
    session = await wait_for_status(client, user, data["sessionId"], {"completed", "failed"})
    assert session["status"] == "failed"
    assert session["errorCode"] == "NO_PERSON_DETECTED"
    assert session["errorMessage"]
    results = await client.get(
        f"/v1/analysis/sessions/{data['sessionId']}/results", headers=auth(user)
    )
    assert results.status_code == 422
    assert results.json()["error"]["code"] == "NO_PERSON_DETECTED"
    # The video stays with its session (the user may delete it); nothing else is left behind.
    assert not any("tmp" in p.parts for p in stored_files(app))


async def test_another_users_session_is_not_found(app, client, user, tmp_path):
    from tests.api.conftest import register

    video = blank_video(tmp_path / "blank.mp4")
    response = await upload(client, user, video)
    session_id = response.json()["data"]["sessionId"]
    other = await register(client)
    for path in (
        f"/v1/analysis/sessions/{session_id}",
        f"/v1/analysis/sessions/{session_id}/results",
    ):
        response = await client.get(path, headers=auth(other))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "SESSION_NOT_FOUND"
        assert session_id not in response.text
    await wait_for_status(client, user, session_id, {"completed", "failed"})


@pytest.mark.parametrize("session_id", ["nope", str(uuid.uuid4())])
async def test_unknown_session(client, user, session_id):
    response = await client.get(f"/v1/analysis/sessions/{session_id}", headers=auth(user))
    assert response.status_code == 404
