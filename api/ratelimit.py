"""Rate limiting: fixed one-minute windows counted in the database, so that every server process
behind a load balancer shares one count.

A request is counted against its user when it carries a validly signed token, else against its
client IP; login and register are also counted in a stricter per-IP bucket (password guessing,
account farming). Every limited response carries ``X-RateLimit-Limit/Remaining/Reset``; past the
limit the answer is 429 ``RATE_LIMIT_EXCEEDED`` with ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time

import jwt
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import ALGORITHM, bearer_token
from api.errors import ApiError, error_response
from api.tables import RateLimitCounter

log = logging.getLogger("biome.ratelimit")

WINDOW_S = 60
AUTH_PATHS = ("/v1/auth/login", "/v1/auth/register")
# Probes and the contract itself stay reachable whatever a client does.
EXEMPT_PATHS = ("/health", "/v1/health", "/openapi.json", "/docs")

_UPSERT = (
    'INSERT INTO rate_limit_counters ("key", "count", "expires_at") VALUES ({}, 1, {}) '
    'ON CONFLICT ("key") DO UPDATE SET "count" = rate_limit_counters."count" + 1 '
    'RETURNING "count"'
)


class DatabaseCounter:
    """Atomic per-window counters in ``rate_limit_counters`` (one upsert per request)."""

    def __init__(self) -> None:
        self._swept_window = 0

    async def hit(self, key: str, window: int) -> int:
        """Count one request for ``key`` in ``window``; returns the count so far."""
        expires = dt.datetime.fromtimestamp((window + 1) * WINDOW_S, dt.UTC)
        rows = await RateLimitCounter.raw(_UPSERT, f"{key}:{window}", expires)
        if window != self._swept_window:
            # Once per window per process: drop the counters of windows that have ended.
            self._swept_window = window
            await RateLimitCounter.delete().where(
                RateLimitCounter.expires_at < dt.datetime.now(dt.UTC)
            )
        return int(rows[0]["count"])


def _identity(conn: HTTPConnection, secret: str) -> str:
    token = bearer_token(conn)
    if token:
        try:
            # Signature only: a revoked or disabled user's requests are refused later anyway,
            # and still counted against them here.
            claims = jwt.decode(token, secret, algorithms=[ALGORITHM])
            return f"user:{claims['sub']}"
        except (jwt.InvalidTokenError, KeyError):
            pass
    return f"ip:{conn.client.host if conn.client else 'unknown'}"


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, counter: DatabaseCounter | None = None) -> None:
        self.app = app
        self.counter = counter or DatabaseCounter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(EXEMPT_PATHS):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        settings = conn.app.state.settings
        now = time.time()
        window = int(now // WINDOW_S)
        reset = (window + 1) * WINDOW_S
        buckets = [(_identity(conn, settings.jwt_secret), settings.rate_limit)]
        if path in AUTH_PATHS:
            ip = conn.client.host if conn.client else "unknown"
            buckets.append((f"auth:{ip}", settings.auth_rate_limit))
        try:
            counts = [(await self.counter.hit(key, window), limit) for key, limit in buckets]
        except Exception:
            # Fail open: an outage of the counter store must not take the API down with it.
            log.warning("rate limiter unavailable; request not counted", exc_info=True)
            await self.app(scope, receive, send)
            return
        # Report the bucket closest to its limit.
        count, limit = max(counts, key=lambda c: c[0] / max(c[1], 1))
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - count)),
            "X-RateLimit-Reset": str(reset),
        }
        if count > limit:
            retry = max(1, math.ceil(reset - now))
            error = ApiError(
                "RATE_LIMIT_EXCEEDED",
                f"Too many requests: the limit is {limit} per minute; retry in {retry} s",
                {"limit": limit, "retryAfter": retry},
                headers={**headers, "Retry-After": str(retry)},
            )
            await error_response(error)(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
