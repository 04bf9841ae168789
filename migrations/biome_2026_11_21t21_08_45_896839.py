"""Chat: chat_sessions.analysis_session, so a conversation is deleted with its analysis."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import UUID, ForeignKey
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class AnalysisSession(Table, tablename="analysis_sessions", schema=None):
    id = UUID(
        default=UUID4(),
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


ID = "2026-11-21T21:08:45:896839"
VERSION = "1.38.0"
DESCRIPTION = "chat_sessions.analysis_session (cascade from analysis_sessions)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="biome", description=DESCRIPTION)

    manager.add_column(
        table_class_name="ChatSession",
        tablename="chat_sessions",
        column_name="analysis_session",
        db_column_name="analysis_session",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": AnalysisSession,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
