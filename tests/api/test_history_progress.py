"""History with pagination and filters, DELETE of a session, and user_progress kept current."""

from __future__ import annotations

import datetime as dt
import uuid

from api import progress
from api.results import save_report
from api.tables import AnalysisSession, Exercise, UserProgress
from tests.api.conftest import auth, register
from tests.api.test_results import REPORT


async def completed(user, exercise: str, score: float | None, when: dt.datetime) -> str:
    """A completed session as the runner leaves it: rows, and progress refreshed."""
    ex = await Exercise.select().where(Exercise.name == exercise).first()
    sid = uuid.uuid4()
    await AnalysisSession.insert(
        AnalysisSession(
            id=sid,
            user_id=uuid.UUID(user["user"]["id"]),
            exercise_id=ex["id"],
            exercise_name=ex["name"],
            video_url="file:///nowhere/original.mp4",
            status="processing",
            created_at=when,
        )
    )
    why = None if score is not None else "No complete repetition was found."
    await save_report(sid, {**REPORT, "overallScore": score, "unratedReason": why})
    await progress.refresh_for_session(sid)
    return str(sid)


def test_trend_is_a_slope_over_recent_scores_not_one_comparison():
    assert progress.trend([5.0, 6.0]) is None  # too few to say
    assert progress.trend([5.0, 6.0, 7.0]) == "improving"
    assert progress.trend([8.0, 7.0, 6.0, 5.0]) == "declining"
    # One bad last session after a steady rise is not a decline.
    assert progress.trend([5.0, 6.0, 7.0, 8.0, 9.0, 6.5]) == "improving"
    assert progress.trend([7.0, 7.1, 6.9, 7.0]) == "stable"


async def test_history_pagination_and_filters(client):
    user = await register(client)
    day = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    ids = []
    for i in range(5):
        ids.append(await completed(user, "Squat", 5 + i, day + dt.timedelta(days=i)))
    push = await completed(user, "Push-up", 8.0, day + dt.timedelta(days=10))

    page = await client.get("/v1/analysis/sessions?page=1&limit=2", headers=auth(user))
    data = page.json()["data"]
    assert data["pagination"] == {"page": 1, "limit": 2, "total": 6, "totalPages": 3}
    assert [s["id"] for s in data["sessions"]] == [push, ids[4]]  # newest first
    assert data["sessions"][1]["overallScore"] == 9.0
    last = (await client.get("/v1/analysis/sessions?page=3&limit=2", headers=auth(user))).json()
    assert [s["id"] for s in last["data"]["sessions"]] == [ids[1], ids[0]]

    squat_id = (await Exercise.select().where(Exercise.name == "Squat").first())["id"]
    only = await client.get(f"/v1/analysis/sessions?exerciseId={squat_id}", headers=auth(user))
    assert only.json()["data"]["pagination"]["total"] == 5
    ranged = await client.get(
        "/v1/analysis/sessions?dateFrom=2026-03-02&dateTo=2026-03-04", headers=auth(user)
    )
    assert [s["id"] for s in ranged.json()["data"]["sessions"]] == [ids[3], ids[2], ids[1]]

    for bad in ("page=0", "limit=101", "limit=x", "dateFrom=yesterday", "exerciseId=nope"):
        response = await client.get(f"/v1/analysis/sessions?{bad}", headers=auth(user))
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    # Nobody else's sessions appear.
    other = await register(client)
    empty = await client.get("/v1/analysis/sessions", headers=auth(other))
    assert empty.json()["data"] == {
        "sessions": [],
        "pagination": {"page": 1, "limit": 10, "total": 0, "totalPages": 0},
    }


async def test_progress_follows_completions_and_deletions(client):
    user = await register(client)
    day = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    squats = [
        await completed(user, "Squat", s, day + dt.timedelta(hours=n))
        for n, s in enumerate([6.0, 6.5, 7.0, 8.0])
    ]
    await completed(user, "Plank", 9.0, day + dt.timedelta(days=1))

    summary = (await client.get("/v1/progress/summary", headers=auth(user))).json()["data"]
    assert summary == {
        "totalAnalyses": 5,
        "unratedAnalyses": 0,
        "averageScore": 7.3,
        "improvementTrend": "improving",
        "favoriteExercise": "Squat",
        "recentScores": [6.0, 6.5, 7.0, 8.0, 9.0],
    }
    exercises = (await client.get("/v1/progress/exercises", headers=auth(user))).json()["data"]
    by_name = {e["exerciseName"]: e for e in exercises["exercises"]}
    assert by_name["Squat"]["totalAnalyses"] == 4
    assert by_name["Squat"]["averageScore"] == 6.9
    assert by_name["Squat"]["improvementTrend"] == "improving"
    assert by_name["Plank"]["improvementTrend"] is None

    # Deleting the best squat updates the row; deleting the only plank removes its row.
    assert (
        await client.delete(f"/v1/analysis/sessions/{squats[3]}", headers=auth(user))
    ).status_code == 204
    plank = (await client.get("/v1/analysis/sessions?limit=1", headers=auth(user))).json()
    plank_id = plank["data"]["sessions"][0]["id"]
    await client.delete(f"/v1/analysis/sessions/{plank_id}", headers=auth(user))
    rows = await UserProgress.select().where(UserProgress.user_id == uuid.UUID(user["user"]["id"]))
    assert [(r["exercise_name"], r["total_analyses"], float(r["average_score"])) for r in rows] == [
        ("Squat", 3, 6.5)
    ]
    summary = (await client.get("/v1/progress/summary", headers=auth(user))).json()["data"]
    assert summary["totalAnalyses"] == 3
    assert summary["favoriteExercise"] == "Squat"


async def test_unrated_sets_are_counted_but_stay_out_of_averages_and_trends(client):
    user = await register(client)
    day = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    for n, score in enumerate([6.0, None, 7.0, None, 8.0]):
        await completed(user, "Squat", score, day + dt.timedelta(hours=n))

    summary = (await client.get("/v1/progress/summary", headers=auth(user))).json()["data"]
    assert summary == {
        "totalAnalyses": 5,
        "unratedAnalyses": 2,
        "averageScore": 7.0,
        "improvementTrend": "improving",
        "favoriteExercise": "Squat",
        "recentScores": [6.0, 7.0, 8.0],
    }
    (squat,) = (await client.get("/v1/progress/exercises", headers=auth(user))).json()["data"][
        "exercises"
    ]
    assert (squat["totalAnalyses"], squat["unratedAnalyses"], squat["averageScore"]) == (5, 2, 7.0)
    assert squat["improvementTrend"] == "improving"
    history = (await client.get("/v1/analysis/sessions", headers=auth(user))).json()["data"]
    assert [s["overallScore"] for s in history["sessions"]] == [8.0, None, 7.0, None, 6.0]
    assert history["sessions"][1]["unratedReason"] == "No complete repetition was found."


async def test_only_unrated_sets_give_no_average_and_no_trend(client):
    user = await register(client)
    day = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    for n in range(3):
        await completed(user, "Squat", None, day + dt.timedelta(hours=n))
    summary = (await client.get("/v1/progress/summary", headers=auth(user))).json()["data"]
    assert summary["averageScore"] is None and summary["improvementTrend"] is None
    assert (summary["totalAnalyses"], summary["unratedAnalyses"]) == (3, 3)
    assert summary["recentScores"] == []
