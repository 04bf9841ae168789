"""The chat tools' data access (agents.chat.data.CoachData) over the results tables."""

from __future__ import annotations

import uuid

from agents.chat.data import analysis_of
from api.results import iso, load_report
from api.tables import AnalysisSession


def _session_fields(row: dict) -> dict:
    return {
        "id": str(row["id"]),
        "exerciseName": row["exercise_name"],
        "createdAt": iso(row["created_at"]),
    }


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class PiccoloCoachData:
    """One user's completed analyses, read through `api.results.load_report`.

    Every query is filtered by the user id, so a tool can never read someone else's session.
    """

    async def analysis(self, user_id: str, session_id: str) -> dict | None:
        sid, uid = _uuid(session_id), _uuid(user_id)
        if sid is None or uid is None:
            return None
        row = (
            await AnalysisSession.select()
            .where(
                (AnalysisSession.id == sid)
                & (AnalysisSession.user_id == uid)
                & (AnalysisSession.status == "completed")
            )
            .first()
        )
        loaded = await load_report(sid) if row else None
        if loaded is None:
            return None
        return analysis_of(_session_fields(row), loaded[1])

    async def history(
        self, user_id: str, exercise_name: str, before_session_id: str, limit: int = 5
    ) -> list[dict]:
        uid = _uuid(user_id)
        if uid is None:
            return []
        query = AnalysisSession.select().where(
            (AnalysisSession.user_id == uid)
            & (AnalysisSession.exercise_name == exercise_name)
            & (AnalysisSession.status == "completed")
        )
        before = _uuid(before_session_id)
        if before is not None:
            current = (
                await AnalysisSession.select(AnalysisSession.created_at)
                .where(AnalysisSession.id == before)
                .first()
            )
            query = query.where(AnalysisSession.id != before)
            if current is not None:
                query = query.where(AnalysisSession.created_at < current["created_at"])
        rows = await query.order_by(AnalysisSession.created_at, ascending=False).limit(limit)
        past = []
        for row in rows:
            loaded = await load_report(row["id"])
            if loaded is not None:
                past.append(analysis_of(_session_fields(row), loaded[1]))
        return past
