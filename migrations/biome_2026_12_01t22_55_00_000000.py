"""Profile: users.fitness_level and users.goals.

What the person says about themselves on the profile page: a fitness level (beginner,
intermediate or advanced) and their goals in their own words. Additive: two nullable columns.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T22:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "users.fitness_level, users.goals"


def _params(**extra) -> dict:
    return {
        "default": None,
        "null": True,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="biome", description=DESCRIPTION)
    manager.add_column(
        table_class_name="User",
        tablename="users",
        column_name="fitness_level",
        db_column_name="fitness_level",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=20),
        schema=None,
    )
    manager.add_column(
        table_class_name="User",
        tablename="users",
        column_name="goals",
        db_column_name="goals",
        column_class_name="Text",
        column_class=Text,
        params=_params(),
        schema=None,
    )
    return manager
