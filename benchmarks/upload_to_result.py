"""Times one clip through the running service, upload to ``analysis_complete``, against
MediaPipe inference alone on the same frames.

Starts ``biome serve`` (one worker, a temporary data dir, SQLite unless DATABASE_URL is set),
uploads the clip twice in a row over HTTP and follows each over the WebSocket. The first upload
pays the worker's first-run set-up; the second is the steady state.

Usage:
    uv run python benchmarks/upload_to_result.py [VIDEO] [--exercise squat]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline_speed import DEFAULT_VIDEO, inference_only, time_stage  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def start_server(data_dir: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BIOME_DATA_DIR": data_dir, "BIOME_WORKERS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"http://{base}/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


async def one_upload(base: str, token: str, video: str, exercise: str) -> tuple[float, dict]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=f"http://{base}", timeout=60) as http:
        start = time.perf_counter()
        with open(video, "rb") as f:
            up = await http.post(
                "/v1/analysis/upload",
                headers=headers,
                files={"video": (Path(video).name, f)},
                data={"exerciseName": exercise},
            )
        up.raise_for_status()
        session_id = up.json()["data"]["sessionId"]
        async with websockets.connect(f"ws://{base}/ws/analysis/{session_id}?token={token}") as ws:
            async for message in ws:
                event = json.loads(message)
                if event["type"] in ("analysis_complete", "error"):
                    break
        seconds = time.perf_counter() - start
        results = await http.get(f"/v1/analysis/sessions/{session_id}/results", headers=headers)
    return seconds, results.json()["data"]


async def run_uploads(base: str, video: str, exercise: str) -> list[tuple[float, dict]]:
    async with httpx.AsyncClient(base_url=f"http://{base}", timeout=60) as http:
        reg = await http.post(
            "/v1/auth/register",
            json={"email": "bench@example.com", "username": "bench", "password": "benchmark1"},
        )
        token = reg.json()["data"]["token"]
    return [await one_upload(base, token, video, exercise) for _ in range(2)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_VIDEO))
    parser.add_argument("--exercise", default="squat")
    args = parser.parse_args()

    from tools.pose import downscale_for_inference
    from tools.video import iter_frames, probe_video

    info = probe_video(args.video)
    frames = [downscale_for_inference(rgb) for _, _, rgb in iter_frames(args.video, info)]
    t_infer, _ = time_stage("MediaPipe inference alone", lambda: inference_only(frames))
    n = len(frames)
    frames.clear()

    with tempfile.TemporaryDirectory(prefix="biome-bench-") as data_dir:
        proc, base = start_server(data_dir)
        try:
            runs = asyncio.run(run_uploads(base, args.video, args.exercise))
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)

    print(f"video: {Path(args.video).name}  {n} frames  {info.duration_s:.1f} s")
    for label, (seconds, data) in zip(("first upload", "second upload"), runs, strict=True):
        result = data["result"]
        print(
            f"{label:<14} upload → analysis_complete {seconds:6.2f} s   "
            f"({seconds / t_infer:.2f}× inference alone; reps {result['repCount']}, "
            f"score {result['overallScore']}, coach {result['coach']})"
        )
    print(f"inference alone {t_infer:6.2f} s ({n / t_infer:.1f} frames/s)")


if __name__ == "__main__":
    main()
