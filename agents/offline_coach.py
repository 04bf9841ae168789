"""A deterministic, offline stand-in for the coaching LLM.

`OfflineCoachLlm` is an ADK `BaseLlm` registered under the model name "biome-offline-coach". It
reads the vision findings that the coaching instruction embeds between markers and writes a
grounded `CoachingReport` as JSON: every issue it names is a detected issue with that issue's
cue, its drills are the ones written for that rule and exercise (tools.drills), every number it
quotes is copied from the findings, and it never gives a score: a set that was not rated is
said to be not rated, with the reason. It never touches the network, so
Biome works without a Gemini key and tests are reproducible.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

from google.adk.models._capabilities import LlmCapabilities
from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.adk.models.registry import LLMRegistry
from google.genai import types

from agents.findings_format import extract_findings, severity_rank
from tools.drills import for_issue

OFFLINE_COACH_MODEL = "biome-offline-coach"
_SET_MODEL_RESPONSE = "set_model_response"

_GOOD_STATUSES = {"good", "ok", "pass", "passed"}
# Check statuses that mean "nothing to warn about".
_CHECK_OK = {"done", "good", "ok", "pass", "passed"}

# Checks that frame the analysis rather than judge form: their "done" is not a judgement.
_FRAMING_CHECKS = {"camera_view", "body_in_frame", "reps", "hold"}


def _exercise_name(findings: dict) -> str:
    return str(findings.get("exercise") or "the exercise")


def _judged(findings: dict) -> bool:
    """Whether any form check was actually judged (not merely listed)."""
    return any(
        isinstance(c, dict)
        and c.get("name") not in _FRAMING_CHECKS
        and str(c.get("status", "")).lower() in _CHECK_OK
        for c in findings.get("checks") or []
    )


def _score(findings: dict) -> float | None:
    """The measured score, or None when the set was not rated (never a made-up number)."""
    score = findings.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float):
        return None
    return float(score)


def _unrated_reason(findings: dict) -> str:
    """Why the set was not rated: findings.scoreNote, else the first reason in checks."""
    note = str(findings.get("scoreNote") or "").strip().rstrip(".")
    if note:
        return note
    for check in findings.get("checks") or []:
        if isinstance(check, dict) and check.get("reason"):
            return str(check["reason"]).strip().rstrip(".")
    return "no form check could be judged from this video"


def _fmt_list(items: list[Any]) -> str:
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _sorted_issues(findings: dict) -> list[dict]:
    issues = [i for i in findings.get("issues") or [] if isinstance(i, dict) and i.get("type")]
    return sorted(issues, key=lambda i: severity_rank(i.get("severity")))


def _unique_by_type(issues: list[dict]) -> list[dict]:
    """Merges issues of one type (e.g. one per rep): most severe instance, all reps."""
    merged: dict[str, dict] = {}
    for issue in issues:  # Already most severe first.
        key = str(issue["type"]).lower()
        if key not in merged:
            merged[key] = {**issue, "reps": list(issue.get("reps") or [])}
        else:
            reps = merged[key]["reps"]
            reps.extend(r for r in issue.get("reps") or [] if r not in reps)
    for issue in merged.values():
        issue["reps"] = sorted(issue["reps"], key=lambda r: (not isinstance(r, int), r))
    return list(merged.values())


def _strengths(findings: dict, issues: list[dict]) -> list[str]:
    strengths = []
    depth_issue = any("depth" in str(i["type"]).lower() for i in issues)
    # A metric that looks good on average is no strength when a check found that fault in it.
    rules = {str(i.get("rule") or "") for i in issues}
    tempo_issue = bool(rules & {"eccentric_control", "tempo_consistency"})
    consistency_issue = "depth_consistency" in rules
    symmetry_issue = bool(rules & {"symmetry", "squat_asymmetry"})
    for metric in findings.get("metrics") or []:
        if str(metric.get("status", "")).lower() not in _GOOD_STATUSES:
            continue
        name = str(metric.get("name", "")).strip()
        actual = str(metric.get("actual") or "").strip()
        target = str(metric.get("target") or "").strip()
        # Metrics without a target (context values, the rep count) are not an achievement.
        if not name or not actual or actual == "n/a" or target in ("", "—", "-"):
            continue
        lowered = name.lower()
        if (
            (tempo_issue and any(w in lowered for w in ("tempo", "duration", "eccentric")))
            or (consistency_issue and "consisten" in lowered)
            or (symmetry_issue and ("left/right" in lowered or "symmetr" in lowered))
        ):
            continue
        if "consisten" in lowered:
            what = lowered.replace("consistency", "").strip() or "form"
            text = f"Consistent {what} across reps: {actual}"
        elif "tempo" in lowered or "duration" in lowered:
            text = f"Controlled rep tempo: {actual} per rep"
        elif ("depth" in lowered or "bottom" in lowered) and not depth_issue:
            text = f"Good depth: {name} {actual}"
        elif "depth" in lowered or "bottom" in lowered:
            text = f"{name} on target on average: {actual}"
        elif "symmetr" in lowered:
            text = f"Balanced left/right: {name} {actual}"
        else:
            text = f"{name} on target: {actual}"
        strengths.append(f"{text} (target {target})")
    rep_count = findings.get("repCount")
    rated = _score(findings) is not None and _judged(findings)
    if not issues and rated and isinstance(rep_count, int) and rep_count > 0:
        scope = "your rep" if rep_count == 1 else f"all {rep_count} reps"
        strengths.append(f"No form issues detected across {scope} in the checks this video allowed")
    if not strengths and isinstance(rep_count, int) and rep_count > 0:
        strengths.append(f"Completed {rep_count} rep{'s' if rep_count != 1 else ''} on camera")
    return strengths


def _recommendations(findings: dict, issues: list[dict]) -> list[str]:
    exercise = _exercise_name(findings)
    recs = []
    for issue in issues:
        issue_type = str(issue["type"])
        advice = for_issue(exercise, issue.get("rule") or issue_type) or for_issue(
            exercise, issue_type
        )
        if advice:
            recs.append(f"{issue_type}: {'. '.join(advice['drills'][:2])}.")
        else:
            cue = str(issue.get("coachingCue") or "").strip()
            recs.append(f"{issue_type}: {cue}" if cue else f"Work on {issue_type.lower()}.")
    if _score(findings) is None:
        recs.append(
            f"Film your next {exercise} set so that it can be rated: {_unrated_reason(findings)}."
        )
    elif issues:
        recs.append(
            f"Film your next {exercise} set from the same angle to check that the fixes hold, "
            "and add load only when the cues feel automatic."
        )
    else:
        recs.append(
            f"Keep this {exercise} technique and progress the load gradually; film your sets "
            "from the same angle to track consistency."
        )
    return recs


def _summary(findings: dict, issues: list[dict]) -> str:
    exercise = findings.get("exercise") or "the exercise"
    rep_count = findings.get("repCount")
    score = _score(findings)
    parts = []
    hold = findings.get("hold")
    if isinstance(hold, dict):
        held = hold.get("durationS")
        held_text = f" You held the position for {held} s." if held else ""
        parts.append(f"Analysed your {exercise} hold.{held_text}")
    elif isinstance(rep_count, int):
        noun = "rep" if rep_count == 1 else "reps"
        parts.append(f"Analysed {rep_count} {noun} of {exercise}.")
    else:
        parts.append(f"Analysed your {exercise}.")
    if score is not None:
        parts.append(f"Form score: {score:g} out of ten.")
    else:
        parts.append(f"This set was not rated: {_unrated_reason(findings)}.")
    if issues:
        top = issues[0]
        where = ""
        if top.get("reps"):
            reps = list(top["reps"])
            where = f" on rep{'s' if len(reps) > 1 else ''} {_fmt_list(reps)}"
        severity = f" ({top['severity']})" if top.get("severity") else ""
        parts.append(f"The main thing to work on is {str(top['type']).lower()}{severity}{where}.")
        if len(issues) > 1:
            others = _fmt_list([str(i["type"]).lower() for i in issues[1:]])
            parts.append(f"Also watch {others}.")
    elif score is not None and _judged(findings):
        parts.append("No form issues were detected in what this video could show.")
    for check in findings.get("checks") or []:
        status = str(check.get("status", "")).lower()
        if status and status not in _CHECK_OK and check.get("reason"):
            reason = str(check["reason"]).rstrip(".")
            parts.append(f"Note: {reason}.")
            break
    return " ".join(parts)


def build_offline_report(findings: dict) -> dict:
    """Writes a grounded coaching report from vision findings, deterministically.

    Args:
        findings: The vision findings dict (camelCase, as produced by tools.analysis).

    Returns:
        A dict matching CoachingReport: summary, issues [{type, coachingCue}] most severe
        first, strengths and recommendations in priority order. It carries no score: the score
        is the measured findings["score"] (None when the set was not rated, and then the
        summary says why, from findings["scoreNote"]).
    """
    issues = _unique_by_type(_sorted_issues(findings))
    return {
        "summary": _summary(findings, issues),
        "issues": [
            {"type": str(i["type"]), "coachingCue": str(i.get("coachingCue") or "")} for i in issues
        ],
        "strengths": _strengths(findings, issues),
        "recommendations": _recommendations(findings, issues),
    }


def _request_text(llm_request: LlmRequest) -> str:
    texts = []
    instruction = llm_request.config.system_instruction if llm_request.config else None
    if isinstance(instruction, str):
        texts.append(instruction)
    elif isinstance(instruction, types.Content):
        texts.extend(p.text for p in instruction.parts or [] if p.text)
    elif isinstance(instruction, list):
        texts.extend(p if isinstance(p, str) else getattr(p, "text", "") or "" for p in instruction)
    for content in llm_request.contents or []:
        texts.extend(p.text for p in content.parts or [] if p.text)
    return "\n".join(texts)


class OfflineCoachLlm(BaseLlm):
    """Deterministic coaching "model" that answers from the findings in its instruction."""

    model: str = OFFLINE_COACH_MODEL

    @classmethod
    def supported_models(cls) -> list[str]:
        """Model names this class serves in the LLM registry."""
        return [OFFLINE_COACH_MODEL]

    @property
    def capabilities(self) -> LlmCapabilities:
        """Declares that JSON output honours an output schema even when tools are present.

        ADK then sets the schema on the request rather than adding a set_model_response tool.
        """
        return LlmCapabilities(output_schema_and_tools=True)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        """Answers one turn with a CoachingReport built from the embedded findings."""
        findings = extract_findings(_request_text(llm_request))
        if findings is None:
            report = {
                "summary": "No vision findings were provided, so no coaching can be given.",
                "issues": [],
                "strengths": [],
                "recommendations": ["Record the set again and re-run the analysis."],
            }
        else:
            report = build_offline_report(findings)
        if _SET_MODEL_RESPONSE in (llm_request.tools_dict or {}):
            # ADK asked for structured output through its set_model_response tool.
            part = types.Part(
                function_call=types.FunctionCall(name=_SET_MODEL_RESPONSE, args=report)
            )
        else:
            part = types.Part(text=json.dumps(report, ensure_ascii=False))
        yield LlmResponse(
            content=types.Content(role="model", parts=[part]),
            partial=False,
            turn_complete=True,
            model_version=OFFLINE_COACH_MODEL,
        )


LLMRegistry.register(OfflineCoachLlm)
