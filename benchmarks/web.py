"""What the web app costs a person: bytes shipped, time to first render, the pose track's size.

1. The JavaScript and CSS in ``api/webapp/assets`` (the committed bundle): raw and gzip
   (level 6, what a server sends) per asset, those ``index.html`` loads up front apart from the
   chunks loaded later, and totals.
2. Time to first render on loopback, in Debian's Chromium (Playwright): from navigation start
   (the page's time origin) to the first meaningful element being visible: the home page's
   ``<h1>``; the results page's score (``data-testid="score"``), which needs its data. Each run
   uses a fresh browser context (empty cache: a first visit); median, min and max of N.
3. The pose track of a 5-minute clip on the wire (``GET /v1/analysis/sessions/{id}/pose``,
   ``Accept-Encoding: gzip``). By default the 20 s squat clip is analysed for real and its
   track is measured and scaled to 5 minutes (9000 frames at 30 fps; the bytes per frame are
   what grows); ``--five-minutes`` analyses a real 5-minute clip (the squat clip looped) and
   measures its track directly (several minutes on two cores).

Starts ``biome serve`` (one worker, a temporary data dir, SQLite unless DATABASE_URL is set).

Usage:
    uv run python benchmarks/web.py [--runs 7] [--five-minutes]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from upload_to_result import start_server  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
WEBAPP = REPO / "api" / "webapp"
CLIP = REPO.parent / "shared" / "datasets" / "videos" / "squat_front_01.mp4"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
FIVE_MINUTES_FRAMES = 9000
TARGET_BYTES = 2_000_000


def kb(n: float) -> str:
    return f"{n / 1024:8.1f} KiB"


def asset_sizes() -> None:
    index = (WEBAPP / "index.html").read_text()
    upfront = set(re.findall(r'(?:src|href)="/assets/([^"]+)"', index))
    files = sorted(p for p in (WEBAPP / "assets").iterdir() if p.suffix in (".js", ".css", ".mjs"))
    print("1. JavaScript and CSS shipped (api/webapp/assets)")
    print(f"   {'asset':<44} {'raw':>12} {'gzip -6':>12}  loaded")
    totals: dict[str, list[int]] = {}
    for path in files:
        data = path.read_bytes()
        raw, packed = len(data), len(gzip.compress(data, 6))
        when = "up front" if path.name in upfront else "later"
        print(f"   {path.name:<44} {kb(raw)} {kb(packed)}  {when}")
        for key in (f"{path.suffix.lstrip('.')} {when}", "all"):
            total = totals.setdefault(key, [0, 0])
            total[0] += raw
            total[1] += packed
    for key, (raw, packed) in sorted(totals.items()):
        print(f"   {'total ' + key:<44} {kb(raw)} {kb(packed)}")


def register(base: str) -> str:
    response = httpx.post(
        f"{base}/v1/auth/register",
        json={"email": "bench@example.com", "username": "bench", "password": "a long password"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["data"]["token"]


def analyse(base: str, token: str, clip: Path) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=120, headers=headers) as http:
        with open(clip, "rb") as f:
            up = http.post(
                "/v1/analysis/upload",
                files={"video": (clip.name, f, "video/mp4")},
                data={"exerciseName": "Squat"},
            )
        up.raise_for_status()
        session_id = up.json()["data"]["sessionId"]
        while True:
            status = http.get(f"/v1/analysis/sessions/{session_id}").json()["data"]["status"]
            if status in ("completed", "failed"):
                break
            time.sleep(0.5)
    if status != "completed":
        raise SystemExit(f"analysis of {clip.name} {status}")
    return session_id


def first_render(browser, url: str, selector: str, token: str | None) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    if token:
        context.add_init_script(f"localStorage.setItem('biome.token', {token!r})")
    page = context.new_page()
    page.goto(url, wait_until="commit")
    # performance.now() counts from navigation start; polled every animation frame.
    shown = page.wait_for_function(
        "s => { const e = document.querySelector(s); "
        "return e && e.checkVisibility() && performance.now(); }",
        arg=selector,
        polling="raf",
        timeout=60_000,
    ).json_value()
    fcp = page.evaluate(
        "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
    )
    context.close()
    return {"shown": shown, "fcp": fcp}


def render_times(base: str, token: str, session_id: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    print(f"\n2. Time to first render on loopback (Chromium, fresh context each, N={runs})")
    pages = [
        ("home", f"{base}/", "h1", None),
        ("results", f"{base}/results/{session_id}", '[data-testid="score"]', token),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, url, selector, auth in pages:
            first_render(browser, url, selector, auth)  # warm the server's caches
            samples = [first_render(browser, url, selector, auth) for _ in range(runs)]
            shown = [s["shown"] for s in samples]
            fcp = [s["fcp"] for s in samples if s["fcp"] is not None]
            paint = f"; FCP median {statistics.median(fcp):.0f} ms" if fcp else ""
            print(
                f"   {name:<8} {selector:<24} visible: median {statistics.median(shown):6.0f} ms"
                f" (min {min(shown):.0f}, max {max(shown):.0f}){paint}"
            )
        browser.close()


def track_on_the_wire(base: str, token: str, session_id: str) -> tuple[int, int, int] | None:
    """(bytes on the wire with gzip, bytes without, frame count), or None without the route."""
    url = f"{base}/v1/analysis/sessions/{session_id}/pose"
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=120) as http:
        with http.stream("GET", url, headers={**headers, "Accept-Encoding": "gzip"}) as r:
            if r.status_code == 404:
                return None
            r.raise_for_status()
            wire = sum(len(chunk) for chunk in r.iter_raw())
            encoding = r.headers.get("content-encoding")
        plain = http.get(url, headers={**headers, "Accept-Encoding": "identity"})
        frames = plain.json()["data"]["frameCount"]
    if encoding != "gzip":
        print(f"   note: the endpoint answered Content-Encoding {encoding!r}, not gzip")
    return wire, len(plain.content), frames


def looped_clip(clip: Path, out: Path, frames: int) -> Path:
    """The clip repeated to ``frames`` frames (mpeg4 part 2, which OpenCV can write)."""
    import cv2

    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    # 640 px wide keeps the file small; the track is per-mille of the frame either way.
    width = 640
    size = (width, round(size[1] * width / size[0] / 2) * 2)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    # Just under the 5-minute cap at the clip's own rate (29.97 fps: 8961 frames).
    frames = min(frames, int(fps * 299))
    written = 0
    while written < frames:
        cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
        while written < frames:
            ok, frame = cap.read()
            if not ok:
                break
            writer.write(cv2.resize(frame, size, interpolation=cv2.INTER_AREA))
            written += 1
    writer.release()
    cap.release()
    return out


def pose_size(base: str, token: str, session_id: str, five_minutes: bool, tmp: Path) -> None:
    print("\n3. Pose track on the wire (GET /v1/analysis/sessions/{id}/pose, gzip)")
    measured = track_on_the_wire(base, token, session_id)
    if measured is None:
        print("   the pose endpoint is not there (404): not measured")
        return
    wire, plain, frames = measured
    per_frame = wire / frames
    print(
        f"   {CLIP.name}: {frames} frames, {wire:,} B gzip ({plain:,} B plain), "
        f"{per_frame:.1f} B/frame"
    )
    estimate = per_frame * FIVE_MINUTES_FRAMES
    print(
        f"   5 minutes ({FIVE_MINUTES_FRAMES} frames) at that rate: {estimate / 1e6:.2f} MB"
        f" = {estimate / TARGET_BYTES:.2f} x the 2 MB target"
    )
    if not five_minutes:
        return
    clip = looped_clip(CLIP, tmp / "five_minutes.mp4", FIVE_MINUTES_FRAMES)
    started = time.perf_counter()
    long_id = analyse(base, token, clip)
    wire, plain, frames = track_on_the_wire(base, token, long_id)
    print(
        f"   real 5-minute clip (looped, analysed in {time.perf_counter() - started:.0f} s):"
        f" {frames} frames, {wire:,} B gzip ({plain:,} B plain)"
        f" = {wire / TARGET_BYTES:.2f} x the 2 MB target"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--five-minutes", action="store_true")
    args = parser.parse_args()
    if not (WEBAPP / "index.html").exists():
        raise SystemExit("no api/webapp/index.html: build the web app (cd web && npm run build)")
    asset_sizes()
    if not CLIP.exists():
        raise SystemExit(f"{CLIP} is missing (the shared datasets)")
    with tempfile.TemporaryDirectory(prefix="biome-web-bench-") as tmp:
        proc, host = start_server(tmp)
        base = f"http://{host}"
        try:
            token = register(base)
            session_id = analyse(base, token, CLIP)
            render_times(base, token, session_id, args.runs)
            pose_size(base, token, session_id, args.five_minutes, Path(tmp))
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("BIOME_RATE_LIMIT", "100000")
    sys.exit(main())
