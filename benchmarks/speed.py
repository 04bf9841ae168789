"""Speed and memory of the vision engine.

1. End-to-end vision (tools.analysis.analyze_video: probe, decode, MediaPipe, analysis) against
   MediaPipe inference alone on the same frames, decoded and downscaled into memory beforehand
   (target: ratio <= 1.15).
2. Frames per second with both cores: two worker processes each analysing a copy of the clip,
   as the service's worker pool does.
3. Peak memory (max RSS of a fresh process) analysing a 5-minute 1080p video, made at run time
   by looping a 1080p clip into /tmp (never committed; target < 600 MB).

Usage:
    uv run python benchmarks/speed.py [--clip VIDEO] [--long-clip VIDEO] [--skip-long]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VIDEOS = ROOT / ".." / "shared" / "datasets" / "videos"
LONG_S = 295.0  # just under the 300 s upload limit


def _analyze(path: str) -> int:
    from tools.analysis import analyze_video

    return analyze_video(path, "squat")["totalFrames"]


def ratio_vs_inference(clip: Path) -> None:
    from benchmarks.pipeline_speed import inference_only
    from tools.analysis import analyze_video
    from tools.pose import downscale_for_inference
    from tools.video import iter_frames, probe_video

    info = probe_video(clip)
    frames = [downscale_for_inference(rgb) for _, _, rgb in iter_frames(clip, info)]
    inference_only(frames[:30])  # warm up the graph once, outside the timing
    t0 = time.perf_counter()
    inference_only(frames)
    t_inf = time.perf_counter() - t0
    del frames
    t0 = time.perf_counter()
    analyze_video(clip, "squat")
    t_e2e = time.perf_counter() - t0
    n = info.frame_count
    print(f"clip {clip.name}: {info.width}x{info.height}, {n} frames")
    print(f"  MediaPipe inference alone  {t_inf:6.2f} s  ({n / t_inf:5.1f} fps)")
    print(f"  end-to-end analyze_video   {t_e2e:6.2f} s  ({n / t_e2e:5.1f} fps)")
    print(f"  ratio end-to-end / inference = {t_e2e / t_inf:.3f}  (target <= 1.15)")


def two_cores(clip: Path) -> None:
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_analyze, [str(clip)] * 2))  # start-up and imports, not timed
        t0 = time.perf_counter()
        frames = sum(pool.map(_analyze, [str(clip)] * 2))
        wall = time.perf_counter() - t0
    print(f"  two processes: {frames} frames in {wall:.2f} s = {frames / wall:.1f} fps")


def make_long_video(src: Path, dst: Path) -> None:
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for i in range(int(LONG_S * fps)):
        # Play forwards then backwards so the loop has no jump cut.
        k = i % (2 * len(frames) - 2)
        writer.write(frames[k if k < len(frames) else 2 * len(frames) - 2 - k])
    writer.release()


def peak_memory(src: Path) -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        video = Path(tmp) / "long_1080p.mp4"
        t0 = time.perf_counter()
        make_long_video(src, video)
        print(f"  made {video.name} from {src.name} in {time.perf_counter() - t0:.0f} s")
        code = (
            "import sys, resource; sys.path.insert(0, sys.argv[1]);"
            "from tools.analysis import analyze_video;"
            "f = analyze_video(sys.argv[2], 'push-up');"
            "print(f['totalFrames'], f['video']['width'], f['video']['height'], f['repCount'])"
        )
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code, str(ROOT), str(video)],
            capture_output=True,
            text=True,
            check=True,
        )
        wall = time.perf_counter() - t0
    n, w, h, reps = out.stdout.split()[-4:]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  {n} frames at {w}x{h} ({LONG_S:.0f} s) analysed in {wall:.0f} s, {reps} reps")
    print(f"  peak RSS of the analysing process: {peak_mb:.0f} MB  (target < 600 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", default=str(VIDEOS / "squat_front_01.mp4"))
    parser.add_argument("--long-clip", default=str(VIDEOS / "pushup_side_01.mp4"))
    parser.add_argument("--skip-long", action="store_true")
    args = parser.parse_args()
    print("1. end-to-end vision vs MediaPipe alone")
    ratio_vs_inference(Path(args.clip))
    print("2. both cores")
    two_cores(Path(args.clip))
    if not args.skip_long:
        print("3. peak memory on a 5-minute 1080p video")
        peak_memory(Path(args.long_clip))


if __name__ == "__main__":
    main()
