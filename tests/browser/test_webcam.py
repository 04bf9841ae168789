"""Recording with the webcam: Chromium's fake camera plays a real clip, the app records it with
``MediaRecorder`` (a WebM with no duration in its header), uploads it, and the analysis finds
the clip's six reps.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.app import exercise_id, register, sign_in
from tests.browser.conftest import TIMEOUT_MS, launch, watch
from tests.browser.flows import follow_progress, results_truth, shown_number
from tests.browser.y4m import make_y4m

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# When the camera opened and the recording started, on the page's own clock.
_INSTRUMENT = """(() => {
  const devices = navigator.mediaDevices;
  const open = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    if (constraints && constraints.video) {
      window.__cameraAt = performance.now();
      window.__camera = stream.getVideoTracks()[0];
    }
    return stream;
  };
  const start = MediaRecorder.prototype.start;
  MediaRecorder.prototype.start = function (...args) {
    window.__recordingAt = performance.now();
    window.__recordingFrame = window.__camera ? window.__camera.stats.totalFrames : null;
    window.__recordingType = this.mimeType;
    return start.apply(this, args);
  };
})();"""


@pytest.fixture
def camera(tmp_path, squat_video):
    # From 1.6 s: the clip opens with a title card, then the man stands ready.
    return make_y4m(squat_video, tmp_path / "camera.y4m", start_s=1.6, lead_s=8.0, tail_s=4.0)


@pytest.fixture
def camera_page(playwright, server, camera):
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


def test_record_with_the_webcam_and_get_the_reps(camera_page, server, camera):
    page = camera_page
    account = register(server, "webcam")
    sign_in(page, account["token"])
    page.goto(f"/analyze?exercise={exercise_id(server, 'Squat')}")

    page.get_by_role("tab", name=re.compile(r"record|camera", re.I)).click()
    page.get_by_role("button", name=re.compile(r"turn on (the )?camera", re.I)).click()
    # The preview shows the camera.
    page.wait_for_function(
        "() => [...document.querySelectorAll('video')].some(v => v.srcObject && v.videoWidth)"
    )
    page.get_by_role("button", name=re.compile(r"^(start )?record", re.I)).first.click()
    page.wait_for_function("() => window.__recordingAt !== undefined", timeout=15_000)
    # The recording must start during the still frames before the clip (counted in the
    # camera's frames: a loaded machine can be slow to click and count down).
    started = page.evaluate("() => window.__recordingFrame")
    assert started < camera.lead_s * camera.fps, (
        f"recording began at camera frame {started}, after the clip had started"
    )
    # Stop once the whole clip has played and the still frames after it have begun (before the
    # file loops). Counted in frames the camera produced, not in seconds: a loaded machine
    # plays the file a little slower than real time.
    played = round((camera.lead_s + camera.clip_s + 0.5) * camera.fps)
    page.wait_for_function(
        "([n]) => window.__camera.stats.totalFrames >= n",
        arg=[played],
        timeout=int((camera.lead_s + camera.clip_s + 60) * 1000),
    )
    page.get_by_role("button", name=re.compile(r"^stop", re.I)).first.click()
    assert "webm" in page.evaluate("() => window.__recordingType"), "not a WebM recording"

    page.get_by_role("button", name=re.compile(r"^upload and analy[sz]e", re.I)).click()

    session_id, _ = follow_progress(page, server)
    truth = results_truth(server, account["token"], session_id)
    video = truth["result"]["video"]
    reps = [(r["startTime"], r["endTime"]) for r in truth["reps"]]
    assert truth["result"]["repCount"] == 6, (
        f"{truth['result']['repCount']} reps {reps} in a recording of {video}"
    )
    # What was analysed is the browser's recording, stored as the WebM it is.
    assert ".webm" in truth["session"]["videoUrl"], truth["session"]["videoUrl"]
    page.get_by_test_id("rep-count").wait_for()
    assert shown_number(page.get_by_test_id("rep-count").inner_text()) == 6
    assert page.log.errors == [], page.log.errors
