"""Grounding: a coach may say only what the measurements it was shown support.

    verdict = check_coaching(report, findings)      # a coaching report against the findings
    checked = check_reply(text, Facts.from_tool_results(results, asked=question))  # a chat reply

What is checked is what the coach was SHOWN: for a report, the findings as the prompt embeds
them (`agents.findings_format.findings_for_prompt`, no per-frame series or keyframes); for a
chat reply, the tool results of that turn (and the person's own question). Markdown is
stripped, the prose is split into sentences, and each sentence is checked for:

- numbers, in digits or in words ("seventy degrees"): equal to a measured number at the
  precision written ("92°" matches 92.4, "92.5°" does not); words are checked when they carry
  a unit or a count ("two things to work on" is not a measurement);
- percentages: a measured fraction ×100, or a number the findings write with "%";
- the score ("8.8 out of 10"): the measured score; any score when the set was not rated;
- rep numbers ("on rep 5", "the fifth rep"): a rep that exists and, when the sentence names a
  fault (or is that fault's cue), a rep that has that fault;
- rep counts ("you did 13 reps"): the counted reps, or how many reps a named fault touched;
- fault names and their synonyms (agents/coach/vocabulary.py): named as present only when
  detected (or shown as a measured metric that is off target); a negated caution ("don't let
  your hips sag") is advice and passes; "no X" / "good X" claims pass only when X was judged and
  not found; "X could not be judged" passes only when X was not judged;
- "no issues" / "perfect form": only when nothing was found and something was judged.

A sentence that fails is repaired when one fix makes it true (a wrong rep number for a fault on
one rep, a wrong rep count) and dropped otherwise; an issue the vision did not detect is
dropped from `issues`; a detected issue the report left out is added back with its measured cue.
The report is rejected (the caller falls back to the offline coach) only when it is not a
report (schema), when its summary is entirely dropped, or when most of its sentences were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from agents.coach.schema import CoachingReport
from agents.coach.vocabulary import Concept, concepts_of, mentions
from agents.findings_format import findings_for_prompt

# ---------------------------------------------------------------------------------------------
# Text


def strip_markdown(text: str) -> str:
    """Plain text of a markdown answer: no emphasis, headings, bullets, links, code or tables."""
    text = str(text or "")
    text = re.sub(r"```[a-z]*\n?", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # Links and images: their text.
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s*", "", text)  # Headings.
    text = re.sub(r"(?m)^\s*(?:[-*+•]|\d+[.)])\s+", "", text)  # Bullets and list numbers.
    text = re.sub(r"(?m)^\s*>\s?", "", text)  # Quotes.
    text = re.sub(r"(?m)^\s*\|?[-:| ]{3,}\|?\s*$", "", text)  # Table rules.
    text = text.replace("|", " ")
    text = re.sub(r"(\*\*|__|\*|`|~~)", "", text)
    text = re.sub(r"(?<!\w)_(\S[^_]*?)_(?!\w)", r"\1", text)
    return re.sub(r"[ \t]+", " ", text).strip()


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9])|\n+")


def sentences(text: str) -> list[str]:
    """The sentences of a text (after strip_markdown), each stripped."""
    return [s.strip() for s in _SENTENCE_END.split(strip_markdown(text)) if s.strip()]


# ---------------------------------------------------------------------------------------------
# Numbers

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
_WORD = "|".join([*_UNITS, *_TENS, "hundred"])
_SPOKEN = re.compile(
    rf"\b(?:{_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_WORD}))*\b(?:\s+point\s+(?:{'|'.join(_UNITS)}))?"
)
_DIGITS = re.compile(r"(?<![\w.])[-+±−]?(\d+(?:\.\d+)?)(?![\w.]*\d)")
# What makes a number a measurement claim rather than a figure of speech ("two things").
_UNIT_AFTER = re.compile(
    r"^\s*(?:°|degrees?|deg\b|%|percent|per cent|s\b|secs?\b|seconds?|ms\b|cm\b|centimet|"
    r"reps?\b|repetitions?|frames?|points?|out of|/)"
)


@dataclass
class Quote:
    """A number written in a text."""

    value: float
    decimals: int
    start: int
    end: int
    spoken: bool = False


def _spoken_value(words: str) -> tuple[float, int]:
    whole, _, frac = words.partition(" point ")
    total, current = 0, 0
    for word in re.split(r"[\s-]+", whole.strip()):
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
    total += current
    if frac:
        return float(f"{total}.{_UNITS[frac.strip()]}"), 1
    return float(total), 0


def quoted(text: str) -> list[Quote]:
    """Every number in a lowercased text, in digits or in words, in order."""
    found = []
    for m in _DIGITS.finditer(text):
        written = m.group(1)
        decimals = len(written.split(".")[1]) if "." in written else 0
        found.append(Quote(float(written), decimals, m.start(1), m.end()))
    for m in _SPOKEN.finditer(text):
        words = m.group(0).replace(" and ", " ")
        value, decimals = _spoken_value(words)
        found.append(Quote(value, decimals, m.start(), m.end(), spoken=True))
    return sorted(found, key=lambda q: q.start)


def matches(value: float, decimals: int, measured: set[float]) -> bool:
    """Whether a number written with `decimals` decimals equals a measured one when rounded."""
    half_step = 0.5 * 10**-decimals + 1e-9
    return any(abs(m - value) <= half_step for m in measured)


def is_measured(written: str, measured: set[float]) -> bool:
    """`matches` for a number as written ("92.4")."""
    decimals = len(written.split(".")[1]) if "." in written else 0
    return matches(float(written), decimals, measured)


def _numbers_in(value: Any, numbers: set[float], percents: set[float]) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        numbers.add(float(value))
        if 0 <= value <= 1:
            percents.add(round(float(value) * 100, 6))
    elif isinstance(value, str):
        for m in _DIGITS.finditer(value):
            numbers.add(float(m.group(1)))
            if value[m.end() : m.end() + 2].strip().startswith("%"):
                percents.add(float(m.group(1)))
    elif isinstance(value, dict):
        for item in value.values():
            _numbers_in(item, numbers, percents)
    elif isinstance(value, list | tuple):
        for item in value:
            _numbers_in(item, numbers, percents)


_DEG_KEY = re.compile(r"angle|deg$|lean|line|rangeofmotion|tilt", re.IGNORECASE)
_SEC_KEY = re.compile(r"(?:[a-z]S|time|seconds)$")
_UNIT_OF = (("deg", re.compile(r"^\s*(?:°|degrees?\b|deg\b)")),
            ("s", re.compile(r"^\s*(?:s\b|secs?\b|seconds?\b)")))  # fmt: skip


def unit_after(text: str) -> str | None:
    """ "deg" or "s" when the text (what follows a number) starts with that unit."""
    return next((unit for unit, pattern in _UNIT_OF if pattern.match(text)), None)


def _units_in(value: Any, units: dict[str, set[float]], key: str = "", unit: str = "") -> None:
    """Numbers by unit: "deg", "s", or "other" (counts, frames, ratios, unknown)."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        kind = unit or ("deg" if _DEG_KEY.search(key) else "s" if _SEC_KEY.search(key) else "")
        units[kind or "other"].add(float(value))
    elif isinstance(value, str):
        for m in _DIGITS.finditer(value):
            units[unit_after(value[m.end() :]) or "other"].add(float(m.group(1)))
    elif isinstance(value, dict):
        shown = str(value.get("unit") or "").strip()
        metric_unit = "deg" if shown == "°" else "s" if shown == "s" else ""
        for k, item in value.items():
            _units_in(item, units, k, metric_unit if k == "value" else "")
    elif isinstance(value, list | tuple):
        for item in value:
            _units_in(item, units, key)


