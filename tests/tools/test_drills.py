"""Cues and drills by rule and exercise (tools.drills): complete, validated, family-specific."""

import pytest

from tools.drills import DRILLS_PATH, for_issue, load_drills
from tools.exercises import EXERCISES, CatalogError, resolve_exercise
from tools.faults import GENERIC, RULES
from tools.faults.generic import checks_for


def test_every_check_of_every_exercise_has_advice_naming_the_right_rule():
    for exercise in EXERCISES:
        names = [*exercise.profile.rules, *(c.name for c in checks_for(exercise))]
        for name in names:
            issue = RULES[name].issue if name in RULES else GENERIC[name].issue
            advice = for_issue(exercise, issue)
            assert advice is not None, (exercise.id, issue)
            assert advice["rule"] == name, (exercise.id, issue, advice["rule"])
            assert advice["cue"] and advice["drills"]
            assert "{" not in advice["cue"] + " ".join(advice["drills"])


@pytest.mark.parametrize(
    "exercise, issue_type, wanted, unwanted",
    [
        ("push-up", "Partial range of motion", "push-up", "squat"),
        ("pull-up", "Partial hang", "hang", "squat"),
        ("pull-up", "Partial hang", "negatives", "goblet"),
        ("bicep curl", "Leaning back", "wall curls", "front squat"),
        ("bench press", "Partial range of motion", "bench press", "push-up"),
        ("pike push-up", "Partial range of motion", "pike", "bench"),
        ("squat", "Shallow depth", "box squat", "push-up"),
        ("glute bridge", "Partial range of motion", "bridge", "squat"),
    ],
)
def test_drills_are_written_for_the_exercise(exercise, issue_type, wanted, unwanted):
    advice = for_issue(exercise, issue_type)
    text = " ".join([advice["cue"], *advice["drills"]]).lower()
    assert wanted in text and unwanted not in text


def test_generic_advice_names_the_exercise():
    advice = for_issue("lat pulldown", "Inconsistent tempo")
    assert any("lat pulldown" in d.lower() for d in advice["drills"])
    assert advice["drills"][0][0].isupper()


def test_lookup_by_rule_name_and_unknowns():
    assert for_issue("push-up", "partial_range")["rule"] == "partial_range"
    assert for_issue("push-up", "Knee valgus") is None  # not a check of push-ups
    assert for_issue("no such exercise", "Knee valgus")["rule"] == "knee_valgus"
    assert for_issue(resolve_exercise("squat"), "Heel rise")["rule"] == "heel_rise"


def _write(tmp_path, text):
    path = tmp_path / "drills.toml"
    path.write_text(DRILLS_PATH.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "extra, message",
    [
        ('\n[no_such_rule]\ncue = "x"\ndrills = ["y"]\n', "no fault rule or generic check"),
        ('\n[kipping.no_family]\ncue = "x"\ndrills = ["y"]\n', "neither an exercise family"),
        ('\n[kipping.push]\ncue = "Do 3 sets"\ndrills = ["y"]\n', "quotes a number"),
        ('\n[kipping.push]\ncue = "x"\ndrills = ["Do ten reps"]\n', "quotes a number"),
        ('\n[kipping.push]\ncue = "x"\ndrills = []\n', "non-empty list"),
        ('\n[kipping.push]\ncue = "{reps} more"\ndrills = ["y"]\n', "unknown placeholder"),
    ],
)
def test_broken_drills_fail_at_load_naming_the_entry(tmp_path, extra, message):
    with pytest.raises(CatalogError, match=message):
        load_drills(_write(tmp_path, extra))


def test_missing_entry_fails_at_load(tmp_path):
    text = DRILLS_PATH.read_text(encoding="utf-8")
    start = text.index("[kipping]")
    end = text.index("[dead_hang]")
    path = tmp_path / "drills.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(CatalogError, match="no cue and drills for \\['kipping'\\]"):
        load_drills(path)
