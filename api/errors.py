"""The error envelope of the API spec and the exception that produces it."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

# Codes of the API spec, plus NOT_FOUND / NO_PERSON_DETECTED / INTERNAL_ERROR for cases the
# spec's list does not name.
STATUS_CODES = {
    "VALIDATION_ERROR": 400,
    "AUTHENTICATION_ERROR": 401,
    "AUTHORIZATION_ERROR": 403,
    "SESSION_NOT_FOUND": 404,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "FILE_TOO_LARGE": 413,
    "UNSUPPORTED_FORMAT": 422,
    "RESULTS_NOT_READY": 409,
    "RATE_LIMIT_EXCEEDED": 429,
    "PROCESSING_ERROR": 500,
    "INTERNAL_ERROR": 500,
}


class ApiError(Exception):
    """An error the client should see, rendered as the spec's envelope."""

    def __init__(
        self, code: str, message: str, details: Any = None, status_code: int | None = None
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.status_code = status_code or STATUS_CODES.get(code, 400)


def ok(data: Any, status_code: int = 200, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"success": True, "data": data}, status_code=status_code, headers=headers)


def error_body(code: str, message: str, details: Any = None) -> dict:
    return {"success": False, "error": {"code": code, "message": message, "details": details}}


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=exc.status_code)


_HTTP_CODES = {
    401: "AUTHENTICATION_ERROR",
    403: "AUTHORIZATION_ERROR",
    404: "NOT_FOUND",
    405: "VALIDATION_ERROR",
    413: "FILE_TOO_LARGE",
}


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "VALIDATION_ERROR")
    return JSONResponse(
        error_body(code, exc.detail or "Request failed"),
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(error_body("INTERNAL_ERROR", "Internal server error"), status_code=500)


EXCEPTION_HANDLERS = {
    ApiError: api_error_handler,
    HTTPException: http_error_handler,
    Exception: unhandled_error_handler,
}
