"""Parse and validate at the edge, in one place: JSON bodies and WebSocket messages, query
parameters, ids in paths, integers in headers and links.

Everything a client sends passes through here before a handler reads it, so hostile input
(JSON nested 100,000 deep, lone UTF-16 surrogates, 5,000-digit or non-ASCII numbers, dates whose
offset crosses the ends of the calendar) is a 400 ``VALIDATION_ERROR`` in the spec's envelope,
never an exception nothing expected. Handlers get plain Python values of the declared shape.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import uuid
from collections.abc import Collection
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.exceptions import best_match
from starlette.requests import HTTPConnection, Request

from api.errors import ApiError
from api.schemas import COMPONENTS

# Our largest JSON body is a chat message of 2,000 characters, ≤ 12 kB even as \uXXXX escapes.
MAX_JSON_BYTES = 64 * 1024
# Our bodies are flat objects; 32 levels leaves room for any client's framing.
MAX_JSON_DEPTH = 32
MAX_JSON_INT_DIGITS = 64
MAX_INT_DIGITS = 18  # query and header integers: well inside int64
MAX_QUERY_CHARS = 1000

_STRUCTURE = re.compile(r'[\[\]{}"\\]')
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# RFC 3339 (any case T/Z, up to nanoseconds), also without seconds or offset (then UTC).
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})?$", re.ASCII
)
UTC_MIN = dt.datetime.min.replace(tzinfo=dt.UTC)
UTC_MAX = dt.datetime.max.replace(tzinfo=dt.UTC)


def invalid(field: str | None, reason: str, message: str) -> ApiError:
    """The 400 every refusal here answers with: ``details`` names the field and the reason."""
    return ApiError("VALIDATION_ERROR", message, {"field": field, "reason": reason})


# -- JSON ---------------------------------------------------------------------------------------


def _depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (one linear pass, before any
    recursive parser sees the text)."""
    depth, in_string, skip = 0, False, -1
    for match in _STRUCTURE.finditer(text):
        pos, char = match.start(), match.group()
        if pos == skip:
            continue  # the character after a backslash
        if char == "\\":
            skip = pos + 1
        elif char == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise ValueError("integer too long")
    return int(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bad_text_field(value: Any) -> str | None:
    """The top-level key (or "") under which a string holds NUL or a lone surrogate."""
    stack = [(value, "")]
    while stack:
        item, field = stack.pop()
        if isinstance(item, str):
            if _BAD_TEXT.search(item):
                return field
        elif isinstance(item, dict):
            for key, child in item.items():
                if _BAD_TEXT.search(key):
                    return field or key
                stack.append((child, field or key))
        elif isinstance(item, list):
            stack.extend((child, field) for child in item)
    return None


def json_value(raw: bytes | str, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse one JSON document under the limits above, or raise a 400 ``ApiError``."""
    if len(raw) > max_bytes:
        raise invalid(None, "too_large", f"The JSON document is larger than {max_bytes} bytes")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise invalid(None, "encoding", "The JSON document is not valid UTF-8") from exc
    if _depth_exceeds(raw, MAX_JSON_DEPTH):
        raise invalid(None, "too_deep", f"JSON nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        value = json.loads(
            raw,
            parse_float=_finite_float,
            parse_int=_bounded_int,
            parse_constant=_no_constant,
        )
    except (ValueError, RecursionError) as exc:
        raise invalid(None, "not_json", "The body is not valid JSON") from exc
    field = _bad_text_field(value)
    if field is not None:
        # PostgreSQL text cannot hold NUL, and a lone surrogate is not a character (no UTF-8
        # encoding exists for it): no field of ours can store either.
        raise invalid(
            field or None,
            "invalid_character",
            f"{field or 'The body'} contains NUL or an unpaired UTF-16 surrogate",
        )
    return value


async def json_body(request: Request, max_bytes: int = MAX_JSON_BYTES) -> dict:
    """The request's JSON object, read at most ``max_bytes`` far."""
    declared = request.headers.get("content-length")
    if declared is not None:
        length = ascii_int(declared)
        if length is None:
            raise invalid(None, "content_length", "Content-Length must be a number of bytes")
        if length > max_bytes:
            raise invalid(None, "too_large", f"The JSON body is larger than {max_bytes} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise invalid(None, "too_large", f"The JSON body is larger than {max_bytes} bytes")
    value = json_value(bytes(body), max_bytes)
    if not isinstance(value, dict):
        raise invalid(None, "not_object", "The body must be a JSON object")
    validator = _body_validator(request.scope.get("endpoint"))
    if validator is not None and (error := best_match(validator.iter_errors(value))) is not None:
        raise _schema_error(error)
    return value


@functools.cache
def _body_validator(handler: Any) -> Draft202012Validator | None:
    """The JSON Schema the handler's ``@operation`` declares for its JSON body, so the server
    accepts exactly what the contract says (None for a handler that declares none)."""
    operation = getattr(handler, "__openapi__", None)
    body = getattr(operation, "body", None) or {}
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    # References point into the components, as in openapi.json.
    document = {**schema, "components": {"schemas": COMPONENTS}}
    return Draft202012Validator(document, format_checker=FormatChecker())


def _schema_error(error: ValidationError) -> ApiError:
    path = list(error.absolute_path)
    field = str(path[0]) if path else None
    instance = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "required":
        field = next((str(n) for n in error.validator_value if n not in instance), field)
        return invalid(field, "missing", f"{field} is required")
    if error.validator == "additionalProperties":
        properties = error.schema.get("properties", {})
        extra = next((str(k) for k in instance if k not in properties), "")
        return invalid(
            extra[:100] or None, "unknown", f"Unknown field {extra[:100]!r}: not part of this body"
        )
    reason = str(error.validator)
    # The constraint, not the value: a hostile value is not echoed back.
    bound = error.validator_value
    detail = f" {bound}" if isinstance(bound, (int, float, str)) and len(str(bound)) < 80 else ""
    return invalid(field, reason, f"{field or 'The body'} fails the '{reason}{detail}' rule")


def text_field(
    body: dict, name: str, *, required: bool = False, max_chars: int | None = None
) -> str | None:
    """A string member of a parsed body, stripped; None when absent (or null, if optional)."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(name, "missing" if value is None else "type", f"{name} is required text")
    if max_chars is not None and len(value.strip()) > max_chars:
        raise invalid(name, "too_long", f"{name} is longer than {max_chars} characters")
    return value.strip()


# -- numbers and ids ----------------------------------------------------------------------------


def ascii_int(text: str | None, max_digits: int = MAX_INT_DIGITS) -> int | None:
    """A non-negative integer written in ASCII digits only, or None. (``int()`` also takes
    "١٢", "²"-like digits, "+1", " 1" and "1_0", and fails past 4,300 digits.)"""
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def uuid_of(text: str | None) -> uuid.UUID | None:
    """A UUID in its canonical hyphenated ASCII form, or None (``uuid.UUID`` also takes braces,
    "urn:uuid:" and full-width digits)."""
    if not text or not _UUID.match(text):
        return None
    return uuid.UUID(text)


# -- query parameters ---------------------------------------------------------------------------


def query_raw(conn: HTTPConnection, name: str) -> str | None:
    raw = conn.query_params.get(name)
    if raw is not None and len(raw) > MAX_QUERY_CHARS:
        raise invalid(name, "too_long", f"{name} is longer than {MAX_QUERY_CHARS} characters")
    return raw


def query_int(conn: HTTPConnection, name: str, default: int, lo: int, hi: int) -> int:
    raw = query_raw(conn, name)
    if raw is None:
        return default
    value = ascii_int(raw)
    if value is None or not lo <= value <= hi:
        raise invalid(name, "range", f"{name} must be an integer between {lo} and {hi}")
    return value


def query_text(conn: HTTPConnection, name: str, max_chars: int) -> str | None:
    """Stripped text of at most ``max_chars`` characters; None when absent or blank."""
    raw = query_raw(conn, name)
    if raw is None:
        return None
    value = raw.strip()
    if len(value) > max_chars:
        raise invalid(name, "too_long", f"{name} is longer than {max_chars} characters")
    return value or None


def query_choice(conn: HTTPConnection, name: str, choices: Collection[str]) -> str | None:
    raw = query_raw(conn, name)
    if raw is None:
        return None
    if raw not in choices:
        raise invalid(name, "choice", f"{name} must be one of: {', '.join(choices)}")
    return raw


def query_flag(conn: HTTPConnection, name: str) -> bool | None:
    choice = query_choice(conn, name, ("true", "false"))
    return None if choice is None else choice == "true"


def query_uuid(conn: HTTPConnection, name: str) -> uuid.UUID | None:
    raw = query_raw(conn, name)
    if raw is None:
        return None
    value = uuid_of(raw)
    if value is None:
        raise invalid(name, "uuid", f"{name} is not a valid id")
    return value


def query_date(conn: HTTPConnection, name: str, end_of_day: bool = False) -> dt.datetime | None:
    """An ISO date or date-time as an aware UTC datetime; a bare date as ``end_of_day`` is the
    day's last instant. An offset that carries it past either end of the calendar pins it to
    that end (every stored time lies between them, so the filter means the same)."""
    raw = query_raw(conn, name)
    if raw is None:
        return None
    try:
        if _DATE.match(raw):
            day = dt.date.fromisoformat(raw)
            value = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
        elif _DATETIME.match(raw):
            value = dt.datetime.fromisoformat(re.sub("[Zz]$", "+00:00", raw))
        else:
            raise ValueError(raw)
    except ValueError as exc:
        raise invalid(
            name, "date", f"{name} must be a date (YYYY-MM-DD) or an RFC 3339 date-time"
        ) from exc
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        return UTC_MIN if value.utcoffset() > dt.timedelta(0) else UTC_MAX


# The declared schema of a ``query_date`` parameter.
DATE_OR_DATE_TIME = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
}
