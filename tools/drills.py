"""Cues and drills for each fault rule and generic check, by exercise.

The text is data (tools/faults/drills.toml), next to the rules it belongs to. Loading validates
it at import and raises CatalogError naming the broken entry: every rule and generic check has
an entry, variants name a real exercise family (the catalog's profile templates) or exercise
id, and no text quotes a number (the coach may quote only measured ones). `for_issue` is the one
lookup the offline coach and the chat's "how do I fix it" share.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tools.exercises import EXERCISES, CatalogError, Exercise, resolve_exercise
from tools.faults import GENERIC, RULES
from tools.faults.generic import checks_for

DRILLS_PATH = Path(__file__).with_name("faults") / "drills.toml"
# Drills say no number: digits or number words would read as a measurement.
_NUMBER = re.compile(
    r"\d|\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|once|twice)\b",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _check_text(text: object, where: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise CatalogError(f"drills {where}: must be a non-empty string")
    bad = {m for m in _PLACEHOLDER.findall(text) if m != "exercise"}
    if bad:
        raise CatalogError(f"drills {where}: unknown placeholder {sorted(bad)}")
    if _NUMBER.search(text):
        raise CatalogError(f"drills {where}: quotes a number ({text!r})")
    return text.strip()


def _entry(data: object, where: str) -> dict:
    if not isinstance(data, dict):
        raise CatalogError(f"drills {where}: must be a table with cue and drills")
    drills = data.get("drills")
    if not isinstance(drills, list) or not drills:
        raise CatalogError(f"drills {where}: 'drills' must be a non-empty list")
    return {
        "cue": _check_text(data.get("cue"), f"{where}.cue"),
        "drills": [_check_text(d, f"{where}.drills") for d in drills],
    }


def load_drills(path: str | Path = DRILLS_PATH, exercises=EXERCISES) -> dict[str, dict]:
    """Loads and validates the drills file.

    Returns:
        {check name: {"default": {cue, drills}, variant key: {cue, drills}, ...}}.

    Raises:
        CatalogError: A rule or generic check has no entry, or an entry is broken.
    """
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"drills file {Path(path).name} cannot be read: {exc}") from exc
    names = set(RULES) | set(GENERIC)
    keys = {e.family for e in exercises} | {e.id for e in exercises}
    table: dict[str, dict] = {}
    for name, data in raw.items():
        if name not in names:
            raise CatalogError(f"drills [{name}]: no fault rule or generic check has that name")
        if not isinstance(data, dict):
            raise CatalogError(f"drills [{name}]: must be a table")
        variants = {k: v for k, v in data.items() if isinstance(v, dict)}
        table[name] = {"default": _entry(data, f"[{name}]")}
        for key, variant in variants.items():
            if key not in keys:
                raise CatalogError(
                    f"drills [{name}.{key}]: {key!r} is neither an exercise family nor an id"
                )
            table[name][key] = _entry(variant, f"[{name}.{key}]")
    missing = sorted(names - set(table))
    if missing:
        raise CatalogError(f"drills: no cue and drills for {missing}")
    return table


DRILLS = load_drills()


def _exercise(exercise: Exercise | str | None) -> Exercise | None:
    if isinstance(exercise, Exercise):
        return exercise
    return resolve_exercise(str(exercise or ""))


def check_for_issue(exercise: Exercise | str | None, issue_type: str) -> str | None:
    """The rule or generic check that reports issue_type for the exercise (or any, unknown).

    issue_type may also be the check's own name (an issue's "rule").
    """
    wanted = str(issue_type or "").strip().lower()
    ex = _exercise(exercise)
    if ex is not None:
        candidates = [(n, RULES[n].issue) for n in ex.profile.rules]
        candidates += [(c.name, c.issue) for c in checks_for(ex)]
    else:
        candidates = [(n, r.issue) for n, r in RULES.items()]
        candidates += [(n, c.issue) for n, c in GENERIC.items()]
    for name, issue in candidates:
        if wanted in (name.lower(), issue.lower()):
            return name
    return None


def for_issue(exercise: Exercise | str | None, issue_type: str) -> dict | None:
    """The cue and drills for an issue of an exercise.

    Args:
        exercise: The exercise (an Exercise, or its id, name or alias).
        issue_type: The issue's type as the findings name it (e.g. "Partial range of motion"),
            or the rule / generic check that reported it (an issue's "rule").

    Returns:
        {"rule", "cue", "drills": [...]} written for the exercise's family (the exercise's own
        variant first, then its family's, then the rule's default), with the exercise named
        where the text refers to it; None when no check of the exercise reports that issue.
    """
    ex = _exercise(exercise)
    name = check_for_issue(ex, issue_type)
    if name is None:
        return None
    variants = DRILLS[name]
    chosen = variants["default"]
    if ex is not None:
        chosen = variants.get(ex.id) or variants.get(ex.family) or chosen
    label = ex.name.lower() if ex is not None else "exercise"

    def fill(text: str) -> str:
        text = text.replace("{exercise}", label)
        return text[0].upper() + text[1:]

    return {
        "rule": name,
        "cue": fill(chosen["cue"]),
        "drills": [fill(d) for d in chosen["drills"]],
    }
