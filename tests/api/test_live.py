"""Live sessions (api/live.py): newest frame first, older ones dropped; a full machine refuses."""

import uuid

import pytest

from api.live import Frame, LatestFrame, LiveFull, LivePool, live_slots
from api.tables import AnalysisSession, Exercise
from tests.api.conftest import auth, register
from tests.videos import blank_video


def frame(seq: int) -> Frame:
    return Frame(seq=seq, capture_ms=seq * 33.3, jpeg=b"jpeg")


def test_an_idle_child_gets_the_frame_at_once():
    slot = LatestFrame()
    assert slot.offer(frame(1)).seq == 1
    assert slot.in_flight.seq == 1 and slot.waiting is None and slot.dropped == 0


def test_frames_arriving_while_busy_keep_only_the_newest():
    slot = LatestFrame()
    slot.offer(frame(1))
    for seq in range(2, 6):  # 2, 3, 4, 5 arrive while 1 is processed
        assert slot.offer(frame(seq)) is None
    assert slot.waiting.seq == 5
    assert slot.dropped == 3  # 2, 3 and 4: never queued
    nxt = slot.done()  # 1 answered: the newest goes next, not the oldest
    assert nxt.seq == 5 and slot.in_flight.seq == 5 and slot.waiting is None
    assert slot.done() is None and slot.in_flight is None
    assert slot.sent == 2 and slot.dropped == 3


def test_every_frame_is_sent_or_dropped_or_waiting():
    slot = LatestFrame()
    pattern = [3, 1, 0, 5, 2, 1, 1, 4]  # frames arriving between answers
    seq = 0
    for arrivals in pattern:
        for _ in range(arrivals):
            seq += 1
            slot.offer(frame(seq))
        slot.done()
    waiting = 1 if slot.waiting else 0
    in_flight = 1 if slot.in_flight else 0
    assert slot.sent + slot.dropped + waiting == seq
    assert in_flight <= 1 and waiting <= 1


def test_stop_drops_the_waiting_frame():
    slot = LatestFrame()
    slot.offer(frame(1))
    slot.offer(frame(2))
    slot.abandon()
    assert slot.waiting is None and slot.dropped == 1


def test_a_full_pool_refuses_instead_of_queueing():
    pool = LivePool(slots=2)
    pool.active = 2  # two live sets running
    with pytest.raises(LiveFull, match="all 2 live slots"):
        pool.open("squat")
    assert pool.active == 2
    pool.release()
    assert pool.active == 1


def test_slots_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("BIOME_LIVE_SLOTS", raising=False)
    assert live_slots() == 2
    monkeypatch.setenv("BIOME_LIVE_SLOTS", "3")
    assert live_slots() == 3


async def _live_session(user: dict, video_url: str = "") -> uuid.UUID:
    """A session as /ws/live saves it: completed, no video."""
    squat = await Exercise.select().where(Exercise.name == "Squat").first()
    session_id = uuid.uuid4()
    await AnalysisSession.insert(
        AnalysisSession(
            id=session_id,
            user_id=uuid.UUID(user["user"]["id"]),
            exercise_id=squat["id"],
            exercise_name="Squat",
            video_url=video_url,
            status="completed",
        )
    )
    return session_id


async def test_the_recording_becomes_the_live_sessions_video(client, user, tmp_path):
    sid = await _live_session(user)
    clip = blank_video(tmp_path / "rec.mp4")
    url = f"/v1/analysis/sessions/{sid}/recording"
    with clip.open("rb") as f:
        r = await client.post(url, headers=auth(user), files={"video": ("rec.mp4", f)})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["videoUrl"]
    row = await AnalysisSession.select().where(AnalysisSession.id == sid).first()
    assert row["video_url"].endswith("/original.mp4") and row["mime_type"] == "video/mp4"
    # A second recording, or one for an uploaded session, is refused: nothing is replaced.
    with clip.open("rb") as f:
        again = await client.post(url, headers=auth(user), files={"video": ("rec.mp4", f)})
    assert again.status_code == 409


async def test_a_recording_must_be_a_video_and_the_callers_own(client, user, tmp_path):
    sid = await _live_session(user)
    url = f"/v1/analysis/sessions/{sid}/recording"
    r = await client.post(url, headers=auth(user), files={"video": ("x.mp4", b"not a video")})
    assert r.status_code == 422
    other = await register(client)
    with blank_video(tmp_path / "rec.mp4").open("rb") as f:
        r = await client.post(url, headers=auth(other), files={"video": ("rec.mp4", f)})
    assert r.status_code == 404
