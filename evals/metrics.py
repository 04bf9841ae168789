"""Custom ADK eval metrics for coaching quality and grounded chat (offline: no judge model).

Registered in evals/*/test_config.json under "custom_metrics" ({"code_config": {"name":
"evals.metrics.<function>"}}). Each function takes (eval_metric, actual_invocations,
expected_invocations, conversation_scenario) and returns an EvaluationResult whose status it
sets itself against THRESHOLDS (ADK hands custom metrics no threshold).

Coaching cases carry the findings in the user message, between the findings markers
(agents/findings_format.py), and the agent's final response is the CoachingReport JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

from google.adk.evaluation.eval_case import Invocation
from google.adk.evaluation.eval_metrics import EvalMetric, EvalStatus
from google.adk.evaluation.evaluator import EvaluationResult, PerInvocationResult

from agents.coach.grounding import (
    is_measured,
    measured_numbers,
    named_undetected_faults,
    quoted_numbers,
    report_texts,
)
from agents.findings_format import extract_findings

THRESHOLDS = {
    "issues_addressed": 1.0,
    "no_invented_issues": 1.0,
    "numbers_grounded": 1.0,
    "cues_actionable": 0.9,
    "report_length_ok": 1.0,
    "chat_grounded_in_tools": 1.0,
}

SUMMARY_MAX_CHARS = 600
SUMMARY_MAX_SENTENCES = 5
REPORT_MAX_CHARS = 2500
REPORT_MAX_ITEMS = 8

# Verbs that make a sentence an instruction ("Sit deeper ...", "Keep your chest up").
ACTION_VERBS = frozenset(
    (
        "bring",
        "curl",
        "drop",
        "look",
        "open",
        "pin",
        "raise",
        "rotate",
        "share",
        "sink",
        "spread",
        "turn",
        "add",
        "aim",
        "avoid",
        "brace",
        "breathe",
        "build",
        "control",
        "drive",
        "engage",
        "extend",
        "film",
        "finish",
        "focus",
        "grip",
        "hinge",
        "hold",
        "improve",
        "increase",
        "keep",
        "lift",
        "lock",
        "lower",
        "maintain",
        "move",
        "pause",
        "point",
        "practise",
        "practice",
        "press",
        "progress",
        "pull",
        "push",
        "reach",
        "record",
        "reduce",
        "rest",
        "retract",
        "set",
        "sit",
        "slow",
        "squat",
        "squeeze",
        "stand",
        "stay",
        "step",
        "straighten",
        "strengthen",
        "stretch",
        "tighten",
        "track",
        "try",
        "tuck",
        "use",
        "warm",
        "widen",
        "work",
    )
)


def _text(content: Any) -> str:
    if content is None:
        return ""
    return "".join(p.text or "" for p in content.parts or [] if not getattr(p, "thought", False))


def _report(invocation: Invocation) -> dict | None:
    text = _text(invocation.final_response).strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        report = json.loads(text)
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def _findings(invocation: Invocation) -> dict:
    return extract_findings(_text(invocation.user_content)) or {}


def _result(name: str, invocations: list[Invocation], scores: list[float]) -> EvaluationResult:
    threshold = THRESHOLDS[name]
    per = [
        PerInvocationResult(
            actual_invocation=inv,
            score=score,
            eval_status=EvalStatus.PASSED if score >= threshold else EvalStatus.FAILED,
        )
        for inv, score in zip(invocations, scores, strict=True)
    ]
    if not scores:
        return EvaluationResult(overall_eval_status=EvalStatus.NOT_EVALUATED)
    overall = sum(scores) / len(scores)
    return EvaluationResult(
        overall_score=overall,
        overall_eval_status=EvalStatus.PASSED if overall >= threshold else EvalStatus.FAILED,
        per_invocation_results=per,
    )


def issue_coverage(report: dict | None, findings: dict) -> float:
    """Share of detected issue types the report addresses (1.0 when none were detected)."""
    detected = {str(i.get("type", "")).lower() for i in findings.get("issues") or []}
    if not detected:
        return 1.0
    if report is None:
        return 0.0
    named = {str(i.get("type", "")).lower() for i in report.get("issues") or []}
    return len(detected & named) / len(detected)


def invents_nothing(report: dict | None, findings: dict) -> float:
    if report is None:
        return 0.0
    detected = {str(i.get("type", "")).lower() for i in findings.get("issues") or []}
    invented = [
        i for i in report.get("issues") or [] if str(i.get("type", "")).lower() not in detected
    ]
    return 0.0 if invented or named_undetected_faults(report, findings) else 1.0


def numbers_share(texts: list[str], measured: set[float]) -> float:
    quoted = [q for t in texts for q in quoted_numbers(t)]
    if not quoted:
        return 1.0
    return sum(is_measured(q, measured) for q in quoted) / len(quoted)


def is_actionable(text: str) -> bool:
    """Whether a cue tells the person what to do (contains an instruction verb)."""
    words = re.findall(r"[a-z]+", text.lower())
    return any(w in ACTION_VERBS for w in words)


def actionable_share(report: dict | None) -> float:
    if report is None:
        return 0.0
    cues = [str(i.get("coachingCue") or "") for i in report.get("issues") or []]
    cues += [str(r) for r in report.get("recommendations") or []]
    if not cues:
        return 1.0
    return sum(is_actionable(c) for c in cues) / len(cues)


def length_ok(report: dict | None) -> float:
    if report is None:
        return 0.0
    summary = str(report.get("summary") or "")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", summary.strip()) if s]
    prose = sum(len(t) for t in report_texts(report))
    items = max(len(report.get("strengths") or []), len(report.get("recommendations") or []))
    ok = (
        0 < len(summary) <= SUMMARY_MAX_CHARS
        and 1 <= len(sentences) <= SUMMARY_MAX_SENTENCES
        and prose <= REPORT_MAX_CHARS
        and items <= REPORT_MAX_ITEMS
    )
    return 1.0 if ok else 0.0


def issues_addressed(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """Every detected issue is addressed in the report's issues."""
    return _result(
        "issues_addressed", actual, [issue_coverage(_report(i), _findings(i)) for i in actual]
    )


