"""The offline coach writes grounded, deterministic reports."""

from __future__ import annotations

import json
import re

from google.adk.models.llm_request import LlmRequest
from google.adk.models.registry import LLMRegistry
from google.genai import types

from agents.coach.schema import CoachingReport
from agents.findings_format import embed_findings
from agents.offline_coach import OFFLINE_COACH_MODEL, OfflineCoachLlm, build_offline_report

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
    assert report["overallScore"] == findings["score"]


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
    assert "No form issues detected across all 6 reps" in report["strengths"]
    assert report["recommendations"]


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
