"""Streaming multipart parsing with a size cap and deadlines, and video container sniffing.

``request.form()`` spools the whole file before anything can be checked; here the body is
parsed as it arrives, the one file part goes straight to a temporary file, and the upload is
cut off the moment it breaks a rule: past the byte cap (413), a second file part (400), no
bytes for the idle deadline or not done by the total one (408). Whatever was written is removed.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MAX_BOUNDARY_LENGTH, MultipartParser, parse_options_header
from starlette.requests import Request

from api.errors import ApiError

MAX_FIELD_BYTES = 64 * 1024
# The text fields together (names, headers, values) may add this much to the file's cap.
MAX_FORM_OVERHEAD = 256 * 1024
UPLOAD_SUFFIX = ".upload"
DEFAULT_IDLE_TIMEOUT_S = 30.0
DEFAULT_TOTAL_TIMEOUT_S = 15 * 60.0


@dataclass
class UploadedFile:
    field_name: str
    filename: str
    path: Path
    size: int


@dataclass
class MultipartForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def discard(self) -> None:
        for f in self.files.values():
            f.path.unlink(missing_ok=True)


def _deadlines(request: Request) -> tuple[float, float]:
    settings = getattr(request.app.state, "settings", None) if "app" in request.scope else None
    return (
        getattr(settings, "upload_idle_timeout_s", DEFAULT_IDLE_TIMEOUT_S),
        getattr(settings, "upload_timeout_s", DEFAULT_TOTAL_TIMEOUT_S),
    )


async def _timed(request: Request, idle_s: float, total_s: float) -> AsyncIterator[bytes]:
    """The body's chunks, or 408 when the client stalls or takes too long overall."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + total_s
    chunks = request.stream().__aiter__()
    while True:
        left = deadline - loop.time()
        try:
            if left <= 0:
                raise TimeoutError
            chunk = await asyncio.wait_for(chunks.__anext__(), min(idle_s, left))
        except StopAsyncIteration:
            return
        except TimeoutError:
            total = left <= idle_s
            raise ApiError(
                "REQUEST_TIMEOUT",
                f"The upload took longer than {total_s:.0f} s"
                if total
                else f"The upload sent nothing for {idle_s:.0f} s",
                {"limitSeconds": total_s if total else idle_s},
                status_code=408,
            ) from None
        yield chunk


async def parse_multipart(request: Request, tmp_dir: Path, max_file_bytes: int) -> MultipartForm:
    """Parse a multipart body with at most one file part, which lands in ``tmp_dir``.

    The caller owns the file. The deadlines come from the app's settings when it has them.
    """
    content_type, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise ApiError("VALIDATION_ERROR", "Expected a multipart/form-data body")
    if len(boundary) > MAX_BOUNDARY_LENGTH:
        raise ApiError(
            "VALIDATION_ERROR",
            f"The multipart boundary is {len(boundary)} characters; at most "
            f"{MAX_BOUNDARY_LENGTH} are accepted (RFC 2046 asks for 70)",
        )
    max_body = max_file_bytes + MAX_FORM_OVERHEAD
    too_large = ApiError(
        "FILE_TOO_LARGE",
        f"The upload exceeds the {max_file_bytes // (1024 * 1024)} MB limit",
        {"limitBytes": max_file_bytes},
    )
    declared = request.headers.get("content-length")
    if declared and declared.isascii() and declared.isdigit() and len(declared) > 15:
        raise too_large
    if declared and declared.isascii() and declared.isdigit() and int(declared) > max_body:
        raise ApiError(
            "FILE_TOO_LARGE",
            f"The upload is {int(declared)} bytes; the limit is {max_file_bytes} bytes",
            {"limitBytes": max_file_bytes},
        )

    form = MultipartForm()
    state: dict = {}
    header_field = bytearray()
    header_value = bytearray()
    headers: dict[bytes, bytes] = {}

    def on_part_begin() -> None:
        headers.clear()
        state.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, disp = parse_options_header(headers.get(b"content-disposition"))
        name = disp.get(b"name", b"").decode("utf-8", "replace")
        state["name"] = name
        if b"filename" in disp:
            if form.files:
                # Each extra part would be one more file of up to the cap on disk.
                raise ApiError(
                    "VALIDATION_ERROR",
                    "One file per upload: a second file part was sent",
                    {"field": name},
                )
            fd, tmp = tempfile.mkstemp(dir=tmp_dir, suffix=UPLOAD_SUFFIX)
            state["file"] = os.fdopen(fd, "wb")
            state["path"] = Path(tmp)
            state["size"] = 0
            state["filename"] = disp[b"filename"].decode("utf-8", "replace")
            form.files[name] = UploadedFile(name, state["filename"], state["path"], 0)
        else:
            state["buf"] = bytearray()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if "file" in state:
            state["size"] += len(chunk)
            if state["size"] > max_file_bytes:
                raise ApiError(
                    "FILE_TOO_LARGE",
                    f"The file exceeds the {max_file_bytes // (1024 * 1024)} MB limit",
                    {"field": state["name"], "limitBytes": max_file_bytes},
                )
            state["file"].write(chunk)
        else:
            state["buf"].extend(chunk)
            if len(state["buf"]) > MAX_FIELD_BYTES:
                raise ApiError("VALIDATION_ERROR", f"Field {state['name']!r} is too long")

    def on_part_end() -> None:
        if "file" in state:
            state["file"].close()
            form.files[state["name"]].size = state["size"]
        elif "buf" in state:
            if b"\0" in state["buf"]:
                raise ApiError("VALIDATION_ERROR", f"Field {state['name']!r} contains NUL")
            form.fields[state["name"]] = state["buf"].decode("utf-8", "replace")
        state.clear()

    idle_s, total_s = _deadlines(request)
    received = 0
    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": on_part_begin,
                "on_part_data": on_part_data,
                "on_part_end": on_part_end,
                "on_header_field": on_header_field,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_headers_finished": on_headers_finished,
            },
        )
        async for chunk in _timed(request, idle_s, total_s):
            received += len(chunk)
            if received > max_body:
                raise too_large
            parser.write(chunk)
        parser.finalize()
    except ApiError:
        _abort(state, form)
        raise
    except BaseException as exc:
        _abort(state, form)
        if not isinstance(exc, Exception):
            raise  # cancelled (client gone, shutdown): nothing to answer
        raise ApiError("VALIDATION_ERROR", "Malformed multipart body") from exc
    return form


def _abort(state: dict, form: MultipartForm) -> None:
    if f := state.get("file"):
        f.close()
    if path := state.get("path"):
        path.unlink(missing_ok=True)
    form.discard()


# (container, mime type, extension) by magic bytes: the name a client sends proves nothing.
def sniff_video(path: Path) -> tuple[str, str] | None:
    """The (mime type, extension) of an MP4 / MOV / AVI / WebM file by its content, else None."""
    with open(path, "rb") as f:
        head = f.read(64)
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime", "mov"
        return "video/mp4", "mp4"
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "video/quicktime", "mov"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo", "avi"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm", "webm"
    return None


def container_duration(path: Path) -> float | None:
    """Seconds of video the container declares (frames / fps), without decoding a frame.

    For a file that passes the sniff but whose stream cannot be decoded, this still enforces
    the duration cap at upload; None when the container does not say.
    """
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            return None
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        frames = float(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0.0)
        return frames / fps if fps > 0 and frames > 0 else None
    finally:
        cap.release()
