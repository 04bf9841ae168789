"""Analysis of synthetic pose tracks: reps, the squat shallow-depth rule, score, JSON shape."""

import json

import numpy as np
import pytest

from tests.tools.synthetic_tracks import body_track, squat_knee_series, track_from_knee_angles
from tools.analysis import NoPersonError, analyze_track, analyze_video
from tools.exercises import resolve_exercise
from tools.landmarks import LANDMARK
from tools.scoring import form_score
from tools.video import VideoError

SQUAT = resolve_exercise("squat")


def analyze_knees(bottoms, **kw):
    series = squat_knee_series(bottoms, **kw)
    return analyze_track(track_from_knee_angles(series), SQUAT), series


def test_deep_reps_have_no_issue_and_full_score():
    findings, _ = analyze_knees([80.0, 75.0, 85.0])
    assert findings["repCount"] == 3
    assert findings["issues"] == []
    assert findings["score"] == 10.0
    assert [r["kneeAngleBottom"] for r in findings["reps"]] == pytest.approx([80, 75, 85], abs=1)
    knee = next(m for m in findings["metrics"] if m["name"] == "Knee Angle (bottom)")
    assert knee["status"] == "good"
    assert knee["target"] == "≤ 90°"


def test_shallow_rep_is_flagged_with_its_frames_and_angle():
    findings, series = analyze_knees([80.0, 80.0, 108.0, 80.0])
    assert findings["repCount"] == 4
    (issue,) = findings["issues"]
    assert issue["type"] == "Shallow depth"
    assert issue["reps"] == [3]
    assert issue["severity"] == "moderate"  # 18 deg above the 90 deg target
    assert issue["measured"]["kneeAngleBottom"] == pytest.approx(108.0, abs=1.0)
    assert "108°" in issue["coachingCue"]
    assert "rep 3" in issue["coachingCue"]
    rep3 = findings["reps"][2]
    assert (issue["frameStart"], issue["frameEnd"]) == (rep3["startFrame"], rep3["endFrame"])
    # The frame range is the third dip of the synthetic series and contains its bottom.
    assert rep3["startFrame"] <= rep3["bottomFrame"] <= rep3["endFrame"]
    assert series[rep3["bottomFrame"]] == pytest.approx(108.0, abs=1.0)
    assert series[rep3["startFrame"] : rep3["endFrame"] + 1].min() == pytest.approx(108.0, abs=0.5)
    assert rep3["startFrame"] > findings["reps"][1]["endFrame"]
    assert 0.9 <= issue["confidenceScore"] <= 1.0
    assert 9.2 <= findings["score"] <= 9.3  # 10 - 3.0 (moderate) x 1/4 of the reps


@pytest.mark.parametrize(
    ("bottom", "severity"), [(93.0, None), (99.0, "minor"), (108.0, "moderate"), (118.0, "severe")]
)
def test_severity_grows_with_distance_from_target(bottom, severity):
    findings, _ = analyze_knees([bottom, bottom])
    assert findings["repCount"] == 2
    if severity is None:  # within the 5 deg measurement tolerance
        assert findings["issues"] == []
    else:
        assert {i["severity"] for i in findings["issues"]} == {severity}
        assert len(findings["issues"]) == 2


def test_low_visibility_lowers_confidence():
    series = squat_knee_series([115.0])
    track = track_from_knee_angles(series, visibility=0.6)
    (issue,) = analyze_track(track, SQUAT)["issues"]
    assert issue["confidenceScore"] == pytest.approx(0.6, abs=0.01)


def test_frames_without_person_are_skipped():
    series = squat_knee_series([80.0, 80.0])
    track = track_from_knee_angles(np.concatenate([np.full(45, 170.0), series]))
    track.landmarks[:45] = np.nan  # a title card: no pose
    track.world[:45] = np.nan
    findings = analyze_track(track, SQUAT)
    assert findings["repCount"] == 2
    assert findings["framesWithPose"] == len(series)
    assert findings["reps"][0]["startFrame"] >= 45


def test_no_reps_means_depth_check_not_possible_and_no_score():
    track = track_from_knee_angles(np.full(90, 170.0))
    findings = analyze_track(track, SQUAT)
    assert findings["repCount"] == 0
    assert findings["score"] is None
    depth = next(c for c in findings["checks"] if c["name"] == "shallow_depth")
    assert depth["status"] == "not_possible"
    assert depth["reason"]


def test_findings_are_json_with_camel_case_and_rounded_floats():
    findings, _ = analyze_knees([100.0, 80.0])
    text = json.dumps(findings, allow_nan=False)
    assert "frame_start" not in text and "frameStart" in text

    def floats(obj):
        if isinstance(obj, float):
            yield obj
        elif isinstance(obj, dict):
            for v in obj.values():
                yield from floats(v)
        elif isinstance(obj, list):
            for v in obj:
                yield from floats(v)

    assert all(round(f, 2) == f for f in floats(findings))
    assert findings["video"]["fps"] == 30.0


def test_hold_exercise_measures_hold_time():
    plank = body_track(150, torso=90.0, thigh=-90.0, shin=-90.0, forearm=90.0)
    findings = analyze_track(plank, resolve_exercise("plank"))
    assert findings["hold"]["durationS"] == pytest.approx(5.0, abs=0.1)
    assert findings["metrics"][0]["name"] == "Hold Time"
    assert findings["issues"] == [] and findings["score"] == 10.0


def test_standing_straight_is_not_a_plank():
    # A straight body line alone is not a plank: the body must also be horizontal.
    findings = analyze_track(track_from_knee_angles(np.full(150, 170.0)), resolve_exercise("plank"))
    assert findings["hold"]["durationS"] == 0.0
    assert findings["score"] is None


def test_score_formula():
    assert form_score([], 5) == 10.0
    assert form_score([{"severity": "severe", "reps": [1, 2, 3, 4]}], 4) == 5.0
    assert form_score([{"severity": "minor", "reps": [1]}], 3) == 9.5
    assert form_score([{"severity": "severe"}] * 3, 0) == 0.0


def test_unknown_exercise_is_a_validation_error(tmp_path):
    with pytest.raises(VideoError) as err:
        analyze_video(tmp_path / "x.mp4", "underwater basket weaving")
    assert err.value.code == "VALIDATION_ERROR"


def test_empty_room_video_raises_no_person(tmp_path):
    from tests.videos import blank_video

    path = blank_video(tmp_path / "empty.mp4", seconds=1.0)
    with pytest.raises(NoPersonError) as err:
        analyze_video(path, "squat")
    assert err.value.code == "NO_PERSON_DETECTED"
    assert isinstance(err.value, VideoError)


def test_landmark_names_follow_mediapipe_order():
    assert LANDMARK["nose"] == 0
    assert LANDMARK["left_knee"] == 25
    assert LANDMARK["right_foot_index"] == 32
