"""A coach's rubric for a coaching report, written by hand and independent of the product.

Nothing here imports the product's grounding check (agents/coach/grounding.py) or its fault
vocabulary: a metric that shared the checker's code would certify the checker's mistakes. The
rubric reads a report (summary, issues, strengths, recommendations) and the findings the coach
was shown, and scores:

- `issue_coverage`: share of detected issue types the report addresses in its issues;
- `invented_faults`: issue types, or fault terms in the prose (TERMS, this file's own list),
  that the vision did not detect (an empty list is a pass);
- `untraceable_numbers`: numbers in the prose that appear nowhere in the findings at the
  precision written (percentages may be a fraction x 100; "N out of 10" is the score);
- `drill_problems`: for each detected issue, the advice about it (its cue, the
  recommendations) must use words that fit that fault on that exercise (DRILL_WORDS), and no
  advice may name a movement foreign to the exercise (FOREIGN: "squat to a box" for a push-up);
- `rating_problems`: an unrated set (score null) must say so and quote no score.
"""

from __future__ import annotations

import re
from typing import Any

# Exercise (catalog name) -> family used by the tables below.
FAMILY = {
    "Squat": "squat",
    "Goblet Squat": "squat",
    "Front Squat": "squat",
    "Push-up": "pushup",
    "Pull-up": "pullup",
    "Chin-up": "pullup",
    "Bicep Curl": "curl",
    "Hammer Curl": "curl",
    "Lunge": "lunge",
    "Lateral Lunge": "lunge",
    "Overhead Press": "press",
    "Sit-up": "situp",
    "Deadlift": "hinge",
    "Dip": "dip",
    "Plank": "plank",
    "Jumping Jack": "jack",
}

# Movements whose drills do not belong to a family's fault (matched as whole words).
FOREIGN = {
    "squat": ("push-up", "pull-up", "curl", "dip", "chin-up", "bench press"),
    "pushup": ("squat", "goblet", "deadlift", "lunge", "curl", "pull-up", "leg press"),
    "pullup": ("squat", "goblet", "deadlift", "lunge", "curl", "push-up", "leg press"),
    "curl": ("squat", "goblet", "deadlift", "lunge", "push-up", "pull-up", "leg press"),
    "lunge": ("push-up", "pull-up", "curl", "dip", "bench press"),
    "press": ("squat", "goblet", "lunge", "curl", "pull-up", "deadlift"),
    "situp": ("squat", "goblet", "push-up", "pull-up", "curl", "deadlift"),
    "hinge": ("push-up", "pull-up", "curl", "dip", "bench press"),
    "dip": ("squat", "goblet", "lunge", "curl", "deadlift", "leg press"),
    "plank": ("squat", "goblet", "curl", "deadlift", "lunge"),
    "jack": ("goblet", "curl", "deadlift", "bench press"),
}

# Words a coach would use when fixing each fault (any one is enough), by family, then for
# any family. An issue with no entry is judged on FOREIGN only.
DRILL_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("squat", "Shallow depth"): ("depth", "deeper", "parallel", "box", "sit", "lower"),
    ("squat", "Forward lean"): ("chest", "torso", "upright", "brace", "tall"),
    ("squat", "Heel rise"): ("heel", "heels", "ankle", "mid-foot", "flat", "whole foot"),
    ("squat", "Knee valgus"): ("knees out", "push your knees", "track", "toes", "band"),
    ("squat", "Asymmetry"): ("even", "both", "side", "shift", "balance", "single-leg"),
    ("pushup", "Partial range of motion"): (
        "chest", "floor", "range", "elbow", "target", "incline", "negative", "lower",
    ),
    ("pushup", "Hip pike"): ("hips", "plank", "line", "straight", "glutes", "brace"),
    ("pushup", "Hip sag"): ("hips", "plank", "line", "glutes", "brace", "core"),
    ("pushup", "Head drop"): ("head", "neck", "chin", "gaze", "neutral", "look"),
    ("pullup", "Partial hang"): ("hang", "straighten", "extend", "bottom", "straight arms"),
    ("pullup", "Kipping"): ("swing", "still", "strict", "hollow", "control", "momentum"),
    ("pullup", "No chin over bar"): ("chin", "bar", "top", "negative", "higher"),
    ("curl", "Upper-arm swing"): ("elbow", "upper arm", "pin", "still", "wall", "swing"),
    ("curl", "Incomplete top"): ("top", "squeeze", "all the way", "range", "full"),
    ("curl", "Leaning back"): ("torso", "upright", "still", "lean", "brace", "lighter"),
    ("lunge", "Knee past toes"): ("step", "knee", "shin", "stride", "longer", "vertical"),
    ("lunge", "Torso lean"): ("torso", "upright", "tall", "chest"),
    ("press", "Incomplete lockout"): ("lock", "lockout", "overhead", "straight", "extend"),
    ("situp", "Partial range of motion"): ("all the way", "range", "knees", "full", "up"),
    ("hinge", "Rounded back"): ("back", "spine", "neutral", "brace", "flat"),
    ("hinge", "Incomplete lockout"): ("hips", "lockout", "stand tall", "glutes", "finish"),
}  # fmt: skip
ISSUE_WORDS: dict[str, tuple[str, ...]] = {
    "Partial range of motion": ("range", "all the way", "full", "deeper", "target", "lower"),
    "Inconsistent depth": ("same depth", "consistent", "every rep", "target", "box", "each rep"),
    "Inconsistent tempo": ("tempo", "count", "rhythm", "pace", "same speed", "metronome"),
    "Rushed lowering": ("slow", "control", "lower", "eccentric", "count", "negative"),
    "Left/right imbalance": ("even", "both", "side", "balance", "single", "mirror"),
    "Unsteady hold": ("still", "steady", "brace", "breathe", "shorter"),
    "Position off target": ("position", "hips", "line", "align", "mirror"),
}

