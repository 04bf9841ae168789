"""Coach me live: Chromium's fake camera plays a real clip on /live; the page streams it to
``/ws/live``, the rep counter reaches the count the service's own upload analysis gives for the
same clip, the cues are spoken (``speechSynthesis.speak`` recorded), and Stop opens the saved
session's results page.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.app import audit, exercise_id, register, sign_in, upload, wait_analysed
from tests.browser.conftest import TIMEOUT_MS, launch, watch
from tests.browser.flows import results_ready
from tests.browser.y4m import make_y4m

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Records what the page asks the browser to say, and the camera's frame count.
_INSTRUMENT = """(() => {
  window.__spoken = [];
  const synth = window.speechSynthesis;
  if (synth) synth.speak = (u) => window.__spoken.push(u.text);
  const devices = navigator.mediaDevices;
  const open = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    if (constraints && constraints.video) window.__camera = stream.getVideoTracks()[0];
    return stream;
  };
})();"""


@pytest.fixture
def camera(tmp_path, squat_video):
    # From 1.6 s: the clip opens with a title card. The lead leaves time for the live process
    # to start (MediaPipe's import) before the first rep.
    return make_y4m(squat_video, tmp_path / "camera.y4m", start_s=1.6, lead_s=14.0, tail_s=4.0)


@pytest.fixture
def live_page(playwright, server, camera):
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
    yield page
    browser.close()
    camera.path.unlink(missing_ok=True)


def _reps(page) -> int:
    return int(page.get_by_test_id("live-rep-count").inner_text().strip())


def test_live_set_counts_the_uploads_reps_speaks_and_saves(live_page, server, camera, squat_video):
    page = live_page
    account = register(server, "live")
    # The reference: the service's own analysis of the same clip, uploaded.
    reference = upload(server, account["token"], squat_video)

    sign_in(page, account["token"])
    page.goto(f"/live?exercise={exercise_id(server, 'Squat')}")
    page.get_by_role("button", name="Turn on camera").click()
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.videoWidth > 0; }"
    )
    problems = audit(page, "live")
    assert not problems, "\n".join(problems)

    page.get_by_role("button", name="Start set").click()
    page.get_by_role("button", name="Stop set").and_(page.locator(":enabled")).wait_for(
        timeout=60_000
    )
    at_ready = page.evaluate("() => window.__camera.stats.totalFrames")
    assert at_ready < camera.lead_s * camera.fps, (
        f"the live coach was ready at camera frame {at_ready}, after the clip had started"
    )
    # The overlay draws the answered frames.
    page.wait_for_function(
        "() => { const c = document.querySelector('canvas[aria-label=\"Pose overlay\"]');"
        " return c && c.width > 0; }",
        timeout=30_000,
    )

    played = round((camera.lead_s + camera.clip_s + 1.0) * camera.fps)
    page.wait_for_function(
        "([n]) => window.__camera.stats.totalFrames >= n",
        arg=[played],
        timeout=int((camera.clip_s + camera.lead_s + 60) * 1000),
    )
    truth = wait_analysed(server, account["token"], reference)
    assert truth["status"] == "completed", truth
    with server.http() as http:
        result = http.get(
            f"/v1/analysis/sessions/{reference}/results",
            headers={"Authorization": f"Bearer {account['token']}"},
        ).json()["data"]["result"]
    expected = result["repCount"]
    assert expected and expected > 0, result
    # The last answer may still be on its way.
    page.wait_for_function(
        "([n]) => Number(document.querySelector('[data-testid=live-rep-count]').textContent) >= n",
        arg=[expected],
        timeout=10_000,
    )
    assert _reps(page) == expected

    # Cues and set-up advice are spoken as they are shown.
    spoken = page.evaluate("() => window.__spoken")
    assert spoken, "nothing was spoken"
    cue = page.get_by_test_id("live-cue").inner_text().strip()
    if not cue.startswith("Keep going"):
        assert cue in spoken, (cue, spoken)

    page.get_by_role("button", name="Stop set").click()
    page.wait_for_url(re.compile(r"/results/[0-9a-f-]+$"), timeout=180_000)
    results_ready(page)
    assert page.get_by_test_id("rep-count").first.inner_text().strip()
