"""The custom eval metrics (evals/metrics.py) score good reports high and bad ones low.

They run here on hand-made invocations; `biome eval` runs them on the real clips' cases.
"""

from __future__ import annotations

import json

from google.adk.evaluation.eval_case import IntermediateData, Invocation
from google.adk.evaluation.eval_metrics import EvalMetric, EvalStatus
from google.genai import types

from agents.findings_format import embed_findings
from agents.offline_coach import build_offline_report
from evals import metrics


def _invocation(findings: dict, report: dict | str) -> Invocation:
    text = report if isinstance(report, str) else json.dumps(report)
    return Invocation(
        user_content=types.Content(role="user", parts=[types.Part(text=embed_findings(findings))]),
        final_response=types.Content(role="model", parts=[types.Part(text=text)]),
    )


def _run(name: str, invocations: list[Invocation]):
    return getattr(metrics, name)(EvalMetric(metric_name=name), invocations, None, None)


def test_offline_report_passes_every_coaching_metric(findings):
    inv = _invocation(findings, build_offline_report(findings))
    for name in (
        "issues_addressed",
        "no_invented_issues",
        "numbers_grounded",
        "cues_actionable",
        "report_length_ok",
    ):
        result = _run(name, [inv])
        assert result.overall_score == 1.0 and result.overall_eval_status == EvalStatus.PASSED


def test_bad_reports_fail(findings):
    good = build_offline_report(findings)
    dropped = {**good, "issues": good["issues"][:1]}
    invented = {**good, "issues": [*good["issues"], {"type": "Hip sag", "coachingCue": "x"}]}
    numbers = {**good, "summary": "You squatted 150 kg for 12 reps."}
    vague = {
        **good,
        "issues": [{"type": i["type"], "coachingCue": "Not great."} for i in good["issues"]],
        "recommendations": ["Interesting."],
    }
    long = {**good, "summary": "Word. " * 200}
    assert _run("issues_addressed", [_invocation(findings, dropped)]).overall_score == 0.5
    assert _run("no_invented_issues", [_invocation(findings, invented)]).overall_score == 0.0
    result = _run("numbers_grounded", [_invocation(findings, numbers)])
    assert result.overall_score < 1.0 and result.overall_eval_status == EvalStatus.FAILED
    assert _run("cues_actionable", [_invocation(findings, vague)]).overall_score == 0.0
    assert _run("report_length_ok", [_invocation(findings, long)]).overall_score == 0.0
    result = _run("issues_addressed", [_invocation(findings, "not json")])
    assert result.overall_eval_status == EvalStatus.FAILED


def test_chat_numbers_must_come_from_tools():
    call = types.FunctionResponse(name="get_rep", response={"measures": {"kneeAngleBottom": 97.6}})

    def turn(answer: str) -> Invocation:
        return Invocation(
            user_content=types.Content(role="user", parts=[types.Part(text="rep 2?")]),
            final_response=types.Content(role="model", parts=[types.Part(text=answer)]),
            intermediate_data=IntermediateData(tool_responses=[call]),
        )

    grounded = _run("chat_grounded_in_tools", [turn("Rep 2 reached 97.6°.")])
    invented = _run("chat_grounded_in_tools", [turn("Rep 2 reached 91°.")])
    assert grounded.overall_score == 1.0 and grounded.overall_eval_status == EvalStatus.PASSED
    assert invented.overall_score == 0.5  # "2" was asked about; "91" was never returned.
    assert invented.overall_eval_status == EvalStatus.FAILED
