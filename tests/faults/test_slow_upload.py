"""A client that declares a large body and then stalls or trickles is cut off with 408.

Raw sockets against a real server: the deadlines are configured short for the test.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from pathlib import Path

import pytest

from tests.faults.server import Server, register

IDLE_S, TOTAL_S = 1.5, 4.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with Server(
        tmp_path_factory.mktemp("slow"),
        BIOME_UPLOAD_IDLE_TIMEOUT_S=str(IDLE_S),
        BIOME_UPLOAD_TIMEOUT_S=str(TOTAL_S),
    ) as s:
        yield s


def upload_head(server: Server, headers: dict, declared: int, boundary: str) -> bytes:
    lines = [
        "POST /v1/analysis/upload HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        f"Authorization: {headers['Authorization']}",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        f"Content-Length: {declared}",
    ]
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="exerciseName"\r\n\r\nsquat\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="a.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    )
    return ("\r\n".join(lines) + "\r\n\r\n" + part).encode() + b"\0\0\0\x18ftypmp42"


def response_of(sock: socket.socket, limit_s: float) -> tuple[int, dict, float]:
    """(status, JSON body, seconds waited) of the server's answer."""
    started = time.monotonic()
    sock.settimeout(limit_s)
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    return status, json.loads(body[body.index(b"{") :]), time.monotonic() - started


def uploads_in_tmp(server: Server) -> list[Path]:
    return list((server.data_dir / "tmp").rglob("*.upload"))


def test_a_stalled_upload_is_cut_off_at_the_idle_deadline(server):
    headers = register(server.base)
    boundary = uuid.uuid4().hex
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(upload_head(server, headers, 50 * 2**20, boundary) + b"x" * 1024)
        time.sleep(0.5)
        assert len(uploads_in_tmp(server)) == 1  # the temporary file exists meanwhile
        status, body, waited = response_of(sock, IDLE_S + 10)
    print(f"[faults] stalled upload answered {status} after {waited:.1f} s")
    assert status == 408
    assert body["error"]["code"] == "REQUEST_TIMEOUT"
    assert waited < IDLE_S + 5
    assert uploads_in_tmp(server) == []


def test_a_trickling_upload_is_cut_off_at_the_total_deadline(server):
    headers = register(server.base)
    boundary = uuid.uuid4().hex
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(upload_head(server, headers, 50 * 2**20, boundary))
        sock.setblocking(True)
        answered = None
        # 1 KB a little more often than the idle deadline: never idle, never done.
        while time.monotonic() - started < TOTAL_S + 10:
            try:
                sock.sendall(b"y" * 1024)
            except OSError:
                break  # the server has answered and closed
            sock.settimeout(IDLE_S / 3)
            try:
                peek = sock.recv(65536, socket.MSG_PEEK)
            except TimeoutError:
                continue
            if peek:
                answered = True
                break
        assert answered, "no answer before the total deadline passed"
        status, body, _ = response_of(sock, 10)
    waited = time.monotonic() - started
    print(f"[faults] trickling upload answered {status} after {waited:.1f} s")
    assert status == 408
    assert body["error"]["code"] == "REQUEST_TIMEOUT"
    assert TOTAL_S - 0.5 < waited < TOTAL_S + 5
    assert uploads_in_tmp(server) == []
