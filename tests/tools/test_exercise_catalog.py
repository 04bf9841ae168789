"""Exercise catalog content and forgiving name resolution."""

import json

import pytest

from tools.exercises import EXERCISES, resolve_exercise
from tools.signals import SIGNALS


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("squat", "Squat"),
        ("Squats", "Squat"),
        ("push-up", "Push-up"),
        ("pushup", "Push-up"),
        ("Push up", "Push-up"),
        ("push ups", "Push-up"),
        ("PUSH_UPS", "Push-up"),
        ("pull-up", "Pull-up"),
        ("pullups", "Pull-up"),
        ("chin up", "Pull-up"),
        ("deadlifts", "Deadlift"),
        ("plank", "Plank"),
        ("reverse lunges", "Lunge"),
    ],
)
def test_resolves_common_spellings(typed, expected):
    exercise = resolve_exercise(typed)
    assert exercise is not None
    assert exercise.name == expected


@pytest.mark.parametrize("typed", ["", None, "underwater basket weaving", "squatpushup", "s"])
def test_unknown_names_resolve_to_none(typed):
    assert resolve_exercise(typed) is None


def test_catalog_has_the_six_spec_exercises():
    got = {(e.name, e.category, e.emoji, e.popular) for e in EXERCISES}
    assert got >= {
        ("Squat", "Lower Body", "🏋️", True),
        ("Push-up", "Upper Body", "💪", True),
        ("Deadlift", "Lower Body", "⚡", True),
        ("Plank", "Core", "🧘", True),
        ("Lunge", "Lower Body", "🦵", True),
        ("Pull-up", "Upper Body", "🔝", True),
    }


def test_profiles_are_consistent_and_serialisable():
    for exercise in EXERCISES:
        profile = exercise.profile
        assert profile.signal in SIGNALS
        assert profile.low < profile.high or profile.mode == "hold"
        for _, signal in profile.rep_measures:
            assert signal in SIGNALS
        if profile.rep_measures:
            assert profile.rep_measures[0][1] == profile.signal
        json.dumps(exercise.to_dict())


def test_exercises_are_frozen():
    with pytest.raises(AttributeError):
        EXERCISES[0].name = "x"
