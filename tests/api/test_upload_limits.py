"""What one upload may cost: one video part, a body cap across parts, sane boundaries."""

from __future__ import annotations

import uuid

from starlette.requests import Request

from api.errors import ApiError
from api.uploads import parse_multipart
from tests.api.conftest import auth
from tests.api.test_upload import stored_files
from tests.videos import blank_video


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str) -> bytes:
    """A multipart body of (name, filename or None, bytes) parts."""
    out = bytearray()
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            out += b"Content-Type: video/mp4\r\n"
        out += b"\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


def leftovers(app) -> list:
    """Files under the data dir's tmp/."""
    return [p for p in stored_files(app) if "tmp" in p.parts]


async def test_a_second_video_part_is_refused_and_nothing_is_left(app, client, user, tmp_path):
    clip = blank_video(tmp_path / "blank.mp4").read_bytes()
    before = stored_files(app)
    boundary = uuid.uuid4().hex
    body = multipart(
        [
            ("video", "a.mp4", clip),
            ("video", "b.mp4", clip),
            ("video", "c.mp4", clip),
            ("exerciseName", None, b"squat"),
        ],
        boundary,
    )
    response = await client.post(
        "/v1/analysis/upload",
        headers={**auth(user), "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=body,
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert response.json()["error"]["details"]["field"] == "video"
    assert stored_files(app) == before
    assert leftovers(app) == []


async def test_a_boundary_longer_than_the_parser_takes_is_a_clean_400(client, user, tmp_path):
    clip = blank_video(tmp_path / "blank.mp4").read_bytes()
    for length in (257, 300, 5000):
        boundary = "b" * length
        body = multipart([("video", "a.mp4", clip), ("exerciseName", None, b"squat")], boundary)
        response = await client.post(
            "/v1/analysis/upload",
            headers={**auth(user), "Content-Type": f"multipart/form-data; boundary={boundary}"},
            content=body,
        )
        assert response.status_code == 400, (length, response.text)
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def request_of(body: bytes, boundary: str, chunk: int = 64 * 1024) -> Request:
    """A Starlette request whose body arrives in chunks, without Content-Length (chunked)."""
    pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]

    async def receive():
        data = pieces.pop(0)
        return {"type": "http.request", "body": data, "more_body": bool(pieces)}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [(b"content-type", f"multipart/form-data; boundary={boundary}".encode())],
    }
    return Request(scope, receive)


async def test_the_body_cap_covers_all_parts_together(tmp_path):
    boundary = uuid.uuid4().hex
    # One small file and many fields, each under the per-field cap: the body as a whole is
    # far past the cap, and must be cut off rather than buffered.
    parts = [("video", "a.mp4", b"\0" * 1000)]
    parts += [(f"f{i}", None, b"x" * 60_000) for i in range(40)]
    body = multipart(parts, boundary)
    try:
        await parse_multipart(request_of(body, boundary), tmp_path, max_file_bytes=100_000)
    except ApiError as exc:
        assert exc.status_code == 413, exc.message
        assert exc.code == "FILE_TOO_LARGE"
    else:
        raise AssertionError("a 2.4 MB body passed a 100 kB cap")
    assert list(tmp_path.iterdir()) == []
