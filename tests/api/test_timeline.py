"""GET /progress/timeline: the caller's completed analyses oldest first, each with its score,
reps and per-type fault counts; the exercises with their session counts; a filter by exercise;
nobody else's sessions; and a fixed number of queries however many sessions there are."""

from __future__ import annotations

import copy
import datetime as dt
import uuid

from api.results import save_report
from api.tables import AnalysisSession, Exercise
from tests.api.conftest import auth, register
from tests.api.test_results import REPORT


async def _completed(user, exercise: str, report: dict | None, when: dt.datetime, status=None):
    row = await Exercise.select().where(Exercise.name == exercise).first()
    sid = uuid.uuid4()
    await AnalysisSession.insert(
        AnalysisSession(
            id=sid,
            user_id=uuid.UUID(user["user"]["id"]),
            exercise_id=row["id"],
            exercise_name=exercise,
            video_url="file:///nowhere/original.mp4",
            status=status or "processing",
            created_at=when,
        )
    )
    if report is not None:
        await save_report(sid, report)
    return str(sid), str(row["id"])


def _report(**changes) -> dict:
    report = copy.deepcopy(REPORT)
    report.update(changes)
    return report


async def test_timeline_lists_sessions_oldest_first_with_fault_counts(client):
    user = await register(client)
    t0 = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    knee = {**REPORT["issues"][0], "type": "Knees cave in", "severity": "severe"}
    later, squat_id = await _completed(
        user, "Squat", _report(issues=[*REPORT["issues"], knee]), t0 + dt.timedelta(days=2)
    )
    first, _ = await _completed(user, "Squat", _report(overallScore=5.0), t0)
    plain, pushup_id = await _completed(
        user, "Push-up", _report(issues=[], overallScore=None, repCount=0), t0 + dt.timedelta(1)
    )
    await _completed(user, "Squat", None, t0 + dt.timedelta(days=3), status="processing")
    others = await register(client)
    await _completed(others, "Squat", _report(), t0)

    response = await client.get("/v1/progress/timeline", headers=auth(user))
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert [s["sessionId"] for s in data["sessions"]] == [first, plain, later]
    by_id = {s["sessionId"]: s for s in data["sessions"]}
    assert by_id[first] == {
        "sessionId": first,
        "date": "2026-11-01T09:00:00Z",
        "exerciseId": squat_id,
        "exerciseName": "Squat",
        "overallScore": 5.0,
        "repCount": 2,
        "faults": {"Shallow depth": 2},
    }
    assert by_id[later]["faults"] == {"Shallow depth": 2, "Knees cave in": 1}
    assert by_id[plain]["faults"] == {}
    assert by_id[plain]["overallScore"] is None
    assert data["exercises"] == [
        {"exerciseId": pushup_id, "exerciseName": "Push-up", "sessions": 1},
        {"exerciseId": squat_id, "exerciseName": "Squat", "sessions": 2},
    ]

    only = await client.get(
        "/v1/progress/timeline", params={"exerciseId": pushup_id}, headers=auth(user)
    )
    data = only.json()["data"]
    assert [s["sessionId"] for s in data["sessions"]] == [plain]
    assert len(data["exercises"]) == 2  # the chooser still lists every exercise


async def test_timeline_of_a_new_user_is_empty(client, user):
    response = await client.get("/v1/progress/timeline", headers=auth(user))
    assert response.json()["data"] == {"sessions": [], "exercises": []}


async def test_timeline_refuses_a_bad_exercise_id(client, user):
    response = await client.get(
        "/v1/progress/timeline", params={"exerciseId": "squat"}, headers=auth(user)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_timeline_costs_three_queries_whatever_the_number_of_sessions(client, monkeypatch):
    from piccolo.query.base import Query

    user = await register(client)
    t0 = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    for day in range(12):
        await _completed(user, "Squat", _report(), t0 + dt.timedelta(days=day))
    queries = []
    original = Query.run

    async def counted(self, *args, **kwargs):
        queries.append(type(self).__name__)
        return await original(self, *args, **kwargs)

    headers = auth(user)
    monkeypatch.setattr(Query, "run", counted)
    response = await client.get("/v1/progress/timeline", headers=headers)
    monkeypatch.undo()
    assert len(response.json()["data"]["sessions"]) == 12
    # Authentication's own lookups come first; the timeline adds exactly three.
    before = await _auth_queries(client, headers, Query, monkeypatch)
    assert len(queries) - before == 3, queries


async def _auth_queries(client, headers, Query, monkeypatch) -> int:
    """Queries a cheap authenticated GET makes (the token's checks, the rate limiter)."""
    queries = []
    original = Query.run

    async def counted(self, *args, **kwargs):
        queries.append(type(self).__name__)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(Query, "run", counted)
    await client.get("/v1/progress/exercises", headers=headers)
    monkeypatch.undo()
    return len(queries) - 1  # /progress/exercises itself runs one
