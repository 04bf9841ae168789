"""Every page, at phone and desktop size: screenshots, no sideways scrolling, axe-core with no
serious or critical violation, every control reachable with Tab and named, no CSP violation.

One account (made admin the documented way, ``biome set-role``) uploads the six-rep squat
through the API; the analysing page is checked while the analysis runs, the pages that need no
data meanwhile, and the results, history, progress and home pages once it is done.
"""

from __future__ import annotations

import pytest

from tests.browser.app import (
    audit,
    make_admin,
    register,
    sign_in,
    upload,
    wait_analysed,
)
from tests.browser.flows import analysing_ready, results_ready

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_every_page_passes_the_audit(page, server, squat_video):
    problems: list[str] = []

    # Signed out.
    for name, path in (("home", "/"), ("login", "/login"), ("signup", "/signup")):
        page.goto(path)
        problems += audit(page, name)

    account = register(server, "audit")
    make_admin(server, account["email"])
    sign_in(page, account["token"])
    session_id = upload(server, account["token"], squat_video)

    page.goto(f"/sessions/{session_id}/progress")
    problems += audit(page, "analysing", wait=analysing_ready)

    for name, path in (
        ("exercises", "/exercises"),
        ("analyze", "/analyze"),
        ("profile", "/profile"),
        ("admin", "/admin"),
    ):
        page.goto(path)
        problems += audit(page, name)

    session = wait_analysed(server, account["token"], session_id)
    assert session["status"] == "completed", session

    page.goto(f"/results/{session_id}")
    problems += audit(page, "results", wait=results_ready)
    for name, path in (
        ("history", "/history"),
        ("progress", "/progress"),
        ("home-signed-in", "/"),
    ):
        page.goto(path)
        problems += audit(page, name)

    assert problems == [], "\n".join(problems)
