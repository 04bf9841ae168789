"""Unrated sets: analysis_results.overall_score nullable (was NOT NULL DEFAULT 0), plus
analysis_results.unrated_reason, form_issues.details, metrics.details and
user_progress.unrated_analyses.

PostgreSQL drops the constraint with ALTER TABLE. SQLite cannot alter a column, so there the
table is rebuilt the way SQLite documents (sqlite.org/lang_altertable.html, "making other kinds
of table schema changes"): on one connection with foreign keys off, inside one transaction,
create the new table from the stored CREATE statement with only that column changed, copy the
rows, drop the old table, rename the new one, recreate its indexes, and check every foreign key
before committing. With foreign keys off, dropping the old table does not cascade into the
issues, metrics, strengths and recommendations that reference it, and the children's
REFERENCES "analysis_results" point at the new table once it has the name.

Results stored earlier with the offline coach's stand-in 0 for a set without a rep (their notice
says the score "does not rate your form") become null.
"""

import re

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON, Integer, Text
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder

ID = "2026-12-01T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "overall_score nullable; unrated_reason, issue/metric details, unrated_analyses"

TABLE = "analysis_results"
_NOT_NULL_SCORE = '"overall_score" NUMERIC(3, 1) NOT NULL DEFAULT 0'
_NULL_SCORE = '"overall_score" NUMERIC(3, 1) DEFAULT null'


async def _sqlite_rebuild(engine, old: str, new: str) -> None:
    """Rebuilds TABLE with the column definition `old` replaced by `new` (rows kept)."""
    conn = await engine.get_connection()
    try:
        await conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
        await conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = await conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
            )
            (row,) = await cursor.fetchall()
            create = row["sql"]
            if old not in create:
                if new in create:
                    await conn.execute("ROLLBACK")
                    return  # already in the wanted shape
                raise RuntimeError(f"unexpected {TABLE} schema: {create}")
            cursor = await conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL",
                (TABLE,),
            )
            indexes = [r["sql"] for r in await cursor.fetchall()]
            rebuilt = create.replace(old, new)
            rebuilt = re.sub(
                rf'^CREATE TABLE "?{TABLE}"?', f'CREATE TABLE "{TABLE}_rebuild"', rebuilt
            )
            await conn.execute(rebuilt)
            await conn.execute(f'INSERT INTO "{TABLE}_rebuild" SELECT * FROM "{TABLE}"')
            await conn.execute(f'DROP TABLE "{TABLE}"')
            await conn.execute(f'ALTER TABLE "{TABLE}_rebuild" RENAME TO "{TABLE}"')
            for sql in indexes:
                await conn.execute(sql)
            cursor = await conn.execute("PRAGMA foreign_key_check")
            broken = await cursor.fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
    finally:
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.close()


async def set_score_nullable(nullable: bool) -> None:
    """Makes overall_score nullable (forwards) or NOT NULL DEFAULT 0 again (backwards)."""
    engine = engine_finder()
    if engine.engine_type == "sqlite":
        old, new = (_NOT_NULL_SCORE, _NULL_SCORE) if nullable else (_NULL_SCORE, _NOT_NULL_SCORE)
        await _sqlite_rebuild(engine, old, new)
    elif nullable:
        await engine.run_ddl(
            f"ALTER TABLE {TABLE} ALTER COLUMN overall_score DROP NOT NULL, "
            "ALTER COLUMN overall_score DROP DEFAULT"
        )
    else:
        await engine.run_ddl(
            f"ALTER TABLE {TABLE} ALTER COLUMN overall_score SET DEFAULT 0, "
            "ALTER COLUMN overall_score SET NOT NULL"
        )


async def unrated_becomes_null() -> None:
    """Forwards: the score nullable, and the stand-in 0s of earlier unrated sets null."""
    await set_score_nullable(True)
    engine = engine_finder()
    # Sets stored before this change with the stand-in 0 and the "does not rate your form"
    # notice were never rated: they become null, and leave the averages.
    details = "details" if engine.engine_type == "sqlite" else "details::text"
    await engine.run_ddl(
        f"UPDATE {TABLE} SET overall_score = NULL "
        f"WHERE overall_score = 0 AND {details} LIKE '%does not rate your form%'"
    )


def _params(**kw) -> dict:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **kw,
    }


async def forwards():
    sqlite = engine_finder().engine_type == "sqlite"
    # SQLite: the rebuild commits on its own connection (foreign keys must be off outside a
    # transaction); the added columns then commit one by one, and each is additive.
    manager = MigrationManager(
        migration_id=ID, app_name="biome", description=DESCRIPTION, wrap_in_transaction=not sqlite
    )

    async def run_backwards():
        await set_score_nullable(False)

    manager.add_raw(unrated_becomes_null)
    manager.add_raw_backwards(run_backwards)
    for table_class, tablename, column, column_class, params in (
        ("AnalysisResult", TABLE, "unrated_reason", Text, _params(default=None, null=True)),
        ("FormIssue", "form_issues", "details", JSON, _params(default="{}")),
        ("Metric", "metrics", "details", JSON, _params(default="{}")),
        ("UserProgress", "user_progress", "unrated_analyses", Integer, _params(default=0)),
    ):
        manager.add_column(
            table_class_name=table_class,
            tablename=tablename,
            column_name=column,
            db_column_name=column,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
