"""Browser recordings for tests: a real clip played through Chromium's fake camera and recorded
with ``MediaRecorder``, as the web app's "record" page does, so the file has exactly the shape a
person's recording has (WebM, VP8, no duration or frame count in its header).

Also a headerless WebM of any length written with PyAV's live mode (the same header shape,
without waiting minutes of real time), for the duration cap.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = Path(os.environ.get("BIOME_CHROMIUM", "/usr/bin/chromium"))
WIDTH, HEIGHT, FPS = 640, 360, 30

_RECORD = """async (ms) => {
  const stream = await navigator.mediaDevices.getUserMedia({video: true, audio: false});
  const recorder = new MediaRecorder(stream, {mimeType: 'video/webm;codecs=vp8'});
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start(1000);
  await new Promise((resolve) => setTimeout(resolve, ms));
  recorder.stop();
  await stopped;
  stream.getTracks().forEach((t) => t.stop());
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 32768) {
    text += String.fromCharCode(...bytes.subarray(i, i + 32768));
  }
  return btoa(text);
}"""


def require_chromium() -> None:
    """Skip (or, under CI=true, fail) when Chromium or Python playwright is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install -y chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package (uv sync)")
    if not missing:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("recording tests need " + " and ".join(missing))
    pytest.skip("recording tests need " + " and ".join(missing))


def write_y4m(clip: Path, out: Path) -> float:
    """The clip as 640×360 I420 at 30 fps for the fake camera (streamed: ~10 MB/s of video).

    Returns the seconds it plays.
    """
    import cv2

    cap = cv2.VideoCapture(str(clip))
    frames = 0
    with open(out, "wb") as f:
        # "C420" gives colour; "C420jpeg" came out grey (stack-facts).
        f.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420\n".encode())
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            bgr = cv2.resize(bgr, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
            f.write(b"FRAME\n" + cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420).tobytes())
            frames += 1
    cap.release()
    if not frames:
        raise ValueError(f"{clip} yielded no frames")
    return frames / FPS


def chromium_recording(clip: Path, out: Path, work_dir: Path) -> Path:
    """Record ``clip`` through Chromium's fake camera with MediaRecorder into ``out`` (WebM).

    The recording runs as long as the clip plays (real time) plus a little, so it holds the
    whole clip once (the fake camera loops the file).
    """
    from playwright.sync_api import sync_playwright

    require_chromium()
    y4m = work_dir / "camera.y4m"
    seconds = write_y4m(clip, y4m)
    args = [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-gpu",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}",
    ]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
            try:
                page = browser.new_page()
                # getUserMedia needs a secure context; http://localhost is one. Served from
                # memory: no server needed.
                page.route(
                    "http://localhost/record",
                    lambda r: r.fulfill(body="<title>record</title>", content_type="text/html"),
                )
                page.goto("http://localhost/record")
                data = page.evaluate(_RECORD, int((seconds + 0.3) * 1000))
            finally:
                browser.close()
    finally:
        y4m.unlink(missing_ok=True)
    out.write_bytes(base64.b64decode(data))
    return out


def live_webm(path: Path, seconds: float, fps: int = 2, size=(64, 48)) -> Path:
    """A VP8 WebM written as a live stream: no duration, no frame count, no cues."""
    import av

    with av.open(str(path), "w", format="webm", options={"live": "1"}) as container:
        stream = container.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.options = {"deadline": "realtime", "cpu-used": "8"}
        for i in range(round(seconds * fps)):
            rgb = np.full((size[1], size[0], 3), (i * 7) % 255, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
