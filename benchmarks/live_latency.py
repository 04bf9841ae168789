"""Frame-to-answer latency of live coaching over the real WebSocket of a real ``biome serve``.

Streams a clip's frames (downscaled to 640 px, JPEG) at the clip's own frame rate over
/ws/live, as a browser would, and prints p50 / p95 / p99 latency from sending a frame to its
answer, the effective answered frame rate, the frames dropped, and the live and saved rep
counts against an upload analysis of the same clip. Three runs: one session alone, two at
once, one while an upload is being analysed. The machine's load average is printed beside
the figures (latency here depends on what else runs).

Usage:
    uv run python benchmarks/live_latency.py [VIDEO] [--exercise squat] [--quick]

--quick runs the single-session case only (no upload, so no rep comparison).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import struct
import sys
import tempfile
import time
from pathlib import Path

import cv2
import httpx
import numpy as np
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from upload_to_result import one_upload, start_server  # noqa: E402

DEFAULT_VIDEO = Path(__file__).resolve().parents[2] / "shared/datasets/videos/squat_front_01.mp4"
HEADER = struct.Struct("<dI")
WIDTH = 640
TARGET_P95_MS = {1: 80.0, 2: 120.0}


def jpeg_frames(video: str) -> tuple[list[bytes], float]:
    """The clip's frames as 640 px JPEGs (quality 80, as a browser canvas would send)."""
    cap = cv2.VideoCapture(video)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    out = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        h, w = frame.shape[:2]
        scale = WIDTH / max(h, w)
        if scale < 1:
            frame = cv2.resize(frame, (round(w * scale), round(h * scale)), cv2.INTER_AREA)
        out.append(cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes())
    cap.release()
    return out, fps


async def live_set(base: str, token: str, frames: list[bytes], fps: float, exercise: str) -> dict:
    """Streams one set; returns latencies (ms), counts and the summary."""
    sent: dict[int, float] = {}
    latencies: list[float] = []
    answered_at: list[float] = []
    events: list[dict] = []
    work: list[tuple[float, float]] = []
    async with websockets.connect(f"ws://{base}/ws/live?token={token}", max_size=None) as ws:
        await ws.send(json.dumps({"type": "start", "exerciseName": exercise}))
        ready = json.loads(await ws.recv())
        if ready["type"] != "ready":
            return {"refused": ready}

        async def receive() -> dict:
            with contextlib.suppress(websockets.ConnectionClosed):
                return await _receive()
            return {}

        async def _receive() -> dict:
            async for raw in ws:
                now = time.perf_counter()
                msg = json.loads(raw)
                if msg["type"] == "frame":
                    latencies.append((now - sent[msg["seq"]]) * 1000)
                    work.append((msg.get("poseMs", np.nan), msg.get("analysisMs", np.nan)))
                    answered_at.append(now)
                elif msg["type"] == "summary":
                    return msg
                else:
                    events.append(msg)
            return {}

        receiver = asyncio.create_task(receive())
        start = time.perf_counter()
        for seq, jpeg in enumerate(frames):
            due = start + seq / fps
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            t_ms = (time.perf_counter() - start) * 1000
            sent[seq] = time.perf_counter()
            await ws.send(HEADER.pack(t_ms, seq) + jpeg)
        await asyncio.sleep(0.3)  # the last frames' answers
        await ws.send(json.dumps({"type": "stop"}))
        summary = await asyncio.wait_for(receiver, 300)
    span = answered_at[-1] - answered_at[0] if len(answered_at) > 1 else float("nan")
    return {
        "latencies": np.array(latencies),
        "fps": (len(answered_at) - 1) / span if span else float("nan"),
        "sent": len(frames),
        "summary": summary,
        "events": events,
        "work": np.array(work),
    }


def line(label: str, run: dict, sessions: int, _: object = None) -> str:
    if "refused" in run:
        return f"{label}: refused {run['refused']}"
    lat, s = run["latencies"], run["summary"]
    p50, p95, p99 = np.percentile(lat, [50, 95, 99])
    target = TARGET_P95_MS.get(sessions)
    verdict = f" (target ≤ {target:.0f} ms: {'met' if p95 <= target else 'MISSED'})"
    return (
        f"{label:<26} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms{verdict if target else ''}  "
        f"p99 {p99:6.1f} ms  answered {len(lat)}/{run['sent']} frames at {run['fps']:.1f} fps  "
        f"dropped {s.get('framesDropped')}  reps live {s.get('liveRepCount')} / saved "
        f"{s.get('repCount')}  load {os.getloadavg()[0]:.1f}\n"
        f"{'':<26} in the live process per frame (median): pose model "
        f"{np.nanmedian(run['work'][:, 0]):.1f} ms, analysis {np.nanmedian(run['work'][:, 1]):.1f} "
        f"ms (p95 {np.nanpercentile(run['work'][:, 1], 95):.1f} ms)"
    )


async def bench(
    base: str, video: str, exercise: str, frames: list[bytes], fps: float, quick: bool
) -> None:
    async with httpx.AsyncClient(base_url=f"http://{base}", timeout=60) as http:
        reg = await http.post(
            "/v1/auth/register",
            json={"email": "live@example.com", "username": "live", "password": "benchmark1"},
        )
        token = reg.json()["data"]["token"]
    print(f"load average before: {os.getloadavg()}", flush=True)
    # Warm-up set (first-run imports in the server), not reported.
    await live_set(base, token, frames[:90], fps, exercise)
    runs = []
    # A session's slot is free once its process has ended, a moment after the summary.
    await asyncio.sleep(5)
    one = await live_set(base, token, frames, fps, exercise)
    runs.append(("one live session", one, 1))
    print(line(*runs[-1], None), flush=True)
    if one.get("events"):
        kinds = [e["type"] for e in one["events"]]
        print("  events:", {k: kinds.count(k) for k in dict.fromkeys(kinds)})
        print("  cues:", [e["text"] for e in one["events"] if e["type"] in ("cue", "praise")])
    await asyncio.sleep(5)
    if quick:
        return
    two = await asyncio.gather(*(live_set(base, token, frames, fps, exercise) for _ in range(2)))
    for k, run in enumerate(two, 1):
        runs.append((f"two at once, session {k}", run, 2))
        print(line(*runs[-1], None), flush=True)
    await asyncio.sleep(5)
    third, (upload_s, upload) = await asyncio.gather(
        live_set(base, token, frames, fps, exercise), one_upload(base, token, video, exercise)
    )
    runs.append(("one live + upload running", third, 1))
    print(line(*runs[-1], None), flush=True)
    upload_reps = upload["result"]["repCount"]
    print(f"upload analysis of the same clip: {upload_reps} reps ({upload_s:.1f} s)")
    for label, run, _ in runs:
        s = run.get("summary") or {}
        same = s.get("liveRepCount") == upload_reps == s.get("repCount")
        print(
            f"  {label:<26} live {s.get('liveRepCount')} saved {s.get('repCount')}: "
            f"{'same as the upload' if same else 'DIFFERENT from the upload'}"
        )
    print(f"load average after: {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_VIDEO))
    parser.add_argument("--exercise", default="squat")
    parser.add_argument("--quick", action="store_true", help="one live session only")
    args = parser.parse_args()
    frames, fps = jpeg_frames(args.video)
    print(f"video: {Path(args.video).name}  {len(frames)} frames at {fps:.2f} fps, {WIDTH} px JPEG")
    with tempfile.TemporaryDirectory(prefix="biome-live-bench-") as data_dir:
        proc, base = start_server(data_dir)
        try:
            asyncio.run(bench(base, args.video, args.exercise, frames, fps, args.quick))
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
