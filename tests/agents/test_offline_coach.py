"""The offline coach writes grounded, deterministic reports."""

from __future__ import annotations

import json
import re

import pytest
from google.adk.models.llm_request import LlmRequest
from google.adk.models.registry import LLMRegistry
from google.genai import types

from agents.coach.schema import CoachingReport
from agents.findings_format import embed_findings
from agents.offline_coach import OFFLINE_COACH_MODEL, OfflineCoachLlm, build_offline_report
from tools.drills import for_issue

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _numbers(text: str) -> set[float]:
    return {float(n) for n in _NUMBER.findall(text)}


def _report_text(report: dict) -> str:
    return " ".join(
        [report["summary"], *report["strengths"], *report["recommendations"]]
        + [i["coachingCue"] for i in report["issues"]]
    )


def test_report_is_valid_and_grounded(findings):
    report = build_offline_report(findings)
    CoachingReport.model_validate(report)

    detected = {i["type"] for i in findings["issues"]}
    assert {i["type"] for i in report["issues"]} == detected
    for issue in report["issues"]:
        assert issue["coachingCue"] in {i["coachingCue"] for i in findings["issues"]}

    quoted = _numbers(_report_text(report))
    measured = _numbers(json.dumps(findings, ensure_ascii=False))
    assert quoted, "the report should quote some measured numbers"
    assert quoted <= measured, f"numbers not in findings: {quoted - measured}"
    # The score is measured, never the coach's: the report does not carry one.
    assert "overallScore" not in report
    assert "Form score: 8.8 out of ten." in report["summary"]


def test_priority_order_and_strengths(findings):
    report = build_offline_report(findings)
    # Most severe first: the moderate shallow-depth issue before the minor forward lean.
    assert [i["type"] for i in report["issues"]] == ["Shallow depth", "Forward lean"]
    assert report["recommendations"][0].startswith("Shallow depth")
    assert report["recommendations"][1].startswith("Forward lean")
    assert "rep 5" not in report["summary"] or "reps 2 and 5" in report["summary"]
    assert "reps 2 and 5" in report["summary"]
    # Only metrics with status good and a real target become strengths.
    assert any("Controlled rep tempo: 2.2 s" in s for s in report["strengths"])
    assert not any(
        "Depth consistency" in s or "consistent depth" in s.lower() for s in report["strengths"]
    )
    assert not any("Rep Count" in s for s in report["strengths"])


def test_clean_set(findings):
    findings["issues"] = []
    findings["score"] = 10.0
    report = build_offline_report(findings)
    assert report["issues"] == []
    assert any("No form issues detected across all 6 reps" in s for s in report["strengths"])
    assert "No form issues were detected" in report["summary"]
    # Progression advice names the exercise.
    assert "Squat" in report["recommendations"][-1]


def test_no_clean_claim_when_nothing_was_judged(findings):
    """A 10 with only framing checks done is no evidence of clean form: no such claim."""
    findings["issues"] = []
    findings["score"] = 10.0
    findings["checks"] = [
        {"name": "camera_view", "status": "done", "reason": None},
        {"name": "reps", "status": "done", "reason": None},
        {"name": "knee_valgus", "status": "not_possible", "reason": "needs a front view"},
    ]
    report = build_offline_report(findings)
    text = " ".join([report["summary"], *report["strengths"]])
    assert "No form issues" not in text


def test_unrated_set_says_why_and_gives_no_score(findings):
    findings.update(repCount=0, reps=[], issues=[], score=None)
    findings["scoreNote"] = "no complete repetition was detected"
    findings["checks"] = [
        {"name": "reps", "status": "not_possible", "reason": "no complete repetition was detected"},
        {"name": "shallow_depth", "status": "not_possible", "reason": "no complete repetition"},
    ]
    report = build_offline_report(findings)
    CoachingReport.model_validate(report)
    assert "overallScore" not in report
    assert "This set was not rated: no complete repetition was detected." in report["summary"]
    assert "Form score" not in report["summary"] and "out of ten" not in report["summary"]
    assert not any("No form issues" in s for s in report["strengths"])
    assert "Squat" in report["recommendations"][-1]
    assert "no complete repetition was detected" in report["recommendations"][-1]


def test_unrated_reason_falls_back_to_the_checks(findings):
    findings.update(issues=[], score=None)
    findings.pop("scoreNote", None)
    findings["checks"] = [{"name": "symmetry", "status": "not_possible", "reason": "side view"}]
    assert "This set was not rated: side view." in build_offline_report(findings)["summary"]