def no_invented_issues(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """No issue type, and no known fault in the prose, that the vision did not detect."""
    return _result(
        "no_invented_issues", actual, [invents_nothing(_report(i), _findings(i)) for i in actual]
    )


def numbers_grounded(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """Share of numbers quoted in the report that match a measurement."""
    scores = []
    for inv in actual:
        report = _report(inv)
        scores.append(
            0.0
            if report is None
            else numbers_share(report_texts(report), measured_numbers(_findings(inv)))
        )
    return _result("numbers_grounded", actual, scores)


def cues_actionable(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """Share of cues and recommendations that tell the person what to do."""
    return _result("cues_actionable", actual, [actionable_share(_report(i)) for i in actual])


def report_length_ok(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """The report is within bounds: summary 1-5 sentences and <= 600 chars, prose <= 2500."""
    return _result("report_length_ok", actual, [length_ok(_report(i)) for i in actual])


def _tool_payloads(invocation: Invocation) -> list[Any]:
    data = invocation.intermediate_data
    if data is None:
        return []
    responses = list(getattr(data, "tool_responses", []) or [])
    for event in getattr(data, "invocation_events", []) or []:
        for part in (event.content.parts if event.content else None) or []:
            if part.function_response:
                responses.append(part.function_response)
    return [r.response for r in responses]


def chat_grounded_in_tools(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """Every number in a chat answer was returned by a tool in that turn (or asked about)."""
    scores = []
    for inv in actual:
        measured = measured_numbers(_tool_payloads(inv)) | measured_numbers(_text(inv.user_content))
        scores.append(numbers_share([_text(inv.final_response)], measured))
    return _result("chat_grounded_in_tools", actual, scores)
