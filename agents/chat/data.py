"""What the chat agent may know about a person: the data-access seam between agents/ and api/.

The chat tools never query a database themselves. They call a `CoachData` object:

- `api.chat.data.PiccoloCoachData` serves the service, from the results tables;
- `InlineCoachData` serves a conversation from a dict (the evals and `adk web` put it in the
  session state under CHAT_DATA_KEY), so the same tools run without a database.

Shapes: the report is `tools.report.Report` as JSON (the one report shape: what the pipeline
returns, the tables hold and the results endpoint shows), whatever the source:

    analysis: {"session": {"id", "exerciseName", "createdAt"}, "report": {overallScore (null
               when not rated), unratedReason, repCount, exercise, coach, summary, reps,
               issues, metrics, strengths, recommendations, notices, video, checks, ...}}
    history:  the same, for earlier completed analyses of that exercise, newest first.
"""

from __future__ import annotations

from typing import Any, Protocol

from tools.report import Report

CHAT_DATA_KEY = "chat_data"
ANALYSIS_KEY = "analysis_session_id"


class CoachData(Protocol):
    """Read access to one person's analyses."""

    async def analysis(self, user_id: str, session_id: str) -> dict | None:
        """The completed analysis `session_id` of `user_id`, or None (absent or not theirs)."""
        ...

    async def history(
        self, user_id: str, exercise_name: str, before_session_id: str, limit: int = 5
    ) -> list[dict]:
        """Earlier completed analyses of `exercise_name` by `user_id`, newest first."""
        ...


def analysis_of(session: dict, report: Report | dict) -> dict:
    """{"session", "report"} with the report in the one report shape (validated, as JSON)."""
    if not isinstance(report, Report):
        report = Report.model_validate(report)
    return {"session": session, "report": report.model_dump(mode="json")}


class InlineCoachData:
    """CoachData over a dict {"analysis": {...}, "history": [...]} (one conversation's data)."""

    def __init__(self, data: dict[str, Any] | None):
        self._data = data or {}

    async def analysis(self, user_id: str, session_id: str) -> dict | None:
        found = self._data.get("analysis")
        return analysis_of(found["session"], found["report"]) if found else None

    async def history(
        self, user_id: str, exercise_name: str, before_session_id: str, limit: int = 5
    ) -> list[dict]:
        past = list(self._data.get("history") or [])[:limit]
        return [analysis_of(p["session"], p["report"]) for p in past]