@pytest.mark.parametrize(
    "exercise, issue_type, rule, must, must_not",
    [
        ("Push-up", "Partial range of motion", "partial_range", "push-up", "squat"),
        ("Pull-up", "Partial hang", "dead_hang", "hang", "squat"),
        ("Bicep Curl", "Leaning back", "lean_back", "curl", "squat"),
        ("Bench Press", "Partial range of motion", "partial_range", "bench press", "squat"),
        ("Squat", "Shallow depth", "shallow_depth", "squat", "push-up"),
    ],
)
def test_recommendations_use_the_drills_of_the_rule_and_exercise(
    findings, exercise, issue_type, rule, must, must_not
):
    findings["exercise"] = exercise
    findings["issues"] = [{**findings["issues"][0], "type": issue_type, "rule": rule}]
    report = build_offline_report(findings)
    advice = for_issue(exercise, issue_type)
    first = report["recommendations"][0]
    assert first.startswith(f"{issue_type}: {advice['drills'][0]}")
    assert must in first.lower() and must_not not in first.lower()


def test_deterministic(findings):
    assert build_offline_report(findings) == build_offline_report(findings)


def test_registered_and_declares_capability():
    llm = LLMRegistry.new_llm(OFFLINE_COACH_MODEL)
    assert isinstance(llm, OfflineCoachLlm)
    assert llm.capabilities.output_schema_and_tools is True


async def _answer(request: LlmRequest):
    responses = [r async for r in OfflineCoachLlm().generate_content_async(request)]
    assert len(responses) == 1
    return responses[0]


async def test_reads_findings_from_system_instruction(findings):
    request = LlmRequest(
        model=OFFLINE_COACH_MODEL,
        config=types.GenerateContentConfig(
            system_instruction=f"Coach this.\n{embed_findings(findings)}\nThanks."
        ),
    )
    response = await _answer(request)
    report = json.loads(response.content.parts[0].text)
    assert report == build_offline_report(findings)


async def test_answers_through_set_model_response_tool_when_present(findings):
    from google.adk.tools.set_model_response_tool import SetModelResponseTool

    request = LlmRequest(
        model=OFFLINE_COACH_MODEL,
        config=types.GenerateContentConfig(system_instruction=embed_findings(findings)),
    )
    request.append_tools([SetModelResponseTool(CoachingReport)])
    response = await _answer(request)
    call = response.content.parts[0].function_call
    assert call.name == "set_model_response"
    CoachingReport.model_validate(call.args)


async def test_without_findings_still_valid():
    response = await _answer(LlmRequest(model=OFFLINE_COACH_MODEL))
    CoachingReport.model_validate_json(response.content.parts[0].text)


def test_chat_fix_answer_uses_the_drills_of_the_exercise():
    from agents.chat.offline import _answer_fix

    frames = {
        "status": "ok",
        "exercise": "Push-up",
        "issueType": "Partial range of motion",
        "instances": [{"reps": [2], "coachingCue": "In rep 2 your elbows bent only to 112°."}],
    }
    text = _answer_fix(frames)
    drill = for_issue("Push-up", "Partial range of motion")["drills"][0]
    assert drill[0].lower() + drill[1:] in text
    assert "squat" not in text.lower()


def test_chat_result_answer_for_an_unrated_set():
    from agents.chat.offline import _answer_result, _answer_score

    result = {"status": "ok", "exercise": "Squat", "overallScore": None, "repCount": 0}
    result["unratedReason"] = "no complete repetition was detected"
    text = _answer_result({**result, "issues": []})
    assert "not rated" in text and "no complete repetition" in text
    assert "None" not in text and "No form issues" not in text
    assert "not rated" in _answer_score({"status": "ok", "score": None, "penalties": []})


def test_no_tempo_strength_next_to_a_rushed_lowering(findings):
    assert any("Controlled rep tempo" in s for s in build_offline_report(findings)["strengths"])
    rushed = {
        **findings["issues"][0],
        "type": "Rushed lowering",
        "rule": "eccentric_control",
        "severity": "minor",
        "reps": [2],
        "coachingCue": "In rep 2 the lowering took 0.30 s against 0.80 s for the lift.",
    }
    findings["issues"] = [rushed]
    report = build_offline_report(findings)
    assert not any("tempo" in s.lower() for s in report["strengths"])
    assert report["recommendations"][0].startswith("Rushed lowering: Tempo squats")