def measured_numbers(data: Any) -> set[float]:
    """Every number in some data, including those written inside strings."""
    numbers: set[float] = set()
    _numbers_in(data, numbers, set())
    return numbers


# ---------------------------------------------------------------------------------------------
# Facts: what the coach was shown


@dataclass
class Facts:
    """What a text may be checked against.

    Attributes:
        numbers: Every number shown.
        percents: Numbers that may be quoted as a percentage.
        rep_count: The counted reps (None when not known).
        reps: The rep numbers that exist (empty when not known).
        issues: Detected issue type -> the reps it touched (empty set when not per rep).
        checks: Check name -> status ("done", "not_possible", "limited", ...).
        checks_known: Whether `checks` lists what was judged (False for chat tool results).
        off_target: Names of metrics shown as not on target.
        score: The measured score (None: not rated).
        score_known: Whether the score was shown at all.
        other_scores: Scores of earlier sets a chat tool returned (history), also quotable.
        reasons: The checks' reasons as shown (lowercase): a sentence quoting one says what
            the findings say.
        metric_names: Names of the metrics shown (lowercase).
        by_unit: The numbers shown as degrees ("deg"), seconds ("s") and anything else
            ("other"); a number written with a unit must be one of that unit or of "other".
    """

    numbers: set[float] = field(default_factory=set)
    percents: set[float] = field(default_factory=set)
    rep_count: int | None = None
    reps: set[int] = field(default_factory=set)
    issues: dict[str, set[int]] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)
    checks_known: bool = True
    off_target: list[str] = field(default_factory=list)
    score: float | None = None
    score_known: bool = False
    other_scores: set[float] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    metric_names: list[str] = field(default_factory=list)
    by_unit: dict[str, set[float]] = field(
        default_factory=lambda: {"deg": set(), "s": set(), "other": set()}
    )

    @classmethod
    def from_findings(cls, findings: dict) -> Facts:
        """The facts of the findings as the coaching prompt shows them."""
        shown = findings_for_prompt(findings or {})
        facts = cls()
        _numbers_in(shown, facts.numbers, facts.percents)
        _units_in(shown, facts.by_unit)
        count = shown.get("repCount")
        facts.rep_count = int(count) if isinstance(count, int | float) else None
        facts.reps = {int(r["index"]) for r in shown.get("reps") or [] if "index" in r}
        if facts.rep_count and not facts.reps:
            facts.reps = set(range(1, facts.rep_count + 1))
        for issue in shown.get("issues") or []:
            facts.add_issue(issue.get("type"), issue.get("reps") or [])
        facts.checks = {str(c.get("name")): str(c.get("status")) for c in shown.get("checks") or []}
        facts.off_target = [
            str(m.get("name"))
            for m in shown.get("metrics") or []
            if str(m.get("status") or "good") != "good"
        ]
        facts.metric_names = [str(m.get("name")).lower() for m in shown.get("metrics") or []]
        facts.reasons = [
            str(c["reason"]).strip().rstrip(".").lower()
            for c in shown.get("checks") or []
            if c.get("reason")
        ]
        facts.score_known = True
        score = shown.get("score")
        facts.score = float(score) if isinstance(score, int | float) else None
        return facts

    @classmethod
    def from_tool_results(cls, results: list[dict], asked: str = "") -> Facts:
        """The facts of one chat turn: its tool results and the person's question."""
        facts = cls(checks_known=False)
        _numbers_in(results, facts.numbers, facts.percents)
        _numbers_in(asked, facts.numbers, set())
        _units_in(results, facts.by_unit)
        _units_in(asked, facts.by_unit)
        for result in results:
            facts._absorb(result)
        return facts

    def add_issue(self, issue_type: Any, reps: list) -> None:
        if issue_type:
            self.issues.setdefault(str(issue_type), set()).update(int(r) for r in reps or [])

    def _absorb(self, result: Any) -> None:
        if not isinstance(result, dict):
            return
        for key in ("repCount", "repCountNow"):
            if isinstance(result.get(key), int):
                self.rep_count = result[key]
                self.reps |= set(range(1, result[key] + 1))
        if isinstance(result.get("rep"), int):
            self.reps.add(result["rep"])
        for key in ("overallScore", "score", "scoreNow"):
            if key in result:
                self.score_known = True
                value = result[key]
                self.score = float(value) if isinstance(value, int | float) else None
        if isinstance(result.get("scoreBefore"), int | float):
            self.other_scores.add(float(result["scoreBefore"]))
        for past in result.get("history") or []:
            if isinstance(past, dict) and isinstance(past.get("overallScore"), int | float):
                self.other_scores.add(float(past["overallScore"]))
        for issue in result.get("issues") or []:
            if isinstance(issue, dict):
                self.add_issue(issue.get("type"), issue.get("reps") or [])
            elif isinstance(issue, str):
                self.add_issue(issue, [])
        if result.get("issueType"):
            for instance in result.get("instances") or []:
                self.add_issue(result["issueType"], instance.get("reps") or [])
        for penalty in result.get("penalties") or []:
            self.add_issue(penalty.get("issue"), penalty.get("reps") or [])
        for key in ("detectedIssues", "newIssues", "persistingIssues", "resolvedIssues"):
            for issue_type in result.get(key) or []:
                self.add_issue(issue_type, [])
        for metric in result.get("metrics") or []:
            if isinstance(metric, dict) and str(metric.get("status") or "good") != "good":
                self.off_target.append(str(metric.get("name")))
            if isinstance(metric, dict) and metric.get("name"):
                self.metric_names.append(str(metric["name"]).lower())
        for value in result.values():
            if isinstance(value, dict):
                self._absorb(value)

    def detected(self, concept: Concept) -> bool:
        return any(concept in concepts_of(t) for t in self.issues)

    def reps_of(self, concept: Concept) -> set[int]:
        return {r for t, reps in self.issues.items() if concept in concepts_of(t) for r in reps}

    def judged(self, concept: Concept) -> bool | None:
        """True: judged; False: a check says it could not be; None: no check names it."""
        statuses = [s for name, s in self.checks.items() if concept.covers(name)]
        if any(s == "done" for s in statuses):
            return True
        return False if statuses else None

    def judged_anything(self) -> bool:
        from agents.coach.vocabulary import vocabulary

        return any(
            s == "done" and any(c.covers(name) for c in vocabulary())
            for name, s in self.checks.items()
        )


