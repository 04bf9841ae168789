"""Exercise recognition accuracy (tools.recognition) on the shared real clips.

1. The 25 clips of ../shared/datasets/videos, each labelled with its exercise by
   videos/SOURCES.md (the label column, mapped to the catalog entry that names it).
2. The 60 clips of ../shared/datasets/labelled_sets/pushup_correct_wrong (correct/ and wrong/):
   all push-ups, whatever their form.

Prints top-1 and top-3 accuracy, how many were flagged unsure, every miss, and the confusion
matrix (rows: true, columns: recognised); then, for the real clips, how often a wrong name
(each clip named as each other labelled exercise) is caught as a mismatch, and how often the
right name is wrongly flagged. heldout/ is never read. Nothing is trained: the
prototypes are hand-set in tools/recognition.py (docs/recognition.md says how they were set).

Pose tracks are the cache of benchmarks/accuracy.py (benchmarks/out/tracks, git-ignored); a
clip not cached yet is tracked with MediaPipe and cached.

Usage:
    uv run python benchmarks/recognition.py [--cache DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from accuracy import DATA, PUSHUPS, VIDEOS, load_track  # noqa: E402

# True label of each clip in videos/ (SOURCES.md's "exercise" column), by file-name prefix.
TRUTH = {
    "bicep_curl": "bicep_curl",
    "deadlift": "deadlift",
    "dips": "dip",
    "jumping_jacks": "jumping_jack",
    "lateral_lunge": "lateral_lunge",
    "lunge": "lunge",
    "plank": "plank",
    "pullup": "pull_up",
    "pushup": "push_up",
    "shoulder_press": "overhead_press",
    "situp": "sit_up",
    "squat": "squat",
}


def truth_of(clip: Path) -> str:
    for prefix in sorted(TRUTH, key=len, reverse=True):
        if clip.name.startswith(prefix + "_"):
            return TRUTH[prefix]
    raise ValueError(f"no label for {clip.name}")


def evaluate(title: str, clips: list[tuple[Path, str]], cache: Path, verbose: bool) -> None:
    from tools.exercises import resolve_exercise
    from tools.recognition import recognize

    rows = []
    seconds = frames = 0.0
    for path, truth in clips:
        track = load_track(path, cache)
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Named rightly: the recognised exercise does not depend on the name, and a
            # mismatch here would be a false alarm.
            result = recognize(track, named=resolve_exercise(truth))
        seconds += time.perf_counter() - started
        frames += track.n_frames
        top3 = [c["exerciseId"] for c in result["candidates"]]
        rows.append((path, truth, result, top3))
    n = len(rows)
    top1 = sum(r[2]["exerciseId"] == r[1] for r in rows)
    top3 = sum(r[1] in r[3] for r in rows)
    unsure = sum(not r[2]["sure"] for r in rows)
    wrong_sure = sum(r[2]["sure"] and r[2]["exerciseId"] != r[1] for r in rows)
    print(f"\n{title} (n={n})")
    print(f"  top-1 {top1 / n:.2f} ({top1}/{n})   top-3 {top3 / n:.2f} ({top3}/{n})")
    alarms = sum(r[2]["mismatch"] for r in rows)
    print(f"  flagged unsure {unsure}/{n}; wrong while sure {wrong_sure}/{n}")
    print(f"  named rightly yet flagged as a mismatch {alarms}/{n}")
    print(f"  recognition time {1000 * seconds / frames:.2f} ms per frame of pose track")
    leads = [r[2]["candidates"][0]["score"] - r[2]["candidates"][1]["score"] for r in rows]
    print(
        f"  lead of the best score over the runner-up: min {min(leads):.2f}, "
        f"median {sorted(leads)[n // 2]:.2f}"
    )
    for path, truth, result, _ in rows:
        missed = result["exerciseId"] != truth
        if missed or verbose:
            cands = "  ".join(f"{c['exerciseId']}:{c['score']:.2f}" for c in result["candidates"])
            mark = "MISS" if missed else "ok  "
            sure = "sure" if result["sure"] else "unsure"
            print(f"  {mark} {path.name[:34]:34s} true {truth:15s} {sure:6s} {cands}")
    labels = sorted({r[1] for r in rows} | {r[2]["exerciseId"] for r in rows})
    width = max(len(lb) for lb in labels)
    short = [lb[:6] for lb in labels]
    print("  confusion (rows true, columns recognised):")
    print("  " + " " * width + " " + " ".join(f"{s:>6s}" for s in short))
    for true in labels:
        counts = [sum(r[1] == true and r[2]["exerciseId"] == got for r in rows) for got in labels]
        if sum(counts):
            print("  " + f"{true:{width}s} " + " ".join(f"{c or '.':>6}" for c in counts))


def mismatches(clips: list[tuple[Path, str]], cache: Path) -> None:
    """Every clip named as each of the other labelled exercises: is the wrong name caught?"""
    from tools.exercises import resolve_exercise
    from tools.recognition import recognize

    labels = sorted({truth for _, truth in clips})
    caught = wrong = false_alarms = 0
    missed: dict[tuple[str, str], int] = {}
    for path, truth in clips:
        track = load_track(path, cache)
        for name in labels:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                flagged = recognize(track, named=resolve_exercise(name))["mismatch"]
            if name == truth:
                false_alarms += flagged
                continue
            wrong += 1
            caught += flagged
            if not flagged:
                missed[(truth, name)] = missed.get((truth, name), 0) + 1
    n = len(clips)
    print(f"\nWrong names (each clip named as each other label, n={wrong})")
    print(f"  caught {caught / wrong:.2f} ({caught}/{wrong})")
    print(f"  false alarms on the right name {false_alarms}/{n}")
    for (truth, name), count in sorted(missed.items()):
        print(f"  not caught: {truth} named {name} ({count})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / "out" / "tracks")
    parser.add_argument("--verbose", action="store_true", help="print every clip, not misses")
    args = parser.parse_args()
    if not VIDEOS.is_dir():
        sys.exit(f"{DATA} not found: the shared data sets are needed")
    from tools.recognition import PROTOTYPES

    print(f"{len(PROTOTYPES)} recognisable exercises: " + ", ".join(p.id for p in PROTOTYPES))
    videos = sorted(VIDEOS.glob("*.mp4"))
    evaluate(
        "Real clips (videos/, labels from SOURCES.md)",
        [(p, truth_of(p)) for p in videos],
        args.cache,
        args.verbose,
    )
    mismatches([(p, truth_of(p)) for p in videos], args.cache)
    pushups = [p for label in ("correct", "wrong") for p in sorted((PUSHUPS / label).glob("*.mp4"))]
    evaluate(
        "Labelled push-up set (labelled_sets/pushup_correct_wrong, correct + wrong)",
        [(p, "push_up") for p in pushups],
        args.cache,
        args.verbose,
    )


if __name__ == "__main__":
    main()
