"""Database start-up: apply migrations and seed the exercise catalog."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards

from api.tables import Exercise
from tools.exercises import EXERCISES


async def migrate() -> None:
    # Piccolo prints its progress; the service's output is its own log lines.
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = await run_forwards(app_name="biome")
    if not result.success:
        raise RuntimeError(f"database migration failed: {result.message}\n{out.getvalue()}")


async def seed_exercises() -> int:
    """Insert catalog exercises that are missing (by name); returns how many were added."""
    existing = {r["name"] for r in await Exercise.select(Exercise.name)}
    missing = [
        Exercise(
            name=e.name,
            category=e.category,
            description=e.description,
            icon=e.emoji,
            is_popular=e.popular,
        )
        for e in EXERCISES
        if e.name not in existing
    ]
    if missing:
        try:
            await Exercise.insert(*missing)
        except Exception:
            # Another process seeded the same names first; what matters is that they exist.
            still = {r["name"] for r in await Exercise.select(Exercise.name)}
            if not {e.name for e in EXERCISES} <= still:
                raise
            return 0
    return len(missing)


async def start_engine() -> None:
    engine = Exercise._meta.db
    if engine.engine_type == "postgres":
        await engine.start_connection_pool(min_size=1, max_size=20)
    else:
        # WAL lets readers work while the worker's results are written.
        await engine.run_ddl("PRAGMA journal_mode=WAL")


async def stop_engine() -> None:
    engine = Exercise._meta.db
    if engine.engine_type == "postgres":
        await engine.close_connection_pool()
