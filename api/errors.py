"""The error envelope of the API spec and the exception that produces it."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Match, Mount

from api.logs import request_id

# Codes of the API spec, plus NOT_FOUND / NO_PERSON_DETECTED / INTERNAL_ERROR for cases the
# spec's list does not name.
STATUS_CODES = {
    "VALIDATION_ERROR": 400,
    "AUTHENTICATION_ERROR": 401,
    "AUTHORIZATION_ERROR": 403,
    "SESSION_NOT_FOUND": 404,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "CONFLICT": 409,
    "FILE_TOO_LARGE": 413,
    "UNSUPPORTED_FORMAT": 422,
    "RESULTS_NOT_READY": 409,
    "RATE_LIMIT_EXCEEDED": 429,
    "PROCESSING_ERROR": 500,
    "INTERNAL_ERROR": 500,
    "SERVICE_UNAVAILABLE": 503,
    # A worker process died under the analysis twice (a session's error code).
    "WORKER_CRASHED": 500,
    # An upload that stalled past its idle deadline or ran past its total one.
    "REQUEST_TIMEOUT": 408,
}


class ApiError(Exception):
    """An error the client should see, rendered as the spec's envelope."""

    def __init__(
        self,
        code: str,
        message: str,
        details: Any = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.status_code = status_code or STATUS_CODES.get(code, 400)
        self.headers = headers


def ok(data: Any, status_code: int = 200, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"success": True, "data": data}, status_code=status_code, headers=headers)


def error_body(code: str, message: str, details: Any = None) -> dict:
    """The spec's error envelope; ``requestId`` ties it to the server's log lines."""
    return {
        "success": False,
        "error": {
            "code": code,
            "message": message,
            "details": details,
            "requestId": request_id.get(),
        },
    }


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


def error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(
        error_body(exc.code, exc.message, exc.details),
        status_code=exc.status_code,
        headers=exc.headers,
    )


_HTTP_CODES = {
    401: "AUTHENTICATION_ERROR",
    403: "AUTHORIZATION_ERROR",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "FILE_TOO_LARGE",
}


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "VALIDATION_ERROR")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Each method has a route of its own, and the router names only the first route's
        # methods: list every method the path answers.
        # (Routing rewrote the scope's root_path for the mount it went into: start from the top.)
        top = {**request.scope, "root_path": request.scope.get("app_root_path", "")}
        headers["Allow"] = ", ".join(_allowed_methods(request.app.routes, top))
    return JSONResponse(
        error_body(code, exc.detail or "Request failed"),
        status_code=exc.status_code,
        headers=headers,
    )


def _allowed_methods(routes, scope) -> list[str]:
    """The methods some route answers on this path, routed as the router does: a mount that
    takes the path takes every method, so nothing after it is reached."""
    methods: set[str] = set()
    for route in routes:
        match, child = route.matches(scope)
        if match == Match.NONE:
            continue
        if isinstance(route, Mount):
            methods.update(_allowed_methods(route.routes, {**scope, **child}))
            break
        methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


async def unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(error_body("INTERNAL_ERROR", "Internal server error"), status_code=500)


EXCEPTION_HANDLERS = {
    ApiError: api_error_handler,
    HTTPException: http_error_handler,
    Exception: unhandled_error_handler,
}
