"""run_analysis / analyze_video: status events, report shape, errors and coach fallback.

The vision steps are replaced by fakes here (no MediaPipe), except for the error cases, which
use real (cheap) bad files; test_e2e.py runs the real thing.
"""

from __future__ import annotations

import json
import threading

import pytest

from agents.coach.schema import CoachingReport
from agents.offline_coach import OFFLINE_COACH_MODEL
from agents.pipeline import AnalysisError, analyze_video, run_analysis
from agents.status import ALL_TASKS
from agents.vision import tools as vtools
from tests.agents.scripted import SCRIPTED_MODEL, ScriptedGeminiLlm
from tools.report import Report


def _of(events, kind):
    return [e["data"] for e in events if e["type"] == kind]


def _assert_progress_ok(events):
    progress = _of(events, "progress")
    values = [p["progress"] for p in progress]
    assert values[0] == 0 and values[-1] == 100
    assert values == sorted(values), values
    assert all(isinstance(v, int) and 0 <= v <= 100 for v in values)
    for p in progress:
        assert p["currentStep"] in {"vision_processing", "coaching", "saving"}
        assert isinstance(p["estimatedTimeRemaining"], int) and p["estimatedTimeRemaining"] >= 0
    steps = [p["currentStep"] for p in progress]
    assert steps[-1] == "saving"
    assert max(v for v, s in zip(values, steps, strict=True) if s == "vision_processing") <= 85
    return progress


async def test_status_events_and_report(fake_vision, findings):
    events = []
    report = await run_analysis("/videos/set.mp4", "squat", on_event=events.append)

    statuses = _of(events, "agent_status")
    pairs = [(s["visionAgent"], s["coachingAgent"]) for s in statuses]
    # Collapse repeats; the sequence of agent states must be exactly this.
    collapsed = [p for i, p in enumerate(pairs) if i == 0 or p != pairs[i - 1]]
    assert collapsed == [
        ("waiting", "waiting"),
        ("processing", "waiting"),
        ("complete", "waiting"),
        ("complete", "processing"),
        ("complete", "complete"),
    ]
    assert [t["name"] for t in statuses[-1]["tasks"]] == list(ALL_TASKS)
    assert {t["status"] for t in statuses[-1]["tasks"]} == {"complete"}
    # Task transitions are reported in pipeline order.
    running_order = []
    for s in statuses:
        for t in s["tasks"]:
            if t["status"] == "running" and t["name"] not in running_order:
                running_order.append(t["name"])
    assert running_order == list(ALL_TASKS)

    progress = _assert_progress_ok(events)
    frame_values = [p["progress"] for p in progress if p["currentStep"] == "vision_processing"]
    assert len(set(frame_values)) >= 10  # Frame progress arrived, not just milestones.
    assert fake_vision and fake_vision[0] != threading.get_ident()  # Ran off the event loop.

    assert report["coach"] == OFFLINE_COACH_MODEL
    assert report["exercise"] == "Squat"
    assert report["overallScore"] == findings["score"]
    assert report["repCount"] == 6 and report["reps"] == findings["reps"]
    assert report["totalFrames"] == findings["totalFrames"]
    assert isinstance(report["processingTime"], float)
    assert report["video"] == findings["video"] and report["checks"] == findings["checks"]
    assert [m["name"] for m in report["metrics"]] == [m["name"] for m in findings["metrics"]]
    assert report["metrics"][1] == {**findings["metrics"][1], "unit": "°"}
    # Issues keep the vision's severity, frames, reps and confidence; most severe first.
    assert [i["severity"] for i in report["issues"]] == ["moderate", "minor", "minor"]
    lean = next(i for i in report["issues"] if i["type"] == "Forward lean")
    assert (lean["reps"], lean["share"], lean["measured"]) == ([3, 4], 0.33, {"torsoLeanMax": 52.0})
    assert lean["confidenceScore"] == 0.84 and (lean["frameStart"], lean["frameEnd"]) == (200, 346)
    assert report["recommendations"][0].startswith("Shallow depth")
    assert report["strengths"] and report["summary"]
    assert report["notices"] == [] and report["unratedReason"] is None
    assert Report.model_validate(report).model_dump(mode="json") == report
    json.dumps(report)


