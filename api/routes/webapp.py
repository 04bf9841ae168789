"""The web app's files: ``index.html`` for every page of the app, the hashed bundle under /assets.

The app routes in the browser (``/results/<id>``, ``/history`` …), so any GET that is not the API
answers ``index.html`` (a deep link or a reload then opens the right page). Vite names every
built asset after its content hash, so those are cached for a year; ``index.html`` names them,
so it is revalidated on every load. None of this is API: no route here is in the contract.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from api.errors import ApiError

WEBAPP_DIR = Path(__file__).resolve().parent.parent / "webapp"
ASSETS_DIR = WEBAPP_DIR / "assets"

# The app's own scripts and styles only (no inline ones); media and pictures also come from
# blob: (a recording's preview) and data: URLs; the API's WebSockets are same-host.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'"
)
HTML_HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-cache",
    # The record page films with the webcam (video only); the API's default forbids the camera.
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}
IMMUTABLE = "public, max-age=31536000, immutable"
# First path segments that belong to the service, never to the app: an unknown path under
# them is the API's JSON 404, not a page.
RESERVED = {"v1", "ws", "docs", "openapi.json", "health", "assets"}

_MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Biome</title></head>
<body><h1>Biome</h1><p>The web app is not built. Run <code>cd web &amp;&amp; npm ci &amp;&amp;
npm run build</code>, then reload. The API is at <a href="/docs">/docs</a>.</p></body></html>
"""

for _type, _ext in (("font/woff2", ".woff2"), ("application/manifest+json", ".webmanifest")):
    mimetypes.add_type(_type, _ext)


def _not_found() -> ApiError:
    return ApiError("NOT_FOUND", "Not found")


async def page(request: Request) -> Response:
    """``index.html`` for any app path; a file of the bundle's root (favicon …) by its name."""
    path = request.path_params.get("path", "")
    first = path.split("/", 1)[0]
    if first in RESERVED:
        raise _not_found()
    index = WEBAPP_DIR / "index.html"
    if path and "." in path.rsplit("/", 1)[-1]:
        # Looks like a file: the bundle's own (not hashed, so revalidated), or a plain 404
        # rather than the app's HTML under a script's or an image's name.
        file = (WEBAPP_DIR / path).resolve()
        if file.is_relative_to(WEBAPP_DIR) and file.is_file() and file != index:
            return FileResponse(file, headers={"Cache-Control": "no-cache"})
        raise _not_found()
    if not index.is_file():
        return HTMLResponse(_MISSING, headers=HTML_HEADERS)
    return FileResponse(index, media_type="text/html", headers=HTML_HEADERS)


class AssetFiles(StaticFiles):
    """The hashed bundle: cached for good. A missing file is the API's 404."""

    def __init__(self) -> None:
        super().__init__(directory=ASSETS_DIR, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not ASSETS_DIR.is_dir():
            raise HTTPException(404, "Not found")
        # Read at call time, like index.html: a build after start-up is served as it is.
        self.directory, self.all_directories = ASSETS_DIR, [ASSETS_DIR]
        await super().__call__(scope, receive, send)

    def file_response(self, *args, **kwargs) -> Response:
        response = super().file_response(*args, **kwargs)
        if response.status_code in (200, 206, 304):
            response.headers["Cache-Control"] = IMMUTABLE
        return response
