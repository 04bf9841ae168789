"""Rate limiting: fixed one-minute windows counted in the database, so that every server process
behind a load balancer shares one count.

A request is counted against its user when it carries a validly signed token, else against its
client IP; login and register are also counted in a stricter per-IP bucket (password guessing,
account farming). Every limited response carries ``X-RateLimit-Limit/Remaining/Reset``; past the
limit the answer is 429 ``RATE_LIMIT_EXCEEDED`` with ``Retry-After``. A new WebSocket counts
as a request (refused with HTTP 429 before it is accepted), and so does each message a socket
sends (answered with an ``error`` event; the socket stays open).
"""

from __future__ import annotations

import dataclasses
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
# Close code for a socket refused before it was accepted (policy violation); servers that can
# answer a handshake with a response send HTTP 429 instead.
CLOSE_RATE_LIMITED = 1008

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


COUNTER = DatabaseCounter()


@dataclasses.dataclass(frozen=True)
class Verdict:
    """Where a caller stands in the current window, after counting one more request."""

    limit: int
    count: int
    reset: int  # Unix seconds when the window ends
    retry_after: int  # seconds until then (at least 1)

    @property
    def refused(self) -> bool:
        return self.count > self.limit

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.count)),
            "X-RateLimit-Reset": str(self.reset),
        }
        if self.refused:
            headers["Retry-After"] = str(self.retry_after)
        return headers

    def error(self) -> ApiError:
        return ApiError(
            "RATE_LIMIT_EXCEEDED",
            f"Too many requests: the limit is {self.limit} per minute; "
            f"retry in {self.retry_after} s",
            {"limit": self.limit, "retryAfter": self.retry_after},
            headers=self.headers(),
        )


async def count_request(
    conn: HTTPConnection, counter: DatabaseCounter | None = None
) -> Verdict | None:
    """Count one request, WebSocket handshake or WebSocket message in the caller's buckets.

    None when the counter store is unavailable: fail open, an outage of it must not take the API
    down with it.
    """
    settings = getattr(conn.app.state, "settings", None)
    if settings is None:
        return None  # an app assembled without the API's settings (a test harness) has no limit
    now = time.time()
    window = int(now // WINDOW_S)
    reset = (window + 1) * WINDOW_S
    buckets = [(_identity(conn, settings.jwt_secret), settings.rate_limit)]
    if conn.scope.get("path") in AUTH_PATHS:
        ip = conn.client.host if conn.client else "unknown"
        buckets.append((f"auth:{ip}", settings.auth_rate_limit))
    try:
        counts = [(await (counter or COUNTER).hit(key, window), limit) for key, limit in buckets]
    except Exception:
        log.warning("rate limiter unavailable; request not counted", exc_info=True)
        return None
    # Report the bucket closest to its limit.
    count, limit = max(counts, key=lambda c: c[0] / max(c[1], 1))
    return Verdict(limit, count, reset, max(1, math.ceil(reset - now)))


class RateLimitMiddleware:
    """HTTP requests and new WebSockets; the socket handlers count each message they receive
    with ``count_request`` in the same buckets."""

    def __init__(self, app: ASGIApp, counter: DatabaseCounter | None = None) -> None:
        self.app = app
        self.counter = counter or COUNTER

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] not in ("http", "websocket") or path.startswith(EXEMPT_PATHS):
            await self.app(scope, receive, send)
            return
        verdict = await count_request(HTTPConnection(scope), self.counter)
        if verdict is None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            if verdict.refused:
                await _refuse_socket(scope, receive, send, verdict)
            else:
                await self.app(scope, receive, send)
            return
        if verdict.refused:
            await error_response(verdict.error())(scope, receive, send)
            return
        headers = verdict.headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse_socket(scope: Scope, receive: Receive, send: Send, verdict: Verdict) -> None:
    """Refuse a WebSocket before accepting it: HTTP 429 with the envelope and ``Retry-After``
    where the server can send a response to a handshake, else a close (the server answers 403)."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": CLOSE_RATE_LIMITED})
        return
    response = error_response(verdict.error())
    await send(
        {
            "type": "websocket.http.response.start",
            "status": response.status_code,
            "headers": response.raw_headers,
        }
    )
    await send({"type": "websocket.http.response.body", "body": response.body})
