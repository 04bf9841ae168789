"""A set that could not be rated reaches the chat tools as null with its reason, never as a
score recomputed from nothing (no issues would "recompute" to a free 10)."""

from __future__ import annotations

import copy

from agents.chat.tools import score_breakdown
from api.chat.data import PiccoloCoachData
from tests.agents.conftest import FINDINGS
from tests.chat.conftest import register, stored_analysis


def _unrated() -> dict:
    findings = copy.deepcopy(FINDINGS)
    findings.update(
        score=None, scoreNote="No rule can judge this exercise.", issues=[], repCount=0, reps=[]
    )
    return findings


def test_an_unrated_set_has_no_score_to_break_down():
    breakdown = score_breakdown({"overallScore": None, "unratedReason": "why", "issues": []})
    assert breakdown["score"] is None and breakdown["rated"] is False
    assert breakdown["unratedReason"] == "why"
    assert "recomputedScore" not in breakdown


def test_a_rated_set_is_broken_down_as_before():
    breakdown = score_breakdown({"overallScore": 10.0, "issues": [], "reps": []})
    assert breakdown["rated"] is True and breakdown["recomputedScore"] == 10.0
    assert breakdown["matchesStoredScore"]


async def test_stored_unrated_analysis_reads_back_null_with_its_reason(client):
    user = await register(client)
    sid = await stored_analysis(user, _unrated())
    analysis = await PiccoloCoachData().analysis(user["id"], sid)
    report = analysis["report"]
    assert report["overallScore"] is None
    assert report["unratedReason"] == "No rule can judge this exercise."
    assert report["unratedReason"] in report["notices"]
