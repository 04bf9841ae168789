"""Live sessions (api/live.py): newest frame first, older ones dropped; a full machine refuses."""

import pytest

from api.live import Frame, LatestFrame, LiveFull, LivePool, live_slots


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
