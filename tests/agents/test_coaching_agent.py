"""The coaching agent, run through an ADK Runner with findings in state."""

from __future__ import annotations

import json

from google.adk.apps import App
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.genai import types

from agents.coach.agent import build_coaching_agent, coach_model_name
from agents.coach.schema import CoachingReport
from agents.findings_format import extract_findings
from agents.offline_coach import OFFLINE_COACH_MODEL, build_offline_report
from agents.resilient_llm import ResilientLlm
from tests.agents.scripted import SCRIPTED_MODEL, ScriptedGeminiLlm


async def run_coach(agent, findings: dict) -> dict:
    service = InMemorySessionService()
    runner = Runner(app=App(name="coach_test", root_agent=agent), session_service=service)
    session = await service.create_session(
        app_name="coach_test", user_id="u", state={"vision_findings": findings}
    )
    events = [
        e
        async for e in runner.run_async(
            user_id="u",
            session_id=session.id,
            new_message=types.Content(role="user", parts=[types.Part(text="Coach me.")]),
        )
    ]
    await runner.close()
    session = await service.get_session(app_name="coach_test", user_id="u", session_id=session.id)
    return {"events": events, "state": session.state}


def test_model_selection(monkeypatch):
    assert coach_model_name() == OFFLINE_COACH_MODEL  # No key: never Gemini.
    monkeypatch.setenv("BIOME_COACH_MODEL", "gemini-2.5-pro")
    assert coach_model_name() == OFFLINE_COACH_MODEL
    monkeypatch.setenv("GEMINI_API_KEY", "test-key")
    assert coach_model_name() == "gemini-2.5-pro"
    monkeypatch.delenv("BIOME_COACH_MODEL")
    assert coach_model_name() == "gemini-2.5-flash"


async def test_offline_coaching_agent_writes_valid_report(findings):
    agent = build_coaching_agent()
    assert agent.model == OFFLINE_COACH_MODEL
    result = await run_coach(agent, findings)
    report = CoachingReport.model_validate(result["state"]["coaching_report"])
    assert report.model_dump() == build_offline_report(findings)
    final = [e for e in result["events"] if e.is_final_response() and e.content]
    assert final and final[-1].author == "coaching_agent"


async def test_gemini_path_uses_env_model_and_sees_findings(findings, monkeypatch):
    monkeypatch.setenv("GOOGLE_API_KEY", "test-key")
    monkeypatch.setenv("BIOME_COACH_MODEL", SCRIPTED_MODEL)
    answer = {
        "summary": "Solid set; rep 5 was shallow.",
        "issues": [{"type": "Shallow depth", "coachingCue": "Sit lower, to parallel."}],
        "strengths": ["Controlled tempo"],
        "recommendations": ["Goblet squats for depth"],
    }
    ScriptedGeminiLlm.requests = []
    ScriptedGeminiLlm.answer = json.dumps(answer)
    agent = build_coaching_agent()
    assert isinstance(agent.model, ResilientLlm) and agent.model.model == SCRIPTED_MODEL
    result = await run_coach(agent, findings)
    assert result["state"]["coaching_report"] == answer
    (request,) = ScriptedGeminiLlm.requests
    assert request.config.response_schema is CoachingReport
    embedded = extract_findings(request.config.system_instruction)
    assert embedded["issues"] == findings["issues"]
    assert "Name only issues listed in findings.issues" in request.config.system_instruction
