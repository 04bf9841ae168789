"""Re-analysis: a session's stored video analysed again as another exercise, without an upload.

The new result replaces the old one when it is saved; the session goes back through the queue
with the same live events; a session still being analysed is refused.
"""

from __future__ import annotations

import uuid

from api.tables import AnalysisResult
from tests.api.conftest import auth, register
from tests.api.test_upload import upload, wait_for_status
from tests.api.test_upload_quota import settings_of
from tests.conftest import VIDEOS, require_shared
from tests.security.asgi_ws import events, ws_messages

CLIP = "squat_side_01.mp4"


def reanalyze(client, user, sid, **body):
    return client.post(f"/v1/analysis/sessions/{sid}/reanalyze", headers=auth(user), json=body)


async def _results(client, user, sid) -> dict:
    response = await client.get(f"/v1/analysis/sessions/{sid}/results", headers=auth(user))
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def _result_ids(sid: str) -> list[str]:
    rows = await AnalysisResult.select(AnalysisResult.id).where(
        AnalysisResult.session_id == uuid.UUID(sid)
    )
    return [str(r["id"]) for r in rows]


async def test_a_completed_session_is_analysed_again_as_another_exercise(app, client, user):
    require_shared()
    response = await upload(client, user, VIDEOS / CLIP, exercise="squat")
    assert response.status_code == 201, response.text
    sid = response.json()["data"]["sessionId"]

    # Still queued or running: refused, and nothing changes.
    busy = await reanalyze(client, user, sid, exerciseName="lunge")
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "CONFLICT"
    session = await wait_for_status(client, user, sid, {"completed", "failed"}, 300)
    assert session["status"] == "completed", session
    first = await _results(client, user, sid)
    assert first["session"]["exerciseName"] == "Squat"
    old_id = await _result_ids(sid)

    again = await reanalyze(client, user, sid, exerciseName="lunge")
    assert again.status_code == 202, again.text
    data = again.json()["data"]
    assert (data["sessionId"], data["status"], data["exerciseName"]) == (sid, "pending", "Lunge")
    # Until the new result is saved the session is unfinished: its results are not ready, and
    # a second re-analysis is refused.
    assert (await reanalyze(client, user, sid, exerciseName="squat")).status_code == 409
    pending = await client.get(f"/v1/analysis/sessions/{sid}/results", headers=auth(user))
    assert pending.status_code == 409 and pending.json()["error"]["code"] == "RESULTS_NOT_READY"

    # The same live events as an upload's: progress, then the new result's completion.
    messages = await ws_messages(app, f"/ws/analysis/{sid}", user["token"], timeout=300)
    sent = events(messages)
    assert sent[-1]["type"] == "analysis_complete", sent
    assert any(e["type"] == "progress" for e in sent), sent
    new_id = sent[-1]["data"]["resultId"]
    assert [new_id] != old_id and len(old_id) == 1

    session = await wait_for_status(client, user, sid, {"completed", "failed"}, 30)
    assert session["status"] == "completed" and session["exerciseName"] == "Lunge"
    second = await _results(client, user, sid)
    assert second["session"]["exerciseName"] == "Lunge"
    assert second["session"]["videoUrl"] and second["session"]["id"] == sid
    # Replaced, not added: the session has exactly one result, the new one.
    assert await _result_ids(sid) == [new_id]

    # Progress follows: the set now counts as a lunge, no longer as a squat.
    progress = await client.get("/v1/progress/exercises", headers=auth(user))
    names = [e["exerciseName"] for e in progress.json()["data"]["exercises"]]
    assert "Lunge" in names and "Squat" not in names, names

    # Without a name the movement names it again (tools.recognition).
    recognised = await reanalyze(client, user, sid)
    assert recognised.status_code == 202 and recognised.json()["data"]["exerciseName"] == ""
    session = await wait_for_status(client, user, sid, {"completed", "failed"}, 300)
    assert session["status"] == "completed" and session["exerciseName"] == "Squat", session


async def test_bad_requests_are_refused_before_anything_is_queued(app, client, user):
    require_shared()
    response = await upload(client, user, VIDEOS / CLIP, exercise="squat")
    sid = response.json()["data"]["sessionId"]
    await wait_for_status(client, user, sid, {"completed", "failed"}, 300)

    unknown = await reanalyze(client, user, sid, exerciseName="underwater basket weaving")
    assert unknown.status_code == 400
    assert "Squat" in unknown.json()["error"]["details"]["supported"]
    bad_id = await reanalyze(client, user, sid, exerciseId="not-a-uuid")
    assert bad_id.status_code == 400
    missing = await reanalyze(client, user, sid, exerciseId=str(uuid.uuid4()))
    assert missing.status_code == 400
    extra = await reanalyze(client, user, sid, exercise="squat")
    assert extra.status_code == 400

    # Someone else's session is not found, and stays as it was.
    other = await register(client)
    assert (await reanalyze(client, other, sid, exerciseName="lunge")).status_code == 404
    # The per-user queue limit of uploads applies: a re-analysis is a queued analysis.
    with settings_of(app, max_queued=0):
        refused = await reanalyze(client, user, sid, exerciseName="lunge")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert refused.json()["error"]["details"]["reason"] == "queued_analyses"
    session = await wait_for_status(client, user, sid, {"completed"}, 5)
    assert session["exerciseName"] == "Squat"
