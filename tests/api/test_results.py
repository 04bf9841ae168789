"""A report survives the trip through the tables unchanged, so the CLI's ``--json`` and the
results endpoint print the same object."""

import uuid

import pytest
from pydantic import ValidationError

from api.results import load_report, results_payload, save_report
from api.tables import (
    AnalysisResult,
    AnalysisSession,
    Exercise,
    FormIssue,
    Metric,
    Recommendation,
    User,
)
from tests.api.conftest import auth
from tests.security.asgi_ws import events, ws_messages
from tools.report import Report

REPORT = {
    "exercise": "Squat",
    "coach": "biome-offline-coach",
    "overallScore": 6.5,
    "totalFrames": 596,
    "processingTime": 14.27,
    "repCount": 2,
    "summary": "Two reps; the second was shallow.",
    "video": {
        "durationS": 19.9,
        "fps": 30.0,
        "frameCount": 596,
        "width": 1280,
        "height": 720,
        "rotation": 0,
    },
    "reps": [
        {
            "index": 1,
            "startFrame": 10,
            "endFrame": 50,
            "bottomFrame": 30,
            "startTime": 0.3,
            "endTime": 1.7,
            "durationS": 1.4,
            "kneeAngleBottom": 85.0,
            "hipAngleBottom": 60.2,
        },
        {
            "index": 2,
            "startFrame": 60,
            "endFrame": 100,
            "bottomFrame": 80,
            "startTime": 2.0,
            "endTime": 3.3,
            "durationS": 1.3,
            "kneeAngleBottom": 112.4,
            "hipAngleBottom": 88.0,
        },
    ],
    "issues": [
        {
            "type": "Shallow depth",
            "severity": "moderate",
            "frameStart": 60,
            "frameEnd": 100,
            "coachingCue": "Rep 2 bottomed out at 112°; sit down to about 90°.",
            "confidenceScore": 0.87,
            "reps": [2],
            "share": 0.5,
            "measured": {"kneeAngle": 112.4},
            "rule": "squat_depth",
        },
        {
            "type": "Shallow depth",
            "severity": "minor",
            "frameStart": 10,
            "frameEnd": 50,
            "coachingCue": "Rep 1 reached 95°.",
            "confidenceScore": 0.9,
        },
    ],
    "metrics": [
        {"name": "Rep Count", "actual": "2", "target": "—", "status": "good"},
        {
            "name": "Knee Angle (bottom)",
            "actual": "98°",
            "target": "≤ 90°",
            "status": "warning",
            "value": 98.2,
            "unit": "°",
        },
    ],
    "strengths": ["Controlled tempo", "Steady depth on rep 1"],
    "recommendations": ["Sit deeper", "Ankle mobility drills", "Film from the side"],
    "checks": [{"name": "depth", "status": "done", "reason": None}],
    "notices": [],
}


async def _session(user) -> dict:
    squat = await Exercise.select().where(Exercise.name == "Squat").first()
    session_id = uuid.uuid4()
    await AnalysisSession.insert(
        AnalysisSession(
            id=session_id,
            user_id=uuid.UUID(user["user"]["id"]),
            exercise_id=squat["id"],
            exercise_name="Squat",
            video_url="file:///tmp/x.mp4",
            status="processing",
        )
    )
    return await AnalysisSession.select().where(AnalysisSession.id == session_id).first()


async def test_round_trip_through_the_tables_is_lossless(app, user):
    session = await _session(user)
    result_id = await save_report(session["id"], REPORT)
    row, report = await load_report(session["id"])
    assert row["id"] == result_id
    meta = {"id": "s", "exerciseName": "Squat", "videoUrl": "v", "createdAt": "t"}
    assert report == Report.model_validate(REPORT)
    payload = results_payload(meta, report)
    assert payload == results_payload(meta, REPORT)
    shallow = payload["issues"][0]
    assert (shallow["reps"], shallow["share"], shallow["measured"]) == (
        [2],
        0.5,
        {"kneeAngle": 112.4},
    )
    assert payload["metrics"][1]["value"] == 98.2
    assert payload["result"]["overallScore"] == 6.5 and payload["result"]["unratedReason"] is None
    done = await AnalysisSession.select().where(AnalysisSession.id == session["id"]).first()
    assert done["status"] == "completed" and done["completed_at"] is not None


async def test_an_invalid_report_is_refused_before_anything_is_written(app, user):
    session = await _session(user)
    broken = {**REPORT, "metrics": [*REPORT["metrics"], {"name": "x"}]}  # no actual/target
    with pytest.raises(ValidationError):
        await save_report(session["id"], broken)
    assert not await AnalysisResult.exists().where(AnalysisResult.session_id == session["id"])


