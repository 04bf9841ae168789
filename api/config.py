"""Settings read from the environment, with an embedded default for every one.

With no configuration at all the service runs on SQLite and local disk under ``./var``
and coaches with the offline model; each variable below switches one part to its
production counterpart.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MAX_UPLOAD_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None
    storage_url: str
    jwt_secret: str
    jwt_lifetime_s: int
    max_upload_bytes: int
    workers: int
    # Requests per minute: per user (per IP when anonymous), and per IP on login/register.
    rate_limit: int = 100
    auth_rate_limit: int = 10
    # Browser origins allowed to call the API (CORS); none means same-origin only.
    cors_origins: tuple[str, ...] = ()
    # How long a signed file link (video, profile image, export) stays valid.
    link_lifetime_s: int = 3600
    # An upload that sends nothing for the idle deadline, or is not done by the total one, is
    # cut off with 408: a slow body must not hold a connection and a temporary file forever.
    upload_idle_timeout_s: float = 30.0
    upload_timeout_s: float = 15 * 60.0
    # Per user: bytes of video kept in storage, and analyses waiting or running at once.
    quota_bytes: int = 2 * 1024**3
    max_queued: int = 3
    # On SIGTERM, running analyses get this long to finish before they are handed back.
    shutdown_grace_s: float = 3.0

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url) and self.database_url.startswith(
            ("postgres://", "postgresql")
        )

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "biome.sqlite"

    @property
    def tmp_dir(self) -> Path:
        return self.data_dir / "tmp"


def _data_dir() -> Path:
    return Path(os.environ.get("BIOME_DATA_DIR", "var")).resolve()


def _jwt_secret(data_dir: Path) -> str:
    """The secret from ``JWT_SECRET``, else one generated once and kept in the data dir.

    Never a constant in the code: a leaked default would let anyone mint tokens.
    """
    if secret := os.environ.get("JWT_SECRET"):
        return secret
    path = data_dir / "jwt_secret"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(secret)
    tmp.chmod(0o600)
    try:
        # link() fails if another process won the race; then everyone uses the winner's.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    data_dir = _data_dir()
    (data_dir / "tmp").mkdir(parents=True, exist_ok=True)
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL") or None,
        storage_url=os.environ.get("BIOME_STORAGE_URL") or (data_dir / "storage").as_uri(),
        jwt_secret=_jwt_secret(data_dir),
        jwt_lifetime_s=int(os.environ.get("JWT_LIFETIME_S", 24 * 3600)),
        max_upload_bytes=int(os.environ.get("BIOME_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)),
        workers=int(os.environ.get("BIOME_WORKERS", min(2, os.cpu_count() or 1))),
        rate_limit=int(os.environ.get("BIOME_RATE_LIMIT", 100)),
        auth_rate_limit=int(os.environ.get("BIOME_AUTH_RATE_LIMIT", 10)),
        cors_origins=tuple(
            o.strip() for o in os.environ.get("BIOME_CORS_ORIGINS", "").split(",") if o.strip()
        ),
        link_lifetime_s=int(os.environ.get("BIOME_LINK_LIFETIME_S", 3600)),
        upload_idle_timeout_s=float(os.environ.get("BIOME_UPLOAD_IDLE_TIMEOUT_S", 30)),
        upload_timeout_s=float(os.environ.get("BIOME_UPLOAD_TIMEOUT_S", 15 * 60)),
        quota_bytes=int(os.environ.get("BIOME_QUOTA_BYTES", 2 * 1024**3)),
        max_queued=int(os.environ.get("BIOME_MAX_QUEUED", 3)),
        shutdown_grace_s=float(os.environ.get("BIOME_SHUTDOWN_GRACE_S", 3)),
    )
