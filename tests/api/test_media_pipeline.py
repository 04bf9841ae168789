"""Through the real worker: a browser recording is accepted and analysed (not refused for its
missing header), a long one still meets the 5-minute cap, and a real clip's analysis leaves its
pose track, thumbnail and annotated video behind."""

from __future__ import annotations

import av

from tests.api.conftest import auth
from tests.api.test_upload import stored_files, upload, wait_for_status
from tests.conftest import VIDEOS, require_shared
from tests.recording import live_webm


async def test_a_headerless_recording_is_accepted_and_analysed(app, client, user, tmp_path):
    clip = live_webm(tmp_path / "recording.webm", seconds=3, fps=10)
    response = await upload(client, user, clip, name="recording.webm")
    assert response.status_code == 201, response.text
    sid = response.json()["data"]["sessionId"]
    session = await wait_for_status(client, user, sid, {"completed", "failed"})
    assert session["mimeType"] == "video/webm"
    assert abs(session["videoDuration"] - 3.0) < 0.2
    # Decoded and tracked: it fails only because nobody is in it.
    assert session["errorCode"] == "NO_PERSON_DETECTED", session


async def test_a_headerless_recording_over_five_minutes_is_refused(app, client, user, tmp_path):
    before = stored_files(app)
    clip = live_webm(tmp_path / "long.webm", seconds=310)
    response = await upload(client, user, clip, name="long.webm")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and "300 s" in error["message"]
    assert stored_files(app) == before


async def test_a_real_analysis_leaves_pose_thumbnail_and_annotated_video(
    app, client, user, tmp_path
):
    require_shared()
    response = await upload(client, user, VIDEOS / "squat_side_01.mp4")
    assert response.status_code == 201, response.text
    sid = response.json()["data"]["sessionId"]
    session = await wait_for_status(client, user, sid, {"completed", "failed"}, timeout=300)
    assert session["status"] == "completed", session
    results = (await client.get(f"/v1/analysis/sessions/{sid}/results", headers=auth(user))).json()
    frames = results["data"]["result"]["totalFrames"]
    pose = await client.get(f"/v1/analysis/sessions/{sid}/pose", headers=auth(user))
    track = pose.json()["data"]
    assert track["frameCount"] == len(track["frames"]) == frames
    assert (track["width"], track["height"]) == (1280, 720)
    assert sum(f is not None for f in track["frames"]) > frames * 0.8
    thumb = await client.get(results["data"]["session"]["thumbnailUrl"])
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8"

    await app.state.runner.media.drain()
    results = (await client.get(f"/v1/analysis/sessions/{sid}/results", headers=auth(user))).json()
    video = await client.get(results["data"]["session"]["processedVideoUrl"])
    assert video.status_code == 200
    path = tmp_path / "processed.mp4"
    path.write_bytes(video.content)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in container.decode(stream)) == frames
