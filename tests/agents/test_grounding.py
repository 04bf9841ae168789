"""The grounding check: what a coaching report may say about a set, and what happens if not."""

from __future__ import annotations

import pytest

from agents.coach.grounding import (
    Facts,
    check_coaching,
    check_reply,
    check_sentence,
    is_measured,
    measured_numbers,
    sentences,
    strip_markdown,
)
from agents.coach.vocabulary import concepts_of, mentions, vocabulary
from agents.offline_coach import build_offline_report


def _report(**changes) -> dict:
    report = {
        "overallScore": 8.8,
        "summary": "6 reps; rep 5 bottomed out at 112° and the depth varied by ±9.8°. "
        "Reps 3 and 4 leaned forward.",
        "issues": [
            {"type": "Shallow depth", "coachingCue": "Sit to parallel, about 90°."},
            {"type": "Forward lean", "coachingCue": "Chest up."},
        ],
        "strengths": ["2.2 s per rep", "Pose found in 97% of frames"],
        "recommendations": ["Box squats to a parallel box.", "Brace before each rep."],
    }
    report.update(changes)
    return report


def test_offline_report_is_grounded(findings):
    verdict = check_coaching(build_offline_report(findings), findings)
    assert verdict.ok and not verdict.flagged, (verdict.problems, verdict.edits)


def test_grounded_report_passes_unchanged(findings):
    verdict = check_coaching(_report(), findings)
    assert verdict.ok and not verdict.flagged, verdict.edits
    assert verdict.report["issues"] == _report()["issues"]
    assert verdict.report["summary"] == _report()["summary"]


def test_precision_of_a_quoted_number():
    measured = measured_numbers({"knee": 92.4, "text": "±9.8°", "coverage": 0.97})
    assert is_measured("92", measured) and is_measured("92.4", measured)
    assert not is_measured("92.5", measured) and not is_measured("93", measured)
    assert is_measured("9.8", measured)


def test_per_frame_data_is_not_a_measurement_the_coach_was_shown(findings):
    findings["series"] = {"values": list(range(0, 181))}
    findings["keyframes"] = [{"frame": 131, "angle": 131.0}]
    assert check_sentence("Your knees bent to 131°.", Facts.from_findings(findings))


@pytest.mark.parametrize(
    "sentence, wrong",
    [
        ("Your knees bent to seventy degrees.", "seventy"),
        ("You reached 45% of your range.", "45"),
        ("Hold the bottom for 45 s.", "45"),
        ("Rep 5 only reached 121° of knee bend.", "121"),
    ],
)
def test_numbers_in_digits_words_and_percentages(findings, sentence, wrong):
    problems = check_sentence(sentence, Facts.from_findings(findings))
    assert problems and wrong in problems[0]


@pytest.mark.parametrize(
    "sentence",
    [
        "Your knees bent to ninety-two degrees at the bottom.",
        "The pose was found in 97% of frames.",
        "Each rep took 2.2 s.",
        "Your score is 8.8 out of 10.",
        "Focus on two things: depth and posture.",
    ],
)
def test_measured_numbers_pass(findings, sentence):
    assert check_sentence(sentence, Facts.from_findings(findings)) == []


def test_rep_numbers_are_tied_to_the_fault(findings):
    facts = Facts.from_findings(findings)
    assert check_sentence("Rep 5 was shallow.", facts) == []
    assert check_sentence("On the fifth rep you did not sit deep enough.", facts) == []
    assert check_sentence("Rep 6 was shallow.", facts)  # Rep 6 had no shallow depth.
    assert check_sentence("Rep 2 had a forward lean.", facts)
    assert check_sentence("Rep 9 looked fine.", facts)  # There is no rep 9.


