"""Exercise recognition, mismatch and the per-rep posture guard (tools.recognition, tools.reps)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.tools.synthetic_tracks import SEGMENTS, body_track, dips
from tools.analysis import analyze_track
from tools.exercises import resolve_exercise
from tools.recognition import PROTOTYPES, features, prototype_for, recognize
from tools.reps import Rep, drop_out_of_posture

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "benchmarks" / "out" / "tracks"


def _cos_dips(lo: float, hi: float, reps: int = 4) -> np.ndarray:
    """hi at rest, one cosine dip to lo per rep (1.6 s each, 0.8 s rest, 30 fps)."""
    return dips([lo] * reps, rest=hi)


def push_up_track(elbow: np.ndarray | None = None, torso=90.0) -> object:
    """Side view, body horizontal (torso forward, legs back), hands under the shoulders."""
    elbow = _cos_dips(80.0, 170.0) if elbow is None else elbow
    bend = 180.0 - elbow
    # The upper arm swings back and the forearm forward by half the bend each.
    return body_track(
        len(elbow),
        torso=torso,
        thigh=-90.0,
        shin=-90.0,
        upper_arm=-bend / 2,
        forearm=bend / 2,
    )


def squat_track() -> object:
    knee = _cos_dips(80.0, 175.0)
    flex = 180.0 - knee
    thigh, shin, lean = 0.6 * flex, -0.4 * flex, 0.45 * flex
    # Feet stay on the floor: the hip sinks by what the legs lose in height.
    drop = SEGMENTS["thigh"] * (1 - np.cos(np.radians(thigh)))
    drop += SEGMENTS["shin"] * (1 - np.cos(np.radians(shin)))
    return body_track(
        len(knee),
        torso=180.0 - lean,
        thigh=thigh,
        shin=shin,
        upper_arm=90.0,
        forearm=90.0,
        hip_xy=(0.0, drop),
    )


def curl_track() -> object:
    elbow = _cos_dips(45.0, 170.0)
    return body_track(len(elbow), torso=180.0, upper_arm=0.0, forearm=180.0 - elbow)


def standing_still_track() -> object:
    return body_track(150, torso=180.0)


@pytest.mark.parametrize(
    ("make", "expected"),
    [(push_up_track, "push_up"), (squat_track, "squat"), (curl_track, "bicep_curl")],
)
def test_synthetic_movements_are_recognised(make, expected):
    result = recognize(make())
    assert result["exerciseId"] == expected
    assert result["sure"] is True
    assert [c["exerciseId"] for c in result["candidates"]][0] == expected
    assert len(result["candidates"]) == 3
    scores = [c["score"] for c in result["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert 0.5 < result["confidence"] <= 1.0


def test_orientation_features_follow_the_body():
    lying, standing = features(push_up_track()), features(curl_track())
    assert lying["lean_p50"] == pytest.approx(90.0, abs=2)
    assert lying["horizontal_share"] == 1.0 and standing["upright_share"] == 1.0
    assert lying["wrists_below_shoulders"] == 1.0
    # In a curl the hands travel, the shoulders do not.
    assert standing["hands_move_more"] > 0.3
    assert standing["elbow_range"] > 100 and standing["knee_range"] < 5


def test_standing_still_is_not_claimed_with_confidence():
    track = standing_still_track()
    result = recognize(track)
    assert result["sure"] is False
    assert "not sure" in result["message"] and "It could also be" in result["message"]
    runner_up = result["candidates"][1]["exercise"]
    assert runner_up in result["message"]
    # Analysed as the best guess, and the findings say how unsure that guess is.
    best = resolve_exercise(result["exerciseId"])
    findings = analyze_track(track, best, recognition=result)
    assert findings["exerciseId"] == best.id
    assert findings["notices"][0] == result["message"]


def test_a_named_exercise_that_does_not_fit_is_caught():
    track = push_up_track()
    squat = resolve_exercise("squat")
    result = recognize(track, named=squat)
    assert result["mismatch"] is True and result["checked"] is True
    assert result["exerciseId"] == "push_up"
    assert result["namedScore"] < 0.6
    assert "does not look like Squat" in result["message"] and "Push-up" in result["message"]

    findings = analyze_track(track, squat, recognition=result)
    assert findings["recognition"]["mismatch"] is True
    assert findings["score"] is None and findings["scoreNote"] == result["message"]
    assert findings["issues"] == [] and findings["repCount"] == 0
    assert result["message"] in findings["notices"]
    judged = [c for c in findings["checks"] if c["name"] not in ("camera_view", "body_in_frame")]
    assert judged and all(c["status"] == "not_possible" for c in judged)


def test_the_report_carries_the_recognition_and_the_analysis_notices():
    from tools.report import report_from_findings

    track = push_up_track()
    squat = resolve_exercise("squat")
    recognition = {**recognize(track, named=squat), "analysedAs": "squat"}
    findings = analyze_track(track, squat, recognition=recognition)
    report = report_from_findings(findings, notices=["The offline coach wrote this."])
    assert report.recognition.mismatch is True and report.recognition.exerciseId == "push_up"
    assert [c.exerciseId for c in report.recognition.candidates][0] == "push_up"
    assert report.notices == [recognition["message"], "The offline coach wrote this."]
    assert report.overallScore is None and report.unratedReason == recognition["message"]


def test_the_right_name_is_not_a_mismatch():
    track = push_up_track()
    result = recognize(track, named=resolve_exercise("push-up"))
    assert result["mismatch"] is False and result["namedScore"] >= 0.9
    findings = analyze_track(track, resolve_exercise("push-up"), recognition=result)
    assert findings["repCount"] == 4 and findings["score"] is not None


def test_an_exercise_no_prototype_describes_is_not_checked():
    burpee = resolve_exercise("burpee")
    assert prototype_for(burpee) is None
    result = recognize(push_up_track(), named=burpee)
    assert result["checked"] is False and result["mismatch"] is False
    assert "cannot be checked" in result["message"]


def test_every_prototype_names_a_catalog_entry_and_families_with_rules_are_covered():
    ids = {p.id for p in PROTOTYPES}
    for proto in PROTOTYPES:
        assert resolve_exercise(proto.id) is not None
        assert all(resolve_exercise(m) is not None for m in proto.members)
    covered = {resolve_exercise(m).family for p in PROTOTYPES for m in (p.id, *p.members)}
    for family in ("squat", "lunge", "lateral_lunge", "hinge_floor", "hinge_standing", "push"):
        assert family in covered
    for family in ("press", "overhead_press", "pull_vertical", "dip", "curl", "jack"):
        assert family in covered
    assert {"plank", "sit_up"} <= ids


# ---------------------------------------------------------------------------- posture guard


def _rep(i: int, start: int, end: int) -> Rep:
    return Rep(i, start, end, (start + end) // 2, start / 30, end / 30, 90.0, (end - start) / 30)


def test_reps_mostly_out_of_posture_are_dropped_and_the_rest_renumbered():
    lean = np.concatenate([np.full(100, 80.0), np.full(50, 15.0), np.full(50, 80.0)])
    reps = [_rep(1, 10, 60), _rep(2, 100, 149), _rep(3, 150, 199)]
    kept, dropped = drop_out_of_posture(reps, lean, (40.0, 180.0))
    assert [r.start_frame for r in kept] == [10, 150] and [r.index for r in kept] == [1, 2]
    assert [r.start_frame for r in dropped] == [100]
    # Partly out (less than half the frames) stays counted; unmeasured lean is in posture.
    partly = [_rep(1, 80, 119)]
    assert drop_out_of_posture(partly, lean, (40.0, 180.0))[1] == []
    assert drop_out_of_posture(partly, np.full(200, np.nan), (40.0, 180.0))[1] == []


def test_a_push_up_rep_made_kneeling_upright_is_not_counted():
    elbow = _cos_dips(80.0, 170.0, reps=4)
    n = len(elbow)
    # The last rep (the final 1.6 s dip and its rest) is made with the torso upright.
    torso = np.full(n, 90.0)
    last = n - round(2.4 * 30)
    torso[last:] = 175.0
    findings = analyze_track(push_up_track(elbow, torso=torso), resolve_exercise("push-up"))
    assert findings["repCount"] == 3
    assert [r["index"] for r in findings["reps"]] == [1, 2, 3]
    assert all(r["endFrame"] < last for r in findings["reps"])
    assert len(findings["notices"]) == 1 and "not counted" in findings["notices"][0]
    control = analyze_track(push_up_track(elbow), resolve_exercise("push-up"))
    assert control["repCount"] == 4 and control["notices"] == []


# ---------------------------------------------------------------------------- real clips


def _real_track(videos_dir: Path, clip: str):
    from tools.pose import PoseTrack, extract_pose_track
    from tools.video import probe_video

    cached = CACHE / f"videos__{clip[:-4]}.npz"
    if cached.exists():
        return PoseTrack.load_npz(cached)
    path = videos_dir / clip
    return extract_pose_track(path, probe_video(path))


@pytest.mark.parametrize(
    ("clip", "expected"),
    [
        ("pushup_side_01.mp4", "push_up"),
        ("squat_rear34_01.mp4", "squat"),
        ("pullup_rear_01.mp4", "pull_up"),
        ("bicep_curl_side_02.mp4", "bicep_curl"),
        ("situp_side_01.mp4", "sit_up"),
    ],
)
def test_real_clips_are_recognised(videos_dir, clip, expected):
    assert recognize(_real_track(videos_dir, clip))["exerciseId"] == expected


def test_real_squat_named_push_up_is_a_mismatch(videos_dir):
    track = _real_track(videos_dir, "squat_rear34_01.mp4")
    result = recognize(track, named=resolve_exercise("push-up"))
    assert result["mismatch"] is True and result["exerciseId"] == "squat"


def test_home_push_ups_kneeling_up_after_the_set_is_not_a_rep(videos_dir):
    track = _real_track(videos_dir, "pushup_side_home_01.mp4")
    findings = analyze_track(track, resolve_exercise("push-up"))
    assert findings["repCount"] == 5
    types = {i["type"] for i in findings["issues"]}
    assert "Head drop" not in types and "Partial range of motion" not in types
    assert all(6 not in i["reps"] for i in findings["issues"])
    assert len(findings["notices"]) == 1 and "15.9-17.0 s" in findings["notices"][0]