# Fault terms in prose -> the issue types that make them true (empty: no rule reports it).
TERMS: dict[str, tuple[str, ...]] = {
    r"valgus|knees? cav\w*|knees? (?:collaps|buckl)\w*": ("Knee valgus",),
    r"butt wink|rounded back|round(?:ed|ing) (?:your )?back": ("Rounded back",),
    r"elbows? flar\w*|flared elbows?": (),
    r"shrug\w*": (),
    r"heels? (?:rise|rising|rose|lift\w*|came up|coming up)|heel rise": ("Heel rise",),
    r"hips? sag\w*|sagging hips|hip sag": ("Hip sag", "Hips too low"),
    r"hips? pik\w*|hip pike|piked hips": ("Hip pike", "Hips too high"),
    r"(?:lower )?back arch\w*|arch(?:ed|ing) (?:your )?(?:lower )?back": ("Lower-back arch",),
    r"kip\w*": ("Kipping",),
    r"forward lean|lean(?:ed|ing)? forward": ("Forward lean", "Torso lean"),
    r"asymmetr\w*|lopsided": ("Asymmetry", "Left/right imbalance"),
    r"head (?:drop\w*|hang\w*)|drop(?:ped|ping)? your head": ("Head drop",),
    r"knees? (?:past|over|beyond) (?:your |the )?toes": ("Knee past toes",),
    r"lean(?:ed|ing)? back": ("Leaning back",),
    r"partial hang": ("Partial hang",),
    r"half reps?|partial reps?|partial range": ("Partial range of motion",),
    r"shallow\w*": ("Shallow depth",),
    r"(?:upper[- ]arm|elbows?) (?:swing\w*|drift\w*)|swing\w* (?:the|your) (?:weight|arms?)": (
        "Upper-arm swing",
    ),
    r"(?:soft|incomplete|missed) lockout|(?:didn't|did not|not) lock(?:ing)? out": (
        "Incomplete lockout",
    ),
}
_NEGATED = re.compile(
    r"\b(?:don'?t|do not|avoid|never|no|not|without|cannot|can'?t|couldn'?t|could not|keep)\b"
)
_NOT_JUDGED = re.compile(r"\b(?:judge|judged|assess|assessed|visible|cannot be|could not be)\b")
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?!\w)")
_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:/\s*10\b|out of (?:10|ten)\b)")
_UNRATED_WORDS = re.compile(
    r"not (?:be )?rated|unrated|no score|could not (?:be )?(?:rated|scored)|not scored|"
    r"no complete rep|nothing (?:was )?judged"
)


