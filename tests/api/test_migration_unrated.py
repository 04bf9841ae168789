"""The migration that makes overall_score nullable, run forwards on a database holding results
(on SQLite a table rebuild, on PostgreSQL an ALTER): rows, their issues and the cascades stay."""

from __future__ import annotations

import importlib
import sqlite3
import uuid

import pytest
from asyncpg.exceptions import NotNullViolationError

from api import progress
from api.results import load_report, save_report
from api.tables import AnalysisResult, AnalysisSession, FormIssue, Metric, UserProgress
from tests.api.test_results import REPORT, UNRATED, _session
from tools.report import Report

migration = importlib.import_module("migrations.biome_2026_12_01t22_00_00_000000")
recompute = importlib.import_module("migrations.biome_2026_12_01t22_00_01_000000")

NOT_NULL = (sqlite3.IntegrityError, NotNullViolationError)
LEGACY = {  # what an unrated set was stored as before: a stand-in 0 and a notice
    **UNRATED,
    "overallScore": 0.0,
    "unratedReason": None,
    "notices": ["No complete repetition ... so the score does not rate your form. Film ..."],
}


async def _indexed() -> bool:
    engine = AnalysisResult._meta.db
    if engine.engine_type == "sqlite":
        rows = await engine.run_ddl(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'analysis_results'"
        )
    else:
        rows = await engine.run_ddl(
            "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'analysis_results'"
        )
    return "analysis_results_session_id" in {r["name"] for r in rows}


async def test_forwards_keeps_rows_children_and_cascades(app, user):
    # Earlier tests stored unrated (null) results; the old schema cannot hold them, so they
    # carry a 0 while it is in place and get their null back after.
    nulls = [
        r["id"]
        for r in await AnalysisResult.select(AnalysisResult.id).where(
            AnalysisResult.overall_score.is_null()
        )
    ]
    if nulls:
        await AnalysisResult.update({AnalysisResult.overall_score: 0}).where(
            AnalysisResult.id.is_in(nulls)
        )
    await migration.set_score_nullable(False)  # the schema as it was before
    try:
        rated, legacy, blocked = [await _session(user) for _ in range(3)]
        await save_report(rated["id"], REPORT)
        await save_report(legacy["id"], LEGACY)
        await progress.refresh_for_session(rated["id"])  # the stand-in 0 pulls the average down
        with pytest.raises(NOT_NULL):  # NOT NULL holds before the change
            await AnalysisResult.insert(
                AnalysisResult(session_id=blocked["id"], overall_score=None, total_frames=1)
            )
    finally:
        await migration.unrated_becomes_null()
        if nulls:
            await AnalysisResult.update({AnalysisResult.overall_score: None}).where(
                AnalysisResult.id.is_in(nulls)
            )

    row = await UserProgress.select().where(UserProgress.user_id == rated["user_id"]).first()
    assert float(row["average_score"]) == 3.2  # (6.5 + the stand-in 0) / 2, until recomputed
    await recompute.recompute_progress()
    row = await UserProgress.select().where(UserProgress.user_id == rated["user_id"]).first()
    assert (float(row["average_score"]), row["unrated_analyses"], row["total_analyses"]) == (
        6.5,
        1,
        2,
    )
    _, report = await load_report(rated["id"])
    assert report == Report.model_validate(REPORT)  # rows and child rows kept
    _, old = await load_report(legacy["id"])
    assert old.overallScore is None and old.unratedReason  # the stand-in 0 is gone
    assert await _indexed()

    await save_report(blocked["id"], UNRATED)  # null is accepted now
    _, report = await load_report(blocked["id"])
    assert report.overallScore is None

    result = await AnalysisResult.select().where(AnalysisResult.session_id == rated["id"]).first()
    assert await FormIssue.count().where(FormIssue.result_id == result["id"]) == 2
    await AnalysisSession.delete().where(AnalysisSession.id == rated["id"])
    assert await FormIssue.count().where(FormIssue.result_id == result["id"]) == 0
    assert await Metric.count().where(Metric.result_id == result["id"]) == 0
    assert not await AnalysisResult.exists().where(AnalysisResult.id == result["id"])
    assert uuid.UUID(str(result["id"]))
