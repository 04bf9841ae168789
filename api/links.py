"""Signed, expiring links to stored files (videos, profile images).

A browser cannot put a bearer token on ``<video src>`` or ``<img src>``, so a file is reached by a
link whose query carries an expiry and an HMAC of the key and expiry (the pre-signed URL pattern
of the spec's storage section, for any storage backend). The HMAC key is derived from the JWT
secret, so a link never doubles as a token.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote

from starlette.requests import HTTPConnection

FILES_PATH = "/v1/files/"


def _mac(secret: str, key: str, expires: int) -> str:
    link_key = hmac.new(secret.encode(), b"biome file links", hashlib.sha256).digest()
    return hmac.new(link_key, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()


def signed_link(conn: HTTPConnection, key: str) -> str:
    """An absolute URL for the stored object ``key``, valid for the configured lifetime."""
    settings = conn.app.state.settings
    expires = int(time.time()) + settings.link_lifetime_s
    base = str(conn.base_url).rstrip("/")
    signature = _mac(settings.jwt_secret, key, expires)
    return f"{base}{FILES_PATH}{quote(key)}?expires={expires}&signature={signature}"


def verify(secret: str, key: str, expires: int, signature: str) -> bool:
    """Whether ``signature`` signs ``key`` until ``expires`` (Unix seconds), not yet passed."""
    if expires < time.time():
        return False
    # Bytes on both sides: compare_digest refuses str with non-ASCII characters.
    expected = _mac(secret, key, expires).encode()
    return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


def stored_link(conn: HTTPConnection, url: str | None) -> str | None:
    """A signed link for an object recorded by its storage URL (None stays None)."""
    if not url:
        return None
    storage = conn.app.state.storage
    try:
        key = storage.key_of(url)
    except ValueError:
        return None  # stored under another storage root than the one configured now
    return signed_link(conn, key)
