"""The orchestrator stops after a vision error and records it in state."""

from __future__ import annotations

from google.adk.apps import App
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.genai import types

from agents.orchestrator.agent import build_root_agent
from agents.status import StatusPlugin
from agents.vision.tools import analyze_exercise_video, probe_video_tool


async def _run(state: dict):
    events_out = []
    service = InMemorySessionService()
    app = App(
        name="biome", root_agent=build_root_agent(), plugins=[StatusPlugin(events_out.append)]
    )
    runner = Runner(app=app, session_service=service)
    session = await service.create_session(app_name="biome", user_id="u", state=state)
    events = [
        e
        async for e in runner.run_async(
            user_id="u",
            session_id=session.id,
            new_message=types.Content(role="user", parts=[types.Part(text="go")]),
        )
    ]
    await runner.close()
    session = await service.get_session(app_name="biome", user_id="u", session_id=session.id)
    return events, session.state, events_out


async def test_stops_after_vision_error(tmp_path):
    garbage = tmp_path / "clip.mp4"
    garbage.write_bytes(b"\x00\x01garbage" * 64)
    events, state, status = await _run({"video_path": str(garbage), "exercise_name": "Squat"})
    assert state["vision_error"]["code"] == "UNSUPPORTED_FORMAT"
    assert state["vision_error"]["message"]
    assert "vision_findings" not in state and "coaching_report" not in state
    assert {e.author for e in events} == {"vision_agent"}
    # Status events carry metadata only: no text that could pass for a final answer.
    assert all(e.content is None for e in events)
    assert events[-1].custom_metadata["biome_task"] == {"name": "Reading video", "status": "failed"}
    assert status[-1]["data"]["visionAgent"] == "failed"


async def test_unknown_exercise_in_state_is_a_validation_error(tmp_path):
    events, state, _ = await _run({"video_path": str(tmp_path / "x.mp4"), "exercise_name": "?"})
    assert state["vision_error"]["code"] == "VALIDATION_ERROR"
    assert "coaching_report" not in state


def test_tool_functions_return_error_dicts(tmp_path):
    missing = str(tmp_path / "missing.mp4")
    assert probe_video_tool(missing) == {
        "status": "error",
        "code": "UNSUPPORTED_FORMAT",
        "message": "file not found: missing.mp4",
    }
    result = analyze_exercise_video(missing, "Squat")
    assert result["status"] == "error" and result["code"] == "UNSUPPORTED_FORMAT"
    result = analyze_exercise_video(missing, "not an exercise")
    assert result["status"] == "error" and result["code"] == "VALIDATION_ERROR"
