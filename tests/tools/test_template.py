"""Taught by example (tools.template): a rep learned from one real clip counts another clip of the
same movement, refuses a different movement, and compares each rep with the reference."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import require_shared
from tests.tools.conftest import VIDEOS
from tools.pose import extract_pose_track
from tools.template import SAMPLES, Template, TemplateError, dtw, learn, match


@pytest.fixture(scope="module")
def tracks():
    """Pose tracks of the real clips, extracted once for the module (needs ../shared)."""
    require_shared()  # skips, or fails under CI, without the clips
    names = ("pullup_side_01", "pullup_rear_01", "squat_side_01")
    return {n: extract_pose_track(VIDEOS / f"{n}.mp4") for n in names}


def test_taught_from_one_clip_it_counts_another_clip_of_the_same_movement(tracks):
    template = learn(tracks["pullup_side_01"])
    # The arms define a pull-up: shoulder and elbow move most, the knees do not.
    assert set(template.joints) == {"shoulder", "elbow"}
    assert template.reps == 4 and len(template.curves["elbow"]) == SAMPLES
    # The template survives a JSON round trip (it is stored as the user's exercise).
    template = Template.from_dict(template.to_dict())
    # pullup_rear_01: 8 reps by RepCount's per-rep frame bounds, filmed from another side.
    result = match(template, tracks["pullup_rear_01"])
    assert result["repCount"] == 8, result["rejected"]
    assert result["score"] is not None and 0 <= result["score"] <= 10
    for rep in result["reps"]:
        assert rep["distance_deg"] <= 30 and rep["range_share"] > 0.5


def test_a_different_movement_is_not_counted(tracks):
    result = match(learn(tracks["pullup_side_01"]), tracks["squat_side_01"])
    assert result["repCount"] == 0 and result["score"] is None
    result = match(learn(tracks["squat_side_01"]), tracks["pullup_rear_01"])
    assert result["repCount"] == 0


def test_each_rep_is_compared_with_the_reference(tracks):
    """The reference against itself scores high; a reference made deeper reports the
    shortfall as issues with frames and a cue quoting the difference."""
    template = learn(tracks["pullup_side_01"])
    itself = match(template, tracks["pullup_side_01"])
    assert itself["repCount"] == template.reps
    deeper = Template.from_dict(template.to_dict())
    deeper.curves["elbow"] = [
        v - 40 if 0.3 < i / SAMPLES < 0.7 else v for i, v in enumerate(template.curves["elbow"])
    ]
    worse = match(deeper, tracks["pullup_side_01"])
    assert worse["score"] < itself["score"]
    elbow = [i for i in worse["issues"] if i["type"] == "Elbow off the reference"]
    assert elbow, worse["issues"]
    assert "more open than in your reference" in elbow[0]["coachingCue"]
    rep = worse["reps"][elbow[0]["reps"][0] - 1]
    assert rep["start_frame"] <= elbow[0]["frameStart"] <= rep["end_frame"]


def test_dtw_aligns_a_time_stretched_copy():
    t = np.linspace(0, 1, 40)
    a = np.sin(np.pi * t)[:, None] * 90
    b = np.sin(np.pi * t**2)[:, None] * 90  # the same curve, reached later
    aligned, _ = dtw(a, b)
    assert aligned < np.abs(a - b).mean() / 2


def test_a_still_reference_cannot_be_learned():
    from tests.tools.synthetic_tracks import track_from_knee_angles

    with pytest.raises(TemplateError):
        learn(track_from_knee_angles(np.full(90, 170.0)))
