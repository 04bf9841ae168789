"""Accuracy figures of the vision engine on the shared data sets (rules only, nothing trained).

1. Rep counts on the clips under ../shared/datasets/videos whose count is trustworthy: the two
   clips annotated by public repetition-counting data sets (RepCount `stu1_40` = pullup_rear_01,
   8 reps with per-rep frame bounds; Countix `upVOY01QDpI` = squat_rear34_01, 3 reps). The other
   clips only have weak labels (WorkoutTracker markers that SOURCES.md calls unreliable, or a
   rough visual check); they are printed separately, for information, not as the target set.
2. Frame-level precision / recall / F1 of three rules on the labelled MediaPipe landmark CSVs
   of ../shared/datasets/labels/exercise_correction_mediapipe: plank hips high / low
   (tools.faults.body_line.plank_hip_state), lunge knee over toe
   (tools.faults.lower.knee_over_toe_frames) and bicep lean back
   (tools.faults.upper.lean_back_frames). Each row is one frame; the rows come from several
   recordings (split at label changes and cuts), each judged like a video: its view is
   detected and a rule runs only where that view can show the fault; rows from other views
   are counted apart as not judged, as the product reports such a check as not possible.
   The frame size is unknown, so pixel geometry assumes 16:9 (a 1:1 line shows how much that
   assumption matters). Thresholds are the rules' own constants.
3. Separation of ../shared/datasets/labelled_sets/pushup_correct_wrong correct vs wrong clips by
   the push-up score (ROC AUC; clips with no rateable rep rank lowest).

heldout/ is never read. Pose tracks are cached as .npz under --cache (benchmarks/out/tracks,
git-ignored) so a second run skips MediaPipe.

Usage:
    uv run python benchmarks/accuracy.py [--cache DIR] [--workers 2]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / ".." / "shared" / "datasets"
VIDEOS = DATA / "videos"
CSV_DIR = DATA / "labels" / "exercise_correction_mediapipe"
PUSHUPS = DATA / "labelled_sets" / "pushup_correct_wrong"

# (clip, exercise, true count, source) - trustworthy counts only.
TRUSTED = [
    ("pullup_rear_01.mp4", "pull-up", 8, "RepCount stu1_40 (per-rep frame bounds)"),
    ("squat_rear34_01.mp4", "squat", 3, "Countix upVOY01QDpI"),
]
# Weak labels: WorkoutTracker markers (both revisions agree) and/or a rough visual check.
WEAK = [
    ("squat_side_01.mp4", "squat", 2, "markers, both revisions"),
    ("squat_rear_01.mp4", "squat", 1, "markers + obs"),
    ("squat_side_02.mp4", "squat", 1, "obs (markers say 2)"),
    ("pushup_front_01.mp4", "push-up", 3, "obs + 07-13 markers"),
    ("pushup_side_01.mp4", "push-up", 2, "obs (markers 2 or 0)"),
    ("pullup_side_01.mp4", "pull-up", 4, "markers, both revisions"),
    ("deadlift_side_01.mp4", "deadlift", 2, "obs"),
    ("shoulder_press_side_01.mp4", "overhead press", 2, "obs"),
]


def cache_key(path: Path) -> str:
    rel = path.resolve().relative_to(DATA.resolve())
    return str(rel).replace("/", "__").replace(" ", "_")[:-4] + ".npz"


def load_track(path: Path, cache: Path):
    from tools.pose import PoseTrack, extract_pose_track
    from tools.video import probe_video

    dst = cache / cache_key(path)
    if dst.exists():
        return PoseTrack.load_npz(dst)
    track = extract_pose_track(path, probe_video(path))
    cache.mkdir(parents=True, exist_ok=True)
    track.save_npz(dst)
    return track


def _analyze(job: tuple[str, str, str]) -> dict:
    path, exercise, cache = job
    from tools.analysis import analyze_track
    from tools.exercises import resolve_exercise

    track = load_track(Path(path), Path(cache))
    return analyze_track(track, resolve_exercise(exercise))


def rep_counts(rows, cache: Path, pool) -> None:
    jobs = [(str(VIDEOS / clip), ex, str(cache)) for clip, ex, _, _ in rows]
    results = list(pool.map(_analyze, jobs))
    errors = []
    for (clip, _, truth, source), findings in zip(rows, results, strict=True):
        got = findings["repCount"]
        errors.append(got - truth)
        view = findings["camera"]["view"]
        print(f"  {clip:28s} true {truth:2d}  counted {got:2d}  ({source}; view {view})")
    e = np.abs(np.array(errors))
    truths = np.array([r[2] for r in rows], dtype=float)
    print(
        f"  exact {np.mean(e == 0):.2f}   off-by-one {np.mean(e <= 1):.2f}   "
        f"MAE/true {np.mean(e / truths):.3f}   (n={len(rows)})"
    )


def csv_track(path: Path, width: int, height: int):
    """A PoseTrack whose frames are the CSV's rows (landmarks not in the file are NaN)."""
    from tools.landmarks import LANDMARK, N_LANDMARKS
    from tools.pose import PoseTrack

    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    n = len(rows)
    lm = np.full((n, N_LANDMARKS, 4), np.nan, dtype=np.float32)
    labels = []
    cols = {}
    for j, name in enumerate(header):
        if name == "label":
            continue
        part, axis = name.rsplit("_", 1)
        cols[(part, axis)] = j
    for i, row in enumerate(rows):
        labels.append(row[header.index("label")].strip())
        for (part, axis), j in cols.items():
            lm[i, LANDMARK[part], "xyzv".index(axis)] = float(row[j])
    # The CSVs carry image landmarks only; world coordinates are not needed by these rules.
    track = PoseTrack(lm, lm.copy(), np.arange(n) * 1000 / 30.0, 30.0, width, height)
    return track, np.array(labels)


