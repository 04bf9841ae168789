"""A set with form issues: each issue's marker on the timeline seeks the video to the start of
its frame range, each issue is listed with its cue, and the page passes the audit.

``squat_rear_01.mp4`` (4 s, one rep, filmed from behind) is a short clip the rules find a
fault in; the six-rep front squat of the main flow has none.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.app import audit, register, sign_in, upload, wait_analysed
from tests.browser.flows import clip_fps, results_ready, results_truth, seek_target
from tests.conftest import VIDEOS, require_shared

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_issue_markers_seek_and_issues_are_listed(page, server):
    require_shared()
    account = register(server, "issues")
    session_id = upload(server, account["token"], VIDEOS / "squat_rear_01.mp4")
    assert wait_analysed(server, account["token"], session_id)["status"] == "completed"
    truth = results_truth(server, account["token"], session_id)
    assert truth["issues"], "the rules found no issue in squat_rear_01.mp4 any more"

    sign_in(page, account["token"])
    page.goto(f"/results/{session_id}")
    results_ready(page)
    fps = clip_fps(truth)
    for issue in truth["issues"]:
        name = re.compile(rf"\(frames {issue['frameStart']}\D+{issue['frameEnd']}\)$")
        page.get_by_role("button", name=name).first.click()
        seek_target(page, issue["frameStart"], fps)
        page.get_by_text(issue["coachingCue"]).first.wait_for()

    problems = audit(page, "results-with-issues", wait=results_ready)
    assert problems == [], "\n".join(problems)
