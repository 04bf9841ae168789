"""Results: a `tools.report.Report` written in one transaction when an analysis completes, and
read back into the same model.

The results endpoint shows it as `tools.report.ResultsPayload` (`results_payload`); the CLI's
``--json`` prints the same payload for a report that never touched the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal

from api.tables import (
    AnalysisResult,
    AnalysisSession,
    FormIssue,
    Metric,
    Recommendation,
    Strength,
)
from tools.report import UNRATED_REASON, Issue, Keyframe, Report
from tools.report import Metric as MetricModel
from tools.report import results_payload as payload_model


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def num(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _decimal(value: float | None, places: int) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), places)))


# Report parts kept whole in the result's JSON ``details`` column.
DETAIL_KEYS = (
    "camera",
    "bodyInFrame",
    "subject",
    "hold",
    "keyframes",
    "series",
    "video",
    "checks",
    "notices",
    "recognition",
)
# Issue and metric fields beyond the spec's columns, kept in each row's ``details``.
ISSUE_DETAILS = ("reps", "share", "measured", "rule")
METRIC_DETAILS = ("value", "unit")


def complete_event(result_id: str, score: float | None, unrated_reason: str | None) -> dict:
    """The ``analysis_complete`` event: sent live, and again to a client that connects later."""
    return {
        "type": "analysis_complete",
        "data": {
            "resultId": result_id,
            "overallScore": score,
            "unratedReason": unrated_reason if score is None else None,
        },
    }


def as_report(report: Report | dict) -> Report:
    return report if isinstance(report, Report) else Report.model_validate(report)


def results_payload(
    session: dict,
    report: Report | dict,
    keyframe_url: Callable[[Keyframe], str | None] | None = None,
) -> dict:
    """The ``data`` object of the results endpoint (tools.report.ResultsPayload as JSON).

    ``session`` has the spec's session fields (id, exerciseName, videoUrl, createdAt); ``report``
    is what the analysis pipeline returns (or its round trip through the tables).
    """
    return payload_model(session, as_report(report), keyframe_url).model_dump(mode="json")


async def save_report(session_id: uuid.UUID, report: Report | dict) -> uuid.UUID:
    """Write the result and its child rows and mark the session completed, atomically."""
    report = as_report(report)
    result_id = uuid.uuid4()
    details = report.model_dump(mode="json", include=set(DETAIL_KEYS), exclude_none=True)
    async with AnalysisResult._meta.db.transaction():
        # A re-analysis replaces the session's earlier result (its child rows cascade), so a
        # session has one result, and the old one stays in place until this commits.
        await AnalysisResult.delete().where(AnalysisResult.session_id == session_id)
        await AnalysisResult.insert(
            AnalysisResult(
                id=result_id,
                session_id=session_id,
                overall_score=_decimal(report.overallScore, 1),
                unrated_reason=report.unratedReason if report.overallScore is None else None,
                total_frames=report.totalFrames,
                processing_time=_decimal(report.processingTime, 2),
                exercise=report.exercise,
                rep_count=report.repCount,
                coach=report.coach,
                summary=report.summary,
                reps=[r.model_dump(mode="json") for r in report.reps],
                details=details,
            )
        )
        rows = [
            FormIssue(
                result_id=result_id,
                issue_type=i.type,
                severity=i.severity,
                frame_start=i.frameStart,
                frame_end=i.frameEnd,
                coaching_cue=i.coachingCue,
                confidence_score=_decimal(i.confidenceScore, 2),
                position=n,
                details=i.model_dump(mode="json", include=set(ISSUE_DETAILS)),
            )
            for n, i in enumerate(report.issues)
        ]
        if rows:
            await FormIssue.insert(*rows)
        rows = [
            Metric(
                result_id=result_id,
                metric_name=m.name,
                actual_value=m.actual,
                target_value=m.target,
                status=m.status,
                position=n,
                details=m.model_dump(mode="json", include=set(METRIC_DETAILS)),
            )
            for n, m in enumerate(report.metrics)
        ]
        if rows:
            await Metric.insert(*rows)
        rows = [
            Strength(result_id=result_id, strength_text=s, position=n)
            for n, s in enumerate(report.strengths)
        ]
        if rows:
            await Strength.insert(*rows)
        rows = [
            Recommendation(result_id=result_id, recommendation_text=r, priority=n)
            for n, r in enumerate(report.recommendations, start=1)
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


async def load_report(session_id: uuid.UUID) -> tuple[dict, Report] | None:
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
    issues = (
        await FormIssue.select()
        .where(FormIssue.result_id == rid)
        .order_by(FormIssue.position)
        .output(load_json=True)
    )
    metrics = (
        await Metric.select()
        .where(Metric.result_id == rid)
        .order_by(Metric.position)
        .output(load_json=True)
    )
    strengths = await Strength.select().where(Strength.result_id == rid).order_by(Strength.position)
    recommendations = (
        await Recommendation.select()
        .where(Recommendation.result_id == rid)
        .order_by(Recommendation.priority)
    )
    details = result["details"] or {}
    report = Report(
        **{k: details[k] for k in DETAIL_KEYS if k in details},
        overallScore=num(result["overall_score"]),
        unratedReason=None
        if result["overall_score"] is not None
        else result["unrated_reason"] or UNRATED_REASON,
        totalFrames=result["total_frames"],
        processingTime=num(result["processing_time"]) or 0.0,
        repCount=result["rep_count"],
        exercise=result["exercise"],
        coach=result["coach"],
        summary=result["summary"],
        reps=result["reps"] or [],
        issues=[
            Issue(
                **(i["details"] or {}),
                type=i["issue_type"],
                severity=i["severity"],
                frameStart=i["frame_start"],
                frameEnd=i["frame_end"],
                coachingCue=i["coaching_cue"],
                confidenceScore=num(i["confidence_score"]),
            )
            for i in issues
        ],
        metrics=[
            MetricModel(
                **(m["details"] or {}),
                name=m["metric_name"],
                actual=m["actual_value"],
                target=m["target_value"],
                status=m["status"],
            )
            for m in metrics
        ],
        strengths=[s["strength_text"] for s in strengths],
        recommendations=[r["recommendation_text"] for r in recommendations],
    )
    return result, report
