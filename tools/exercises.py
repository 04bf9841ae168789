"""Catalog of supported exercises and how each one is analysed.

The catalog is plain data (EXERCISE_DATA) turned into frozen dataclasses, so growing it to many
exercises means adding entries, not code. This module has no heavy imports: the API uses it to
validate exercise names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["reps", "hold"]


@dataclass(frozen=True)
class AnalysisProfile:
    """How to measure an exercise from a pose track.

    Attributes:
        mode: "reps" (count repetitions of the primary signal) or "hold" (time in position).
        signal: Name of the primary signal in tools.signals.SIGNALS, e.g. "knee_angle".
        direction: For reps, "down" if the signal falls during the working phase, else "up".
        rest_threshold: Rest-zone boundary (signal beyond it = resting), in the signal's unit
            (degrees for angles; see tools.signals.UNITS).
        work_threshold: Working-zone boundary (signal beyond it = mid-rep).
        target: The depth/extent the working phase should reach (for "down" at most, for "up"
            at least), or for holds the ideal average value.
        tolerance: Measurement slack added to target before flagging.
        min_rep_s: Shortest plausible rep, seconds.
        label: Human label of the primary signal, e.g. "Knee Angle".
        hold_threshold: For holds, the signal value at or above which the position counts as
            held, degrees.
        rep_measures: (key, signal) pairs reported per rep, e.g. ("kneeAngleBottom",
            "knee_angle"). The primary signal's entry is the rep's extreme value; other signals
            are read at the primary signal's extreme frame.
        rules: Names of fault rules in tools.faults.RULES applied to this exercise.
    """

    mode: Mode
    signal: str
    direction: Literal["down", "up"] = "down"
    rest_threshold: float = 150.0
    work_threshold: float = 120.0
    target: float = 90.0
    tolerance: float = 5.0
    min_rep_s: float = 0.5
    label: str = ""
    hold_threshold: float = 140.0
    rep_measures: tuple[tuple[str, str], ...] = ()
    rules: tuple[str, ...] = ()

    @property
    def low(self) -> float:
        """Lower hysteresis threshold for tools.reps.count_reps."""
        return min(self.rest_threshold, self.work_threshold)

    @property
    def high(self) -> float:
        """Upper hysteresis threshold for tools.reps.count_reps."""
        return max(self.rest_threshold, self.work_threshold)

    def to_dict(self) -> dict:
        """Returns the profile with camelCase keys."""
        return {
            "mode": self.mode,
            "signal": self.signal,
            "direction": self.direction,
            "restThreshold": self.rest_threshold,
            "workThreshold": self.work_threshold,
            "target": self.target,
            "tolerance": self.tolerance,
            "minRepS": self.min_rep_s,
            "label": self.label,
            "holdThreshold": self.hold_threshold,
            "repMeasures": [list(pair) for pair in self.rep_measures],
            "rules": list(self.rules),
        }


@dataclass(frozen=True)
class Exercise:
    """One catalog entry.

    Attributes:
        id: Stable slug, e.g. "push_up".
        name: Display name, e.g. "Push-up".
        category: "Lower Body", "Upper Body", "Core", ...
        emoji: Icon shown in the UI.
        popular: Whether the UI lists it among popular exercises.
        description: One-sentence description.
        aliases: Other names users type ("pushup", "press up", ...).
        profile: How the exercise is analysed.
    """

    id: str
    name: str
    category: str
    emoji: str
    popular: bool
    description: str
    profile: AnalysisProfile
    aliases: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        """Returns the exercise as a JSON-serialisable dict with camelCase keys."""
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "emoji": self.emoji,
            "popular": self.popular,
            "description": self.description,
            "aliases": list(self.aliases),
            "profile": self.profile.to_dict(),
        }


# Thresholds are knee/hip/elbow angles in degrees from 3D world landmarks (180 = straight).
EXERCISE_DATA: list[dict] = [
    {
        "id": "squat",
        "name": "Squat",
        "category": "Lower Body",
        "emoji": "🏋️",
        "popular": True,
        "description": "Bend hips and knees to lower the body, then stand back up.",
        "aliases": ("air squat", "bodyweight squat", "back squat", "front squat", "goblet squat"),
        "profile": {
            "mode": "reps",
            "signal": "knee_angle",
            # Standing reads 155-175 deg, a half squat ~120-130, parallel ~70-90.
            "rest_threshold": 145.0,
            "work_threshold": 125.0,
            "target": 90.0,
            "label": "Knee Angle",
            "rep_measures": (("kneeAngleBottom", "knee_angle"), ("hipAngleBottom", "hip_angle")),
            "rules": ("shallow_depth",),
        },
    },
    {
        "id": "push_up",
        "name": "Push-up",
        "category": "Upper Body",
        "emoji": "💪",
        "popular": True,
        "description": "From a plank on the hands, lower the chest to the floor and push back up.",
        "aliases": ("press up", "pressup"),
        "profile": {
            "mode": "reps",
            "signal": "elbow_angle",
            "rest_threshold": 145.0,
            "work_threshold": 115.0,
            "target": 90.0,
            "min_rep_s": 0.4,
            "label": "Elbow Angle",
            "rep_measures": (("elbowAngleBottom", "elbow_angle"), ("bodyLineBottom", "body_line")),
        },
    },
    {
        "id": "deadlift",
        "name": "Deadlift",
        "category": "Lower Body",
        "emoji": "⚡",
        "popular": True,
        "description": "Hinge at the hips to lift a weight from the floor to standing lockout.",
        "aliases": ("conventional deadlift", "barbell deadlift", "romanian deadlift", "rdl"),
        "profile": {
            # Each rep starts and ends with the bar on the floor (closed hip, the rest zone)
            # and peaks at lockout (open hip), so the hip angle goes "up".
            "mode": "reps",
            "signal": "hip_angle",
            "direction": "up",
            "rest_threshold": 115.0,
            "work_threshold": 150.0,
            "target": 165.0,
            "min_rep_s": 0.8,
            "label": "Hip Angle",
            "rep_measures": (("hipAngleTop", "hip_angle"), ("kneeAngleTop", "knee_angle")),
        },
    },
    {
        "id": "plank",
        "name": "Plank",
        "category": "Core",
        "emoji": "🧘",
        "popular": True,
        "description": "Hold a straight body line on the forearms or hands.",
        "aliases": ("forearm plank", "front plank", "elbow plank"),
        "profile": {
            "mode": "hold",
            "signal": "body_line",
            "target": 170.0,
            "tolerance": 10.0,
            "hold_threshold": 140.0,
            "label": "Body Line",
        },
    },
    {
        "id": "lunge",
        "name": "Lunge",
        "category": "Lower Body",
        "emoji": "🦵",
        "popular": True,
        "description": "Step one leg forward or back and lower until both knees bend to about 90°.",
        "aliases": ("reverse lunge", "forward lunge", "walking lunge", "split squat"),
        "profile": {
            "mode": "reps",
            "signal": "front_knee_angle",
            "rest_threshold": 145.0,
            "work_threshold": 120.0,
            "target": 100.0,
            "label": "Front Knee Angle",
            "rep_measures": (("frontKneeAngleBottom", "front_knee_angle"),),
        },
    },
    {
        "id": "pull_up",
        "name": "Pull-up",
        "category": "Upper Body",
        "emoji": "🔝",
        "popular": True,
        "description": "Hang from a bar and pull the chin above it, then lower under control.",
        "aliases": ("pullup", "chin up", "chinup", "chin-up"),
        "profile": {
            # Shoulder height towards the hands (% of arm length) rises as the body goes up.
            "mode": "reps",
            "signal": "pull_height",
            "direction": "up",
            "rest_threshold": 25.0,
            "work_threshold": 50.0,
            "target": 90.0,
            "tolerance": 10.0,
            "label": "Pull Height",
            "rep_measures": (("pullHeightTop", "pull_height"),),
        },
    },
]


def _build(entry: dict) -> Exercise:
    data = dict(entry)
    data["profile"] = AnalysisProfile(**data["profile"])
    data["aliases"] = tuple(data.get("aliases", ()))
    return Exercise(**data)


EXERCISES: list[Exercise] = [_build(e) for e in EXERCISE_DATA]


def normalize_name(name: str) -> str:
    """Canonical form for matching: lower case, no spaces/hyphens/underscores, no plural 's'."""
    key = re.sub(r"[\s\-_]+", "", name.strip().lower())
    # "squats" -> "squat", "pushups" -> "pushup"; but keep short words like "abs" intact.
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return key


def _index() -> dict[str, Exercise]:
    index: dict[str, Exercise] = {}
    for exercise in EXERCISES:
        for name in (exercise.id, exercise.name, *exercise.aliases):
            index.setdefault(normalize_name(name), exercise)
    return index


_BY_KEY = _index()


def resolve_exercise(name: str | None) -> Exercise | None:
    """Finds an exercise by id, display name or alias, forgivingly.

    Matching ignores case, spaces, hyphens, underscores and a trailing plural "s", so "Push up",
    "push-ups", "PUSHUP" and "push_up" all resolve to Push-up.

    Args:
        name: What the user typed.

    Returns:
        The exercise, or None if unknown.
    """
    if not name:
        return None
    return _BY_KEY.get(normalize_name(name))
