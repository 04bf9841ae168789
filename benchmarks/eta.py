"""How good the analysis time estimate is: the upload's first figure, and the live one.

Runs the whole coached pipeline (what a worker runs) on each clip and prints, per clip: the
frames, the estimate the upload answers (tools/eta.py on the container's frame count), the
old duration-based estimate (0.8 s per second of video + 5), the time actually taken, and the
live estimate's error at 25 / 50 / 75 % of the run (the StatusPlugin refines it from the
measured throughput).

Usage:
    uv run python benchmarks/eta.py [VIDEO ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

VIDEOS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "videos"
DEFAULT = ["lateral_lunge_front_01.mp4", "deadlift_side_01.mp4"]


def measure(path: Path, exercise: str) -> None:
    from agents.pipeline import analyze_video
    from tools import eta
    from tools.video import probe_video

    info = probe_video(str(path))
    upload_estimate = eta.remaining_seconds(eta.clip_frames(info.frame_count, info.duration_s))
    old_estimate = info.duration_s * 0.8 + 5
    live: list[tuple[float, int]] = []
    started = time.monotonic()

    def on_event(event: dict) -> None:
        if event["type"] == "progress":
            live.append((time.monotonic() - started, event["data"]["estimatedTimeRemaining"]))

    try:
        analyze_video(str(path), exercise, on_event=on_event)
    except Exception as exc:  # a clip the pipeline refuses still timed its frames
        print(f"  ({type(exc).__name__}: {exc})")
    taken = time.monotonic() - started
    errors = []
    for share in (0.25, 0.5, 0.75):
        at = share * taken
        before = [r for t, r in live if t <= at]
        if before:
            errors.append(f"{share:.0%}: {before[-1] - (taken - at):+.0f} s")
    print(
        f"{path.name}: {info.frame_count} frames at {info.fps:.0f} fps; upload estimate "
        f"{upload_estimate:.0f} s (old {old_estimate:.0f} s), taken {taken:.0f} s, ratio "
        f"{upload_estimate / taken:.2f} (old {old_estimate / taken:.2f}); live estimate error "
        + ", ".join(errors)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="*")
    parser.add_argument("--exercise", default=None, help="default: from the file name")
    args = parser.parse_args()
    paths = [Path(v) for v in args.videos] or [VIDEOS / name for name in DEFAULT]
    from agents.pipeline import warm_up

    warm_up()  # as a worker does before its first job
    for path in paths:
        exercise = args.exercise or path.stem.rsplit("_", 2)[0].replace("_", " ")
        measure(path, exercise)


if __name__ == "__main__":
    main()
