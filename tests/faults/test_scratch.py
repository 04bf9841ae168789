"""Start-up sweep of tmp/: dead processes' folders go, live ones' stay, old loose files go."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from api.scratch import LOCK, claim, sweep


def test_dead_folders_go_live_ones_stay(tmp_path):
    root = tmp_path / "tmp"
    live = claim(root, loose_age_s=60)  # this process: alive, lock held
    (live.path / "uploading.upload").write_bytes(b"x")
    # A process that made its folder, wrote half an upload, and was killed.
    code = (
        "import sys; from pathlib import Path; from api.scratch import claim; "
        "s = claim(Path(sys.argv[1]), 60); (s.path / 'half.upload').write_bytes(b'y'); "
        "print(s.path, flush=True); import os; os.kill(os.getpid(), 9)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=False
    )
    dead = root / os.path.basename(out.stdout.strip())
    assert (dead / "half.upload").exists() and (dead / LOCK).exists()
    # Loose entries: an old one (a caller writing to tmp/ itself) and a fresh one.
    old, fresh = root / "old.upload", root / "fresh.upload"
    old.write_bytes(b"o")
    fresh.write_bytes(b"f")
    os.utime(old, (time.time() - 3600, time.time() - 3600))

    removed = sweep(root, loose_age_s=600)

    assert removed == 2
    assert not dead.exists() and not old.exists()
    assert (live.path / "uploading.upload").exists() and fresh.exists()
    live.close()
    assert not live.path.exists()