# ---------------------------------------------------------------------------------------------
# One sentence

_REP_LIST = r"(\d+(?:\s*(?:,|and|&|or|to|through|-|–)\s*\d+)*)"
_REP_REF = re.compile(
    r"\b(?:rep|repetition)s?\s*(?:number\s*|no\.?\s*|#\s*)?"
    + _REP_LIST
    + r"(?![\d.]*\s*(?:°|%|s\b|sec|deg))"
)
_ORDINAL_REP = re.compile(
    r"\b(" + "|".join(ORDINALS) + r"|\d+(?:st|nd|rd|th))\s+(?:rep|repetition)\b"
)
_COUNT_WORDS = (
    r"(?:(?:complete|full|total|good|clean|counted|solid|quality|controlled|slow|of your|more)\s+)?"
)
_OF_REPS = re.compile(
    r"\b(\d+|"
    + _WORD
    + r")\s+(?:out\s+)?of\s+(?:your\s+|the\s+|all\s+|those\s+)?(\d+|"
    + _WORD
    + r")\s+"
    + _COUNT_WORDS
    + r"(?:reps|repetitions)\b"
)
_REP_COUNT = re.compile(
    r"\b(\d+|(?:"
    + _WORD
    + r")(?:[\s-]+(?:"
    + _WORD
    + r"))*)[\s-]+"
    + _COUNT_WORDS
    + r"(?:reps?|repetitions?)\b(?!\s*\d)"
)
_SCORE = re.compile(
    r"(\d+(?:\.\d+)?|(?:"
    + _WORD
    + r")(?:[\s-]+(?:"
    + _WORD
    + r"))*(?:\s+point\s+\w+)?)\s*(?:/\s*10\b|out of (?:10|ten)\b)"
    r"|\bscored?\s+(?:an?\s+|of\s+|is\s+|was\s+|:\s*)?(\d+(?:\.\d+)?)"
    r"(?:\s*(?:/\s*10\b|out of (?:10|ten)\b))?"
)
_NOT_JUDGED = re.compile(
    r"\b(?:can(?:no|')?t|could(?:n'?t| not)|unable to|not possible to|impossible to|no way to|"
    r"(?:is|was|were|are)n'?t|(?:is|was|were|are) not|not)\s+(?:be\s+|been\s+|reliably\s+)?"
    r"(?:judge|judged|see|seen|visible|assess|assessed|check|checked|measure|measured|tell|rate|"
    r"rated|evaluate|evaluated|show|shown|detect|detected from)\b"
    r"|\b(?:needs?|requires?|would need) (?:a |an )?(?:side|front|rear|different|clearer|second)\b"
    r"|\bcan only be (?:judged|seen|measured|checked)\b"
    r"|\bfrom (?:this|a|the) (?:side|front|rear) view\b.*\b(?:can|could)(?:no|')?t?\b"
)
_CAUTION = re.compile(
    r"\b(?:don'?t|do not|never let|avoid|stop|prevent|resist|instead of|rather than|"
    r"without letting|watch out for|guard against|so (?:they|it|you|your \w+) (?:don'?t|do"
    r" not|won'?t))\b"
    r"|\bkeep\b.*\bfrom\s*$|\bno\b.*\bletting\b"
)
_ABSENCE = re.compile(
    r"\b(?:no|not|without|free of|zero|didn'?t|did not|wasn'?t|was not|weren'?t|were not|never|"
    r"none|nor|good|great|solid|excellent|nice|even|balanced|clean|level|minimal|little)\b"
)
_ABSENCE_AFTER = re.compile(
    r"^[\w\s'-]{0,25}?\b(?:was|were|is|are)?\s*(?:not|n't|never)\s+(?:detected|found|seen|an"
    r" issue|a problem|flagged)"
)
_NO_ISSUES = re.compile(
    r"\b(?:no|zero|without any|free of) (?:form"
    r" )?(?:issues|faults|problems|errors|mistakes|flaws)\b"
    r"|\bperfect (?:form|technique|reps?|set|execution)\b|\bflawless\b"
    r"|\bnothing to (?:fix|correct|work on)\b"
    r"|\b(?:form|technique) (?:was|is|looked) (?:perfect|flawless|spotless)\b"
)
# With no rep counted, "every rep" / "your reps" describe nothing that was measured.
_SOME_REPS = re.compile(
    r"\b(?:every|each|all|your|the|those|these|first|last|both)\s+(?:\w+\s+)?"
    r"(?:reps?|repetitions?)\b"
)
_NO_REPS = re.compile(
    r"\b(?:no|not a|not one|without a|zero)\s+(?:single\s+|complete\s+|full\s+|whole\s+)?"
    r"(?:reps?|repetitions?)\b"
)
_SUBSET = re.compile(
    r"\b(?:first|last|other|remaining|next|earlier|later|final|at least|at most|more than|"
    r"fewer than|less than|up to)\s+$"
)
_CLAUSE = re.compile(r"[,;:]|\b(?:but|while|whereas|although|though)\b")