def prf(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float, float, int]:
    tp = int(np.sum(pred & truth))
    p = tp / max(int(pred.sum()), 1)
    r = tp / max(int(truth.sum()), 1)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1, int(truth.sum())


def csv_clips(track, labels: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) row ranges of the separate recordings a CSV was assembled from.

    The author recorded each label separately, so a label change starts a new recording; so
    does a cut, found as the product finds one (tools.subject.segments: the body's centre
    jumping by more than a torso length between neighbouring frames).
    """
    from tools.subject import segments

    cuts = set(np.flatnonzero(labels[1:] != labels[:-1]) + 1)
    cuts.update(run[0] for run in segments(track)[1:])
    edges = [0, *sorted(int(c) for c in cuts if 0 < c < len(labels)), len(labels)]
    return list(zip(edges[:-1], edges[1:], strict=True))


def clip_of(track, start: int, end: int):
    from tools.pose import PoseTrack

    return PoseTrack(
        track.landmarks[start:end],
        track.world[start:end],
        track.timestamps_ms[start:end],
        track.fps,
        track.width,
        track.height,
    )


def frame_rules(width: int, height: int) -> None:
    """Each recording is judged as the product judges a video: its camera view is detected
    and a rule runs only where that view can show the fault (elsewhere the product reports
    the check as not possible, so those frames are counted apart, not as absent faults)."""
    from tools.faults import RULES
    from tools.faults.body_line import plank_hip_state
    from tools.faults.lower import knee_over_toe_frames
    from tools.faults.upper import lean_back_frames
    from tools.geometry import hip_deviation
    from tools.view import detect_view

    planks = ["plank_test.csv", "plank_dataset_at_b97a0e6.csv", "plank_kaggle.csv"]
    cases = [
        ("plank", "hips high (H)", "H", "plank_hips_high",
         lambda t: plank_hip_state(hip_deviation(t)) == 1, planks),
        ("plank", "hips low (L)", "L", "plank_hips_low",
         lambda t: plank_hip_state(hip_deviation(t)) == -1, planks),
        ("lunge", "knee over toe (L)", "L", "knee_over_toe", knee_over_toe_frames,
         ["lunge_err.test.csv", "lunge_err.train2_at_d885277.csv"]),
        ("bicep", "lean back (L)", "L", "lean_back", lean_back_frames,
         ["bicep_test.csv", "bicep_dataset_at_bbbb0f8.csv"]),
    ]  # fmt: skip
    for exercise, what, label, rule_name, rule, files in cases:
        views = RULES[rule_name].views
        preds, truths, judged_all = [], [], []
        for name in files:
            track, labels = csv_track(CSV_DIR / name, width, height)
            pred = np.zeros(len(labels), dtype=bool)
            judged = np.zeros(len(labels), dtype=bool)
            clips = csv_clips(track, labels)
            for start, end in clips:
                clip = clip_of(track, start, end)
                if detect_view(clip)["view"] in views:
                    pred[start:end] = np.asarray(rule(clip), dtype=bool)
                    judged[start:end] = True
            truth = labels == label
            p, r, f1, pos = prf(pred[judged], truth[judged])
            skipped = int((~judged).sum())
            print(
                f"  {exercise:6s} {what:18s} {name:32s} P {p:.2f} R {r:.2f} F1 {f1:.2f} "
                f"(positives {pos}/{int(judged.sum())}; {len(clips)} recordings"
                + (
                    f"; {skipped} rows, {int(truth[~judged].sum())} of them positive, from "
                    f"views that cannot show it: not judged"
                    if skipped
                    else ""
                )
                + ")"
            )
            preds.append(pred[judged])
            truths.append(truth[judged])
            judged_all.append(judged)
        p, r, f1, pos = prf(np.concatenate(preds), np.concatenate(truths))
        share = np.concatenate(judged_all).mean()
        print(
            f"  {exercise:6s} {what:18s} {'ALL FILES':32s} P {p:.2f} R {r:.2f} F1 {f1:.2f} "
            f"(judged {share:.0%} of rows)"
        )


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def pushup_auc(cache: Path, pool) -> None:
    clips = {c: sorted((PUSHUPS / c).glob("*.mp4")) for c in ("correct", "wrong")}
    scores = {}
    for label, paths in clips.items():
        results = list(pool.map(_analyze, [(str(p), "push-up", str(cache)) for p in paths]))
        scores[label] = [r["score"] for r in results]
        rated = [s for s in scores[label] if s is not None]
        mean = np.mean(rated) if rated else float("nan")
        print(
            f"  {label:7s} clips {len(paths)}  rated {len(rated)}  mean score {mean:.2f}  "
            f"perfect (10.0) {sum(s == 10.0 for s in rated)}"
        )
    as_num = {k: [-1.0 if s is None else s for s in v] for k, v in scores.items()}
    print(f"  ROC AUC (correct above wrong): {auc(as_num['correct'], as_num['wrong']):.3f}")
    both = {k: [s for s in v if s is not None] for k, v in scores.items()}
    if both["correct"] and both["wrong"]:
        print(f"  ROC AUC over rated clips only:  {auc(both['correct'], both['wrong']):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=str(ROOT / "benchmarks" / "out" / "tracks"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cache = Path(args.cache)
    if not DATA.is_dir():
        sys.exit(f"shared data sets not found at {DATA}")
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        print("Rep counts, trustworthy labels (targets: off-by-one >= 0.95):")
        rep_counts(TRUSTED, cache, pool)
        print("Rep counts, weak labels (information only):")
        rep_counts(WEAK, cache, pool)
        print(
            "Frame-level rules on labelled landmark CSVs, frames assumed 16:9 (target F1 >= 0.90):"
        )
        frame_rules(1280, 720)
        print("Same, frames assumed 1:1 (sensitivity to the unknown frame size):")
        frame_rules(720, 720)
        print("Push-up correct vs wrong by score (target AUC >= 0.85):")
        pushup_auc(cache, pool)
    print(f"done in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
