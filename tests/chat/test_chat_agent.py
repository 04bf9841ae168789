"""The chat agent: offline answers for the common questions, and the Gemini path (scripted).

Runs the real ChatService over ADK's in-memory session service and InlineCoachData, so no
database is involved; test_chat_api.py covers the stored path.
"""

from __future__ import annotations

import copy

import pytest
from google.adk.models.llm_response import LlmResponse
from google.adk.sessions import InMemorySessionService
from google.genai import types

from agents.chat.data import InlineCoachData
from agents.chat.offline import intent_of
from api.chat.service import ChatService
from tests.agents.conftest import FINDINGS
from tests.agents.scripted import SCRIPTED_MODEL, ScriptedGeminiLlm, quota_error
from tests.chat.conftest import report_from


def _data(history: bool = True) -> InlineCoachData:
    earlier = copy.deepcopy(FINDINGS)
    earlier["score"] = 7.1
    earlier["metrics"][1]["actual"] = "101°"
    analysis = {
        "session": {"id": "now", "exerciseName": "Squat", "createdAt": "2026-11-20T09:00:00Z"},
        "report": report_from(FINDINGS),
    }
    past = {
        "session": {"id": "then", "exerciseName": "Squat", "createdAt": "2026-11-10T09:00:00Z"},
        "report": report_from(earlier),
    }
    return InlineCoachData({"analysis": analysis, "history": [past] if history else []})


async def _ask(service: ChatService, text: str, events: list | None = None) -> dict:
    async def collect(event):
        if events is not None:
            events.append(event)

    return await service.ask("u1", "now", "Squat", text, collect)


@pytest.mark.parametrize(
    "question, tools, expected",
    [
        ("Why did I get this score?", ["get_score_breakdown"], ["8.8 out of 10", "-0.5"]),
        ("What was my worst rep?", ["get_score_breakdown", "get_rep"], ["rep 5", "112.4"]),
        ("How can I fix my depth?", ["get_fault_frames"], ["Shallow depth", "parallel"]),
        ("Compare this with last time", ["compare_with_history"], ["7.1 last time", "101° → 92°"]),
        (
            "What does the knee angle mean?",
            ["describe_exercise", "get_metric_series"],
            ["thigh and shin", "rep 5: 112.4"],
        ),
        ("When did I lean forward?", ["get_fault_frames"], ["frames 200–346", "6.7–11.5 s"]),
    ],
)
async def test_offline_model_answers_common_questions_from_tools(question, tools, expected):
    service = ChatService(InMemorySessionService(), _data())
    events = []
    reply = await _ask(service, question, events)
    assert [t["name"] for t in reply["tools"]] == tools
    assert [e["data"]["name"] for e in events if e["type"] == "chat_tool"] == tools
    for text in expected:
        assert text in reply["text"], reply["text"]


async def test_offline_model_says_when_it_does_not_know():
    service = ChatService(InMemorySessionService(), _data(history=False))
    assert "no rep 12" in (await _ask(service, "Tell me about rep 12"))["text"]
    assert "first analysed Squat set" in (await _ask(service, "Am I better than before?"))["text"]
    fault = await _ask(service, "How do I fix my elbow flare?")
    assert "Shallow depth" in fault["text"]  # No such fault: it talks about a detected one.
    unknown = await _ask(service, "Can you book me a physio?")
    assert unknown["tools"] == [] and "can't answer" in unknown["text"]
    empty = ChatService(InMemorySessionService(), InlineCoachData({}))
    assert "No completed analysis" in (await _ask(empty, "How did I do overall?"))["text"]


def test_intents():
    assert intent_of("show me the third rep") == ("rep", {"rep_number": 3})
    assert intent_of("rep #4 please") == ("rep", {"rep_number": 4})
    assert intent_of("which rep was best?")[0] == "rank_reps"
    assert intent_of("tell me a joke")[0] == "unknown"


@pytest.fixture
def gemini(monkeypatch):
    monkeypatch.setenv("GOOGLE_API_KEY", "test-key")
    monkeypatch.setenv("BIOME_CHAT_MODEL", SCRIPTED_MODEL)
    monkeypatch.setenv("BIOME_CHAT_TIMEOUT_S", "0.5")
    return ScriptedGeminiLlm


async def test_gemini_calls_tools_and_answers_from_their_results(gemini):
    def call_rep(request):
        return LlmResponse(
            content=types.Content(
                role="model",
                parts=[
                    types.Part(
                        function_call=types.FunctionCall(name="get_rep", args={"rep_number": 5})
                    )
                ],
            )
        )

    def answer(request):
        responses = [
            p.function_response.response
            for c in request.contents
            for p in c.parts or []
            if p.function_response
        ]
        knee = responses[-1]["measures"]["kneeAngleBottom"]
        return f"Rep 5 bottomed out at {knee}°."

    gemini.reset(call_rep, answer)
    service = ChatService(InMemorySessionService(), _data())
    reply = await _ask(service, "How deep was rep 5?")
    assert reply["text"] == "Rep 5 bottomed out at 112.4°."
    assert reply["tools"] == [{"name": "get_rep", "args": {"rep_number": 5}}]
    assert "notice" not in reply
    first = gemini.requests[0]
    assert set(first.tools_dict) >= {"get_rep", "get_score_breakdown", "compare_with_history"}
    assert "Answer from your tools" in first.config.system_instruction


async def test_gemini_failure_falls_back_to_the_offline_model(gemini):
    gemini.reset(quota_error(), quota_error(), quota_error(), quota_error())
    service = ChatService(InMemorySessionService(), _data())
    reply = await _ask(service, "Why did I get this score?")
    assert "8.8 out of 10" in reply["text"]
    assert reply["tools"][0]["name"] == "get_score_breakdown"
    assert "quota" in reply["notice"]
    messages = await service.conversation("u1", "now")
    assert messages[-1]["notice"] == reply["notice"]  # Stored with the message.
