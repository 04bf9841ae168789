"""A corpus of bad videos, generated here: each gets its named error, leaves no orphan file,
and the server keeps serving.

Rejected at upload (nothing written): zero bytes, text renamed .mp4, a 6-minute clip, 101 MB
(declared and chunked). Accepted (they pass the content sniff) and then failed with a clear
code: a truncated MP4 and an AV1 MP4 that OpenCV cannot decode (PROCESSING_ERROR), an empty
room (NO_PERSON_DETECTED). Their only file is their own video, gone when the session is deleted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.api.conftest import auth, register
from tests.api.test_upload import wait_for_status
from tests.security import count
from tests.videos import blank_video

MB = 1024 * 1024


def files_on_disk(app) -> set[Path]:
    root = app.state.settings.data_dir
    return {
        p.relative_to(root)
        for p in root.rglob("*")
        if p.is_file() and ("storage" in p.parts or "tmp" in p.parts)
    }


def av1_video(path: Path) -> Path:
    """An AV1 MP4 (PyAV's SVT-AV1 encoder); this OpenCV opens it but decodes no frame."""
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("libsvtav1", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for _ in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), 90, np.uint8), "rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def truncated_mp4(path: Path) -> Path:
    whole = blank_video(path.with_suffix(".whole.mp4"), seconds=2).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # the index (moov) at the end is cut off
    return path


def sparse_mp4(path: Path, size: int) -> Path:
    with open(path, "wb") as f:
        f.write(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom")
        f.truncate(size)  # sparse: costs no disk, reads as zeros
    return path


async def upload(client, user, path: Path, name: str = "clip.mp4"):
    with open(path, "rb") as f:
        return await client.post(
            "/v1/analysis/upload",
            headers=auth(user),
            files={"video": (name, f, "video/mp4")},
            data={"exerciseName": "squat"},
        )


async def still_serving(client, user) -> None:
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/v1/analysis/sessions", headers=auth(user))).status_code == 200


REJECTED = {
    "zero bytes": (lambda p: (p.write_bytes(b""), p)[1], 400, "VALIDATION_ERROR"),
    "text renamed .mp4": (
        lambda p: (p.write_text("just some text, honest\n" * 50), p)[1],
        422,
        "UNSUPPORTED_FORMAT",
    ),
    # 32×32 at 1 fps: six minutes of video in a few kilobytes.
    "6-minute clip": (
        lambda p: blank_video(p, seconds=360, fps=1, size=(32, 32)),
        400,
        "VALIDATION_ERROR",
    ),
    "101 MB": (lambda p: sparse_mp4(p, 101 * MB), 413, "FILE_TOO_LARGE"),
}


@pytest.mark.parametrize("case", list(REJECTED))
async def test_rejected_at_upload_with_its_error_and_nothing_left(app, client, tmp_path, case):
    user = await register(client)
    make, status, code = REJECTED[case]
    video = make(tmp_path / "clip.mp4")
    before = files_on_disk(app)
    response = await upload(client, user, video)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert files_on_disk(app) == before
    listed = await client.get("/v1/analysis/sessions", headers=auth(user))
    assert listed.json()["data"]["pagination"]["total"] == 0  # no half-made session either
    await still_serving(client, user)
    count("bad videos: rejected at upload with their named error, nothing left")


async def test_101_mb_without_a_declared_length_is_cut_off_while_streaming(app, client, tmp_path):
    user = await register(client)
    video = sparse_mp4(tmp_path / "big.mp4", 101 * MB)
    boundary = "biome-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="exerciseName"\r\n\r\nsquat\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="big.mp4"'
        "\r\nContent-Type: video/mp4\r\n\r\n"
    ).encode()
    sent = 0

    async def body():
        nonlocal sent
        yield head
        with open(video, "rb") as f:
            while chunk := f.read(MB):
                sent += len(chunk)
                yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    before = files_on_disk(app)
    response = await client.post(
        "/v1/analysis/upload",
        headers={**auth(user), "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=body(),
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "FILE_TOO_LARGE"
    assert files_on_disk(app) == before
    await still_serving(client, user)


ACCEPTED_THEN_FAILED = {
    "truncated mp4": (truncated_mp4, "PROCESSING_ERROR"),
    "AV1 that OpenCV cannot decode": (av1_video, "PROCESSING_ERROR"),
    "no person in frame": (lambda p: blank_video(p, seconds=2), "NO_PERSON_DETECTED"),
}


@pytest.mark.parametrize("case", list(ACCEPTED_THEN_FAILED))
async def test_undecodable_or_empty_videos_fail_their_session(app, client, tmp_path, case):
    user = await register(client)
    make, code = ACCEPTED_THEN_FAILED[case]
    video = make(tmp_path / "clip.mp4")
    before = files_on_disk(app)
    response = await upload(client, user, video)
    assert response.status_code == 201, response.text
    session_id = response.json()["data"]["sessionId"]
    session = await wait_for_status(client, user, session_id, {"completed", "failed"})
    assert session["status"] == "failed"
    assert session["errorCode"] == code
    assert len(session["errorMessage"]) > 10
    results = await client.get(f"/v1/analysis/sessions/{session_id}/results", headers=auth(user))
    assert results.json()["error"]["code"] == code
    # Its one file is its own video, under its own prefix; deleting the session removes it.
    new = files_on_disk(app) - before
    assert [p.name for p in new] == ["original.mp4"]
    assert session_id in str(next(iter(new)))
    deleted = await client.delete(f"/v1/analysis/sessions/{session_id}", headers=auth(user))
    assert deleted.status_code == 204
    assert files_on_disk(app) == before
    await still_serving(client, user)
    count("bad videos: accepted, then failed with a named error; no file left after delete")
