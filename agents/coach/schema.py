"""Structured output of the coaching agent."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CoachingIssue(BaseModel):
    """One detected form issue, in the coach's words."""

    type: str = Field(description="The issue type exactly as named in the vision findings.")
    coachingCue: str = Field(description="One short, actionable cue for fixing this issue.")


class CoachingReport(BaseModel):
    """The coach's report on one analysed set.

    It has no score: the score is measured (tools.scoring), never the coach's to give.
    """

    summary: str = Field(description="Two or three sentences summarising the set.")
    issues: list[CoachingIssue] = Field(
        default_factory=list, description="Only issues present in the vision findings."
    )
    strengths: list[str] = Field(default_factory=list, description="What the athlete did well.")
    recommendations: list[str] = Field(
        default_factory=list, description="Next steps, most important first."
    )