def prose(report: dict) -> list[str]:
    """The report's sentences of prose (markdown emphasis and list markers removed)."""
    texts = [str(report.get("summary") or "")]
    texts += [str(i.get("coachingCue") or "") for i in report.get("issues") or []]
    texts += [str(s) for s in report.get("strengths") or []]
    texts += [str(r) for r in report.get("recommendations") or []]
    cleaned = []
    for text in texts:
        text = re.sub(r"[*_`#]+", "", text)
        text = re.sub(r"(?m)^\s*(?:[-•]|\d+[.)])\s+", "", text)
        cleaned += [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    return cleaned


def detected_types(findings: dict) -> list[str]:
    return list(dict.fromkeys(str(i.get("type")) for i in findings.get("issues") or []))


def issue_coverage(report: dict, findings: dict) -> float:
    detected = {t.lower() for t in detected_types(findings)}
    if not detected:
        return 1.0
    named = {str(i.get("type", "")).lower() for i in report.get("issues") or []}
    return len(detected & named) / len(detected)


def invented_faults(report: dict, findings: dict) -> list[str]:
    detected = set(detected_types(findings))
    found = [
        str(i.get("type")) for i in report.get("issues") or [] if str(i.get("type")) not in detected
    ]
    for sentence in prose(report):
        lowered = sentence.lower()
        if _NOT_JUDGED.search(lowered):
            continue
        for pattern, types in TERMS.items():
            for m in re.finditer(rf"\b(?:{pattern})", lowered):
                before = " ".join(lowered[: m.start()].split()[-4:])
                if _NEGATED.search(before) or set(types) & detected:
                    continue
                found.append(m.group(0))
    return found


def _values(data: Any, out: set[float]) -> None:
    if isinstance(data, bool) or data is None:
        return
    if isinstance(data, int | float):
        out.add(float(data))
        if 0 < data <= 1:
            out.add(round(float(data) * 100, 6))
    elif isinstance(data, str):
        out.update(float(m.group(1)) for m in _NUMBER.finditer(data))
    elif isinstance(data, dict):
        for item in data.values():
            _values(item, out)
    elif isinstance(data, list):
        for item in data:
            _values(item, out)


def untraceable_numbers(report: dict, findings: dict) -> list[str]:
    shown: set[float] = set()
    _values(findings, shown)
    score = findings.get("score")
    bad = []
    for sentence in prose(report):
        for m in _SCALE.finditer(sentence):
            if not isinstance(score, int | float) or abs(float(m.group(1)) - score) > 0.051:
                bad.append(m.group(0))
        rest = _SCALE.sub(" ", sentence)
        for m in _NUMBER.finditer(rest):
            written = m.group(1)
            step = 0.5 * 10 ** -(len(written.split(".")[1]) if "." in written else 0) + 1e-9
            if not any(abs(v - float(written)) <= step for v in shown):
                bad.append(written)
    return bad


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}", text) for w in words)


def drill_problems(report: dict, findings: dict) -> list[str]:
    family = FAMILY.get(str(findings.get("exercise")))
    advice = [str(r).lower() for r in report.get("recommendations") or []]
    cues = {str(i.get("type")): str(i.get("coachingCue") or "").lower() for i in report["issues"]}
    problems = []
    for text in [*advice, *cues.values()]:
        for word in FOREIGN.get(family or "", ()):
            if re.search(rf"\b{re.escape(word)}", text):
                problems.append(f"{word!r} is not a {findings.get('exercise')} drill: {text!r}")
    for issue_type in detected_types(findings):
        words = DRILL_WORDS.get((family or "", issue_type)) or ISSUE_WORDS.get(issue_type)
        if not words:
            continue
        about = " ".join([cues.get(issue_type, ""), *advice])
        if not _has(about, words):
            problems.append(f"no advice fits {issue_type} on {findings.get('exercise')}")
    return problems


def rating_problems(report: dict, findings: dict) -> list[str]:
    if isinstance(findings.get("score"), int | float):
        return []
    text = " ".join(prose(report)).lower()
    problems = []
    if _SCALE.search(text) or re.search(r"\bscored? (?:of |is |was )?\d", text):
        problems.append("quotes a score for a set that was not rated")
    if not _UNRATED_WORDS.search(text):
        problems.append("does not say that the set was not rated")
    return problems


def score_report(report: dict | None, findings: dict) -> dict[str, float]:
    """Every rubric score for one report (1.0 is a pass; None report scores 0)."""
    if report is None:
        return dict.fromkeys(
            ("issue_coverage", "no_invented_fault", "numbers_traceable", "drill_fits",
             "rating_honest"), 0.0)  # fmt: skip
    numbers = sum(len(_NUMBER.findall(_SCALE.sub(" ", s))) for s in prose(report))
    untraceable = untraceable_numbers(report, findings)
    return {
        "issue_coverage": issue_coverage(report, findings),
        "no_invented_fault": 0.0 if invented_faults(report, findings) else 1.0,
        "numbers_traceable": 1.0 - len(untraceable) / max(1, numbers + len(untraceable)),
        "drill_fits": 0.0 if drill_problems(report, findings) else 1.0,
        "rating_honest": 0.0 if rating_problems(report, findings) else 1.0,
    }
