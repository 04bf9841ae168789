"""What an analysis's media cost: the annotated video and the overlay's pose track.

1. The annotated video (tools/annotate.py: decode, draw, H.264 encode at the 540 p cap) of a
   real clip: wall and CPU seconds per minute of video, the output's size per minute, and the
   ratio to the pose extraction of the same clip measured in the same run (the analysis's own
   dominant cost), so a loaded machine shows in both figures alike.
2. The pose track on the wire (gzip, level 6, as stored): the clip's real track scaled to a
   5-minute clip at 30 fps (9000 frames), and a synthetic 9000-frame track with landmark jitter.

Usage:
    uv run python benchmarks/media.py [--clip PATH] [--runs 2]
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CLIP = REPO.parent / "shared" / "datasets" / "videos" / "squat_front_01.mp4"
FIVE_MINUTES_FRAMES = 9000
WIRE_BUDGET = 2_000_000


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clip", type=Path, default=CLIP)
    parser.add_argument("--runs", type=int, default=2, help="annotated-video runs (best kept)")
    args = parser.parse_args()
    if not args.clip.is_file():
        print(f"clip not found: {args.clip}", file=sys.stderr)
        return 1

    from tests.tools.test_pose_wire import moving_track
    from tools.annotate import render_annotated_video
    from tools.pose import extract_pose_track
    from tools.pose_wire import dumps, encode_track
    from tools.video import probe_video

    info = probe_video(args.clip)
    minutes = info.duration_s / 60
    print(
        f"clip: {args.clip.name}, {info.width}x{info.height}, {info.frame_count} frames, "
        f"{info.duration_s:.1f} s"
    )
    track, pose_wall, pose_cpu = timed(lambda: extract_pose_track(args.clip, info))
    print(
        f"pose extraction (MediaPipe): {pose_wall / minutes:6.1f} s wall, "
        f"{pose_cpu / minutes:6.1f} s CPU per minute of video"
    )

    pose = encode_track(track)
    reps = [{"endFrame": int(f)} for f in range(60, info.frame_count, 90)]
    issues = [{"type": "Knees cave in", "severity": "moderate", "frameStart": 100, "frameEnd": 140}]
    best = None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "processed.mp4"
        for _ in range(max(1, args.runs)):
            result, wall, cpu = timed(
                lambda: render_annotated_video(args.clip, pose, reps, issues, out, info)
            )
            if best is None or wall < best[1]:
                best = (result, wall, cpu, out.stat().st_size)
    result, wall, cpu, size = best
    print(
        f"annotated video ({result.width}x{result.height} H.264): {wall / minutes:6.1f} s wall, "
        f"{cpu / minutes:6.1f} s CPU per minute of video; "
        f"{size / minutes / 1e6:.1f} MB per minute"
    )
    print(f"  ratio to pose extraction: {wall / pose_wall:.2f}x wall, {cpu / pose_cpu:.2f}x CPU")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process (MediaPipe included): {peak:.0f} MB")

    real = len(gzip.compress(dumps(pose), 6))
    scaled = real * FIVE_MINUTES_FRAMES / track.n_frames
    synthetic = len(gzip.compress(dumps(encode_track(moving_track(FIVE_MINUTES_FRAMES))), 6))
    print(
        f"pose track, gzip: this clip {real / 1e3:.0f} kB for {track.n_frames} frames; "
        f"scaled to 5 min at 30 fps {scaled / 1e6:.2f} MB "
        f"({scaled / WIRE_BUDGET:.0%} of the 2 MB budget)"
    )
    print(
        f"pose track, gzip: synthetic 9000 frames {synthetic / 1e6:.2f} MB "
        f"({synthetic / WIRE_BUDGET:.0%} of the 2 MB budget)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
