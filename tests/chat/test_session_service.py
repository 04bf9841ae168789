"""The Piccolo session service behaves like ADK's own session services.

Every test runs against ADK's InMemorySessionService and SqliteSessionService as well as
PiccoloSessionService (on the suite's engine: SQLite, or PostgreSQL with BIOME_TEST_POSTGRES),
so "like ADK's" is checked, not assumed.
"""

from __future__ import annotations

import uuid

import pytest
from google.adk.errors.already_exists_error import AlreadyExistsError
from google.adk.events.event import Event
from google.adk.events.event_actions import EventActions
from google.adk.sessions import InMemorySessionService
from google.adk.sessions.base_session_service import GetSessionConfig
from google.adk.sessions.sqlite_session_service import SqliteSessionService
from google.genai import types

try:
    from google.adk.errors._stale_session_error import StaleSessionError
except ImportError:  # pragma: no cover
    StaleSessionError = ValueError


@pytest.fixture(params=["memory", "adk-sqlite", "piccolo"])
async def service(request, tmp_path, database):
    if request.param == "memory":
        yield InMemorySessionService()
    elif request.param == "adk-sqlite":
        svc = SqliteSessionService(str(tmp_path / "adk.db"))
        yield svc
        await svc.close()
    else:
        from api.chat.session_service import PiccoloSessionService

        yield PiccoloSessionService()


@pytest.fixture
def app_name() -> str:
    return f"app_{uuid.uuid4().hex[:8]}"


def _event(text: str, author: str = "user", delta: dict | None = None, **kw) -> Event:
    return Event(
        invocation_id=kw.pop("invocation_id", "inv-1"),
        author=author,
        content=types.Content(
            role="user" if author == "user" else "model", parts=[types.Part(text=text)]
        ),
        actions=EventActions(state_delta=delta or {}),
        **kw,
    )


async def test_create_get_and_ids(service, app_name):
    created = await service.create_session(app_name=app_name, user_id="u1", state={"a": 1})
    assert created.id and created.state == {"a": 1} and created.events == []
    got = await service.get_session(app_name=app_name, user_id="u1", session_id=created.id)
    assert got.id == created.id and got.state == {"a": 1} and got.user_id == "u1"
    named = await service.create_session(app_name=app_name, user_id="u1", session_id="s-1")
    assert named.id == "s-1"
    with pytest.raises(AlreadyExistsError):
        await service.create_session(app_name=app_name, user_id="u1", session_id="s-1")


async def test_missing_session_and_other_user(service, app_name):
    await service.create_session(app_name=app_name, user_id="u1", session_id="s")
    assert await service.get_session(app_name=app_name, user_id="u2", session_id="s") is None
    assert await service.get_session(app_name=app_name, user_id="u1", session_id="x") is None
    assert await service.get_session(app_name="other", user_id="u1", session_id="s") is None


async def test_events_round_trip_in_order_with_state(service, app_name):
    session = await service.create_session(app_name=app_name, user_id="u", session_id="s")
    events = [
        _event("hello", delta={"count": 1}),
        _event("hi there", author="coach", delta={"count": 2, "nested": {"x": [1, 2.5]}}),
        _event("again", timestamp=session.last_update_time + 5),
    ]
    for event in events:
        await service.append_event(session, event)
    assert session.state["count"] == 2
    got = await service.get_session(app_name=app_name, user_id="u", session_id="s")
    assert [e.content.parts[0].text for e in got.events] == ["hello", "hi there", "again"]
    assert [e.id for e in got.events] == [e.id for e in events]
    assert got.events[1].author == "coach"
    assert got.state == {"count": 2, "nested": {"x": [1, 2.5]}}
    assert got.events[1].model_dump(exclude_none=True) == events[1].model_dump(exclude_none=True)


