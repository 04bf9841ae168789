"""The chat agent's tools: plain functions over one person's analysis data.

`build_chat_tools(data)` returns the tools bound to a `CoachData` (see agents/chat/data.py);
with `data=None` each call reads the conversation's data from session state (evals, adk web).
The analysis being discussed is state["analysis_session_id"]; the person is the ADK session's
user. Every tool returns a dict: {"status": "ok", ...} or {"status": "not_found" | "error",
"message": ...} saying what is missing, so the model can say it does not know.

The stored report has per-rep measures (reps[].kneeAngleBottom, ...) and each issue's frame
range; per-frame angle series and keyframes are used when a report carries them
(issue["keyframes"], rep["series"]) and reported as unavailable otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from google.adk.tools.tool_context import ToolContext

from agents.chat.data import ANALYSIS_KEY, CHAT_DATA_KEY, CoachData, InlineCoachData
from agents.findings_format import severity_rank
from tools.report import UNRATED_REASON

# What each metric measures, by keyword of its name (first match wins).
GLOSSARY: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("consisten",),
        "How much the measure varied between your reps (± the spread); smaller means every rep "
        "looked the same.",
    ),
    (
        ("knee angle",),
        "The angle at your knee between thigh and shin, from the pose landmarks: 180° is a "
        "straight leg, smaller is more bent. At the bottom of a squat, about 90° means your "
        "thighs are parallel to the floor.",
    ),
    (
        ("hip angle",),
        "The angle at your hip between torso and thigh: 180° is standing tall, smaller means "
        "more hip bend.",
    ),
    (
        ("elbow angle",),
        "The angle at your elbow between upper arm and forearm: 180° is a straight arm.",
    ),
    (
        ("torso", "lean"),
        "How far your torso tips from vertical, in degrees.",
    ),
    (
        ("duration", "tempo"),
        "How long one repetition took, from the start of the movement back to the start position.",
    ),
    (("hold",), "How long you held the position, in seconds."),
    (("rep count", "reps"), "How many complete repetitions were counted."),
    (("symmetr",), "The difference between your left and right side."),
    (("range", "rom"), "How far the joint travelled during the rep."),
)

_FAULT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "depth": ("deep", "deeper", "depth", "shallow", "low", "lower", "parallel", "bottom"),
    "lean": ("lean", "leaning", "chest", "torso", "forward"),
    "valgus": ("valgus", "cave", "caving", "knees in", "knee"),
    "sag": ("sag", "sagging", "hips", "dip"),
    "lockout": ("lockout", "lock", "extend", "extension"),
    "swing": ("swing", "momentum", "kip", "kipping"),
}

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", str(text or "").lower()))


def measure_label(key: str) -> str:
    """'kneeAngleBottom' -> 'knee angle bottom', 'durationS' -> 'duration (s)'."""
    label = _CAMEL.sub(" ", key).lower()
    return label[:-2] + " (s)" if label.endswith(" s") else label


def glossary(name: str) -> str | None:
    """What a metric means, or None when it is not a known kind of measure."""
    lowered = str(name or "").lower()
    for keywords, meaning in GLOSSARY:
        if any(k in lowered for k in keywords):
            return meaning
    return None


def issue_reps(issue: dict, reps: list[dict]) -> list[int]:
    """The reps an issue touches: its own list, else those its frame range overlaps."""
    if issue.get("reps"):
        return [int(r) for r in issue["reps"]]
    start, end = issue.get("frameStart"), issue.get("frameEnd")
    if start is None or end is None:
        return []
    return [
        int(r["index"])
        for r in reps
        if r.get("startFrame") is not None
        and r["startFrame"] <= end
        and r.get("endFrame", r["startFrame"]) >= start
    ]


def match_issue_types(query: str, issues: list[dict]) -> list[str]:
    """The detected issue types a user's words refer to (exact name, words or synonyms)."""
    types_ = list(dict.fromkeys(str(i.get("type")) for i in issues if i.get("type")))
    lowered = str(query or "").lower()
    exact = [t for t in types_ if t.lower() in lowered or lowered.strip() == t.lower()]
    if exact:
        return exact
    asked = _words(query)
    found = []
    for issue_type in types_:
        type_words = _words(issue_type)
        if asked & type_words - {"of", "the", "a"}:
            found.append(issue_type)
            continue
        for key, synonyms in _FAULT_SYNONYMS.items():
            if key in issue_type.lower() and any(s in lowered for s in synonyms):
                found.append(issue_type)
                break
    return found