async def test_an_unrated_set_has_a_null_score_and_says_why(fake_vision, findings):
    findings.update(score=None, scoreNote="No rule could judge this set from a side view.")
    report = await run_analysis("/videos/set.mp4", "squat")
    assert report["overallScore"] is None
    assert report["unratedReason"] == "No rule could judge this set from a side view."
    assert report["unratedReason"] in report["notices"]


async def test_the_coach_never_supplies_the_score(fake_vision, monkeypatch, findings):
    monkeypatch.setenv("GEMINI_API_KEY", "test-key")
    monkeypatch.setenv("BIOME_COACH_MODEL", SCRIPTED_MODEL)
    findings.update(score=None, repCount=0, reps=[], issues=[])
    ScriptedGeminiLlm.reset()
    ScriptedGeminiLlm.answer = json.dumps(
        {
            "overallScore": 7.5,  # not in the schema; a model that sends one is not heard
            "summary": "No complete rep was found, so your form was not rated.",
            "issues": [],
            "strengths": [],
            "recommendations": ["Film the whole set with your full body in view."],
        }
    )
    report = await run_analysis("/videos/set.mp4", "squat")
    assert report["coach"] == SCRIPTED_MODEL
    assert report["overallScore"] is None and report["unratedReason"]
    assert "overallScore" not in CoachingReport.model_json_schema()["properties"]


async def test_each_vision_step_is_an_adk_tool_call(fake_vision, tmp_path):
    """The vision agent's work shows as function calls and responses; the track never does."""
    from google.adk.apps import App
    from google.adk.runners import Runner
    from google.adk.sessions import InMemorySessionService
    from google.genai import types

    from agents.vision.agent import build_vision_agent

    service = InMemorySessionService()
    runner = Runner(
        app=App(name="vision", root_agent=build_vision_agent()), session_service=service
    )
    state = {"video_path": "/videos/set.mp4", "exercise_name": "Squat"}
    session = await service.create_session(
        app_name="vision", user_id="u", state={**state, "artifacts_dir": str(tmp_path)}
    )
    message = types.Content(role="user", parts=[types.Part(text="go")])
    events = [
        e async for e in runner.run_async(user_id="u", session_id=session.id, new_message=message)
    ]
    await runner.close()
    calls = [c for e in events for c in e.get_function_calls()]
    answers = [r for e in events for r in e.get_function_responses()]
    assert [c.name for c in calls] == [
        "probe_video_tool",
        "extract_pose_track_tool",
        "recognize_exercise_tool",
        "analyze_exercise_tool",
        "render_keyframes_tool",
    ]
    assert [r.name for r in answers] == [c.name for c in calls]
    assert all(r.response["status"] == "ok" for r in answers)
    handle = answers[1].response["poseTrack"]
    assert calls[2].args == {"exercise_name": "Squat", "pose_track": handle}
    assert answers[2].response["recognition"]["mismatch"] is False
    assert calls[3].args == {"exercise_name": "Squat", "pose_track": handle}
    assert answers[3].response["findings"]["repCount"] == 6
    assert "series" not in answers[3].response["findings"]  # per-frame data stays in state
    assert len(json.dumps([r.response for r in answers])) < 20_000
    session = await service.get_session(app_name="vision", user_id="u", session_id=session.id)
    assert session.state["vision_findings"]["score"] == 8.8
    assert session.state["pose_track"] == handle
    assert handle not in vtools._TRACKS  # released when the agent ended


async def test_without_an_exercise_the_recognised_one_is_analysed(fake_vision):
    events = []
    report = await run_analysis("/videos/set.mp4", "", on_event=events.append)
    assert report["recognition"]["exerciseId"] == "squat"
    assert report["recognition"]["analysedAs"] == "squat" and report["recognition"]["named"] is None
    _assert_progress_ok(events)


