"""Grounding: the coaching report may say only what the vision findings measured.

`check_coaching(report, findings)` validates a coaching report against the schema and the
findings and returns a `Grounding` verdict:

- rejected when the report names an issue type that was not detected (in `issues`, or as a
  known fault named in its prose), or quotes a number that is not a measurement;
- repaired when it only dropped detected issues: they are added back with the measured cue;
- otherwise accepted as is.

"A measurement" is any number in the findings (values, angles, frames, times, rep numbers,
the numbers inside measured strings such as "±9.8°"), a fraction written as a percentage, or
the score scale's 10. A quoted number matches when it equals a measured one at the precision
it is written with ("92°" matches 92.4; "92.5°" does not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from agents.coach.schema import CoachingReport

# Fault names a coach might write in prose; one that was not detected must not be named.
KNOWN_FAULTS = (
    # The issue types tools/faults reports (docs/form-rules.md) ...
    "shallow depth",
    "knee valgus",
    "forward lean",
    "heel rise",
    "asymmetry",
    "hip sag",
    "hip pike",
    "head drop",
    "partial range of motion",
    "rounded back",
    "hips rising first",
    "incomplete lockout",
    "hips too high",
    "hips too low",
    "knee past toes",
    "knee angle out of range",
    "torso lean",
    "trailing leg bent",
    "no chin over bar",
    "kipping",
    "partial hang",
    "upper-arm swing",
    "incomplete top",
    "leaning back",
    "lower-back arch",
    "feet lifting",
    "arms not overhead",
    "feet not wide",
    # ... and the everyday names a coach might use for them.
    "knees caving",
    "butt wink",
    "sagging hips",
    "piked hips",
    "elbow flare",
    "lumbar flexion",
)
_NEGATIONS = ("no", "not", "without", "never", "zero", "free of")
_NUMBER = re.compile(r"(?<![\w.])[-+±]?(\d+(?:\.\d+)?)")
# Numbers that are part of the scale, not a measurement.
_SCALE = (10.0,)


@dataclass
class Grounding:
    """The verdict on one coaching report."""

    report: dict | None
    problems: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is not None and not self.problems


def _key(issue_type: Any) -> str:
    return str(issue_type or "").strip().lower()


def measured_numbers(findings: Any) -> set[float]:
    """Every number in the findings, including those written inside strings."""
    found: set[float] = set()

    def walk(value: Any) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            found.add(float(value))
            if 0 < value < 1:
                found.add(round(float(value) * 100, 6))
        elif isinstance(value, str):
            found.update(float(m.group(1)) for m in _NUMBER.finditer(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(findings)
    found.update(_SCALE)
    return found


def quoted_numbers(text: str) -> list[str]:
    """The numbers written in a text, as written (without sign)."""
    return [m.group(1) for m in _NUMBER.finditer(text or "")]


def is_measured(quoted: str, measured: set[float]) -> bool:
    """Whether a quoted number equals a measured one at the precision it is written with."""
    decimals = len(quoted.split(".")[1]) if "." in quoted else 0
    value = float(quoted)
    half_step = 0.5 * 10**-decimals + 1e-9
    return any(abs(m - value) <= half_step for m in measured)


def report_texts(report: dict) -> list[str]:
    """The prose of a coaching report: summary, cues, strengths, recommendations."""
    texts = [str(report.get("summary") or "")]
    texts += [str(i.get("coachingCue") or "") for i in report.get("issues") or []]
    texts += [str(s) for s in report.get("strengths") or []]
    texts += [str(r) for r in report.get("recommendations") or []]
    return [t for t in texts if t]


def unmeasured_numbers(report: dict, findings: dict) -> list[str]:
    """Numbers quoted in the report's prose that no measurement supports."""
    measured = measured_numbers(findings)
    bad = []
    for text in report_texts(report):
        bad += [q for q in quoted_numbers(text) if not is_measured(q, measured)]
    return bad


def named_undetected_faults(report: dict, findings: dict) -> list[str]:
    """Known fault names the report's prose mentions (not negated) that were not detected.

    A fault the findings themselves talk about may be named: a measured metric's name (e.g.
    "Forward lean" measured and on target) or a check (e.g. "kipping can only be judged from
    a side view").
    """
    said = [i.get("type") for i in findings.get("issues") or []]
    said += [m.get("name") for m in findings.get("metrics") or []]
    for check in findings.get("checks") or []:
        said += [check.get("name"), check.get("reason")]
    detected = " | ".join(_key(text) for text in said if text)
    named = []
    for text in report_texts(report):
        lowered = text.lower()
        for fault in KNOWN_FAULTS:
            if fault in detected:
                continue
            for match in re.finditer(re.escape(fault), lowered):
                before = lowered[max(0, match.start() - 25) : match.start()].split()
                if not any(w in _NEGATIONS for w in before[-3:]) and fault not in named:
                    named.append(fault)
    return named


def check_coaching(raw: Any, findings: dict) -> Grounding:
    """Validates a coaching report against the schema and the findings (see module doc).

    Args:
        raw: The coaching agent's output (a dict, or None).
        findings: The vision findings it was written from.

    Returns:
        A Grounding: `report` is the (possibly repaired) report dict or None when rejected,
        `problems` says why it was rejected, `repairs` what was added back.
    """
    if raw is None:
        return Grounding(None, ["the coaching model returned no report"])
    try:
        report = CoachingReport.model_validate(raw).model_dump()
    except ValidationError as exc:
        return Grounding(None, [f"the report does not match the schema ({exc.error_count()})"])

    problems = []
    detected: dict[str, dict] = {}
    for issue in findings.get("issues") or []:  # Most severe first: keep the first of a type.
        detected.setdefault(_key(issue.get("type")), issue)
    invented = [i["type"] for i in report["issues"] if _key(i["type"]) not in detected]
    if invented:
        problems.append(f"names issues that were not detected: {invented}")
    named = named_undetected_faults(report, findings)
    if named:
        problems.append(f"mentions faults that were not detected: {named}")
    numbers = unmeasured_numbers(report, findings)
    if numbers:
        problems.append(f"quotes numbers that are not measurements: {numbers}")
    if problems:
        return Grounding(None, problems)

    repairs = []
    covered = {_key(i["type"]) for i in report["issues"]}
    for key, issue in detected.items():  # Most severe instance first (findings are sorted).
        if key not in covered:
            covered.add(key)
            report["issues"].append(
                {"type": str(issue["type"]), "coachingCue": str(issue.get("coachingCue") or "")}
            )
            repairs.append(str(issue["type"]))
    score = findings.get("score")
    if isinstance(score, int | float):
        report["overallScore"] = min(10.0, max(0.0, float(score)))  # The measured score rules.
    return Grounding(report, [], repairs)
