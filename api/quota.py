"""What one account may keep and queue: stored video bytes, and analyses waiting or running.

Counted from the database, so every server process sharing it enforces the same totals.
"""

from __future__ import annotations

from piccolo.query.functions.aggregate import Sum

from api.config import Settings
from api.errors import ApiError
from api.tables import AnalysisSession

UNFINISHED = ("pending", "processing")
# A queued analysis of a typical clip takes about this long; the client may retry after it.
QUEUE_RETRY_AFTER_S = 30


async def stored_bytes(user_id) -> int:
    row = (
        await AnalysisSession.select(Sum(AnalysisSession.file_size))
        .where(AnalysisSession.user_id == user_id)
        .first()
    )
    return int((row or {}).get("sum") or 0)


async def queued(user_id) -> int:
    return await AnalysisSession.count().where(
        (AnalysisSession.user_id == user_id) & AnalysisSession.status.is_in(UNFINISHED)
    )


async def check_queue(user_id, settings: Settings) -> None:
    """429 when the user already has ``max_queued`` analyses waiting or running."""
    n = await queued(user_id)
    if n >= settings.max_queued:
        raise ApiError(
            "RATE_LIMIT_EXCEEDED",
            f"You have {n} analyses waiting or running; the limit is {settings.max_queued}. "
            "Upload again when one has finished.",
            {"reason": "queued_analyses", "queued": n, "limit": settings.max_queued},
            status_code=429,
            headers={"Retry-After": str(QUEUE_RETRY_AFTER_S)},
        )


def quota_error(used: int, settings: Settings) -> ApiError:
    return ApiError(
        "FILE_TOO_LARGE",
        f"Your stored videos use {used // 2**20} MB of your {settings.quota_bytes // 2**20} MB; "
        "delete some analyses to upload more",
        {"reason": "storage_quota", "usedBytes": used, "quotaBytes": settings.quota_bytes},
        status_code=413,
    )


async def room(user_id, settings: Settings) -> tuple[int, int]:
    """(bytes stored, bytes this user may still upload); 413 when nothing is left."""
    used = await stored_bytes(user_id)
    left = settings.quota_bytes - used
    if left <= 0:
        raise quota_error(used, settings)
    return used, left
