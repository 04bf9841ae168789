"""OpenAPI 3.1, generated from the routes: each handler declares its operation with ``@operation``.

The declaration sits next to the handler (summary, who may call it, parameters, body, success
responses, and which path parameters name one of the caller's own resources); the generator walks
the app's route list and fails on any route that has none, so the contract cannot silently miss
an endpoint. The authorization tests read the same declarations.

``python -m api.openapi --write`` regenerates the committed ``openapi.json``; ``--check`` (CI)
fails when it differs from what the code generates.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from api.schemas import COMPONENTS, ref

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "openapi.json"

# Who may call an operation.
PUBLIC, USER, ADMIN, SIGNED = "public", "user", "admin", "signed"


@dataclass(frozen=True)
class Operation:
    """What the contract says about one handler.

    Attributes:
        summary: One line for the operation list.
        tag: The group it is listed under.
        access: "public", "user" (bearer token), "admin" (token of an admin) or "signed"
            (a signed link's query parameters instead of a token).
        responses: Success status → (description, schema of the body or None[, media type]).
            Error responses (the envelope) are added from ``access`` and ``errors``.
        params: Query/header parameter objects; path parameters are added from the path.
        body: The requestBody object, if any.
        errors: Extra error statuses this operation answers, e.g. {404: "…"}.
        owns: Path parameter → kind of resource that must belong to the caller ("session").
            The authorization matrix calls the route with another user's resource of that kind.
        description: Longer text.
        rate_limited: Counted by the rate limiter (everything but probes and the docs).
    """

    summary: str
    tag: str
    access: str = USER
    responses: dict[int, tuple] = field(default_factory=dict)
    params: tuple[dict, ...] = ()
    body: dict | None = None
    errors: dict[int, str] = field(default_factory=dict)
    owns: dict[str, str] = field(default_factory=dict)
    description: str = ""
    rate_limited: bool = True


def operation(**kwargs: Any) -> Callable:
    """Declare a handler's operation: ``@operation(summary=…, tag=…, responses={200: …})``."""
    op = Operation(**kwargs)

    def attach(handler: Callable) -> Callable:
        handler.__openapi__ = op
        return handler

    return attach


def query(name: str, schema: dict, description: str = "", required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


def json_body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


class UndeclaredRoute(Exception):
    """A route has no ``@operation``: the contract would silently miss it."""


@dataclass(frozen=True)
class Endpoint:
    """One operation of the app as routed: the authorization matrix iterates over these."""

    kind: str  # "http" or "websocket"
    method: str
    path: str  # OpenAPI style: /v1/analysis/sessions/{session_id}
    operation: Operation
    handler: Callable


_CONVERTOR = re.compile(r"{([^}:]+)(:[^}]+)?}")


def endpoints(routes: list[BaseRoute], prefix: str = "") -> Iterator[Endpoint]:
    """Every declared operation under ``routes`` (mounts followed), in route order."""
    for route in routes:
        if isinstance(route, Mount):
            yield from endpoints(route.routes or [], prefix + route.path)
            continue
        if not getattr(route, "include_in_schema", True):
            continue
        if isinstance(route, Route | WebSocketRoute):
            path = _CONVERTOR.sub(r"{\1}", prefix + route.path)
            op = getattr(route.endpoint, "__openapi__", None)
            if op is None:
                raise UndeclaredRoute(
                    f"{path} has no @operation declaration (see docs/architecture.md, 'The "
                    "contract'); declare it, or pass include_in_schema=False if it is not API"
                )
            if isinstance(route, WebSocketRoute):
                yield Endpoint("websocket", "GET", path, op, route.endpoint)
                continue
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    yield Endpoint("http", method, path, op, route.endpoint)


def _error(description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": ref("Error")}},
    }
    if headers:
        response["headers"] = headers
    return response


def _operation_id(method: str, path: str) -> str:
    words = [w for w in re.split(r"[/{}_-]+", path) if w and w != "v1"]
    return method.lower() + "".join(w[:1].upper() + w[1:] for w in words)


def _http_operation(ep: Endpoint) -> dict:
    op = ep.operation
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": f"Id of one of the caller's {op.owns[name]}s" if name in op.owns else "",
        }
        for name in re.findall(r"{([^}]+)}", ep.path)
    ]
    responses: dict[str, Any] = {}
    for status, (description, schema, *media) in sorted(op.responses.items()):
        entry: dict[str, Any] = {"description": description}
        if schema is not None:
            entry["content"] = {(media or ["application/json"])[0]: {"schema": schema}}
        responses[str(status)] = entry
    errors = dict(op.errors)
    if op.params or op.body:
        errors.setdefault(400, "Invalid input (VALIDATION_ERROR)")
    if op.access in (USER, ADMIN):
        errors.setdefault(401, "Missing, invalid, expired or revoked token")
    if op.access == ADMIN:
        errors.setdefault(403, "The caller is not an administrator")
    if op.owns:
        errors.setdefault(404, "Not found, or not the caller's")
    if op.rate_limited:
        errors.setdefault(429, "Too many requests (RATE_LIMIT_EXCEEDED)")
    for status, description in sorted(errors.items()):
        headers = (
            {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}}
            if status == 429
            else None
        )
        responses[str(status)] = _error(description, headers)
    responses["default"] = _error("Any other error, in the same envelope")
    out: dict[str, Any] = {
        "operationId": _operation_id(ep.method, ep.path),
        "summary": op.summary,
        "tags": [op.tag],
        "security": [{"bearerAuth": []}] if op.access in (USER, ADMIN) else [],
        "parameters": params + [dict(p) for p in op.params],
        "responses": responses,
    }
    if op.description:
        out["description"] = op.description
    if op.access == ADMIN:
        out["description"] = (op.description + "\n\n" if op.description else "") + "Admin only."
    if op.body is not None:
        out["requestBody"] = op.body
    if not out["parameters"]:
        del out["parameters"]
    return out


