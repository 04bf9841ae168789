"""Coach me live: Chromium's fake camera plays a real clip on /live; the page streams it to
``/ws/live``, the rep counter reaches the count the service's own upload analysis gives for the
same clip, the cues are spoken (``speechSynthesis.speak`` recorded), and Stop opens the saved
session's results page. A faulty clip's cue names a fault the upload analysis finds too.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.app import (
    artifacts_dir,
    audit,
    exercise_id,
    register,
    sign_in,
    upload,
    wait_analysed,
)
from tests.browser.conftest import TIMEOUT_MS, launch, watch
from tests.browser.flows import results_ready
from tests.browser.y4m import make_y4m
from tests.conftest import VIDEOS, require_shared

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Records what the page asks the browser to say, the live socket's messages and the camera's
# frame count.
_INSTRUMENT = """(() => {
  window.__spoken = [];
  window.__live = [];
  const synth = window.speechSynthesis;
  if (synth) synth.speak = (u) => window.__spoken.push(u.text);
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string') window.__live.push(JSON.parse(e.data));
      });
    }
  };
  const devices = navigator.mediaDevices;
  const open = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    if (constraints && constraints.video) window.__camera = stream.getVideoTracks()[0];
    return stream;
  };
})();"""


def _camera_page(playwright, server, camera):
    browser = launch(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera.path}",
    )
    context = browser.new_context(base_url=server.base, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(_INSTRUMENT)
    page = context.new_page()
    page.log = watch(page)
    return browser, page


def _analysed(server, token: str, session_id: str) -> dict:
    session = wait_analysed(server, token, session_id)
    assert session["status"] == "completed", session
    with server.http() as http:
        return http.get(
            f"/v1/analysis/sessions/{session_id}/results",
            headers={"Authorization": f"Bearer {token}"},
        ).json()["data"]


def _live_set(page, server, camera, exercise: str, name: str) -> None:
    """Open /live, turn the camera on, start once the coach is ready (before the clip begins)
    and let the whole clip play."""
    page.goto(f"/live?exercise={exercise_id(server, exercise)}")
    page.get_by_role("button", name="Turn on camera").click()
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.videoWidth > 0; }"
    )
    if name == "live":
        problems = audit(page, name)
        assert not problems, "\n".join(problems)
    page.get_by_role("button", name="Start set").click()
    page.get_by_role("button", name="Stop set").and_(page.locator(":enabled")).wait_for(
        timeout=60_000
    )
    at_ready = page.evaluate("() => window.__camera.stats.totalFrames")
    assert at_ready < camera.lead_s * camera.fps, (
        f"the live coach was ready at camera frame {at_ready}, after the clip had started"
    )
    middle = round((camera.lead_s + camera.clip_s / 2) * camera.fps)
    page.wait_for_function("([n]) => window.__camera.stats.totalFrames >= n", arg=[middle])
    for label, size in (("phone", {"width": 390, "height": 844}), ("desktop", None)):
        if size:
            page.set_viewport_size(size)
        else:
            page.set_viewport_size({"width": 1280, "height": 800})
        page.screenshot(path=artifacts_dir() / f"{name}-running-{label}.png", full_page=True)
    played = round((camera.lead_s + camera.clip_s + 1.0) * camera.fps)
    page.wait_for_function(
        "([n]) => window.__camera.stats.totalFrames >= n",
        arg=[played],
        timeout=int((camera.clip_s + camera.lead_s + 60) * 1000),
    )


@pytest.fixture
def squat_camera(tmp_path, squat_video):
    # From 1.6 s: the clip opens with a title card. The lead leaves time for the live process
    # to start (MediaPipe's import) before the first rep.
    camera = make_y4m(squat_video, tmp_path / "camera.y4m", start_s=1.6, lead_s=14.0, tail_s=4.0)
    yield camera
    camera.path.unlink(missing_ok=True)


def test_live_set_counts_the_uploads_reps_speaks_and_saves(
    playwright, server, squat_camera, squat_video
):
    account = register(server, "live")
    # The reference: the service's own analysis of the same clip, uploaded (and finished
    # first, so it does not take the CPU from the live set).
    reference = upload(server, account["token"], squat_video)
    expected = _analysed(server, account["token"], reference)["result"]["repCount"]
    assert expected and expected > 0
    browser, page = _camera_page(playwright, server, squat_camera)
    try:
        sign_in(page, account["token"])
        _live_set(page, server, squat_camera, "Squat", "live")
        # The overlay drew the answered frames.
        assert page.evaluate(
            "() => document.querySelector('canvas[aria-label=\"Pose overlay\"]').width"
        )
        # The last answer may still be on its way.
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(
                "([n]) => Number(document.querySelector('[data-testid=live-rep-count]')"
                ".textContent) >= n",
                arg=[expected],
                timeout=10_000,
            )
        frames = page.evaluate("() => window.__live.filter(m => m.type === 'frame')")
        shown = int(page.get_by_test_id("live-rep-count").inner_text())
        assert shown == expected, (
            f"live counter {shown}, upload analysis {expected}; {len(frames)} frames answered, "
            f"{frames[-1]['dropped'] if frames else '?'} dropped"
        )

        # Every cue and piece of set-up advice the service sent was spoken.
        spoken = page.evaluate("() => window.__spoken")
        said = page.evaluate(
            "() => window.__live.filter(m => ['cue','praise','setup'].includes(m.type))"
            ".map(m => m.message || m.text)"
        )
        assert spoken, "nothing was spoken"
        assert set(said) <= set(spoken), (said, spoken)

        page.get_by_role("button", name="Stop set").click()
        page.wait_for_url(re.compile(r"/results/[0-9a-f-]+$"), timeout=180_000)
        results_ready(page)
        assert page.get_by_test_id("rep-count").first.inner_text().strip()
    finally:
        browser.close()


def test_a_faulty_clip_gets_its_cue(playwright, server, tmp_path):
    require_shared()
    clip = VIDEOS / "pushup_side_wrong_01.mp4"
    camera = make_y4m(clip, tmp_path / "faulty.y4m", lead_s=14.0, tail_s=3.0)
    account = register(server, "livefault")
    reference = upload(server, account["token"], clip, exercise="Push-up")
    found = {i["type"] for i in _analysed(server, account["token"], reference)["issues"]}
    browser, page = _camera_page(playwright, server, camera)
    try:
        sign_in(page, account["token"])
        _live_set(page, server, camera, "Push-up", "live-faulty")
        cues = page.evaluate("() => window.__live.filter(m => m.type === 'cue')")
        assert cues, f"no cue; the upload analysis found {sorted(found)}"
        assert {c["issueType"] for c in cues} <= found, (cues, found)
        spoken = page.evaluate("() => window.__spoken")
        assert all(c["text"] in spoken for c in cues)
        page.get_by_role("button", name="Stop set").click()
        page.wait_for_url(re.compile(r"/results/[0-9a-f-]+$"), timeout=180_000)
    finally:
        browser.close()
        camera.path.unlink(missing_ok=True)
