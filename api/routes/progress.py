"""GET /progress/summary and GET /progress/exercises, read from ``user_progress``."""

from __future__ import annotations

from starlette.requests import Request

from api.auth import current_user
from api.errors import ok
from api.gdpr import export_section
from api.openapi import operation
from api.progress import completed_scores, rated, trend
from api.results import iso, num
from api.schemas import DATE_TIME, TREND, array, envelope, integer, nullable, number, obj, string
from api.tables import UserProgress

RECENT = 5

SUMMARY = obj(
    {
        "totalAnalyses": integer(minimum=0),
        "unratedAnalyses": integer(
            minimum=0, description="Completed analyses that could not be rated (null score)"
        ),
        "averageScore": nullable(number(minimum=0, maximum=10)),
        "improvementTrend": TREND,
        "favoriteExercise": nullable(string()),
        "recentScores": array(
            number(minimum=0, maximum=10), description="Rated analyses only, oldest first"
        ),
    }
)

EXERCISE_PROGRESS = obj(
    {
        "exerciseId": nullable(string(format="uuid")),
        "exerciseName": string(),
        "averageScore": nullable(number(minimum=0, maximum=10)),
        "totalAnalyses": integer(minimum=0),
        "unratedAnalyses": integer(
            minimum=0, description="Of totalAnalyses, how many could not be rated"
        ),
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
        "Counts come from completed analyses; averages, trends and recent scores from the rated "
        "ones (an analysis that could not be rated has a null score and is counted in "
        "unratedAnalyses). The trend is the slope of the last 10 scores (null with fewer "
        "than 3)."
    ),
    responses={200: ("Summary", envelope(SUMMARY))},
)
async def summary(request: Request):
    user = await current_user(request)
    rows = await _rows(user["id"])
    total = sum(r["total_analyses"] for r in rows)
    # The most analysed exercise; ties go to the one done most recently (rows are by date).
    favorite = max(rows, key=lambda r: r["total_analyses"])["exercise_name"] if rows else None
    everything = await completed_scores(user["id"])
    scores = rated(everything)
    return ok(
        {
            "totalAnalyses": total,
            "unratedAnalyses": len(everything) - len(scores),
            "averageScore": round(sum(scores) / len(scores), 1) if scores else None,
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
        "unratedAnalyses": row["unrated_analyses"] or 0,
        "lastAnalysisDate": iso(row["last_analysis_date"]),
        "improvementTrend": row["improvement_trend"],
    }


@export_section("progress")
async def export_progress(request: Request, user: dict) -> list[dict]:
    return [progress_json(r) for r in await _rows(user["id"])]
