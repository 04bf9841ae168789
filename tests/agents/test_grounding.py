"""The grounding check: what a coaching report may say about a set."""

from __future__ import annotations

from agents.coach.grounding import check_coaching, is_measured, measured_numbers
from agents.offline_coach import build_offline_report


def _report(**changes) -> dict:
    report = {
        "overallScore": 8.8,
        "summary": "6 reps; rep 5 bottomed out at 112° and the depth varied by ±9.8°.",
        "issues": [
            {"type": "Shallow depth", "coachingCue": "Sit to parallel, about 90°."},
            {"type": "Forward lean", "coachingCue": "Chest up."},
        ],
        "strengths": ["2.2 s per rep", "Pose found in 97% of frames"],
        "recommendations": ["Box squats"],
    }
    report.update(changes)
    return report


def test_offline_report_is_grounded(findings):
    verdict = check_coaching(build_offline_report(findings), findings)
    assert verdict.ok and not verdict.repairs, verdict.problems


def test_grounded_report_passes_unchanged(findings):
    verdict = check_coaching(_report(), findings)
    assert verdict.ok, verdict.problems
    assert verdict.report["issues"] == _report()["issues"]


def test_precision_of_a_quoted_number():
    measured = measured_numbers({"knee": 92.4, "text": "±9.8°", "coverage": 0.97})
    assert is_measured("92", measured) and is_measured("92.4", measured)
    assert not is_measured("92.5", measured) and not is_measured("93", measured)
    assert is_measured("9.8", measured) and is_measured("97", measured)
    assert is_measured("10", measured)  # The score's scale.


def test_invented_issue_type_is_rejected(findings):
    issues = [*_report()["issues"], {"type": "Knee valgus", "coachingCue": "Knees out."}]
    verdict = check_coaching(_report(issues=issues), findings)
    assert not verdict.ok and "Knee valgus" in verdict.problems[0]


def test_fault_named_in_prose_is_rejected_unless_negated(findings):
    assert not check_coaching(_report(summary="Some butt wink at the bottom."), findings).ok
    assert check_coaching(_report(summary="No butt wink at the bottom."), findings).ok


def test_unmeasured_number_is_rejected(findings):
    verdict = check_coaching(_report(recommendations=["Hold the bottom for 45 s"]), findings)
    assert not verdict.ok and "45" in verdict.problems[0]


def test_dropped_issue_is_added_back_and_score_is_the_measured_one(findings):
    verdict = check_coaching(_report(issues=[], overallScore=9.9), findings)
    assert verdict.ok and verdict.repairs == ["Shallow depth", "Forward lean"]
    assert [i["type"] for i in verdict.report["issues"]] == ["Shallow depth", "Forward lean"]
    assert verdict.report["issues"][0]["coachingCue"] == findings["issues"][0]["coachingCue"]
    assert verdict.report["overallScore"] == 8.8


def test_schema_violation_and_missing_report(findings):
    assert check_coaching(None, findings).report is None
    assert not check_coaching({"summary": "hi"}, findings).ok
    assert not check_coaching(_report(overallScore=14), findings).ok


def test_faults_the_findings_talk_about_may_be_named(findings):
    findings["checks"].append(
        {"name": "knee_valgus", "status": "skipped", "reason": "knee valgus needs a front view"}
    )
    note = "Note: knee valgus needs a front view."
    assert check_coaching(_report(summary=note), findings).ok
    assert not check_coaching(_report(summary="Watch the hip sag."), findings).ok
