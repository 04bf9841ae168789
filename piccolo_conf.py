"""Piccolo's configuration: SQLite under the data dir unless DATABASE_URL names PostgreSQL."""

from piccolo.conf.apps import AppRegistry

from api.config import get_settings

_settings = get_settings()

if _settings.uses_postgres:
    from piccolo.engine.postgres import PostgresEngine

    DB = PostgresEngine(config={"dsn": _settings.database_url})
else:
    from piccolo.engine.sqlite import SQLiteEngine, TransactionType

    class WritersWaitEngine(SQLiteEngine):
        """SQLite whose transactions take the write lock when they begin (BEGIN IMMEDIATE).

        A deferred transaction that reads, then writes, must upgrade its lock; when another
        connection wrote meanwhile, SQLite fails it at once with "database is locked" without
        waiting out the busy timeout. Taking the lock up front makes it wait its turn instead.
        """

        def transaction(self, transaction_type=TransactionType.immediate, allow_nested=True):
            return super().transaction(transaction_type, allow_nested)

        def atomic(self, transaction_type=TransactionType.immediate):
            return super().atomic(transaction_type)

    # The busy timeout: a writer waits up to this long for another (worker results, chat turns).
    DB = WritersWaitEngine(path=str(_settings.sqlite_path), timeout=30)

APP_REGISTRY = AppRegistry(apps=["api.piccolo_app"])
