"""user_progress recomputed after unrated sets became null (the migration before this one):
averages over the rated sets only, and how many were unrated. The trend is recomputed on the
exercise's next completion (a slope is not plain SQL)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T22:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "user_progress: averages of rated sets, unrated_analyses"

_COMPLETED = """
    FROM analysis_results r JOIN analysis_sessions s ON s.id = r.session_id
    WHERE s.user_id = user_progress.user_id AND s.status = 'completed'
      AND (s.exercise_id = user_progress.exercise_id
           OR (user_progress.exercise_id IS NULL
               AND s.exercise_name = user_progress.exercise_name))
"""


async def recompute_progress() -> None:
    await engine_finder().run_ddl(
        f"""UPDATE user_progress SET
            average_score = (SELECT ROUND(AVG(r.overall_score), 1) {_COMPLETED}),
            unrated_analyses = (SELECT COUNT(*) {_COMPLETED} AND r.overall_score IS NULL)"""
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="biome", description=DESCRIPTION)
    manager.add_raw(recompute_progress)
    return manager
