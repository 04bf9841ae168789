"""SIGTERM during a long analysis: the server exits within seconds, and the next start
resumes the analysis it handed back."""

from __future__ import annotations

import signal
import time

from tests.faults.server import DONE, Server, register, session, tally, upload, wait_until
from tests.videos import blank_video

GRACE_S = 1.0


def test_sigterm_exits_promptly_and_hands_the_analysis_back(tmp_path):
    clip = blank_video(tmp_path / "long.mp4", seconds=60, fps=30)
    data_dir = tmp_path / "data"
    with Server(data_dir, workers=1, BIOME_SHUTDOWN_GRACE_S=str(GRACE_S)) as first:
        first.workers(1)
        headers = register(first.base)
        sid = upload(first.base, headers, clip)
        wait_until(
            lambda: session(first.base, headers, sid)["progress"] > 2, 300, "frames being analysed"
        )
        sent = time.monotonic()
        first.proc.send_signal(signal.SIGTERM)
        first.proc.wait(60)
        took = time.monotonic() - sent
        print(f"[faults] SIGTERM with an analysis running: exited in {took:.1f} s")
        assert took < GRACE_S + 8, first.log()
        assert "handed back" in first.log()

    with Server(data_dir, workers=1) as second:
        resumed = wait_until(
            lambda: (s := session(second.base, headers, sid))["status"] in DONE and s,
            600,
            "the resumed analysis to finish",
        )
        counts = tally(second.base, headers, [sid], "after SIGTERM and restart")
    assert resumed["errorCode"] == "NO_PERSON_DETECTED"  # its real outcome: nobody in the clip
    assert counts["stuck"] == 0
