"""GET /analysis/sessions/{id}/pose: the session's pose track, for the overlay on its video.

The worker's track is stored once as this response's whole body, gzip-compressed (api/media.py),
so serving it is one read: sent as it is to a client that accepts gzip (every browser), inflated
for one that does not.
"""

from __future__ import annotations

import asyncio
import gzip

from starlette.requests import Request
from starlette.responses import Response

from api.auth import current_user
from api.errors import ApiError
from api.openapi import operation
from api.schemas import array, envelope, integer, nullable, number, obj
from api.sessions import owned_session, refuse_failed

POSE = obj(
    {
        "fps": number(description="Frames per second; frame i is shown at i / fps seconds"),
        "width": integer(description="Upright frame width in pixels"),
        "height": integer(description="Upright frame height in pixels"),
        "frameCount": integer(),
        "connections": array(
            array(integer(), minItems=2, maxItems=2), description="Landmark index pairs (bones)"
        ),
        "frames": array(
            nullable(array(integer(), minItems=99, maxItems=99)),
            description=(
                "One entry per video frame: 33 MediaPipe landmarks × [x, y, visibility], x and y "
                "in per-mille of the frame's width and height (may fall slightly outside "
                "0–1000), visibility 0–9; null where no person was found"
            ),
        ),
    }
)


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


@operation(
    summary="The session's pose track, frame by frame, for drawing the skeleton",
    tag="Analysis",
    owns={"session_id": "session"},
    description=(
        "Compact and gzip-friendly: a 5-minute clip at 30 fps is about 1 MB compressed. Sent "
        "with Content-Encoding: gzip when the client accepts it."
    ),
    responses={200: ("The pose track", envelope(POSE))},
    errors={409: "Not finished yet (RESULTS_NOT_READY), or no track was stored for it"},
)
async def get_pose(request: Request) -> Response:
    user = await current_user(request)
    session = await owned_session(request, user)
    refuse_failed(session)
    if session["status"] != "completed" or not session["pose_url"]:
        why = (
            f"The analysis is {session['status']}; its pose track is not ready yet"
            if session["status"] != "completed"
            else "This analysis has no stored pose track (it was made before tracks were kept)"
        )
        raise ApiError(
            "RESULTS_NOT_READY", why, {"sessionId": str(session["id"]), "status": session["status"]}
        )
    storage = request.app.state.storage
    try:
        body = await storage.read_bytes(storage.key_of(session["pose_url"]))
    except (FileNotFoundError, ValueError) as exc:
        raise ApiError("NOT_FOUND", "The pose track's file is missing") from exc
    if _accepts_gzip(request):
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(body, media_type="application/json", headers=headers)
    # Inflated; the GZip middleware then treats it like any other JSON body.
    body = await asyncio.to_thread(gzip.decompress, body)
    return Response(body, media_type="application/json")
