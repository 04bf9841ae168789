"""The catalog is 100+ validated entries; a broken entry is an error naming it; every entry
gets a full analysis (reps or hold, range, tempo, checks) without special code."""

import json

import numpy as np
import pytest

from tests.tools.synthetic_tracks import body_track, dips, squat_segments
from tools.analysis import analyze_track
from tools.exercises import CATALOG_PATH, EXERCISES, CatalogError, load_catalog
from tools.vocabulary import CATEGORIES

GOOD = CATALOG_PATH.read_text(encoding="utf-8")


def test_catalog_size_and_categories():
    assert len(EXERCISES) >= 100
    assert {e.category for e in EXERCISES} == set(CATEGORIES)
    assert len({e.id for e in EXERCISES}) == len(EXERCISES)
    named = [e for e in EXERCISES if e.profile.rules]
    assert len(named) >= 12


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('id = "plank"', 'id = "plank"\nmood = "happy"'), "'plank': unknown keys ['mood']"),
        (
            ('name = "Lunge"\ncategory = "Lower Body"', 'name = "Lunge"\ncategory = "Legs"'),
            "'lunge'",
        ),
        (('profile = "situp"', 'profile = "sit_down"'), "unknown profile template 'sit_down'"),
        (('aliases = ["rdl"', 'aliases = ["squat"'), "'romanian_deadlift': name or alias 'squat'"),
        (
            (
                'signal = "leg_spread"\nrest_threshold = 15.0',
                'signal = "leg_spread"\nrest_threshold = 45.0',
            ),
            "'side_lying_leg_raise': direction 'up' needs rest_threshold <",
        ),
    ],
)
def test_broken_entries_name_themselves(tmp_path, edit, message):
    old, new = edit
    assert old in GOOD
    path = tmp_path / "catalog.toml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    assert message in str(err.value)


def test_unknown_rule_names_the_entry():
    from tools.faults import check_catalog_rules

    squat = EXERCISES[0]
    profile = squat.profile.__class__(**{**squat.profile.__dict__, "rules": ("no_such_rule",)})
    broken = squat.__class__(**{**squat.__dict__, "profile": profile})
    with pytest.raises(CatalogError, match="'squat': unknown fault rule 'no_such_rule'"):
        check_catalog_rules([broken])


def test_every_exercise_is_analysed_without_special_code():
    knee = dips([80.0, 80.0], rest=170.0)
    moving = body_track(len(knee), **squat_segments(knee))
    for exercise in EXERCISES:
        findings = analyze_track(moving, exercise)
        json.dumps(findings, allow_nan=False)
        names = {c["name"] for c in findings["checks"]}
        assert {"camera_view", "body_in_frame"} <= names
        assert ("hold" in names) == (exercise.profile.mode == "hold")
        assert findings["series"]["signal"] == exercise.profile.signal
        p = exercise.profile
        if p.mode == "reps" and p.signal == "knee_angle" and p.direction == "down":
            assert findings["repCount"] == 2, exercise.id
            rep = findings["reps"][0]
            assert rep["rangeOfMotion"] == pytest.approx(90.0, abs=2.0)
            assert rep["eccentricS"] + rep["concentricS"] == pytest.approx(
                rep["durationS"], abs=0.15
            )


def test_tempo_splits_eccentric_and_concentric():
    # Down in 1.5 s, up in 0.5 s: a squat's eccentric is the descent.
    down, up = np.linspace(170, 80, 45), np.linspace(80, 170, 15)
    knee = np.concatenate([np.full(20, 170.0), down, up, np.full(20, 170.0)])
    findings = analyze_track(body_track(len(knee), **squat_segments(knee)), EXERCISES[0])
    (rep,) = findings["reps"]
    assert rep["eccentricS"] == pytest.approx(1.5, abs=0.25)
    assert rep["concentricS"] == pytest.approx(0.5, abs=0.25)
    names = [m["name"] for m in findings["metrics"]]
    assert "Eccentric (lowering)" in names and "Range of Motion" in names
