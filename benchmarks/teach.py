"""Taught by example (tools.template): each catalog exercise taught from one clip, as if unknown.

For every exercise with several clips in ../shared/datasets/videos, each clip in turn is the
reference: a template is learned from it alone, and the other clips of that exercise are counted
with it. Each count is printed beside the catalog's own count (tools.analysis with the named
exercise) and the hand count where one is known (benchmarks/accuracy.py's TRUSTED and WEAK
lists). Then each template is run on every clip of the other exercises: a rep counted there is a
false match. heldout/ is never read; nothing is trained beyond the one reference.

Pose tracks are the cache of benchmarks/accuracy.py (benchmarks/out/tracks, git-ignored); a clip
not cached yet is tracked with MediaPipe and cached.

Usage:
    uv run python benchmarks/teach.py [--cache DIR]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from accuracy import TRUSTED, VIDEOS, WEAK, load_track  # noqa: E402

# Catalog name of each exercise family with several clips, by file-name prefix.
FAMILIES = {
    "squat": "squat",
    "pushup": "push-up",
    "pullup": "pull-up",
    "bicep_curl": "bicep curl",
    "deadlift": "deadlift",
}


def family_of(name: str) -> str | None:
    for prefix in sorted(FAMILIES, key=len, reverse=True):
        if name.startswith(prefix + "_"):
            return prefix
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / "out" / "tracks")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from tools.analysis import analyze_track
    from tools.exercises import resolve_exercise
    from tools.template import TemplateError, learn, match

    hand = {clip: (n, "weak") for clip, _, n, _ in WEAK}
    hand.update({clip: (n, "trusted") for clip, _, n, _ in TRUSTED})
    clips = sorted(p for p in VIDEOS.glob("*.mp4") if family_of(p.name))
    tracks = {p.name: load_track(p, args.cache) for p in clips}
    catalog = {
        p.name: analyze_track(tracks[p.name], resolve_exercise(FAMILIES[family_of(p.name)]))[
            "repCount"
        ]
        for p in clips
    }
    print("reference → clip: taught count | catalog count | hand count")
    agree_hand = agree_catalog = catalog_hand = n_hand = n = 0
    false_reps = false_clips = cross = 0
    for ref in clips:
        fam = family_of(ref.name)
        try:
            template = learn(tracks[ref.name])
        except TemplateError as exc:
            print(f"\n{ref.name}: not learnable ({exc})")
            continue
        print(
            f"\n{ref.name} ({fam}): joints {', '.join(template.joints)}, {template.direction}, "
            f"{template.reps} reps, {template.rep_s:.1f} s each"
        )
        for clip in clips:
            if clip == ref:
                continue
            result = match(template, tracks[clip.name])
            if family_of(clip.name) != fam:
                cross += 1
                false_reps += result["repCount"]
                false_clips += result["repCount"] > 0
                continue
            n += 1
            taught, cat = result["repCount"], catalog[clip.name]
            agree_catalog += taught == cat
            truth = hand.get(clip.name)
            mark = ""
            if truth:
                n_hand += 1
                agree_hand += taught == truth[0]
                catalog_hand += cat == truth[0]
                mark = f"{truth[0]:2d} ({truth[1]})"
            score = "—" if result["score"] is None else f"{result['score']:.1f}"
            print(
                f"  → {clip.name:28s} taught {taught:2d} | catalog {cat:2d} "
                f"| hand {mark or '—':12s}"
                f" rejected {len(result['rejected'])}  score {score}"
            )
    print(
        f"\nsame exercise: taught == catalog {agree_catalog}/{n}; "
        f"taught == hand count {agree_hand}/{n_hand}, catalog == hand count "
        f"{catalog_hand}/{n_hand} (pairs whose clip has a hand count)"
    )
    print(
        f"other exercises: {false_clips}/{cross} (template, clip) pairs counted any rep; "
        f"{false_reps} false reps in all"
    )


if __name__ == "__main__":
    main()
