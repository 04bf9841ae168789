"""Custom ADK eval metrics for coaching quality and grounded chat (offline: no judge model).

Registered in evals/*/test_config.json under "custom_metrics" ({"code_config": {"name":
"evals.metrics.<function>"}}). Each function takes (eval_metric, actual_invocations,
expected_invocations, conversation_scenario) and returns an EvaluationResult whose status it
sets itself against THRESHOLDS (ADK hands custom metrics no threshold).

Coaching cases carry the findings in the user message, between the findings markers
(agents/findings_format.py), and the agent's final response is the CoachingReport JSON. The
scores come from the hand-written rubric (evals/rubric.py); none of this imports the product's
grounding check, so a mistake in the checker cannot certify itself.
"""

from __future__ import annotations

import json
import re
from typing import Any

from google.adk.evaluation.eval_case import Invocation
from google.adk.evaluation.eval_metrics import EvalMetric, EvalStatus
from google.adk.evaluation.evaluator import EvaluationResult, PerInvocationResult

from agents.findings_format import extract_findings
from evals import rubric

THRESHOLDS = {
    "issue_coverage": 1.0,
    "no_invented_fault": 1.0,
    "numbers_traceable": 1.0,
    "drill_fits": 1.0,
    "rating_honest": 1.0,
    "cues_actionable": 0.9,
    "report_length_ok": 1.0,
    "chat_grounded_in_tools": 1.0,
    "chat_tools_used": 0.9,
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
        "give",
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
        "take",
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


# A named drill tells the person what to do as much as a verb does ("Dead hangs to own the
# bottom position", "Wall curls with your back against a wall").
DRILL_NOUNS = frozenset(
    (
        "curls",
        "squats",
        "lunges",
        "hangs",
        "negatives",
        "holds",
        "planks",
        "presses",
        "push",
        "pull",
        "stretches",
        "rocks",
        "raises",
        "bridges",
        "rows",
        "dips",
        "drills",
        "ups",
    )
)


def is_actionable(text: str) -> bool:
    """Whether a cue tells the person what to do (an instruction verb or a named drill)."""
    words = re.findall(r"[a-z]+", text.lower())
    return any(w in ACTION_VERBS or w in DRILL_NOUNS for w in words)


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
    prose = sum(len(t) for t in rubric.prose(report))
    items = max(len(report.get("strengths") or []), len(report.get("recommendations") or []))
    ok = (
        0 < len(summary) <= SUMMARY_MAX_CHARS
        and 1 <= len(sentences) <= SUMMARY_MAX_SENTENCES
        and prose <= REPORT_MAX_CHARS
        and items <= REPORT_MAX_ITEMS
    )
    return 1.0 if ok else 0.0


def _rubric(name: str, actual: list[Invocation]) -> EvaluationResult:
    scores = [rubric.score_report(_report(i), _findings(i))[name] for i in actual]
    return _result(name, actual, scores)


def issue_coverage(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """Every detected issue type is addressed in the report's issues."""
    return _rubric("issue_coverage", actual)


def no_invented_fault(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """No issue type, and no fault term in the prose, that the vision did not detect."""
    return _rubric("no_invented_fault", actual)


def numbers_traceable(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """Share of numbers in the prose that appear in the findings the coach was shown."""
    return _rubric("numbers_traceable", actual)


def drill_fits(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """The advice for each fault fits that fault and exercise; no foreign movements."""
    return _rubric("drill_fits", actual)


def rating_honest(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """An unrated set is said to be unrated, with no score quoted."""
    return _rubric("rating_honest", actual)


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


_DIGITS = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?!\w)")


def _shown(data: Any, out: set[float]) -> set[float]:
    if isinstance(data, bool) or data is None:
        return out
    if isinstance(data, int | float):
        out.add(float(data))
        if 0 < data <= 1:
            out.add(round(float(data) * 100, 6))
    elif isinstance(data, str):
        out.update(float(m.group(1)) for m in _DIGITS.finditer(data))
    elif isinstance(data, dict):
        for item in data.values():
            _shown(item, out)
    elif isinstance(data, list | tuple):
        for item in data:
            _shown(item, out)
    return out


def traceable_share(text: str, shown: set[float]) -> float:
    """Share of the numbers in a text that equal a shown number at the precision written."""
    quoted = [m.group(1) for m in _DIGITS.finditer(re.sub(r"(?:/|out of )10\b", "", text))]
    if not quoted:
        return 1.0
    ok = 0
    for written in quoted:
        step = 0.5 * 10 ** -(len(written.split(".")[1]) if "." in written else 0) + 1e-9
        ok += any(abs(v - float(written)) <= step for v in shown)
    return ok / len(quoted)


def chat_grounded_in_tools(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """Every number in a chat answer was returned by a tool in that turn (or asked about)."""
    scores = []
    for inv in actual:
        shown = _shown(_tool_payloads(inv), set()) | _shown(_text(inv.user_content), set())
        scores.append(traceable_share(_text(inv.final_response), shown))
    return _result("chat_grounded_in_tools", actual, scores)


def _tool_calls(invocation: Invocation | None) -> list[Any]:
    data = invocation.intermediate_data if invocation is not None else None
    if data is None:
        return []
    calls = list(getattr(data, "tool_uses", []) or [])
    for event in getattr(data, "invocation_events", []) or []:
        for part in (event.content.parts if event.content else None) or []:
            if part.function_call:
                calls.append(part.function_call)
    return calls


def tools_share(actual: list[Any], expected: list[Any]) -> float:
    """Share of the expected calls found in order among the actual ones ("a|b": either name;
    the expected args must be among the actual call's args)."""
    if not expected:
        return 1.0
    found, start = 0, 0
    for want in expected:
        names = str(want.name).split("|")
        for k in range(start, len(actual)):
            got = actual[k]
            args = dict(got.args or {})
            if got.name in names and all(args.get(a) == v for a, v in (want.args or {}).items()):
                found, start = found + 1, k + 1
                break
    return found / len(expected)


def chat_tools_used(eval_metric: EvalMetric, actual, expected=None, scenario=None):
    """The turn consulted the tools a coach needs for the question (hand-written reference)."""
    expected = expected or [None] * len(actual)
    scores = [
        tools_share(_tool_calls(a), _tool_calls(e)) for a, e in zip(actual, expected, strict=False)
    ]
    return _result("chat_tools_used", actual, scores)
