"""Storage on gs:// through the real gcsfs client, against a local GCS emulator."""

import asyncio
import socket

import pytest
from gcp_storage_emulator import server as emulator


@pytest.fixture
def gcs(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = emulator.create_server("127.0.0.1", port, in_memory=True, default_bucket="biome-test")
    server.start()
    monkeypatch.setenv("BIOME_GCS_ENDPOINT", f"http://127.0.0.1:{port}")
    yield
    server.stop()


def test_put_read_and_delete_on_gcs(gcs, tmp_path):
    from api.storage import Storage, session_prefix, video_key

    storage = Storage("gs://biome-test/videos")
    assert not storage.is_local and storage.local_path("x") is None
    src = tmp_path / "clip.mp4"
    src.write_bytes(b"\0\0\0\x18ftypmp42" + bytes(range(256)) * 100)
    key = video_key("u1", "s1", "mp4")

    async def scenario():
        await storage.put_file(src, key)
        assert await storage.exists(key)
        # Only the final object exists (GCS finalises an upload atomically).
        listed = await asyncio.to_thread(storage.fs.ls, session_prefix("u1", "s1"), detail=False)
        assert [p.rsplit("/", 1)[-1] for p in listed] == ["original.mp4"]
        async with storage.local_copy(key, tmp_path / "dl") as local:
            assert local.read_bytes() == src.read_bytes()
            copied = local
        assert not copied.exists()
        assert await storage.check()
        await storage.delete_prefix(session_prefix("u1", "s1"))
        assert not await storage.exists(key)

    (tmp_path / "dl").mkdir()
    asyncio.run(scenario())
    assert storage.url_for(key) == "gs://biome-test/videos/users/u1/sessions/s1/original.mp4"
