"""A new person's whole visit, in Chromium against the real server, with a real clip.

Sign up → choose the squat → upload ``squat_front_01.mp4`` (six reps) → follow the analysis →
the results show the six reps and the score, the skeleton is drawn over the playing video,
the rep and issue markers seek it → the coach answers a question → history and progress list
the session → deleting it removes it.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.app import PASSWORD, api_get, exercise_id, new_name, plain_sentence, ready
from tests.browser.flows import (
    clip_fps,
    follow_progress,
    overlay_pixels,
    play_for,
    results_truth,
    seek_target,
    shown_number,
    token_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def sign_up(page, name: str) -> None:
    page.goto("/signup")
    page.get_by_label(re.compile(r"^e-?mail", re.I)).fill(f"{name}@example.com")
    page.get_by_label(re.compile(r"^user ?name", re.I)).fill(name)
    for field in page.locator("input[type=password]").all():
        field.fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"sign up|create", re.I)).click()
    page.wait_for_url(lambda url: "/signup" not in url)


def choose_exercise(page, server, name: str) -> None:
    """From the catalogue to the upload page with the exercise chosen."""
    page.goto("/exercises")
    ready(page)
    search = page.get_by_role("searchbox")
    if search.count():
        search.first.fill(name)
    eid = exercise_id(server, name)
    page.locator(f'a[href*="/analyze?exercise={eid}"]').first.click()
    page.wait_for_url(re.compile(rf"/analyze\?exercise={eid}"))


def test_sign_up_upload_results_chat_history_delete(page, server, squat_video):
    # Sign up, as a person: the form, not the API.
    sign_up(page, new_name("browser"))
    token = token_of(page)

    choose_exercise(page, server, "Squat")
    page.locator("input[type=file]").set_input_files(squat_video)
    page.get_by_role("button", name=re.compile(r"^upload and analy[sz]e", re.I)).click()

    session_id, percentages = follow_progress(page, server)
    # Live progress: it moved while we watched, and never backwards.
    assert len(percentages) >= 2 and percentages == sorted(percentages), percentages
    truth = results_truth(server, token, session_id)
    result = truth["result"]
    assert result["repCount"] == 6

    # The score and the reps, as the API measured them.
    page.get_by_test_id("rep-count").wait_for()
    assert shown_number(page.get_by_test_id("rep-count").inner_text()) == 6
    score = page.get_by_test_id("score").inner_text()
    if result["overallScore"] is None:
        assert "not rated" in score.lower()
    else:
        assert abs(shown_number(score) - result["overallScore"]) <= 0.05, score

    # The skeleton is drawn over the video, in step with it: nothing over the title card the
    # clip opens with (no person), a skeleton once the man stands there, a different one later.
    page.get_by_label("Your video").evaluate(
        "v => v.readyState >= 2 || new Promise(r => v.addEventListener('loadeddata', r))"
    )
    title_card = overlay_pixels(page)
    assert title_card["drawn"] < 50, title_card
    play_for(page, 3.0)
    standing = overlay_pixels(page)
    assert standing["drawn"] > 200, standing
    play_for(page, 5.0)
    later = overlay_pixels(page)
    assert later["drawn"] > 200 and later["sum"] != standing["sum"], (standing, later)

    # Markers seek: a rep to its first frame, an issue to the start of its frame range.
    fps = clip_fps(truth)
    reps = truth["reps"]
    for n in (3, 6):
        page.get_by_role("button", name=f"Rep {n}", exact=True).click()
        seek_target(page, reps[n - 1]["startFrame"], fps)
    for issue in truth["issues"][:1]:
        marker = page.get_by_role(
            "button", name=re.compile(rf"frames {issue['frameStart']}\D+{issue['frameEnd']}")
        ).first
        marker.click()
        seek_target(page, issue["frameStart"], fps)

    # The coach answers a question in the chat panel (over the chat WebSocket).
    question = "How deep did I squat on my reps?"
    box = page.get_by_role("textbox", name=re.compile(r"question|ask|message", re.I))
    box.fill(question)
    box.press("Enter")
    conversation = page.get_by_role("list", name="Conversation")
    conversation.get_by_text(question).wait_for()
    conversation.get_by_text("Coach is thinking").wait_for(state="detached", timeout=120_000)
    coach = [m for m in _conversation(server, token, session_id) if m["role"] == "coach"]
    assert coach and coach[-1]["text"].strip(), coach
    conversation.get_by_text(coach[-1]["text"].strip()[:60]).wait_for()

    # A deep link to the results loads them (the app, served for any non-API path).
    page.goto(f"/results/{session_id}")
    page.get_by_test_id("rep-count").wait_for()

    # History lists the session; progress shows the exercise.
    page.get_by_role("link", name=re.compile(r"^history$", re.I)).first.click()
    page.wait_for_url("**/history")
    ready(page)
    entry = page.locator(f'a[href$="/results/{session_id}"]')
    entry.first.wait_for()
    listed = api_get(server, token, "/v1/analysis/sessions")["sessions"]
    if next(s for s in listed if s["id"] == session_id).get("thumbnailUrl"):
        # The thumbnail the service made is shown, and it loads.
        thumb = entry.first.locator("img")
        thumb.scroll_into_view_if_needed()
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=thumb.element_handle())
    page.get_by_role("link", name=re.compile(r"^progress$", re.I)).first.click()
    page.wait_for_url("**/progress")
    # The URL changes before the lazily loaded page replaces History (whose filter is also
    # named "Exercise"): wait for Progress's own heading.
    page.get_by_role("heading", level=1, name="Progress").wait_for()
    ready(page)
    chosen = page.get_by_role("combobox", name="Exercise").evaluate(
        "s => s.selectedOptions[0].textContent"
    )
    assert chosen.startswith("Squat") and "1 session" in chosen, chosen
    reps_chart = page.get_by_role("img", name=re.compile(r"^Reps by session"))
    assert reps_chart.get_attribute("aria-label").endswith(": 6")
    if result["overallScore"] is not None:
        score_chart = page.get_by_role("img", name=re.compile(r"^Score by session"))
        assert f"{result['overallScore']:.1f}" in score_chart.get_attribute("aria-label")

    # Delete from the history, after confirming in a dialog.
    page.get_by_role("link", name=re.compile(r"^history$", re.I)).first.click()
    page.wait_for_url("**/history")
    ready(page)
    page.get_by_role("button", name=re.compile(r"^delete squat", re.I)).first.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    dialog.get_by_role("button", name=re.compile(r"^(delete|yes|confirm)", re.I)).click()
    entry.first.wait_for(state="detached")
    with server.http() as http:
        gone = http.get(
            f"/v1/analysis/sessions/{session_id}", headers={"Authorization": f"Bearer {token}"}
        )
    assert gone.status_code == 404
    assert page.log.errors == [], page.log.errors
    assert page.log.csp_violations() == []


def _conversation(server, token, session_id):
    return api_get(server, token, f"/v1/analysis/sessions/{session_id}/chat")["messages"]


def test_wrong_password_is_a_plain_sentence(page, server):
    from tests.browser.app import register

    account = register(server, "wrongpw")
    page.goto("/login")
    page.get_by_label(re.compile(r"^e-?mail", re.I)).fill(account["email"])
    page.get_by_label(re.compile(r"^password", re.I)).fill("not the password")
    page.get_by_role("button", name=re.compile(r"^(log|sign) ?in$", re.I)).click()
    alert = page.get_by_role("alert").filter(has_text=re.compile(r"\w"))
    alert.first.wait_for()
    message = alert.first.inner_text()
    assert plain_sentence(message), message
    assert "password" in message.lower()
    assert "/login" in page.url
