"""Object storage through fsspec: a local directory by default, Google Cloud Storage for gs://.

Keys follow the spec's layout, ``users/{user_id}/sessions/{session_id}/original.<ext>``. A reader
never sees half a file: on disk it is written under a temporary name and renamed; on GCS an
object only appears when its upload is finalised, so it is written in place (a rename there is
a copy plus a delete, twice the traffic for nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

# gcsfs otherwise tries a gRPC bucket-type lookup on every call (hangs against the emulator).
os.environ.setdefault("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")

import fsspec  # noqa: E402
from fsspec.implementations.dirfs import DirFileSystem  # noqa: E402


def user_prefix(user_id: object) -> str:
    return f"users/{user_id}"


def session_prefix(user_id: object, session_id: object) -> str:
    return f"{user_prefix(user_id)}/sessions/{session_id}"


def profile_image_key(user_id: object, image_id: object, ext: str) -> str:
    return f"{user_prefix(user_id)}/profile/{image_id}.{ext}"


def video_key(user_id: object, session_id: object, ext: str) -> str:
    return f"{session_prefix(user_id, session_id)}/original.{ext}"


# What the analysis draws, beside the video (the spec's layout; pose.json.gz is ours).
def pose_key(prefix: str) -> str:
    return f"{prefix}/pose.json.gz"


def thumbnail_key(prefix: str) -> str:
    return f"{prefix}/thumbnails/thumbnail.jpg"


def processed_video_key(prefix: str) -> str:
    return f"{prefix}/processed.mp4"


class Storage:
    """One bucket-like root (``file:///…`` or ``gs://bucket/prefix``) addressed by keys."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        options: dict = {}
        if self.url.startswith("file://") or "://" not in self.url:
            options["auto_mkdir"] = True
        elif self.url.startswith("gs://") and (endpoint := os.environ.get("BIOME_GCS_ENDPOINT")):
            # An emulator (tests, local dev); without it gcsfs finds the real credentials.
            options.update(endpoint_url=endpoint, token="anon")
        fs, root = fsspec.core.url_to_fs(self.url, **options)
        self.is_local = "file" in fs.protocol or "local" in fs.protocol
        self.root = root
        if self.is_local:
            Path(root).mkdir(parents=True, exist_ok=True)
        self.fs = DirFileSystem(path=root, fs=fs)

    def url_for(self, key: str) -> str:
        return f"{self.url}/{key}"

    def key_of(self, url: str) -> str:
        """The key of an object named by its ``url_for`` URL."""
        prefix = self.url + "/"
        if not url.startswith(prefix):
            raise ValueError(f"{url!r} is not in storage {self.url!r}")
        return url[len(prefix) :]

    async def size(self, key: str) -> int:
        return int(await asyncio.to_thread(self.fs.size, key))

    def open(self, key: str):
        """A binary file object of the object's bytes (blocking; use from a thread)."""
        return self.fs.open(key, "rb")

    async def read_bytes(self, key: str) -> bytes:
        return await asyncio.to_thread(self.fs.cat_file, key)

    def local_path(self, key: str) -> Path | None:
        """The object's path on this machine, when storage is a local directory."""
        return Path(self.root) / key if self.is_local else None

    def _put(self, local: Path, key: str) -> None:
        if not self.is_local:
            self.fs.put_file(str(local), key)
            return
        tmp = f"{key}.{uuid.uuid4().hex}.part"
        try:
            self.fs.put_file(str(local), tmp)
            self.fs.mv(tmp, key)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                self.fs.rm(tmp)
            raise

    async def put_file(self, local: Path, key: str) -> None:
        await asyncio.to_thread(self._put, local, key)

    async def delete_prefix(self, prefix: str) -> None:
        def rm() -> None:
            if self.fs.exists(prefix):
                self.fs.rm(prefix, recursive=True)

        await asyncio.to_thread(rm)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.fs.exists, key)

    @contextlib.asynccontextmanager
    async def local_copy(self, key: str, tmp_dir: Path) -> AsyncIterator[Path]:
        """A local file with the object's bytes: the object itself, or a download removed after."""
        if (path := self.local_path(key)) is not None:
            yield path
            return
        fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=Path(key).suffix)
        os.close(fd)
        try:
            await asyncio.to_thread(self.fs.get_file, key, name)
            yield Path(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)

    async def check(self) -> bool:
        """Whether the root answers (for /health)."""
        try:
            await asyncio.to_thread(self.fs.ls, "", detail=False)
            return True
        except FileNotFoundError:
            return True
        except Exception:
            return False


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
