"""The eval metrics (evals/metrics.py, evals/rubric.py) score good reports high and bad ones low.

They run here on hand-made invocations and on the hand-written references; `biome eval` runs
them on the real clips' cases. The rubric must not share code with the product's checker.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from google.adk.evaluation.eval_case import IntermediateData, Invocation
from google.adk.evaluation.eval_metrics import EvalMetric, EvalStatus
from google.genai import types

from agents.findings_format import embed_findings, findings_for_prompt
from agents.offline_coach import build_offline_report
from evals import metrics, rubric

EVALS = Path(__file__).resolve().parents[2] / "evals"
COACH_METRICS = (
    "issue_coverage",
    "no_invented_fault",
    "numbers_traceable",
    "drill_fits",
    "rating_honest",
    "cues_actionable",
    "report_length_ok",
)


def _invocation(findings: dict, report: dict | str) -> Invocation:
    text = report if isinstance(report, str) else json.dumps(report)
    return Invocation(
        user_content=types.Content(role="user", parts=[types.Part(text=embed_findings(findings))]),
        final_response=types.Content(role="model", parts=[types.Part(text=text)]),
    )


def _run(name: str, invocations: list[Invocation], expected=None):
    return getattr(metrics, name)(EvalMetric(metric_name=name), invocations, expected, None)


def test_the_metrics_do_not_import_the_product_checker():
    for path in (EVALS / "metrics.py", EVALS / "rubric.py"):
        tree = ast.parse(path.read_text())
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert not any("grounding" in str(m) or "vocabulary" in str(m) for m in imported), path


def test_offline_report_passes_every_coaching_metric(findings):
    inv = _invocation(findings, build_offline_report(findings))
    for name in COACH_METRICS:
        result = _run(name, [inv])
        assert result.overall_score == 1.0, name
        assert result.overall_eval_status == EvalStatus.PASSED


def test_bad_reports_fail(findings):
    good = build_offline_report(findings)
    dropped = {**good, "issues": good["issues"][:1]}
    invented = {**good, "issues": [*good["issues"], {"type": "Hip sag", "coachingCue": "x"}]}
    prose = {**good, "summary": good["summary"] + " Your knees caved in on rep 2."}
    numbers = {**good, "summary": "You squatted 150 kg for 12 reps."}
    vague = {
        **good,
        "issues": [{"type": i["type"], "coachingCue": "Not great."} for i in good["issues"]],
        "recommendations": ["Interesting."],
    }
    long = {**good, "summary": "Word. " * 200}
    assert _run("issue_coverage", [_invocation(findings, dropped)]).overall_score == 0.5
    assert _run("no_invented_fault", [_invocation(findings, invented)]).overall_score == 0.0
    assert _run("no_invented_fault", [_invocation(findings, prose)]).overall_score == 0.0
    result = _run("numbers_traceable", [_invocation(findings, numbers)])
    assert result.overall_score < 1.0 and result.overall_eval_status == EvalStatus.FAILED
    assert _run("cues_actionable", [_invocation(findings, vague)]).overall_score == 0.0
    assert _run("report_length_ok", [_invocation(findings, long)]).overall_score == 0.0
    result = _run("issue_coverage", [_invocation(findings, "not json")])
    assert result.overall_eval_status == EvalStatus.FAILED


def test_unrated_set_must_say_so(findings):
    findings["score"] = None
    honest = {"summary": "This set was not rated: no complete rep was found.", "issues": []}
    dishonest = {"summary": "Your form scored 7 out of 10.", "issues": []}
    assert rubric.rating_problems(honest, findings) == []
    assert len(rubric.rating_problems(dishonest, findings)) == 2


def _references() -> tuple[dict, dict]:
    references = json.loads((EVALS / "data" / "references.json").read_text())
    clips = json.loads((EVALS / "data" / "findings.json").read_text())
    return references, clips


def test_hand_written_references_pass_the_rubric():
    references, clips = _references()
    assert len(references) >= 10
    assert len({clips[c]["exercise"] for c in references}) >= 6
    for clip, entry in references.items():
        shown = findings_for_prompt(clips[clip])
        scores = rubric.score_report(entry["report"], shown)
        problems = (
            rubric.invented_faults(entry["report"], shown)
            + rubric.untraceable_numbers(entry["report"], shown)
            + rubric.drill_problems(entry["report"], shown)
            + rubric.rating_problems(entry["report"], shown)
        )
        assert all(v == 1.0 for v in scores.values()), (clip, scores, problems)
        assert entry.get("reviewed"), clip  # What the reviewer looked at and decided.


@pytest.mark.parametrize(
    "clip, wrong",
    [
        ("pushup_side_correct_01.mp4", "Squat to a box at parallel height on every rep."),
        ("pullup_front_01.mp4", "Goblet-squat holds at the bottom to build the position."),
        ("bicep_curl_side_01.mp4", "Front squats to learn to keep the torso upright."),
    ],
)
def test_a_wrong_drill_fails_the_rubric(clip, wrong):
    references, clips = _references()
    shown = findings_for_prompt(clips[clip])
    report = json.loads(json.dumps(references[clip]["report"]))
    report["recommendations"] = [wrong]
    assert rubric.score_report(report, shown)["drill_fits"] == 0.0
    result = _run("drill_fits", [_invocation(shown, report)])
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


def test_chat_must_consult_the_tools_a_coach_would():
    def turn(*calls: types.FunctionCall) -> Invocation:
        return Invocation(
            user_content=types.Content(role="user", parts=[types.Part(text="worst rep?")]),
            intermediate_data=IntermediateData(tool_uses=list(calls)),
        )

    expected = turn(
        types.FunctionCall(name="get_score_breakdown", args={}),
        types.FunctionCall(name="get_rep", args={"rep_number": 5}),
    )
    right = turn(
        types.FunctionCall(name="get_score_breakdown", args={}),
        types.FunctionCall(name="get_rep", args={"rep_number": 5}),
    )
    wrong = turn(types.FunctionCall(name="get_rep", args={"rep_number": 2}))
    assert _run("chat_tools_used", [right], [expected]).overall_score == 1.0
    result = _run("chat_tools_used", [wrong], [expected])
    assert result.overall_score == 0.0 and result.overall_eval_status == EvalStatus.FAILED