def _fps(report: dict) -> float | None:
    fps = (report.get("video") or {}).get("fps")
    return float(fps) if isinstance(fps, int | float) and fps > 0 else None


def _rep_measures(rep: dict) -> dict[str, float]:
    skip = {"index", "startFrame", "endFrame", "bottomFrame", "peakFrame"}
    return {
        k: v
        for k, v in rep.items()
        if k not in skip and isinstance(v, int | float) and not isinstance(v, bool)
    }


def score_breakdown(report: dict) -> dict:
    """The score's penalties per issue and per rep, recomputed with tools.scoring's formula."""
    from tools.scoring import SEVERITY_PENALTY

    reps = report.get("reps") or []
    rep_count = report.get("repCount") or 0
    penalties, per_rep = [], {int(r["index"]): 0.0 for r in reps if "index" in r}
    for issue in report.get("issues") or []:
        touched = issue_reps(issue, reps)
        share = len(touched) / rep_count if touched and rep_count > 0 else 1.0
        share = min(share, 1.0)
        severity = str(issue.get("severity") or "minor")
        penalty = round(SEVERITY_PENALTY.get(severity, 1.5) * share, 2)
        penalties.append(
            {
                "issue": issue.get("type"),
                "severity": severity,
                "reps": touched,
                "share": round(share, 3),
                "penalty": penalty,
            }
        )
        for rep in touched:
            if rep in per_rep:
                per_rep[rep] = round(per_rep[rep] + SEVERITY_PENALTY.get(severity, 1.5), 2)
    stored = report.get("overallScore")
    worst = max(per_rep, key=lambda r: (per_rep[r], -r)) if per_rep else None
    best = min(per_rep, key=lambda r: (per_rep[r], r)) if per_rep else None
    if not isinstance(stored, int | float):
        # Not rated: there is no score to explain, and recomputing one would invent it.
        return {
            "score": None,
            "rated": False,
            "unratedReason": report.get("unratedReason") or UNRATED_REASON,
            "penalties": penalties,
            "penaltyByRep": [{"rep": r, "penalty": p} for r, p in per_rep.items()],
            "worstRep": worst if worst is not None and per_rep[worst] > 0 else None,
            "bestRep": best,
        }
    computed = round(min(10.0, max(0.0, 10.0 - sum(p["penalty"] for p in penalties))), 1)
    return {
        "score": stored,
        "rated": True,
        "maximum": 10,
        "formula": (
            "10 minus, for each issue, its severity penalty (minor 1.5, moderate 3, severe 5) "
            "times the share of reps it affects"
        ),
        "penalties": penalties,
        "totalPenalty": round(sum(p["penalty"] for p in penalties), 2),
        "recomputedScore": computed,
        "matchesStoredScore": isinstance(stored, int | float) and abs(stored - computed) < 0.11,
        "penaltyByRep": [{"rep": r, "penalty": p} for r, p in per_rep.items()],
        "worstRep": worst if worst is not None and per_rep[worst] > 0 else None,
        "bestRep": best,
    }


def _compare(current: dict, previous: dict) -> dict:
    cur, prev = current["report"], previous["report"]
    cur_types = {str(i.get("type")) for i in cur.get("issues") or []}
    prev_types = {str(i.get("type")) for i in prev.get("issues") or []}
    metrics = []
    prev_metrics = {m.get("name"): m for m in prev.get("metrics") or []}
    for metric in cur.get("metrics") or []:
        before = prev_metrics.get(metric.get("name"))
        if before is not None:
            metrics.append(
                {
                    "name": metric.get("name"),
                    "now": metric.get("actual"),
                    "before": before.get("actual"),
                    "statusNow": metric.get("status"),
                    "statusBefore": before.get("status"),
                }
            )
    score_now, score_before = cur.get("overallScore"), prev.get("overallScore")
    change = None
    if isinstance(score_now, int | float) and isinstance(score_before, int | float):
        change = round(score_now - score_before, 1)
    return {
        "previousSessionId": previous["session"].get("id"),
        "previousDate": previous["session"].get("createdAt"),
        "scoreNow": score_now,
        "scoreBefore": score_before,
        "scoreChange": change,
        # Why a score above is null (that set was not rated), so nobody compares a missing one.
        "unratedNow": cur.get("unratedReason") if score_now is None else None,
        "unratedBefore": prev.get("unratedReason") if score_before is None else None,
        "repCountNow": cur.get("repCount"),
        "repCountBefore": prev.get("repCount"),
        "resolvedIssues": sorted(prev_types - cur_types),
        "newIssues": sorted(cur_types - prev_types),
        "persistingIssues": sorted(cur_types & prev_types),
        "metrics": metrics,
    }


