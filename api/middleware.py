"""The outermost layer of every request: its id, its access log line, security headers, and the
500 envelope for anything nothing else caught.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from api.logs import request_id

log = logging.getLogger("biome.http")

# A caller's (or proxy's) id is kept when it is short and plain, so traces line up end to end.
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    # JSON and files only: nothing here may run scripts or be framed. /docs sets its own.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    # Health data: no shared cache keeps a response unless its handler says otherwise.
    "Cache-Control": "no-store",
}


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        rid = incoming if incoming and _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status: int | None = None

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = rid
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        try:
            if b"%00" in scope.get("query_string", b"") or "\x00" in scope["path"]:
                # No parameter of ours holds NUL, and PostgreSQL text cannot store one.
                response = JSONResponse(
                    error_body("VALIDATION_ERROR", "NUL characters are not allowed in the URL"),
                    status_code=400,
                )
                if scope["type"] == "http":
                    await response(scope, receive, send_wrapper)
                else:
                    await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method", "WS"), scope["path"])
            if scope["type"] != "http" or status is not None:
                raise
            response = JSONResponse(
                error_body("INTERNAL_ERROR", "Internal server error"), status_code=500
            )
            await response(scope, receive, send_wrapper)
        finally:
            if scope["type"] == "http":
                # The path only: query strings may carry tokens (?token= on WebSockets).
                log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "durationMs": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            request_id.reset(token)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None