@dataclass
class Edit:
    """What the checker did to one sentence (or issue)."""

    field: str
    text: str
    reason: str
    action: str  # "dropped", "repaired", "added"
    replacement: str | None = None


def _rep_numbers(group: str) -> list[int]:
    numbers = [int(n) for n in re.findall(r"\d+", group)]
    if len(numbers) == 2 and re.search(r"\d\s*(?:to|through|-|–)\s*\d", group):
        low, high = sorted(numbers)
        return list(range(low, high + 1)) if high - low <= 50 else numbers
    return numbers


def _to_int(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text in ORDINALS:
        return ORDINALS[text]
    digits = re.match(r"(\d+)(?:st|nd|rd|th)$", text)
    if digits:
        return int(digits.group(1))
    value, decimals = _spoken_value(text)
    return int(value) if _SPOKEN.fullmatch(text) else None


def _window(lowered: str, start: int) -> str:
    before = lowered[:start]
    clauses = _CLAUSE.split(before)
    return " ".join(clauses[-1].split()[-6:]) if clauses else ""


class _Sentence:
    """Checks one sentence; `problems` says what is wrong, `repaired` a true rewrite if any."""

    def __init__(self, text: str, facts: Facts, context: list[Concept]):
        self.text = text
        self.lowered = text.lower()
        self.facts = facts
        self.context = context
        self.problems: list[str] = []
        self.fixes: list[tuple[int, int, str]] = []  # (start, end, replacement)
        self.consumed: list[tuple[int, int]] = []
        self.present: list[Concept] = []
        self.present_at: list[tuple[int, Concept]] = []
        self.rep_refs: list[tuple[int, int, list[int]]] = []

    def check(self) -> _Sentence:
        self._faults()
        self._score()
        self._reps()
        self._counts()
        self._numbers()
        return self

    def _free(self, start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in self.consumed)

    # Fault names -------------------------------------------------------------------------
    def _faults(self) -> None:
        facts, lowered = self.facts, self.lowered
        groups: list[tuple[int, int, list[Concept]]] = []
        for concept, start, end in sorted(mentions(lowered), key=lambda m: m[1]):
            if groups and start < groups[-1][1]:
                groups[-1][2].append(concept)
                groups[-1] = (groups[-1][0], max(groups[-1][1], end), groups[-1][2])
            else:
                groups.append((start, end, [concept]))
        not_judged_sentence = bool(_NOT_JUDGED.search(lowered))
        if any(reason and reason in lowered for reason in facts.reasons):
            return  # It quotes a check's reason: what the findings themselves say.
        for start, end, concepts in groups:
            name = concepts[0].name.lower()
            detected = any(facts.detected(c) for c in concepts)
            judged = [facts.judged(c) for c in concepts]
            before = _window(lowered, start)
            if not_judged_sentence:
                if any(j is True for j in judged) and facts.checks_known:
                    self.problems.append(f"says {name} could not be judged, but it was")
                continue
            if _CAUTION.search(before):
                continue
            if _ABSENCE.search(before) or _ABSENCE_AFTER.search(lowered[end:]):
                on_reps = self._refs_in(lowered)
                with_fault = set().union(*(facts.reps_of(c) for c in concepts))
                if detected and not (on_reps and not set(on_reps) & with_fault):
                    self.problems.append(f"says there was no {name}, but it was detected")
                elif not detected and facts.checks_known and not any(judged):
                    self.problems.append(f"says there was no {name}, but it was not judged")
                continue
            shown = any(c.covers(m) for c in concepts for m in facts.off_target) or any(
                c.covers(m) and m in lowered for c in concepts for m in facts.metric_names
            )  # A metric that is off target, or one named as shown ("Left/Right Difference").
            if detected or shown:
                self.present += [c for c in concepts if facts.detected(c)]
                self.present_at += [(start, c) for c in concepts if facts.detected(c)]
                continue
            self.problems.append(f"names {name}, which was not detected")
        if _NO_ISSUES.search(lowered) and not not_judged_sentence:
            if facts.issues:
                self.problems.append("says there were no issues, but issues were detected")
            elif facts.checks_known and not facts.judged_anything():
                self.problems.append("says there were no issues, but no form check was judged")

    # The score ------------------------------------------------------------------------------
    def _score(self) -> None:
        for m in _SCORE.finditer(self.lowered):
            written = m.group(1) or m.group(2)
            self.consumed.append((m.start(), m.end()))
            if written.replace(".", "").isdigit():
                decimals = len(written.split(".")[1]) if "." in written else 0
                value = float(written)
            else:
                value, decimals = _spoken_value(written)
            if not self.facts.score_known:
                self.problems.append(f"quotes a score ({written}) that nothing it was shown has")
                continue
            if matches(value, decimals, self.facts.other_scores):
                continue  # An earlier set's score, from the history the tools returned.
            if self.facts.score is None:
                self.problems.append(f"quotes a score ({written}) but the set was not rated")
            elif not matches(value, decimals, {self.facts.score}):
                self.problems.append(f"quotes a score of {written}, not the measured one")

    # Rep numbers ----------------------------------------------------------------------------
    def _refs_in(self, lowered: str) -> list[int]:
        refs = [n for m in _REP_REF.finditer(lowered) for n in _rep_numbers(m.group(1))]
        refs += [
            n for m in _ORDINAL_REP.finditer(lowered) if (n := _to_int(m.group(1))) is not None
        ]
        return refs

    def _reps(self) -> None:
        facts = self.facts
        refs: list[tuple[int, int, list[int]]] = []
        for m in _REP_REF.finditer(self.lowered):
            refs.append((m.start(), m.end(), _rep_numbers(m.group(1))))
        for m in _ORDINAL_REP.finditer(self.lowered):
            number = _to_int(m.group(1))
            if number is not None:
                refs.append((m.start(), m.end(), [number]))
        if not refs:
            return
        self.consumed += [(s, e) for s, e, _ in refs]
        negated = re.search(
            r"\b(?:there is no|there's no|no such|doesn't have a|does not have a|only has|only"
            r" had)\b",
            self.lowered,
        )
        for start, end, numbers in refs:
            if facts.reps and not negated:
                missing = [n for n in numbers if n not in facts.reps]
                if missing:
                    self.problems.append(f"names rep {missing[0]}, which does not exist")
                    continue
            concepts = self._claim_of(start)
            with_fault = set().union(*(facts.reps_of(c) for c in concepts)) if concepts else set()
            if with_fault and not set(numbers) <= with_fault:
                wrong = sorted(set(numbers) - with_fault)
                names = ", ".join(c.name.lower() for c in concepts)
                # One fault rep: naming it makes the sentence true. Several: which one the
                # sentence meant (and its numbers) is unknown, so it is dropped instead.
                written = self.text[start:end]
                if len(refs) == 1 and len(with_fault) == 1 and written.lower().startswith("rep"):
                    word = "Rep" if written[0] == "R" else "rep"
                    self.fixes.append((start, end, f"{word} {min(with_fault)}"))
                self.problems.append(f"ties {names} to rep {wrong[0]}, which did not have it")

    def _claim_of(self, position: int) -> list[Concept]:
        """The faults a rep reference at `position` is said to have: those named in its clause
        (or in the next one, after a short opener such as "On rep 5,"); the sentence's context
        (an issue's cue) when the sentence names none."""
        if not self.present_at:
            return self.context
        cuts = [0, *(m.end() for m in _CLAUSE.finditer(self.lowered)), len(self.lowered) + 1]
        spans = list(zip(cuts, cuts[1:], strict=False))
        n = next(k for k, (a, b) in enumerate(spans) if a <= position < b)
        found = [c for at, c in self.present_at if spans[n][0] <= at < spans[n][1]]
        opener = self.lowered[spans[n][0] : spans[n][1]].split()
        if not found and n + 1 < len(spans) and len(opener) <= 4:
            found = [c for at, c in self.present_at if spans[n + 1][0] <= at < spans[n + 1][1]]
        return found

    # Rep counts -----------------------------------------------------------------------------
    def _counts(self) -> None:
        facts = self.facts
        if facts.rep_count is None:
            return
        some, none = _SOME_REPS.search(self.lowered), _NO_REPS.search(self.lowered)
        if facts.rep_count == 0 and some and not none:
            self.problems.append("talks about reps, but no rep was counted")
        allowed = {facts.rep_count}
        for concept in self.present or self.context:
            allowed.add(len(facts.reps_of(concept)))
        allowed |= {len(reps) for reps in facts.issues.values() if reps}
        for m in _OF_REPS.finditer(self.lowered):
            part, whole = _to_int(m.group(1)), _to_int(m.group(2))
            self.consumed.append((m.start(), m.end()))
            if whole != facts.rep_count:
                self.problems.append(f"says the set had {whole} reps, not {facts.rep_count}")
                self.fixes.append((m.start(2), m.end(2), str(facts.rep_count)))
            elif part is not None and part not in allowed:
                self.problems.append(f"says {part} of the reps, which no measurement supports")
        for m in _REP_COUNT.finditer(self.lowered):
            if not self._free(m.start(), m.end()):
                continue
            if _SUBSET.search(self.lowered[: m.start()]):
                self.consumed.append((m.start(), m.end()))
                continue  # "your first five reps": a part of the set, not its size.
            value = _to_int(m.group(1))
            self.consumed.append((m.start(), m.end()))
            if value is None or value in allowed:
                continue
            self.problems.append(f"says {value} reps; the set had {facts.rep_count}")
            if not self.present:
                self.fixes.append((m.start(1), m.end(1), str(facts.rep_count)))

    # Other numbers --------------------------------------------------------------------------
    def _numbers(self) -> None:
        facts = self.facts
        for q in quoted(self.lowered):
            if not self._free(q.start, q.end):
                continue
            after = self.lowered[q.end : q.end + 14]
            if q.spoken and (q.value == 1 or (not _UNIT_AFTER.match(after) and q.value < 20)):
                # "two things to work on", "how long one repetition took": figures of speech.
                # (A count such as "you did one rep" is checked as a rep count.)
                continue
            percent = re.match(r"^\s*(?:%|percent|per cent)", after)
            unit = unit_after(after)
            if percent:
                pool = facts.percents
            elif unit:  # "90 s" is not the "90°" target: a number keeps its unit.
                pool = facts.by_unit[unit] | facts.by_unit["other"]
            else:
                pool = facts.numbers
            if not matches(q.value, q.decimals, pool):
                written = self.text[q.start : q.end]
                kind = "percentage" if percent else "number"
                self.problems.append(f"quotes a {kind} ({written}) that was not measured")

    def repaired(self) -> str | None:
        """The sentence rewritten by its fixes, when they answer every problem."""
        if not self.fixes or len(self.fixes) != len(self.problems):
            return None
        text = self.text
        for start, end, new in sorted(self.fixes, reverse=True):
            text = text[:start] + new + text[end:]
        again = _Sentence(text, self.facts, self.context).check()
        return text if not again.problems else None


def check_sentence(text: str, facts: Facts, context: list[Concept] | None = None) -> list[str]:
    """What is wrong with one sentence (empty when it is grounded)."""
    return _Sentence(text, facts, context or []).check().problems


def check_text(
    text: str, facts: Facts, where: str, context: list[Concept] | None = None
) -> tuple[str, list[Edit], int]:
    """Checks a text sentence by sentence; returns (grounded text, edits, sentence count)."""
    kept, edits = [], []
    parts = sentences(text)
    for sentence in parts:
        checked = _Sentence(sentence, facts, context or []).check()
        if not checked.problems:
            kept.append(sentence)
            continue
        reason = "; ".join(checked.problems)
        fixed = checked.repaired()
        if fixed:
            kept.append(fixed)
            edits.append(Edit(where, sentence, reason, "repaired", fixed))
        else:
            edits.append(Edit(where, sentence, reason, "dropped"))
    return " ".join(kept), edits, len(parts)


# ---------------------------------------------------------------------------------------------
# Reports and replies


@dataclass
class Grounding:
    """The verdict on one coaching report.

    Attributes:
        report: The grounded (possibly repaired) report, or None when it must be replaced.
        problems: Why it was rejected (empty when it was not).
        repairs: Detected issue types the report had left out, added back with their cue.
        edits: Sentences repaired or dropped, and issues dropped, with the reason.
    """

    report: dict | None
    problems: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is not None and not self.problems

    @property
    def flagged(self) -> bool:
        """Whether the checker found anything wrong (rejected, repaired or dropped)."""
        return bool(self.problems or self.repairs or self.edits)


def _key(issue_type: Any) -> str:
    return str(issue_type or "").strip().lower()


def check_coaching(raw: Any, findings: dict) -> Grounding:
    """Checks a coaching report against the findings the coach was shown (see module doc).

    Args:
        raw: The coaching agent's output (a dict, or None).
        findings: The vision findings it was written from.

    Returns:
        A Grounding; `report` is None when the report must be replaced by the offline coach's.
        The score is never the coach's: `overallScore`, when the schema has one, is set to the
        measured score (None when the set was not rated).
    """
    if raw is None:
        return Grounding(None, ["the coaching model returned no report"])
    try:
        report = CoachingReport.model_validate(raw).model_dump()
    except ValidationError as exc:
        return Grounding(None, [f"the report does not match the schema ({exc.error_count()})"])

    facts = Facts.from_findings(findings)
    edits: list[Edit] = []
    total = 0
    detected: dict[str, dict] = {}
    for issue in findings.get("issues") or []:  # Most severe first: keep the first of a type.
        detected.setdefault(_key(issue.get("type")), issue)

    summary, changed, count = check_text(report["summary"], facts, "summary")
    edits += changed
    total += count
    report["summary"] = summary

    issues = []
    for issue in report["issues"]:
        measured = detected.get(_key(issue["type"]))
        if measured is None:
            edits.append(Edit("issues", issue["type"], "not detected", "dropped"))
            continue
        context = concepts_of(issue["type"])
        cue, changed, count = check_text(issue["coachingCue"], facts, "issues", context)
        edits += changed
        total += count
        if not cue:
            cue = str(measured.get("coachingCue") or "")
            edits.append(Edit("issues", issue["coachingCue"], "cue dropped", "repaired", cue))
        issues.append({"type": str(measured["type"]), "coachingCue": cue})
    report["issues"] = issues

    for name in ("strengths", "recommendations"):
        kept = []
        for item in report[name]:
            text, changed, count = check_text(item, facts, name)
            edits += changed
            total += count
            if text:
                kept.append(text)
        report[name] = kept

    dropped = sum(e.action == "dropped" for e in edits if e.field != "issues")
    problems = []
    if not report["summary"]:
        problems.append("the summary had no grounded sentence")
    if total and dropped * 2 > total:
        problems.append(f"{dropped} of {total} sentences were not grounded")
    if problems:
        problems += [f"{e.field}: {e.reason}" for e in edits]
        return Grounding(None, problems, [], edits)

    repairs = []
    covered = {_key(i["type"]) for i in report["issues"]}
    for key, issue in detected.items():  # Most severe instance first (findings are sorted).
        if key not in covered:
            covered.add(key)
            report["issues"].append(
                {"type": str(issue["type"]), "coachingCue": str(issue.get("coachingCue") or "")}
            )
            repairs.append(str(issue["type"]))
    if "overallScore" in report:  # The measured score rules; the coach never supplies it.
        report["overallScore"] = facts.score
    return Grounding(report, [], repairs, edits)


@dataclass
class CheckedReply:
    """A chat reply after grounding: `text` is None when nothing in it was grounded."""

    text: str | None
    edits: list[Edit] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.edits)


def check_reply(text: str, facts: Facts) -> CheckedReply:
    """Checks a chat reply line by line against one turn's facts; repairs or drops sentences."""
    lines, edits = [], []
    for line in str(text or "").splitlines():
        if not line.strip():
            continue
        kept, changed, _ = check_text(line, facts, "reply")
        edits += changed
        if kept:
            lines.append(kept)
    return CheckedReply("\n".join(lines) if lines else None, edits)