def test_rep_count(findings):
    facts = Facts.from_findings(findings)
    assert check_sentence("You did 13 reps.", facts)
    assert check_sentence("You did thirteen reps.", facts)
    assert check_sentence("You did six reps.", facts) == []
    assert check_sentence("2 of your 6 reps were shallow.", facts) == []
    assert check_sentence("3 of your 6 reps were shallow.", facts)


def test_fault_synonyms_no_rule_reported(findings):
    facts = Facts.from_findings(findings)
    for sentence in (
        "Your elbows flared.",
        "Your lower back arched at the bottom.",
        "Your knees caved in on rep 3.",
        "Some butt wink at the bottom.",
        "Watch the hip sag.",
    ):
        assert check_sentence(sentence, facts), sentence


def test_negated_cautions_and_could_not_judge(findings):
    findings["checks"] += [
        {"name": "squat_asymmetry", "status": "not_possible", "reason": "needs a front view"},
        {"name": "back_rounding", "status": "done", "reason": None},
    ]
    facts = Facts.from_findings(findings)
    assert check_sentence("Don't let your hips sag.", facts) == []
    assert check_sentence("Keep your knees from caving in.", facts) == []
    assert check_sentence("This side view cannot judge symmetry.", facts) == []
    assert check_sentence("No butt wink at the bottom.", facts) == []  # Judged, not found.
    assert check_sentence("No knee valgus either.", facts)  # Not judged: no grounds to say so.
    assert check_sentence("Shallow depth could not be judged.", facts)  # It was.
    assert check_sentence("No shallow reps.", facts)  # It was detected.


def test_no_issue_claims(findings):
    facts = Facts.from_findings(findings)
    assert check_sentence("Perfect form on every rep.", facts)
    findings["issues"] = []
    assert check_sentence("No form issues detected.", Facts.from_findings(findings)) == []
    findings["checks"] = [{"name": "reps", "status": "done", "reason": None}]
    assert check_sentence("No form issues detected.", Facts.from_findings(findings))


def test_markdown_is_stripped():
    assert strip_markdown("## Summary\n- **Rep 5** was *shallow*\n1. [Box](x) squats") == (
        "Summary\nRep 5 was shallow\nBox squats"
    )
    assert sentences("**6 reps.** Rep 5 was at 112°.") == ["6 reps.", "Rep 5 was at 112°."]


def test_invented_sentence_is_dropped_not_the_report(findings):
    summary = _report()["summary"] + " Your elbows flared on rep 2."
    verdict = check_coaching(_report(summary=summary), findings)
    assert verdict.ok and verdict.flagged
    assert "elbows" not in verdict.report["summary"] and "112°" in verdict.report["summary"]
    assert [e.action for e in verdict.edits] == ["dropped"]


def test_wrong_rep_number_and_count_are_repaired(findings):
    summary = "You did 13 reps. Your torso leaned forward on rep 2. Rep 6 was shallow at 112°."
    findings["issues"] = findings["issues"][:2]  # Shallow depth on rep 5 only now.
    verdict = check_coaching(_report(summary=summary, strengths=[]), findings)
    assert verdict.ok, verdict.problems
    # The count and the one-rep fault are repaired; forward lean was on reps 3 and 4, and
    # which of them the sentence meant is unknown, so that sentence is dropped.
    assert verdict.report["summary"] == "You did 6 reps. Rep 5 was shallow at 112°."
    assert [e.action for e in verdict.edits] == ["repaired", "dropped", "repaired"]


def test_invented_issue_entry_is_dropped(findings):
    issues = [*_report()["issues"], {"type": "Knee valgus", "coachingCue": "Knees out."}]
    verdict = check_coaching(_report(issues=issues), findings)
    assert verdict.ok
    assert [i["type"] for i in verdict.report["issues"]] == ["Shallow depth", "Forward lean"]


def test_unmeasured_recommendation_is_dropped(findings):
    verdict = check_coaching(
        _report(recommendations=["Hold the bottom for 45 s.", "Brace first."]), findings
    )
    assert verdict.ok and verdict.report["recommendations"] == ["Brace first."]