async def test_prefixed_state_scopes(service, app_name):
    s1 = await service.create_session(
        app_name=app_name,
        user_id="u",
        state={"app:theme": "dark", "user:units": "kg", "temp:scratch": 1, "own": "s1"},
    )
    assert "temp:scratch" not in s1.state
    s2 = await service.create_session(app_name=app_name, user_id="u", state={"own": "s2"})
    assert s2.state == {"own": "s2", "app:theme": "dark", "user:units": "kg"}
    other = await service.create_session(app_name=app_name, user_id="v")
    assert other.state == {"app:theme": "dark"}
    await service.append_event(
        s1, _event("x", delta={"user:units": "lb", "temp:t": 9, "app:theme": "light"})
    )
    assert s1.state["temp:t"] == 9  # Visible during the invocation...
    got = await service.get_session(app_name=app_name, user_id="u", session_id=s2.id)
    assert got.state == {"own": "s2", "app:theme": "light", "user:units": "lb"}
    got1 = await service.get_session(app_name=app_name, user_id="u", session_id=s1.id)
    assert "temp:t" not in got1.state  # ...never persisted.
    assert "temp:t" not in (got1.events[0].actions.state_delta or {})
    assert await service.get_user_state(app_name=app_name, user_id="u") == {"units": "lb"}


async def test_recent_events_and_after_timestamp(service, app_name):
    session = await service.create_session(app_name=app_name, user_id="u", session_id="s")
    base = session.last_update_time
    for n in range(5):
        await service.append_event(session, _event(f"m{n}", timestamp=base + n + 1))
    recent = await service.get_session(
        app_name=app_name, user_id="u", session_id="s", config=GetSessionConfig(num_recent_events=2)
    )
    assert [e.content.parts[0].text for e in recent.events] == ["m3", "m4"]
    none = await service.get_session(
        app_name=app_name, user_id="u", session_id="s", config=GetSessionConfig(num_recent_events=0)
    )
    assert none.events == []
    after = await service.get_session(
        app_name=app_name,
        user_id="u",
        session_id="s",
        config=GetSessionConfig(after_timestamp=base + 4),
    )
    assert [e.content.parts[0].text for e in after.events] == ["m3", "m4"]


async def test_list_and_delete(service, app_name):
    for sid in ("a", "b"):
        await service.create_session(app_name=app_name, user_id="u", session_id=sid)
    await service.create_session(app_name=app_name, user_id="v", session_id="c")
    listed = await service.list_sessions(app_name=app_name, user_id="u")
    assert sorted(s.id for s in listed.sessions) == ["a", "b"]
    assert all(s.events == [] for s in listed.sessions)
    everyone = await service.list_sessions(app_name=app_name)
    assert sorted(s.id for s in everyone.sessions) == ["a", "b", "c"]
    session = await service.get_session(app_name=app_name, user_id="u", session_id="a")
    await service.append_event(session, _event("bye"))
    await service.delete_session(app_name=app_name, user_id="u", session_id="a")
    assert await service.get_session(app_name=app_name, user_id="u", session_id="a") is None
    listed = await service.list_sessions(app_name=app_name, user_id="u")
    assert [s.id for s in listed.sessions] == ["b"]


async def test_partial_events_are_not_stored(service, app_name):
    session = await service.create_session(app_name=app_name, user_id="u", session_id="s")
    await service.append_event(session, _event("streaming…", author="coach", partial=True))
    got = await service.get_session(app_name=app_name, user_id="u", session_id="s")
    assert got.events == []


async def test_stale_session_is_refused(service, app_name):
    if isinstance(service, InMemorySessionService):
        pytest.skip("the in-memory service shares one object; nothing can go stale")
    first = await service.create_session(app_name=app_name, user_id="u", session_id="s")
    second = await service.get_session(app_name=app_name, user_id="u", session_id="s")
    await service.append_event(second, _event("newer", timestamp=first.last_update_time + 10))
    with pytest.raises(StaleSessionError):
        await service.append_event(first, _event("older copy"))


async def test_survives_a_new_service_instance(service, app_name):
    if isinstance(service, InMemorySessionService):
        pytest.skip("in memory by definition")
    session = await service.create_session(app_name=app_name, user_id="u", session_id="s")
    await service.append_event(session, _event("remember me", delta={"k": "v"}))
    fresh = type(service)(
        *([service._db_path] if isinstance(service, SqliteSessionService) else [])
    )
    got = await fresh.get_session(app_name=app_name, user_id="u", session_id="s")
    assert got.state == {"k": "v"} and got.events[0].content.parts[0].text == "remember me"
