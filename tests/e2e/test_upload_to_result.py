"""The walking skeleton end to end: a real server, a real clip, a real WebSocket.

Starts ``biome serve`` on a loopback port (on the suite's database engine), registers, uploads
the six-rep front-view squat clip over HTTP, follows the WebSocket to ``analysis_complete`` and
reads the results.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from tests.security.servers import running_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path):
    limits = {
        # These tests poll; the limiter has its own tests.
        "BIOME_RATE_LIMIT": "100000",
        # On PostgreSQL every test server shares the suite's database, and so its counters.
        "BIOME_AUTH_RATE_LIMIT": "100000",
    }
    with running_server(tmp_path / "data", tmp_path / "server.log", **limits) as base:
        yield {"http": base, "ws": base.replace("http://", "ws://", 1)}


async def follow(ws_url: str, timeout_s: float = 240) -> list[dict]:
    events = []
    async with asyncio.timeout(timeout_s), websockets.connect(ws_url) as ws:
        async for message in ws:
            event = json.loads(message)
            events.append(event)
            if event["type"] in ("analysis_complete", "error"):
                break
    return events


async def test_squat_clip_from_upload_to_coached_result(server, squat_video):
    async with httpx.AsyncClient(base_url=server["http"], timeout=30) as http:
        reg = await http.post(
            "/v1/auth/register",
            json={"email": "e2e@example.com", "username": "e2e_user", "password": "squat-depth-90"},
        )
        assert reg.status_code == 201, reg.text
        token = reg.json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}"}

        with open(squat_video, "rb") as f:
            up = await http.post(
                "/v1/analysis/upload",
                headers=headers,
                files={"video": ("squat.mp4", f, "video/mp4")},
                data={"exerciseName": "Squat"},
            )
        assert up.status_code == 201, up.text
        session_id = up.json()["data"]["sessionId"]
        assert up.json()["data"]["status"] == "pending"

        events = await follow(f"{server['ws']}/ws/analysis/{session_id}?token={token}")

        results = await http.get(f"/v1/analysis/sessions/{session_id}/results", headers=headers)
        session = await http.get(f"/v1/analysis/sessions/{session_id}", headers=headers)
        # The video link works without the token (a <video> element cannot send one).
        video = await http.get(results.json()["data"]["session"]["videoUrl"])
        summary = await http.get("/v1/progress/summary", headers=headers)
        series = await http.get(f"/v1/analysis/sessions/{session_id}/series", headers=headers)
        keyframes = results.json()["data"]["keyframes"]
        pictures = [await http.get(k["url"]) for k in keyframes if k["url"]]

    # Visuals: the worst rep drawn and stored beside the video; the knee-angle series to plot.
    assert [k["kind"] for k in keyframes] == ["worst_rep"]
    assert pictures and all(
        p.status_code == 200 and p.content[:3] == b"\xff\xd8\xff" for p in pictures
    )
    plot = series.json()["data"]
    assert plot["signal"] == "knee_angle" and plot["unit"] == "°"
    assert len(plot["frames"]) == len(plot["values"]) > 500
    measured = [v for v in plot["values"] if v is not None]
    assert min(measured) < 80 < 160 < max(measured)

    # Events: every one names the session; agent status and progress stream before the end.
    assert all(e["data"]["sessionId"] == session_id for e in events)
    types = [e["type"] for e in events]
    assert types[-1] == "analysis_complete", events[-3:]
    assert "agent_status" in types and "progress" in types
    progress = [e["data"]["progress"] for e in events if e["type"] == "progress"]
    assert progress == sorted(progress)
    assert progress[-1] == 100
    assert any(
        e["data"]["currentStep"] == "vision_processing" for e in events if e["type"] == "progress"
    )
    statuses = [
        (e["data"]["visionAgent"], e["data"]["coachingAgent"])
        for e in events
        if e["type"] == "agent_status"
    ]
    # The vision agent works before the coach, and both finish.
    first_coaching = next(i for i, s in enumerate(statuses) if s[1] == "processing")
    assert all(s[0] == "complete" for s in statuses[first_coaching:])
    assert any(s[0] == "processing" for s in statuses[:first_coaching])
    assert statuses[-1] == ("complete", "complete")
    tasks = {
        t["name"]: t["status"]
        for t in events[types.index("analysis_complete") - 1]["data"].get("tasks", [])
    } or {
        t["name"]: t["status"]
        for e in events
        if e["type"] == "agent_status"
        for t in e["data"]["tasks"]
    }
    assert tasks and all(s == "complete" for s in tasks.values())

    # Results: the spec's shape, with the clip's six reps.
    assert results.status_code == 200, results.text
    body = results.json()
    assert body["success"] is True
    data = body["data"]
    assert set(data) >= {
        "session",
        "result",
        "issues",
        "metrics",
        "strengths",
        "recommendations",
        "reps",
    }
    assert data["session"]["id"] == session_id
    assert data["session"]["exerciseName"] == "Squat"
    assert (
        f"/v1/files/users/{reg.json()['data']['user']['id']}/sessions/{session_id}/"
        in (data["session"]["videoUrl"])
    )
    assert video.status_code == 200
    assert video.content == squat_video.read_bytes()
    result = data["result"]
    assert result["repCount"] == 6
    assert result["exercise"] == "Squat"
    assert result["coach"] == "biome-offline-coach"
    assert 0 <= result["overallScore"] <= 10
    assert result["totalFrames"] > 500
    assert result["processingTime"] > 0
    assert len(data["reps"]) == 6
    for rep in data["reps"]:
        assert rep["startFrame"] < rep["endFrame"]
        assert rep["startTime"] < rep["endTime"]
        assert 30 < rep["kneeAngleBottom"] < 170
    assert data["metrics"] and all(
        set(m) == {"name", "actual", "target", "status", "value", "unit"}
        and m["status"] in ("good", "warning", "error")
        for m in data["metrics"]
    )
    for issue in data["issues"]:
        assert issue["severity"] in ("minor", "moderate", "severe")
        assert 0 <= issue["frameStart"] <= issue["frameEnd"] < result["totalFrames"]
        assert 0 <= issue["confidenceScore"] <= 1
        assert issue["coachingCue"]
        # Which reps, what share of them, what was measured (tools.report.Issue).
        assert set(issue["reps"]) <= set(range(1, 7)) and issue["measured"]
        assert issue["share"] == (round(len(issue["reps"]) / 6, 2) if issue["reps"] else None)
    assert data["recommendations"]
    complete = events[-1]["data"]
    assert complete["overallScore"] == result["overallScore"]
    assert complete["unratedReason"] is None and result["unratedReason"] is None
    assert complete["resultId"]

    assert session.json()["data"]["status"] == "completed"
    assert session.json()["data"]["progress"] == 100
    assert session.json()["data"]["startedAt"] <= session.json()["data"]["completedAt"]

    # user_progress was brought up to date when the analysis completed.
    progress = summary.json()["data"]
    assert progress["totalAnalyses"] == 1
    assert progress["favoriteExercise"] == "Squat"
    assert progress["recentScores"] == [result["overallScore"]]


async def test_late_subscriber_gets_the_outcome(server, tmp_path):
    """A client that connects after the analysis ended still gets its terminal event."""
    from tests.videos import blank_video

    video = blank_video(tmp_path / "nobody.mp4", seconds=1)
    async with httpx.AsyncClient(base_url=server["http"], timeout=30) as http:
        reg = await http.post(
            "/v1/auth/register",
            json={"email": "late@example.com", "username": "late_user", "password": "latecomer1"},
        )
        token = reg.json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        with open(video, "rb") as f:
            up = await http.post(
                "/v1/analysis/upload",
                headers=headers,
                files={"video": ("nobody.mp4", f, "video/mp4")},
                data={"exerciseName": "squat"},
            )
        session_id = up.json()["data"]["sessionId"]
        for _ in range(600):
            status = (
                await http.get(f"/v1/analysis/sessions/{session_id}", headers=headers)
            ).json()["data"]["status"]
            if status in ("completed", "failed"):
                break
            await asyncio.sleep(0.1)
    assert status == "failed"
    events = await follow(f"{server['ws']}/ws/analysis/{session_id}?token={token}", timeout_s=10)
    assert events == [
        {
            "type": "error",
            "data": {
                "sessionId": session_id,
                "error": events[0]["data"]["error"],
                "code": "NO_PERSON_DETECTED",
            },
        }
    ]
    bad = await follow(f"{server['ws']}/ws/analysis/{session_id}?token=garbage", timeout_s=10)
    assert bad[0]["data"]["code"] == "AUTHENTICATION_ERROR"
