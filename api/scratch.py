"""A scratch folder per server process under ``tmp/``, and the sweep of what dead ones left.

Uploads in progress, downloads for the workers and drawn keyframes live in the folder of the
process that made them. The process holds an exclusive ``flock`` on the folder's ``.lock`` for
its lifetime; the kernel drops it when the process dies however it dies (``kill -9``), so at
start-up any folder whose lock can be taken belongs to nobody and is removed. Several servers
may share one data dir: a live one's folder is never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import shutil
import time
from pathlib import Path

log = logging.getLogger("biome.scratch")

PREFIX = "proc-"
LOCK = ".lock"


class Scratch:
    """This process's folder; ``close()`` removes it."""

    def __init__(self, path: Path, lock_fd: int):
        self.path = path
        self._lock_fd = lock_fd

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.close(self._lock_fd)


def claim(tmp_root: Path, loose_age_s: float) -> Scratch:
    """Sweep ``tmp_root``, then make and lock this process's folder in it."""
    tmp_root.mkdir(parents=True, exist_ok=True)
    swept = sweep(tmp_root, loose_age_s)
    if swept:
        log.info("removed %d temporary files and folders left by stopped processes", swept)
    path = tmp_root / f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir()
    fd = os.open(path / LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return Scratch(path, fd)


def sweep(tmp_root: Path, loose_age_s: float) -> int:
    """Remove dead processes' folders, and loose entries older than ``loose_age_s``.

    Loose entries (not in a process folder) come from callers that write to ``tmp/`` itself;
    none of them lives longer than an upload's total deadline, which ``loose_age_s`` exceeds.
    """
    removed = 0
    now = time.time()
    for entry in tmp_root.iterdir():
        try:
            if entry.is_dir() and entry.name.startswith(PREFIX):
                if _abandoned(entry, now, loose_age_s):
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
            elif now - entry.lstat().st_mtime > loose_age_s:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed += 1
        except FileNotFoundError:
            continue  # another process removed it first
    return removed


def _abandoned(folder: Path, now: float, loose_age_s: float) -> bool:
    try:
        fd = os.open(folder / LOCK, os.O_RDWR)
    except FileNotFoundError:
        # Being created this instant by another process, or broken long ago.
        return now - folder.stat().st_mtime > loose_age_s
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # its process is alive
    finally:
        os.close(fd)
    return True
