"""Sessions that a crashed run left pending or processing are picked up at the next start."""

import asyncio
import datetime as dt
import uuid

from api.app import create_app
from api.storage import Storage, video_key
from api.tables import AnalysisSession, Exercise, User
from tests.videos import blank_video


async def test_unfinished_sessions_are_resumed_at_start(app, user, tmp_path):
    storage: Storage = app.state.storage
    user_id = uuid.UUID(user["user"]["id"])
    squat = await Exercise.select().where(Exercise.name == "Squat").first()
    ids = []
    for status in ("pending", "processing"):
        session_id = uuid.uuid4()
        key = video_key(user_id, session_id, "mp4")
        await storage.put_file(blank_video(tmp_path / f"{status}.mp4"), key)
        await AnalysisSession.insert(
            AnalysisSession(
                id=session_id,
                user_id=user_id,
                exercise_id=squat["id"],
                exercise_name="Squat",
                video_url=storage.url_for(key),
                status=status,
                started_at=dt.datetime.now(dt.UTC) if status == "processing" else None,
            )
        )
        ids.append(session_id)
    assert await User.exists().where(User.id == user_id)

    # A second instance of the service starting on the same database and storage.
    restarted = create_app()
    async with restarted.router.lifespan_context(restarted):
        for _ in range(600):
            rows = await AnalysisSession.select(
                AnalysisSession.status, AnalysisSession.error_code
            ).where(AnalysisSession.id.is_in(ids))
            if all(r["status"] in ("completed", "failed") for r in rows):
                break
            await asyncio.sleep(0.1)
    # Both ran to their real outcome: these clips have nobody in them.
    assert [r["error_code"] for r in rows] == ["NO_PERSON_DETECTED"] * 2
