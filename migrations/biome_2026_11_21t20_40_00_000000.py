"""The spec's composite index on user_progress (user_id, exercise_id).

Piccolo's column API has no composite index, and raw steps run before the schema steps of
the same migration, so it lives in its own migration. Plain DDL that both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T20:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite index idx_user_progress_user_exercise"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="biome", description=DESCRIPTION)

    async def create_index():
        await Table.raw(
            "CREATE INDEX IF NOT EXISTS idx_user_progress_user_exercise "
            "ON user_progress (user_id, exercise_id)"
        )

    async def drop_index():
        await Table.raw("DROP INDEX IF EXISTS idx_user_progress_user_exercise")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