async def test_a_failed_write_leaves_no_rows(app, user, monkeypatch):
    session = await _session(user)

    def fail(*rows):
        raise RuntimeError("disk full")

    # The last child rows fail, after the result, issues and metrics were inserted.
    monkeypatch.setattr(Recommendation, "insert", fail)
    with pytest.raises(RuntimeError):
        await save_report(session["id"], REPORT)
    assert not await AnalysisResult.exists().where(AnalysisResult.session_id == session["id"])
    assert await FormIssue.count() == await FormIssue.count().where(
        FormIssue.result_id.session_id != session["id"]
    )
    assert await Metric.count().where(Metric.result_id.session_id == session["id"]) == 0
    still = await AnalysisSession.select().where(AnalysisSession.id == session["id"]).first()
    assert still["status"] == "processing"


async def test_deleting_a_session_cascades_to_its_result_rows(app, user):
    session = await _session(user)
    await save_report(session["id"], REPORT)
    result = await AnalysisResult.select().where(AnalysisResult.session_id == session["id"]).first()
    assert await FormIssue.count().where(FormIssue.result_id == result["id"]) == 2
    await AnalysisSession.delete().where(AnalysisSession.id == session["id"])
    assert not await AnalysisResult.exists().where(AnalysisResult.id == result["id"])
    assert await FormIssue.count().where(FormIssue.result_id == result["id"]) == 0


UNRATED = {
    **REPORT,
    "overallScore": None,
    "unratedReason": "No complete repetition was found, so the form was not rated.",
    "repCount": 0,
    "reps": [],
    "issues": [],
    "notices": ["No complete repetition was found, so the form was not rated."],
}


async def test_an_unrated_set_is_null_with_its_reason_everywhere(app, client, user):
    session = await _session(user)
    await save_report(session["id"], UNRATED)
    row, report = await load_report(session["id"])
    assert row["overall_score"] is None
    assert report.overallScore is None and report.unratedReason == UNRATED["unratedReason"]

    headers = auth(user)
    results = await client.get(f"/v1/analysis/sessions/{session['id']}/results", headers=headers)
    assert results.status_code == 200, results.text
    result = results.json()["data"]["result"]
    assert result["overallScore"] is None
    assert result["unratedReason"] == UNRATED["unratedReason"]
    history = (await client.get("/v1/analysis/sessions", headers=headers)).json()["data"]
    (item,) = [s for s in history["sessions"] if s["id"] == str(session["id"])]
    assert item["overallScore"] is None and item["unratedReason"] == UNRATED["unratedReason"]
    await User.update({User.role: "admin"}).where(User.id == uuid.UUID(user["user"]["id"]))
    stats = (await client.get("/v1/admin/stats", headers=headers)).json()["data"]["analyses"]
    nulls = await AnalysisResult.count().where(AnalysisResult.overall_score.is_null())
    assert stats["unrated"] == nulls >= 1
    rated = [
        float(r["overall_score"])
        for r in await AnalysisResult.select(AnalysisResult.overall_score)
        if r["overall_score"] is not None
    ]
    expected = round(sum(rated) / len(rated), 2) if rated else None
    assert stats["averageScore"] == pytest.approx(expected, abs=0.01)
    messages = await ws_messages(app, f"/ws/analysis/{session['id']}", user["token"])
    (event,) = events(messages)  # a finished session: its outcome, then the close
    assert event["type"] == "analysis_complete"
    assert event["data"]["overallScore"] is None
    assert event["data"]["unratedReason"] == UNRATED["unratedReason"]


def conforms(app, path: str, body: dict) -> None:
    """Validates a 200 body against the app's own OpenAPI (the schema generated from Report)."""
    from jsonschema import Draft202012Validator

    doc = app.state.openapi
    schema = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    # The response schema's "#/components/..." references resolve within the document.
    rooted = {**schema["schema"], "components": doc["components"]}
    Draft202012Validator(rooted).validate(body)


async def test_results_of_rated_and_unrated_sets_match_the_contract(app, client, user):
    for report in (REPORT, UNRATED):
        session = await _session(user)
        await save_report(session["id"], report)
        response = await client.get(
            f"/v1/analysis/sessions/{session['id']}/results", headers=auth(user)
        )
        assert response.status_code == 200
        conforms(app, "/v1/analysis/sessions/{session_id}/results", response.json())
    bad = response.json()
    bad["data"]["issues"] = [{"type": "x"}]  # the check can fail
    with pytest.raises(Exception, match="required property"):
        conforms(app, "/v1/analysis/sessions/{session_id}/results", bad)
