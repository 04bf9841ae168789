"""``user_progress``: one row per (user, exercise), recomputed whenever an analysis of that exercise
completes or is deleted, so the progress endpoints read it without scanning history.

The trend is the least-squares slope of the most recent scores (up to ``TREND_WINDOW``), not a
comparison of the last two: one bad session does not make a decline. Sets that could not be rated
(a null score) count as analyses but stay out of the average and the trend; the row says how
many there were.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from api.tables import AnalysisResult, AnalysisSession, UserProgress

TREND_WINDOW = 10
TREND_MIN_SCORES = 3
# Score points per analysis (on the 0–10 scale) that count as a real change.
TREND_SLOPE = 0.1


def trend(scores: list[float]) -> str | None:
    """'improving' / 'stable' / 'declining' from scores in time order; None with too few."""
    recent = scores[-TREND_WINDOW:]
    n = len(recent)
    if n < TREND_MIN_SCORES:
        return None
    mean_x = (n - 1) / 2
    mean_y = sum(recent) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(recent)) / sum(
        (x - mean_x) ** 2 for x in range(n)
    )
    if slope >= TREND_SLOPE:
        return "improving"
    if slope <= -TREND_SLOPE:
        return "declining"
    return "stable"


async def completed_scores(user_id, exercise_id=None) -> list[dict]:
    """(score or None, date, exercise) of a user's completed analyses, oldest first."""
    query = (
        AnalysisResult.select(
            AnalysisResult.overall_score,
            AnalysisResult.session_id.created_at.as_alias("created_at"),
            AnalysisResult.session_id.exercise_name.as_alias("exercise_name"),
        )
        .where(AnalysisResult.session_id.user_id == user_id)
        .where(AnalysisResult.session_id.status == "completed")
        .order_by(AnalysisResult.session_id.created_at)
    )
    if exercise_id is not None:
        query = query.where(AnalysisResult.session_id.exercise_id == exercise_id)
    return await query


def rated(rows: list[dict]) -> list[float]:
    """The scores of the rated analyses among ``completed_scores`` rows, in their order."""
    return [float(r["overall_score"]) for r in rows if r["overall_score"] is not None]


async def refresh(user_id: uuid.UUID, exercise_id: uuid.UUID | None, exercise_name: str) -> None:
    """Recompute the user's progress row for one exercise from their completed analyses."""
    rows = await completed_scores(user_id, exercise_id)
    where = (UserProgress.user_id == user_id) & (
        UserProgress.exercise_id == exercise_id
        if exercise_id is not None
        else UserProgress.exercise_name == exercise_name
    )
    if not rows:
        await UserProgress.delete().where(where)
        return
    scores = rated(rows)
    values = {
        UserProgress.exercise_name: exercise_name,
        UserProgress.average_score: Decimal(str(round(sum(scores) / len(scores), 1)))
        if scores
        else None,
        UserProgress.total_analyses: len(rows),
        UserProgress.unrated_analyses: len(rows) - len(scores),
        UserProgress.last_analysis_date: rows[-1]["created_at"],
        UserProgress.improvement_trend: trend(scores),
        UserProgress.updated_at: dt.datetime.now(dt.UTC),
    }
    updated = await UserProgress.update(values).where(where).returning(UserProgress.id)
    if not updated:
        await UserProgress.insert(
            UserProgress(
                user_id=user_id,
                exercise_id=exercise_id,
                **{column._meta.name: value for column, value in values.items()},
            )
        )


async def refresh_for_session(session_id: uuid.UUID) -> None:
    session = (
        await AnalysisSession.select(
            AnalysisSession.user_id, AnalysisSession.exercise_id, AnalysisSession.exercise_name
        )
        .where(AnalysisSession.id == session_id)
        .first()
    )
    if session is not None:
        await refresh(session["user_id"], session["exercise_id"], session["exercise_name"])
