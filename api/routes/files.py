"""GET /files/{key}: a stored video or image, reached by a signed link (see api/links.py)."""

from __future__ import annotations

import asyncio
import mimetypes

from starlette.requests import Request
from starlette.responses import FileResponse, StreamingResponse

from api.errors import ApiError
from api.links import verify
from api.openapi import SIGNED, operation, query
from api.parsing import MAX_INT_DIGITS, ascii_int, invalid, query_raw
from api.schemas import string

CHUNK = 256 * 1024
BYTES = {"type": "string", "contentMediaType": "application/octet-stream"}


@operation(
    summary="Download a stored file through a signed link",
    tag="Files",
    access=SIGNED,
    description="The links come in `videoUrl`, `profileImageUrl` and the export; they expire.",
    params=(
        query(
            "expires",
            string(pattern=f"^[0-9]{{1,{MAX_INT_DIGITS}}}$"),
            "Expiry, Unix seconds",
            required=True,
        ),
        query("signature", string(), "HMAC of the key and expiry", required=True),
    ),
    responses={200: ("The file's bytes", BYTES, "application/octet-stream")},
    errors={403: "The link is invalid or has expired", 404: "No such file"},
)
async def download(request: Request):
    key = request.path_params["key"]
    settings = request.app.state.settings
    expires = ascii_int(query_raw(request, "expires"))
    if expires is None:
        raise invalid("expires", "integer", "expires must be Unix seconds in ASCII digits")
    signature = query_raw(request, "signature") or ""
    if not verify(settings.jwt_secret, key, expires, signature):
        raise ApiError("AUTHORIZATION_ERROR", "The link is invalid or has expired")
    storage = request.app.state.storage
    if not await storage.exists(key):
        raise ApiError("NOT_FOUND", "No such file")
    media_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    headers = {"Cache-Control": "private, max-age=300"}
    if (path := storage.local_path(key)) is not None:
        return FileResponse(path, media_type=media_type, headers=headers)
    size = await storage.size(key)

    async def chunks():
        f = await asyncio.to_thread(storage.open, key)
        try:
            while data := await asyncio.to_thread(f.read, CHUNK):
                yield data
        finally:
            await asyncio.to_thread(f.close)

    return StreamingResponse(
        chunks(), media_type=media_type, headers={**headers, "Content-Length": str(size)}
    )
