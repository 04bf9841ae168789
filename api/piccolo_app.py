"""Piccolo app: the tables and the migrations folder at the repository root."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from api.chat.tables import CHAT_TABLES
from api.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="biome",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations"),
    table_classes=TABLES + CHAT_TABLES,
    migration_dependencies=[],
    commands=[],
)
