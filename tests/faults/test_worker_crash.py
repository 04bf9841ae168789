"""A worker killed under a job fails only that job: retried once, then WORKER_CRASHED.

The other worker's analysis runs on to its real outcome. Workers are killed from outside,
by pid, as the kernel's OOM killer would.
"""

from __future__ import annotations

import os
import re
import signal

from tests.faults.server import (
    DONE,
    Server,
    register,
    session,
    tally,
    upload,
    wait_until,
)
from tests.videos import blank_video


def worker_of(server: Server, session_id: str, exclude: list[int]) -> int | None:
    """The worker process the server's log says runs ``session_id`` (not one of ``exclude``)."""
    found = re.findall(rf"session {session_id} runs on worker process (\d+)", server.log())
    pids = [int(p) for p in found if int(p) not in exclude]
    return pids[-1] if pids else None


def finished(base, headers, sid):
    s = session(base, headers, sid)
    return s if s["status"] in DONE else None


def test_a_crash_touches_only_its_own_job_which_is_retried_once(tmp_path):
    clip = blank_video(tmp_path / "long.mp4", seconds=60, fps=30)
    with Server(tmp_path / "data", workers=2) as server:
        original = server.workers(2)
        alice, bob = register(server.base), register(server.base)
        a = upload(server.base, alice, clip)
        b = upload(server.base, bob, clip)
        for h, sid in ((alice, a), (bob, b)):
            wait_until(
                lambda h=h, sid=sid: session(server.base, h, sid)["progress"] > 2,
                300,
                "both analyses running",
            )

        # One crash: that job is retried in a fresh worker, the other job is untouched.
        os.kill(original[0], signal.SIGKILL)
        outcomes = {
            sid: wait_until(
                lambda sid=sid, h=h: finished(server.base, h, sid), 300, "both analyses to finish"
            )
            for h, sid in ((alice, a), (bob, b))
        }
        tally(server.base, alice, [a], "after one worker kill (alice)")
        tally(server.base, bob, [b], "after one worker kill (bob)")
        assert {s["errorCode"] for s in outcomes.values()} == {"NO_PERSON_DETECTED"}
        assert original[0] not in server.workers(2)

        # Two crashes of the same job: it fails with its own code; the service goes on.
        c = upload(server.base, alice, clip)
        killed: list[int] = []
        for attempt in (1, 2):
            pid = wait_until(
                lambda: worker_of(server, c, exclude=killed), 300, f"attempt {attempt} on a worker"
            )
            wait_until(
                lambda: session(server.base, alice, c)["progress"] > 2,
                300,
                f"attempt {attempt} analysing frames",
            )
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        crashed = wait_until(lambda: finished(server.base, alice, c), 60, "the job to fail")
        counts = tally(server.base, alice, [a, c], "after two kills of one job")
        assert crashed["status"] == "failed"
        assert crashed["errorCode"] == "WORKER_CRASHED"
        assert "stopped unexpectedly" in crashed["errorMessage"]
        assert counts["stuck"] == 0
        # And the next job runs normally.
        d = upload(server.base, bob, blank_video(tmp_path / "short.mp4", seconds=2))
        again = wait_until(lambda: finished(server.base, bob, d), 300, "a job after the crashes")
        assert again["errorCode"] == "NO_PERSON_DETECTED"