def test_sync_wrapper(fake_vision):
    events = []
    report = analyze_video("/videos/set.mp4", "Squat", on_event=events.append)
    assert report["repCount"] == 6
    _assert_progress_ok(events)


async def test_unknown_exercise_fails_before_any_work(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("no vision work may start")

    monkeypatch.setattr(vtools, "probe", boom)
    events = []
    with pytest.raises(AnalysisError) as info:
        await run_analysis("/videos/set.mp4", "underwater basket weaving", on_event=events.append)
    assert info.value.code == "VALIDATION_ERROR"
    assert events == []


@pytest.mark.parametrize("kind", ["missing", "garbage"])
async def test_vision_error_raises_and_skips_coaching(tmp_path, kind):
    path = tmp_path / "set.mp4"
    if kind == "garbage":
        path.write_bytes(b"this is not a video" * 100)
    events = []
    with pytest.raises(AnalysisError) as info:
        await run_analysis(str(path), "Squat", on_event=events.append)
    assert info.value.code == "UNSUPPORTED_FORMAT"
    statuses = _of(events, "agent_status")
    assert statuses[-1]["visionAgent"] == "failed"
    assert all(s["coachingAgent"] == "waiting" for s in statuses)
    tasks = {t["name"]: t["status"] for t in statuses[-1]["tasks"]}
    assert tasks["Reading video"] == "failed"


@pytest.mark.parametrize(
    "answer, calls",
    [
        (  # Says nothing true that grounding could keep: rejected, not retried.
            {
                "summary": "Your knees caved in on all 13 reps.",
                "issues": [{"type": "Knee valgus", "coachingCue": "Knees out."}],
                "strengths": [],
                "recommendations": [],
            },
            1,
        ),
        ("this is not json", 3),  # Malformed: retried, then given up.
    ],
)
async def test_unusable_coaching_falls_back_to_offline_coach(
    fake_vision, monkeypatch, answer, calls
):
    monkeypatch.setenv("GOOGLE_API_KEY", "test-key")
    monkeypatch.setenv("BIOME_COACH_MODEL", SCRIPTED_MODEL)
    ScriptedGeminiLlm.reset(answer=answer)
    events = []
    report = await run_analysis("/videos/set.mp4", "Squat", on_event=events.append)
    assert len(ScriptedGeminiLlm.requests) == calls
    assert report["coach"] == OFFLINE_COACH_MODEL
    assert len(report["notices"]) == 1
    assert "Knee valgus" not in json.dumps(report)
    assert _of(events, "agent_status")[-1]["coachingAgent"] == "complete"
    _assert_progress_ok(events)


async def test_scripted_gemini_report_is_used(fake_vision, monkeypatch, findings):
    monkeypatch.setenv("GEMINI_API_KEY", "test-key")
    monkeypatch.setenv("BIOME_COACH_MODEL", SCRIPTED_MODEL)
    ScriptedGeminiLlm.reset()
    ScriptedGeminiLlm.answer = json.dumps(
        {
            "overallScore": 8.8,
            "summary": "Good set; watch your depth.",
            "issues": [{"type": "Forward lean", "coachingCue": "Chest proud."}],
            "strengths": ["Steady 2.2 s reps"],
            "recommendations": ["Box squats"],
        }
    )
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert report["coach"] == SCRIPTED_MODEL
    assert report["summary"] == "Good set; watch your depth."
    cues = {i["type"]: i["coachingCue"] for i in report["issues"]}
    assert cues["Forward lean"] == "Chest proud."  # Single issue of that type: coach's words.
    shallow = [i["coachingCue"] for i in report["issues"] if i["type"] == "Shallow depth"]
    assert shallow == [i["coachingCue"] for i in findings["issues"] if i["type"] == "Shallow depth"]


def test_analysis_error_shape():
    import pickle

    err = AnalysisError("NO_PERSON_DETECTED", "nobody there")
    assert err.to_dict() == {"code": "NO_PERSON_DETECTED", "message": "nobody there"}
    assert str(err) == "NO_PERSON_DETECTED: nobody there"
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.message) == (err.code, err.message)
