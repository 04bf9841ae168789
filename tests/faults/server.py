"""A real ``biome serve`` process for the fault tests, and what can be seen of it from outside.

Workers are found as the server's child processes (``/proc``), the way an operator would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import REPO

DONE = ("completed", "failed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` and that run a multiprocessing worker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and b"spawn_main" in cmdline and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


class Server:
    """``python -m api.cli serve`` on a free port, on the suite's database engine."""

    def __init__(self, data_dir: Path, workers: int = 1, **env: str):
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / f"server-{self.port}.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "BIOME_DATA_DIR": str(data_dir),
            "BIOME_WORKERS": str(workers),
            "BIOME_RATE_LIMIT": "100000",
            "BIOME_AUTH_RATE_LIMIT": "100000",
            **env,
        }
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 300) -> Server:
        self._log = open(self.log_path, "w+")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port)],
            cwd=REPO,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base}/health", timeout=10).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = self.log()
                self.stop()  # never leave a half-started server behind
                raise AssertionError(f"server did not start in {timeout} s:\n{log[-4000:]}")
            time.sleep(0.5)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def workers(self, n: int, timeout: float = 120) -> list[int]:
        """The server's worker pids, once there are ``n`` of them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found := children(self.pid)) >= n:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{n} workers never appeared: {children(self.pid)}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self._log.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def register(base: str) -> dict:
    name = f"f{os.urandom(6).hex()}"
    response = httpx.post(
        f"{base}/v1/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": "a long password"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['data']['token']}"}


def upload(base: str, headers: dict, path: Path, exercise: str = "squat") -> str:
    with open(path, "rb") as f:
        response = httpx.post(
            f"{base}/v1/analysis/upload",
            headers=headers,
            files={"video": (path.name, f, "video/mp4")},
            data={"exerciseName": exercise},
            timeout=60,
        )
    assert response.status_code == 201, response.text
    return response.json()["data"]["sessionId"]


def session(base: str, headers: dict, session_id: str) -> dict:
    response = httpx.get(f"{base}/v1/analysis/sessions/{session_id}", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def wait_until(predicate, timeout: float, what: str, period: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(period)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def tally(base: str, headers: dict, ids: list[str], label: str) -> dict[str, int]:
    """Print and return how many sessions are completed / failed / stuck (neither)."""
    statuses = [session(base, headers, sid)["status"] for sid in ids]
    counts = {
        "completed": statuses.count("completed"),
        "failed": statuses.count("failed"),
        "stuck": sum(s not in DONE for s in statuses),
    }
    print(
        f"[faults] {label}: sessions completed {counts['completed']} / failed {counts['failed']}"
        f" / stuck {counts['stuck']}"
    )
    return counts
