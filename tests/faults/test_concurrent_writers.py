"""Chat turns and result saves at the same time: every write waits its turn, none fails.

Before the fix, 4 of 40 chat turns failed with "database is locked" on SQLite while analyses
were saving: a transaction that read first and wrote second could not upgrade its lock.
"""

from __future__ import annotations

import asyncio
import uuid

from tests.chat.conftest import app, auth, client, database, offline, register, stored_analysis

__all__ = ["app", "client", "database", "offline"]  # fixtures this module uses

URL = "/v1/analysis/sessions/{}/chat"
TURNS = 40
SAVES = 12


async def test_chat_turns_and_result_saves_never_fail_each_other(client):
    users = [await register(client) for _ in range(4)]
    sessions = [await stored_analysis(u) for u in users]

    async def turn(n: int):
        user, sid = users[n % 4], sessions[n % 4]
        return await client.post(
            URL.format(sid),
            json={"message": f"Why did I get this score? ({n})"},
            headers=auth(user),
        )

    async def save(n: int):
        return await stored_analysis(users[n % 4])

    results = await asyncio.gather(
        *(turn(n) for n in range(TURNS)), *(save(n) for n in range(SAVES)), return_exceptions=True
    )
    turns, saves = results[:TURNS], results[TURNS:]
    failed_turns = [
        r if isinstance(r, Exception) else r.text
        for r in turns
        if isinstance(r, Exception) or r.status_code != 200
    ]
    failed_saves = [r for r in saves if isinstance(r, Exception)]
    print(
        f"concurrent writers: {TURNS - len(failed_turns)}/{TURNS} chat turns and "
        f"{SAVES - len(failed_saves)}/{SAVES} result saves succeeded"
    )
    assert not failed_turns, failed_turns[:3]
    assert not failed_saves, failed_saves[:3]


async def test_conversation_writes_and_result_saves_never_fail_each_other(database):
    """The same, one layer down: the chat's session store (ADK's turn writes) and the saves."""
    from google.adk.events.event import Event
    from google.genai import types

    from api.chat.session_service import PiccoloSessionService

    service = PiccoloSessionService()
    users = [{"id": str(uuid.uuid4())} for _ in range(2)]
    from api.tables import User

    for u in users:
        await User.insert(
            User(
                id=uuid.UUID(u["id"]),
                email=f"{u['id']}@example.com",
                username=u["id"][:20],
                password_hash="x",
            )
        )

    async def turn(n: int):
        session = await service.create_session(app_name="faults", user_id=f"u{n}")
        for author in ("user", "coach"):
            event = Event(
                invocation_id=f"inv-{n}",
                author=author,
                content=types.Content(
                    role="user" if author == "user" else "model",
                    parts=[types.Part(text=f"turn {n}")],
                ),
            )
            await service.append_event(session, event)

    async def save(n: int):
        return await stored_analysis(users[n % 2])

    results = await asyncio.gather(
        *(turn(n) for n in range(TURNS)), *(save(n) for n in range(SAVES)), return_exceptions=True
    )
    failed = [r for r in results if isinstance(r, Exception)]
    print(
        f"concurrent writers (store): {len(results) - len(failed)}/{len(results)} writes "
        f"succeeded; failures: {sorted({str(f) for f in failed})[:3]}"
    )
    assert not failed, failed[:3]
