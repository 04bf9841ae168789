"""The adversarial set (evals/data/adversarial.json) through the real grounding check."""

from __future__ import annotations

from evals import adversarial


def test_the_set_is_big_and_covers_every_defect():
    data = adversarial.load()
    cases = data["cases"]
    assert len(cases) >= 40
    labels = {c["label"] for c in cases}
    assert labels == {"pass", "fail"}
    defects = " | ".join(c["defect"] for c in cases)
    for kind in (
        "number in words",
        "invented percentage",
        "fault synonym",
        "wrong rep for the fault",
        "wrong rep count",
        "negated caution",
        "could not judge",
        "markdown",
        "score for an unrated set",
    ):
        assert kind in defects, kind


def test_the_base_reports_are_grounded():
    assert adversarial.check_bases() == []


def test_precision_and_recall_reach_the_target():
    result = adversarial.run()
    assert result["precision"] >= adversarial.THRESHOLD, result["wrong"]
    assert result["recall"] >= adversarial.THRESHOLD, result["wrong"]


def test_a_checker_that_flags_nothing_or_everything_fails():
    data = adversarial.load()
    # Every case planted into an empty base: a checker flagging all would have precision < 0.95.
    fails = sum(c["label"] == "fail" for c in data["cases"])
    assert fails / len(data["cases"]) < adversarial.THRESHOLD
    assert fails > 0  # ... and one flagging nothing has recall 0.


def test_real_text_is_not_flagged():
    """The offline reports of the real clips and the hand-written references are grounded."""
    assert all(flagged == 0 for flagged, _ in adversarial.real_text_flagged().values())
