"""Steps a person takes in the app, shared by the upload and the webcam tests."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Error as PlaywrightError

from tests.browser.app import TOKEN_KEY, api_get, ready

NUMBER = re.compile(r"\d+(?:\.\d+)?")
PROGRESS_URL = re.compile(r"/sessions/([0-9a-f-]{36})/progress")
RESULTS_URL = re.compile(r"/results/([0-9a-f-]{36})")
# A native <progress> has a value; an ARIA progressbar, aria-valuenow.
READ_PROGRESS = "e => e.value ?? Number(e.getAttribute('aria-valuenow'))"


def token_of(page) -> str:
    token = page.evaluate("k => localStorage.getItem(k)", TOKEN_KEY)
    assert token, f"no token in localStorage[{TOKEN_KEY!r}]"
    return token


def follow_progress(page, server, timeout_s: float = 300) -> tuple[str, list[int]]:
    """From the analysing page to the results: returns the session id and the percentages
    the progress bar showed on the way."""
    page.wait_for_url(PROGRESS_URL)
    session_id = PROGRESS_URL.search(page.url).group(1)
    seen: list[int] = []
    bar = page.get_by_role("progressbar", name=re.compile("analysis", re.I))
    deadline = time.monotonic() + timeout_s
    while not RESULTS_URL.search(page.url):
        if time.monotonic() > deadline:
            alerts = page.get_by_role("alert").all_inner_texts()
            status = api_get(server, token_of(page), f"/v1/analysis/sessions/{session_id}")
            raise AssertionError(
                f"the page still shows the analysis after {timeout_s} s: {seen[-5:]} {alerts};"
                f" the API says {status['status']} at {status['progress']} %"
            )
        try:
            value = bar.evaluate(
                "e => e.value ?? Number(e.getAttribute('aria-valuenow'))", timeout=500
            )
        except PlaywrightError:  # not on the page (yet, or any more)
            value = None
        if value is not None and (not seen or seen[-1] != round(value)):
            seen.append(round(value))
        # The app moves on to the results by itself; a link to them would do as well.
        link = page.get_by_role("link", name=re.compile(r"results", re.I))
        if link.count() and link.first.is_visible():
            link.first.click()
        page.wait_for_timeout(250)
    assert RESULTS_URL.search(page.url).group(1) == session_id
    return session_id, seen


def video_state(page) -> dict:
    return page.get_by_label("Your video").evaluate(
        "v => ({t: v.currentTime, paused: v.paused, ready: v.readyState, d: v.duration})"
    )


def play_for(page, seconds: float) -> None:
    """Play the video until ``seconds`` of it have played, then pause."""
    video = page.get_by_label("Your video")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        f"() => document.querySelector('video[aria-label=\"Your video\"]').currentTime > {seconds}",
        timeout=60_000,
    )
    video.evaluate("v => v.pause()")


def overlay_pixels(page) -> dict:
    """Drawn (non-transparent) pixels of the pose overlay, and a fingerprint of the drawing."""
    return page.get_by_label("Pose overlay").evaluate(
        """c => {
          const copy = document.createElement('canvas');
          copy.width = c.width; copy.height = c.height;
          const ctx = copy.getContext('2d');
          ctx.drawImage(c, 0, 0);
          const data = ctx.getImageData(0, 0, c.width, c.height).data;
          let drawn = 0, sum = 0;
          for (let i = 3; i < data.length; i += 4) {
            if (data[i] > 0) { drawn++; sum = (sum * 31 + i) % 1000000007; }
          }
          return {drawn, sum, width: c.width, height: c.height};
        }"""
    )


def seek_target(page, frame: int, fps: float) -> None:
    expected = frame / fps
    page.wait_for_function(
        "([e]) => Math.abs(document.querySelector('video[aria-label=\"Your video\"]')"
        ".currentTime - e) < 0.06",
        arg=[expected],
        timeout=10_000,
    )


def clip_fps(truth: dict) -> float:
    """The frame rate the frame numbers count in: the probed one, else a rep's frame/time."""
    fps = (truth["result"].get("video") or {}).get("fps")
    if fps:
        return float(fps)
    rep = next(r for r in truth["reps"] if r["startTime"] > 0)
    return rep["startFrame"] / rep["startTime"]


def results_truth(server, token: str, session_id: str) -> dict:
    """What the API says about the session: the tests compare the page with it."""
    return api_get(server, token, f"/v1/analysis/sessions/{session_id}/results")


def shown_number(text: str) -> float:
    match = NUMBER.search(text)
    assert match, f"no number in {text!r}"
    return float(match.group())


def analysing_ready(page) -> None:
    """The analysis under way (past 0 %), so the picture shows the page at work."""
    bar = page.get_by_role("progressbar", name=re.compile("analysis", re.I))
    bar.wait_for(state="visible")
    page.wait_for_function(
        f"() => [...document.querySelectorAll('progress, [role=progressbar]')]"
        f".some(e => ({READ_PROGRESS})(e) > 0)",
        timeout=90_000,
    )


def results_ready(page) -> None:
    ready(page)
    page.get_by_test_id("score").wait_for(state="visible")
    page.get_by_label("Your video").evaluate(
        "v => v.readyState >= 2 || new Promise(r => v.addEventListener('loadeddata', r))"
    )