def test_dropped_issue_is_added_back_and_score_is_the_measured_one(findings):
    verdict = check_coaching(_report(issues=[], overallScore=9.9), findings)
    assert verdict.ok and verdict.repairs == ["Shallow depth", "Forward lean"]
    assert [i["type"] for i in verdict.report["issues"]] == ["Shallow depth", "Forward lean"]
    assert verdict.report["issues"][0]["coachingCue"] == findings["issues"][0]["coachingCue"]
    assert verdict.report.get("overallScore", 8.8) == 8.8  # Never the coach's 9.9.


def test_null_score_is_accepted_and_score_claims_fail(findings):
    findings["score"] = None
    report = _report()
    report.pop("overallScore")
    verdict = check_coaching(report, findings)
    assert verdict.ok, verdict.problems
    assert verdict.report.get("overallScore") is None
    assert check_sentence("You scored 7 out of 10.", Facts.from_findings(findings))


def test_report_is_rejected_only_when_it_cannot_be_kept_true(findings):
    assert check_coaching(None, findings).report is None
    assert not check_coaching({"strengths": "hi"}, findings).ok
    assert not check_coaching(_report(summary="Your elbows flared badly."), findings).ok
    lies = ["You did 40 reps with 75% depth.", "Your shoulders shrugged.", "Elbows flared."]
    assert not check_coaching(_report(strengths=lies, recommendations=lies), findings).ok


def test_vocabulary_covers_every_rule():
    from tools.faults import RULES

    for rule in RULES.values():
        assert concepts_of(rule.issue), rule.issue
        assert mentions(rule.issue.lower()), rule.issue
    assert len(vocabulary()) >= len({r.issue for r in RULES.values()})


def test_chat_reply_is_checked_against_the_tool_results():
    results = [
        {
            "status": "ok",
            "overallScore": 8.8,
            "repCount": 6,
            "issues": [{"type": "Shallow depth", "reps": [5], "coachingCue": "Sit deeper."}],
            "metrics": [{"name": "Knee Angle (bottom)", "actual": "92°", "status": "good"}],
        }
    ]
    facts = Facts.from_tool_results(results, asked="How did I do?")
    good = "You scored 8.8 out of 10 over 6 reps.\nRep 5 was shallow: sit deeper."
    assert check_reply(good, facts).text == good and not check_reply(good, facts).flagged
    checked = check_reply(good + " Your elbows flared on rep 2.", facts)
    assert checked.text == good and checked.edits[0].action == "dropped"
    assert check_reply("Your knees caved in. You did 19 sets.", facts).text is None


def test_chat_may_quote_an_earlier_score_from_the_history_tool():
    results = [
        {
            "status": "ok",
            "comparison": {"scoreNow": 8.8, "scoreBefore": 7.1, "repCountNow": 6},
            "history": [{"overallScore": 7.1, "repCount": 5, "issues": ["Shallow depth"]}],
        }
    ]
    facts = Facts.from_tool_results(results, asked="Did I improve?")
    assert check_sentence("Last time you scored 7.1 out of 10; now 8.8 out of 10.", facts) == []
    assert check_sentence("Last time you scored 6.5 out of 10.", facts)
    no_tool = Facts.from_tool_results([], asked="How did I do?")
    assert check_sentence("You scored 9 out of 10.", no_tool)  # No tool returned a score.


def test_offline_reports_of_every_real_clip_pass_unflagged():
    """False positives on real text: the offline coach writes only what the findings say."""
    import json
    from pathlib import Path

    clips = json.loads((Path(__file__).parents[2] / "evals/data/findings.json").read_text())
    flagged = {
        clip: [e.reason for e in verdict.edits] + verdict.problems
        for clip, findings in clips.items()
        if (verdict := check_coaching(build_offline_report(findings), findings)).flagged
    }
    assert flagged == {}
