import asyncio

from api.storage import Storage, session_prefix, video_key


def test_layout_and_atomic_put(tmp_path):
    storage = Storage((tmp_path / "store").as_uri())
    src = tmp_path / "clip.mp4"
    src.write_bytes(b"video bytes")
    key = video_key("u1", "s1", "mp4")
    assert key == "users/u1/sessions/s1/original.mp4"
    asyncio.run(storage.put_file(src, key))
    stored = tmp_path / "store" / key
    assert stored.read_bytes() == b"video bytes"
    # Only the final name exists: the temporary one was renamed, not copied.
    assert [p.name for p in stored.parent.iterdir()] == ["original.mp4"]
    assert storage.url_for(key) == f"{storage.url}/{key}"
    assert storage.local_path(key) == stored
    asyncio.run(storage.delete_prefix(session_prefix("u1", "s1")))
    assert not stored.parent.exists()
