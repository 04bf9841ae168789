"""One real end-to-end analysis (MediaPipe on a real video, offline coach): ~15-25 s."""

from __future__ import annotations

import json

from agents.pipeline import run_analysis


async def test_real_squat_video(squat_video):
    events = []
    report = await run_analysis(str(squat_video), "squat", on_event=events.append)

    assert report["exercise"] == "Squat"
    assert report["coach"] == "biome-offline-coach"
    assert report["repCount"] == 6
    assert len(report["reps"]) == 6
    assert 0 <= report["overallScore"] <= 10
    assert report["totalFrames"] > 500
    assert report["processingTime"] > 0
    assert report["video"]["fps"] > 0 and report["video"]["frameCount"] > 0
    for key in ("issues", "metrics", "strengths", "recommendations", "checks"):
        assert isinstance(report[key], list)
    assert report["summary"].startswith("Analysed 6 reps of Squat")
    assert report["recommendations"]
    json.dumps(report)

    progress = [e["data"]["progress"] for e in events if e["type"] == "progress"]
    assert progress[0] == 0 and progress[-1] == 100 and progress == sorted(progress)
    assert len(progress) > 20  # Real frame progress from the pose-extraction thread.
    last_status = [e["data"] for e in events if e["type"] == "agent_status"][-1]
    assert (last_status["visionAgent"], last_status["coachingAgent"]) == ("complete", "complete")