def api_version() -> str:
    """The version in pyproject.toml (semver; see docs/architecture.md for when to bump what)."""
    pyproject = REPO / "pyproject.toml"
    if pyproject.is_file():
        return tomllib.loads(pyproject.read_text())["project"]["version"]
    return importlib.metadata.version("biome")


def generate(routes: list[BaseRoute]) -> dict:
    paths: dict[str, dict] = {}
    websockets: dict[str, dict] = {}
    for ep in endpoints(routes):
        if ep.kind == "websocket":
            websockets[ep.path] = {
                "summary": ep.operation.summary,
                "description": ep.operation.description,
                "security": "bearer token as Authorization header or ?token=",
            }
            continue
        paths.setdefault(ep.path, {})[ep.method.lower()] = _http_operation(ep)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Biome API",
            "version": api_version(),
            "description": (
                "AI fitness form coaching. Every response uses the envelope "
                '`{"success": true, "data": …}` or `{"success": false, "error": {code, message, '
                "details, requestId}}`; every response carries `X-Request-ID`, rate-limited ones "
                "`X-RateLimit-Limit/Remaining/Reset`."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
        "x-websockets": websockets,
    }


async def openapi_json(request: Request) -> JSONResponse:
    schema = request.app.state.openapi
    return JSONResponse(schema, headers={"Cache-Control": "no-cache"})


_DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Biome API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>
"""

# Outside the page itself, so the CSP needs no 'unsafe-inline' for scripts.
_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui",
  validatorUrl: null, deepLinking: true, persistAuthorization: false});
"""

DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)


async def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(_DOCS, headers={"Content-Security-Policy": DOCS_CSP})


async def docs_init(request: Request):
    from starlette.responses import Response

    return Response(_INIT, media_type="text/javascript")


def swagger_assets_dir() -> str:
    """Swagger UI 5's files from the swagger-ui-py wheel: no CDN needed (or reachable)."""
    import swagger_ui

    return str(Path(swagger_ui.__file__).parent / "static")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.openapi")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate openapi.json")
    mode.add_argument("--check", action="store_true", help="fail if openapi.json is stale")
    mode.add_argument("--print", action="store_true", help="print the generated document")
    args = parser.parse_args(argv)

    from api.app import routes

    text = json.dumps(generate(routes), indent=2, ensure_ascii=False) + "\n"
    if args.print:
        sys.stdout.write(text)
    elif args.write:
        COMMITTED.write_text(text)
        print(f"wrote {COMMITTED.relative_to(REPO)}")
    else:
        committed = COMMITTED.read_text() if COMMITTED.is_file() else ""
        if committed != text:
            print(
                "openapi.json is out of date with the code: run `uv run python -m api.openapi "
                "--write`, commit it, and bump the version in pyproject.toml by the rules in "
                "docs/architecture.md (major: breaking, minor: additions, patch: docs).",
                file=sys.stderr,
            )
            return 1
        print(f"openapi.json matches the code (version {api_version()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
