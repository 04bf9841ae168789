"""Perturbations: change one fact of the findings and the report must follow.

For each change, the offline coach's report (what stands in when Gemini cannot be used) must
say the new thing, a report written for the old findings must be caught by the grounding
check, and the hand-written rubric (evals/rubric.py, independent of the checker) must agree.
"""

from __future__ import annotations

import copy

from agents.coach.grounding import check_coaching
from agents.offline_coach import build_offline_report
from evals import rubric
from tests.agents.conftest import FINDINGS


def _findings() -> dict:
    findings = copy.deepcopy(FINDINGS)
    findings["checks"] += [
        {"name": "forward_lean", "status": "done", "reason": None},
        {"name": "heel_rise", "status": "done", "reason": None},
    ]
    return findings


def _text(report: dict) -> str:
    return " ".join(rubric.prose(report))


def test_drop_an_issue():
    before = _findings()
    after = copy.deepcopy(before)
    after["issues"] = [i for i in after["issues"] if i["type"] != "Forward lean"]
    report = build_offline_report(after)
    assert "forward lean" not in _text(report).lower()
    assert rubric.score_report(report, after)["no_invented_fault"] == 1.0
    old = build_offline_report(before)
    old["summary"] += " Your torso leaned forward on reps 3 and 4."
    verdict = check_coaching(old, after)
    assert verdict.ok and verdict.flagged
    assert "Forward lean" not in [i["type"] for i in verdict.report["issues"]]
    assert "leaned forward" not in verdict.report["summary"]
    assert rubric.invented_faults(old, after)  # The rubric sees the stale claim too.


def test_change_the_rep_count():
    after = _findings()
    after["repCount"] = 4
    after["reps"] = after["reps"][:4]
    after["issues"] = [i for i in after["issues"] if max(i["reps"]) <= 4]
    after["metrics"][0].update(actual="4", value=4.0)
    report = build_offline_report(after)
    assert "4 reps" in report["summary"] and "6 reps" not in _text(report)
    verdict = check_coaching({**report, "summary": "You did 6 reps. " + report["summary"]}, after)
    assert verdict.ok and verdict.report["summary"].startswith("You did 4 reps.")
    stale = {**report, "summary": report["summary"] + " Rep 5 was shallow."}
    assert "Rep 5" not in check_coaching(stale, after).report["summary"]


def test_null_the_score():
    after = _findings()
    after["score"] = None
    after["scoreNote"] = "No complete repetition was judged, so the form was not rated."
    report = build_offline_report(after)
    assert "out of ten" not in report["summary"] and "not rated" in report["summary"]
    assert rubric.rating_problems(report, after) == []
    old = build_offline_report(_findings())
    assert "8.8 out of ten" in old["summary"]
    verdict = check_coaching(old, after)
    assert "8.8" not in verdict.report["summary"] if verdict.report else True
    assert verdict.flagged and rubric.rating_problems(old, after)


def test_add_a_limited_check():
    before = _findings()
    after = copy.deepcopy(before)
    reason = "heel rise needs a side view with the feet in frame"
    for check in after["checks"]:
        if check["name"] == "heel_rise":
            check.update(status="not_possible", reason=reason)
    report = build_offline_report(after)
    assert reason in report["summary"]
    claim = {**build_offline_report(before), "strengths": ["No heel rise on any rep."]}
    assert not check_coaching(copy.deepcopy(claim), before).flagged  # Judged: may be said.
    verdict = check_coaching(copy.deepcopy(claim), after)  # Not judged: may not.
    assert verdict.flagged and verdict.report["strengths"] == []
