"""Piccolo's configuration: SQLite under the data dir unless DATABASE_URL names PostgreSQL."""

from piccolo.conf.apps import AppRegistry

from api.config import get_settings

_settings = get_settings()

if _settings.uses_postgres:
    from piccolo.engine.postgres import PostgresEngine

    DB = PostgresEngine(config={"dsn": _settings.database_url})
else:
    from piccolo.engine.sqlite import SQLiteEngine

    # A generous busy timeout: the worker results and the requests write concurrently.
    DB = SQLiteEngine(path=str(_settings.sqlite_path), timeout=30)

APP_REGISTRY = AppRegistry(apps=["api.piccolo_app"])
