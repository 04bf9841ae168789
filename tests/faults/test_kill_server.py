"""``kill -9`` of the server: its workers die with it, and the next start clears what it left.

The killed server had an analysis running and an upload half-sent; the next server on the same
data dir removes the partial file and resumes the analysis.
"""

from __future__ import annotations

import signal
import socket
import time
import uuid

from tests.faults.server import (
    DONE,
    Server,
    alive,
    register,
    session,
    tally,
    upload,
    wait_until,
)
from tests.faults.test_slow_upload import upload_head, uploads_in_tmp
from tests.videos import blank_video


def test_kill_9_takes_the_workers_and_the_next_start_cleans_up(tmp_path):
    clip = blank_video(tmp_path / "long.mp4", seconds=60, fps=30)
    data_dir = tmp_path / "data"
    first = Server(data_dir, workers=2).start()
    try:
        workers = first.workers(2)
        headers = register(first.base)
        sid = upload(first.base, headers, clip)
        wait_until(
            lambda: session(first.base, headers, sid)["progress"] > 2, 300, "frames being analysed"
        )
        # An upload half-sent when the server dies.
        sock = socket.create_connection(("127.0.0.1", first.port))
        sock.sendall(upload_head(first, headers, 50 * 2**20, uuid.uuid4().hex) + b"z" * 65536)
        wait_until(lambda: uploads_in_tmp(first), 10, "the partial upload on disk")
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(10)
        killed = time.monotonic()
        wait_until(lambda: not any(alive(p) for p in workers), 10, "the workers to die")
        print(f"[faults] workers {workers} gone {time.monotonic() - killed:.1f} s after kill -9")
        sock.close()
    finally:
        first.stop()
    assert uploads_in_tmp(first), "the killed server's partial upload should still be there"

    with Server(data_dir, workers=1) as second:
        assert uploads_in_tmp(second) == [], "the next start removes what the dead one left"
        final = wait_until(
            lambda: (s := session(second.base, headers, sid))["status"] in DONE and s,
            600,
            "the resumed analysis to finish",
        )
        counts = tally(second.base, headers, [sid], "after kill -9 and restart")
    # Its real outcome (the clip is empty), not a failure of the service.
    assert final["errorCode"] == "NO_PERSON_DETECTED"
    assert counts["stuck"] == 0
