import asyncio

from api.events import EventBroker


def progress(n: int) -> dict:
    return {
        "type": "progress",
        "data": {"progress": n, "currentStep": "vision_processing", "estimatedTimeRemaining": 9},
    }


STATUS = {
    "type": "agent_status",
    "data": {"visionAgent": "processing", "coachingAgent": "waiting", "tasks": []},
}


async def test_late_subscriber_gets_latest_state_then_live_events():
    broker = EventBroker()
    broker.publish("s1", STATUS)
    broker.publish("s1", progress(10))
    broker.publish("s1", progress(20))
    broker.publish("s2", progress(99))
    latest = broker.latest("s1")
    assert [e["type"] for e in latest] == ["agent_status", "progress"]
    assert latest[1]["data"] == {"sessionId": "s1", **progress(20)["data"]}
    assert broker.progress("s1")["progress"] == 20

    with broker.subscribe("s1") as queue:
        broker.publish("s1", progress(30))
        broker.publish("s2", progress(100))
        broker.publish("s1", {"type": "analysis_complete", "data": {"overallScore": 8.0}})
        got = [queue.get_nowait(), queue.get_nowait()]
        assert queue.empty()
    assert [e["type"] for e in got] == ["progress", "analysis_complete"]
    assert got[1]["data"] == {"sessionId": "s1", "overallScore": 8.0}
    # A finished session's live state is forgotten; its outcome lives in the database.
    assert broker.latest("s1") == []
    assert broker.latest("s2")


async def test_unsubscribe_on_exit_even_after_error():
    broker = EventBroker()
    try:
        with broker.subscribe("s") as queue:
            raise RuntimeError
    except RuntimeError:
        pass
    broker.publish("s", progress(1))
    assert queue.empty()
    await asyncio.sleep(0)
