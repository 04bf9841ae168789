"""Test configuration shared by every test package.

Each run gets a fresh data directory, and with ``BIOME_TEST_POSTGRES`` (a DSN of a server's
maintenance database) a fresh PostgreSQL database, created here and dropped at the end; without
it the suite runs on SQLite. This has to happen before anything imports ``piccolo_conf``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
VIDEOS = SHARED / "datasets" / "videos"

_data_dir = Path(tempfile.mkdtemp(prefix="biome-test-"))
os.environ["BIOME_DATA_DIR"] = str(_data_dir)
os.environ.pop("DATABASE_URL", None)
# No test may reach Gemini: the offline coach, or a scripted model a test registers.
os.environ.pop("GOOGLE_API_KEY", None)
os.environ.pop("GEMINI_API_KEY", None)
os.environ.setdefault("BIOME_WORKERS", "1")

_pg_admin = os.environ.get("BIOME_TEST_POSTGRES")
_pg_db = f"biome_test_{uuid.uuid4().hex[:10]}"


async def _pg(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_pg_admin)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


if _pg_admin:
    asyncio.run(_pg(f'CREATE DATABASE "{_pg_db}"'))
    base, _, _ = _pg_admin.rpartition("/")
    os.environ["DATABASE_URL"] = f"{base}/{_pg_db}"


def pytest_report_header(config):
    engine = f"postgresql ({_pg_db})" if _pg_admin else "sqlite"
    return f"biome: database engine {engine}, data dir {_data_dir}"


def pytest_sessionfinish(session, exitstatus):
    if _pg_admin:
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{_pg_db}" WITH (FORCE)'))
    shutil.rmtree(_data_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _closed_model_circuits():
    """A model outage one test plays must not open the circuit for the next test."""
    from agents.gemini import forget_probes
    from agents.resilient_llm import reset_circuits

    reset_circuits()
    forget_probes()
    yield
    reset_circuits()


def require_shared() -> None:
    """Skip (or, under CI, fail) when ../shared with the datasets is absent."""
    if VIDEOS.is_dir():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{VIDEOS} is missing; CI must run with ../shared beside the repo")
    pytest.skip(f"needs the shared datasets at {VIDEOS}")


@pytest.fixture
def squat_video() -> Path:
    require_shared()
    return VIDEOS / "squat_front_01.mp4"
