"""Admin endpoints: list users, disable/enable or promote one, system statistics."""

from __future__ import annotations

import datetime as dt
import math

from piccolo.query.functions.aggregate import Avg, Sum
from starlette.requests import Request

from api.auth import require_admin
from api.errors import ApiError, ok
from api.openapi import ADMIN, json_body, operation, query
from api.parsing import json_body as read_json
from api.parsing import query_text, uuid_of
from api.results import iso, num
from api.routes.analysis import MAX_PAGE, MAX_PAGE_SIZE, int_param
from api.schemas import (
    DATE_TIME,
    UUID,
    array,
    boolean,
    envelope,
    integer,
    nullable,
    number,
    obj,
    ref,
    string,
)
from api.tables import SESSION_STATUSES, AnalysisResult, AnalysisSession, User
from api.textsearch import contains

ADMIN_USER = obj(
    {
        "id": UUID,
        "email": string(),
        "username": string(),
        "role": string(enum=["user", "admin"]),
        "isActive": boolean(),
        "createdAt": DATE_TIME,
        "lastLogin": nullable(DATE_TIME),
    }
)


def admin_user_json(row: dict) -> dict:
    return {
        "id": str(row["id"]),
        "email": row["email"],
        "username": row["username"],
        "role": row["role"] or "user",
        "isActive": bool(row["is_active"]),
        "createdAt": iso(row["created_at"]),
        "lastLogin": iso(row["last_login"]),
    }


@operation(
    summary="List user accounts",
    tag="Admin",
    access=ADMIN,
    params=(
        query("page", integer(minimum=1, maximum=MAX_PAGE, default=1), "1-based page"),
        query("limit", integer(minimum=1, maximum=MAX_PAGE_SIZE, default=20), "Page size"),
        query("search", string(maxLength=100), "Part of an email or username"),
    ),
    responses={
        200: (
            "One page of users, oldest first",
            envelope(obj({"users": array(ADMIN_USER), "pagination": ref("Pagination")})),
        )
    },
)
async def list_users(request: Request):
    await require_admin(request)
    page = int_param(request, "page", 1, 1, MAX_PAGE)
    limit = int_param(request, "limit", 20, 1, MAX_PAGE_SIZE)
    query_ = User.select().order_by(User.created_at).order_by(User.id)
    count = User.count()
    if search := query_text(request, "search", 100):
        where = contains(User.email, search) | contains(User.username, search)
        query_, count = query_.where(where), count.where(where)
    total = await count
    rows = await query_.limit(limit).offset((page - 1) * limit)
    return ok(
        {
            "users": [admin_user_json(r) for r in rows],
            "pagination": {
                "page": page,
                "limit": limit,
                "total": total,
                "totalPages": math.ceil(total / limit),
            },
        }
    )


@operation(
    summary="Disable or enable an account, or change its role",
    tag="Admin",
    access=ADMIN,
    description="A disabled account's tokens stop working at once; it cannot log in.",
    body=json_body(
        obj(
            {"isActive": boolean(), "role": string(enum=["user", "admin"])},
            required=[],
        )
    ),
    responses={200: ("The account", envelope(obj({"user": ADMIN_USER})))},
    errors={404: "No such user", 409: "An administrator cannot disable or demote themselves"},
)
async def update_user(request: Request):
    admin = await require_admin(request)
    target = uuid_of(request.path_params["user_id"])
    row = target and await User.select().where(User.id == target).first()
    if not row:
        raise ApiError("NOT_FOUND", "No such user")
    body = await read_json(request)
    values = {}
    if "isActive" in body:
        if not isinstance(body["isActive"], bool):
            raise ApiError("VALIDATION_ERROR", "isActive must be a boolean", {"field": "isActive"})
        values[User.is_active] = body["isActive"]
    if "role" in body:
        if body["role"] not in ("user", "admin"):
            raise ApiError("VALIDATION_ERROR", "role must be user or admin", {"field": "role"})
        values[User.role] = body["role"]
    if row["id"] == admin["id"] and (
        values.get(User.is_active) is False or values.get(User.role) == "user"
    ):
        # The last door into the admin endpoints must not lock itself.
        raise ApiError("CONFLICT", "Administrators cannot disable or demote themselves")
    if values:
        values[User.updated_at] = dt.datetime.now(dt.UTC)
        await User.update(values).where(User.id == row["id"])
    row = await User.select().where(User.id == row["id"]).first()
    return ok({"user": admin_user_json(row)})


STATS = obj(
    {
        "users": obj({"total": integer(), "active": integer(), "admins": integer()}),
        "sessions": obj(
            {
                "total": integer(),
                "byStatus": obj({s: integer() for s in SESSION_STATUSES}),
                "last24h": integer(),
            }
        ),
        "analyses": obj(
            {
                "averageScore": nullable(number(description="Of the rated analyses")),
                "unrated": integer(description="Analyses that could not be rated (null score)"),
                "averageProcessingTime": nullable(number()),
            }
        ),
        "storage": obj({"videoBytes": integer()}),
        "jobs": obj({"queued": integer(), "workers": integer()}),
    }
)


@operation(
    summary="System statistics",
    tag="Admin",
    access=ADMIN,
    responses={200: ("Counts and averages", envelope(STATS))},
)
async def stats(request: Request):
    await require_admin(request)
    state = request.app.state
    by_status = {
        s: await AnalysisSession.count().where(AnalysisSession.status == s)
        for s in SESSION_STATUSES
    }
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    averages = await AnalysisResult.select(
        Avg(AnalysisResult.overall_score, alias="score"),
        Avg(AnalysisResult.processing_time, alias="time"),
    ).first()
    sizes = await AnalysisSession.select(Sum(AnalysisSession.file_size, alias="bytes")).first()
    return ok(
        {
            "users": {
                "total": await User.count(),
                "active": await User.count().where(User.is_active == True),  # noqa: E712
                "admins": await User.count().where(User.role == "admin"),
            },
            "sessions": {
                "total": sum(by_status.values()),
                "byStatus": by_status,
                "last24h": await AnalysisSession.count().where(AnalysisSession.created_at >= since),
            },
            "analyses": {
                # AVG skips the null scores of unrated sets.
                "averageScore": _round(averages["score"]),
                "unrated": await AnalysisResult.count().where(
                    AnalysisResult.overall_score.is_null()
                ),
                "averageProcessingTime": _round(averages["time"]),
            },
            "storage": {"videoBytes": int(sizes["bytes"] or 0)},
            "jobs": {"queued": state.jobs.pending(), "workers": state.settings.workers},
        }
    )


def _round(value) -> float | None:
    return None if value is None else round(num(value), 2)
