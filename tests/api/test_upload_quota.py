"""Per-user limits (stored bytes, queued analyses), fair turns, and the upload's estimate."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import uuid

from api.jobs import LocalJobQueue
from api.storage import Storage, video_key
from api.tables import AnalysisSession, Exercise
from tests.api.conftest import auth, register
from tests.api.test_upload import stored_files, upload, wait_for_status
from tests.videos import blank_video


@contextlib.contextmanager
def settings_of(app, **changes):
    settings = app.state.settings
    app.state.settings = dataclasses.replace(settings, **changes)
    try:
        yield
    finally:
        app.state.settings = settings


async def insert_sessions(app, user, tmp_path, status: str, n: int, file_size: int = 1000):
    """Rows of ``status`` for ``user`` that no queue knows of (they stay as they are)."""
    storage: Storage = app.state.storage
    user_id = uuid.UUID(user["user"]["id"])
    squat = await Exercise.select().where(Exercise.name == "Squat").first()
    ids = []
    for _ in range(n):
        session_id = uuid.uuid4()
        key = video_key(user_id, session_id, "mp4")
        await AnalysisSession.insert(
            AnalysisSession(
                id=session_id,
                user_id=user_id,
                exercise_id=squat["id"],
                exercise_name="Squat",
                video_url=storage.url_for(key),
                status=status,
                file_size=file_size,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        ids.append(session_id)
    return ids


async def test_a_full_queue_is_429_with_retry_after(app, client, user, tmp_path):
    ids = await insert_sessions(app, user, tmp_path, "pending", 3)
    try:
        with settings_of(app, max_queued=3):
            before = stored_files(app)
            response = await upload(client, user, blank_video(tmp_path / "a.mp4"))
            assert response.status_code == 429, response.text
            error = response.json()["error"]
            assert error["code"] == "RATE_LIMIT_EXCEEDED"
            assert error["details"]["reason"] == "queued_analyses"
            assert int(response.headers["Retry-After"]) > 0
            assert stored_files(app) == before
    finally:
        await AnalysisSession.delete().where(AnalysisSession.id.is_in(ids))


async def test_the_storage_quota_is_413_and_counts_what_is_stored(app, client, user, tmp_path):
    clip = blank_video(tmp_path / "a.mp4")
    size = clip.stat().st_size
    ids = await insert_sessions(app, user, tmp_path, "completed", 1, file_size=10_000)
    try:
        # Full already: refused before the body is read.
        with settings_of(app, quota_bytes=10_000):
            response = await upload(client, user, clip)
            assert response.status_code == 413, response.text
            assert response.json()["error"]["details"]["reason"] == "storage_quota"
        # Some room, but less than this clip: refused while streaming, nothing kept.
        with settings_of(app, quota_bytes=10_000 + size // 2):
            before = stored_files(app)
            response = await upload(client, user, clip)
            assert response.status_code == 413, response.text
            error = response.json()["error"]
            assert error["code"] == "FILE_TOO_LARGE"
            assert error["details"]["reason"] == "storage_quota"
            assert error["details"]["usedBytes"] == 10_000
            assert stored_files(app) == before
    finally:
        await AnalysisSession.delete().where(AnalysisSession.id.is_in(ids))


async def test_the_estimate_counts_frames_not_seconds(client, user, tmp_path):
    slow = blank_video(tmp_path / "30.mp4", seconds=4, fps=30)
    fast = blank_video(tmp_path / "60.mp4", seconds=4, fps=60)
    estimates = {}
    for clip in (slow, fast):
        response = await upload(client, user, clip)
        assert response.status_code == 201, response.text
        estimates[clip.stem] = response.json()["data"]["estimatedProcessingTime"]
        await wait_for_status(
            client, user, response.json()["data"]["sessionId"], {"completed", "failed"}
        )
    assert estimates["60"] > estimates["30"], estimates


async def test_owners_take_turns_in_the_local_queue():
    order: list[str] = []
    release = asyncio.Event()

    async def handler(session_id: str) -> None:
        order.append(session_id)
        await release.wait()

    queue = LocalJobQueue(handler, concurrency=1)
    await queue.start()
    try:
        for i in range(1, 5):
            await queue.submit(f"a{i}", "alice")
        await asyncio.sleep(0.05)  # a1 is running
        await queue.submit("b1", "bob")
        await queue.submit("c1", "carol")
        release.set()
        await asyncio.wait_for(queue.join(), 5)
    finally:
        await queue.stop()
    assert order == ["a1", "b1", "c1", "a2", "a3", "a4"]


async def test_one_users_single_clip_starts_before_another_users_queue(app, client, tmp_path):
    alice = await register(client)
    bob = await register(client)
    clip = blank_video(tmp_path / "clip.mp4", seconds=3)
    alices = []
    for _ in range(3):
        response = await upload(client, alice, clip)
        assert response.status_code == 201, response.text
        alices.append(response.json()["data"]["sessionId"])
    response = await upload(client, bob, clip)
    assert response.status_code == 201, response.text
    bobs = response.json()["data"]["sessionId"]
    done = {"completed", "failed"}
    bob_session = await wait_for_status(client, bob, bobs, done, timeout=240)
    started = []
    for sid in alices:
        s = await wait_for_status(client, alice, sid, done, timeout=240)
        started.append(s["startedAt"])
    # With one worker: Alice's first was already running; Bob's went next, before her rest.
    assert bob_session["startedAt"] < sorted(started)[1], (bob_session["startedAt"], started)
    assert auth(alice) != auth(bob)
