"""Generates the coaching evals' inputs: vision findings of the real clips, run once.

    uv run python -m evals.make_findings            # writes evals/data/findings.json

Runs tools.analysis on every clip in ../shared/datasets/videos (never heldout/) whose exercise
the catalog knows, and stores each clip's findings (the same dict the vision agent writes into
session state, sorted the same way). The JSON is derived data and is committed; the clips are
not. Re-run it when the vision layer changes, then rebuild the evalsets (evals.build_evalsets).
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VIDEOS = REPO.parent / "shared" / "datasets" / "videos"
OUT = Path(__file__).resolve().parent / "data" / "findings.json"


def exercise_of(clip: Path) -> str:
    """'pushup_side_01.mp4' -> 'pushup'; the catalog resolves aliases."""
    stem = re.sub(r"_(front|side|rear|rear34)(_.*)?$", "", clip.stem)
    return stem.replace("_", " ")


def main() -> int:
    from agents.vision.tools import finalize_findings
    from tools.analysis import analyze_video
    from tools.exercises import resolve_exercise

    if "heldout" in str(VIDEOS):
        raise SystemExit("never the held-out set")
    results = {}
    for clip in sorted(VIDEOS.glob("*.mp4")):
        exercise = resolve_exercise(exercise_of(clip))
        if exercise is None:
            print(f"skip {clip.name}: no catalog exercise for {exercise_of(clip)!r}")
            continue
        started = time.perf_counter()
        try:
            findings = analyze_video(clip, exercise.name)
        except Exception as exc:  # NoPersonError, VideoError: not a coaching case.
            print(f"skip {clip.name}: {type(exc).__name__}: {exc}")
            continue
        findings = finalize_findings(findings)
        findings.pop("signal", None)
        results[clip.name] = findings
        print(
            f"{clip.name}: {exercise.name}, {findings.get('repCount')} reps, "
            f"{len(findings.get('issues') or [])} issues, score {findings.get('score')} "
            f"({time.perf_counter() - started:.1f} s)"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(results)} clips to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
