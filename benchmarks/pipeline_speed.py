"""Times the vision pipeline stages on one clip.

Stages:
    (a) MediaPipe inference alone over frames decoded into memory beforehand,
    (b) decode + inference through tools.pose.extract_pose_track,
    (c) the full tools.analysis.analyze_video (probe, decode, inference, analysis),
    (d) the whole coached pipeline, agents.pipeline.analyze_video (ADK orchestrator, vision
        agent, coaching agent): what a worker runs for one upload, and what `biome analyze` runs.

Usage:
    uv run python benchmarks/pipeline_speed.py [VIDEO] [--exercise squat]

time_stage() is reusable: other benchmarks (e.g. the agents' end-to-end pipeline) can import it
and add their own stages.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_VIDEO = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "datasets"
    / "videos"
    / "squat_front_01.mp4"
)


def time_stage(name: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Runs fn once, prints and returns (seconds, result)."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{name:<34} {seconds:8.2f} s", flush=True)
    return seconds, result


def inference_only(frames: list) -> int:
    """Runs MediaPipe Pose (same settings as extract_pose_track) over pre-decoded frames."""
    import mediapipe as mp

    detected = 0
    with mp.solutions.pose.Pose(
        static_image_mode=False,
        model_complexity=1,
        smooth_landmarks=True,
        min_detection_confidence=0.5,
        min_tracking_confidence=0.5,
    ) as pose:
        for frame in frames:
            detected += pose.process(frame).pose_landmarks is not None
    return detected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=str(DEFAULT_VIDEO))
    parser.add_argument("--exercise", default="squat")
    args = parser.parse_args()

    import mediapipe  # noqa: F401  Load once up front so no stage pays the import.

    from agents.pipeline import analyze_video as coached_pipeline
    from tools.analysis import analyze_video
    from tools.pose import downscale_for_inference, extract_pose_track
    from tools.video import iter_frames, probe_video

    info = probe_video(args.video)
    print(
        f"video: {Path(args.video).name}  {info.width}x{info.height}  {info.fps:.2f} fps  "
        f"{info.frame_count} frames  {info.duration_s:.1f} s  codec {info.codec}"
    )
    # Downscaling is part of what extract_pose_track does, so (a) gets the same input sizes.
    t_decode, frames = time_stage(
        "decode into memory (not compared)",
        lambda: [downscale_for_inference(rgb) for _, _, rgb in iter_frames(args.video, info)],
    )
    n = len(frames)
    t_a, _ = time_stage("(a) inference only", lambda: inference_only(frames))
    frames.clear()  # Free the decoded video before the streaming stages.
    t_b, track = time_stage("(b) decode + inference", lambda: extract_pose_track(args.video, info))
    t_c, findings = time_stage(
        "(c) analyze_video", lambda: analyze_video(args.video, args.exercise)
    )
    # The first run in a process pays ADK's lazy imports and set-up; a service worker pays
    # that once, so the second run is the figure an upload sees.
    t_d_cold, _ = time_stage(
        "(d) coached pipeline, first run", lambda: coached_pipeline(args.video, args.exercise)
    )
    t_d, report = time_stage(
        "(d) coached pipeline, warm", lambda: coached_pipeline(args.video, args.exercise)
    )

    print(
        f"frames: {n}   pose found in {int(track.detected.sum())}   reps: {findings['repCount']}"
        f"   coached reps: {report['repCount']} (coach {report['coach']})"
    )
    stages = (("(a)", t_a), ("(b)", t_b), ("(c)", t_c), ("(d)", t_d), ("decode", t_decode))
    for label, seconds in stages:
        print(
            f"{label:<7} {n / seconds:7.1f} frames/s   {info.duration_s / seconds:5.2f}x real time"
        )
    print(
        f"ratios: b/a = {t_b / t_a:.2f}   c/a = {t_c / t_a:.2f}   d/a = {t_d / t_a:.2f}"
        f"   d(first run)/a = {t_d_cold / t_a:.2f}"
    )


if __name__ == "__main__":
    main()
