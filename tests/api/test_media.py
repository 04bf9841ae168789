"""The analysis's media through the API: the pose track endpoint (gzip as stored, or inflated),
the thumbnail and the annotated video as signed links in results and history, their removal
with the session and with the account, and the annotated video never outliving its session.

The worker's side is played by real files: a generated clip stored as the session's video, a
pose track and thumbnail written by the same functions the worker calls, then the runner's own
MediaMaker stores them and draws the annotated video.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import uuid
from pathlib import Path

import av
import cv2
import numpy as np

from api.results import save_report
from api.storage import pose_key, processed_video_key, session_prefix, thumbnail_key, video_key
from api.tables import AnalysisSession, Exercise
from tests.api.conftest import auth, register
from tests.api.test_results import REPORT
from tests.tools.test_pose_wire import moving_track
from tools.annotate import write_thumbnail
from tools.pose_wire import dumps, encode_track

FRAMES, FPS, SIZE = 120, 30, (320, 180)


def _clip(path: Path) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, SIZE)
    for i in range(FRAMES):
        writer.write(np.full((SIZE[1], SIZE[0], 3), 60 + i % 50, np.uint8))
    writer.release()
    return path


async def _analysed(app, user, tmp_path, status="completed", media=True) -> dict:
    """A session as the runner leaves it: video stored, result saved, pose and thumbnail."""
    storage = app.state.storage
    squat = await Exercise.select().where(Exercise.name == "Squat").first()
    sid = uuid.uuid4()
    uid = uuid.UUID(user["user"]["id"])
    key = video_key(uid, sid, "mp4")
    clip = _clip(tmp_path / f"{sid}.mp4")
    await storage.put_file(clip, key)
    await AnalysisSession.insert(
        AnalysisSession(
            id=sid,
            user_id=uid,
            exercise_id=squat["id"],
            exercise_name="Squat",
            video_url=storage.url_for(key),
            status="processing",
        )
    )
    pose = encode_track(moving_track(FRAMES))
    pose["width"], pose["height"] = SIZE
    if media:
        artifacts = tmp_path / f"artifacts-{sid}"
        artifacts.mkdir()
        (artifacts / "pose.json").write_bytes(dumps(pose))
        write_thumbnail(clip, pose, 30, artifacts / "thumbnail.jpg")
        await app.state.runner.media.store(sid, artifacts, session_prefix(uid, sid))
    if status == "completed":
        await save_report(sid, REPORT)
    else:
        await AnalysisSession.update(
            {AnalysisSession.status: status, AnalysisSession.error_code: "NO_PERSON_DETECTED"}
        ).where(AnalysisSession.id == sid)
    return {"id": sid, "user": uid, "prefix": session_prefix(uid, sid), "pose": pose}


async def test_the_pose_track_is_served_gzip_as_stored(app, client, user, tmp_path):
    session = await _analysed(app, user, tmp_path)
    url = f"/v1/analysis/sessions/{session['id']}/pose"
    response = await client.get(url, headers={**auth(user), "Accept-Encoding": "gzip"})
    assert response.status_code == 200, response.text
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"].startswith("application/json")
    stored = await app.state.storage.read_bytes(pose_key(session["prefix"]))
    assert int(response.headers["content-length"]) == len(stored)  # sent as stored
    body = response.json()
    assert body == {"success": True, "data": json.loads(json.dumps(session["pose"]))}
    assert body["data"]["frameCount"] == FRAMES
    assert response.headers["x-request-id"] and response.headers["x-content-type-options"]


async def test_a_client_without_gzip_gets_plain_json(app, client, user, tmp_path):
    session = await _analysed(app, user, tmp_path)
    url = f"/v1/analysis/sessions/{session['id']}/pose"
    response = await client.get(url, headers={**auth(user), "Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert json.loads(response.content)["data"]["frames"][0] == session["pose"]["frames"][0]


async def test_pose_of_an_unfinished_or_failed_session_says_why(app, client, user, tmp_path):
    pending = await _analysed(app, user, tmp_path, status="processing", media=False)
    response = await client.get(f"/v1/analysis/sessions/{pending['id']}/pose", headers=auth(user))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "RESULTS_NOT_READY"
    failed = await _analysed(app, user, tmp_path, status="failed", media=False)
    response = await client.get(f"/v1/analysis/sessions/{failed['id']}/pose", headers=auth(user))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "NO_PERSON_DETECTED"


async def test_another_user_s_pose_track_is_not_found(app, client, user, tmp_path):
    session = await _analysed(app, user, tmp_path)
    other = await register(client)
    url = f"/v1/analysis/sessions/{session['id']}/pose"
    response = await client.get(url, headers=auth(other))
    assert response.status_code == 404
    assert str(session["id"]) not in response.text


async def test_thumbnail_then_annotated_video_appear_as_signed_links(app, client, user, tmp_path):
    session = await _analysed(app, user, tmp_path)
    results_url = f"/v1/analysis/sessions/{session['id']}/results"
    first = (await client.get(results_url, headers=auth(user))).json()["data"]["session"]
    assert first["processedVideoUrl"] is None  # drawn after the result
    thumb = await client.get(first["thumbnailUrl"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert cv2.imdecode(np.frombuffer(thumb.content, np.uint8), cv2.IMREAD_COLOR).shape[1] == 480

    await app.state.runner.media.draw(session["id"])

    data = (await client.get(results_url, headers=auth(user))).json()["data"]["session"]
    video = await client.get(data["processedVideoUrl"], headers={"Accept-Encoding": "gzip"})
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    assert "content-encoding" not in video.headers  # video is never re-compressed
    assert int(video.headers["content-length"]) == len(video.content)
    path = tmp_path / "processed.mp4"
    path.write_bytes(video.content)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert sum(1 for _ in container.decode(stream)) == FRAMES
    part = await client.get(data["processedVideoUrl"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100

    history = (await client.get("/v1/analysis/sessions", headers=auth(user))).json()["data"]
    item = next(s for s in history["sessions"] if s["id"] == str(session["id"]))
    assert (await client.get(item["thumbnailUrl"])).content == thumb.content


async def test_deleting_the_session_removes_its_media(app, client, user, tmp_path):
    session = await _analysed(app, user, tmp_path)
    await app.state.runner.media.draw(session["id"])
    storage, prefix = app.state.storage, session["prefix"]
    keys = [pose_key(prefix), thumbnail_key(prefix), processed_video_key(prefix)]
    assert all([await storage.exists(k) for k in keys])
    response = await client.delete(f"/v1/analysis/sessions/{session['id']}", headers=auth(user))
    assert response.status_code == 204
    assert not any([await storage.exists(k) for k in keys])


async def test_erasing_the_account_removes_its_media(app, client, tmp_path):
    user = await register(client)
    session = await _analysed(app, user, tmp_path)
    await app.state.runner.media.draw(session["id"])
    storage, prefix = app.state.storage, session["prefix"]
    response = await client.delete("/v1/user", headers=auth(user))
    assert response.status_code == 204, response.text
    for key in (pose_key(prefix), thumbnail_key(prefix), processed_video_key(prefix)):
        assert not await storage.exists(key)


async def test_an_annotated_video_is_not_stored_for_a_deleted_session(app, user, tmp_path):
    session = await _analysed(app, user, tmp_path)
    media = app.state.runner.media
    render = media._render

    def delete_while_drawing(*args):
        render(*args)
        # The user deletes the session while its video is being drawn.
        asyncio.run_coroutine_threadsafe(
            AnalysisSession.delete().where(AnalysisSession.id == session["id"]).run(), loop
        ).result()

    loop = asyncio.get_running_loop()
    media._render = delete_while_drawing
    try:
        await media.draw(session["id"])
    finally:
        del media._render
    assert not await app.state.storage.exists(processed_video_key(session["prefix"]))


async def test_an_annotated_video_arriving_mid_delete_does_not_outlive_it(app, user, tmp_path):
    session = await _analysed(app, user, tmp_path)
    media, storage = app.state.runner.media, app.state.storage
    put = storage.put_file

    async def put_then_delete_begins(local, key):
        await put(local, key)
        if key == processed_video_key(session["prefix"]):
            # DELETE's first step (the folder) runs just before this file lands; the row
            # is still there when the drawing checks.
            await storage.delete_prefix(video_key(session["user"], session["id"], "mp4"))

    storage.put_file = put_then_delete_begins
    try:
        await media.draw(session["id"])
    finally:
        del storage.put_file
    assert not await storage.exists(processed_video_key(session["prefix"]))


async def test_start_up_resumes_annotated_videos_a_stop_interrupted(app, user, tmp_path):
    session = await _analysed(app, user, tmp_path)
    media = app.state.runner.media
    assert await media.resume() >= 1
    await media.drain()
    row = await AnalysisSession.select().where(AnalysisSession.id == session["id"]).first()
    assert row["processed_video_url"].endswith(processed_video_key(session["prefix"]))
    assert await app.state.storage.exists(processed_video_key(session["prefix"]))


async def test_stored_pose_body_is_the_envelope(app, user, tmp_path):
    session = await _analysed(app, user, tmp_path)
    stored = await app.state.storage.read_bytes(pose_key(session["prefix"]))
    assert json.loads(gzip.decompress(stored))["success"] is True
