"""GET /progress/summary and GET /progress/exercises, read from ``user_progress``."""

from __future__ import annotations

from starlette.requests import Request

from api.auth import current_user
from api.errors import ok
from api.gdpr import export_section
from api.openapi import operation
from api.progress import completed_scores, trend
from api.results import iso, num
from api.schemas import DATE_TIME, TREND, array, envelope, integer, nullable, number, obj, string
from api.tables import UserProgress

RECENT = 5

SUMMARY = obj(
    {
        "totalAnalyses": integer(minimum=0),
        "averageScore": nullable(number(minimum=0, maximum=10)),
        "improvementTrend": TREND,
        "favoriteExercise": nullable(string()),
        "recentScores": array(number(minimum=0, maximum=10), description="Oldest first"),
    }
)

EXERCISE_PROGRESS = obj(
    {
        "exerciseId": nullable(string(format="uuid")),
        "exerciseName": string(),
        "averageScore": nullable(number(minimum=0, maximum=10)),
        "totalAnalyses": integer(minimum=0),
        "lastAnalysisDate": nullable(DATE_TIME),
        "improvementTrend": TREND,
    }
)


async def _rows(user_id) -> list[dict]:
    return (
        await UserProgress.select()
        .where(UserProgress.user_id == user_id)
        .order_by(UserProgress.last_analysis_date, ascending=False)
    )


@operation(
    summary="The caller's progress across all exercises",
    tag="Progress",
    description=(
        "Counts and averages come from completed analyses. The trend is the slope of the last "
        "10 scores (null with fewer than 3)."
    ),
    responses={200: ("Summary", envelope(SUMMARY))},
)
async def summary(request: Request):
    user = await current_user(request)
    rows = await _rows(user["id"])
    total = sum(r["total_analyses"] for r in rows)
    average = (
        round(sum(float(r["average_score"]) * r["total_analyses"] for r in rows) / total, 1)
        if total
        else None
    )
    # The most analysed exercise; ties go to the one done most recently (rows are by date).
    favorite = max(rows, key=lambda r: r["total_analyses"])["exercise_name"] if rows else None
    scores = [float(r["overall_score"]) for r in await completed_scores(user["id"])]
    return ok(
        {
            "totalAnalyses": total,
            "averageScore": average,
            "improvementTrend": trend(scores),
            "favoriteExercise": favorite,
            "recentScores": scores[-RECENT:],
        }
    )


@operation(
    summary="The caller's progress per exercise, most recent first",
    tag="Progress",
    responses={200: ("Per exercise", envelope(obj({"exercises": array(EXERCISE_PROGRESS)})))},
)
async def exercises(request: Request):
    user = await current_user(request)
    rows = await _rows(user["id"])
    return ok({"exercises": [progress_json(r) for r in rows]})


def progress_json(row: dict) -> dict:
    return {
        "exerciseId": str(row["exercise_id"]) if row["exercise_id"] else None,
        "exerciseName": row["exercise_name"],
        "averageScore": num(row["average_score"]),
        "totalAnalyses": row["total_analyses"],
        "lastAnalysisDate": iso(row["last_analysis_date"]),
        "improvementTrend": row["improvement_trend"],
    }


@export_section("progress")
async def export_progress(request: Request, user: dict) -> list[dict]:
    return [progress_json(r) for r in await _rows(user["id"])]
