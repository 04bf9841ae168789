"""GET /progress/timeline: every completed analysis of the caller, oldest first, with its score,
reps and how often each fault appeared, for the progress charts. Three queries whatever the
number of sessions: the sessions with their results, the fault counts grouped by result and
type, and the per-exercise totals.
"""

from __future__ import annotations

from piccolo.query.functions.aggregate import Count
from starlette.requests import Request

from api import parsing
from api.auth import current_user
from api.errors import ok
from api.openapi import operation, query
from api.results import iso, num
from api.schemas import DATE_TIME, UUID, array, envelope, integer, nullable, number, obj, string
from api.tables import AnalysisResult, AnalysisSession, FormIssue

TIMELINE_SESSION = obj(
    {
        "sessionId": UUID,
        "date": DATE_TIME,
        "exerciseId": nullable(UUID),
        "exerciseName": string(),
        "overallScore": nullable(number(minimum=0, maximum=10, description="Null: not rated")),
        "repCount": nullable(integer()),
        "faults": {
            "type": "object",
            "additionalProperties": integer(minimum=1),
            "description": "Issue type → how many issues of that type the session had",
        },
    }
)
TIMELINE_EXERCISE = obj(
    {"exerciseId": nullable(UUID), "exerciseName": string(), "sessions": integer(minimum=1)}
)


@operation(
    summary="The caller's completed analyses over time, with fault counts",
    tag="Progress",
    params=(query("exerciseId", string(format="uuid"), "Only this exercise's sessions"),),
    responses={
        200: (
            "Sessions oldest first; exercises with their session counts (not filtered)",
            envelope(
                obj({"sessions": array(TIMELINE_SESSION), "exercises": array(TIMELINE_EXERCISE)})
            ),
        )
    },
)
async def timeline(request: Request):
    user = await current_user(request)
    exercise_id = parsing.query_uuid(request, "exerciseId")
    mine = AnalysisResult.session_id.user_id == user["id"]
    where = (
        mine
        if exercise_id is None
        else mine & (AnalysisResult.session_id.exercise_id == exercise_id)
    )
    session = AnalysisResult.session_id
    rows = (
        await AnalysisResult.select(
            AnalysisResult.id,
            AnalysisResult.overall_score,
            AnalysisResult.rep_count,
            session.id.as_alias("sid"),
            session.created_at.as_alias("created_at"),
            session.exercise_id.as_alias("exercise_id"),
            session.exercise_name.as_alias("exercise_name"),
        )
        .where(where & (session.status == "completed"))
        .order_by(session.created_at)
        .order_by(session.id)
    )
    faults: dict = {}
    if rows:
        counted = (
            await FormIssue.select(FormIssue.result_id, FormIssue.issue_type, Count())
            .where(FormIssue.result_id.is_in([r["id"] for r in rows]))
            .group_by(FormIssue.result_id, FormIssue.issue_type)
        )
        for c in counted:
            faults.setdefault(c["result_id"], {})[c["issue_type"]] = c["count"]
    totals = (
        await AnalysisSession.select(
            AnalysisSession.exercise_id, AnalysisSession.exercise_name, Count()
        )
        .where((AnalysisSession.user_id == user["id"]) & (AnalysisSession.status == "completed"))
        .group_by(AnalysisSession.exercise_id, AnalysisSession.exercise_name)
        .order_by(AnalysisSession.exercise_name)
    )
    return ok(
        {
            "sessions": [
                {
                    "sessionId": str(r["sid"]),
                    "date": iso(r["created_at"]),
                    "exerciseId": str(r["exercise_id"]) if r["exercise_id"] else None,
                    "exerciseName": r["exercise_name"],
                    "overallScore": num(r["overall_score"]),
                    "repCount": r["rep_count"],
                    "faults": faults.get(r["id"], {}),
                }
                for r in rows
            ],
            "exercises": [
                {
                    "exerciseId": str(t["exercise_id"]) if t["exercise_id"] else None,
                    "exerciseName": t["exercise_name"],
                    "sessions": t["count"],
                }
                for t in totals
            ],
        }
    )
