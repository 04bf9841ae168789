"""The real Gemini path end to end: ADK → google-genai → HTTP → a stand-in on loopback.

Nothing of ours is replaced but the vision steps (fake_vision) and the network peer: the
coaching agent and the chat agent run their real `Gemini` model with GOOGLE_API_KEY=anything
and GOOGLE_GEMINI_BASE_URL pointing at tests/gemini_standin.py. Deadlines are short so the
failure paths (429, 503, timeouts, malformed answers) stay fast.
"""

from __future__ import annotations

import copy
import json
import time

import pytest
from google.adk.sessions import InMemorySessionService

from agents.chat.data import InlineCoachData
from agents.offline_coach import OFFLINE_COACH_MODEL
from agents.pipeline import run_analysis
from tests.agents.conftest import FINDINGS
from tests.gemini_standin import GeminiStandIn

MODEL = "gemini-2.5-flash"

GOOD = {
    "summary": "Solid set of 6 reps; rep 5 was shallow at 112°.",
    "issues": [
        {"type": "Shallow depth", "coachingCue": "Sit lower on every rep."},
        {"type": "Forward lean", "coachingCue": "Keep your chest up."},
    ],
    "strengths": ["Steady 2.2 s reps."],
    "recommendations": ["Squat to a box at parallel height to groove the depth."],
}


@pytest.fixture
def standin(monkeypatch):
    with GeminiStandIn() as server:
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", server.url)
        monkeypatch.setenv("GOOGLE_API_KEY", "anything")
        monkeypatch.setenv("BIOME_COACH_MODEL", MODEL)
        monkeypatch.setenv("BIOME_COACH_TIMEOUT_S", "0.6")
        monkeypatch.setenv("BIOME_CHAT_TIMEOUT_S", "0.6")
        monkeypatch.setenv("BIOME_COACH_BACKOFF_S", "0.01")
        yield server


async def test_good_answer_is_the_report(standin, fake_vision):
    standin.play(answer=GOOD)
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert report["coach"] == MODEL
    assert report["summary"] == GOOD["summary"]
    assert not report.get("notices")
    (request,) = standin.generate_requests
    assert request["path"].startswith(f"/v1beta/models/{MODEL}:generateContent")
    assert request["headers"]["x-goog-api-key"] == "anything"
    instruction = json.dumps(request["body"]["systemInstruction"])
    assert "BIOME_VISION_FINDINGS_JSON" in instruction and "Shallow depth" in instruction
    assert "series" not in instruction  # The coach is shown the findings, not per-frame data.


async def test_planted_defects_are_repaired_or_dropped(standin, fake_vision):
    planted = {
        **GOOD,
        "summary": "You did 13 reps. Rep 5 was shallow at 112°. Your elbows flared on rep 2.",
        "strengths": ["**Steady** 2.2 s reps.", "You held seventy degrees of lean."],
    }
    standin.play(answer=planted)
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert report["coach"] == MODEL  # Kept: what was wrong was fixed or removed.
    assert report["summary"] == "You did 6 reps. Rep 5 was shallow at 112°."
    assert report["strengths"] == ["Steady 2.2 s reps."]


async def test_retry_after_503_then_the_answer(standin, fake_vision):
    standin.play(("status", 503), answer=GOOD)
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert report["coach"] == MODEL and len(standin.generate_requests) == 2


@pytest.mark.parametrize(
    "failure, words",
    [
        (("status", 429), "quota"),
        (("status", 503), "unavailable"),
        (("hang", 1.5), "did not answer in time"),
        ("{not json", "not usable"),  # The model's text is not a report.
        (("raw", "{not json"), "not usable"),  # The HTTP body is not JSON.
    ],
    ids=["429", "503", "timeout", "malformed-text", "malformed-body"],
)
async def test_outage_falls_back_to_the_offline_coach_with_a_notice(
    standin, fake_vision, failure, words
):
    standin.play(failure, failure, failure, answer=GOOD)
    started = time.perf_counter()
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert len(standin.generate_requests) == 3
    assert time.perf_counter() - started < 8
    assert report["coach"] == OFFLINE_COACH_MODEL
    assert words in report["notices"][0] and "offline coach" in report["notices"][0]


async def test_after_an_outage_the_next_analysis_does_not_wait(standin, fake_vision):
    standin.play(("status", 503), ("status", 503), ("status", 503), answer=GOOD)
    await run_analysis("/videos/set.mp4", "Squat")
    standin.play(answer=GOOD)  # The service is back, but the circuit is still open.
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert standin.generate_requests == [] and report["coach"] == OFFLINE_COACH_MODEL
    assert "unavailable" in report["notices"][0]


# Chat -----------------------------------------------------------------------------------------


def _service():
    from api.chat.service import ChatService
    from tests.chat.conftest import report_from

    analysis = {
        "session": {"id": "now", "exerciseName": "Squat", "createdAt": "2026-11-20T09:00:00Z"},
        "report": report_from(copy.deepcopy(FINDINGS)),
    }
    return ChatService(InMemorySessionService(), InlineCoachData({"analysis": analysis}))


async def test_chat_reply_is_grounded_in_the_turn_tool_results(standin, monkeypatch):
    monkeypatch.setenv("BIOME_CHAT_MODEL", MODEL)

    def answer(body):
        results = [
            p["functionResponse"]["response"]
            for c in body["contents"]
            for p in c["parts"]
            if "functionResponse" in p
        ]
        knee = results[-1]["measures"]["kneeAngleBottom"]
        return f"Rep 5 bottomed out at {knee}°. Your elbows flared on rep 2."

    standin.play(("call", "get_rep", {"rep_number": 5}), answer)
    reply = await _service().ask("u1", "now", "Squat", "How deep was rep 5?")
    assert reply["text"] == "Rep 5 bottomed out at 112.4°."
    assert reply["tools"] == [{"name": "get_rep", "args": {"rep_number": 5}}]
    assert "notice" not in reply


async def test_chat_reply_with_nothing_true_is_answered_offline(standin, monkeypatch):
    monkeypatch.setenv("BIOME_CHAT_MODEL", MODEL)
    standin.play(answer="Your knees caved in on every one of your 13 reps.")
    reply = await _service().ask("u1", "now", "Squat", "Why did I get this score?")
    assert len(standin.generate_requests) == 1  # The rest of the turn stayed offline.
    assert "caved" not in reply["text"] and "8.8 out of 10" in reply["text"]
    assert "did not match your measurements" in reply["notice"]


async def test_chat_turn_during_an_outage_waits_for_the_model_once(standin, monkeypatch):
    monkeypatch.setenv("BIOME_CHAT_MODEL", MODEL)
    monkeypatch.setenv("BIOME_CHAT_ATTEMPTS", "2")
    standin.play(answer=("status", 503))
    started = time.perf_counter()
    reply = await _service().ask("u1", "now", "Squat", "Which was my worst rep?")
    # The offline model took three steps (score breakdown, the rep, the answer); the model
    # was asked only in the first (2 attempts), then the open circuit sent the rest offline.
    assert [t["name"] for t in reply["tools"]] == ["get_score_breakdown", "get_rep"]
    assert len(standin.generate_requests) == 2
    assert "unavailable" in reply["notice"]
    assert time.perf_counter() - started < 5
