"""Conversations with the coach about one analysis: run the chat agent, read the history back.

One ADK session per (user, analysis): app "biome_chat", user id = the user's id, session id =
the analysis session's id, stored by `PiccoloSessionService`, so a conversation continues after
a restart. Turns of one conversation run one at a time (a lock per conversation), because two
concurrent runs would append to a stale copy of the session.

Events passed to `on_event` while a turn runs (the WebSocket streams them):

    {"type": "chat_tool", "data": {"name", "args"}}          the agent called a tool
    {"type": "chat_tool_result", "data": {"name", "status"}}  the tool answered
    {"type": "delta", "text": "..."}                          a piece of the answer, as written
    {"type": "chat_reply", "data": <message>}                 the coach's answer

The deltas are the model's stream (ADK's SSE mode; the offline model streams sentence by
sentence). The reply is grounded once it is whole (agents/chat/grounded.py), so the final
`chat_reply` text is the one to keep: it replaces whatever the deltas spelled out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from google.adk.agents.run_config import RunConfig, StreamingMode
from google.adk.apps import App
from google.adk.events.event import Event
from google.adk.runners import Runner
from google.genai import types

from agents.chat.agent import build_chat_agent
from agents.chat.data import ANALYSIS_KEY
from agents.resilient_llm import FALLBACK_METADATA_KEY, KIND_TEXT
from api.chat.data import PiccoloCoachData
from api.chat.session_service import PiccoloSessionService
from api.chat.tables import ChatSession, state_key

logger = logging.getLogger(__name__)

APP_NAME = "biome_chat"
MAX_MESSAGE_CHARS = 2000

EventCallback = Callable[[dict], Awaitable[None]]


def _iso(timestamp: float) -> str:
    when = dt.datetime.fromtimestamp(timestamp, dt.UTC)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text(event: Event) -> str:
    if not event.content:
        return ""
    return "".join(p.text or "" for p in event.content.parts or [] if not p.thought).strip()


def _notice(event: Event) -> str | None:
    fallback = (event.custom_metadata or {}).get(FALLBACK_METADATA_KEY)
    if not fallback:
        return None
    why = KIND_TEXT.get(fallback.get("kind", ""), "the AI service failed")
    return f"The AI coach could not answer ({why}), so the built-in offline coach did."


def messages_from_events(events: list[Event]) -> list[dict]:
    """The conversation as messages: the user's and the coach's, with the tools each used."""
    messages: list[dict] = []
    tools: dict[str, list[dict]] = {}
    for event in events:
        if event.partial:
            continue
        calls = event.get_function_calls()
        if calls:
            tools.setdefault(event.invocation_id, []).extend(
                {"name": c.name, "args": dict(c.args or {})} for c in calls
            )
            continue
        text = _text(event)
        if not text or event.get_function_responses():
            continue
        message: dict[str, Any] = {
            "id": event.id,
            "role": "user" if event.author == "user" else "coach",
            "text": text,
            "createdAt": _iso(event.timestamp),
        }
        if message["role"] == "coach":
            message["tools"] = tools.get(event.invocation_id, [])
            message["model"] = event.model_version
            notice = _notice(event)
            if notice:
                message["notice"] = notice
        messages.append(message)
    return messages


async def link_to_analysis(user_id: str, analysis_id: str) -> None:
    """Ties a stored conversation to its analysis row, so it is deleted with it (or its user)."""
    try:
        sid = uuid.UUID(analysis_id)
    except ValueError:
        return
    await ChatSession.update({ChatSession.analysis_session: sid}).where(
        ChatSession.key == state_key(APP_NAME, user_id, analysis_id)
    )


class ChatService:
    """Runs chat turns and reads conversations; one per app (see api/routes/chat.py)."""

    def __init__(self, session_service: Any | None = None, data: Any | None = None):
        self.sessions = session_service or PiccoloSessionService()
        self.data = data or PiccoloCoachData()
        self._locks: dict[str, asyncio.Lock] = {}

    async def conversation(self, user_id: str, analysis_id: str) -> list[dict]:
        """The messages so far (empty when the person has not asked anything yet)."""
        session = await self.sessions.get_session(
            app_name=APP_NAME, user_id=user_id, session_id=analysis_id
        )
        return messages_from_events(session.events) if session else []

    async def conversations(self, user_id: str) -> list[dict]:
        """Every conversation of a user: [{"sessionId", "messages"}] (for the GDPR export)."""
        listed = await self.sessions.list_sessions(app_name=APP_NAME, user_id=user_id)
        return [
            {"sessionId": s.id, "messages": await self.conversation(user_id, s.id)}
            for s in listed.sessions
        ]

    async def ask(
        self,
        user_id: str,
        analysis_id: str,
        exercise_name: str,
        text: str,
        on_event: EventCallback | None = None,
    ) -> dict:
        """Runs one turn and returns the coach's reply message.

        Args:
            user_id: The owner of the analysis (checked by the caller).
            analysis_id: The completed analysis session the conversation is about.
            exercise_name: Its exercise, for the agent's instruction.
            text: The person's message (already validated).
            on_event: Awaited with each chat_tool / chat_tool_result / chat_reply event.
        """
        lock = self._locks.setdefault(f"{user_id}/{analysis_id}", asyncio.Lock())
        async with lock:
            session = await self.sessions.get_session(
                app_name=APP_NAME, user_id=user_id, session_id=analysis_id
            )
            if session is None:
                session = await self.sessions.create_session(
                    app_name=APP_NAME,
                    user_id=user_id,
                    session_id=analysis_id,
                    state={ANALYSIS_KEY: analysis_id, "exercise_name": exercise_name},
                )
                if isinstance(self.sessions, PiccoloSessionService):
                    await link_to_analysis(user_id, analysis_id)
            agent = build_chat_agent(self.data)  # Per turn: the model follows the environment.
            runner = Runner(app=App(name=APP_NAME, root_agent=agent), session_service=self.sessions)
            message = types.Content(role="user", parts=[types.Part(text=text)])
            replies: list[Event] = []
            seen: list[Event] = []
            # Stream only when someone listens (the WebSocket); partial events are not stored.
            streaming = StreamingMode.SSE if on_event is not None else StreamingMode.NONE
            try:
                async for event in runner.run_async(
                    user_id=user_id,
                    session_id=analysis_id,
                    new_message=message,
                    run_config=RunConfig(streaming_mode=streaming),
                ):
                    seen.append(event)
                    await self._relay(event, on_event)
                    if event.is_final_response() and _text(event):
                        replies.append(event)
            finally:
                await runner.close()
            if not replies:
                raise RuntimeError("the chat agent produced no answer")
            reply = messages_from_events(seen)[-1]
            if on_event is not None:
                await on_event({"type": "chat_reply", "data": reply})
            return reply

    @staticmethod
    async def _relay(event: Event, on_event: EventCallback | None) -> None:
        if on_event is None:
            return
        if event.partial:
            if text := "".join(
                p.text or ""
                for p in (event.content.parts if event.content else None) or []
                if not p.thought
            ):
                await on_event({"type": "delta", "text": text})
            return
        for call in event.get_function_calls():
            await on_event(
                {"type": "chat_tool", "data": {"name": call.name, "args": dict(call.args or {})}}
            )
        for response in event.get_function_responses():
            status = (response.response or {}).get("status", "ok")
            await on_event(
                {"type": "chat_tool_result", "data": {"name": response.name, "status": status}}
            )


def chat_service(state: Any) -> ChatService:
    """The app's ChatService (kept on app.state, made on first use)."""
    service = getattr(state, "chat", None)
    if service is None:
        service = ChatService()
        state.chat = service
    return service
