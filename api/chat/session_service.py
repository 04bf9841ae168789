"""An ADK session service stored through Piccolo, so conversations survive a restart.

`PiccoloSessionService` behaves like ADK's own `SqliteSessionService` (same rules, same
tests in tests/chat/test_session_service.py): state keys prefixed "app:" and "user:" are shared
across sessions of the app / the user, "temp:" keys never persist; events are stored as ADK's
JSON and read back in append order; appending to a session object that is older than the
stored one raises StaleSessionError. It runs on whatever engine the tables use (SQLite or
PostgreSQL), each write in one transaction.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from google.adk.errors.already_exists_error import AlreadyExistsError
from google.adk.errors.session_not_found_error import SessionNotFoundError
from google.adk.events.event import Event
from google.adk.sessions import _session_util
from google.adk.sessions.base_session_service import (
    BaseSessionService,
    GetSessionConfig,
    ListSessionsResponse,
)
from google.adk.sessions.session import Session
from google.adk.sessions.state import State

try:  # Where ADK 2.13 keeps it; the class is the contract.
    from google.adk.errors._stale_session_error import StaleSessionError
except ImportError:  # pragma: no cover
    StaleSessionError = ValueError  # type: ignore[misc,assignment]

from api.chat.tables import ChatAppState, ChatEvent, ChatSession, ChatUserState, state_key


def _load(text: str | None) -> dict[str, Any]:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


def _merge(app: dict, user: dict, session: dict) -> dict[str, Any]:
    merged = dict(session)
    merged.update({State.APP_PREFIX + k: v for k, v in app.items()})
    merged.update({State.USER_PREFIX + k: v for k, v in user.items()})
    return merged


class PiccoloSessionService(BaseSessionService):
    """ADK sessions and events in the chat_* tables (see api/chat/tables.py)."""

    async def create_session(
        self,
        *,
        app_name: str,
        user_id: str,
        state: dict[str, Any] | None = None,
        session_id: str | None = None,
    ) -> Session:
        session_id = (session_id or "").strip() or uuid.uuid4().hex
        key = state_key(app_name, user_id, session_id)
        deltas = _session_util.extract_json_safe_state_delta(state or {})
        now = time.time()
        async with ChatSession._meta.db.transaction():
            if await ChatSession.exists().where(ChatSession.key == key):
                raise AlreadyExistsError(f"Session with id {session_id} already exists.")
            app_state = await self._upsert(ChatAppState, app_name, deltas["app"], now)
            user_state = await self._upsert(
                ChatUserState, state_key(app_name, user_id), deltas["user"], now
            )
            await ChatSession.insert(
                ChatSession(
                    key=key,
                    app_name=app_name,
                    user_id=user_id,
                    session_id=session_id,
                    state=json.dumps(deltas["session"]),
                    create_time=now,
                    update_time=now,
                )
            )
        return Session(
            app_name=app_name,
            user_id=user_id,
            id=session_id,
            state=_merge(app_state, user_state, deltas["session"]),
            events=[],
            last_update_time=now,
        )

    async def get_session(
        self,
        *,
        app_name: str,
        user_id: str,
        session_id: str,
        config: GetSessionConfig | None = None,
    ) -> Session | None:
        row = (
            await ChatSession.select()
            .where(ChatSession.key == state_key(app_name, user_id, session_id))
            .first()
        )
        if row is None:
            return None
        events: list[Event] = []
        if not (config and config.num_recent_events == 0):
            query = ChatEvent.select(ChatEvent.event_data).where(ChatEvent.session == row["id"])
            if config and config.after_timestamp:
                query = query.where(ChatEvent.timestamp >= config.after_timestamp)
            query = query.order_by(ChatEvent.timestamp, ascending=False).order_by(
                ChatEvent.seq, ascending=False
            )
            if config and config.num_recent_events:
                query = query.limit(config.num_recent_events)
            rows = await query
            events = [Event.model_validate_json(r["event_data"]) for r in reversed(rows)]
        app_state, user_state = await self._states(app_name, user_id)
        return Session(
            app_name=app_name,
            user_id=user_id,
            id=session_id,
            state=_merge(app_state, user_state, _load(row["state"])),
            events=events,
            last_update_time=row["update_time"],
        )

    async def list_sessions(
        self, *, app_name: str, user_id: str | None = None
    ) -> ListSessionsResponse:
        query = ChatSession.select().where(ChatSession.app_name == app_name)
        if user_id is not None:
            query = query.where(ChatSession.user_id == user_id)
        rows = await query.order_by(ChatSession.update_time).order_by(ChatSession.user_id)
        app_state = await self._state(ChatAppState, app_name)
        user_states: dict[str, dict] = {}
        sessions = []
        for row in rows:
            uid = row["user_id"]
            if uid not in user_states:
                user_states[uid] = await self._state(ChatUserState, state_key(app_name, uid))
            sessions.append(
                Session(
                    app_name=app_name,
                    user_id=uid,
                    id=row["session_id"],
                    state=_merge(app_state, user_states[uid], _load(row["state"])),
                    events=[],
                    last_update_time=row["update_time"],
                )
            )
        return ListSessionsResponse(sessions=sessions)

    async def delete_session(self, *, app_name: str, user_id: str, session_id: str) -> None:
        key = state_key(app_name, user_id, session_id)
        async with ChatSession._meta.db.transaction():
            row = await ChatSession.select(ChatSession.id).where(ChatSession.key == key).first()
            if row is not None:
                # Explicitly, not only by cascade: SQLite enforces foreign keys per connection.
                await ChatEvent.delete().where(ChatEvent.session == row["id"])
                await ChatSession.delete().where(ChatSession.id == row["id"])

    async def get_user_state(self, *, app_name: str, user_id: str) -> dict[str, Any]:
        return await self._state(ChatUserState, state_key(app_name, user_id))

    async def append_event(self, session: Session, event: Event) -> Event:
        if event.partial:
            return event
        self._apply_temp_state(session, event)
        event = self._trim_temp_delta_state(event)
        key = state_key(session.app_name, session.user_id, session.id)
        async with ChatSession._meta.db.transaction():
            row = await ChatSession.select().where(ChatSession.key == key).first()
            if row is None:
                raise SessionNotFoundError(f"Session {session.id} not found.")
            if row["update_time"] > session.last_update_time:
                raise StaleSessionError(
                    "The session object is older than the stored session; reload it."
                )
            values: dict = {ChatSession.update_time: event.timestamp}
            if event.actions and event.actions.state_delta:
                deltas = _session_util.extract_json_safe_state_delta(event.actions.state_delta)
                await self._upsert(ChatAppState, session.app_name, deltas["app"], event.timestamp)
                await self._upsert(
                    ChatUserState,
                    state_key(session.app_name, session.user_id),
                    deltas["user"],
                    event.timestamp,
                )
                if deltas["session"]:
                    stored = _load(row["state"])
                    stored.update(deltas["session"])
                    values[ChatSession.state] = json.dumps(stored)
            seq = await ChatEvent.count().where(ChatEvent.session == row["id"])
            await ChatEvent.insert(
                ChatEvent(
                    session=row["id"],
                    event_id=event.id,
                    invocation_id=event.invocation_id or "",
                    timestamp=event.timestamp,
                    seq=seq,
                    event_data=event.model_dump_json(exclude_none=True),
                )
            )
            await ChatSession.update(values).where(ChatSession.id == row["id"])
        session.last_update_time = event.timestamp
        return self._commit_event_to_session(session, event)

    async def _state(self, table: type, key: str) -> dict[str, Any]:
        row = await table.select(table.state).where(table.key == key).first()
        return _load(row["state"]) if row else {}

    async def _states(self, app_name: str, user_id: str) -> tuple[dict, dict]:
        return (
            await self._state(ChatAppState, app_name),
            await self._state(ChatUserState, state_key(app_name, user_id)),
        )

    async def _upsert(self, table: type, key: str, delta: dict, now: float) -> dict[str, Any]:
        """Merges `delta` into the state row `key` (dict.update semantics); returns the state."""
        row = await table.select().where(table.key == key).first()
        state = _load(row["state"]) if row else {}
        if not delta:
            return state
        state.update(delta)
        if row is None:
            await table.insert(table(key=key, state=json.dumps(state), update_time=now))
        else:
            await table.update({table.state: json.dumps(state), table.update_time: now}).where(
                table.key == key
            )
        return state
