"""The exercise catalog: loaded from exercises.toml, validated, and looked up by name.

The catalog is data (tools/exercises.toml): growing it means adding entries, not code. Loading
validates every entry and raises CatalogError naming the broken one, so a typo fails at import,
not in the middle of someone's analysis. This module has no heavy imports: the API uses it to
validate exercise names.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tools.vocabulary import CATEGORIES, JOINTS, SIGNAL_LABELS, VIEWS

Mode = Literal["reps", "hold"]
CATALOG_PATH = Path(__file__).with_name("exercises.toml")
ORIENTATIONS = ("horizontal", "upright", "any")


class CatalogError(ValueError):
    """The exercise catalog has a broken entry; the message names it."""


@dataclass(frozen=True)
class AnalysisProfile:
    """How to measure an exercise from a pose track.

    Attributes:
        mode: "reps" (count repetitions of the primary signal) or "hold" (time in position).
        signal: Name of the primary signal in tools.signals.SIGNALS, e.g. "knee_angle".
        direction: For reps, "down" if the signal falls during the working phase, else "up".
        rest_threshold: Rest-zone boundary (signal beyond it = resting), in the signal's unit
            (degrees for angles; see tools.vocabulary.SIGNAL_UNITS).
        work_threshold: Working-zone boundary (signal beyond it = mid-rep).
        target: The depth/extent the working phase should reach (for "down" at most, for "up"
            at least), or for holds the ideal average value.
        tolerance: Measurement slack added to target before flagging.
        min_rep_s: Shortest plausible rep, seconds.
        label: Human label of the primary signal, e.g. "Knee Angle".
        hold_threshold: For holds, the signal value at or above which the position counts as
            held.
        hold_max: For holds, the value above which it no longer counts (None: no upper bound).
        orientation: For holds, the torso orientation the position needs: "horizontal"
            (planks), "upright" (wall sit, hang) or "any".
        rep_measures: (key, signal) pairs reported per rep, e.g. ("kneeAngleBottom",
            "knee_angle"). The primary signal's entry is the rep's extreme value; other signals
            are read at the primary signal's extreme frame.
        rules: Names of fault rules in tools.faults.RULES applied to this exercise.
        views: Camera views the exercise can be judged from.
        joints: Joints (tools.vocabulary.JOINTS) that define the exercise.
        eccentric_first: Whether a rep starts with its lowering (eccentric) phase; None means
            "when direction is down".
        judge_tempo: Whether the generic eccentric-control and tempo-consistency checks
            (tools.faults.generic) apply. False for jumps, swings, Olympic lifts and cyclic or
            alternating movements, whose fast lowering and uneven tempo are part of them.
        judge_symmetry: Whether left/right symmetry is judged. False when one side works at a
            time or on purpose more than the other (single-arm rows, archer push-ups).
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
    hold_max: float | None = None
    orientation: str = "any"
    rep_measures: tuple[tuple[str, str], ...] = ()
    rules: tuple[str, ...] = ()
    views: tuple[str, ...] = VIEWS
    joints: tuple[str, ...] = ()
    eccentric_first: bool | None = None
    judge_tempo: bool = True
    judge_symmetry: bool = True

    @property
    def low(self) -> float:
        """Lower hysteresis threshold for tools.reps.count_reps."""
        return min(self.rest_threshold, self.work_threshold)

    @property
    def high(self) -> float:
        """Upper hysteresis threshold for tools.reps.count_reps."""
        return max(self.rest_threshold, self.work_threshold)

    @property
    def starts_eccentric(self) -> bool:
        """Whether the first half of a rep is the eccentric (lowering) phase."""
        return self.direction == "down" if self.eccentric_first is None else self.eccentric_first

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
            "holdMax": self.hold_max,
            "orientation": self.orientation,
            "repMeasures": [list(pair) for pair in self.rep_measures],
            "rules": list(self.rules),
            "views": list(self.views),
            "joints": list(self.joints),
            "eccentricFirst": self.starts_eccentric,
            "judgeTempo": self.judge_tempo,
            "judgeSymmetry": self.judge_symmetry,
        }


@dataclass(frozen=True)
class Exercise:
    """One catalog entry.

    Attributes:
        id: Stable slug, e.g. "push_up".
        name: Display name, e.g. "Push-up".
        category: "Upper Body", "Lower Body", "Core" or "Other".
        emoji: Icon shown in the UI (the catalog's "icon").
        popular: Whether the UI lists it among popular exercises.
        description: One-sentence description.
        aliases: Other names users type ("pushup", "press up", ...).
        profile: How the exercise is analysed.
        family: The catalog's profile template it is built on (e.g. "push", "curl"): cues and
            drills written for a family of exercises (tools.drills) are chosen by it.
    """

    id: str
    name: str
    category: str
    emoji: str
    popular: bool
    description: str
    profile: AnalysisProfile
    aliases: tuple[str, ...] = field(default=())
    family: str = ""

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


