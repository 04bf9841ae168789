"""A deterministic, offline stand-in for the coaching LLM.

`OfflineCoachLlm` is an ADK `BaseLlm` registered under the model name "biome-offline-coach". It
reads the vision findings that the coaching instruction embeds between markers and writes a
grounded `CoachingReport` as JSON: every issue it names is a detected issue with that issue's
cue, and every number it quotes is copied from the findings. It never touches the network, so
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

OFFLINE_COACH_MODEL = "biome-offline-coach"
_SET_MODEL_RESPONSE = "set_model_response"

_GOOD_STATUSES = {"good", "ok", "pass", "passed"}
# Check statuses that mean "nothing to warn about".
_CHECK_OK = {"done", "good", "ok", "pass", "passed"}

# Drill advice by issue keyword: general, number-free so it never quotes an unmeasured value.
_DRILLS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("valgus", "knee cave", "knees cave", "knees in"),
        "strengthen your glutes (banded squats, clamshells, lateral band walks) so your knees "
        "track over your toes",
    ),
    (
        ("depth", "shallow", "partial"),
        "improve ankle and hip mobility (goblet-squat holds, ankle rocks) and squat to a box "
        "to groove a consistent depth",
    ),
    (
        ("lean", "torso", "chest"),
        "build upper-back and core strength (front squats, tempo squats) to keep your chest up",
    ),
    (
        ("rounding", "round", "butt wink", "pelvic", "lumbar", "spine"),
        "practise bracing (dead bugs, pause reps just above the point where your back rounds)",
    ),
    (
        ("heel",),
        "keep your weight over the whole foot and add ankle-mobility work",
    ),
    (
        ("asymmetr", "shift", "imbalance", "uneven"),
        "add single-side work (split squats, single-arm or single-leg variations) to even out "
        "left and right",
    ),
    (
        ("hip sag", "sag", "pike", "hips high"),
        "hold planks with glutes and abs braced to learn a straight body line",
    ),
    (
        ("elbow", "flare"),
        "tuck your elbows slightly and practise slow negatives to own the position",
    ),
    (
        ("swing", "momentum", "kip", "bounce", "tempo", "fast", "rushed"),
        "slow the lowering phase and pause briefly at the bottom to remove momentum",
    ),
    (
        ("lockout", "range of motion", "rom", "extension"),
        "finish every rep through the full range of motion, using a lighter load if needed",
    ),
)


def _drill_for(issue_type: str) -> str | None:
    lowered = issue_type.lower()
    for keywords, drill in _DRILLS:
        if any(k in lowered for k in keywords):
            return drill
    return None


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
    if not issues and isinstance(rep_count, int) and rep_count > 0:
        scope = "your rep" if rep_count == 1 else f"all {rep_count} reps"
        strengths.append(f"No form issues detected across {scope}")
    if not strengths and isinstance(rep_count, int) and rep_count > 0:
        strengths.append(f"Completed {rep_count} rep{'s' if rep_count != 1 else ''} on camera")
    return strengths


def _recommendations(issues: list[dict]) -> list[str]:
    recs = []
    for issue in issues:
        issue_type = str(issue["type"])
        drill = _drill_for(issue_type)
        if drill:
            recs.append(f"{issue_type}: {drill[0].upper()}{drill[1:]}.")
        else:
            cue = str(issue.get("coachingCue") or "").strip()
            recs.append(f"{issue_type}: {cue}" if cue else f"Work on {issue_type.lower()}.")
    if issues:
        recs.append(
            "Film your next set from the same angle to check that the fixes hold, and add load "
            "only once the cues feel automatic."
        )
    else:
        recs.append(
            "Keep this technique and progress the load gradually; film sets from the same angle "
            "to track consistency."
        )
    return recs


def _summary(findings: dict, issues: list[dict]) -> str:
    exercise = findings.get("exercise") or "the exercise"
    rep_count = findings.get("repCount")
    score = findings.get("score")
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
    if isinstance(score, int | float):
        parts.append(f"Form score: {score} out of ten.")
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
    else:
        parts.append("No form issues were detected.")
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
        A dict matching CoachingReport: overallScore (findings["score"], clamped to 0-10),
        summary, issues [{type, coachingCue}] most severe first, strengths and
        recommendations in priority order.
    """
    issues = _unique_by_type(_sorted_issues(findings))
    score = findings.get("score")
    score = float(score) if isinstance(score, int | float) else 0.0
    return {
        "overallScore": min(10.0, max(0.0, score)),
        "summary": _summary(findings, issues),
        "issues": [
            {"type": str(i["type"]), "coachingCue": str(i.get("coachingCue") or "")} for i in issues
        ],
        "strengths": _strengths(findings, issues),
        "recommendations": _recommendations(issues),
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
                "overallScore": 0.0,
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
