"""A deterministic, offline chat model: answers the common questions by calling the tools.

`OfflineChatLlm` is an ADK `BaseLlm` registered as "biome-offline-chat". It reads the last user
message, picks an intent by keywords, asks for the tools that intent needs (one function call
per turn, so ADK runs them and sends the results back), and then writes its answer only from
those results: every number it says was returned by a tool. Questions it has no intent for get
a list of what it can answer. It never touches the network.

Intents: why this score, worst/best rep, rep N, how to fix a fault, when a fault happened,
compare with last time, what a metric means / a metric's values, the exercise itself, and how
the set went overall.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from typing import Any

from google.adk.models._capabilities import LlmCapabilities
from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.adk.models.registry import LLMRegistry
from google.genai import types

from agents.chat.tools import measure_label
from agents.offline_coach import _fmt_list
from tools.drills import for_issue

OFFLINE_CHAT_MODEL = "biome-offline-chat"

CAPABILITIES = (
    "I can answer from your analysis: why you got this score, which rep was your worst (or "
    "best), the numbers for a given rep, how to fix a fault that was detected, when a fault "
    "happened, what a metric means and its value on each rep, what the exercise is, and how "
    "this set compares with your last one."
)

_REP_NUMBER = re.compile(r"\brep(?:etition)?\s*(?:number\s*|no\.?\s*|#\s*)?(\d+)\b")
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_ORDINAL_REP = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\s+rep")

_METRIC_WORDS = (
    "angle",
    "depth",
    "duration",
    "tempo",
    "consistency",
    "lean",
    "hold",
    "metric",
    "range",
)


def _has(text: str, *phrases: str) -> bool:
    return any(p in text for p in phrases)


def intent_of(message: str) -> tuple[str, dict[str, Any]]:
    """(intent, arguments) for a user message."""
    text = " ".join(str(message or "").lower().split())
    if _has(text, "last time", "previous", "compare", "progress", "history", "improved", "before"):
        return "history", {}
    if _has(text, "worst rep", "best rep", "weakest rep", "strongest rep", "which rep"):
        return "rank_reps", {"best": _has(text, "best", "strongest")}
    number = _REP_NUMBER.search(text)
    ordinal = _ORDINAL_REP.search(text)
    if number or ordinal:
        rep = int(number.group(1)) if number else _ORDINALS[ordinal.group(1)]
        return "rep", {"rep_number": rep}
    if _has(text, "fix", "correct", "improve", "get better", "work on", "drill", "cue"):
        return "fix", {"issue_type": text}
    if _has(text, "when", "where", "which frame", "frames", "what time"):
        return "when", {"issue_type": text}
    if _has(text, "score", "rating", "points", "why did i get", "out of 10"):
        return "score", {}
    if _has(text, "mean", "what is", "what's", "what does", "explain", "define") and _has(
        text, *_METRIC_WORDS
    ):
        return "metric", {"metric_name": text}
    if _has(text, *_METRIC_WORDS) and _has(text, "each rep", "per rep", "every rep", "series"):
        return "metric", {"metric_name": text}
    if _has(text, "how do i do", "how to do", "technique", "what is a", "what is the exercise"):
        return "exercise", {}
    if _has(text, "how did i do", "summary", "result", "overall", "how was", "feedback"):
        return "result", {}
    return "unknown", {}


def _last_user_turn(llm_request: LlmRequest) -> tuple[str, dict[str, list[dict]]]:
    """The last user text, and the tool results received since (name -> responses)."""
    contents = llm_request.contents or []
    start = 0
    message = ""
    for n, content in enumerate(contents):
        texts = [p.text for p in content.parts or [] if p.text]
        if content.role == "user" and texts and not any(p.function_response for p in content.parts):
            start, message = n, " ".join(texts)
    results: dict[str, list[dict]] = {}
    for content in contents[start + 1 :]:
        for part in content.parts or []:
            if part.function_response:
                response = part.function_response.response or {}
                results.setdefault(part.function_response.name, []).append(dict(response))
    return message, results


def _call(name: str, **args: Any) -> types.Part:
    return types.Part(function_call=types.FunctionCall(name=name, args=args))


def _n(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _missing(result: dict) -> str | None:
    if result.get("status") in ("not_found", "error", "no_history"):
        return str(result.get("message") or "I don't have that information.")
    return None


def _plan(intent: str, args: dict, results: dict[str, list[dict]]) -> types.Part | str:
    """The next function call for an intent, or the final answer once results are in."""
    done = set(results)
    if intent == "unknown":
        return "I can't answer that from your analysis data. " + CAPABILITIES
    if intent == "result":
        if "get_analysis_result" not in done:
            return _call("get_analysis_result")
        return _answer_result(results["get_analysis_result"][-1])
    if intent == "score":
        if "get_score_breakdown" not in done:
            return _call("get_score_breakdown")
        return _answer_score(results["get_score_breakdown"][-1])
    if intent == "rank_reps":
        if "get_score_breakdown" not in done:
            return _call("get_score_breakdown")
        breakdown = results["get_score_breakdown"][-1]
        if _missing(breakdown):
            return _missing(breakdown)
        rep = breakdown.get("bestRep") if args["best"] else breakdown.get("worstRep")
        if rep is None:
            if not breakdown.get("penaltyByRep"):
                return "No individual reps were counted in this set, so I can't rank them."
            return "No rep lost points for form in this set, so none stands out as the worst."
        if "get_rep" not in done:
            return _call("get_rep", rep_number=rep)
        return _answer_ranked(breakdown, results["get_rep"][-1], args["best"])
    if intent == "rep":
        if "get_rep" not in done:
            return _call("get_rep", rep_number=args["rep_number"])
        return _answer_rep(results["get_rep"][-1])
    if intent in ("fix", "when"):
        frames = results.get("get_fault_frames", [])
        if not frames:
            return _call("get_fault_frames", issue_type=args["issue_type"])
        last = frames[-1]
        detected = last.get("detectedIssues") or []
        if last.get("status") == "not_found" and detected and len(frames) == 1:
            # No fault named: talk about the most important detected one.
            return _call("get_fault_frames", issue_type=detected[0])
        if _missing(last):
            return _missing(last)
        return _answer_fix(last) if intent == "fix" else _answer_when(last)
    if intent == "metric":
        if "describe_exercise" not in done:
            return _call("describe_exercise", topic=args["metric_name"])
        if "get_metric_series" not in done:
            return _call("get_metric_series", metric_name=args["metric_name"])
        return _answer_metric(results["describe_exercise"][-1], results["get_metric_series"][-1])
    if intent == "exercise":
        if "describe_exercise" not in done:
            return _call("describe_exercise", topic="")
        return _answer_exercise(results["describe_exercise"][-1])
    if intent == "history":
        if "compare_with_history" not in done:
            return _call("compare_with_history")
        return _answer_history(results["compare_with_history"][-1])
    return CAPABILITIES


def _answer_result(r: dict) -> str:
    if _missing(r):
        return _missing(r)
    rated = isinstance(r.get("overallScore"), int | float)
    if rated:
        parts = [f"Your {r.get('exercise')} set scored {_n(r.get('overallScore'))} out of 10"]
    else:
        parts = [f"Your {r.get('exercise')} set was not rated"]
    if r.get("repCount") is not None:
        parts[0] += f" over {r['repCount']} rep{'s' if r['repCount'] != 1 else ''}"
    if not rated and r.get("unratedReason"):
        parts[0] += f": {str(r['unratedReason']).rstrip('.')}"
    parts[0] += "."
    issues = r.get("issues") or []
    if issues:
        names = list(dict.fromkeys(str(i["type"]) for i in issues))
        parts.append(f"Detected: {_fmt_list(names)}.")
        parts.append(f"The main cue: {issues[0].get('coachingCue')}")
    elif rated:
        parts.append("No form issues were detected.")
    return " ".join(parts)


def _answer_score(b: dict) -> str:
    if _missing(b):
        return _missing(b)
    penalties = b.get("penalties") or []
    if not isinstance(b.get("score"), int | float):
        return "This set was not rated, so it has no score to break down."
    if not penalties:
        return (
            f"Your score is {_n(b.get('score'))} out of 10: no form issue was detected, so "
            "nothing was deducted."
        )
    lines = [f"Your score is {_n(b.get('score'))} out of 10. Points were deducted for:"]
    for p in penalties:
        where = f" on rep{'s' if len(p['reps']) > 1 else ''} {_fmt_list(p['reps'])}"
        lines.append(
            f"- {p['issue']} ({p['severity']}){where if p['reps'] else ''}: -{_n(p['penalty'])}"
        )
    lines.append(f"The rule: {b.get('formula')}.")
    if not b.get("matchesStoredScore"):
        lines.append(
            "Note: re-adding these penalties gives "
            f"{_n(b.get('recomputedScore'))}, not the stored score, so part of the score "
            "comes from something I can't break down."
        )
    return "\n".join(lines)


def _answer_rep(r: dict) -> str:
    if _missing(r):
        return _missing(r)
    measures = ", ".join(
        f"{measure_label(k)} {_n(v)}" for k, v in (r.get("measures") or {}).items()
    )
    text = f"Rep {r['rep']} of {r.get('repCount')}"
    if r.get("startTime") is not None:
        text += f" ran from {_n(r['startTime'])} s to {_n(r.get('endTime'))} s"
    text += f": {measures}." if measures else "."
    issues = r.get("issues") or []
    if issues:
        text += " Issues on this rep: " + "; ".join(
            f"{i['type']} ({i['severity']}): {i['coachingCue']}" for i in issues
        )
    else:
        text += " No form issue was detected on this rep."
    return text


def _answer_ranked(b: dict, rep: dict, best: bool) -> str:
    if _missing(rep):
        return _missing(rep)
    which = "best" if best else "worst"
    reason = "it had the fewest form deductions" if best else "its form issues cost the most points"
    return f"Your {which} rep was rep {rep.get('rep')}: {reason}. " + _answer_rep(rep)


def _answer_fix(f: dict) -> str:
    first = f["instances"][0]
    issue_type = f["issueType"]
    reps = sorted({r for i in f["instances"] for r in i.get("reps") or []})
    where = f" (rep{'s' if len(reps) > 1 else ''} {_fmt_list(reps)})" if reps else ""
    text = f"{issue_type}{where}: {first.get('coachingCue')}"
    advice = for_issue(f.get("exercise"), issue_type)
    if advice:
        drills = [d[0].lower() + d[1:] for d in advice["drills"][:2]]
        text += f" To build the habit: {'; or '.join(drills)}."
    return text


def _answer_when(f: dict) -> str:
    parts = []
    for i in f["instances"]:
        frames = f"frames {i.get('frameStart')}–{i.get('frameEnd')}"
        if i.get("startTime") is not None:
            frames += f" ({_n(i['startTime'])}–{_n(i['endTime'])} s)"
        reps = i.get("reps") or []
        rep_text = f"rep{'s' if len(reps) > 1 else ''} {_fmt_list(reps)}, " if reps else ""
        parts.append(f"{rep_text}{frames}, {i.get('severity')}")
    return f"{f['issueType']} was detected at: " + "; ".join(parts) + "."


def _answer_metric(d: dict, s: dict) -> str:
    parts = []
    name = s.get("metric") if s.get("status") == "ok" else d.get("metric")
    meaning = (s.get("meaning") if s.get("status") == "ok" else None) or d.get("metricMeaning")
    if meaning:
        parts.append(f"{name or 'This metric'}: {meaning}")
    if s.get("status") == "ok":
        summary = s.get("summary")
        if summary:
            parts.append(
                f"In this set {summary.get('name')} was {summary.get('actual')} "
                f"(target {summary.get('target')}, {summary.get('status')})."
            )
        series = s.get("series") or []
        if series:
            values = ", ".join(f"rep {p['rep']}: {_n(p['value'])}" for p in series)
            parts.append(f"Rep by rep ({s.get('seriesOf')}): {values}.")
    elif not parts:
        return _missing(s) or "I don't have that metric for this set."
    return " ".join(parts) if parts else "I don't have that metric for this set."


def _answer_exercise(d: dict) -> str:
    if _missing(d):
        return _missing(d)
    text = f"{d.get('exercise')}: {d.get('description') or 'no description is available.'}"
    target = d.get("target") or {}
    if target.get("label") and target.get("value") is not None:
        text += f" Biome measures your {str(target['label']).lower()} against a target of "
        text += f"{_n(target['value'])}°."
    return text


def _answer_history(h: dict) -> str:
    if _missing(h):
        return _missing(h)
    c = h["comparison"]
    parts = []
    if c.get("scoreChange") is not None:
        trend = "up" if c["scoreChange"] > 0 else "down" if c["scoreChange"] < 0 else "unchanged"
        parts.append(
            f"Your score went {trend}: {_n(c['scoreBefore'])} last time, {_n(c['scoreNow'])} now."
        )
    if c.get("repCountBefore") is not None and c.get("repCountNow") is not None:
        parts.append(f"Reps: {c['repCountBefore']} then, {c['repCountNow']} now.")
    if c.get("resolvedIssues"):
        parts.append(f"No longer detected: {_fmt_list(c['resolvedIssues'])}.")
    if c.get("newIssues"):
        parts.append(f"New this time: {_fmt_list(c['newIssues'])}.")
    if c.get("persistingIssues"):
        parts.append(f"Still there: {_fmt_list(c['persistingIssues'])}.")
    changed = [m for m in c.get("metrics") or [] if m.get("now") != m.get("before")]
    if changed:
        parts.append(
            "Changed measures: "
            + "; ".join(f"{m['name']} {m['before']} → {m['now']}" for m in changed[:4])
            + "."
        )
    return " ".join(parts) or "Your last set and this one look the same."


class OfflineChatLlm(BaseLlm):
    """Deterministic chat "model" that answers from tool results (see the module doc)."""

    model: str = OFFLINE_CHAT_MODEL

    @classmethod
    def supported_models(cls) -> list[str]:
        """Model names this class serves in the LLM registry."""
        return [OFFLINE_CHAT_MODEL]

    @property
    def capabilities(self) -> LlmCapabilities:
        return LlmCapabilities(output_schema_and_tools=True)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        """Answers one model turn: the next tool call for the intent, or the final text."""
        message, results = _last_user_turn(llm_request)
        intent, args = intent_of(message)
        step = _plan(intent, args, results)
        part = step if isinstance(step, types.Part) else types.Part(text=step)
        if stream and part.text:
            # Streamed like a remote model: the answer a sentence at a time, then the whole.
            for sentence in sentences(part.text):
                yield LlmResponse(
                    content=types.Content(role="model", parts=[types.Part(text=sentence)]),
                    partial=True,
                    model_version=OFFLINE_CHAT_MODEL,
                )
        yield LlmResponse(
            content=types.Content(role="model", parts=[part]),
            partial=False,
            turn_complete=True,
            model_version=OFFLINE_CHAT_MODEL,
            custom_metadata={"biome_intent": intent},
        )


def sentences(text: str) -> list[str]:
    """The text cut after each sentence's end; the pieces join back to the text exactly."""
    return [piece for piece in re.split(r"(?<=[.!?])(?=\s)", text) if piece]


LLMRegistry.register(OfflineChatLlm)
