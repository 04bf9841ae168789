"""The Gemini path under failure: timeouts, retries with backoff, quota, bad keys, bad output.

Gemini is played by the scripted model (tests/agents/scripted.py); the pipeline runs for real
apart from the vision steps (fake_vision). Every path ends in a usable report: the model's when
a retry succeeds, the offline coach's with a notice saying why when it does not.
"""

from __future__ import annotations

import json
import time

import pytest

from agents.offline_coach import OFFLINE_COACH_MODEL
from agents.pipeline import run_analysis
from agents.resilient_llm import ModelUnavailable, ResilientLlm, classify, retry_delay_s
from tests.agents.scripted import (
    SCRIPTED_MODEL,
    ScriptedGeminiLlm,
    bad_key_error,
    quota_error,
    server_error,
)

GOOD = {
    "summary": "Solid set of 6 reps; rep 5 was shallow at 112°.",
    "issues": [
        {"type": "Shallow depth", "coachingCue": "Sit lower on every rep."},
        {"type": "Forward lean", "coachingCue": "Keep your chest up."},
    ],
    "strengths": ["Steady 2.2 s reps"],
    "recommendations": ["Box squats to groove depth"],
}


@pytest.fixture
def gemini(monkeypatch, fake_vision):
    monkeypatch.setenv("GOOGLE_API_KEY", "test-key")
    monkeypatch.setenv("BIOME_COACH_MODEL", SCRIPTED_MODEL)
    monkeypatch.setenv("BIOME_COACH_TIMEOUT_S", "0.3")
    return ScriptedGeminiLlm


@pytest.mark.parametrize(
    "failure",
    [quota_error(), server_error(), ("hang", 2.0), "{not json", {"strengths": "not a list"}],
    ids=["quota", "503", "timeout", "malformed", "schema-violating"],
)
async def test_transient_failure_is_retried_then_used(gemini, failure):
    gemini.reset(failure, failure, answer=GOOD)
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert len(gemini.requests) == 3
    assert report["coach"] == SCRIPTED_MODEL
    assert report["summary"] == GOOD["summary"]
    assert not report.get("notices")


@pytest.mark.parametrize(
    "failure, kind_words",
    [
        (quota_error(), "quota"),
        (server_error(), "unavailable"),
        (("hang", 2.0), "did not answer in time"),
        ("{not json", "not usable"),
    ],
    ids=["quota", "503", "timeout", "malformed"],
)
async def test_persistent_failure_falls_back_with_a_notice(gemini, failure, kind_words):
    gemini.reset(failure, failure, failure, answer=GOOD)
    started = time.perf_counter()
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert len(gemini.requests) == 3  # Gave up after the attempts allowed.
    assert time.perf_counter() - started < 5  # Each attempt had its deadline.
    assert report["coach"] == OFFLINE_COACH_MODEL
    (notice,) = report["notices"]
    assert kind_words in notice and "offline coach" in notice


async def test_bad_key_is_not_retried(gemini):
    gemini.reset(bad_key_error(), answer=GOOD)
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert len(gemini.requests) == 1
    assert report["coach"] == OFFLINE_COACH_MODEL
    assert "refused" in report["notices"][0]


async def test_quota_retry_delay_longer_than_budget_gives_up_at_once(gemini):
    gemini.reset(quota_error(retry_delay="3600s"), answer=GOOD)
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert len(gemini.requests) == 1
    assert "quota" in report["notices"][0]


async def test_backoff_grows_and_honours_retry_info():
    from tests.agents.scripted import ScriptedGeminiLlm as Model

    Model.reset(quota_error(retry_delay="0.2s"), server_error(), answer="fine")
    llm = ResilientLlm.wrap(SCRIPTED_MODEL, attempts=3, backoff_s=0.05, timeout_s=1)
    from google.adk.models.llm_request import LlmRequest

    started = time.perf_counter()
    responses = [r async for r in llm.generate_content_async(LlmRequest())]
    elapsed = time.perf_counter() - started
    assert responses[0].content.parts[0].text == "fine"
    # First wait >= the 0.2 s the quota error asked for (with -20 % jitter), second ~0.1 s.
    assert elapsed >= 0.16 + 0.08


async def test_exhausted_without_fallback_raises_with_kind():
    from google.adk.models.llm_request import LlmRequest

    ScriptedGeminiLlm.reset(quota_error(), quota_error(), answer="late")
    llm = ResilientLlm.wrap(SCRIPTED_MODEL, attempts=2, backoff_s=0.01)
    with pytest.raises(ModelUnavailable) as info:
        _ = [r async for r in llm.generate_content_async(LlmRequest())]
    assert info.value.kind == "quota" and info.value.attempts == 2


def test_classification():
    assert classify(quota_error()) == ("quota", True)
    assert classify(server_error()) == ("unavailable", True)
    assert classify(bad_key_error()) == ("rejected", False)
    assert classify(TimeoutError()) == ("timeout", True)
    assert classify(ConnectionResetError()) == ("unavailable", True)
    assert retry_delay_s(quota_error(retry_delay="12s")) == 12.0
    assert retry_delay_s(quota_error()) is None


async def test_report_that_drops_a_detected_issue_is_repaired(gemini, findings):
    dropped = {**GOOD, "issues": GOOD["issues"][:1]}
    gemini.reset(answer=dropped)
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert report["coach"] == SCRIPTED_MODEL  # Repaired, not replaced.
    lean = [i for i in report["issues"] if i["type"] == "Forward lean"]
    assert lean[0]["coachingCue"] == findings["issues"][1]["coachingCue"]


@pytest.mark.parametrize(
    "change, gone",
    [
        ({"summary": GOOD["summary"] + " Rep 5 only reached 121° of knee bend."}, "121"),
        ({"strengths": ["Steady 2.2 s reps", "You moved at 3.4 s per rep."]}, "3.4 s"),
        ({"summary": GOOD["summary"] + " Watch the knee valgus on rep 2."}, "valgus"),
        ({"summary": GOOD["summary"] + " Your elbows flared."}, "flared"),
    ],
)
async def test_ungrounded_sentence_is_dropped_and_the_report_kept(gemini, change, gone):
    gemini.reset(answer={**GOOD, **change})
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert report["coach"] == SCRIPTED_MODEL  # One bad sentence no longer costs the report.
    assert gone not in json.dumps(report)
    assert report["summary"].startswith("Solid set of 6 reps")


async def test_report_with_nothing_true_left_is_replaced(gemini):
    gemini.reset(answer={**GOOD, "summary": "Your elbows flared and your knees caved in."})
    report = await run_analysis("/videos/set.mp4", "Squat")
    assert report["coach"] == OFFLINE_COACH_MODEL
    assert "flared" not in json.dumps(report)
    assert "did not match the measurements" in report["notices"][0]
