"""The orchestrator stops after a vision error and records it in state."""

from __future__ import annotations

from google.adk.apps import App
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.genai import types

from agents.orchestrator.agent import build_root_agent
from agents.status import StatusPlugin


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
    # The probe was a tool call, answered with the error; no text could pass for an answer.
    assert [c.name for e in events for c in e.get_function_calls()] == ["probe_video_tool"]
    (answer,) = [r.response for e in events for r in e.get_function_responses()]
    assert (answer["status"], answer["code"]) == ("error", "UNSUPPORTED_FORMAT")
    assert not any(p.text for e in events if e.content for p in e.content.parts)
    assert events[-1].custom_metadata["biome_task"] == {"name": "Reading video", "status": "failed"}
    assert status[-1]["data"]["visionAgent"] == "failed"
    tasks = {t["name"]: t["status"] for t in status[-1]["data"]["tasks"]}
    assert tasks["Reading video"] == "failed" and tasks["Extracting body landmarks"] == "pending"


async def test_unknown_exercise_in_state_is_a_validation_error(tmp_path):
    events, state, _ = await _run({"video_path": str(tmp_path / "x.mp4"), "exercise_name": "?"})
    assert state["vision_error"]["code"] == "VALIDATION_ERROR"
    assert "coaching_report" not in state
