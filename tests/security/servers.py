"""Real ``biome serve`` processes on loopback ports, on the suite's database engine."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(data_dir: Path, log_path: Path, **env: str) -> Iterator[str]:
    """Start a server (inheriting DATABASE_URL, so processes may share one database)."""
    port = free_port()
    environ = {**os.environ, "BIOME_DATA_DIR": str(data_dir), "BIOME_WORKERS": "1", **env}
    log = open(log_path, "w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"server did not start:\n{log.read()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def register(base: str, name: str) -> str:
    response = httpx.post(
        f"{base}/v1/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": "a long password"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]["token"]