def build_chat_tools(data: CoachData | None = None) -> list[Callable[..., Any]]:
    """The chat tools, bound to a data source.

    Args:
        data: Where the person's analyses come from; None reads them from session state
            (state["chat_data"], see agents/chat/data.py).

    Returns:
        Async functions for an LlmAgent's `tools`.
    """

    def source(tool_context: ToolContext) -> CoachData:
        return data if data is not None else InlineCoachData(tool_context.state.get(CHAT_DATA_KEY))

    async def current(tool_context: ToolContext) -> tuple[dict | None, dict]:
        session_id = str(tool_context.state.get(ANALYSIS_KEY) or "")
        analysis = await source(tool_context).analysis(tool_context.user_id, session_id)
        if analysis is None:
            return None, {
                "status": "not_found",
                "message": "No completed analysis is attached to this conversation.",
            }
        return analysis, {}

    async def get_analysis_result(tool_context: ToolContext) -> dict:
        """Gets the result of the analysed set this conversation is about.

        Use it for "how did I do", for the summary, and to learn which issues were found.

        Returns:
            {"status": "ok", "exercise", "date", "overallScore" (0-10, or null when the set
            could not be rated), "unratedReason" (why, else null), "repCount", "summary",
            "issues": [{type, severity, reps, share, measured, frameStart, frameEnd,
            coachingCue}] most severe
            first, "metrics": [{name, actual, target, status}], "strengths",
            "recommendations", "notices", "coach"} or {"status": "not_found", "message"}.
        """
        analysis, missing = await current(tool_context)
        if analysis is None:
            return missing
        report = analysis["report"]
        reps = report.get("reps") or []
        return {
            "status": "ok",
            "exercise": report.get("exercise") or analysis["session"].get("exerciseName"),
            "date": analysis["session"].get("createdAt"),
            "overallScore": report.get("overallScore"),
            "unratedReason": report.get("unratedReason"),
            "repCount": report.get("repCount"),
            "summary": report.get("summary"),
            "issues": [
                {
                    "type": i.get("type"),
                    "severity": i.get("severity"),
                    "reps": issue_reps(i, reps),
                    "share": i.get("share"),
                    "measured": i.get("measured") or {},
                    "frameStart": i.get("frameStart"),
                    "frameEnd": i.get("frameEnd"),
                    "coachingCue": i.get("coachingCue"),
                }
                for i in report.get("issues") or []
            ],
            "metrics": report.get("metrics") or [],
            "strengths": report.get("strengths") or [],
            "recommendations": report.get("recommendations") or [],
            "notices": report.get("notices") or [],
            "coach": report.get("coach"),
        }

    async def get_rep(rep_number: int, tool_context: ToolContext) -> dict:
        """Gets the measurements of one repetition of the set.

        Args:
            rep_number: The rep's number, counting from 1.

        Returns:
            {"status": "ok", "rep": number, "startTime"/"endTime" (s), "startFrame",
            "endFrame", "measures": {name: value} (e.g. kneeAngleBottom in degrees),
            "issues": [{type, severity, coachingCue}] found on this rep} or
            {"status": "not_found", "message", "repCount"} when there is no such rep.
        """
        analysis, missing = await current(tool_context)
        if analysis is None:
            return missing
        report = analysis["report"]
        reps = report.get("reps") or []
        rep = next((r for r in reps if r.get("index") == rep_number), None)
        if rep is None:
            return {
                "status": "not_found",
                "message": f"There is no rep {rep_number}; the set has {len(reps)} reps.",
                "repCount": len(reps),
            }
        issues = [
            {
                "type": i.get("type"),
                "severity": i.get("severity"),
                "coachingCue": i.get("coachingCue"),
            }
            for i in report.get("issues") or []
            if rep_number in issue_reps(i, reps)
        ]
        measures = _rep_measures(rep)
        return {
            "status": "ok",
            "rep": rep_number,
            "repCount": len(reps),
            "startFrame": rep.get("startFrame"),
            "endFrame": rep.get("endFrame"),
            "startTime": measures.pop("startTime", None),
            "endTime": measures.pop("endTime", None),
            "measures": measures,
            "issues": issues,
        }

    async def get_metric_series(metric_name: str, tool_context: ToolContext) -> dict:
        """Gets one measure rep by rep (its series over the set) and its summary row.

        Args:
            metric_name: The metric, e.g. "knee angle", "Rep Duration", "depth".

        Returns:
            {"status": "ok", "metric", "summary": {name, actual, target, status} or None,
            "series": [{"rep", "value"}], "min", "max", "meaning"} or
            {"status": "not_found", "message", "available": [names]}.
        """
        analysis, missing = await current(tool_context)
        if analysis is None:
            return missing
        report = analysis["report"]
        reps = report.get("reps") or []
        named = _words(metric_name) - {"the", "my", "of", "a", "per", "rep", "reps", "each"}
        asked = named | ({"knee", "angle", "bottom"} if "depth" in named else set())
        keys = list(dict.fromkeys(k for r in reps for k in _rep_measures(r)))
        keys = [k for k in keys if k not in ("startTime", "endTime")]
        scored = sorted(
            ((len(asked & _words(measure_label(k))), k) for k in keys), key=lambda x: -x[0]
        )
        key = scored[0][1] if scored and scored[0][0] > 0 else None
        metrics = report.get("metrics") or []
        summary = None
        best = 0
        for metric in metrics:
            overlap = len(named & _words(metric.get("name")))
            if overlap > best:
                best, summary = overlap, metric
        if key is None and summary is None:
            return {
                "status": "not_found",
                "message": f"No measure called {metric_name!r} was recorded for this set.",
                "available": [m.get("name") for m in metrics] + [measure_label(k) for k in keys],
            }
        result: dict[str, Any] = {
            "status": "ok",
            "metric": summary.get("name") if summary else measure_label(key),
            "summary": summary,
            "meaning": glossary(summary.get("name") if summary else measure_label(key)),
        }
        if key:
            series = [{"rep": r.get("index"), "value": r[key]} for r in reps if key in r]
            values = [s["value"] for s in series]
            result.update(
                seriesOf=measure_label(key), series=series, min=min(values), max=max(values)
            )
        else:
            result.update(series=[], note="This metric is not recorded rep by rep.")
        return result

    async def get_fault_frames(issue_type: str, tool_context: ToolContext) -> dict:
        """Gets where a detected form fault happened: frames, times, reps and its cue.

        Args:
            issue_type: The fault, by its name or in the person's words (e.g. "depth").

        Returns:
            {"status": "ok", "exercise", "issueType", "instances": [{severity, reps, frameStart,
            frameEnd, startTime, endTime, confidenceScore, coachingCue, keyframes?}]} or
            {"status": "not_found", "message", "detectedIssues": [types]} when no detected
            fault matches.
        """
        analysis, missing = await current(tool_context)
        if analysis is None:
            return missing
        report = analysis["report"]
        issues = report.get("issues") or []
        matched = match_issue_types(issue_type, issues)
        if not matched:
            detected = list(dict.fromkeys(str(i.get("type")) for i in issues))
            return {
                "status": "not_found",
                "message": (
                    f"No fault matching {issue_type!r} was detected in this set."
                    if detected
                    else "No form faults were detected in this set."
                ),
                "detectedIssues": detected,
            }
        fps = _fps(report)
        reps = report.get("reps") or []
        instances = []
        for issue in sorted(
            (i for i in issues if str(i.get("type")) == matched[0]),
            key=lambda i: (severity_rank(i.get("severity")), i.get("frameStart") or 0),
        ):
            instance = {
                "severity": issue.get("severity"),
                "reps": issue_reps(issue, reps),
                "frameStart": issue.get("frameStart"),
                "frameEnd": issue.get("frameEnd"),
                "confidenceScore": issue.get("confidenceScore"),
                "coachingCue": issue.get("coachingCue"),
            }
            if fps and issue.get("frameStart") is not None:
                instance["startTime"] = round(issue["frameStart"] / fps, 1)
                instance["endTime"] = round(issue["frameEnd"] / fps, 1)
            if issue.get("keyframes"):
                instance["keyframes"] = issue["keyframes"]
            instances.append(instance)
        exercise = report.get("exercise") or analysis["session"].get("exerciseName")
        return {
            "status": "ok",
            "exercise": exercise,
            "issueType": matched[0],
            "instances": instances,
        }

    async def get_score_breakdown(tool_context: ToolContext) -> dict:
        """Explains the 0-10 form score: which issues cost how many points, rep by rep.

        Returns:
            {"status": "ok", "score", "rated": true, "formula", "penalties": [{issue,
            severity, reps, share, penalty}], "totalPenalty", "recomputedScore",
            "matchesStoredScore", "penaltyByRep": [{rep, penalty}], "worstRep" (None when no
            rep lost points), "bestRep"}; for a set that could not be rated {"status": "ok",
            "score": null, "rated": false, "unratedReason", "penalties", "penaltyByRep",
            "worstRep", "bestRep"}; or {"status": "not_found", "message"}.
        """
        analysis, missing = await current(tool_context)
        if analysis is None:
            return missing
        return {"status": "ok", **score_breakdown(analysis["report"])}

    async def describe_exercise(topic: str, tool_context: ToolContext) -> dict:
        """Describes the analysed exercise, its target, and what a metric means.

        Args:
            topic: What to explain: a metric name (e.g. "depth consistency") or "" for the
                exercise itself.

        Returns:
            {"status": "ok", "exercise", "category", "description", "target": {label, value,
            mode}, "metricMeaning": text or None, "metric": the metric's name or None}.
        """
        from tools.exercises import resolve_exercise

        analysis, missing = await current(tool_context)
        if analysis is None:
            return missing
        name = analysis["report"].get("exercise") or analysis["session"].get("exerciseName")
        exercise = resolve_exercise(str(name or ""))
        metrics = analysis["report"].get("metrics") or []
        asked = _words(topic)
        metric = max(metrics, key=lambda m: len(asked & _words(m.get("name"))), default=None)
        if metric is not None and not asked & _words(metric.get("name")):
            metric = None
        meaning = glossary(metric.get("name") if metric else topic) if topic else None
        result: dict[str, Any] = {
            "status": "ok",
            "exercise": name,
            "metric": metric.get("name") if metric else None,
            "metricMeaning": meaning,
        }
        if exercise is not None:
            profile = exercise.profile
            result.update(
                category=exercise.category,
                description=exercise.description,
                target={
                    "label": getattr(profile, "label", ""),
                    "value": getattr(profile, "target", None),
                    "mode": getattr(profile, "mode", None),
                },
            )
        return result

    async def compare_with_history(tool_context: ToolContext) -> dict:
        """Compares this set with the person's earlier analyses of the same exercise.

        Returns:
            {"status": "ok", "comparison": {previousDate, scoreNow, scoreBefore, scoreChange,
            repCountNow, repCountBefore, resolvedIssues, newIssues, persistingIssues,
            metrics: [{name, now, before}]}, "history": [{date, overallScore (null: not
            rated), repCount, issues}] newest first} or {"status": "no_history", "message"}
            for a first set.
        """
        analysis, missing = await current(tool_context)
        if analysis is None:
            return missing
        exercise = analysis["report"].get("exercise") or analysis["session"].get("exerciseName")
        past = await source(tool_context).history(
            tool_context.user_id, str(exercise), str(analysis["session"].get("id")), 5
        )
        if not past:
            return {
                "status": "no_history",
                "message": f"This is the first analysed {exercise} set, so there is nothing "
                "earlier to compare with.",
            }
        return {
            "status": "ok",
            "comparison": _compare(analysis, past[0]),
            "history": [
                {
                    "date": p["session"].get("createdAt"),
                    "overallScore": p["report"].get("overallScore"),
                    "repCount": p["report"].get("repCount"),
                    "issues": sorted({str(i.get("type")) for i in p["report"].get("issues") or []}),
                }
                for p in past
            ],
        }

    return [
        get_analysis_result,
        get_rep,
        get_metric_series,
        get_fault_frames,
        get_score_breakdown,
        describe_exercise,
        compare_with_history,
    ]


TOOL_NAMES = (
    "get_analysis_result",
    "get_rep",
    "get_metric_series",
    "get_fault_frames",
    "get_score_breakdown",
    "describe_exercise",
    "compare_with_history",
)