_PROFILE_FIELDS = {f.name for f in dataclasses.fields(AnalysisProfile)}
_ENTRY_KEYS = {"id", "name", "category", "icon", "popular", "description", "aliases"}
_ENTRY_KEYS |= {"profile", "rules", "overrides"}
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_profile(p: AnalysisProfile, fail) -> None:
    if p.mode not in ("reps", "hold"):
        fail(f"mode must be 'reps' or 'hold', not {p.mode!r}")
    if p.signal not in SIGNAL_LABELS:
        fail(f"unknown signal {p.signal!r}")
    if p.direction not in ("down", "up"):
        fail(f"direction must be 'down' or 'up', not {p.direction!r}")
    bad_views = set(p.views) - set(VIEWS)
    if not p.views or bad_views:
        fail(f"views must be a non-empty subset of {VIEWS}, got {list(p.views)}")
    bad_joints = set(p.joints) - set(JOINTS)
    if not p.joints or bad_joints:
        fail(f"joints must name joints in {sorted(JOINTS)}, got {list(p.joints)}")
    if p.tolerance < 0 or p.min_rep_s <= 0:
        fail("tolerance must be >= 0 and min_rep_s > 0")
    for pair in p.rep_measures:
        if len(pair) != 2 or pair[1] not in SIGNAL_LABELS:
            fail(f"rep_measures entry {list(pair)} must be [key, known signal]")
    for flag in ("judge_tempo", "judge_symmetry"):
        if not isinstance(getattr(p, flag), bool):
            fail(f"{flag} must be true or false")
    if p.mode == "reps":
        down = p.direction == "down"
        rest, work = p.rest_threshold, p.work_threshold
        if (down and not rest > work) or (not down and not rest < work):
            fail(
                f"direction {p.direction!r} needs rest_threshold {'>' if down else '<'} "
                f"work_threshold (got {rest:g} and {work:g})"
            )
        if (down and p.target > work) or (not down and p.target < work):
            fail(f"target {p.target:g} must lie beyond work_threshold {work:g}")
        if not p.rep_measures or p.rep_measures[0][1] != p.signal:
            fail("the first rep_measures entry must be the primary signal")
    else:
        if p.hold_max is not None and p.hold_max <= p.hold_threshold:
            fail("hold_max must be greater than hold_threshold")
        if p.orientation not in ORIENTATIONS:
            fail(f"orientation must be one of {ORIENTATIONS}, not {p.orientation!r}")


def _build(entry: dict, templates: dict, position: int) -> Exercise:
    label = entry.get("id") or entry.get("name") or f"#{position}"

    def fail(problem: str):
        raise CatalogError(f"exercise catalog entry {label!r}: {problem}")

    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        fail(f"unknown keys {sorted(unknown)}")
    for key in ("id", "name", "category", "icon", "description", "profile"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            fail(f"{key!r} must be a non-empty string")
    if not _SLUG.match(entry["id"]):
        fail("id must be a lower-case slug (letters, digits, underscores)")
    if entry["category"] not in CATEGORIES:
        fail(f"category must be one of {CATEGORIES}, not {entry['category']!r}")
    if not isinstance(entry.get("popular"), bool):
        fail("'popular' must be true or false")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        fail("'aliases' must be a list of names")
    template = templates.get(entry["profile"])
    if template is None:
        fail(f"unknown profile template {entry['profile']!r}")
    overrides = entry.get("overrides", {})
    data = {**template, **overrides, "rules": entry.get("rules", [])}
    unknown = set(data) - _PROFILE_FIELDS
    if unknown:
        fail(f"unknown profile fields {sorted(unknown)}")
    data.setdefault("label", SIGNAL_LABELS.get(data.get("signal"), ""))
    for key in ("rep_measures",):
        data[key] = tuple(tuple(pair) for pair in data.get(key, ()))
    for key in ("rules", "views", "joints"):
        if key in data:
            data[key] = tuple(data[key])
    try:
        profile = AnalysisProfile(**data)
    except TypeError as exc:
        fail(f"bad profile: {exc}")
    _check_profile(profile, fail)
    return Exercise(
        id=entry["id"],
        name=entry["name"],
        category=entry["category"],
        emoji=entry["icon"],
        popular=entry["popular"],
        description=entry["description"],
        profile=profile,
        aliases=tuple(aliases),
        family=entry["profile"],
    )


def load_catalog(path: str | Path = CATALOG_PATH) -> list[Exercise]:
    """Loads and validates a catalog file.

    Args:
        path: A TOML file with [profiles.*] templates and [[exercise]] entries.

    Returns:
        The exercises in file order.

    Raises:
        CatalogError: An entry is broken, or two entries share an id, name or alias; the
            message names the entry.
    """
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"exercise catalog {Path(path).name} cannot be read: {exc}") from exc
    templates = raw.get("profiles", {})
    exercises = [_build(e, templates, i) for i, e in enumerate(raw.get("exercise", []), 1)]
    owner: dict[str, str] = {}
    for exercise in exercises:
        keys = {normalize_name(n) for n in (exercise.id, exercise.name, *exercise.aliases)}
        for key in keys:
            if key in owner:
                raise CatalogError(
                    f"exercise catalog entry {exercise.id!r}: name or alias {key!r} "
                    f"already belongs to {owner[key]!r}"
                )
            owner[key] = exercise.id
    return exercises


def normalize_name(name: str) -> str:
    """Canonical form for matching: lower case, no spaces/hyphens/underscores, no plural 's'."""
    key = re.sub(r"[\s\-_]+", "", name.strip().lower())
    # "squats" -> "squat", "pushups" -> "pushup"; but keep short words like "abs" intact.
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return key


EXERCISES: list[Exercise] = load_catalog()

_BY_KEY = {
    normalize_name(name): exercise
    for exercise in EXERCISES
    for name in (exercise.id, exercise.name, *exercise.aliases)
}


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
