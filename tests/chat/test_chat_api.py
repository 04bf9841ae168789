"""POST/GET /v1/analysis/sessions/{id}/chat and the chat WebSocket, through the real handlers.

Without a Gemini key the offline chat model answers by calling the tools over the stored
analysis, so every answer here comes from the database rows a finished analysis wrote.
"""

from __future__ import annotations

import copy
import datetime as dt

import httpx

from tests.agents.conftest import FINDINGS
from tests.chat.conftest import AsgiWebSocket, auth, chat_app, register, stored_analysis

URL = "/v1/analysis/sessions/{}/chat"


async def test_ask_is_answered_from_the_stored_analysis(client):
    user = await register(client)
    sid = await stored_analysis(user)
    response = await client.post(
        URL.format(sid), json={"message": "Why did I get this score?"}, headers=auth(user)
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["message"]["role"] == "user"
    assert data["message"]["text"] == "Why did I get this score?"
    reply = data["reply"]
    assert reply["role"] == "coach" and reply["model"] == "biome-offline-chat"
    assert [t["name"] for t in reply["tools"]] == ["get_score_breakdown"]
    assert "8.8 out of 10" in reply["text"] and "Shallow depth" in reply["text"]


async def test_conversation_persists_and_survives_a_restart(client):
    user = await register(client)
    sid = await stored_analysis(user)
    empty = await client.get(URL.format(sid), headers=auth(user))
    assert empty.json()["data"] == {"sessionId": sid, "messages": []}
    for question in ("Which was my worst rep?", "How do I fix it?"):
        response = await client.post(
            URL.format(sid), json={"message": question}, headers=auth(user)
        )
        assert response.status_code == 200, response.text

    # A new app instance and a new chat service: only the database carries the conversation.
    transport = httpx.ASGITransport(app=chat_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://biome.test") as fresh:
        messages = (await fresh.get(URL.format(sid), headers=auth(user))).json()["data"]["messages"]
        assert [m["role"] for m in messages] == ["user", "coach", "user", "coach"]
        assert "rep 5" in messages[1]["text"]
        assert [t["name"] for t in messages[1]["tools"]] == ["get_score_breakdown", "get_rep"]
        # ...and it continues there.
        response = await fresh.post(
            URL.format(sid), json={"message": "Tell me about rep 2"}, headers=auth(user)
        )
        assert "97.6" in response.json()["data"]["reply"]["text"]
        messages = (await fresh.get(URL.format(sid), headers=auth(user))).json()["data"]["messages"]
        assert len(messages) == 6


async def test_history_compares_with_the_previous_analysis(client):
    user = await register(client)
    earlier = copy.deepcopy(FINDINGS)
    earlier["score"] = 7.5
    earlier["issues"][0]["severity"] = "severe"
    await stored_analysis(user, earlier, created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    other = await register(client)  # Someone else's squat must never count as history.
    await stored_analysis(other, created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    sid = await stored_analysis(user)
    response = await client.post(
        URL.format(sid),
        json={"message": "How does this compare with last time?"},
        headers=auth(user),
    )
    reply = response.json()["data"]["reply"]
    assert reply["tools"][0]["name"] == "compare_with_history"
    assert "went up: 7.5 last time, 8.8 now" in reply["text"]


async def test_first_analysis_has_no_history(client):
    user = await register(client)
    sid = await stored_analysis(user)
    response = await client.post(
        URL.format(sid), json={"message": "Did I improve since last time?"}, headers=auth(user)
    )
    assert "first analysed Squat set" in response.json()["data"]["reply"]["text"]


async def test_only_the_owner_may_chat(client):
    owner, stranger = await register(client), await register(client)
    sid = await stored_analysis(owner)
    for method in ("get", "post"):
        kwargs = {"json": {"message": "hi"}} if method == "post" else {}
        response = await getattr(client, method)(URL.format(sid), headers=auth(stranger), **kwargs)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "SESSION_NOT_FOUND"
        missing = await getattr(client, method)(
            URL.format("not-a-uuid"), headers=auth(owner), **kwargs
        )
        assert missing.json()["error"]["code"] == "SESSION_NOT_FOUND"
    unauthenticated = await client.get(URL.format(sid))
    assert unauthenticated.status_code == 401
    # The stranger's attempt left nothing behind.
    messages = (await client.get(URL.format(sid), headers=auth(owner))).json()["data"]["messages"]
    assert messages == []


async def test_bad_messages_and_unfinished_analyses(client):
    user = await register(client)
    sid = await stored_analysis(user)
    for body in (
        {},
        {"message": "   "},
        {"message": 42},
        {"message": "x" * 2001},
        {"message": "a\x00b"},
    ):
        response = await client.post(URL.format(sid), json=body, headers=auth(user))
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    response = await client.post(
        URL.format(sid),
        content=b"not json",
        headers={**auth(user), "content-type": "application/json"},
    )
    assert response.status_code == 400
    pending = await stored_analysis(user, status="processing")
    response = await client.post(URL.format(pending), json={"message": "hi"}, headers=auth(user))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "RESULTS_NOT_READY"
    for s in (sid, pending):
        assert (await client.get(URL.format(s), headers=auth(user))).json()["data"][
            "messages"
        ] == []


async def test_unknown_question_says_what_it_can_answer(client):
    user = await register(client)
    sid = await stored_analysis(user)
    response = await client.post(
        URL.format(sid), json={"message": "What should I eat for dinner?"}, headers=auth(user)
    )
    reply = response.json()["data"]["reply"]
    assert reply["tools"] == []
    assert "can't answer that" in reply["text"] and "worst" in reply["text"]


async def test_websocket_streams_tool_calls_then_the_reply(client, app):
    user, stranger = await register(client), await register(client)
    sid = await stored_analysis(user)
    async with AsgiWebSocket(app, f"/ws/analysis/{sid}/chat?token={user['token']}") as ws:
        await ws.send_json({"message": "Which was my worst rep?"})
        received = []
        while not received or received[-1]["type"] != "chat_reply":
            received.append(await ws.receive_json())
        # The answer streams as it is written; the final message carries the whole of it.
        deltas = [e["text"] for e in received if e["type"] == "delta"]
        assert len(deltas) >= 2
        assert "".join(deltas) == received[-1]["data"]["text"]
        first_delta = next(n for n, e in enumerate(received) if e["type"] == "delta")
        assert all(e["type"] == "delta" for e in received[first_delta:-1])
        events = [e for e in received if e["type"] != "delta"]
        assert [e["type"] for e in events] == [
            "chat_tool",
            "chat_tool_result",
            "chat_tool",
            "chat_tool_result",
            "chat_reply",
        ]
        assert events[2]["data"] == {"name": "get_rep", "args": {"rep_number": 5}}
        assert "rep 5" in events[-1]["data"]["text"]
        await ws.send_json({"nope": 1})  # A bad message: an error, and the socket stays open.
        assert (await ws.receive_json())["data"]["code"] == "VALIDATION_ERROR"
        await ws.send_json({"message": "Tell me about rep 1"})
        while (event := await ws.receive_json())["type"] != "chat_reply":
            pass
        assert "84.2" in event["data"]["text"]
    messages = (await client.get(URL.format(sid), headers=auth(user))).json()["data"]["messages"]
    assert len(messages) == 4  # The streamed turns are the same conversation.

    for token, code, close in (
        ("bad", "AUTHENTICATION_ERROR", 4401),
        (stranger["token"], "SESSION_NOT_FOUND", 4404),
    ):
        async with AsgiWebSocket(app, f"/ws/analysis/{sid}/chat?token={token}") as ws:
            assert (await ws.receive_json())["data"]["code"] == code
            assert (await ws.receive()) == {"type": "websocket.close", "code": close, "reason": ""}


async def test_conversation_goes_with_its_analysis(client):
    from api.chat.tables import ChatEvent, ChatSession
    from api.tables import AnalysisSession

    user = await register(client)
    sid = await stored_analysis(user)
    await client.post(URL.format(sid), json={"message": "How did I do?"}, headers=auth(user))
    row = await ChatSession.select().where(ChatSession.session_id == sid).first()
    assert str(row["analysis_session"]) == sid
    assert await ChatEvent.count().where(ChatEvent.session == row["id"]) >= 3
    await AnalysisSession.delete().where(AnalysisSession.id == row["analysis_session"])
    assert not await ChatSession.exists().where(ChatSession.session_id == sid)
    assert await ChatEvent.count().where(ChatEvent.session == row["id"]) == 0
