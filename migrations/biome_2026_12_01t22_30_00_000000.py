"""Media of an analysis: analysis_sessions.pose_url, thumbnail_url and processed_video_url.

The storage URLs (like video_url) of the pose track the overlay draws, the history's thumbnail
and the annotated video, each null until it is stored. Additive: three nullable text columns.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T22:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "analysis_sessions.pose_url, thumbnail_url, processed_video_url"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="biome", description=DESCRIPTION)
    for column in ("pose_url", "thumbnail_url", "processed_video_url"):
        manager.add_column(
            table_class_name="AnalysisSession",
            tablename="analysis_sessions",
            column_name=column,
            db_column_name=column,
            column_class_name="Text",
            column_class=Text,
            params={
                "default": None,
                "null": True,
                "primary_key": False,
                "unique": False,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": None,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )
    return manager
