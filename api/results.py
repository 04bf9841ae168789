"""Results: written in one transaction when an analysis completes, and read back in the
shape of ``GET /analysis/sessions/{id}/results``.

``results_payload`` is the single definition of that shape; the CLI's ``--json`` prints it for a
report that never touched the database, the endpoint for one read back from the rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from api.tables import (
    AnalysisResult,
    AnalysisSession,
    FormIssue,
    Metric,
    Recommendation,
    Strength,
)


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def num(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _issue(issue: dict) -> dict:
    return {
        "type": issue["type"],
        "severity": issue["severity"],
        "frameStart": int(issue["frameStart"]),
        "frameEnd": int(issue["frameEnd"]),
        "coachingCue": issue["coachingCue"],
        "confidenceScore": num(round(issue["confidenceScore"], 2))
        if issue.get("confidenceScore") is not None
        else None,
    }


def _metric(metric: dict) -> dict:
    return {k: metric[k] for k in ("name", "actual", "target", "status")}


# Report parts kept whole in the result's JSON ``details`` column.
DETAIL_KEYS = ("camera", "bodyInFrame", "subject", "hold", "keyframes", "series")


def results_payload(session: dict, report: dict) -> dict:
    """The ``data`` object of the results endpoint.

    ``session`` has the spec's session fields (id, exerciseName, videoUrl, createdAt); ``report``
    is what the analysis pipeline returns (or its round trip through the tables).
    """
    return {
        "session": {
            "id": session["id"],
            "exerciseName": session["exerciseName"],
            "videoUrl": session["videoUrl"],
            "createdAt": session["createdAt"],
        },
        "result": {
            "overallScore": round(float(report["overallScore"]), 1),
            "totalFrames": int(report["totalFrames"]),
            "processingTime": round(float(report["processingTime"]), 2),
            "repCount": report.get("repCount"),
            "exercise": report.get("exercise"),
            "coach": report.get("coach"),
            "summary": report.get("summary"),
            "video": report.get("video"),
            "camera": report.get("camera"),
            "bodyInFrame": report.get("bodyInFrame"),
            "hold": report.get("hold"),
        },
        "issues": [_issue(i) for i in report.get("issues", [])],
        "metrics": [_metric(m) for m in report.get("metrics", [])],
        "strengths": list(report.get("strengths", [])),
        "recommendations": list(report.get("recommendations", [])),
        "reps": list(report.get("reps", [])),
        "checks": list(report.get("checks", [])),
        "notices": list(report.get("notices", [])),
        "keyframes": [_keyframe(k) for k in report.get("keyframes") or []],
    }


def _keyframe(keyframe: dict) -> dict:
    fields = ("kind", "frame", "rep", "issueType", "label", "angle", "width", "height", "url")
    return {k: keyframe.get(k) for k in fields}


async def save_report(session_id: uuid.UUID, report: dict) -> uuid.UUID:
    """Write the result and its child rows and mark the session completed, atomically."""
    result_id = uuid.uuid4()
    details = {
        **{k: report[k] for k in DETAIL_KEYS if k in report},
        "video": report.get("video"),
        "checks": report.get("checks", []),
        "notices": report.get("notices", []),
    }
    async with AnalysisResult._meta.db.transaction():
        await AnalysisResult.insert(
            AnalysisResult(
                id=result_id,
                session_id=session_id,
                overall_score=Decimal(str(round(float(report["overallScore"]), 1))),
                total_frames=int(report["totalFrames"]),
                processing_time=Decimal(str(round(float(report["processingTime"]), 2))),
                exercise=report.get("exercise"),
                rep_count=report.get("repCount"),
                coach=report.get("coach"),
                summary=report.get("summary"),
                reps=report.get("reps", []),
                details=details,
            )
        )
        rows = [
            FormIssue(
                result_id=result_id,
                issue_type=i["type"],
                severity=i["severity"],
                frame_start=int(i["frameStart"]),
                frame_end=int(i["frameEnd"]),
                coaching_cue=i["coachingCue"],
                confidence_score=None
                if i.get("confidenceScore") is None
                else Decimal(str(round(float(i["confidenceScore"]), 2))),
                position=n,
            )
            for n, i in enumerate(report.get("issues", []))
        ]
        if rows:
            await FormIssue.insert(*rows)
        rows = [
            Metric(
                result_id=result_id,
                metric_name=m["name"],
                actual_value=str(m["actual"]),
                target_value=str(m["target"]),
                status=m["status"],
                position=n,
            )
            for n, m in enumerate(report.get("metrics", []))
        ]
        if rows:
            await Metric.insert(*rows)
        rows = [
            Strength(result_id=result_id, strength_text=s, position=n)
            for n, s in enumerate(report.get("strengths", []))
        ]
        if rows:
            await Strength.insert(*rows)
        rows = [
            Recommendation(result_id=result_id, recommendation_text=r, priority=n)
            for n, r in enumerate(report.get("recommendations", []), start=1)
        ]
        if rows:
            await Recommendation.insert(*rows)
        await AnalysisSession.update(
            {
                AnalysisSession.status: "completed",
                AnalysisSession.completed_at: dt.datetime.now(dt.UTC),
                AnalysisSession.error_message: None,
                AnalysisSession.error_code: None,
            }
        ).where(AnalysisSession.id == session_id)
    return result_id


async def load_report(session_id: uuid.UUID) -> tuple[dict, dict] | None:
    """(result row, report) for a completed session, rebuilt from the tables."""
    result = (
        await AnalysisResult.select()
        .where(AnalysisResult.session_id == session_id)
        .output(load_json=True)
        .first()
    )
    if result is None:
        return None
    rid = result["id"]
    issues = await FormIssue.select().where(FormIssue.result_id == rid).order_by(FormIssue.position)
    metrics = await Metric.select().where(Metric.result_id == rid).order_by(Metric.position)
    strengths = await Strength.select().where(Strength.result_id == rid).order_by(Strength.position)
    recommendations = (
        await Recommendation.select()
        .where(Recommendation.result_id == rid)
        .order_by(Recommendation.priority)
    )
    details = result["details"] or {}
    report = {
        "overallScore": num(result["overall_score"]),
        "totalFrames": result["total_frames"],
        "processingTime": num(result["processing_time"]) or 0.0,
        "repCount": result["rep_count"],
        "exercise": result["exercise"],
        "coach": result["coach"],
        "summary": result["summary"],
        **{k: details[k] for k in DETAIL_KEYS if k in details},
        "video": details.get("video"),
        "checks": details.get("checks", []),
        "notices": details.get("notices", []),
        "reps": result["reps"] or [],
        "issues": [
            {
                "type": i["issue_type"],
                "severity": i["severity"],
                "frameStart": i["frame_start"],
                "frameEnd": i["frame_end"],
                "coachingCue": i["coaching_cue"],
                "confidenceScore": num(i["confidence_score"]),
            }
            for i in issues
        ],
        "metrics": [
            {
                "name": m["metric_name"],
                "actual": m["actual_value"],
                "target": m["target_value"],
                "status": m["status"],
            }
            for m in metrics
        ],
        "strengths": [s["strength_text"] for s in strengths],
        "recommendations": [r["recommendation_text"] for r in recommendations],
    }
    return result, report
